-- EVENTS.md: `account.merged` shows the tombstone as `data.merged_account` beside the kept account: its id with the
-- event, and its rendering once frozen, as `object` is.
ALTER TABLE events ADD COLUMN merged_account_id TEXT;
ALTER TABLE events ADD COLUMN merged_account TEXT;
