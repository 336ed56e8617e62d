#!/usr/bin/env python3
"""Load: the API under concurrent clients while an ingest writes to the same store.

    python benchmarks/load.py [ARTICLES] [--events 2000] [--requests 3000] [--seconds 60]
                              [--concurrency 16] [--ingest-limit 150]

A temporary SQLite store is filled with --events synthetic events; `conflictwire serve` runs
over it in its own process on 127.0.0.1, and `conflictwire ingest` writes ARTICLES (JSON Lines,
default ../shared/data/insightcrime.jsonl, its first --ingest-limit articles) into the same
store while --concurrency clients send requests round the dashboard's endpoints: at most
--requests of them, for at most --seconds. Prints each endpoint's count, median, p95 and p99,
the status codes, transport errors, and what the ingest wrote meanwhile. Exit 1 on any 5xx
answer, transport error or failed ingest. Every address is on this machine.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT.parent / "shared" / "data" / "insightcrime.jsonl"
sys.path.insert(0, str(Path(__file__).resolve().parent))

from api import fill, free_port  # noqa: E402  (the API benchmark's synthetic events)

from conflictwire.store import Store  # noqa: E402

ENDPOINTS = [
    ("events page", "/api/events", {"limit": 100}),
    ("events filtered", "/api/events", {"country": "MLI", "type": "Battles", "limit": 50}),
    ("events by text", "/api/events", {"q": "gao", "limit": 50}),
    ("map points", "/api/points", {}),
    ("weekly aggregates", "/api/aggregates/weekly", {}),
    ("admin1 aggregates", "/api/aggregates/admin1", {}),
    ("one event", "/api/events/{event_id}", {}),
    ("dashboard page", "/", {}),
    ("dashboard script", "/static/dashboard.js", {}),
]


def _cli(*args: str, **popen) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, "-m", "conflictwire.cli", *args], env=env, **popen)


def _wait_ready(base: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if httpx.get(base + "/openapi.json", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise SystemExit(f"load: the server at {base} did not start")


async def _client(base: str, jobs, stop_at: float, timings, statuses, errors) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        for label, path, params in jobs:
            if time.monotonic() > stop_at:
                return
            start = time.perf_counter()
            try:
                response = await client.get(path, params=params)
            except httpx.HTTPError as exc:
                errors[f"{label}: {type(exc).__name__}"] += 1
                continue
            timings[label].append((time.perf_counter() - start) * 1000)
            statuses[response.status_code] += 1


async def _load(base: str, requests: int, seconds: float, concurrency: int, event_id: str):
    timings: dict[str, list[float]] = defaultdict(list)
    statuses: Counter[int] = Counter()
    errors: Counter[str] = Counter()
    endpoints = [(label, path.format(event_id=event_id), params) for label, path, params in ENDPOINTS]
    jobs = iter(list(itertools.islice(itertools.cycle(endpoints), requests)))  # shared by the clients
    stop_at = time.monotonic() + seconds
    started = time.perf_counter()
    clients = [_client(base, jobs, stop_at, timings, statuses, errors) for _ in range(concurrency)]
    await asyncio.gather(*clients)
    return timings, statuses, errors, time.perf_counter() - started


def _percentile(sorted_ms: list[float], q: float) -> float:
    return sorted_ms[min(len(sorted_ms) - 1, round(q * (len(sorted_ms) - 1)))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("articles", nargs="?", default=str(DEFAULT),
                    help="articles the ingest writes, JSON Lines")
    ap.add_argument("--events", type=int, default=2000, help="synthetic events stored first (default 2000)")
    ap.add_argument("--requests", type=int, default=3000, help="requests at most (default 3000)")
    ap.add_argument("--seconds", type=float, default=60, help="seconds at most (default 60)")
    ap.add_argument("--concurrency", type=int, default=16, help="concurrent clients (default 16)")
    ap.add_argument("--ingest-limit", type=int, default=150, help="articles the ingest writes (default 150)")
    args = ap.parse_args(argv)
    source = Path(args.articles)
    if not source.is_file():
        print(f"load: {source} not found", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "load.db")
        with Store.open(db) as store:
            fill(store, args.events)
            event_id = store.events()[len(store.events()) // 2].event_id
        batch = Path(tmp) / "ingest.jsonl"
        with source.open(encoding="utf-8") as lines, batch.open("w", encoding="utf-8") as out:
            for line in itertools.islice(lines, args.ingest_limit):
                out.write(line)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        # the service's capacity, not its per-address limits: the clients all share 127.0.0.1
        server = _cli("serve", "--db", db, "--port", str(port), "--rate", "0", "--per-client", "0",
                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            _wait_ready(base, server)
            writer = _cli("ingest", str(batch), "--db", db, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True)
            timings, statuses, errors, elapsed = asyncio.run(
                _load(base, args.requests, args.seconds, args.concurrency, event_id))
            writer_running = writer.poll() is None
            _, ingest_err = writer.communicate(timeout=600)
        finally:
            server.terminate()
            server.wait(30)
        with Store.open(db) as store:
            counts = store.counts()
    every = sorted(ms for values in timings.values() for ms in values)
    print(f"{len(every)} requests by {args.concurrency} clients in {elapsed:.1f} s "
          f"({len(every) / elapsed:.0f} requests/s), load average {os.getloadavg()[0]:.2f}")
    for label, _, _ in ENDPOINTS:
        ms = sorted(timings.get(label, []))
        if ms:
            print(f"  {label:20} {len(ms):5} requests  median {statistics.median(ms):7.1f} ms  "
                  f"p95 {_percentile(ms, 0.95):7.1f} ms  p99 {_percentile(ms, 0.99):7.1f} ms")
    if every:
        print(f"  {'all':20} {len(every):5} requests  median {statistics.median(every):7.1f} ms  "
              f"p95 {_percentile(every, 0.95):7.1f} ms  p99 {_percentile(every, 0.99):7.1f} ms")
    server_errors = sum(n for code, n in statuses.items() if code >= 500)
    print(f"status codes: {json.dumps(dict(sorted(statuses.items())))}; 5xx: {server_errors}; "
          f"transport errors: {sum(errors.values())} {dict(errors) if errors else ''}")
    summary = next((line for line in ingest_err.splitlines() if " read, " in line), ingest_err.strip()[-300:])
    overlap = ", still running when the load ended" if writer_running else ""
    print(f"ingest meanwhile (exit {writer.returncode}{overlap}): {summary}; "
          f"store now {counts['articles']} articles, {counts['events']} events")
    failed = server_errors or errors or writer.returncode != 0 or not every
    print("verdict: " + ("FAILED" if failed else "no error responses"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
