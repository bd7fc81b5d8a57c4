-- INTEGRATIONS.md: deliveries from HubSpot, Pipedrive and Salesforce in their own formats, and keys of the `export`
-- scope. SQLite cannot change a CHECK, so each table is rebuilt with the same columns, rows and indexes.
CREATE TABLE webhook_events_new (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL CHECK (source IN ('crm', 'stripe', 'hubspot', 'pipedrive', 'salesforce')),
    event_id TEXT NOT NULL,
    type TEXT NOT NULL,
    occurred_at INTEGER,
    received_at INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('processed', 'ignored', 'pending', 'failed')),
    error TEXT,
    attempts INTEGER NOT NULL DEFAULT 1,
    payload BLOB NOT NULL,
    waiting_for TEXT,
    UNIQUE (source, event_id)
) STRICT;
INSERT INTO webhook_events_new (seq, id, source, event_id, type, occurred_at, received_at, status, error, attempts, payload, waiting_for)
SELECT seq, id, source, event_id, type, occurred_at, received_at, status, error, attempts, payload, waiting_for FROM webhook_events;
DROP TABLE webhook_events;
ALTER TABLE webhook_events_new RENAME TO webhook_events;
CREATE INDEX webhook_events_status ON webhook_events (status);
CREATE INDEX webhook_events_waiting_for ON webhook_events (waiting_for) WHERE waiting_for IS NOT NULL;

CREATE TABLE api_keys_new (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    scope TEXT NOT NULL CHECK (scope IN ('read', 'write', 'admin', 'export')),
    secret_hash TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
) STRICT;
INSERT INTO api_keys_new (seq, id, name, scope, secret_hash, prefix, created_at, revoked_at)
SELECT seq, id, name, scope, secret_hash, prefix, created_at, revoked_at FROM api_keys;
DROP TABLE api_keys;
ALTER TABLE api_keys_new RENAME TO api_keys;
