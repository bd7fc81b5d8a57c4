-- Who is won, paid and merged (the accounts' won_at, paid_at and merged_into) joins the ledger's number in
-- read_versions (see 0006): a deal won before any payment changes the won accounts without a single movement. Health
-- evaluations and risk flags get a number of their own, so readers can keep every account's bands and flags decoded.
CREATE TRIGGER accounts_won_inserted AFTER INSERT ON accounts WHEN NEW.won_at IS NOT NULL
BEGIN UPDATE read_versions SET version = version + 1 WHERE source = 'ledger'; END;
CREATE TRIGGER accounts_won_updated AFTER UPDATE OF won_at, paid_at, merged_into ON accounts
WHEN OLD.won_at IS NOT NEW.won_at OR OLD.paid_at IS NOT NEW.paid_at OR OLD.merged_into IS NOT NEW.merged_into
BEGIN UPDATE read_versions SET version = version + 1 WHERE source = 'ledger'; END;
CREATE TRIGGER accounts_won_deleted AFTER DELETE ON accounts WHEN OLD.won_at IS NOT NULL
BEGIN UPDATE read_versions SET version = version + 1 WHERE source = 'ledger'; END;

INSERT INTO read_versions (source, version) VALUES ('health', 0);
CREATE TRIGGER health_scores_inserted AFTER INSERT ON health_scores
BEGIN UPDATE read_versions SET version = version + 1 WHERE source = 'health'; END;
CREATE TRIGGER health_scores_updated AFTER UPDATE ON health_scores
BEGIN UPDATE read_versions SET version = version + 1 WHERE source = 'health'; END;
CREATE TRIGGER health_scores_deleted AFTER DELETE ON health_scores
BEGIN UPDATE read_versions SET version = version + 1 WHERE source = 'health'; END;
CREATE TRIGGER risk_flags_inserted AFTER INSERT ON risk_flags
BEGIN UPDATE read_versions SET version = version + 1 WHERE source = 'health'; END;
CREATE TRIGGER risk_flags_updated AFTER UPDATE ON risk_flags
BEGIN UPDATE read_versions SET version = version + 1 WHERE source = 'health'; END;
CREATE TRIGGER risk_flags_deleted AFTER DELETE ON risk_flags
BEGIN UPDATE read_versions SET version = version + 1 WHERE source = 'health'; END;

-- The summary's first-response figure reads every case opened in its window: from this index alone.
CREATE INDEX cases_first_response ON cases (opened_at, first_response_at);
DROP INDEX cases_opened_at;
