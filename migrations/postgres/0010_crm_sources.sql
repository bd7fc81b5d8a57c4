-- Deliveries from HubSpot, Pipedrive and Salesforce in their own formats (INTEGRATIONS.md).
ALTER TABLE webhook_events
    DROP CONSTRAINT webhook_events_source_check,
    ADD CONSTRAINT webhook_events_source_check CHECK (source IN ('crm', 'stripe', 'hubspot', 'pipedrive', 'salesforce'));
