"""Bulk import: ROWS activities through POST /v1/activities/batch (10,000 per request, one client), then the same rows
as one CSV through POST /v1/imports?object=activities, then inserted straight into a copy of the database in one
transaction — the machine's limit for storing them.

Usage: import.py PORT KEY DB ACCOUNTS ROWS    (DB: a copy of the server's database taken before the import)
Prints "api_rows_per_s raw_rows_per_s csv_rows_per_s".
"""
import csv
import io
import http.client
import json
import random
import secrets
import sqlite3
import sys
import time

port, key, db, accounts, rows = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split(","), int(sys.argv[5])
rng = random.Random(5)
base = int(time.time()) - 365 * 86_400
activities = [{"account_id": rng.choice(accounts), "type": rng.choice(["email", "call", "meeting", "note"]),
               "direction": rng.choice(["inbound", "outbound"]), "subject": f"Imported activity {n}",
               "occurred_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(base + rng.randrange(365 * 86_400)))} for n in range(rows)]
bodies = [json.dumps({"activities": activities[i:i + 10_000]}).encode() for i in range(0, rows, 10_000)]

connection = http.client.HTTPConnection("127.0.0.1", int(port), timeout=60)
begin = time.perf_counter()
for body in bodies:
    connection.request("POST", "/v1/activities/batch", body=body,
                       headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    response = connection.getresponse()
    answer = response.read()
    if response.status != 201:
        sys.exit(f"batch import answered {response.status}: {answer[:300]}")
api = rows / (time.perf_counter() - begin)

table = io.StringIO()
writer = csv.writer(table, lineterminator="\r\n")
writer.writerow(["account_id", "type", "direction", "subject", "occurred_at"])
writer.writerows([a["account_id"], a["type"], a["direction"], a["subject"], a["occurred_at"]] for a in activities)
body = table.getvalue().encode()
begin = time.perf_counter()
connection.request("POST", "/v1/imports?object=activities", body=body, headers={"Authorization": f"Bearer {key}", "Content-Type": "text/csv"})
response = connection.getresponse()
answer = response.read()
if response.status == 404:  # a binary from before CSV imports (before/after comparisons)
    csv_rate = 0
elif response.status != 200 or json.loads(answer).get("created") != rows:
    sys.exit(f"CSV import answered {response.status}: {answer[:300]}")
else:
    csv_rate = rows / (time.perf_counter() - begin)

epoch_ms = lambda text: int(time.mktime(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ")) - time.timezone) * 1000  # noqa: E731
now_ms = int(time.time() * 1000)
values = [(f"act_{secrets.token_hex(10)}", a["account_id"], a["type"], epoch_ms(a["occurred_at"]), a["direction"], a["subject"], now_ms)
          for a in activities]
with sqlite3.connect(db, isolation_level=None) as raw:
    raw.execute("PRAGMA synchronous = FULL")
    begin = time.perf_counter()
    raw.execute("BEGIN")
    raw.executemany("INSERT INTO activities (id, account_id, type, occurred_at, direction, subject, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", values)
    raw.execute("COMMIT")
    raw_rate = rows / (time.perf_counter() - begin)
print(f"{api:.0f} {raw_rate:.0f} {csv_rate:.0f}")
