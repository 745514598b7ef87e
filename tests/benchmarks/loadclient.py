"""A small HTTP/1.1 keep-alive load generator (asyncio, one process), for the benchmarks.

    python -m tests.benchmarks.loadclient URL --header 'Authorization: Bearer …' \
        --concurrency 32 --duration 10

Prints one JSON line: requests, errors, status counts, requests/s, p50/p95/p99 in ms.
"""

import argparse
import asyncio
import json
import statistics
import time
from urllib.parse import urlsplit


async def client(
    host,
    port,
    request: bytes,
    until: float,
    latencies: list,
    statuses: dict,
    interval: float = 0,
    offset: float = 0,
):
    """One keep-alive connection. With `interval`, requests are sent on a fixed schedule (an
    open-loop load: latency is measured from the scheduled time, so queueing counts); the
    connections' schedules are staggered by `offset` so the load is even, not in bursts."""
    reader, writer = await asyncio.open_connection(host, port)
    next_at = time.perf_counter() + offset
    try:
        while time.perf_counter() < until:
            if interval:
                delay = next_at - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                started = next_at
                next_at += interval
            else:
                started = time.perf_counter()
            writer.write(request)
            await writer.drain()
            status_line = await reader.readline()
            length = 0
            keep_alive = True
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                name, _, value = line.decode("latin-1").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
                elif name.lower() == "connection" and value.strip().lower() == "close":
                    keep_alive = False
            if length:
                await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            code = status_line.split(b" ")[1].decode() if status_line else "closed"
            statuses[code] = statuses.get(code, 0) + 1
            if not keep_alive:
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
    finally:
        writer.close()


async def run(
    url: str, headers: list[str], concurrency: int, duration: float, rate: float = 0
) -> dict:
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    lines = [f"GET {path} HTTP/1.1", f"Host: {parts.netloc}", "Accept: application/json"]
    request = ("\r\n".join([*lines, *headers]) + "\r\n\r\n").encode()
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    started = time.perf_counter()
    until = started + duration
    interval = concurrency / rate if rate else 0
    await asyncio.gather(
        *(
            client(
                parts.hostname,
                parts.port or 80,
                request,
                until,
                latencies,
                statuses,
                interval,
                offset=interval * i / concurrency,
            )
            for i in range(concurrency)
        )
    )
    wall = time.perf_counter() - started
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(len(ordered) * p))] * 1000

    return {
        "requests": len(latencies),
        "errors": sum(n for code, n in statuses.items() if not code.startswith("2")),
        "statuses": statuses,
        "rps": len(latencies) / wall,
        "p50_ms": statistics.median(ordered) * 1000,
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--header", action="append", default=[])
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=0, help="requests/s in all (open loop)")
    args = parser.parse_args()
    result = asyncio.run(run(args.url, args.header, args.concurrency, args.duration, args.rate))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
