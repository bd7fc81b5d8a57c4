"""Checks that every acknowledged write in LOG is in the database exactly once.

Usage: check.py DATABASE LOG  → prints "ACKNOWLEDGED LOST DUPLICATED" and exits 1 when anything is lost or duplicated.
DATABASE is a SQLite file or a postgres:// URL (read with psql).
"""
import collections
import json
import sqlite3
import subprocess
import sys

database, log_path = sys.argv[1:3]
# kind → (the identifying column of each stored row of that kind, the acknowledgement's field holding it)
queries = {
    "account": ("SELECT external_id FROM accounts WHERE external_id IS NOT NULL", "external_id"),
    "activity": ("SELECT id FROM activities", "id"),
    "payment": ("SELECT id FROM payments", "id"),
    "crm": ("SELECT event_id FROM webhook_events WHERE source = 'crm' AND status = 'processed'", "event_id"),
    "stripe": ("SELECT event_id FROM webhook_events WHERE source = 'stripe' AND status = 'processed'", "event_id"),
}


def values(sql):
    if database.startswith("postgres"):
        output = subprocess.run(["psql", "-tAq", database, "-c", sql], check=True, capture_output=True, text=True).stdout
        return output.splitlines()
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    return [row[0] for row in connection.execute(sql)]


stored = {kind: collections.Counter(values(sql)) for kind, (sql, _) in queries.items()}
acknowledged = lost = duplicated = 0
for line in open(log_path):
    ack = json.loads(line)
    count = stored[ack["kind"]][ack[queries[ack["kind"]][1]]]
    acknowledged += 1
    if count == 0:
        lost += 1
        print(f"  LOST {ack}", file=sys.stderr)
    elif count > 1:
        duplicated += 1
        print(f"  DUPLICATED {ack}", file=sys.stderr)
print(acknowledged, lost, duplicated)
sys.exit(1 if lost or duplicated else 0)
