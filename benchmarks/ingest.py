#!/usr/bin/env python3
"""Ingest speed against extract speed on the same articles.

    python benchmarks/ingest.py [FILE] [--limit N] [--db URL] [--min-ratio R]

FILE is JSON Lines of articles (default ../shared/data/insightcrime.jsonl relative to the
repository root). Extracts the articles as one batch, then ingests them into an empty store
(a temporary SQLite file, or --db, which must be empty), with the extractor already loaded
for both. Prints articles, both speeds in articles/s and their ratio (ingest speed / extract
speed; the goal is at least 0.8) and what storing adds per article. Exit 1 when the ratio
is below --min-ratio (default 0).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "data" / "insightcrime.jsonl"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", nargs="?", default=str(DEFAULT), help="articles, JSON Lines")
    ap.add_argument("--limit", type=int, default=200, help="read at most N articles (default 200)")
    ap.add_argument("--db", help="store URL or path (default: a temporary SQLite file)")
    ap.add_argument("--min-ratio", type=float, default=0.0, help="fail below this ingest/extract ratio")
    args = ap.parse_args(argv)
    path = Path(args.file)
    if not path.is_file():
        print(f"ingest benchmark: {path} not found", file=sys.stderr)
        return 2

    sys.path.insert(0, str(ROOT))
    from conflictwire.extract.read import read_sources
    from conflictwire.models import Article
    from conflictwire.store import Store, ingest
    from conflictwire.store.ingestion import get_extractor

    articles = [a for a in read_sources([str(path)]) if isinstance(a, Article)][: args.limit]
    if not articles:
        print(f"ingest benchmark: no readable articles in {path}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        subset = Path(tmp) / "articles.jsonl"
        subset.write_text("".join(a.model_dump_json(exclude_none=True) + "\n" for a in articles), "utf-8")
        extractor = get_extractor()
        # One untimed pass first: models loaded and the lookup caches warm for both runs, so
        # neither run pays for what the other already paid.
        extractor.extract_batch(articles)

        with Store.open(args.db or Path(tmp) / "bench.db") as store:
            if store.counts()["articles"]:
                print("ingest benchmark: --db must be an empty store", file=sys.stderr)
                return 2
            start = time.perf_counter()
            summary = ingest([str(subset)], store, progress=False)
            ingest_s = time.perf_counter() - start
            stored = store.counts()["events"]

        start = time.perf_counter()
        events = extractor.extract_batch(articles)
        extract_s = time.perf_counter() - start

    n = len(articles)
    ratio = (n / ingest_s) / (n / extract_s)
    print(f"file {path}")
    print(f"articles {n}")
    print(f"extract_events {len(events)}")
    print(f"store_events {stored} (created {summary.created}, merged {summary.updated})")
    print(f"extract_seconds {extract_s:.2f}")
    print(f"extract_articles_per_s {n / extract_s:.1f}")
    print(f"ingest_seconds {ingest_s:.2f}")
    print(f"ingest_articles_per_s {n / ingest_s:.1f}")
    print(f"ratio {ratio:.2f} (ingest speed / extract speed; goal >= 0.80)")
    # What storing adds per article (reading, dedupe, one transaction, merge against the store):
    # the client's share of the work when the extraction runs on workers.
    print(f"store_ms_per_article {1000 * (ingest_s - extract_s) / n:.1f}")
    return 1 if ratio < args.min_ratio else 0


if __name__ == "__main__":
    sys.exit(main())
