#!/usr/bin/env python3
"""Place figures on real ACLED records, per dataset, and the misses to read.

  places_acled.py --gold dev.jsonl --pred events.jsonl [--every 4] [--misses N [--cause known]]
                  [--set mli] [--causes]

For each note, the predicted event that `acled_notes.py` would score (the best match) gives
within-25-km, admin1 and country; printed per dataset (mli, bfa, ken, glb) and overall.
`--misses N` prints N notes whose place is wrong: the gold location and the predicted one.
`--causes` counts the misses per dataset by cause: no event found; the note does not name
the coded place; the gazetteer (this checkout's, with the store of $CONFLICTWIRE_CACHE_DIR)
has no place of that name within 25 km of the coded point; or it has, and another reading or
place was chosen (in the wrong country, or in the right one).
Reuses ../shared/eval/acled_notes.py (set CONFLICTWIRE_EVAL, default /work/shared/eval).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, os.environ.get("CONFLICTWIRE_EVAL", "/work/shared/eval"))
from acled_notes import judge, load


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", required=True)
    ap.add_argument("--pred", required=True)
    ap.add_argument("--every", type=int, default=1)
    ap.add_argument("--misses", type=int, default=0)
    ap.add_argument("--set", help="only this dataset's misses")
    ap.add_argument("--causes", action="store_true", help="count the misses by cause")
    ap.add_argument("--cause", help="with --misses: only the misses whose cause contains this ('known')")
    a = ap.parse_args()
    by_note = defaultdict(list)
    for line in Path(a.pred).read_text(encoding="utf-8").splitlines():
        if line.strip():
            ev = json.loads(line)
            for aid in ev.get("article_ids") or []:
                by_note[aid].append(ev)
    totals: dict[str, Counter] = defaultdict(Counter)
    misses = []
    for rec in load(a.gold, None, a.every):
        scored = [(judge(rec, ev), ev) for ev in by_note.get(rec["id"], [])]
        best, ev = max(scored, key=lambda x: x[0]["weight"], default=({}, {}))
        for key in (rec.get("dataset", "?"), "all"):
            t = totals[key]
            t["n"] += 1
            for f in ("near", "admin1", "country"):
                t[f] += bool(best.get(f))
        if not best.get("near") and (not a.set or rec.get("dataset") == a.set):
            misses.append((rec, (ev or {}).get("location") or {} if ev else None))
    for key, t in sorted(totals.items()):
        n = t["n"]
        print(f"{key:4} n={n:5d} near={t['near'] / n:.3f} admin1={t['admin1'] / n:.3f} "
              f"country={t['country'] / n:.3f}")
    if a.causes:
        print_causes(misses)
    if a.cause:  # only the misses of one cause ("known": another place of the name was chosen)
        from conflictwire.extract.places.gazetteer import Gazetteer

        gazetteer = Gazetteer.load()
        misses = [(rec, loc) for rec, loc in misses if a.cause in cause_of(rec, loc, gazetteer)]
    for rec, loc in misses[: a.misses]:
        loc = loc or {}
        print(f"\n{rec['id']}: {rec['notes'][:400]}\n  gold: {rec['location']} / {rec['admin2']} / "
              f"{rec['admin1']} / {rec['iso3']} p{rec['geo_precision']}\n  pred: {loc.get('name')} / "
              f"{loc.get('admin2')} / {loc.get('admin1')} / {loc.get('iso3')} p{loc.get('geo_precision')}")


def cause_of(rec: dict, loc: dict | None, gazetteer) -> str:
    """Why a note's place was missed (see the module's doc)."""
    from conflictwire.extract.folding import fold_name
    from conflictwire.extract.places.gazetteer import haversine_km

    if loc is None:
        return "no event found"
    if fold_name(rec["location"]) not in fold_name(rec["notes"]):
        return "the note does not name the coded place"
    if not any(p.iso3 == rec["iso3"] and haversine_km(p.latitude, p.longitude, rec["latitude"],
                                                       rec["longitude"]) <= 25
               for p, _ in gazetteer.match(rec["location"], fuzzy=False)):
        return "the gazetteer lacks it"
    if loc.get("iso3") != rec["iso3"]:
        return "known, another chosen, wrong country"
    return "known, another chosen, right country"


def print_causes(misses: list[tuple[dict, dict | None]]) -> None:
    """The misses per dataset by cause (see the module's doc)."""
    from conflictwire.extract.places.gazetteer import Gazetteer

    gazetteer = Gazetteer.load()
    causes: dict[str, Counter] = defaultdict(Counter)
    for rec, loc in misses:
        causes[rec.get("dataset", "?")][cause_of(rec, loc, gazetteer)] += 1
    for dataset, counts in sorted(causes.items()):
        print(f"{dataset:4} misses: " + "; ".join(f"{n} {c}" for c, n in counts.most_common()))

if __name__ == "__main__":
    main()
