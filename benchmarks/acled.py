#!/usr/bin/env python3
"""The extractor on real ACLED records: each record's notes are the report, its own coding
the gold, scored by the shared scorer ../shared/eval/acled_notes.py.

    python benchmarks/acled.py [FILE] [--every 4] [--workers 2] [--tolls acled|conservative]

FILE is ../shared/data/acled/dev.jsonl (relative to the repository) unless given. Runs
`acled_notes.py --articles FILE --every K` (every K-th record's notes as articles), then
`conflictwire extract --workers N --tolls POLICY` over them into a temporary folder, then
`acled_notes.py --gold FILE --pred EVENTS --every K --confusion`, and prints the scorer's
table (detected, event type accuracy and macro-F1, sub-type, actors, place within 25 km,
country, date, fatalities, whole record; per type and per data set) and its gold -> predicted
type counts. The toll policy is ACLED's own by default (its records code a party's specific
count, EVENTS.md rule 4), as issue 13 measures. Nothing is copied into the repository;
exits with a one-line message when ../shared is absent.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from _shared import SHARED, extract, need, run  # benchmarks/_shared.py, beside this script


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", nargs="?", default=str(SHARED / "data" / "acled" / "dev.jsonl"),
                    help="ACLED records, JSON Lines (default ../shared/data/acled/dev.jsonl)")
    ap.add_argument("--every", type=int, default=4, help="only every K-th record (default 4)")
    ap.add_argument("--workers", type=int, default=2, help="extraction workers (default 2)")
    ap.add_argument("--tolls", choices=("acled", "conservative"), default="acled",
                    help="the extractor's toll policy (default acled, as ACLED codes its records)")
    args = ap.parse_args(argv)
    data = need(Path(args.file).resolve(), "the ACLED records")
    scorer = need(SHARED / "eval" / "acled_notes.py", "the ACLED-notes scorer")
    common = ["--every", str(args.every)]

    with tempfile.TemporaryDirectory(prefix="cw-acled-") as tmp:
        notes, events = Path(tmp) / "notes.jsonl", Path(tmp) / "events.jsonl"
        with notes.open("w", encoding="utf-8") as out:
            run([str(scorer), "--articles", str(data), *common], stdout=out, stderr=sys.stderr)
        start = time.perf_counter()
        summary = extract(notes, events, args.workers, "--tolls", args.tolls)
        took = time.perf_counter() - start
        table = run([str(scorer), "--gold", str(data), "--pred", str(events), *common, "--confusion"],
                    capture_output=True).stdout
    print(f"file {data} (every {args.every}th record)")
    print(f"extract {summary} ({took:.1f} s, --workers {args.workers})")
    print(table, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
