-- EVENTS.md: the event log (an outbox written in its change's transaction), the endpoints it is sent to and the
-- delivery of each event to each endpoint, with every attempt.
CREATE TABLE events (
    sequence BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT COLLATE "C" NOT NULL UNIQUE,
    type TEXT COLLATE "C" NOT NULL,
    account_id TEXT COLLATE "C",
    created_at BIGINT NOT NULL,
    occurred_at BIGINT NOT NULL,
    source_kind TEXT COLLATE "C" NOT NULL CHECK (source_kind IN ('api', 'webhook', 'evaluation', 'clock', 'automation', 'delivery')),
    source_id TEXT COLLATE "C",
    subject_type TEXT COLLATE "C",
    subject_id TEXT COLLATE "C",
    object TEXT COLLATE "C",
    previous TEXT COLLATE "C"
);
CREATE INDEX events_account ON events (account_id, sequence);
CREATE INDEX events_type ON events (type, sequence);
CREATE INDEX events_created_at ON events (created_at);

CREATE TABLE webhook_endpoints (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT COLLATE "C" NOT NULL UNIQUE,
    url TEXT COLLATE "C" NOT NULL,
    enabled_events TEXT COLLATE "C" NOT NULL,
    description TEXT COLLATE "C",
    status TEXT COLLATE "C" NOT NULL CHECK (status IN ('enabled', 'disabled')),
    disabled_reason TEXT COLLATE "C" CHECK (disabled_reason IN ('failing', 'manual')),
    secret TEXT COLLATE "C" NOT NULL,
    previous_secret TEXT COLLATE "C",
    previous_secret_expires_at BIGINT,
    failing_since BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    deleted_at BIGINT
);

CREATE TABLE webhook_deliveries (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT COLLATE "C" NOT NULL UNIQUE,
    endpoint_id TEXT COLLATE "C" NOT NULL,
    event_id TEXT COLLATE "C" NOT NULL,
    event_sequence BIGINT NOT NULL,
    event_type TEXT COLLATE "C" NOT NULL,
    account_id TEXT COLLATE "C" NOT NULL,
    status TEXT COLLATE "C" NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    failure_reason TEXT COLLATE "C" CHECK (failure_reason IN ('exhausted', 'endpoint_disabled', 'endpoint_deleted')),
    attempts TEXT COLLATE "C" NOT NULL,
    failures BIGINT NOT NULL,
    next_attempt_at BIGINT,
    manual BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (endpoint_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_queue ON webhook_deliveries (endpoint_id, account_id, event_sequence) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id);

-- Automations (EVENTS.md, "Automations"): definitions, and one run per (automation, event) with each step's outcome.
CREATE TABLE automations (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT COLLATE "C" NOT NULL UNIQUE,
    name TEXT COLLATE "C" NOT NULL,
    trigger_type TEXT COLLATE "C" NOT NULL,
    definition TEXT COLLATE "C" NOT NULL,
    status TEXT COLLATE "C" NOT NULL CHECK (status IN ('enabled', 'disabled')),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    deleted_at BIGINT
);

CREATE TABLE automation_runs (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT COLLATE "C" NOT NULL UNIQUE,
    automation_id TEXT COLLATE "C" NOT NULL,
    event_id TEXT COLLATE "C" NOT NULL,
    account_id TEXT COLLATE "C",
    status TEXT COLLATE "C" NOT NULL CHECK (status IN ('pending', 'not_matched', 'running', 'waiting', 'completed', 'stopped', 'failed', 'canceled')),
    conditions TEXT COLLATE "C" NOT NULL,
    actions TEXT COLLATE "C" NOT NULL,
    next_action BIGINT NOT NULL,
    started_at BIGINT NOT NULL,
    resume_at BIGINT,
    finished_at BIGINT,
    UNIQUE (automation_id, event_id)
);
CREATE INDEX automation_runs_due ON automation_runs (resume_at) WHERE status IN ('pending', 'running', 'waiting');

-- What automations write: an account's tags, a task of an automation, a notification (an unsigned delivery).
-- What the event log has said of each account's revenue (RevenueEvent): booked movements and the stage.
ALTER TABLE accounts ADD COLUMN emitted_revenue TEXT COLLATE "C";
ALTER TABLE accounts ADD COLUMN tags TEXT COLLATE "C" NOT NULL DEFAULT '[]';
ALTER TABLE tasks ADD COLUMN automation_id TEXT COLLATE "C";
DROP INDEX tasks_open_playbook;
-- At most one open task per account and built-in playbook; an automation makes as many as it is told to.
CREATE UNIQUE INDEX tasks_open_playbook ON tasks (account_id, playbook) WHERE status = 'open' AND playbook <> 'automation';
CREATE INDEX tasks_automation ON tasks (automation_id) WHERE automation_id IS NOT NULL;
ALTER TABLE webhook_deliveries ADD COLUMN automation_run_id TEXT COLLATE "C";
ALTER TABLE webhook_deliveries ADD COLUMN url TEXT COLLATE "C";
ALTER TABLE webhook_deliveries ADD COLUMN body TEXT COLLATE "C";
