-- When each case last changed by its own history (its latest resolve or reopen, else its opening), so the support
-- metrics of a window read only the cases that can count in it, however long after the fact the rows were written.
ALTER TABLE cases ADD COLUMN changed_at INTEGER;
UPDATE cases SET changed_at = max(opened_at, COALESCE(
    (SELECT max(CAST(json_extract(value, '$[1]') AS INTEGER)) FROM json_each(cases.transitions)), opened_at));
CREATE INDEX cases_changed_at ON cases (changed_at);
