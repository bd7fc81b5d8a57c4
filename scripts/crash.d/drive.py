"""Drives writes at a running Tenure until it stops answering, logging every acknowledged (2xx) one.

Usage: drive.py PORTS ADMIN_KEY STRIPE_SECRET CRM_SECRET ROUND LOG [SECONDS]
PORTS: comma-separated, the clients spread over them. SECONDS: stop after so long (default: when the server is gone).
Four clients each repeat: create an account (with a Stripe customer), post an activity, a signed CRM Closed Won for
it, signed Stripe subscription.created and invoice.paid events, and a payment. Each 2xx is appended to LOG as a JSON
line (kind and the identifier to look for) before the next request is sent.
"""
import http.client
import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from webhook_signing import crm_headers, stripe_header  # noqa: E402

ports, key, stripe_secret, crm_secret, round_number, log_path = sys.argv[1:7]
ports = [int(port) for port in ports.split(",")]
# Workers stop on their own after this many seconds (when the server they write to is not killed first).
deadline = time.time() + float(sys.argv[7]) if len(sys.argv) > 7 else float("inf")
log = open(log_path, "a", buffering=1)
lock = threading.Lock()
unexpected = []


def acknowledge(kind, **ids):
    with lock:
        log.write(json.dumps({"kind": kind, **ids}) + "\n")


class Client:
    def __init__(self, port):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)

    def post(self, path, body, headers):
        data = json.dumps(body).encode()
        self.connection.request("POST", path, body=data, headers={"Content-Type": "application/json", **headers})
        response = self.connection.getresponse()
        return response.status, json.loads(response.read() or b"{}")

    def api(self, path, body):
        return self.post(path, body, {"Authorization": f"Bearer {key}"})

    def stripe(self, event):
        body = json.dumps(event).encode()
        headers = {"Content-Type": "application/json", "Stripe-Signature": stripe_header(stripe_secret, int(time.time()), body)}
        self.connection.request("POST", "/v1/webhooks/stripe", body=body, headers=headers)
        response = self.connection.getresponse()
        return response.status, json.loads(response.read() or b"{}")

    def crm(self, message_id, event):
        body = json.dumps(event).encode()
        headers = {"Content-Type": "application/json", **crm_headers(crm_secret, message_id, int(time.time()), body)}
        self.connection.request("POST", "/v1/webhooks/crm", body=body, headers=headers)
        response = self.connection.getresponse()
        return response.status, json.loads(response.read() or b"{}")


def subscription(sub_id, customer, quantity, now):
    price = {"id": "price_seat", "object": "price", "currency": "usd", "unit_amount": 5000, "unit_amount_decimal": "5000",
             "billing_scheme": "per_unit", "type": "recurring", "recurring": {"interval": "month", "interval_count": 1, "usage_type": "licensed"}}
    item = {"id": "si_" + sub_id, "object": "subscription_item", "quantity": quantity, "price": price,
            "current_period_start": now, "current_period_end": now + 30 * 86400}
    return {"id": sub_id, "object": "subscription", "customer": customer, "status": "active", "currency": "usd",
            "cancel_at_period_end": False, "cancel_at": None, "created": now, "start_date": now, "metadata": {},
            "items": {"object": "list", "data": [item], "has_more": False}}


def event(event_id, kind, obj, now):
    return {"id": event_id, "object": "event", "type": kind, "created": now, "livemode": False, "data": {"object": obj}}


def expect(status, wanted, body):
    if status != wanted:
        raise RuntimeError(f"HTTP {status} where {wanted} was expected: {body}")


def run(worker):
    client = Client(ports[worker % len(ports)])
    n = 0
    try:
        while time.time() < deadline:
            n += 1
            name = f"r{round_number}-w{worker}-{n}"
            now = int(time.time())
            status, account = client.api("/v1/accounts", {"name": name, "external_id": name, "stripe_customer_id": f"cus_{name}"})
            expect(status, 201, account)
            acknowledge("account", external_id=name)
            status, activity = client.api("/v1/activities", {"account_id": account["id"], "type": "call", "subject": "Kickoff"})
            expect(status, 201, activity)
            acknowledge("activity", id=activity["id"])
            message = f"msg_{name}"
            status, reply = client.crm(message, {"type": "opportunity.closed_won", "occurred_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now)),
                                             "account": {"external_id": name, "name": name},
                                             "opportunity": {"external_id": f"opp-{name}", "name": "Deal", "amount": 600000, "currency": "usd"}})
            expect(status, 200, reply)
            acknowledge("crm", event_id=message)
            for kind, obj in [("customer.subscription.created", subscription(f"sub_{name}", f"cus_{name}", 2 + n % 5, now)),
                              ("invoice.paid", {"id": f"in_{name}", "object": "invoice", "customer": f"cus_{name}", "currency": "usd",
                                                "amount_paid": 10000, "amount_due": 10000, "status": "paid"})]:
                event_id = f"evt_{kind.split('.')[-1]}_{name}"
                status, reply = client.stripe(event(event_id, kind, obj, now))
                expect(status, 200, reply)
                acknowledge("stripe", event_id=event_id)
            status, payment = client.api("/v1/payments", {"account_id": account["id"], "amount": 2500, "currency": "usd", "reference": name,
                                                     "paid_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))})
            expect(status, 201, payment)
            acknowledge("payment", id=payment["id"])
    except (OSError, http.client.HTTPException):
        return  # the server is gone
    except RuntimeError as error:
        unexpected.append(str(error))


threads = [threading.Thread(target=run, args=(worker,)) for worker in range(4)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
for problem in unexpected:
    print("  UNEXPECTED", problem, file=sys.stderr)
sys.exit(1 if unexpected else 0)
