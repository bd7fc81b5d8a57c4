-- PRIVACY.md: consent records, contacts' phone and erasure, SMS activities with a purpose, keys restricted to an owner
-- or an area, and the log of personal-data reads.
ALTER TABLE contacts ADD COLUMN phone TEXT COLLATE "C";
ALTER TABLE contacts ADD COLUMN erased_at BIGINT;
CREATE INDEX contacts_email ON contacts (email);
-- An erasure finds a person's cases and survey answers by their contact.
CREATE INDEX cases_contact ON cases (contact_id);
CREATE INDEX surveys_contact ON surveys (contact_id);

ALTER TABLE activities
    DROP CONSTRAINT activities_type_check,
    ADD CONSTRAINT activities_type_check CHECK (type IN ('email', 'call', 'meeting', 'note', 'task', 'sms')),
    ADD COLUMN purpose TEXT COLLATE "C" CHECK (purpose IN ('marketing', 'product_updates', 'sales_outreach', 'service'));
UPDATE activities SET purpose = 'sales_outreach' WHERE type IN ('email', 'call');

-- Append-only: what a person agreed to or withdrew, on which channel, for which purpose, and where it was said.
-- `email` is lowercased, a contact's record has the contact's email; erasure nulls it and redacts `source_detail`.
CREATE TABLE consents (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT COLLATE "C" NOT NULL UNIQUE,
    contact_id TEXT COLLATE "C" REFERENCES contacts (id),
    email TEXT COLLATE "C",
    channel TEXT COLLATE "C" NOT NULL CHECK (channel IN ('email', 'sms', 'phone', 'in_app', 'post')),
    purpose TEXT COLLATE "C" NOT NULL CHECK (purpose IN ('marketing', 'product_updates', 'sales_outreach', 'service', 'all')),
    status TEXT COLLATE "C" NOT NULL CHECK (status IN ('granted', 'withdrawn')),
    source_kind TEXT COLLATE "C" NOT NULL,
    source_detail TEXT COLLATE "C",
    source_campaign TEXT COLLATE "C",
    occurred_at BIGINT NOT NULL,
    recorded_at BIGINT NOT NULL
);
CREATE INDEX consents_contact ON consents (contact_id, occurred_at);
CREATE INDEX consents_email ON consents (email, occurred_at);

ALTER TABLE api_keys ADD COLUMN owner TEXT COLLATE "C";
ALTER TABLE api_keys ADD COLUMN area TEXT COLLATE "C" CHECK (area IN ('support'));

-- One row per personal-data read that answered 2xx, written before the answer; never an email.
CREATE TABLE access_log (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at BIGINT NOT NULL,
    key_name TEXT COLLATE "C" NOT NULL,
    action TEXT COLLATE "C" NOT NULL,
    resource TEXT COLLATE "C" NOT NULL,
    resource_id TEXT COLLATE "C",
    count BIGINT NOT NULL
);
-- Retention empties a stored delivery's payload (the event stays for exactly-once, its status and effects) and says when.
ALTER TABLE webhook_events ADD COLUMN payload_purged_at BIGINT;

-- Subject access lists the audit entries about a person's records by reading the audit log through: an index on
-- resource_id would be one more B-tree insert in every write (CRM ingest measured 10-20 % slower with it) for a rare
-- admin request.
