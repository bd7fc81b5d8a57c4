-- INSIGHTS.md: manual tasks (any number open at one account, like an automation's).
DROP INDEX tasks_open_playbook;
CREATE UNIQUE INDEX tasks_open_playbook ON tasks (account_id, playbook) WHERE status = 'open' AND playbook NOT IN ('automation', 'manual');
