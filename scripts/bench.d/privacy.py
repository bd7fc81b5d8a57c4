"""PRIVACY.md's benchmarks on a running server over the 100,000-account demo.

Usage: privacy.py PORT ADMIN_KEY STRIPE_SECRET SECONDS OWNER  → prints one line per figure:
  erasure MS WRITES_DURING MAX_WRITE_MS   one person (a contact with 1,000 activities, 50 stored Stripe deliveries naming
                                          them) erased while another client writes one account after the other
  contactability P50 P99 ERRORS           GET contactability of a contact with 100 consent records at 200 a second
  accounts-admin P50 P99 ERRORS           GET /v1/accounts with the admin key, 50 a second
  accounts-owner P50 P99 ERRORS           the same with a key kept to OWNER's accounts
"""
import http.client
import json
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from webhook_signing import stripe_header  # noqa: E402

port, admin, stripe_secret, seconds, owner = int(sys.argv[1]), sys.argv[2], sys.argv[3], float(sys.argv[4]), sys.argv[5]
here = os.path.dirname(__file__)


def call(method, path, body=None, key=admin, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    sent = {"Content-Type": "application/json", **({"Authorization": f"Bearer {key}"} if key else {}), **(headers or {})}
    connection.request(method, path, body=None if body is None else (body if isinstance(body, (bytes, str)) else json.dumps(body)),
                       headers=sent)
    response = connection.getresponse()
    data = response.read()
    if response.status >= 300:
        raise SystemExit(f"privacy bench: {method} {path} answered {response.status}: {data[:300]!r}")
    return json.loads(data) if data else None


def open_loop(key, path, rate):
    output = subprocess.run([sys.executable, os.path.join(here, "open-loop.py"), str(port), key, path, str(rate), str(seconds)],
                            capture_output=True, text=True, check=True).stdout.split()
    return " ".join(output)


account = call("POST", "/v1/accounts", {"name": "Privacy bench"})["id"]

# Erasure: the person, 1,000 activities linked to them, 50 Stripe deliveries naming them (waiting for a customer).
email = "privacy.bench.person@erasure.example"
contact = call("POST", "/v1/contacts", {"account_id": account, "name": "Bench Person", "email": email, "phone": "+1 555 0100"})["id"]
activities = [{"account_id": account, "contact_id": contact, "type": "email", "direction": "outbound", "subject": f"Follow-up {k} for {email}"}
              for k in range(1000)]
call("POST", "/v1/activities/batch", {"activities": activities})
now = int(time.time())
for k in range(50):
    invoice = {"id": f"in_privacy{k}", "object": "invoice", "customer": "cus_privacy_unlinked", "currency": "usd", "amount_paid": 1000,
               "amount_due": 1000, "customer_email": email, "customer_name": "Bench Person", "status": "paid", "created": now}
    event = {"id": f"evt_privacy{k}", "object": "event", "type": "invoice.paid", "created": now, "data": {"object": invoice}}
    body = json.dumps(event, separators=(",", ":")).encode()
    call("POST", "/v1/webhooks/stripe", body, key="", headers={"Stripe-Signature": stripe_header(stripe_secret, now, body)})

writes = []  # (start, duration) of each write made meanwhile
stopping = threading.Event()


def writer():
    connection = http.client.HTTPConnection("127.0.0.1", port)
    k = 0
    while not stopping.is_set():
        begin = time.perf_counter()
        connection.request("POST", "/v1/accounts", body=json.dumps({"name": f"Meanwhile {k}"}),
                           headers={"Authorization": f"Bearer {admin}", "Content-Type": "application/json"})
        connection.getresponse().read()
        writes.append((begin, time.perf_counter() - begin))
        k += 1


thread = threading.Thread(target=writer)
thread.start()
time.sleep(1)
begin = time.perf_counter()
erased = call("POST", "/v1/privacy/erasures", {"email": email})
end = time.perf_counter()
time.sleep(0.5)
stopping.set()
thread.join()
assert erased["counts"]["activities"] == 1000 and erased["counts"]["webhook_events"] == 50, erased
during = [duration for start, duration in writes if start + duration >= begin and start <= end]
print(f"erasure {(end - begin) * 1000:.0f} {len(during)} {max(during, default=0) * 1000:.0f}")

# Contactability of a contact with 100 consent records.
person = call("POST", "/v1/contacts", {"account_id": account, "name": "Consenting", "email": "consenting@bench.example"})["id"]
channels, purposes = ["email", "sms", "phone", "in_app", "post"], ["marketing", "product_updates", "sales_outreach", "service"]
for k in range(100):
    call("POST", "/v1/consents", {"contact_id": person, "channel": channels[k % 5], "purpose": purposes[k % 4],
                                  "status": "withdrawn" if k % 7 == 0 else "granted", "source": {"kind": "form"},
                                  "occurred_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now - 86_400 * (100 - k)))})
print("contactability " + open_loop(admin, f"/v1/contacts/{person}/contactability?channel=sms&purpose=marketing", 200))

# GET /v1/accounts with the admin key and with a key kept to one owner's accounts.
restricted = call("POST", "/v1/keys", {"name": "privacy-bench-owner", "scope": "read", "owner": owner})["secret"]
print("accounts-admin " + open_loop(admin, "/v1/accounts", 50))
print("accounts-owner " + open_loop(restricted, "/v1/accounts", 50))
