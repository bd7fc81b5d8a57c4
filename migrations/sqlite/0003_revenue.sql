-- Lifecycle and revenue: contracts (manual and Stripe), Stripe subscription snapshots, payments, acquisition spend,
-- and the MRR movement ledger, recomputed per account from those facts whenever one of them changes.

CREATE TABLE contracts (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    opportunity_id TEXT REFERENCES opportunities (id),
    source TEXT NOT NULL CHECK (source IN ('manual', 'stripe')),
    -- Stripe: the subscription id.
    external_id TEXT,
    start_date INTEGER,
    end_date INTEGER,
    billing_interval TEXT CHECK (billing_interval IN ('month', 'quarter', 'year')),
    recurring_amount INTEGER,
    currency TEXT NOT NULL,
    auto_renew INTEGER NOT NULL DEFAULT 1,
    cancel_effective INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX contracts_account ON contracts (account_id);
CREATE UNIQUE INDEX contracts_stripe_subscription ON contracts (external_id) WHERE source = 'stripe';
CREATE UNIQUE INDEX contracts_manual_opportunity ON contracts (opportunity_id) WHERE source = 'manual' AND opportunity_id IS NOT NULL;

-- One row per Stripe subscription event: the subscription's terms as that event described them (the normalized
-- snapshot; the raw event stays in webhook_events).
CREATE TABLE subscription_snapshots (
    seq INTEGER PRIMARY KEY,
    contract_id TEXT NOT NULL REFERENCES contracts (id),
    event_id TEXT NOT NULL UNIQUE,
    effective_at INTEGER NOT NULL,
    order_key TEXT NOT NULL,
    terms TEXT NOT NULL
) STRICT;
CREATE INDEX subscription_snapshots_contract ON subscription_snapshots (contract_id, effective_at);

CREATE TABLE payments (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    amount INTEGER NOT NULL CHECK (amount >= 0),
    currency TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('paid', 'failed', 'refunded')),
    at INTEGER NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('stripe', 'manual')),
    -- Stripe: the invoice id (paid, failed) or the charge id (refunded); manual: the client's reference.
    external_id TEXT,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX payments_account ON payments (account_id, at);
CREATE UNIQUE INDEX payments_stripe_object ON payments (status, external_id) WHERE source = 'stripe';

CREATE TABLE acquisition_spend (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    period TEXT NOT NULL,
    amount INTEGER NOT NULL CHECK (amount >= 0),
    currency TEXT NOT NULL,
    channel TEXT,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX acquisition_spend_period ON acquisition_spend (period);

CREATE TABLE mrr_movements (
    seq INTEGER PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    kind TEXT NOT NULL CHECK (kind IN ('new', 'expansion', 'contraction', 'churn', 'reactivation')),
    at INTEGER NOT NULL,
    amount INTEGER NOT NULL,
    from_mrr INTEGER NOT NULL,
    to_mrr INTEGER NOT NULL
) STRICT;
CREATE INDEX mrr_movements_account ON mrr_movements (account_id, at);
CREATE INDEX mrr_movements_at ON mrr_movements (at);

-- The end_date of the CRM's contract block for a deal billed through Stripe: the renewal date of its subscription.
ALTER TABLE opportunities ADD COLUMN contract_end_date INTEGER;

-- Derived with the ledger: the earliest Closed Won, the earliest verified payment, and max of the two.
ALTER TABLE accounts ADD COLUMN won_at INTEGER;
ALTER TABLE accounts ADD COLUMN paid_at INTEGER;
ALTER TABLE accounts ADD COLUMN converted_at INTEGER;
CREATE INDEX accounts_converted_at ON accounts (converted_at);

-- A pending Stripe event waits for its customer to be linked to an account.
ALTER TABLE webhook_events ADD COLUMN waiting_for TEXT;
CREATE INDEX webhook_events_waiting_for ON webhook_events (waiting_for) WHERE waiting_for IS NOT NULL;

DROP VIEW account_timeline;
CREATE VIEW account_timeline (account_id, at, seq, kind, summary, ref_type, ref_id) AS
SELECT account_id, occurred_at, seq * 5, 'activity',
       type || COALESCE(' (' || direction || ')', '') || COALESCE(': ' || subject, ''), 'activity', id
FROM activities
UNION ALL
SELECT o.account_id, c.at, c.seq * 5 + 1, 'stage_change',
       o.name || ': ' || replace(c.stage, '_', ' ') || COALESCE(' (' || c.lost_reason || ')', ''), 'opportunity', o.id
FROM stage_changes c JOIN opportunities o ON o.id = c.opportunity_id
UNION ALL
SELECT account_id, at, seq * 5 + 2, 'payment', status || ' ' || amount || ' ' || currency || ' (' || source || ')', 'payment', id
FROM payments
UNION ALL
SELECT account_id, COALESCE(start_date, created_at), seq * 5 + 3, 'contract',
       source || ' contract' || COALESCE(' ' || external_id, '') || CASE WHEN cancel_effective IS NOT NULL THEN ', cancelled' ELSE '' END,
       'contract', id
FROM contracts
UNION ALL
SELECT account_id, at, seq * 5 + 4, 'mrr_movement', kind || ' ' || amount || ' (MRR ' || from_mrr || ' → ' || to_mrr || ')', 'account', account_id
FROM mrr_movements;
