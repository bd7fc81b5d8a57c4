"""Checks that every acknowledged write in LOG is in the database exactly once.

Usage: check.py DB LOG  → prints "ACKNOWLEDGED LOST DUPLICATED" and exits 1 when anything is lost or duplicated.
"""
import json
import sqlite3
import sys

db, log_path = sys.argv[1:3]
connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
queries = {
    "account": ("SELECT count(*) FROM accounts WHERE external_id = ?", "external_id"),
    "activity": ("SELECT count(*) FROM activities WHERE id = ?", "id"),
    "payment": ("SELECT count(*) FROM payments WHERE id = ?", "id"),
    "crm": ("SELECT count(*) FROM webhook_events WHERE source = 'crm' AND event_id = ? AND status = 'processed'", "event_id"),
    "stripe": ("SELECT count(*) FROM webhook_events WHERE source = 'stripe' AND event_id = ? AND status = 'processed'", "event_id"),
}
acknowledged = lost = duplicated = 0
for line in open(log_path):
    ack = json.loads(line)
    sql, field = queries[ack["kind"]]
    count = connection.execute(sql, (ack[field],)).fetchone()[0]
    acknowledged += 1
    if count == 0:
        lost += 1
        print(f"  LOST {ack}", file=sys.stderr)
    elif count > 1:
        duplicated += 1
        print(f"  DUPLICATED {ack}", file=sys.stderr)
print(acknowledged, lost, duplicated)
sys.exit(1 if lost or duplicated else 0)
