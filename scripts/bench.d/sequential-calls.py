"""The API's own latency, one call at a time (EVENTS.md, "Never in the way"): COUNT sequential POST /v1/accounts and
as many GET /v1/accounts/{id}.

Usage: sequential-calls.py PORT KEY COUNT PREFIX  → prints "POST_P50 POST_P99 POST_MAX GET_P50 GET_P99 GET_MAX" in ms.
"""
import http.client
import json
import sys
import time

port, key, count, prefix = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
connection = http.client.HTTPConnection("127.0.0.1", port)
headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
posts, gets, ids = [], [], []
for k in range(count):
    begin = time.perf_counter()
    connection.request("POST", "/v1/accounts", body=json.dumps({"name": f"{prefix} {k}"}), headers=headers)
    response = connection.getresponse()
    ids.append(json.loads(response.read())["id"])
    posts.append((time.perf_counter() - begin) * 1000)
for account in ids:
    begin = time.perf_counter()
    connection.request("GET", f"/v1/accounts/{account}", headers=headers)
    connection.getresponse().read()
    gets.append((time.perf_counter() - begin) * 1000)


def summary(values):
    values = sorted(values)
    return f"{values[len(values) // 2]:.1f} {values[min(len(values) - 1, int(0.99 * len(values)))]:.1f} {values[-1]:.1f}"


print(summary(posts), summary(gets))
