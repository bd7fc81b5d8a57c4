-- Every contract and its subscription snapshots (committed MRR reads all of them) get a number in read_versions, moved
-- in the same transaction as any change to them, so readers can keep them decoded (see 0006).
INSERT INTO read_versions (source, version) VALUES ('contracts', 0);
CREATE TRIGGER contracts_inserted AFTER INSERT ON contracts
BEGIN UPDATE read_versions SET version = version + 1 WHERE source = 'contracts'; END;
CREATE TRIGGER contracts_updated AFTER UPDATE ON contracts
BEGIN UPDATE read_versions SET version = version + 1 WHERE source = 'contracts'; END;
CREATE TRIGGER contracts_deleted AFTER DELETE ON contracts
BEGIN UPDATE read_versions SET version = version + 1 WHERE source = 'contracts'; END;
CREATE TRIGGER subscription_snapshots_inserted AFTER INSERT ON subscription_snapshots
BEGIN UPDATE read_versions SET version = version + 1 WHERE source = 'contracts'; END;
CREATE TRIGGER subscription_snapshots_updated AFTER UPDATE ON subscription_snapshots
BEGIN UPDATE read_versions SET version = version + 1 WHERE source = 'contracts'; END;
CREATE TRIGGER subscription_snapshots_deleted AFTER DELETE ON subscription_snapshots
BEGIN UPDATE read_versions SET version = version + 1 WHERE source = 'contracts'; END;
