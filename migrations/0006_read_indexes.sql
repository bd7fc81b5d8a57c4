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
-- A number that changes, in the same transaction, with every change to any account's movements: a reader holding a
-- copy of every movement knows from it whether the copy is still what the database holds.
CREATE TABLE ledger_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
) STRICT;
INSERT INTO ledger_version (id, version) VALUES (1, 0);
CREATE TRIGGER mrr_movements_inserted AFTER INSERT ON mrr_movements BEGIN UPDATE ledger_version SET version = version + 1; END;
CREATE TRIGGER mrr_movements_updated AFTER UPDATE ON mrr_movements BEGIN UPDATE ledger_version SET version = version + 1; END;
CREATE TRIGGER mrr_movements_deleted AFTER DELETE ON mrr_movements BEGIN UPDATE ledger_version SET version = version + 1; END;
