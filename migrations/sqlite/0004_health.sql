-- Health: product usage, support cases, surveys, the daily scores, risk flags and playbook tasks.

CREATE TABLE usage_records (
    account_id TEXT NOT NULL REFERENCES accounts (id),
    day INTEGER NOT NULL,
    active_users INTEGER NOT NULL CHECK (active_users >= 0),
    licensed_seats INTEGER NOT NULL CHECK (licensed_seats >= 0),
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, day)
) STRICT, WITHOUT ROWID;

CREATE TABLE cases (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    subject TEXT NOT NULL,
    priority TEXT NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    opened_at INTEGER NOT NULL,
    contact_id TEXT REFERENCES contacts (id),
    external_id TEXT UNIQUE,
    first_response_at INTEGER,
    -- The status now, and the resolves and reopens that led to it: [{"to": "resolved", "at": ms}, ...] oldest first.
    status TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
    transitions TEXT NOT NULL DEFAULT '[]',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX cases_account ON cases (account_id, opened_at);
CREATE INDEX cases_opened_at ON cases (opened_at);

CREATE TABLE surveys (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    kind TEXT NOT NULL CHECK (kind IN ('nps', 'csat')),
    score INTEGER NOT NULL,
    responded_at INTEGER NOT NULL,
    contact_id TEXT REFERENCES contacts (id),
    comment TEXT,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX surveys_account ON surveys (account_id, responded_at);

-- One evaluation per account and UTC day (a later one the same day replaces it); component scores are exact.
CREATE TABLE health_scores (
    account_id TEXT NOT NULL REFERENCES accounts (id),
    day INTEGER NOT NULL,
    evaluated_at INTEGER NOT NULL,
    score INTEGER,
    band TEXT CHECK (band IN ('green', 'yellow', 'red')),
    adoption REAL,
    relationships REAL,
    support REAL,
    sentiment REAL,
    billing REAL,
    PRIMARY KEY (account_id, day)
) STRICT, WITHOUT ROWID;
CREATE INDEX health_scores_day ON health_scores (day);

CREATE TABLE risk_flags (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    code TEXT NOT NULL,
    severity TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
    since INTEGER NOT NULL,
    closed_at INTEGER
) STRICT;
CREATE UNIQUE INDEX risk_flags_open ON risk_flags (account_id, code) WHERE closed_at IS NULL;
CREATE INDEX risk_flags_account ON risk_flags (account_id, since);

CREATE TABLE tasks (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    playbook TEXT NOT NULL,
    title TEXT NOT NULL,
    owner TEXT,
    status TEXT NOT NULL CHECK (status IN ('open', 'done')),
    due_at INTEGER NOT NULL,
    flag_id TEXT REFERENCES risk_flags (id),
    created_at INTEGER NOT NULL,
    completed_at INTEGER,
    updated_at INTEGER NOT NULL
) STRICT;
-- At most one open task per account and playbook.
CREATE UNIQUE INDEX tasks_open_playbook ON tasks (account_id, playbook) WHERE status = 'open';
CREATE INDEX tasks_account ON tasks (account_id);

DROP VIEW account_timeline;
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
SELECT account_id, created_at, seq * 10 + 9, 'task', 'task (' || status || ', due ' || strftime('%Y-%m-%d', due_at / 1000, 'unixepoch') || '): ' || title,
       'task', id
FROM tasks;
