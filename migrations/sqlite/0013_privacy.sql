-- PRIVACY.md: consent records, contacts' phone and erasure, SMS activities with a purpose, keys restricted to an owner
-- or an area, and the log of personal-data reads. SQLite cannot change a CHECK, so activities are rebuilt with the
-- same rows, indexes and triggers, and the timeline view that reads them is made again as it was.
ALTER TABLE contacts ADD COLUMN phone TEXT;
ALTER TABLE contacts ADD COLUMN erased_at INTEGER;
CREATE INDEX contacts_email ON contacts (email);
-- An erasure finds a person's cases and survey answers by their contact.
CREATE INDEX cases_contact ON cases (contact_id);
CREATE INDEX surveys_contact ON surveys (contact_id);

DROP VIEW account_timeline;
DROP TRIGGER deal_activities_updated;
DROP TRIGGER deal_activities_deleted;
CREATE TABLE activities_new (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    type TEXT NOT NULL CHECK (type IN ('email', 'call', 'meeting', 'note', 'task', 'sms')),
    occurred_at INTEGER NOT NULL,
    contact_id TEXT REFERENCES contacts (id),
    opportunity_id TEXT,
    direction TEXT CHECK (direction IN ('inbound', 'outbound')),
    subject TEXT,
    created_at INTEGER NOT NULL,
    purpose TEXT CHECK (purpose IN ('marketing', 'product_updates', 'sales_outreach', 'service'))
) STRICT;
INSERT INTO activities_new (seq, id, account_id, type, occurred_at, contact_id, opportunity_id, direction, subject, created_at, purpose)
SELECT seq, id, account_id, type, occurred_at, contact_id, opportunity_id, direction, subject, created_at,
       CASE WHEN type IN ('email', 'call') THEN 'sales_outreach' END
FROM activities;
DROP TABLE activities;
ALTER TABLE activities_new RENAME TO activities;
CREATE INDEX activities_account ON activities (account_id, occurred_at);
CREATE INDEX activities_contact ON activities (contact_id, occurred_at);
CREATE INDEX activities_opportunity ON activities (opportunity_id, occurred_at);
CREATE TRIGGER deal_activities_updated AFTER UPDATE ON activities
WHEN OLD.opportunity_id IS NOT NULL OR NEW.opportunity_id IS NOT NULL
BEGIN UPDATE read_versions SET version = version + 1 WHERE source = 'pipeline'; END;
CREATE TRIGGER deal_activities_deleted AFTER DELETE ON activities WHEN OLD.opportunity_id IS NOT NULL
BEGIN UPDATE read_versions SET version = version + 1 WHERE source = 'pipeline'; END;
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

-- Append-only: what a person agreed to or withdrew, on which channel, for which purpose, and where it was said.
-- `email` is lowercased, a contact's record has the contact's email; erasure nulls it and redacts `source_detail`.
CREATE TABLE consents (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    contact_id TEXT REFERENCES contacts (id),
    email TEXT,
    channel TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'phone', 'in_app', 'post')),
    purpose TEXT NOT NULL CHECK (purpose IN ('marketing', 'product_updates', 'sales_outreach', 'service', 'all')),
    status TEXT NOT NULL CHECK (status IN ('granted', 'withdrawn')),
    source_kind TEXT NOT NULL,
    source_detail TEXT,
    source_campaign TEXT,
    occurred_at INTEGER NOT NULL,
    recorded_at INTEGER NOT NULL
) STRICT;
CREATE INDEX consents_contact ON consents (contact_id, occurred_at);
CREATE INDEX consents_email ON consents (email, occurred_at);

ALTER TABLE api_keys ADD COLUMN owner TEXT;
ALTER TABLE api_keys ADD COLUMN area TEXT CHECK (area IN ('support'));

-- One row per personal-data read that answered 2xx, written before the answer; never an email.
CREATE TABLE access_log (
    seq INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    key_name TEXT NOT NULL,
    action TEXT NOT NULL,
    resource TEXT NOT NULL,
    resource_id TEXT,
    count INTEGER NOT NULL
) STRICT;
-- Retention empties a stored delivery's payload (the event stays for exactly-once, its status and effects) and says when.
ALTER TABLE webhook_events ADD COLUMN payload_purged_at INTEGER;

-- Subject access lists the audit entries about a person's records by reading the audit log through: an index on
-- resource_id would be one more B-tree insert in every write (CRM ingest measured 10-20 % slower with it) for a rare
-- admin request.
