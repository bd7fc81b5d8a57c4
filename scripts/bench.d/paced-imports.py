"""Makes accounts at a steady rate through CSV imports (one import of RATE/10 rows every 100 ms) for SECONDS seconds:
a steady stream of account.created events for the delivery benchmark.

Usage: paced-imports.py PORT KEY RATE SECONDS PREFIX  → prints the accounts made.
"""
import http.client
import sys
import time

port, key, rate, seconds, prefix = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
connection = http.client.HTTPConnection("127.0.0.1", port)
per_tick = max(1, rate // 10)
made = 0
start = time.time()
tick = 0
while time.time() - start < seconds:
    rows = "\n".join(f"{prefix} {made + i},{prefix.lower()}{made + i}.example" for i in range(per_tick))
    connection.request("POST", "/v1/imports?object=accounts", body=f"name,domain\n{rows}\n",
                       headers={"Authorization": f"Bearer {key}", "Content-Type": "text/csv"})
    response = connection.getresponse()
    response.read()
    if response.status != 200:
        sys.exit(f"import answered {response.status}")
    made += per_tick
    tick += 1
    time.sleep(max(0, start + tick * 0.1 - time.time()))
print(made)
