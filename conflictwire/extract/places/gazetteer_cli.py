"""`conflictwire gazetteer import | list | find`: what a user runs to add GeoNames files to
the gazetteer, see what is there, and check why a name resolves where it does."""

from __future__ import annotations

import sys
from pathlib import Path

from conflictwire.extract.places.gazetteer import Gazetteer, default_store
from conflictwire.extract.places.geocoder import Geocoder
from conflictwire.extract.places.geonames_import import import_files, imported

_FIND_SHOWN = 10


def import_command(files: list[Path], store: Path | None) -> int:
    """Import each file; a few lines per file; status 1 when a file was missing or not GeoNames."""
    missing = [f for f in files if not f.exists()]
    for f in missing:
        print(f"{f}: no such file", file=sys.stderr)
    results = import_files([f for f in files if f.exists()], store)
    for result in results:
        stream = sys.stderr if result.not_geonames else sys.stdout
        print("\n".join(result.summary()), file=stream)
    if results:
        print(f"store: {results[0].store}")
    return 1 if missing or any(r.not_geonames for r in results) else 0


def list_command(store: Path | None) -> int:
    path = store or default_store()
    imports, counts = imported(path)
    if not imports and not counts:
        print(f"nothing imported (store: {path}); add GeoNames files with "
              "`conflictwire gazetteer import ML.zip BF.zip admin1CodesASCII.txt`")
        return 0
    print(f"store: {path}")
    for source, kind, rows, at in imports:
        print(f"  {source:28} {rows:>8,} {kind:10} imported {at}")
    labels = {"P": "populated", "A": "divisions", "S": "sites", "L": "parks/reserves",
              "fallback": "other named features (fallbacks)"}
    for cc, by_class in sorted(counts.items()):
        parts = ", ".join(f"{n:,} {labels.get(c, c)}" for c, n in sorted(by_class.items()))
        print(f"  {cc}: {parts}")
    return 0


def find_command(name: str, country: str | None, store: Path | None) -> int:
    """The candidates of a name, best first, with the parts of their scores."""
    gazetteer = Gazetteer.load(store) if store else Gazetteer.load()
    geocoder = Geocoder(gazetteer)
    countries = None
    if country:
        iso3 = gazetteer.iso3(country) if len(country) == 2 else country.upper()
        if not iso3:
            print(f"{country}: not a country code", file=sys.stderr)
            return 1
        countries = {iso3: 1.0}
    matches = gazetteer.match(name)
    if not matches:
        print(f"{name}: no place of that name")
        return 1
    quality = {p.geonameid: q for p, q in matches}
    ranked = geocoder.candidates(name, countries=countries)
    print(f"{len(ranked)} candidates for {name!r}" + (f" in a report about {country}" if country else ""))
    for i, (place, score) in enumerate(ranked[:_FIND_SHOWN]):
        parts = geocoder.explain(place, quality.get(place.geonameid, 1.0), countries=countries)
        where = ", ".join(x for x in (place.admin2, place.admin1, place.country) if x)
        why = " ".join(f"{k}={v:.2f}" for k, v in parts.items())
        mark = "*" if i == 0 else " "
        kind = place.feature_code + (", fallback: no place of this name in its country"
                                     if place.fallback else "")
        print(f"{mark} {score:.3f} {place.name} [{kind}] {where} "
              f"({place.latitude:.4f}, {place.longitude:.4f}) pop {place.population:,} "
              f"geonameid {place.geonameid}\n      {why}")
    if len(ranked) > _FIND_SHOWN:
        print(f"  ... and {len(ranked) - _FIND_SHOWN} more")
    return 0
