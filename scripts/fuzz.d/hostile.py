"""Hostile input against a running Tenure. Each check prints one line; any problem makes the exit code 1.

Usage: hostile.py PORT ADMIN_KEY STRIPE_SECRET CRM_SECRET SERVER_PID DB IDLE_TIMEOUT
"""
import http.client
import json
import os
import socket
import sqlite3
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from webhook_signing import crm_headers, stripe_header  # noqa: E402

port, key, stripe_secret, crm_secret, pid, db, idle_timeout = sys.argv[1:8]
port, idle_timeout = int(port), int(idle_timeout)
problems = []


def report(name, ok, detail):
    print(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}")
    if not ok:
        problems.append(name)


def request(method, path, body=None, headers=None, auth=True):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    if auth:
        all_headers["Authorization"] = f"Bearer {key}"
    connection.request(method, path, body=body, headers=all_headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, data


def rss_kib():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def count(sql, *args):
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return connection.execute(sql, args).fetchone()[0]
    finally:
        connection.close()


# Bodies over the limit: 2 MiB at once, then 100 MiB announced and streamed slowly; memory stays flat.
status, _ = request("POST", "/v1/accounts", json.dumps({"name": "x" * (2 << 20)}))
report("2 MiB body", status == 413, f"HTTP {status}")
before = rss_kib()
sock = socket.create_connection(("127.0.0.1", port))
sock.sendall(f"POST /v1/accounts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {key}\r\nContent-Type: application/json\r\n"
             f"Content-Length: {100 << 20}\r\n\r\n".encode())
sent, answer, started = 0, b"", time.monotonic()
sock.settimeout(0.01)
try:
    while sent < (100 << 20) and time.monotonic() - started < 20:
        sock.sendall(b" " * 65536)
        sent += 65536
        try:
            answer = sock.recv(4096)
            if answer:
                break
        except socket.timeout:
            pass
        time.sleep(0.002)
except OSError:
    pass  # the server closed the connection after answering
try:
    sock.settimeout(5)
    answer = answer or sock.recv(4096)
except OSError:
    pass
sock.close()
grown = (rss_kib() - before) / 1024
status_line = answer.split(b"\r\n")[0].decode(errors="replace")
report("100 MiB streamed slowly", answer.startswith(b"HTTP/1.1 413") and grown < 32,
       f"{status_line!r} after {sent >> 20} MiB sent, RSS grew {grown:.1f} MiB")

# 1,000 idle connections and 20 slow-loris clients: others are still served, and idle connections are closed.
idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(1000)]
loris = [socket.create_connection(("127.0.0.1", port)) for _ in range(20)]
for s in loris:
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
latencies = []
for i in range(100):
    if i % 10 == 0:
        for s in loris:
            try:
                s.sendall(b"X-Slow: 1\r\n")
            except OSError:
                pass
    started = time.monotonic()
    status, _ = request("GET", "/healthz", auth=False)
    latencies.append((time.monotonic() - started) * 1000)
    if status != 200:
        break
latencies.sort()
report("served beside 1,000 idle and 20 slow-loris connections", status == 200 and latencies[98] < 200,
       f"100 × /healthz, p50 {latencies[49]:.1f} ms, p99 {latencies[98]:.1f} ms")
time.sleep(idle_timeout + 3)
closed = 0
for s in idle:
    s.settimeout(0.5)
    try:
        closed += s.recv(1) == b""
    except (socket.timeout, OSError) as error:
        closed += not isinstance(error, socket.timeout)
    s.close()
for s in loris:
    s.close()
report("idle connections time out", closed == len(idle), f"{closed} of {len(idle)} closed by the server after {idle_timeout} s")

# Malformed JSON of every kind is a 400, never a crash.
for name, body in [("deeply nested arrays", "[" * 200_000), ("deeply nested objects", '{"a":' * 100_000 + "1" + "}" * 100_000),
                   ("invalid UTF-8", b'{"name": "\xff\xfe\xfd"}'), ("truncated", '{"name": "Acme'), ("not an object", "42")]:
    status, data = request("POST", "/v1/accounts", body)
    report(name, status in (400, 422), f"HTTP {status} {data[:80]!r}")
account = json.loads(request("POST", "/v1/accounts", json.dumps({"name": "Fuzz Range"}))[1])["id"]
for name, body in [("amount 1e30", {"amount": 1e30}), ("amount 2^63", {"amount": 2 ** 63}), ("amount -1", {"amount": -1}),
                   ("amount 1.5", {"amount": 1.5})]:
    status, data = request("POST", "/v1/opportunities", json.dumps({"account_id": account, "name": "Deal", "currency": "usd", **body}))
    report(f"number out of range: {name}", status in (400, 422), f"HTTP {status}")

# Every webhook signature failure is a 401 and stores nothing.
events = count("SELECT count(*) FROM webhook_events")
body = json.dumps({"id": "evt_fuzz", "object": "event", "type": "invoice.paid", "created": int(time.time()), "data": {"object": {}}})


now = int(time.time())
for name, headers, payload in [
    ("no signature", {}, body),
    ("malformed signature", {"Stripe-Signature": "garbage"}, body),
    ("wrong secret", {"Stripe-Signature": stripe_header("whsec_wrong", now, body.encode())}, body),
    ("tampered body", {"Stripe-Signature": stripe_header(stripe_secret, now, body.encode())}, body.replace("invoice.paid", "invoice.void")),
    ("301 s old (a replay after the tolerance)", {"Stripe-Signature": stripe_header(stripe_secret, now - 301, body.encode())}, body),
    ("301 s ahead", {"Stripe-Signature": stripe_header(stripe_secret, now + 301, body.encode())}, body),
]:
    status, _ = request("POST", "/v1/webhooks/stripe", payload, headers, auth=False)
    report(f"Stripe {name}", status == 401, f"HTTP {status}")
crm_body = json.dumps({"type": "opportunity.closed_won", "account": {"external_id": "fuzz"}, "opportunity": {"external_id": "fuzz"}})
signed = crm_body.encode()
for name, headers in [("no headers", {}), ("wrong secret", crm_headers(b"wrong", "msg_fuzz", now, signed)),
                      ("301 s old", crm_headers(crm_secret, "msg_fuzz", now - 301, signed)),
                      ("another message id", {**crm_headers(crm_secret, "msg_fuzz", now, signed), "webhook-id": "msg_other"})]:
    status, _ = request("POST", "/v1/webhooks/crm", crm_body, headers, auth=False)
    report(f"CRM {name}", status == 401, f"HTTP {status}")
report("signature failures store nothing", count("SELECT count(*) FROM webhook_events") == events, "webhook_events unchanged")

# Strings that look like SQL are stored and read back unchanged.
evil = "Robert'); DROP TABLE accounts;-- \" OR 1=1 -- %_\\ \u0000?"
status, data = request("POST", "/v1/accounts", json.dumps({"name": evil, "industry": "' OR '1'='1"}))
created = json.loads(data) if status == 201 else {}
status, data = request("GET", f"/v1/accounts/{created.get('id', 'none')}")
back = json.loads(data) if status == 200 else {}
report("SQL-looking strings round-trip", back.get("name") == evil and back.get("industry") == "' OR '1'='1",
       f"name {'unchanged' if back.get('name') == evil else repr(back.get('name'))}")
status, data = request("GET", "/v1/accounts?q=" + "%27%20OR%201%3D1%20--")
report("SQL-looking search", status == 200 and json.loads(data)["data"] == [], f"HTTP {status}")

status, _ = request("GET", "/healthz", auth=False)
report("still serving", status == 200, f"HTTP {status}")
sys.exit(1 if problems else 0)
