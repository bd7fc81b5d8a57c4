-- INSIGHTS.md, "Growth signals": flags of severity `info` beside the risks. SQLite cannot change a CHECK, so risk_flags
-- is rebuilt, and tasks with it (a table cannot be dropped while rows of another point at it); manual tasks, like an
-- automation's, may be open any number at once.
DROP VIEW account_timeline;
CREATE TABLE risk_flags_copy AS SELECT * FROM risk_flags;
CREATE TABLE tasks_copy AS SELECT * FROM tasks;
DROP TABLE tasks;
DROP TABLE risk_flags;
CREATE TABLE risk_flags (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    code TEXT NOT NULL,
    severity TEXT NOT NULL CHECK (severity IN ('info', 'low', 'medium', 'high', 'critical')),
    since INTEGER NOT NULL,
    closed_at INTEGER
) STRICT;
INSERT INTO risk_flags (seq, id, account_id, code, severity, since, closed_at)
SELECT seq, id, account_id, code, severity, since, closed_at FROM risk_flags_copy;
CREATE UNIQUE INDEX risk_flags_open ON risk_flags (account_id, code) WHERE closed_at IS NULL;
CREATE INDEX risk_flags_account ON risk_flags (account_id, since);
CREATE TRIGGER risk_flags_inserted AFTER INSERT ON risk_flags
BEGIN UPDATE read_versions SET version = version + 1 WHERE source = 'health'; END;
CREATE TRIGGER risk_flags_updated AFTER UPDATE ON risk_flags
BEGIN UPDATE read_versions SET version = version + 1 WHERE source = 'health'; END;
CREATE TRIGGER risk_flags_deleted AFTER DELETE ON risk_flags
BEGIN UPDATE read_versions SET version = version + 1 WHERE source = 'health'; END;
CREATE TABLE tasks (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    account_id TEXT REFERENCES accounts (id),
    playbook TEXT NOT NULL,
    title TEXT NOT NULL,
    owner TEXT,
    status TEXT NOT NULL CHECK (status IN ('open', 'done')),
    due_at INTEGER NOT NULL,
    flag_id TEXT REFERENCES risk_flags (id),
    created_at INTEGER NOT NULL,
    completed_at INTEGER,
    updated_at INTEGER NOT NULL,
    automation_id TEXT,
    lead_id TEXT REFERENCES leads (id)
) STRICT;
INSERT INTO tasks (seq, id, account_id, playbook, title, owner, status, due_at, flag_id, created_at, completed_at, updated_at, automation_id,
                   lead_id)
SELECT seq, id, account_id, playbook, title, owner, status, due_at, flag_id, created_at, completed_at, updated_at, automation_id, lead_id
FROM tasks_copy;
DROP TABLE risk_flags_copy;
DROP TABLE tasks_copy;
CREATE UNIQUE INDEX tasks_open_playbook ON tasks (account_id, playbook) WHERE status = 'open' AND playbook NOT IN ('automation', 'manual');
CREATE INDEX tasks_account ON tasks (account_id);
CREATE INDEX tasks_automation ON tasks (automation_id) WHERE automation_id IS NOT NULL;
CREATE UNIQUE INDEX tasks_open_lead ON tasks (lead_id) WHERE status = 'open' AND lead_id IS NOT NULL;
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
SELECT account_id, since, seq * 10 + 7, 'flag_raised',
       CASE WHEN severity = 'info' THEN 'growth signal: ' ELSE severity || ' risk: ' END || replace(code, '_', ' '), 'risk_flag', id
FROM risk_flags
UNION ALL
SELECT account_id, closed_at, seq * 10 + 8, 'flag_closed',
       CASE WHEN severity = 'info' THEN 'signal ended: ' ELSE 'risk cleared: ' END || replace(code, '_', ' '), 'risk_flag', id
FROM risk_flags WHERE closed_at IS NOT NULL
UNION ALL
SELECT account_id, created_at, seq * 10 + 9, 'task', 'task (' || status || ', due ' || strftime('%Y-%m-%d', due_at / 1000, 'unixepoch') || '): ' || title,
       'task', id
FROM tasks;

-- Why a manual contract was cancelled (`INSIGHTS.md`, "Churn reasons"); a Stripe subscription's are in its snapshots.
ALTER TABLE contracts ADD COLUMN cancel_reason TEXT CHECK (cancel_reason IN ('price', 'product_fit', 'competitor', 'budget', 'went_out_of_business', 'payment_failure', 'other'));
ALTER TABLE contracts ADD COLUMN cancel_feedback TEXT;

-- Each snapshot's Stripe status beside its terms, so that the subscriptions that began as trials are found by an index.
ALTER TABLE subscription_snapshots ADD COLUMN status TEXT;
UPDATE subscription_snapshots SET status = json_extract(terms, '$.status');
CREATE INDEX subscription_snapshots_trialing ON subscription_snapshots (contract_id) WHERE status = 'trialing';

-- The forecast category a person set on a deal (INSIGHTS.md, "Forecast"); without one it follows the stage.
ALTER TABLE opportunities ADD COLUMN forecast_category TEXT CHECK (forecast_category IN ('pipeline', 'best_case', 'commit', 'omitted'));

-- Revenue targets per month (INSIGHTS.md, "Forecast"): the company's (owner '') and each person's (lowercased).
CREATE TABLE targets (
    period TEXT NOT NULL,
    owner TEXT NOT NULL,
    amount INTEGER NOT NULL CHECK (amount >= 0),
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (period, owner)
) STRICT;

-- A contact merged into another (INSIGHTS.md, "Contact merge") is a tombstone pointing at it, listed nowhere.
ALTER TABLE contacts ADD COLUMN merged_into TEXT REFERENCES contacts (id);

-- Slices read every account's segment, industry and owner: kept by readers while this number stands.
INSERT INTO read_versions (source, version) VALUES ('slices', 0);
CREATE TRIGGER accounts_sliced_inserted AFTER INSERT ON accounts
BEGIN UPDATE read_versions SET version = version + 1 WHERE source = 'slices'; END;
CREATE TRIGGER accounts_sliced_updated AFTER UPDATE OF segment, industry, owner, merged_into ON accounts
WHEN OLD.segment IS NOT NEW.segment OR OLD.industry IS NOT NEW.industry OR OLD.owner IS NOT NEW.owner OR OLD.merged_into IS NOT NEW.merged_into
BEGIN UPDATE read_versions SET version = version + 1 WHERE source = 'slices'; END;
CREATE TRIGGER accounts_sliced_deleted AFTER DELETE ON accounts
BEGIN UPDATE read_versions SET version = version + 1 WHERE source = 'slices'; END;
