-- Indexes that hold everything the company-wide reads take from these tables, so that they are read in order from
-- the index alone instead of sorting or fetching each row from the table.
-- Every account's movements, account by account and in time order (the revenue series, the summary, the lifecycle
-- stage of a customer). It also serves every lookup the two indexes it replaces served.
CREATE INDEX mrr_movements_history ON mrr_movements (account_id, at, seq, kind, amount, from_mrr, to_mrr);
DROP INDEX mrr_movements_account;
DROP INDEX mrr_movements_at;
-- Each account's latest band at or before an instant (the band counts, committed MRR, the customers list).
CREATE INDEX health_scores_band ON health_scores (account_id, day, evaluated_at, band);
-- Each deal's stage changes in history order (the pipeline metrics read every deal's), from the index alone.
CREATE INDEX stage_changes_history ON stage_changes (opportunity_id, at, seq, stage, tiebreak, lost_reason);
DROP INDEX stage_changes_opportunity;
-- Numbers that change, in the same transaction, with every change to what a company-wide read is computed from: a
-- reader holding such a read knows from its number whether it still is what the database holds.
CREATE TABLE read_versions (
    source TEXT PRIMARY KEY,
    version INTEGER NOT NULL
) STRICT;
INSERT INTO read_versions (source, version) VALUES ('ledger', 0), ('pipeline', 0);
-- Every account's movements.
CREATE TRIGGER mrr_movements_inserted AFTER INSERT ON mrr_movements
BEGIN UPDATE read_versions SET version = version + 1 WHERE source = 'ledger'; END;
CREATE TRIGGER mrr_movements_updated AFTER UPDATE ON mrr_movements
BEGIN UPDATE read_versions SET version = version + 1 WHERE source = 'ledger'; END;
CREATE TRIGGER mrr_movements_deleted AFTER DELETE ON mrr_movements
BEGIN UPDATE read_versions SET version = version + 1 WHERE source = 'ledger'; END;
-- Every deal, its stage changes and its linked activities. Inserted activities move the number from the code that
-- inserts them (`SQLiteActivityRecords.insert`, once per batch): a row trigger on the busiest table, even one whose
-- WHEN is false, halved the speed of a bulk import.
CREATE TRIGGER opportunities_inserted AFTER INSERT ON opportunities
BEGIN UPDATE read_versions SET version = version + 1 WHERE source = 'pipeline'; END;
CREATE TRIGGER opportunities_updated AFTER UPDATE ON opportunities
BEGIN UPDATE read_versions SET version = version + 1 WHERE source = 'pipeline'; END;
CREATE TRIGGER opportunities_deleted AFTER DELETE ON opportunities
BEGIN UPDATE read_versions SET version = version + 1 WHERE source = 'pipeline'; END;
CREATE TRIGGER stage_changes_inserted AFTER INSERT ON stage_changes
BEGIN UPDATE read_versions SET version = version + 1 WHERE source = 'pipeline'; END;
CREATE TRIGGER stage_changes_updated AFTER UPDATE ON stage_changes
BEGIN UPDATE read_versions SET version = version + 1 WHERE source = 'pipeline'; END;
CREATE TRIGGER stage_changes_deleted AFTER DELETE ON stage_changes
BEGIN UPDATE read_versions SET version = version + 1 WHERE source = 'pipeline'; END;
CREATE TRIGGER deal_activities_updated AFTER UPDATE ON activities
WHEN OLD.opportunity_id IS NOT NULL OR NEW.opportunity_id IS NOT NULL
BEGIN UPDATE read_versions SET version = version + 1 WHERE source = 'pipeline'; END;
CREATE TRIGGER deal_activities_deleted AFTER DELETE ON activities WHEN OLD.opportunity_id IS NOT NULL
BEGIN UPDATE read_versions SET version = version + 1 WHERE source = 'pipeline'; END;
