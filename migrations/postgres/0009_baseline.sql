-- PostgreSQL's schema as SQLite's stands after migration 0009 (migrations/sqlite/0001 … 0009), in one step; later
-- migrations follow in lockstep, same numbers and names. The dialect: instants are BIGINT milliseconds, every text is
-- COLLATE "C" (ordered by its bytes, as SQLite's BINARY), sequences are identities, and the counters that tell the
-- read caches that a source changed are sharded so that concurrent writers do not queue on one row.

CREATE TABLE api_keys (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT COLLATE "C" NOT NULL UNIQUE,
    name TEXT COLLATE "C" NOT NULL,
    scope TEXT COLLATE "C" NOT NULL CHECK (scope IN ('read', 'write', 'admin')),
    secret_hash TEXT COLLATE "C" NOT NULL UNIQUE,
    prefix TEXT COLLATE "C" NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

CREATE TABLE audit_log (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at BIGINT NOT NULL,
    key_name TEXT COLLATE "C" NOT NULL,
    action TEXT COLLATE "C" NOT NULL,
    resource TEXT COLLATE "C" NOT NULL,
    resource_id TEXT COLLATE "C"
);

CREATE TABLE idempotency_keys (
    key_id TEXT COLLATE "C" NOT NULL,
    idempotency_key TEXT COLLATE "C" NOT NULL,
    request_hash TEXT COLLATE "C" NOT NULL,
    created_at BIGINT NOT NULL,
    response_status BIGINT,
    response_headers TEXT COLLATE "C",
    response_body BYTEA,
    PRIMARY KEY (key_id, idempotency_key)
);
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);

CREATE TABLE accounts (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT COLLATE "C" NOT NULL UNIQUE,
    name TEXT COLLATE "C" NOT NULL,
    domain TEXT COLLATE "C",
    segment TEXT COLLATE "C" CHECK (segment IN ('smb', 'mid_market', 'enterprise')),
    industry TEXT COLLATE "C",
    employee_count BIGINT,
    owner TEXT COLLATE "C",
    external_id TEXT COLLATE "C",
    stripe_customer_id TEXT COLLATE "C",
    merged_into TEXT COLLATE "C" REFERENCES accounts (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    crm_synced_at BIGINT,
    won_at BIGINT,
    paid_at BIGINT,
    converted_at BIGINT
);
CREATE UNIQUE INDEX accounts_domain ON accounts (domain) WHERE merged_into IS NULL;
CREATE UNIQUE INDEX accounts_external_id ON accounts (external_id) WHERE merged_into IS NULL;
CREATE INDEX accounts_stripe_customer_id ON accounts (stripe_customer_id);
CREATE INDEX accounts_owner ON accounts (owner);
CREATE INDEX accounts_converted_at ON accounts (converted_at);

CREATE TABLE contacts (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT COLLATE "C" NOT NULL UNIQUE,
    account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts (id),
    name TEXT COLLATE "C" NOT NULL,
    email TEXT COLLATE "C",
    title TEXT COLLATE "C",
    role TEXT COLLATE "C" NOT NULL CHECK (role IN ('user', 'executive', 'other')),
    relationship_strength TEXT COLLATE "C" NOT NULL CHECK (relationship_strength IN ('none', 'weak', 'medium', 'strong', 'very_strong')),
    external_id TEXT COLLATE "C",
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX contacts_account_email ON contacts (account_id, email);
CREATE INDEX contacts_external_id ON contacts (external_id);

CREATE TABLE activities (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT COLLATE "C" NOT NULL UNIQUE,
    account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts (id),
    type TEXT COLLATE "C" NOT NULL CHECK (type IN ('email', 'call', 'meeting', 'note', 'task')),
    occurred_at BIGINT NOT NULL,
    contact_id TEXT COLLATE "C" REFERENCES contacts (id),
    opportunity_id TEXT COLLATE "C",
    direction TEXT COLLATE "C" CHECK (direction IN ('inbound', 'outbound')),
    subject TEXT COLLATE "C",
    created_at BIGINT NOT NULL
);
CREATE INDEX activities_account ON activities (account_id, occurred_at);
CREATE INDEX activities_contact ON activities (contact_id, occurred_at);
CREATE INDEX activities_opportunity ON activities (opportunity_id, occurred_at);

CREATE TABLE opportunities (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT COLLATE "C" NOT NULL UNIQUE,
    account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts (id),
    name TEXT COLLATE "C" NOT NULL,
    amount BIGINT NOT NULL CHECK (amount >= 0),
    currency TEXT COLLATE "C" NOT NULL,
    close_date TEXT COLLATE "C",
    owner TEXT COLLATE "C",
    type TEXT COLLATE "C" NOT NULL CHECK (type IN ('new_business', 'renewal', 'expansion')),
    external_id TEXT COLLATE "C" UNIQUE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    -- The occurred_at of the latest CRM event applied to its fields: an older event never overwrites them.
    crm_synced_at BIGINT,
    contract_end_date BIGINT
);
CREATE INDEX opportunities_account ON opportunities (account_id);
CREATE INDEX opportunities_owner ON opportunities (owner);

CREATE TABLE stage_changes (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    opportunity_id TEXT COLLATE "C" NOT NULL REFERENCES opportunities (id),
    stage TEXT COLLATE "C" NOT NULL CHECK (stage IN ('prospecting', 'discovery', 'solution_fit', 'proposal', 'closed_won', 'closed_lost')),
    at BIGINT NOT NULL,
    tiebreak TEXT COLLATE "C" NOT NULL DEFAULT '',
    lost_reason TEXT COLLATE "C"
);
CREATE INDEX stage_changes_stage_at ON stage_changes (stage, at);
CREATE INDEX stage_changes_history ON stage_changes (opportunity_id, at, seq, stage, tiebreak, lost_reason);

CREATE TABLE settings (
    name TEXT COLLATE "C" PRIMARY KEY,
    value TEXT COLLATE "C" NOT NULL
);

CREATE TABLE webhook_events (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT COLLATE "C" NOT NULL UNIQUE,
    source TEXT COLLATE "C" NOT NULL CHECK (source IN ('crm', 'stripe')),
    event_id TEXT COLLATE "C" NOT NULL,
    type TEXT COLLATE "C" NOT NULL,
    occurred_at BIGINT,
    received_at BIGINT NOT NULL,
    status TEXT COLLATE "C" NOT NULL CHECK (status IN ('processed', 'ignored', 'pending', 'failed')),
    error TEXT COLLATE "C",
    attempts BIGINT NOT NULL DEFAULT 1,
    payload BYTEA NOT NULL,
    waiting_for TEXT COLLATE "C",
    UNIQUE (source, event_id)
);
CREATE INDEX webhook_events_status ON webhook_events (status);
CREATE INDEX webhook_events_waiting_for ON webhook_events (waiting_for) WHERE waiting_for IS NOT NULL;

CREATE TABLE contracts (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT COLLATE "C" NOT NULL UNIQUE,
    account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts (id),
    opportunity_id TEXT COLLATE "C" REFERENCES opportunities (id),
    source TEXT COLLATE "C" NOT NULL CHECK (source IN ('manual', 'stripe')),
    -- Stripe: the subscription id.
    external_id TEXT COLLATE "C",
    start_date BIGINT,
    end_date BIGINT,
    billing_interval TEXT COLLATE "C" CHECK (billing_interval IN ('month', 'quarter', 'year')),
    recurring_amount BIGINT,
    currency TEXT COLLATE "C" NOT NULL,
    auto_renew BIGINT NOT NULL DEFAULT 1,
    cancel_effective BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX contracts_account ON contracts (account_id);
CREATE UNIQUE INDEX contracts_stripe_subscription ON contracts (external_id) WHERE source = 'stripe';
CREATE UNIQUE INDEX contracts_manual_opportunity ON contracts (opportunity_id) WHERE source = 'manual' AND opportunity_id IS NOT NULL;

CREATE TABLE payments (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT COLLATE "C" NOT NULL UNIQUE,
    account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts (id),
    amount BIGINT NOT NULL CHECK (amount >= 0),
    currency TEXT COLLATE "C" NOT NULL,
    status TEXT COLLATE "C" NOT NULL CHECK (status IN ('paid', 'failed', 'refunded')),
    at BIGINT NOT NULL,
    source TEXT COLLATE "C" NOT NULL CHECK (source IN ('stripe', 'manual')),
    -- Stripe: the invoice id (paid, failed) or the charge id (refunded); manual: the client's reference.
    external_id TEXT COLLATE "C",
    created_at BIGINT NOT NULL
);
CREATE INDEX payments_account ON payments (account_id, at);
CREATE UNIQUE INDEX payments_stripe_object ON payments (status, external_id) WHERE source = 'stripe';

CREATE TABLE acquisition_spend (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT COLLATE "C" NOT NULL UNIQUE,
    period TEXT COLLATE "C" NOT NULL,
    amount BIGINT NOT NULL CHECK (amount >= 0),
    currency TEXT COLLATE "C" NOT NULL,
    channel TEXT COLLATE "C",
    created_at BIGINT NOT NULL
);
CREATE INDEX acquisition_spend_period ON acquisition_spend (period);

CREATE TABLE mrr_movements (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts (id),
    kind TEXT COLLATE "C" NOT NULL CHECK (kind IN ('new', 'expansion', 'contraction', 'churn', 'reactivation')),
    at BIGINT NOT NULL,
    amount BIGINT NOT NULL,
    from_mrr BIGINT NOT NULL,
    to_mrr BIGINT NOT NULL
);
CREATE INDEX mrr_movements_history ON mrr_movements (account_id, at, seq, kind, amount, from_mrr, to_mrr);

CREATE TABLE usage_records (
    account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts (id),
    day BIGINT NOT NULL,
    active_users BIGINT NOT NULL CHECK (active_users >= 0),
    licensed_seats BIGINT NOT NULL CHECK (licensed_seats >= 0),
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, day)
);

CREATE TABLE cases (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT COLLATE "C" NOT NULL UNIQUE,
    account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts (id),
    subject TEXT COLLATE "C" NOT NULL,
    priority TEXT COLLATE "C" NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    opened_at BIGINT NOT NULL,
    contact_id TEXT COLLATE "C" REFERENCES contacts (id),
    external_id TEXT COLLATE "C" UNIQUE,
    first_response_at BIGINT,
    -- The status now, and the resolves and reopens that led to it: [{"to": "resolved", "at": ms}, ...] oldest first.
    status TEXT COLLATE "C" NOT NULL CHECK (status IN ('open', 'resolved')),
    transitions TEXT COLLATE "C" NOT NULL DEFAULT '[]',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    changed_at BIGINT
);
CREATE INDEX cases_account ON cases (account_id, opened_at);
CREATE INDEX cases_changed_at ON cases (changed_at);
CREATE INDEX cases_first_response ON cases (opened_at, first_response_at);

CREATE TABLE surveys (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT COLLATE "C" NOT NULL UNIQUE,
    account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts (id),
    kind TEXT COLLATE "C" NOT NULL CHECK (kind IN ('nps', 'csat')),
    score BIGINT NOT NULL,
    responded_at BIGINT NOT NULL,
    contact_id TEXT COLLATE "C" REFERENCES contacts (id),
    comment TEXT COLLATE "C",
    created_at BIGINT NOT NULL
);
CREATE INDEX surveys_account ON surveys (account_id, responded_at);

CREATE TABLE health_scores (
    account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts (id),
    day BIGINT NOT NULL,
    evaluated_at BIGINT NOT NULL,
    score BIGINT,
    band TEXT COLLATE "C" CHECK (band IN ('green', 'yellow', 'red')),
    adoption DOUBLE PRECISION,
    relationships DOUBLE PRECISION,
    support DOUBLE PRECISION,
    sentiment DOUBLE PRECISION,
    billing DOUBLE PRECISION,
    PRIMARY KEY (account_id, day)
);
CREATE INDEX health_scores_day ON health_scores (day);
CREATE INDEX health_scores_band ON health_scores (account_id, day, evaluated_at, band);

CREATE TABLE risk_flags (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT COLLATE "C" NOT NULL UNIQUE,
    account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts (id),
    code TEXT COLLATE "C" NOT NULL,
    severity TEXT COLLATE "C" NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
    since BIGINT NOT NULL,
    closed_at BIGINT
);
CREATE UNIQUE INDEX risk_flags_open ON risk_flags (account_id, code) WHERE closed_at IS NULL;
CREATE INDEX risk_flags_account ON risk_flags (account_id, since);

CREATE TABLE tasks (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT COLLATE "C" NOT NULL UNIQUE,
    account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts (id),
    playbook TEXT COLLATE "C" NOT NULL,
    title TEXT COLLATE "C" NOT NULL,
    owner TEXT COLLATE "C",
    status TEXT COLLATE "C" NOT NULL CHECK (status IN ('open', 'done')),
    due_at BIGINT NOT NULL,
    flag_id TEXT COLLATE "C" REFERENCES risk_flags (id),
    created_at BIGINT NOT NULL,
    completed_at BIGINT,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX tasks_open_playbook ON tasks (account_id, playbook) WHERE status = 'open';
CREATE INDEX tasks_account ON tasks (account_id);

CREATE TABLE subscription_snapshots (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    contract_id TEXT COLLATE "C" NOT NULL REFERENCES contracts (id),
    event_id TEXT COLLATE "C" NOT NULL,
    effective_at BIGINT NOT NULL,
    order_key TEXT COLLATE "C" NOT NULL,
    terms TEXT COLLATE "C" NOT NULL
);
CREATE UNIQUE INDEX subscription_snapshots_contract ON subscription_snapshots (contract_id, effective_at, order_key);

CREATE VIEW account_timeline (account_id, at, seq, kind, summary, ref_type, ref_id) AS
SELECT account_id, occurred_at, seq * 10, 'activity',
       type || COALESCE(' (' || direction || ')', '') || COALESCE(': ' || subject, ''), 'activity', id
FROM activities
UNION ALL
SELECT o.account_id, c.at, c.seq * 10 + 1, 'stage_change',
       o.name || ': ' || replace(c.stage, '_', ' ') || COALESCE(' (' || c.lost_reason || ')', ''), 'opportunity', o.id
FROM stage_changes c JOIN opportunities o ON o.id = c.opportunity_id
UNION ALL
SELECT account_id, at, seq * 10 + 2, 'payment', status || ' ' || amount || ' ' || currency || ' (' || source || ')', 'payment', id
FROM payments
UNION ALL
SELECT account_id, COALESCE(start_date, created_at), seq * 10 + 3, 'contract',
       source || ' contract' || COALESCE(' ' || external_id, '') || CASE WHEN cancel_effective IS NOT NULL THEN ', cancelled' ELSE '' END,
       'contract', id
FROM contracts
UNION ALL
SELECT account_id, at, seq * 10 + 4, 'mrr_movement', kind || ' ' || amount || ' (MRR ' || from_mrr || ' → ' || to_mrr || ')', 'account', account_id
FROM mrr_movements
UNION ALL
SELECT account_id, opened_at, seq * 10 + 5, 'case', priority || ' case opened: ' || subject || ' (now ' || status || ')', 'case', id
FROM cases
UNION ALL
SELECT account_id, responded_at, seq * 10 + 6, 'survey', upper(kind) || ' ' || score || COALESCE(': ' || comment, ''), 'survey', id
FROM surveys
UNION ALL
SELECT account_id, since, seq * 10 + 7, 'flag_raised', severity || ' risk: ' || replace(code, '_', ' '), 'risk_flag', id
FROM risk_flags
UNION ALL
SELECT account_id, closed_at, seq * 10 + 8, 'flag_closed', 'risk cleared: ' || replace(code, '_', ' '), 'risk_flag', id
FROM risk_flags WHERE closed_at IS NOT NULL
UNION ALL
SELECT account_id, created_at, seq * 10 + 9, 'task',
       'task (' || status || ', due ' || to_char(to_timestamp(due_at / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD') || '): ' || title,
       'task', id
FROM tasks;

-- The read caches' change counters: a write bumps one of its source's shards (chosen by its backend, so writers on
-- different connections touch different rows) once per statement (per row where SQLite's trigger has a condition), and
-- a reader sums a source's shards in its snapshot.
CREATE TABLE read_versions (
    source TEXT COLLATE "C" NOT NULL,
    shard BIGINT NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (source, shard)
);
INSERT INTO read_versions (source, shard, version)
SELECT source, shard, 0 FROM unnest(ARRAY['ledger', 'pipeline', 'contracts', 'health']) AS source, generate_series(0, 15) AS shard;

CREATE FUNCTION bump_read_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE read_versions SET version = version + 1 WHERE source = TG_ARGV[0] AND shard = pg_backend_pid() % 16;
    RETURN NULL;
END
$$;

CREATE TRIGGER mrr_movements_changed AFTER INSERT OR UPDATE OR DELETE ON mrr_movements
FOR EACH STATEMENT EXECUTE FUNCTION bump_read_version('ledger');
CREATE TRIGGER accounts_won_inserted AFTER INSERT ON accounts
FOR EACH ROW WHEN (NEW.won_at IS NOT NULL) EXECUTE FUNCTION bump_read_version('ledger');
CREATE TRIGGER accounts_won_updated AFTER UPDATE OF won_at, paid_at, merged_into ON accounts
FOR EACH ROW WHEN (OLD.won_at IS DISTINCT FROM NEW.won_at OR OLD.paid_at IS DISTINCT FROM NEW.paid_at
    OR OLD.merged_into IS DISTINCT FROM NEW.merged_into)
EXECUTE FUNCTION bump_read_version('ledger');
CREATE TRIGGER accounts_won_deleted AFTER DELETE ON accounts
FOR EACH ROW WHEN (OLD.won_at IS NOT NULL) EXECUTE FUNCTION bump_read_version('ledger');
CREATE TRIGGER opportunities_changed AFTER INSERT OR UPDATE OR DELETE ON opportunities
FOR EACH STATEMENT EXECUTE FUNCTION bump_read_version('pipeline');
CREATE TRIGGER stage_changes_changed AFTER INSERT OR UPDATE OR DELETE ON stage_changes
FOR EACH STATEMENT EXECUTE FUNCTION bump_read_version('pipeline');
CREATE TRIGGER deal_activities_updated AFTER UPDATE ON activities
FOR EACH ROW WHEN (OLD.opportunity_id IS NOT NULL OR NEW.opportunity_id IS NOT NULL) EXECUTE FUNCTION bump_read_version('pipeline');
CREATE TRIGGER deal_activities_deleted AFTER DELETE ON activities
FOR EACH ROW WHEN (OLD.opportunity_id IS NOT NULL) EXECUTE FUNCTION bump_read_version('pipeline');
CREATE TRIGGER contracts_changed AFTER INSERT OR UPDATE OR DELETE ON contracts
FOR EACH STATEMENT EXECUTE FUNCTION bump_read_version('contracts');
CREATE TRIGGER subscription_snapshots_changed AFTER INSERT OR UPDATE OR DELETE ON subscription_snapshots
FOR EACH STATEMENT EXECUTE FUNCTION bump_read_version('contracts');
CREATE TRIGGER health_scores_changed AFTER INSERT OR UPDATE OR DELETE ON health_scores
FOR EACH STATEMENT EXECUTE FUNCTION bump_read_version('health');
CREATE TRIGGER risk_flags_changed AFTER INSERT OR UPDATE OR DELETE ON risk_flags
FOR EACH STATEMENT EXECUTE FUNCTION bump_read_version('health');
