-- EVENTS.md: the event log (an outbox written in its change's transaction), the endpoints it is sent to and the
-- delivery of each event to each endpoint, with every attempt.
CREATE TABLE events (
    sequence INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    account_id TEXT,
    created_at INTEGER NOT NULL,
    occurred_at INTEGER NOT NULL,
    source_kind TEXT NOT NULL CHECK (source_kind IN ('api', 'webhook', 'evaluation', 'clock', 'automation', 'delivery')),
    source_id TEXT,
    subject_type TEXT,
    subject_id TEXT,
    object TEXT,
    previous TEXT
) STRICT;
CREATE INDEX events_account ON events (account_id, sequence);
CREATE INDEX events_type ON events (type, sequence);
CREATE INDEX events_created_at ON events (created_at);

CREATE TABLE webhook_endpoints (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    url TEXT NOT NULL,
    enabled_events TEXT NOT NULL,
    description TEXT,
    status TEXT NOT NULL CHECK (status IN ('enabled', 'disabled')),
    disabled_reason TEXT CHECK (disabled_reason IN ('failing', 'manual')),
    secret TEXT NOT NULL,
    previous_secret TEXT,
    previous_secret_expires_at INTEGER,
    failing_since INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    deleted_at INTEGER
) STRICT;

CREATE TABLE webhook_deliveries (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    endpoint_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    event_sequence INTEGER NOT NULL,
    event_type TEXT NOT NULL,
    account_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    failure_reason TEXT CHECK (failure_reason IN ('exhausted', 'endpoint_disabled', 'endpoint_deleted')),
    attempts TEXT NOT NULL,
    failures INTEGER NOT NULL,
    next_attempt_at INTEGER,
    manual INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (endpoint_id, event_id)
) STRICT;
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_queue ON webhook_deliveries (endpoint_id, account_id, event_sequence) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id);
