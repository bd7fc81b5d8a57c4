"""A loopback webhook receiver for the benchmarks (asyncio, keep-alive).

Usage: webhook-receiver.py PORT MODE   MODE: ok (200), fail (500) or hang (reads the request and never answers).
On SIGTERM prints "COUNT SECONDS P50_MS P99_MS": the requests received, the seconds from the first to the last, and the
latency from each event's created_at (its commit) to its first arrival here.
"""
import asyncio
import json
import signal
import sys
import time
from datetime import datetime

port, mode = int(sys.argv[1]), sys.argv[2]
arrivals = []
first_seen = {}


def created_at(body):
    try:
        return datetime.fromisoformat(json.loads(body)["created_at"].replace("Z", "+00:00")).timestamp()
    except Exception:
        return None


async def handle(reader, writer):
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            event_id = None
            for line in head.split(b"\r\n"):
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
                elif name.lower() == b"webhook-id":
                    event_id = value.strip()
            body = await reader.readexactly(length) if length else b""
            now = time.time()
            arrivals.append(now)
            if event_id and event_id not in first_seen:
                committed = created_at(body)
                if committed is not None:
                    first_seen[event_id] = now - committed
            if mode == "hang":
                await asyncio.sleep(3600)
            status = b"200 OK" if mode == "ok" else b"500 Internal Server Error"
            writer.write(b"HTTP/1.1 " + status + b"\r\nContent-Length: 0\r\n\r\n")
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionResetError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=1024)
    loop = asyncio.get_running_loop()
    stop = loop.create_future()
    loop.add_signal_handler(signal.SIGTERM, stop.set_result, None)
    async with server:
        await stop
    latencies = sorted(first_seen.values())
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000 if latencies else 0
    span = arrivals[-1] - arrivals[0] if len(arrivals) > 1 else 0
    print(len(arrivals), f"{span:.3f}", f"{pick(0.5):.0f}", f"{pick(0.99):.0f}", flush=True)


asyncio.run(main())
