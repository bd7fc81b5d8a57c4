-- INTEGRATIONS.md: deliveries from HubSpot, Pipedrive and Salesforce in their own formats, and keys of the `export`
-- scope.
ALTER TABLE webhook_events
    DROP CONSTRAINT webhook_events_source_check,
    ADD CONSTRAINT webhook_events_source_check CHECK (source IN ('crm', 'stripe', 'hubspot', 'pipedrive', 'salesforce'));
ALTER TABLE api_keys
    DROP CONSTRAINT api_keys_scope_check,
    ADD CONSTRAINT api_keys_scope_check CHECK (scope IN ('read', 'write', 'admin', 'export'));
