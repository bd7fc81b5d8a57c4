-- INSIGHTS.md: manual tasks (any number open at one account, like an automation's).
DROP INDEX tasks_open_playbook;
CREATE UNIQUE INDEX tasks_open_playbook ON tasks (account_id, playbook) WHERE status = 'open' AND playbook NOT IN ('automation', 'manual');

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
