"""After the crashes: waits until the endpoint has no pending delivery, then checks that every event committed since the
endpoint was made reached the receiver (at least once, the same bytes each time under one webhook-id).

Usage: deliveries.py BASE_URL ADMIN_KEY ENDPOINT_ID RECEIVER_LOG  → prints "EVENTS UNDELIVERED CHANGED" and exits 1 when
an event is missing or was sent with other bytes.
"""
import collections
import json
import sys
import time
import urllib.request

base, key, endpoint, log_path = sys.argv[1:5]


def get(path):
    request = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {key}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def every(path):
    items, cursor = [], None
    while True:
        page = get(path + ("&cursor=" + cursor if cursor else ""))
        items += page["data"]
        cursor = page.get("next_cursor")
        if not cursor:
            return items


deadline = time.time() + 120
while get(f"/v1/webhook-endpoints/{endpoint}/deliveries?status=pending&limit=1")["data"]:
    if time.time() > deadline:
        print("deliveries still pending after 120 s", file=sys.stderr)
        sys.exit(1)
    time.sleep(0.2)

deliveries = every(f"/v1/webhook-endpoints/{endpoint}/deliveries?limit=500")
events = {delivery["event_id"] for delivery in deliveries}
received = collections.defaultdict(set)
for line in open(log_path):
    request = json.loads(line)
    received[request["id"]].add(request["sha256"])
failed = [d for d in deliveries if d["status"] != "succeeded"]
undelivered = [event for event in events if event not in received]
changed = [event for event, hashes in received.items() if len(hashes) > 1]
for delivery in failed:
    print(f"  NOT SUCCEEDED {delivery['id']} {delivery['status']} {delivery['failure_reason']}", file=sys.stderr)
for event in undelivered:
    print(f"  UNDELIVERED {event}", file=sys.stderr)
for event in changed:
    print(f"  CHANGED BYTES {event}", file=sys.stderr)
print(len(events), len(undelivered) + len(failed), len(changed))
sys.exit(1 if undelivered or failed or changed else 0)
