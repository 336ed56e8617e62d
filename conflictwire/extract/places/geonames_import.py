"""`conflictwire gazetteer import FILE`: add a GeoNames dump to the local extension store.

GeoNames dumps (`XX.txt` per country, `allCountries.txt`, or a .zip holding one) are
tab-separated with 19 columns: geonameid, name, asciiname, alternatenames, latitude,
longitude, feature class, feature code, country code, cc2, admin1 code, admin2 code,
admin3 code, admin4 code, population, elevation, dem, timezone, modification date.

Populated places (feature class P, villages and neighbourhoods included) and
administrative areas (class A) go into an sqlite store (default
`<cache dir>/geonames_extra.sqlite`), which `Gazetteer.load()` consults after the packaged
data. Bad lines are reported with file and line number and skipped.
"""

from __future__ import annotations

import io
import sqlite3
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from conflictwire.extract.folding import fold_name
from conflictwire.extract.places.gazetteer import Gazetteer, default_store

KEEP_CLASSES = frozenset("PA")
_COLUMNS = 19
_MAX_INT = 2**63 - 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS places (
    geonameid INTEGER PRIMARY KEY, name TEXT NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL,
    fclass TEXT NOT NULL, fcode TEXT, cc TEXT, admin1 TEXT, admin2 TEXT, population INTEGER
);
CREATE TABLE IF NOT EXISTS names (
    key TEXT NOT NULL, geonameid INTEGER NOT NULL, PRIMARY KEY (key, geonameid)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS names_gid ON names (geonameid);
CREATE TABLE IF NOT EXISTS admin (code TEXT PRIMARY KEY, name TEXT NOT NULL);
"""


@dataclass
class ImportResult:
    """Counts of an import, and the bad lines as "FILE:LINE: reason"."""

    store: Path
    lines: int = 0
    places: int = 0  # rows added or updated (classes P and A)
    admin_areas: int = 0  # of which ADM1..ADM5 / ADMD
    names: int = 0  # name keys written
    skipped: int = 0  # rows of other feature classes
    errors: list[str] = field(default_factory=list)

    @property
    def bad_lines(self) -> int:
        return len(self.errors)


def _open_lines(path: Path) -> Iterator[tuple[str, Iterator[str]]]:
    """(display name, lines) of a dump, or of each .txt member of a zip."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                base = info.filename.rsplit("/", 1)[-1]
                if info.is_dir() or not base.endswith(".txt") or base.lower() == "readme.txt":
                    continue
                with zf.open(info) as raw:
                    text = io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline="")
                    yield f"{path}!{info.filename}", iter(text)
    else:
        with path.open(encoding="utf-8", errors="replace", newline="") as fh:
            yield str(path), iter(fh)


def _parse(line: str) -> tuple | str:
    """A row tuple for the store, or the reason the line is bad."""
    cols = line.rstrip("\r\n").split("\t")
    if len(cols) != _COLUMNS:
        return f"expected {_COLUMNS} tab-separated columns, found {len(cols)}"
    try:
        gid = int(cols[0])
        lat = float(cols[4])
        lon = float(cols[5])
        pop = int(cols[14]) if cols[14].strip() else 0
    except ValueError as exc:
        return f"bad number ({exc})"
    if gid <= 0:
        return "geonameid must be positive"
    if gid > _MAX_INT or pop > _MAX_INT:  # SQLite's integers are 64-bit: storing it raised OverflowError
        return f"{'geonameid' if gid > _MAX_INT else 'population'} too large (over 64 bits)"
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        return "coordinates out of range"
    name = cols[1].strip()
    if not name:
        return "empty name"
    fclass = cols[6].strip()
    if len(fclass) != 1:
        return "bad feature class"
    return (gid, name, cols[2].strip(), cols[3], lat, lon, fclass, cols[7].strip(),
            cols[8].strip().upper(), cols[10].strip(), cols[11].strip(), max(0, pop))


def _keys(name: str, asciiname: str, alternates: str) -> set[str]:
    keys = {fold_name(name), fold_name(asciiname)}
    for alt in alternates.split(","):
        alt = alt.strip()
        if len(alt) < 3 or any(ch.isdigit() for ch in alt) or (alt.isupper() and len(alt) <= 4):
            continue
        if alt.startswith("http"):
            continue
        keys.add(fold_name(alt))
    return {k for k in keys if k and k.isascii()}


def import_geonames(path: Path, store: Path | None = None, *, batch: int = 5000) -> ImportResult:
    """Add the populated places and administrative areas of a GeoNames dump to the store.

    Re-importing a file replaces its entries (by geonameid). Returns the counts; bad lines
    are in `ImportResult.errors` as "FILE:LINE: reason"."""
    path = Path(path)
    store = Path(store) if store is not None else default_store()
    store.parent.mkdir(parents=True, exist_ok=True)
    result = ImportResult(store=store)
    db = sqlite3.connect(store)
    try:
        db.executescript(_SCHEMA)
        places: list[tuple] = []
        names: list[tuple[str, int]] = []
        admins: list[tuple[str, str]] = []
        gids: list[tuple[int]] = []

        def flush() -> None:
            if gids:
                db.executemany("DELETE FROM names WHERE geonameid = ?", gids)
            db.executemany("INSERT OR REPLACE INTO places VALUES (?,?,?,?,?,?,?,?,?,?)", places)
            db.executemany("INSERT OR IGNORE INTO names VALUES (?,?)", names)
            db.executemany("INSERT OR REPLACE INTO admin VALUES (?,?)", admins)
            db.commit()
            places.clear()
            names.clear()
            admins.clear()
            gids.clear()

        for display, lines in _open_lines(path):
            for lineno, line in enumerate(lines, start=1):
                result.lines += 1
                if not line.strip() or line.startswith("#"):
                    continue
                row = _parse(line)
                if isinstance(row, str):
                    result.errors.append(f"{display}:{lineno}: {row}")
                    continue
                gid, name, ascii_, alts, lat, lon, fclass, fcode, cc, a1, a2, pop = row
                if fclass not in KEEP_CLASSES:
                    result.skipped += 1
                    continue
                places.append((gid, name, lat, lon, fclass, fcode, cc, a1 or None, a2 or None, pop))
                gids.append((gid,))
                keys = _keys(name, ascii_, alts)
                names.extend((k, gid) for k in keys)
                result.places += 1
                result.names += len(keys)
                if fclass == "A" and fcode.startswith("ADM"):
                    result.admin_areas += 1
                    if fcode == "ADM1" and a1:
                        admins.append((f"{cc}.{a1}", name))
                    elif fcode == "ADM2" and a1 and a2:
                        admins.append((f"{cc}.{a1}.{a2}", name))
                if len(places) >= batch:
                    flush()
        flush()
    finally:
        db.close()
    Gazetteer.reset()  # later loads see the new entries
    return result
