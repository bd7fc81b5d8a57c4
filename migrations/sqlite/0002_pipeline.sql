-- Pipeline: opportunities with every stage change, settings, the webhook delivery log.

CREATE TABLE opportunities (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    name TEXT NOT NULL,
    amount INTEGER NOT NULL CHECK (amount >= 0),
    currency TEXT NOT NULL,
    close_date TEXT,
    owner TEXT,
    type TEXT NOT NULL CHECK (type IN ('new_business', 'renewal', 'expansion')),
    external_id TEXT UNIQUE,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    -- The occurred_at of the latest CRM event applied to its fields: an older event never overwrites them.
    crm_synced_at INTEGER
) STRICT;
CREATE INDEX opportunities_account ON opportunities (account_id);
CREATE INDEX opportunities_owner ON opportunities (owner);

-- Every recorded move; the history is these ordered by (at, tiebreak, seq) with repeats of the stage in effect dropped.
CREATE TABLE stage_changes (
    seq INTEGER PRIMARY KEY,
    opportunity_id TEXT NOT NULL REFERENCES opportunities (id),
    stage TEXT NOT NULL CHECK (stage IN ('prospecting', 'discovery', 'solution_fit', 'proposal', 'closed_won', 'closed_lost')),
    at INTEGER NOT NULL,
    tiebreak TEXT NOT NULL DEFAULT '',
    lost_reason TEXT
) STRICT;
CREATE INDEX stage_changes_opportunity ON stage_changes (opportunity_id, at);
CREATE INDEX stage_changes_stage_at ON stage_changes (stage, at);

ALTER TABLE accounts ADD COLUMN crm_synced_at INTEGER;

CREATE TABLE settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE webhook_events (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL CHECK (source IN ('crm', 'stripe')),
    event_id TEXT NOT NULL,
    type TEXT NOT NULL,
    occurred_at INTEGER,
    received_at INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('processed', 'ignored', 'pending', 'failed')),
    error TEXT,
    attempts INTEGER NOT NULL DEFAULT 1,
    payload BLOB NOT NULL,
    UNIQUE (source, event_id)
) STRICT;
CREATE INDEX webhook_events_status ON webhook_events (status);

-- seq is made unique across kinds (kind k of n: seq * n + k) so (at, seq) orders and pages the union exactly.
DROP VIEW account_timeline;
CREATE VIEW account_timeline (account_id, at, seq, kind, summary, ref_type, ref_id) AS
SELECT account_id, occurred_at, seq * 2, 'activity',
       type || COALESCE(' (' || direction || ')', '') || COALESCE(': ' || subject, ''), 'activity', id
FROM activities
UNION ALL
SELECT o.account_id, c.at, c.seq * 2 + 1, 'stage_change',
       o.name || ': ' || replace(c.stage, '_', ' ') || COALESCE(' (' || c.lost_reason || ')', ''), 'opportunity', o.id
FROM stage_changes c JOIN opportunities o ON o.id = c.opportunity_id;
