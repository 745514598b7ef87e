"""A small HTTP/1.1 keep-alive load generator (asyncio, one process), for the benchmarks.

One URL:

    python -m tests.benchmarks.loadclient URL --header 'Authorization: Bearer …' \
        --concurrency 32 --duration 10

A weighted mix of kinds of request, each with its own URLs (one drawn at random a request) and
headers, described in a JSON file:

    python -m tests.benchmarks.loadclient --mix mix.json --concurrency 32 --duration 60

    {"kinds": [
      {"name": "search", "weight": 80, "urls": ["http://127.0.0.1:8000/api/v1/datasets?q=water"]},
      {"name": "status", "weight": 5, "urls": ["http://…/status"],
       "headers": ["Authorization: Bearer …"]}
    ]}

`--forwarded-for N` gives each request an `X-Forwarded-For` address drawn from N addresses: many
clients behind one proxy, as the server sees them with SUCHI_NUM_PROXIES=1.

Prints one JSON line: requests, errors, status counts, requests/s and p50/p95/p99 in ms, overall
and under `kinds` for each kind, and the client's own CPU seconds (it shares the cores with the
server). An error is an answer outside 2xx/3xx or a connection that
failed (refused, reset, closed mid-answer: counted under the status "connection error", and the
client reconnects); `requests` counts both answers and failures, latencies only answers. A
request that a kept-alive connection lost before any byte of the answer (the server's
keep-alive timeout firing as it was sent) is sent once more on a new connection, as browsers
and proxies do, and counted under `retried`; a second loss is an error.
"""

import argparse
import asyncio
import bisect
import itertools
import json
import random
import resource
import statistics
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

CONNECTION_ERROR = "connection error"


@dataclass
class Kind:
    """One kind of request: its share of the mix, the URLs it draws from, its extra headers."""

    name: str
    weight: float
    urls: list[str]
    headers: list[str] = field(default_factory=list)


@dataclass
class _Tally:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    retried: int = 0
    cache: dict[str, int] = field(default_factory=dict)  # X-Suchi-Cache: hit, miss, ...

    def count(self, status: str) -> None:
        self.statuses[status] = self.statuses.get(status, 0) + 1


class _ConnectionLost(Exception):
    pass


class _Unanswered(_ConnectionLost):
    """The connection closed before any byte of the answer came back."""


def is_error(status: str) -> bool:
    return not status.startswith(("2", "3"))


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> tuple[str, bool, str]:
    """Sends one request and reads its response; returns the status code, whether the
    server keeps the connection open, and its X-Suchi-Cache header ("" if none)."""
    try:
        writer.write(request)
        await writer.drain()
        status_line = await reader.readline()
    except (ConnectionResetError, BrokenPipeError) as exc:
        raise _Unanswered(str(exc)) from exc
    if not status_line:
        raise _Unanswered("closed")
    parts = status_line.split(b" ")
    if len(parts) < 2 or not status_line.endswith(b"\r\n"):
        raise _ConnectionLost(f"no status line: {status_line[:80]!r}")
    code = parts[1].decode("latin-1")
    length = 0
    chunked = False
    keep_alive = True
    cache = ""
    while True:
        line = await reader.readline()
        if line == b"\r\n":
            break
        if not line:
            raise _ConnectionLost("closed in the headers")
        name, _, value = line.decode("latin-1").partition(":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "transfer-encoding" and "chunked" in value:
            chunked = True
        elif name == "connection" and value == "close":
            keep_alive = False
        elif name == "x-suchi-cache":
            cache = value
    if chunked:
        while True:
            size = int((await reader.readline()).split(b";")[0], 16)
            await reader.readexactly(size + 2)  # the chunk and its CRLF (the last: trailers)
            if size == 0:
                break
    elif length:
        await reader.readexactly(length)
    return code, keep_alive, cache


async def _client(
    host: str,
    port: int,
    pick,
    until: float,
    tallies: dict[str, _Tally],
    interval: float = 0,
    offset: float = 0,
) -> None:
    """One keep-alive connection. With `interval`, requests are sent on a fixed schedule (an
    open-loop load: latency is measured from the scheduled time, so queueing counts); the
    connections' schedules are staggered by `offset` so the load is even, not in bursts.
    `pick()` returns the next request's kind and bytes."""
    reader = writer = None
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
            kind, request = pick()
            if writer is not None and reader.at_eof():
                # The server closed the idle keep-alive connection (gunicorn does after
                # --keep-alive seconds); like HTTP clients' pools, open a new one rather than
                # send into a closed one.
                writer.close()
                writer = None
            retried = False
            while True:
                reused = writer is not None
                try:
                    if writer is None:
                        reader, writer = await asyncio.open_connection(host, port)
                    code, keep_alive, cache = await _exchange(reader, writer, request)
                    break
                except (OSError, EOFError, ValueError, _ConnectionLost) as exc:
                    # asyncio.IncompleteReadError is an EOFError; a garbled length a ValueError.
                    if writer is not None:
                        writer.close()
                        writer = None
                    if reused and not retried and isinstance(exc, _Unanswered):
                        # A kept-alive connection the server closed as the request went out
                        # (its keep-alive timeout): the request was not answered, and a GET may
                        # be sent again on a new connection (RFC 9112, 9.3.1), as browsers and
                        # proxies do. Once; counted under "retried".
                        retried = True
                        tallies[kind].retried += 1
                        continue
                    code = None
                    break
            if code is None:
                tallies[kind].count(CONNECTION_ERROR)
                await asyncio.sleep(0.01)  # a refusing server is not hammered in a tight loop
                continue
            tallies[kind].latencies.append(time.perf_counter() - started)
            tallies[kind].count(code)
            if cache:
                tallies[kind].cache[cache] = tallies[kind].cache.get(cache, 0) + 1
            if not keep_alive:
                writer.close()
                writer = None
    finally:
        if writer is not None:
            writer.close()


def _summary(latencies: list[float], statuses: dict[str, int], wall: float) -> dict:
    ordered = sorted(latencies)
    requests = sum(statuses.values())

    def pct(p: float) -> float | None:
        if not ordered:
            return None
        return ordered[min(len(ordered) - 1, int(len(ordered) * p))] * 1000

    return {
        "requests": requests,
        "errors": sum(n for code, n in statuses.items() if is_error(code)),
        "statuses": dict(sorted(statuses.items())),
        "rps": requests / wall,
        "p50_ms": statistics.median(ordered) * 1000 if ordered else None,
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
    }


def _request_bytes(url: str, headers: list[str]) -> tuple[str, bytes]:
    """The request's `host:port` and its bytes up to the blank line (not included)."""
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    lines = [f"GET {path} HTTP/1.1", f"Host: {parts.netloc}", "Accept: application/json"]
    return parts.netloc, "".join(f"{line}\r\n" for line in [*lines, *headers]).encode()


async def run_mix(
    kinds: list[Kind],
    concurrency: int,
    duration: float,
    rate: float = 0,
    forwarded_for: int = 0,
    seed: int = 0,
) -> dict:
    """Sends the mix for `duration` seconds over `concurrency` connections (closed loop, or
    `rate` requests/s in all, open loop); returns the figures overall and by kind."""
    if not kinds or any(k.weight <= 0 or not k.urls for k in kinds):
        raise ValueError("every kind needs a positive weight and at least one URL")
    if len({k.name for k in kinds}) != len(kinds):
        raise ValueError("kinds need distinct names")
    prepared: dict[str, list[bytes]] = {}
    netlocs = set()
    for kind in kinds:
        prepared[kind.name] = []
        for url in kind.urls:
            netloc, head = _request_bytes(url, kind.headers)
            netlocs.add(netloc)
            prepared[kind.name].append(head)
    if len(netlocs) != 1:
        raise ValueError(f"all URLs must name one server, not {sorted(netlocs)}")
    target = urlsplit(f"http://{netlocs.pop()}")
    names = [k.name for k in kinds]
    cum_weights = list(itertools.accumulate(k.weight for k in kinds))
    addresses = [
        f"X-Forwarded-For: 10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}\r\n".encode()
        for n in range(1, forwarded_for + 1)
    ]

    def picker(rng: random.Random):
        def pick() -> tuple[str, bytes]:
            name = names[bisect.bisect(cum_weights, rng.random() * cum_weights[-1])]
            request = rng.choice(prepared[name])
            if addresses:
                request += rng.choice(addresses)
            return name, request + b"\r\n"

        return pick

    tallies = {name: _Tally() for name in names}
    started = time.perf_counter()
    until = started + duration
    interval = concurrency / rate if rate else 0
    await asyncio.gather(
        *(
            _client(
                target.hostname,
                target.port or 80,
                picker(random.Random(seed * 100_003 + i)),
                until,
                tallies,
                interval,
                offset=interval * i / concurrency,
            )
            for i in range(concurrency)
        )
    )
    wall = time.perf_counter() - started
    latencies = [x for t in tallies.values() for x in t.latencies]
    statuses: dict[str, int] = {}
    for tally in tallies.values():
        for code, n in tally.statuses.items():
            statuses[code] = statuses.get(code, 0) + n
    result = {
        **_summary(latencies, statuses, wall),
        "retried": sum(t.retried for t in tallies.values()),
        "seconds": wall,
        "concurrency": concurrency,
    }
    result["kinds"] = {
        name: {
            **_summary(t.latencies, t.statuses, wall),
            "retried": t.retried,
            **({"cache": dict(sorted(t.cache.items()))} if t.cache else {}),
        }
        for name, t in tallies.items()
    }
    return result


async def run(
    url: str, headers: list[str], concurrency: int, duration: float, rate: float = 0
) -> dict:
    """One URL: the mix of one kind."""
    return await run_mix([Kind("default", 1, [url], headers)], concurrency, duration, rate)


def load_mix(path: str) -> tuple[list[Kind], int]:
    """The kinds and the `forwarded_for` count of a mix file."""
    with open(path) as f:
        spec = json.load(f)
    kinds = [
        Kind(k["name"], float(k["weight"]), list(k["urls"]), list(k.get("headers", [])))
        for k in spec["kinds"]
    ]
    return kinds, int(spec.get("forwarded_for", 0))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url", nargs="?", help="one URL (or --mix)")
    parser.add_argument("--header", action="append", default=[], help="with URL")
    parser.add_argument("--mix", help="a JSON file of weighted kinds of request (see above)")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=0, help="requests/s in all (open loop)")
    parser.add_argument(
        "--forwarded-for",
        type=int,
        default=None,
        help="X-Forwarded-For from this many client addresses (overrides the mix file's)",
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if bool(args.url) == bool(args.mix):
        parser.error("give either URL or --mix")
    if args.mix:
        kinds, forwarded_for = load_mix(args.mix)
    else:
        kinds, forwarded_for = [Kind("default", 1, [args.url], args.header)], 0
    if args.forwarded_for is not None:
        forwarded_for = args.forwarded_for
    result = asyncio.run(
        run_mix(kinds, args.concurrency, args.duration, args.rate, forwarded_for, seed=args.seed)
    )
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result["client_cpu_s"] = round(usage.ru_utime + usage.ru_stime, 2)  # what the client took
    print(json.dumps(result))


if __name__ == "__main__":
    main()
