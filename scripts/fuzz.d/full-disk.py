"""A full disk: writes fail with 503 and change nothing, and once space returns writes succeed and nothing
acknowledged is lost.

Usage: full-disk.py PORT ADMIN_KEY DB MOUNTPOINT
Fills the tmpfs holding the database with accounts until the server answers 503, then grows the tmpfs (remount).
"""
import http.client
import json
import sqlite3
import subprocess
import sys

port, key, db, mountpoint = sys.argv[1:5]
problems = []


def post(body):
    connection = http.client.HTTPConnection("127.0.0.1", int(port), timeout=30)
    connection.request("POST", "/v1/accounts", body=json.dumps(body), headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, data


acknowledged, statuses, n = [], set(), 0
while n < 100_000:
    n += 1
    status, data = post({"name": f"Full {n} " + "x" * 480, "external_id": f"full-{n}", "industry": "y" * 200, "owner": "z" * 300})
    statuses.add(status)
    if status == 201:
        acknowledged.append(f"full-{n}")
    elif status == 503:
        break
    else:
        problems.append(f"HTTP {status} {data[:200]!r}")
        break
problem = json.loads(data) if status == 503 else {}
print(f"{'ok  ' if status == 503 else 'FAIL'} full disk: {len(acknowledged)} accounts stored, then HTTP {status} {problem.get('type', '')}")
if status != 503:
    problems.append("no 503 on a full disk")
for attempt in range(3):
    # As large as the write the full disk refused: a smaller one may still fit in a page's free bytes.
    again, _ = post({"name": f"Still full {attempt} " + "x" * 480, "external_id": f"still-full-{attempt}", "industry": "y" * 200, "owner": "z" * 300})
    if again != 503:
        problems.append(f"HTTP {again} while the disk is still full")
subprocess.run(["mount", "-o", "remount,size=256m", mountpoint], check=True)
status, data = post({"name": "After", "external_id": "after-space-returns"})
print(f"{'ok  ' if status == 201 else 'FAIL'} space returns: HTTP {status}")
if status != 201:
    problems.append(f"after space returned: HTTP {status} {data[:200]!r}")
connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
stored = {row[0] for row in connection.execute("SELECT external_id FROM accounts WHERE external_id LIKE 'full-%' OR external_id LIKE 'still-full-%'")}
lost = [id for id in acknowledged if id not in stored]
refused_but_stored = [id for id in stored if id.startswith("still-full-")]
print(f"{'ok  ' if not lost and not refused_but_stored else 'FAIL'} nothing acknowledged lost: {len(acknowledged)} acknowledged, "
      f"{len(lost)} lost, {len(refused_but_stored)} refused writes stored")
if lost or refused_but_stored:
    problems.append("lost or half-done writes")
for p in problems:
    print("  PROBLEM", p)
sys.exit(1 if problems else 0)
