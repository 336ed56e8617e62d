#!/usr/bin/env python3
"""The extractor on the SATP incident reports, scored by the shared SATP scorer.

    python benchmarks/satp.py [FILE] [--workers 2]

FILE is ../shared/data/satp.jsonl (relative to the repository) unless given. Runs
`conflictwire extract FILE --workers N` into a temporary folder, then
`../shared/eval/satp.py FILE EVENTS` (per-label F1 over SATP's four kinds of violence, their
mean, and the share of reports labelled with none that still get an event), and prints its
figures one a line, with the time the extraction took. Nothing is copied into the repository;
exits with a one-line message when ../shared is absent.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from _shared import SHARED, extract, need, run  # benchmarks/_shared.py, beside this script


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", nargs="?", default=str(SHARED / "data" / "satp.jsonl"),
                    help="SATP reports, JSON Lines (default ../shared/data/satp.jsonl)")
    ap.add_argument("--workers", type=int, default=2, help="extraction workers (default 2)")
    args = ap.parse_args(argv)
    data = need(Path(args.file).resolve(), "the SATP reports")
    scorer = need(SHARED / "eval" / "satp.py", "the SATP scorer")

    with tempfile.TemporaryDirectory(prefix="cw-satp-") as tmp:
        events = Path(tmp) / "events.jsonl"
        start = time.perf_counter()
        summary = extract(data, events, args.workers)
        took = time.perf_counter() - start
        scores = json.loads(run([str(scorer), str(data), str(events)], capture_output=True).stdout)
    print(f"file {data}")
    print(f"extract {summary} ({took:.1f} s, --workers {args.workers})")
    for key, value in scores.items():
        print(f"{key:28} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
