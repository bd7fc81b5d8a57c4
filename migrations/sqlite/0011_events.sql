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

-- Automations (EVENTS.md, "Automations"): definitions, and one run per (automation, event) with each step's outcome.
CREATE TABLE automations (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    trigger_type TEXT NOT NULL,
    definition TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('enabled', 'disabled')),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    deleted_at INTEGER
) STRICT;

CREATE TABLE automation_runs (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    automation_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    account_id TEXT,
    status TEXT NOT NULL CHECK (status IN ('pending', 'not_matched', 'running', 'waiting', 'completed', 'stopped', 'failed', 'canceled')),
    conditions TEXT NOT NULL,
    actions TEXT NOT NULL,
    next_action INTEGER NOT NULL,
    started_at INTEGER NOT NULL,
    resume_at INTEGER,
    finished_at INTEGER,
    UNIQUE (automation_id, event_id)
) STRICT;
CREATE INDEX automation_runs_due ON automation_runs (resume_at) WHERE status IN ('pending', 'running', 'waiting');

-- What automations write: an account's tags, a task of an automation, a notification (an unsigned delivery).
-- What the event log has said of each account's revenue (RevenueEvent): booked movements and the stage.
ALTER TABLE accounts ADD COLUMN emitted_revenue TEXT;
ALTER TABLE accounts ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
ALTER TABLE tasks ADD COLUMN automation_id TEXT;
DROP INDEX tasks_open_playbook;
-- At most one open task per account and built-in playbook; an automation makes as many as it is told to.
CREATE UNIQUE INDEX tasks_open_playbook ON tasks (account_id, playbook) WHERE status = 'open' AND playbook <> 'automation';
CREATE INDEX tasks_automation ON tasks (automation_id) WHERE automation_id IS NOT NULL;
ALTER TABLE webhook_deliveries ADD COLUMN automation_run_id TEXT;
ALTER TABLE webhook_deliveries ADD COLUMN url TEXT;
ALTER TABLE webhook_deliveries ADD COLUMN body TEXT;
