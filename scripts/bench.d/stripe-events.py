"""Writes COUNT signed Stripe deliveries for wrk (post-deliveries.lua), one per line: path, headers, body.

Usage: stripe-events.py SECRET CUSTOMERS COUNT [RUN] > events.tsv   (RUN, default "bench", makes the event ids new)
Objects take the shapes of ../shared/fixtures/stripe: for customer k (cus_bench{k}, already an account) the deliveries
run subscription.created, invoice.paid, then subscription.updated with a new seat count each time — every event id is
new and every one changes the account's revenue. Signed now: wrk must send them within Stripe's 300 s tolerance.
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from webhook_signing import stripe_header  # noqa: E402

secret, customers, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
run = sys.argv[4] if len(sys.argv) > 4 else "bench"
now = int(time.time())
start = now - 86_400
price = {"id": "price_seat", "object": "price", "active": True, "currency": "usd", "unit_amount": 5000, "unit_amount_decimal": "5000",
         "billing_scheme": "per_unit", "type": "recurring", "product": "prod_bench",
         "recurring": {"interval": "month", "interval_count": 1, "usage_type": "licensed"}}


def subscription(k, seats):
    item = {"id": f"si_bench{k}", "object": "subscription_item", "quantity": seats, "price": price, "subscription": f"sub_bench{k}",
            "current_period_start": start, "current_period_end": start + 30 * 86_400}
    return {"id": f"sub_bench{k}", "object": "subscription", "customer": f"cus_bench{k}", "status": "active", "currency": "usd",
            "collection_method": "charge_automatically", "cancel_at_period_end": False, "cancel_at": None, "canceled_at": None,
            "ended_at": None, "created": start, "start_date": start, "metadata": {}, "livemode": False,
            "items": {"object": "list", "data": [item], "has_more": False, "url": f"/v1/subscription_items?subscription=sub_bench{k}"}}


def invoice(k):
    return {"id": f"in_bench{k}", "object": "invoice", "customer": f"cus_bench{k}", "subscription": f"sub_bench{k}", "currency": "usd",
            "amount_due": 50_000, "amount_paid": 50_000, "amount_remaining": 0, "status": "paid", "paid": True,
            "billing_reason": "subscription_create", "created": start, "period_start": start, "period_end": start + 30 * 86_400,
            "status_transitions": {"paid_at": start + 60, "finalized_at": start}, "livemode": False}


out = sys.stdout
for i in range(count):
    k, step = i % customers, i // customers
    kind, obj = ("customer.subscription.created", subscription(k, 10)) if step == 0 else \
        ("invoice.paid", invoice(k)) if step == 1 else ("customer.subscription.updated", subscription(k, 10 + step))
    event = {"id": f"evt_{run}{i:08d}", "object": "event", "api_version": "2024-06-20", "type": kind, "created": start + 60 * step,
             "livemode": False, "pending_webhooks": 1, "request": {"id": None, "idempotency_key": None}, "data": {"object": obj}}
    body = json.dumps(event, separators=(",", ":")).encode()
    out.write(f"/v1/webhooks/stripe\tContent-Type: application/json|Stripe-Signature: {stripe_header(secret, now, body)}\t{body.decode()}\n")
