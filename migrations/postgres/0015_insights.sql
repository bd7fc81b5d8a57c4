-- INSIGHTS.md, "Growth signals": flags of severity `info` beside the risks; manual tasks, like an automation's, may be
-- open any number at once.
ALTER TABLE risk_flags DROP CONSTRAINT risk_flags_severity_check;
ALTER TABLE risk_flags ADD CONSTRAINT risk_flags_severity_check CHECK (severity IN ('info', 'low', 'medium', 'high', 'critical'));
DROP INDEX tasks_open_playbook;
CREATE UNIQUE INDEX tasks_open_playbook ON tasks (account_id, playbook) WHERE status = 'open' AND playbook NOT IN ('automation', 'manual');
CREATE OR REPLACE VIEW account_timeline (account_id, at, seq, kind, summary, ref_type, ref_id) AS
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
SELECT account_id, created_at, seq * 10 + 9, 'task',
       'task (' || status || ', due ' || to_char(to_timestamp(due_at / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD') || '): ' || title,
       'task', id
FROM tasks;

-- Why a manual contract was cancelled (`INSIGHTS.md`, "Churn reasons"); a Stripe subscription's are in its snapshots.
ALTER TABLE contracts ADD COLUMN cancel_reason TEXT COLLATE "C" CHECK (cancel_reason IN ('price', 'product_fit', 'competitor', 'budget', 'went_out_of_business', 'payment_failure', 'other'));
ALTER TABLE contracts ADD COLUMN cancel_feedback TEXT COLLATE "C";

-- Each snapshot's Stripe status beside its terms, so that the subscriptions that began as trials are found by an index.
ALTER TABLE subscription_snapshots ADD COLUMN status TEXT COLLATE "C";
UPDATE subscription_snapshots SET status = terms::json ->> 'status';
CREATE INDEX subscription_snapshots_trialing ON subscription_snapshots (contract_id) WHERE status = 'trialing';

-- The forecast category a person set on a deal (INSIGHTS.md, "Forecast"); without one it follows the stage.
ALTER TABLE opportunities ADD COLUMN forecast_category TEXT COLLATE "C" CHECK (forecast_category IN ('pipeline', 'best_case', 'commit', 'omitted'));

-- Revenue targets per month (INSIGHTS.md, "Forecast"): the company's (owner '') and each person's (lowercased).
CREATE TABLE targets (
    period TEXT COLLATE "C" NOT NULL,
    owner TEXT COLLATE "C" NOT NULL,
    amount BIGINT NOT NULL CHECK (amount >= 0),
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (period, owner)
);

-- A contact merged into another (INSIGHTS.md, "Contact merge") is a tombstone pointing at it, listed nowhere.
ALTER TABLE contacts ADD COLUMN merged_into TEXT COLLATE "C" REFERENCES contacts (id);

-- Slices read every account's segment, industry and owner: kept by readers while this number stands.
INSERT INTO read_versions (source, shard, version) SELECT 'slices', shard, 0 FROM generate_series(0, 15) AS shard;
CREATE TRIGGER accounts_sliced_inserted AFTER INSERT ON accounts
FOR EACH STATEMENT EXECUTE FUNCTION bump_read_version('slices');
CREATE TRIGGER accounts_sliced_updated AFTER UPDATE OF segment, industry, owner, merged_into ON accounts
FOR EACH ROW WHEN (OLD.segment IS DISTINCT FROM NEW.segment OR OLD.industry IS DISTINCT FROM NEW.industry OR OLD.owner IS DISTINCT FROM NEW.owner
    OR OLD.merged_into IS DISTINCT FROM NEW.merged_into)
EXECUTE FUNCTION bump_read_version('slices');
CREATE TRIGGER accounts_sliced_deleted AFTER DELETE ON accounts
FOR EACH STATEMENT EXECUTE FUNCTION bump_read_version('slices');
