"""`conflictwire gazetteer import FILE`: add a GeoNames dump to the local extension store.

GeoNames dumps (`XX.txt` per country, `allCountries.txt`, or a .zip holding one) are
tab-separated with 19 columns: geonameid, name, asciiname, alternatenames, latitude,
longitude, feature class, feature code, country code, cc2, admin1 code, admin2 code,
admin3 code, admin4 code, population, elevation, dem, timezone, modification date.

Populated places (feature class P, villages and neighbourhoods included), administrative
areas (class A) and the sites of `KEEP_*` go into an sqlite store (default
`<cache dir>/geonames_extra.sqlite`), which `Gazetteer.load()` consults after the packaged
data. Other named features (streams, hills, dunes, schools: geonames_features.toml) are kept
as fallbacks, found under their names only where their country has no place of that name
(`Gazetteer.match`). Bad lines are reported with file and line number and skipped.
"""

from __future__ import annotations

import contextlib
import io
import math
import re
import sqlite3
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from conflictwire.data import load_data
from conflictwire.extract.folding import fold_name
from conflictwire.extract.places.gazetteer import (
    Gazetteer,
    admin_terms,
    default_store,
    haversine_km,
    skeleton,
)

KEEP_CLASSES = frozenset("PA")  # every populated place and division
# Sites where ACLED places events (GeoNames feature codes): airports and air bases,
# military installations and camps, refugee camps, police and border posts; parks and
# reserves (an attack "in Boni Forest", "in Tsavo East National Park").
KEEP_SITES = frozenset({
    "AIRB", "AIRF", "AIRH", "AIRP", "AIRQ", "INSM", "MILB", "CMP", "CMPRF", "PP", "PSTB",
    "PSTC", "PSTP", "PRN",
})
KEEP_LANDS = frozenset({"PRK", "RES", "RESF", "RESH", "RESN", "RESP", "RESV", "RESW",
                        "LCTY", "AREA"})  # named localities and areas ("in the area of Tamalat")
# Water points and forests the Sahel's and East Africa's events are placed at: wells,
# waterholes and oases ("near the well of Amalaoulaou"), forests ("in the Foulsare forest").
KEEP_OTHER = frozenset({("H", "WLL"), ("H", "WLLS"), ("H", "WTRH"), ("H", "OAS"), ("V", "FRST"),
                        ("S", "MKT")})
_COLUMNS = 19
_ADMIN_COLUMNS = 4  # admin1CodesASCII.txt / admin2Codes.txt: code, name, asciiname, geonameid
_ADMIN_CODE = re.compile(r"^[A-Z]{2}\.[^\s.]+(?:\.[^\s.]+)?$")
_SNIFF_LINES = 20  # this many bad lines and no good one: the file is not a GeoNames table
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
CREATE TABLE IF NOT EXISTS skeletons (
    key TEXT NOT NULL, geonameid INTEGER NOT NULL, PRIMARY KEY (key, geonameid)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS fallbacks (
    key TEXT NOT NULL, geonameid INTEGER NOT NULL, PRIMARY KEY (key, geonameid)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS fallbacks_gid ON fallbacks (geonameid);
CREATE TABLE IF NOT EXISTS admin (code TEXT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS imports (
    source TEXT PRIMARY KEY, kind TEXT NOT NULL, rows INTEGER NOT NULL, at TEXT NOT NULL
);
"""


def keeps(fclass: str, fcode: str) -> bool:
    """Whether a GeoNames feature goes into the store (see KEEP_*)."""
    if fclass in KEEP_CLASSES:
        return True
    return ((fclass == "S" and fcode in KEEP_SITES) or (fclass == "L" and fcode in KEEP_LANDS)
            or (fclass, fcode) in KEEP_OTHER)


def fallback(fclass: str, fcode: str) -> bool:
    """Whether a feature not kept as a place is kept as a fallback (geonames_features.toml):
    a stream, hill, dune or school that may be the only entry of a village's name."""
    classes, skipped = _fallback_features()
    return fclass in classes and fcode not in skipped and not keeps(fclass, fcode)


@lru_cache(maxsize=1)
def _fallback_features() -> tuple[frozenset[str], frozenset[str]]:
    table = load_data("geonames_features.toml").get("fallback", {})
    return frozenset(table.get("classes", [])), frozenset(table.get("skip_codes", []))


@dataclass
class ImportResult:
    """Counts of an import, and the bad lines as "FILE:LINE: reason"."""

    store: Path
    source: str = ""
    kind: str = "places"  # "places" (a country dump), "divisions" (an admin code table)
    lines: int = 0
    places: int = 0  # rows added or updated (see `keeps`)
    admin_areas: int = 0  # of which ADM1..ADM5 / ADMD
    sites: int = 0  # of which airports, bases, camps, posts, markets, parks, localities, wells, forests
    fallbacks: int = 0  # features kept for their names only (streams, hills, schools: `fallback`)
    names: int = 0  # name keys written
    divisions: int = 0  # division names of an admin code table
    skipped: int = 0  # rows of other feature classes
    countries: set[str] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)
    not_geonames: bool = False  # the file is no GeoNames table: nothing was read
    divisions_filled: int = 0  # places whose unknown division code ("00") was set from their neighbours

    @property
    def bad_lines(self) -> int:
        return len(self.errors)

    def summary(self, shown_errors: int = 5) -> list[str]:
        """A few readable lines: what was added, and the first bad lines with a count."""
        if self.not_geonames:
            return [self.errors[0]]
        if self.kind == "divisions":
            out = [f"{self.source}: {self.divisions:,} division names"]
        else:
            out = [f"{self.source}: {self.places:,} places ({self.places - self.admin_areas - self.sites:,} "
                   f"populated places, {self.admin_areas:,} divisions, {self.sites:,} sites) in "
                   f"{', '.join(sorted(self.countries)) or 'no country'}; {self.fallbacks:,} other named "
                   f"features as fallbacks; {self.skipped:,} rows of other kinds skipped"]
            if self.divisions_filled:
                out.append(f"  {self.divisions_filled:,} places without a known first-level division "
                           "given their nearest neighbour's")
        out += [f"  {e}" for e in self.errors[:shown_errors]]
        if self.bad_lines > shown_errors:
            out.append(f"  ... and {self.bad_lines - shown_errors:,} more bad lines")
        return out


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


def _keys(name: str, asciiname: str, alternates: str, *, division: bool = False) -> set[str]:
    """The folded names a feature is found under; a division's also without its
    administrative word ("Zombe Location" is found as "Zombe" too)."""
    keys = {fold_name(name), fold_name(asciiname)}
    for alt in alternates.split(","):
        alt = alt.strip()
        if len(alt) < 3 or any(ch.isdigit() for ch in alt) or (alt.isupper() and len(alt) <= 4):
            continue
        if alt.startswith("http"):
            continue
        keys.add(fold_name(alt))
    if division:
        keys |= {admin_terms().strip(k) for k in keys}
    return {k for k in keys if k and k.isascii()}


def import_files(paths: list[Path], store: Path | None = None) -> list[ImportResult]:
    """Import several GeoNames files (country dumps, zips, admin code tables) in turn."""
    return [import_geonames(p, store) for p in paths]


def import_geonames(path: Path, store: Path | None = None, *, batch: int = 5000) -> ImportResult:
    """Add the kept features of a GeoNames dump (see `keeps`), or the division names of
    `admin1CodesASCII.txt`/`admin2Codes.txt`, to the store.

    Re-importing a file replaces its entries (by geonameid). Returns the counts; bad lines
    are in `ImportResult.errors` as "FILE:LINE: reason". A file whose first lines are all
    bad is not a GeoNames table: one error says so and nothing more is read."""
    path = Path(path)
    store = Path(store) if store is not None else default_store()
    store.parent.mkdir(parents=True, exist_ok=True)
    result = ImportResult(store=store, source=path.name)
    db = sqlite3.connect(store)
    try:
        db.executescript(_SCHEMA)
        for display, lines in _open_lines(path):
            first, lines = _peek(lines)
            if _is_admin_table(first):
                result.kind = "divisions"
                _import_admin_table(db, display, lines, result)
            else:
                _import_dump(db, display, lines, result, batch)
            if result.not_geonames:
                break
        if not result.not_geonames:
            _record_import(db, result)
            result.divisions_filled = fill_divisions(db, result.countries)
    finally:
        db.close()
    Gazetteer.reset()  # later loads see the new entries
    return result


def _peek(lines: Iterator[str]) -> tuple[str, Iterator[str]]:
    """The first line, and all lines again."""
    first = next(lines, "")
    return first, _chain(first, lines)


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    if first:
        yield first
    yield from rest


def _is_admin_table(line: str) -> bool:
    cols = line.rstrip("\r\n").split("\t")
    return len(cols) == _ADMIN_COLUMNS and bool(_ADMIN_CODE.match(cols[0]))


def _not_geonames(display: str, lineno: int, result: ImportResult) -> None:
    result.not_geonames = True
    result.errors[:] = [f"{display}:{lineno}: not a GeoNames table (the first {_SNIFF_LINES} lines "
                        f"are not {_COLUMNS} tab-separated columns of a country dump such as ML.txt, "
                        "nor admin1CodesASCII.txt / admin2Codes.txt): nothing imported"]


def _import_admin_table(db: sqlite3.Connection, display: str, lines: Iterator[str],
                        result: ImportResult) -> None:
    rows: list[tuple[str, str]] = []
    for lineno, line in enumerate(lines, start=1):
        result.lines += 1
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.rstrip("\r\n").split("\t")
        if len(cols) != _ADMIN_COLUMNS or not _ADMIN_CODE.match(cols[0]) or not cols[1].strip():
            result.errors.append(f"{display}:{lineno}: expected CODE, name, asciiname, geonameid")
            if not rows and len(result.errors) >= _SNIFF_LINES:
                _not_geonames(display, lineno, result)
                return
            continue
        rows.append((cols[0], cols[1].strip()))
        result.countries.add(cols[0][:2])
    db.executemany("INSERT OR REPLACE INTO admin VALUES (?,?)", rows)
    db.commit()
    result.divisions += len(rows)


def _import_dump(db: sqlite3.Connection, display: str, lines: Iterator[str], result: ImportResult,
                 batch: int) -> None:
    places: list[tuple] = []
    names: list[tuple[str, int]] = []
    fallbacks: list[tuple[str, int]] = []
    dropped: list[tuple[int]] = []  # rows of other kinds
    admins: list[tuple[str, str]] = []
    gids: list[tuple[int]] = []
    good = 0

    skeletons: list[tuple[str, int]] = []

    def flush() -> None:
        if gids:
            db.executemany("DELETE FROM names WHERE geonameid = ?", gids)
            db.executemany("DELETE FROM skeletons WHERE geonameid = ?", gids)
            db.executemany("DELETE FROM fallbacks WHERE geonameid = ?", gids)
            db.executemany("DELETE FROM places WHERE geonameid = ?", dropped)
        db.executemany("INSERT OR REPLACE INTO places VALUES (?,?,?,?,?,?,?,?,?,?)", places)
        db.executemany("INSERT OR IGNORE INTO names VALUES (?,?)", names)
        db.executemany("INSERT OR IGNORE INTO fallbacks VALUES (?,?)", fallbacks)
        db.executemany("INSERT OR IGNORE INTO skeletons VALUES (?,?)", skeletons)
        db.executemany("INSERT OR IGNORE INTO admin VALUES (?,?)", admins)  # the code tables' names win
        db.commit()
        for pending in (places, names, fallbacks, admins, gids, dropped, skeletons):
            pending.clear()

    for lineno, line in enumerate(lines, start=1):
        result.lines += 1
        if not line.strip() or line.startswith("#"):
            continue
        row = _parse(line)
        if isinstance(row, str):
            result.errors.append(f"{display}:{lineno}: {row}")
            if not good and len(result.errors) >= _SNIFF_LINES:
                _not_geonames(display, lineno, result)
                return
            continue
        good += 1
        gid, name, ascii_, alts, lat, lon, fclass, fcode, cc, a1, a2, pop = row
        if not keeps(fclass, fcode):
            if fallback(fclass, fcode):  # its names only, no loose spelling
                places.append((gid, name, lat, lon, fclass, fcode, cc, a1 or None, a2 or None, pop))
                gids.append((gid,))
                fallbacks.extend((k, gid) for k in _keys(name, ascii_, alts))
                result.fallbacks += 1
            else:
                result.skipped += 1
                gids.append((gid,))  # kept by an earlier import under other rules: out now
                dropped.append((gid,))
            if len(places) >= batch or len(gids) >= batch:
                flush()
            continue
        places.append((gid, name, lat, lon, fclass, fcode, cc, a1 or None, a2 or None, pop))
        gids.append((gid,))
        keys = _keys(name, ascii_, alts, division=fclass == "A")
        names.extend((k, gid) for k in keys)
        own = fold_name(name)
        if len(own) >= 5 and own.isascii():  # press spellings: "Diabaly" for Diabali
            skeletons.append((skeleton(own), gid))
        result.places += 1
        result.names += len(keys)
        if cc:
            result.countries.add(cc)
        if fclass != "P" and fclass != "A":
            result.sites += 1
        if fclass == "A" and fcode.startswith("ADM"):
            result.admin_areas += 1
            if fcode == "ADM1" and a1:
                admins.append((f"{cc}.{a1}", name))
            elif fcode == "ADM2" and a1 and a2:
                admins.append((f"{cc}.{a1}.{a2}", name))
        if len(places) >= batch:
            flush()
    flush()


_CELL_DEG = 0.25  # grid cells of the nearest-neighbour search
_MAX_RING = 12  # cells searched out from a place's own (3 degrees)


def fill_divisions(db: sqlite3.Connection, countries: set[str]) -> int:
    """Give each place of `countries` whose first-level division code is unknown (GeoNames'
    "00", empty, or a code no division bears) the division codes of its nearest place with a
    known one, so that every point has an admin1 (and admin2) as ACLED codes it. Returns
    how many places were given codes. Divisions themselves are left as they are."""
    known = {code for (code,) in db.execute("SELECT code FROM admin")}
    with contextlib.suppress(Exception):
        known |= set(Gazetteer.load(use_default_store=False)._d.admin_codes)
    filled = 0
    for cc in sorted(countries):
        rows = db.execute("SELECT geonameid, lat, lon, admin1, admin2 FROM places"
                          " WHERE cc = ? AND fclass != 'A'", (cc,)).fetchall()
        grid: dict[tuple[int, int], list[tuple[float, float, str, str | None]]] = {}
        lost = []
        for gid, lat, lon, a1, a2 in rows:
            if a1 and f"{cc}.{a1}" in known:
                grid.setdefault(_cell(lat, lon), []).append((lat, lon, a1, a2))
            else:
                lost.append((gid, lat, lon))
        if not grid:
            continue
        updates = []
        for gid, lat, lon in lost:
            donor = _nearest(grid, lat, lon)
            if donor is not None:
                updates.append((donor[2], donor[3], gid))
        db.executemany("UPDATE places SET admin1 = ?, admin2 = ? WHERE geonameid = ?", updates)
        filled += len(updates)
    db.commit()
    return filled


def _cell(lat: float, lon: float) -> tuple[int, int]:
    return math.floor(lat / _CELL_DEG), math.floor(lon / _CELL_DEG)


def _nearest(grid: dict, lat: float, lon: float) -> tuple[float, float, str, str | None] | None:
    """The entry of `grid` nearest to the point: rings of cells out from its own, one ring
    past the first that holds any (a nearer one may lie just across a cell's edge)."""
    ci, cj = _cell(lat, lon)
    best, best_km, found_at = None, math.inf, None
    for ring in range(_MAX_RING + 1):
        if found_at is not None and ring > found_at + 1:
            break
        for i in range(ci - ring, ci + ring + 1):
            for j in range(cj - ring, cj + ring + 1):
                if max(abs(i - ci), abs(j - cj)) != ring:
                    continue
                for entry in grid.get((i, j), ()):
                    d = haversine_km(lat, lon, entry[0], entry[1])
                    if d < best_km:
                        best, best_km = entry, d
        if best is not None and found_at is None:
            found_at = ring
    return best


def _record_import(db: sqlite3.Connection, result: ImportResult) -> None:
    rows = result.divisions if result.kind == "divisions" else result.places
    db.execute("INSERT OR REPLACE INTO imports VALUES (?,?,?,datetime('now'))",
               (result.source, result.kind, rows))
    db.commit()


def imported(store: Path | None = None) -> tuple[list[tuple[str, str, int, str]], dict[str, dict[str, int]]]:
    """What a store holds: its imports (source, kind, rows, when) and per country the count
    of places by feature class, the fallbacks (`fallback`) as "fallback"."""
    store = Path(store) if store is not None else default_store()
    if not store.exists():
        return [], {}
    db = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    try:
        try:
            imports = db.execute("SELECT source, kind, rows, at FROM imports ORDER BY at, source").fetchall()
        except sqlite3.OperationalError:  # a store written before imports were recorded
            imports = []
        counts: dict[str, dict[str, int]] = {}
        for cc, fclass, fcode, n in db.execute("SELECT cc, fclass, fcode, count(*) FROM places"
                                               " GROUP BY cc, fclass, fcode"):
            kind = fclass if keeps(fclass, fcode or "") else "fallback"
            by_kind = counts.setdefault(cc or "?", {})
            by_kind[kind] = by_kind.get(kind, 0) + n
    finally:
        db.close()
    return imports, counts
