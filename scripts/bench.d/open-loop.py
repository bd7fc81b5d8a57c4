"""Open-loop load: GETs one path at a fixed rate, whatever the answers' speed, and prints "p50 p99 errors" in ms.

Usage: open-loop.py PORT[,PORT...] KEY PATH RATE SECONDS   (several ports: request i goes to port i mod their count)
Request i is due at start + i / RATE; its latency runs from that moment (not from when a connection was free), so
queueing behind slow answers counts, as it would for a user (no coordinated omission, as wrk2 or `oha -q`). A request
waits for an idle keep-alive connection or opens a new one.
"""
import asyncio
import sys
import time

ports, key, path, rate, seconds = sys.argv[1].split(","), sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5])
request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {key}\r\n\r\n".encode()
idle = {port: [] for port in ports}
latencies = []
errors = 0


async def fetch(due, port):
    global errors
    await asyncio.sleep(max(0.0, due - time.perf_counter()))
    reader, writer = idle[port].pop() if idle[port] else await asyncio.open_connection("127.0.0.1", int(port))
    writer.write(request)
    status = int((await reader.readline()).split()[1])
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode().partition(":")
        if name.lower() == "content-length":
            length = int(value)
    await reader.readexactly(length)
    latencies.append(time.perf_counter() - due)
    if status != 200:
        errors += 1
    idle[port].append((reader, writer))


async def main():
    start = time.perf_counter() + 0.1
    await asyncio.gather(*(fetch(start + i / rate, ports[i % len(ports)]) for i in range(max(1, int(rate * seconds)))))


asyncio.run(main())
latencies.sort()
percentile = lambda p: latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000  # noqa: E731
print(f"{percentile(0.5):.1f} {percentile(0.99):.1f} {errors}")
