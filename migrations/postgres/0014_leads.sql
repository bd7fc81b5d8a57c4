-- LEADS.md: leads with their owners' history, engagement events, saved segments, and tasks about a lead (a routed lead's
-- follow-up call, `account_id` null).
CREATE TABLE leads (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT COLLATE "C" NOT NULL UNIQUE,
    name TEXT COLLATE "C" NOT NULL,
    email TEXT COLLATE "C",
    company TEXT COLLATE "C",
    domain TEXT COLLATE "C",
    title TEXT COLLATE "C",
    role TEXT COLLATE "C" NOT NULL CHECK (role IN ('user', 'executive', 'other')),
    country TEXT COLLATE "C",
    segment TEXT COLLATE "C" CHECK (segment IN ('smb', 'mid_market', 'enterprise')),
    industry TEXT COLLATE "C",
    employee_count BIGINT,
    source TEXT COLLATE "C",
    campaign TEXT COLLATE "C",
    status TEXT COLLATE "C" NOT NULL CHECK (status IN ('new', 'working', 'qualified', 'disqualified', 'converted')),
    owner TEXT COLLATE "C",
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    qualified_at BIGINT,
    disqualified_at BIGINT,
    disqualify_reason TEXT COLLATE "C",
    converted_at BIGINT,
    account_id TEXT COLLATE "C" REFERENCES accounts (id),
    contact_id TEXT COLLATE "C" REFERENCES contacts (id),
    opportunity_id TEXT COLLATE "C" REFERENCES opportunities (id),
    erased_at BIGINT
);
-- An open lead's email is unique (LEADS.md: a second one is a 409 naming the first); erasure nulls it.
CREATE UNIQUE INDEX leads_open_email ON leads (email) WHERE status IN ('new', 'working', 'qualified');
CREATE INDEX leads_email ON leads (email);
CREATE INDEX leads_contact ON leads (contact_id) WHERE contact_id IS NOT NULL;
CREATE INDEX leads_created ON leads (created_at);

-- Every change of a lead's owner, oldest first.
CREATE TABLE lead_assignments (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    lead_id TEXT COLLATE "C" NOT NULL REFERENCES leads (id),
    owner TEXT COLLATE "C",
    at BIGINT NOT NULL,
    trigger TEXT COLLATE "C" NOT NULL CHECK (trigger IN ('create', 'qualify', 'manual')),
    rule TEXT COLLATE "C"
);
CREATE INDEX lead_assignments_lead ON lead_assignments (lead_id);

-- What a lead or a contact did: `path` is the url's path lowercased, for url patterns. A score and a segment count a
-- person's events of one type in a window: a range of the (person, type, occurred_at) index.
CREATE TABLE engagement_events (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT COLLATE "C" NOT NULL UNIQUE,
    type TEXT COLLATE "C" NOT NULL,
    occurred_at BIGINT NOT NULL,
    lead_id TEXT COLLATE "C" REFERENCES leads (id),
    contact_id TEXT COLLATE "C" REFERENCES contacts (id),
    url TEXT COLLATE "C",
    path TEXT COLLATE "C",
    asset TEXT COLLATE "C",
    created_at BIGINT NOT NULL
);
CREATE INDEX engagement_events_lead ON engagement_events (lead_id, type, occurred_at) WHERE lead_id IS NOT NULL;
CREATE INDEX engagement_events_contact ON engagement_events (contact_id, type, occurred_at) WHERE contact_id IS NOT NULL;

-- A saved filter over accounts, contacts or leads (its JSON as given).
CREATE TABLE segments (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT COLLATE "C" NOT NULL UNIQUE,
    name TEXT COLLATE "C" NOT NULL,
    resource TEXT COLLATE "C" NOT NULL CHECK (resource IN ('accounts', 'contacts', 'leads')),
    filter TEXT COLLATE "C" NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

ALTER TABLE tasks ALTER COLUMN account_id DROP NOT NULL;
ALTER TABLE tasks ADD COLUMN lead_id TEXT COLLATE "C" REFERENCES leads (id);
-- One open follow-up per lead.
CREATE UNIQUE INDEX tasks_open_lead ON tasks (lead_id) WHERE status = 'open' AND lead_id IS NOT NULL;
