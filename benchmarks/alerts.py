"""Benchmark of alert latency: from a new item in a feed to the webhook that reports it,
after a poll. A local feed server and webhook receiver on 127.0.0.1 (the tests' own, from
tests/alert_servers.py), a temporary SQLite store with one zone around Mopti, the real
extractor (warmed first), and `rounds` polls each finding one new report of an attack in
Mopti. Prints the median, p95 and max of poll start → webhook received, and of the part
after the article's commit (delivery). Goal (issue 5): under 5 s.

    .venv/bin/python benchmarks/alerts.py [--rounds 20]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from alert_servers import feed_server, receiver, rss  # noqa: E402

from conflictwire.alerts.deliver import Notifier  # noqa: E402
from conflictwire.alerts.models import ZoneSpec  # noqa: E402
from conflictwire.alerts.records import add_zone  # noqa: E402
from conflictwire.alerts.watch import Watcher  # noqa: E402
from conflictwire.store import Store  # noqa: E402
from conflictwire.store.ingestion import get_extractor  # noqa: E402

SECRET = "benchmark-secret"
MOPTI = (14.4843, -4.18296)


def report(n: int) -> dict:
    """A new attack in Mopti, three days after the previous one (so never merged with it)."""
    day = date(2024, 1, 1) + timedelta(days=3 * n)
    published = day + timedelta(days=1)
    text = (f"MOPTI, {published:%B %-d} — Gunmen killed {4 + n % 5} civilians in an attack on a market in "
            f"Mopti, Mali, on {day:%A}, local officials said. The assailants arrived on motorbikes and "
            f"opened fire on traders, a resident said. Bulletin {n}.")
    stamp = format_datetime(datetime.combine(published, datetime.min.time(), UTC))
    return {"id": f"bench-{n}", "title": f"Attack in Mopti ({n})", "text": text, "published": stamp}


def quantiles(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    median = statistics.median(ordered)
    return f"median {median * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()

    started = time.perf_counter()
    get_extractor().extract_article  # noqa: B018 (load the models before timing)
    print(f"extractor loaded in {time.perf_counter() - started:.1f} s")
    items: list[dict] = []
    total, delivery = [], []
    with tempfile.TemporaryDirectory() as tmp, receiver(SECRET) as hook, \
            feed_server([("feed", b"")]) as feed, Store.open(Path(tmp) / "bench.db") as store:
        add_zone(store, ZoneSpec(name="Mopti", latitude=MOPTI[0], longitude=MOPTI[1], radius_km=25,
                                 webhook_url=hook.url, webhook_secret=SECRET), allow_private=True)
        feeds = Path(tmp) / "feeds.txt"
        feeds.write_text(feed.url + "\n")
        committed: list[float] = []
        store.after_commit.insert(0, lambda _result: committed.append(time.monotonic()))
        watcher = Watcher(store, feeds, follow=False, allow_private=True, notifier=Notifier(store))
        for n in range(args.rounds + 1):  # round 0 warms the store and the extractor's caches
            items.append(report(n))
            feed.script[:] = [("feed", rss(items[-10:]))]  # a feed shows its latest items
            seen = len(hook.requests)
            start = time.monotonic()
            watcher.poll_once()
            if len(hook.requests) != seen + 1:
                raise SystemExit(f"round {n}: {len(hook.requests) - seen} webhook requests, expected 1")
            arrived = hook.requests[-1]["at"]
            if n:
                total.append(arrived - start)
                delivery.append(arrived - committed[-1])
    print(f"{args.rounds} polls, each with one new report in the zone:")
    print(f"  feed item to webhook, from the poll's start: {quantiles(total)}")
    print(f"  of which the article's commit to the webhook: {quantiles(delivery)}")


if __name__ == "__main__":
    main()
