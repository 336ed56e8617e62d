"""Benchmark of the JSON API: 10,000 synthetic events in a temporary SQLite store, a real
uvicorn server on 127.0.0.1, and the median and p95 of ~50 requests for the events page
(limit 100), the weekly aggregates, filtered pages and the dashboard's map points. Goal: the
events page and the weekly aggregates under 200 ms each.

    .venv/bin/python benchmarks/api.py [--events 10000] [--requests 50]
"""

from __future__ import annotations

import argparse
import random
import socket
import statistics
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import httpx
import uvicorn

from conflictwire.models import Actor, Article, Event, Evidence, Location
from conflictwire.serve import create_app
from conflictwire.store import Store

PLACES = [("MLI", "Mali", "Gao", 16.27, -0.04), ("MLI", "Mali", "Bamako", 12.65, -8.0),
          ("BFA", "Burkina Faso", "Centre", 12.37, -1.52), ("NER", "Niger", "Tillaberi", 14.21, 1.45),
          ("NGA", "Nigeria", "Borno", 11.85, 13.16), ("SDN", "Sudan", "Khartoum", 15.5, 32.56),
          ("SOM", "Somalia", "Banaadir", 2.04, 45.34), ("COD", "Democratic Republic of Congo",
                                                       "North Kivu", -1.68, 29.22)]
TYPES = [("Battles", "Armed clash"), ("Violence against civilians", "Attack"),
         ("Explosions/Remote violence", "Air/drone strike"), ("Protests", "Peaceful protest"),
         ("Riots", "Violent demonstration"), ("Strategic developments", "Looting/property destruction")]
ACTORS = [Actor(name="Military Forces of Mali", type="State forces", country="MLI"),
          Actor(name="JNIM: Group for Support of Islam and Muslims", type="Rebel group"),
          Actor(name="Islamic State Sahel Province", type="Rebel group"),
          Actor(name="Civilians", type="Civilians")]


def fill(store: Store, n: int, seed: int = 7) -> None:
    """`n` stored events (reports that merge with an earlier one are topped up)."""
    rng = random.Random(seed)
    start = date(2022, 1, 1)
    done = 0
    while (missing := n - store.counts()["events"]) > 0:
        for i in range(done, done + missing):
            _add(store, rng, start, i)
        done += missing


def _add(store: Store, rng: random.Random, start: date, i: int) -> None:
    iso3, country, admin1, lat, lon = rng.choice(PLACES)
    event_type, sub = rng.choice(TYPES)
    day = start + timedelta(days=rng.randrange(3 * 365))
    aid = f"a{i:05d}"
    event = Event(
        event_id=f"e{i:05d}", article_ids=[aid], event_date=day, disorder_type="Political violence",
        event_type=event_type, sub_event_type=sub, actor1=rng.choice(ACTORS), actor2=rng.choice(ACTORS),
        location=Location(name=f"{admin1} {i % 50}", country=country, iso3=iso3, admin1=admin1,
                          latitude=lat + rng.uniform(-1, 1), longitude=lon + rng.uniform(-1, 1),
                          geo_precision=1),
        fatalities=rng.choice([0, 0, 1, 2, 5, 12]), confidence=0.7, published=day, source=["Bench"],
        evidence=[Evidence(article_id=aid, start=0, end=20, text=f"Synthetic report {i}.")],
        notes=f"On {day}, a synthetic {event_type.lower()} in {admin1}.",
    )
    store.add_article(Article(id=aid, text=f"Synthetic report {i}: {event_type} in {admin1}.",
                              published=day, source="Bench"), [event])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def timings(client: httpx.Client, path: str, params: dict, n: int) -> list[float]:
    client.get(path, params=params).raise_for_status()  # warm up
    out = []
    for _ in range(n):
        t = time.perf_counter()
        client.get(path, params=params).raise_for_status()
        out.append((time.perf_counter() - t) * 1000)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "bench.db") as store:
        t = time.perf_counter()
        fill(store, args.events)
        print(f"filled {store.counts()['events']} events in {time.perf_counter() - t:.1f} s")
        srv = uvicorn.Server(uvicorn.Config(create_app(store), host="127.0.0.1", port=free_port(),
                                            log_level="warning", lifespan="off"))
        thread = threading.Thread(target=srv.run, daemon=True)
        thread.start()
        try:
            deadline = time.monotonic() + 15
            while not srv.started:
                if time.monotonic() > deadline:
                    print("server did not start", file=sys.stderr)
                    return 1
                time.sleep(0.05)
            cases = [
                ("events page (limit 100)", "/api/events", {"limit": 100}),
                ("events page (limit 100, offset 5000)", "/api/events", {"limit": 100, "offset": 5000}),
                ("events filtered (MLI, Battles, 2023)", "/api/events",
                 {"country": "MLI", "type": "Battles", "since": "2023-01-01", "until": "2023-12-31"}),
                ("events near (Gao, 100 km)", "/api/events", {"near": "16.27,-0.04,100"}),
                ("events by text (\"gao\")", "/api/events", {"q": "gao", "limit": 100}),
                ("events in a map view (Sahel box)", "/api/events", {"bbox": "-5,10,5,20", "limit": 100}),
                ("map points (every event)", "/api/points", {}),
                ("weekly aggregates", "/api/aggregates/weekly", {}),
                ("admin1 aggregates", "/api/aggregates/admin1", {}),
            ]
            goal = {"events page (limit 100)", "weekly aggregates"}  # what issue 4 asks under 200 ms
            worst = 0.0
            with httpx.Client(base_url=f"http://127.0.0.1:{srv.config.port}", timeout=30) as client:
                for label, path, params in cases:
                    ms = sorted(timings(client, path, params, args.requests))
                    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
                    if label in goal:
                        worst = max(worst, p95)
                    print(f"{label:40} median {statistics.median(ms):7.1f} ms   p95 {p95:7.1f} ms")
            verdict = "met" if worst < 200 else "NOT met"
            print(f"goal: events page and weekly aggregates under 200 ms each -> {verdict} "
                  f"(worst p95 {worst:.1f} ms)")
        finally:
            srv.should_exit = True
            thread.join(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
