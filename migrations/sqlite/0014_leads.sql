-- LEADS.md: leads with their owners' history, engagement events, saved segments, and tasks about a lead (a routed lead's
-- follow-up call, `account_id` null). SQLite cannot drop a NOT NULL, so tasks are rebuilt with the same rows and
-- indexes, and the timeline view that reads them is made again as it was.
CREATE TABLE leads (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    email TEXT,
    company TEXT,
    domain TEXT,
    title TEXT,
    role TEXT NOT NULL CHECK (role IN ('user', 'executive', 'other')),
    country TEXT,
    segment TEXT CHECK (segment IN ('smb', 'mid_market', 'enterprise')),
    industry TEXT,
    employee_count INTEGER,
    source TEXT,
    campaign TEXT,
    status TEXT NOT NULL CHECK (status IN ('new', 'working', 'qualified', 'disqualified', 'converted')),
    owner TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    qualified_at INTEGER,
    disqualified_at INTEGER,
    disqualify_reason TEXT,
    converted_at INTEGER,
    account_id TEXT REFERENCES accounts (id),
    contact_id TEXT REFERENCES contacts (id),
    opportunity_id TEXT REFERENCES opportunities (id),
    erased_at INTEGER
) STRICT;
-- An open lead's email is unique (LEADS.md: a second one is a 409 naming the first); erasure nulls it.
CREATE UNIQUE INDEX leads_open_email ON leads (email) WHERE status IN ('new', 'working', 'qualified');
CREATE INDEX leads_email ON leads (email);
CREATE INDEX leads_contact ON leads (contact_id) WHERE contact_id IS NOT NULL;
CREATE INDEX leads_created ON leads (created_at);

-- Every change of a lead's owner, oldest first.
CREATE TABLE lead_assignments (
    seq INTEGER PRIMARY KEY,
    lead_id TEXT NOT NULL REFERENCES leads (id),
    owner TEXT,
    at INTEGER NOT NULL,
    trigger TEXT NOT NULL CHECK (trigger IN ('create', 'qualify', 'manual')),
    rule TEXT
) STRICT;
CREATE INDEX lead_assignments_lead ON lead_assignments (lead_id);

-- What a lead or a contact did: `path` is the url's path lowercased, for url patterns. A score and a segment count a
-- person's events of one type in a window: a range of the (person, type, occurred_at) index.
CREATE TABLE engagement_events (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    occurred_at INTEGER NOT NULL,
    lead_id TEXT REFERENCES leads (id),
    contact_id TEXT REFERENCES contacts (id),
    url TEXT,
    path TEXT,
    asset TEXT,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX engagement_events_lead ON engagement_events (lead_id, type, occurred_at) WHERE lead_id IS NOT NULL;
CREATE INDEX engagement_events_contact ON engagement_events (contact_id, type, occurred_at) WHERE contact_id IS NOT NULL;

-- A saved filter over accounts, contacts or leads (its JSON as given).
CREATE TABLE segments (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    resource TEXT NOT NULL CHECK (resource IN ('accounts', 'contacts', 'leads')),
    filter TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

DROP VIEW account_timeline;
CREATE TABLE tasks_new (
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
INSERT INTO tasks_new (seq, id, account_id, playbook, title, owner, status, due_at, flag_id, created_at, completed_at, updated_at, automation_id)
SELECT seq, id, account_id, playbook, title, owner, status, due_at, flag_id, created_at, completed_at, updated_at, automation_id FROM tasks;
DROP TABLE tasks;
ALTER TABLE tasks_new RENAME TO tasks;
CREATE UNIQUE INDEX tasks_open_playbook ON tasks (account_id, playbook) WHERE status = 'open' AND playbook <> 'automation';
CREATE INDEX tasks_account ON tasks (account_id);
CREATE INDEX tasks_automation ON tasks (automation_id) WHERE automation_id IS NOT NULL;
-- One open follow-up per lead.
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
SELECT account_id, since, seq * 10 + 7, 'flag_raised', severity || ' risk: ' || replace(code, '_', ' '), 'risk_flag', id
FROM risk_flags
UNION ALL
SELECT account_id, closed_at, seq * 10 + 8, 'flag_closed', 'risk cleared: ' || replace(code, '_', ' '), 'risk_flag', id
FROM risk_flags WHERE closed_at IS NOT NULL
UNION ALL
SELECT account_id, created_at, seq * 10 + 9, 'task', 'task (' || status || ', due ' || strftime('%Y-%m-%d', due_at / 1000, 'unixepoch') || '): ' || title,
       'task', id
FROM tasks;
