"""Engagement import: 1,000 leads through POST /v1/leads/batch, then ROWS engagement events about them through
POST /v1/engagement (10,000 per request, one client), then the same rows inserted straight into RAWDB (a migrated empty
database holding the same leads) in one transaction — the machine's limit for storing them.

Usage: engagement-import.py PORT KEY RAWDB ROWS
Prints "api_rows_per_s raw_rows_per_s".
"""
import http.client
import json
import random
import secrets
import sqlite3
import sys
import time

port, key, raw_db, rows = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
rng = random.Random(25)
connection = http.client.HTTPConnection("127.0.0.1", int(port), timeout=120)


def post(path, body):
    connection.request("POST", path, body=body if isinstance(body, bytes) else json.dumps(body).encode(),
                       headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    response = connection.getresponse()
    answer = response.read()
    if response.status != 201:
        sys.exit(f"{path} answered {response.status}: {answer[:300]}")
    return json.loads(answer)


base = int(time.time()) - 200 * 86_400
leads = post("/v1/leads/batch", {"leads": [{"name": f"Import Lead {n}", "email": f"import{n}@bench{n}.example", "source": "webinar",
                                             "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(base))} for n in range(1_000)]})["data"]
ids = [lead["id"] for lead in leads]
kinds = [("page_view", "https://bench.example/pricing", None), ("email_opened", None, None), ("content_download", None, "whitepaper"),
         ("email_clicked", None, None), ("page_view", "https://bench.example/blog/post", None)]
events = []
for n in range(rows):
    kind, url, asset = rng.choice(kinds)
    event = {"type": kind, "lead_id": rng.choice(ids), "occurred_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(base + 60 + rng.randrange(190 * 86_400)))}
    if url: event["url"] = url
    if asset: event["asset"] = asset
    events.append(event)
bodies = [json.dumps({"events": events[i:i + 10_000]}).encode() for i in range(0, rows, 10_000)]
begin = time.perf_counter()
for body in bodies:
    post("/v1/engagement", body)
api = rows / (time.perf_counter() - begin)

epoch_ms = lambda text: int(time.mktime(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ")) - time.timezone) * 1000  # noqa: E731
now_ms = int(time.time() * 1000)
with sqlite3.connect(raw_db, isolation_level=None) as raw:
    raw.execute("PRAGMA synchronous = FULL")
    raw.execute("BEGIN")
    raw.executemany("INSERT INTO leads (id, name, email, role, status, created_at, updated_at) VALUES (?, ?, ?, 'user', 'new', ?, ?)",
                    [(lead["id"], lead["name"], lead["email"], base * 1000, now_ms) for lead in leads])
    raw.execute("COMMIT")
    values = [(f"eng_{secrets.token_hex(10)}", e["type"], epoch_ms(e["occurred_at"]), e["lead_id"], e.get("url"),
               "/pricing" if e.get("url", "").endswith("pricing") else ("/blog/post" if e.get("url") else None), e.get("asset"), now_ms) for e in events]
    begin = time.perf_counter()
    raw.execute("BEGIN")
    raw.executemany("INSERT INTO engagement_events (id, type, occurred_at, lead_id, url, path, asset, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", values)
    raw.execute("COMMIT")
    raw_rate = rows / (time.perf_counter() - begin)
print(f"{api:.0f} {raw_rate:.0f}")
