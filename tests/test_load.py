"""The API under a concurrent load while an ingest writes to the same store: a short run of
benchmarks/load.py (a real `conflictwire serve` and `conflictwire ingest`, 8 clients on
127.0.0.1, bounded in requests and seconds) answers every request without a 5xx or a transport
error, and reports its p99. `python benchmarks/load.py` is the full-size run."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import ROOT, SAMPLES


def test_the_api_under_load_while_an_ingest_writes_answers_without_error():
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "load.py"), str(SAMPLES), "--events", "300",
         "--requests", "450", "--seconds", "60", "--concurrency", "8"],
        capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "5xx: 0; transport errors: 0" in out
    assert re.search(r"all +\d+ requests .* p99 +[\d.]+ ms", out)
    served = int(re.search(r"^(\d+) requests by 8 clients", out, re.M).group(1))
    assert served >= 100  # the load ran (450 at most, bounded by 60 s)
    assert re.search(r"ingest meanwhile \(exit 0[^)]*\): 6 articles read, 6 new", out)
