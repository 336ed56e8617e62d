"""What benchmarks/acled.py and benchmarks/satp.py share: where ../shared is, and how to run
this checkout's `conflictwire` and the shared scorers as processes. Nothing is copied from
../shared into the repository: the data are read by path, the events go to a temporary folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
# this checkout's conflictwire, whatever the virtualenv has installed
CLI = "import sys\nfrom conflictwire.cli import main\nsys.exit(main(sys.argv[1:]))\n"


def need(path: Path, what: str) -> Path:
    """`path`, or exit with one line saying what is missing."""
    if not path.exists():
        sys.exit(f"{Path(sys.argv[0]).name}: {path} not found "
                 f"({what}; ../shared must be beside the repository)")
    return path


def env() -> dict[str, str]:
    paths = [str(ROOT), os.environ.get("PYTHONPATH")]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}


def run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Run a Python script or `-c` program with this interpreter; exit with its error when it fails."""
    done = subprocess.run([sys.executable, *args], env=env(), text=True, **kwargs)
    if done.returncode != 0:
        tail = (done.stderr or "").strip().splitlines()[-1:] if isinstance(done.stderr, str) else []
        sys.exit(f"{Path(sys.argv[0]).name}: {' '.join(args[:2])} failed (exit {done.returncode})"
                 + (f": {tail[0]}" if tail else ""))
    return done


def extract(articles: Path, events: Path, workers: int, *options: str) -> str:
    """`conflictwire extract ARTICLES --workers N [OPTIONS] -o EVENTS`; returns its summary line
    (stderr)."""
    done = run(["-c", CLI, "extract", str(articles), "--format", "jsonl", "--workers", str(workers),
                *options, "-o", str(events)], capture_output=True)
    return done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""
