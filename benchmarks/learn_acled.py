#!/usr/bin/env python3
"""Issue 15's measure of `conflictwire learn`, in one command: learn from the ACLED records
up to a day, then code the later ones with and without the model.

    python benchmarks/learn_acled.py [FILE] [--until 2018-12-31] [--workers 2] [--keep DIR]
                                     [--geonames ../shared/data/geonames] [--no-rules]
                                     [--reuse] [--only mlbf|glb]

FILE is ../shared/data/acled/dev.jsonl (relative to the repository) unless given. Runs
`conflictwire learn FILE --until DAY --model TMP/model`, splits the records after DAY into
two sets, the Mali and Burkina Faso events of the year after DAY (`mlbf`) and the global
month (`glb`, the data set of that name: countries the model learned little or nothing
of), makes each set's notes articles (`acled_notes.py --articles`), extracts them with
`conflictwire extract --tolls acled` with the model and with `--no-model`, scores both with
`acled_notes.py --gold --json`, and prints the issue's figures side by side (type, sub-type,
actor recall, place within 25 km, whole record; detection too), with the issue's targets,
and the classifier alone on each note's whole text (type and sub-type accuracy over all
notes). `--geonames DIR` first imports DIR's GeoNames country files and admin code tables
into a gazetteer store of the temporary folder (`conflictwire gazetteer import`, as a user
following their countries would), which every step then uses. Everything goes to a
temporary folder (or --keep DIR, for a closer look): nothing from the data enters the
repository. `--reuse` (with --keep DIR) codes again with the model and gazetteer store a
former run kept in DIR, without learning or importing again: a change to how a model codes
is measured in a minute. `--only SET` measures one of the two sets. Exits with a one-line
message when ../shared is absent.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from _shared import CLI, SHARED, extract, need, run  # benchmarks/_shared.py, beside this script

FIGURES = ("detected", "event_type_acc", "sub_event_type_acc", "actor_recall", "location_acc_25km",
           "full_record_acc")
# Issue 15's targets: on the Mali and Burkina Faso events of 2019, and on the global month.
TARGETS = {"mlbf": {"event_type_acc": 0.92, "sub_event_type_acc": 0.88, "actor_recall": 0.85,
                    "location_acc_25km": 0.85, "full_record_acc": 0.60},
           "glb": {"event_type_acc": 0.80}}
# The classifier alone: the model's classifier over each note's whole text.
ALONE = ("import json, sys\n"
         "from pathlib import Path\n"
         "from conflictwire.extract.learned.classifier import TypeClassifier\n"
         "c = TypeClassifier.load(Path(sys.argv[1]))\n"
         "n = t = s = 0\n"
         "for line in open(sys.argv[2], encoding='utf-8'):\n"
         "    r = json.loads(line)\n"
         "    ty, _, sub, _ = c.predict(r['notes'])\n"
         "    n += 1; t += ty == r['event_type']; s += sub == r['sub_event_type']\n"
         "print(json.dumps({'event_type_acc': round(t / n, 3), 'sub_event_type_acc': round(s / n, 3)}))\n")


def split(data: Path, until: date, folder: Path) -> dict[str, Path]:
    """The records after `until`: Mali and Burkina Faso in the next year, and the global month."""
    year = str(until.year + 1)
    sets = {"mlbf": folder / "mlbf.jsonl", "glb": folder / "glb.jsonl"}
    with data.open(encoding="utf-8") as f, sets["mlbf"].open("w", encoding="utf-8") as mlbf, \
            sets["glb"].open("w", encoding="utf-8") as glb:
        for line in f:
            if not line.strip():
                continue
            rec = json.loads(line)
            day = str(rec.get("event_date", ""))[:10]
            if day <= until.isoformat():
                continue
            if rec.get("dataset") == "glb":
                glb.write(line)
            elif rec.get("iso3") in ("MLI", "BFA") and day.startswith(year):
                mlbf.write(line)
    return sets


def measure(gold: Path, model: Path, workers: int, scorer: Path, rules: bool) -> dict[str, dict]:
    """acled_notes.py's figures for the set's notes, with the model and (when asked) without."""
    notes = gold.with_suffix(".notes.jsonl")
    with notes.open("w", encoding="utf-8") as out:
        run([str(scorer), "--articles", str(gold)], stdout=out, stderr=sys.stderr)
    found: dict[str, dict] = {}
    runs = {"model": ["--model", str(model)]}
    if rules:
        runs["rules"] = ["--no-model"]
    for name, options in runs.items():
        events = gold.with_suffix(f".{name}.events.jsonl")
        start = time.perf_counter()
        extract(notes, events, workers, "--tolls", "acled", *options)
        took = time.perf_counter() - start
        out = run([str(scorer), "--gold", str(gold), "--pred", str(events), "--json"], capture_output=True)
        found[name] = json.loads(out.stdout) | {"seconds": round(took, 1)}
    found["classifier"] = json.loads(run(["-c", ALONE, str(model), str(gold)], capture_output=True).stdout)
    return found


def table(name: str, found: dict[str, dict]) -> str:
    n = found["model"]["notes"]
    columns = [c for c in ("rules", "model", "classifier") if c in found]
    lines = [f"{name} ({n} notes)", f"  {'':22}" + "".join(f"{c:>12}" for c in columns) + f"{'target':>10}"]
    for figure in FIGURES:
        cells = [found[c].get(figure) for c in columns]
        target = TARGETS.get(name, {}).get(figure)
        lines.append(f"  {figure:22}" + "".join(f"{'' if v is None else v:>12}" for v in cells)
                     + (f"{'>= ' + str(target):>10}" if target else ""))
    lines.append("  seconds to extract    " + "".join(f"{found[c].get('seconds', ''):>12}" for c in columns))
    return "\n".join(lines)


def import_geonames(folder: Path, cache: Path) -> str:
    """`conflictwire gazetteer import` of the folder's country files and admin code tables into
    a store under `cache`, which every later step uses (CONFLICTWIRE_CACHE_DIR)."""
    files = sorted(str(p) for p in folder.glob("*.txt") if len(p.stem) == 2 or p.stem.startswith("admin"))
    cache.mkdir(parents=True, exist_ok=True)
    user_cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "conflictwire"
    for index in user_cache.glob("gazetteer-*.pickle"):  # the packaged index, not built again
        shutil.copy(index, cache / index.name)
    os.environ["CONFLICTWIRE_CACHE_DIR"] = str(cache)
    done = run(["-c", CLI, "gazetteer", "import", *files], capture_output=True)
    names = ", ".join(Path(f).name for f in files)
    return f"gazetteer import {names}: {done.stdout.strip().splitlines()[-1]}"


def learn(data: Path, until: date, model: Path) -> None:
    start = time.perf_counter()
    learned = run(["-c", CLI, "learn", str(data), "--until", until.isoformat(), "--model", str(model)],
                  capture_output=True).stdout
    took = time.perf_counter() - start
    print(f"learn {data.name} --until {until} ({took:.1f} s):")
    print("  " + learned.strip().replace("\n", "\n  "))


def reuse(folder: Path, model: Path) -> None:
    """The model and the gazetteer store (when there is one) a former run kept in `folder`."""
    need(model / "model.json", "a model a former run kept (--keep DIR without --reuse first)")
    if (folder / "cache").is_dir():
        os.environ["CONFLICTWIRE_CACHE_DIR"] = str(folder / "cache")
    print(f"reusing {model} (learned {json.loads((model / 'model.json').read_text())['created']})")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", nargs="?", default=str(SHARED / "data" / "acled" / "dev.jsonl"),
                    help="ACLED records, JSON Lines (default ../shared/data/acled/dev.jsonl)")
    ap.add_argument("--until", type=date.fromisoformat, default=date(2018, 12, 31),
                    help="learn from the events up to this day (default 2018-12-31)")
    ap.add_argument("--workers", type=int, default=2, help="extraction workers (default 2)")
    ap.add_argument("--no-rules", action="store_true", help="skip the extraction without the model")
    ap.add_argument("--keep", type=Path, help="write into DIR (model, sets, events) and keep it")
    ap.add_argument("--geonames", type=Path,
                    help="import DIR's GeoNames files (ML.txt, ..., admin codes) first")
    ap.add_argument("--reuse", action="store_true",
                    help="with --keep DIR: code with DIR's model and gazetteer store, learn nothing")
    ap.add_argument("--only", choices=("mlbf", "glb"), help="measure only this set")
    args = ap.parse_args(argv)
    if args.reuse and not args.keep:
        ap.error("--reuse needs --keep DIR")
    data = need(Path(args.file).resolve(), "the ACLED records")
    scorer = need(SHARED / "eval" / "acled_notes.py", "the ACLED-notes scorer")
    with tempfile.TemporaryDirectory(prefix="cw-learn-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        model = folder / "model"
        if args.reuse:
            reuse(folder, model)
        else:
            if args.geonames:
                print(import_geonames(need(args.geonames, "the GeoNames files"), folder / "cache"))
            learn(data, args.until, model)
        for name, gold in split(data, args.until, folder).items():
            if args.only in (None, name):
                print(table(name, measure(gold, model, args.workers, scorer, not args.no_rules)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
