-- Foundation: API keys, audit log, idempotency, accounts, contacts, activities and the account timeline.
-- Instants are INTEGER milliseconds since 1970 (UTC); every table is STRICT.

CREATE TABLE api_keys (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    scope TEXT NOT NULL CHECK (scope IN ('read', 'write', 'admin')),
    secret_hash TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
) STRICT;

CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    key_name TEXT NOT NULL,
    action TEXT NOT NULL,
    resource TEXT NOT NULL,
    resource_id TEXT
) STRICT;

CREATE TABLE idempotency_keys (
    key_id TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    response_status INTEGER,
    response_headers TEXT,
    response_body BLOB,
    PRIMARY KEY (key_id, idempotency_key)
) STRICT;
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);

CREATE TABLE accounts (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    domain TEXT,
    segment TEXT CHECK (segment IN ('smb', 'mid_market', 'enterprise')),
    industry TEXT,
    employee_count INTEGER,
    owner TEXT,
    external_id TEXT,
    stripe_customer_id TEXT,
    merged_into TEXT REFERENCES accounts (id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
-- Tombstones of merged accounts give up their domain and ids for uniqueness.
CREATE UNIQUE INDEX accounts_domain ON accounts (domain) WHERE merged_into IS NULL;
CREATE UNIQUE INDEX accounts_external_id ON accounts (external_id) WHERE merged_into IS NULL;
CREATE INDEX accounts_stripe_customer_id ON accounts (stripe_customer_id);
CREATE INDEX accounts_owner ON accounts (owner);

CREATE TABLE contacts (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    name TEXT NOT NULL,
    email TEXT,
    title TEXT,
    role TEXT NOT NULL CHECK (role IN ('user', 'executive', 'other')),
    relationship_strength TEXT NOT NULL CHECK (relationship_strength IN ('none', 'weak', 'medium', 'strong', 'very_strong')),
    external_id TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX contacts_account_email ON contacts (account_id, email);
CREATE INDEX contacts_external_id ON contacts (external_id);

CREATE TABLE activities (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    type TEXT NOT NULL CHECK (type IN ('email', 'call', 'meeting', 'note', 'task')),
    occurred_at INTEGER NOT NULL,
    contact_id TEXT REFERENCES contacts (id),
    opportunity_id TEXT,
    direction TEXT CHECK (direction IN ('inbound', 'outbound')),
    subject TEXT,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX activities_account ON activities (account_id, occurred_at);
CREATE INDEX activities_contact ON activities (contact_id, occurred_at);
CREATE INDEX activities_opportunity ON activities (opportunity_id, occurred_at);

-- Everything about an account in one list; later migrations recreate the view with more kinds.
CREATE VIEW account_timeline (account_id, at, seq, kind, summary, ref_type, ref_id) AS
SELECT account_id, occurred_at, seq, 'activity',
       type || COALESCE(' (' || direction || ')', '') || COALESCE(': ' || subject, ''), 'activity', id
FROM activities;
