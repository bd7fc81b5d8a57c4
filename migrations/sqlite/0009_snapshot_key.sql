-- A subscription snapshot is one Stripe event's, and its order key holds that event's id, so the snapshot is unique by
-- contract, instant and order key. One index now serves both the contract's ordered reads and the rule that an event
-- is stored once (a redelivery or replay finds its row), instead of a second index on the event id, whose random key
-- put every insert on a page of its own that the commit then copied to the WAL whole.
CREATE TABLE subscription_snapshots_keyed (
    seq INTEGER PRIMARY KEY,
    contract_id TEXT NOT NULL REFERENCES contracts (id),
    event_id TEXT NOT NULL,
    effective_at INTEGER NOT NULL,
    order_key TEXT NOT NULL,
    terms TEXT NOT NULL
) STRICT;
INSERT INTO subscription_snapshots_keyed (seq, contract_id, event_id, effective_at, order_key, terms)
SELECT seq, contract_id, event_id, effective_at, order_key, terms FROM subscription_snapshots;
DROP TABLE subscription_snapshots;
ALTER TABLE subscription_snapshots_keyed RENAME TO subscription_snapshots;
CREATE UNIQUE INDEX subscription_snapshots_contract ON subscription_snapshots (contract_id, effective_at, order_key);
UPDATE read_versions SET version = version + 1 WHERE source = 'contracts';
CREATE TRIGGER subscription_snapshots_inserted AFTER INSERT ON subscription_snapshots
BEGIN UPDATE read_versions SET version = version + 1 WHERE source = 'contracts'; END;
CREATE TRIGGER subscription_snapshots_updated AFTER UPDATE ON subscription_snapshots
BEGIN UPDATE read_versions SET version = version + 1 WHERE source = 'contracts'; END;
CREATE TRIGGER subscription_snapshots_deleted AFTER DELETE ON subscription_snapshots
BEGIN UPDATE read_versions SET version = version + 1 WHERE source = 'contracts'; END;
