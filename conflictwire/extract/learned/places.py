"""Learned places: every coded location with its coordinates, admin divisions and how often
it was coded, consulted before the gazetteer (`PlacesSupplement` wraps one without changing
it). A learned place ranks above a same-name place elsewhere in the same country: the
coders' village of that name is the one the region's reports mean."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from pydantic import BaseModel

from ..folding import fold_name
from ..places.gazetteer import Gazetteer, Place, haversine_km, skeleton, stopwords
from .records import CodedEvent

SAME_PLACE_KM = 25.0  # a gazetteer entry this close to a learned one is that place
# A namesake this populous stays a candidate beside a learned place coded only once: a report
# naming it more likely means the town than a village the coders met once (ACLED's one
# "Lekki", 68 km east, took the Lekki toll gate shooting out of Lagos on the dev corpus).
# Coded again and again, the coders' place is the one their region's reports mean.
LARGE_TOWN = 100_000
# A place in a country the coders never coded that only one of its alternate names ties to
# the coders' own spelling ("Coro", Venezuela, for Mali's "Koro"; "Bāneh", Iran, for Burkina
# Faso's "Banh"; "Véroia" for "Ber"; "Parma", USA, for "Pama") is not what a report writing
# that spelling means, unless it is a city known the world over by many names. In another
# of the coders' countries it stays ("Ouro", Burkina Faso, for Mali's "Ouo"): the scene decides.
WORLD_CITY = 1_000_000
# A name one letter from a learned one, by their transliteration skeletons, is that place
# when the gazetteer knows nothing of that name (nor one of its other names): reporters and coders
# spell the same village apart ("Kompienbiga" and "Kompiembiga", "Boulkessi" and
# "Boulikessi", "Nongodoum" and "Nongoudoum", "Bobo-Dioulassa"). Skeletons of six letters
# or more only: "Koro" and "Kora" are two places.
LOOSE_MIN = 6
LOOSE_QUALITY = 0.7  # below an alternate name (0.9), above a transliteration skeleton (0.5)
MATCHES_KEPT = 20_000  # names whose matches a supplement remembers (then it starts again)
MAIN_COUNTRIES = 2  # the scene's own countries of a report are at most two (`SceneContext.main`)
# Capitalised runs of up to four words ("Boulkessi", "Gorom Gorom", "Ngouma Dogon Kouly").
_NAME_RUN = re.compile(r"\b[A-Z][\w'’\-]*(?:\s+(?:[A-Z][\w'’\-]*|de|el|al|du|la)){0,3}")


class LearnedPlace(BaseModel):
    name: str
    iso3: str
    admin1: str = ""
    admin2: str = ""
    latitude: float
    longitude: float
    count: int = 1


def learn_places(events: Iterable[CodedEvent]) -> list[LearnedPlace]:
    """One entry per (name, country, rounded point); ACLED's precision 3 (a region named by
    a town) is left out, as is anything without coordinates or a country."""
    found: dict[tuple[str, str, float, float], LearnedPlace] = {}
    for e in events:
        if not (e.location and e.iso3 and e.latitude is not None and e.longitude is not None):
            continue
        if e.geo_precision == 3:
            continue
        key = (fold_name(e.location), e.iso3, round(e.latitude, 2), round(e.longitude, 2))
        if key in found:
            found[key].count += 1
        else:
            found[key] = LearnedPlace(name=e.location, iso3=e.iso3, admin1=e.admin1, admin2=e.admin2,
                                      latitude=e.latitude, longitude=e.longitude)
    return sorted(found.values(), key=lambda p: (p.iso3, p.name, -p.count))


def save_places(places: list[LearnedPlace], folder: Path) -> None:
    (folder / "places.json").write_text(json.dumps([p.model_dump() for p in places], ensure_ascii=False),
                                        encoding="utf-8")


def load_places(folder: Path) -> list[LearnedPlace]:
    path = folder / "places.json"
    if not path.exists():
        return []
    return [LearnedPlace.model_validate(p) for p in json.loads(path.read_text(encoding="utf-8"))]


class PlacesSupplement:
    """A gazetteer with learned places looked up first. Everything else is the wrapped
    gazetteer's; the geocoder and the pipeline use it as they would the gazetteer."""

    def __init__(self, base: Gazetteer, places: list[LearnedPlace]) -> None:
        self._base = base
        self._by_key: dict[str, list[Place]] = {}
        stop = stopwords()
        for p in places:
            key = fold_name(p.name)
            country = base.country(p.iso3)
            if not key or key in stop or country is None:
                continue
            self._by_key.setdefault(key, []).append(Place(
                geonameid=0, name=p.name, latitude=p.latitude, longitude=p.longitude, iso2=country.iso2,
                iso3=p.iso3, country=country.country, feature_class="P", feature_code="PPL",
                population=0, admin1=p.admin1 or None, admin2=p.admin2 or None))
        self._counts = {fold_name(p.name): p.count for p in places}
        self._coded = {p.iso3 for p in places}  # the countries the coders coded
        self._matched: dict[tuple[str, bool], tuple[tuple[Place, float], ...]] = {}
        # each learned skeleton and its one-letter deletions -> the learned names
        self._loose: dict[str, set[str]] = {}
        for key in self._by_key:
            if len(skel := skeleton(key)) >= LOOSE_MIN:
                for variant in _deletions(skel):
                    self._loose.setdefault(variant, set()).add(key)

    def __getattr__(self, name: str):
        return getattr(self._base, name)

    def __len__(self) -> int:
        return len(self._base) + len(self._by_key)

    def loosely(self, name: str) -> list[str]:
        """The learned names one letter from `name` (by skeleton), when it is none of them."""
        key = fold_name(name)
        if key in self._by_key or len(skel := skeleton(key)) < LOOSE_MIN:
            return []
        found = {k for variant in _deletions(skel) for k in self._loose.get(variant, ())}
        return sorted(k for k in found if _one_edit(skeleton(k), skel))

    def match(self, name: str, *, fuzzy: bool = True) -> list[tuple[Place, float]]:
        """The gazetteer's entries of a name with the learned places of that name (or one
        letter from it) first; remembered for the names of the last reports (a report's
        names are looked up again and again: 3,400 times for 400 notes)."""
        key = (name, fuzzy)
        found = self._matched.get(key)
        if found is None:
            if len(self._matched) >= MATCHES_KEPT:
                self._matched.clear()
            found = self._matched[key] = tuple(self._match(name, fuzzy=fuzzy))
        return list(found)

    def _match(self, name: str, *, fuzzy: bool = True) -> list[tuple[Place, float]]:
        base = self._base.match(name, fuzzy=fuzzy)
        learned = self._by_key.get(fold_name(name))
        if not learned:
            if fuzzy and not any(q >= 0.9 for _, q in base):  # a name the gazetteer knows is that
                loose = [p for k in self.loosely(name) for p in self._by_key[k]]
                return base + [(replace(p, population=1000 * self._counts.get(fold_name(p.name), 1)),
                                LOOSE_QUALITY) for p in loose]
            return base
        countries = {p.iso3 for p in learned}
        # the divisions the learned places lie in ("Mopti" region for the town of Mopti)
        divisions = {fold_name(d) for p in learned for d in (p.admin1, p.admin2) if d}
        kept: list[tuple[Place, float]] = []
        coded = self._counts.get(fold_name(name), 1)
        size = 1000 * coded
        for place, quality in base:
            near = any(haversine_km(place.latitude, place.longitude, p.latitude, p.longitude) <= SAME_PLACE_KM
                       for p in learned)
            if place.iso3 in countries and not place.is_country:
                if near and not place.is_admin:
                    size = max(size, place.population)
                elif not near and not (place.is_admin and self._within(place, divisions)) \
                        and (place.population < LARGE_TOWN or coded > 1):
                    continue  # a namesake elsewhere in the coders' country: theirs wins
            elif quality >= 1.0 and not place.is_country:
                # as weighty as its namesake abroad ("Yoro", a village of Mali's coders and a
                # Honduran town), so that the report's countries, and the user's, decide
                size = max(size, place.population)
            elif not place.is_country and place.population < WORLD_CITY and place.iso3 not in self._coded:
                continue  # abroad, and that spelling only one of its other names
            kept.append((place, quality))
        # as populous as the gazetteer's entry at that spot, so that the learned point and
        # its admin names win without losing the town's weight
        return [(replace(p, population=size), 1.0) for p in learned] + kept

    @staticmethod
    def _within(area: Place, divisions: set[str]) -> bool:
        key = fold_name(area.name)
        return any(key == d or key.startswith(d + " ") for d in divisions)

    def find_toponyms(self, text: str, **kwargs) -> list[tuple[int, int, str]]:
        found = self._base.find_toponyms(text, **kwargs)
        taken = [(s, e) for s, e, _ in found]
        # one letter off, only in the countries the report is about, as the scene gives them
        # (at most two: a Lebanese report's "Nabatiyeh" is not Kenya's "Sabatia"), never in
        # the first reading of a report, which passes every country the user imported
        countries = {c.upper() for c in kwargs.get("countries") or ()}
        if len(countries) > MAIN_COUNTRIES:
            countries = set()
        for run in _NAME_RUN.finditer(text):
            words = list(re.finditer(r"\S+", run.group(0)))
            for n in range(len(words), 0, -1):  # longest first
                start, end = run.start() + words[0].start(), run.start() + words[n - 1].end()
                name = text[start:end]
                overlaps = [(s, e) for s, e in taken if s < end and start < e]
                if overlaps and not self._covers(name, start, end, overlaps):
                    continue
                known = fold_name(name) in self._by_key or self._loose_name(name, countries)
                if known and (n > 1 or start > 0):
                    found = [f for f in found if (f[0], f[1]) not in overlaps] + [(start, end, name)]
                    taken = [t for t in taken if t not in overlaps] + [(start, end)]
                    break
        return sorted(found)

    def _covers(self, name: str, start: int, end: int, spans: list[tuple[int, int]]) -> bool:
        """A learned name that holds the gazetteer's shorter names within it is the place the
        text names ("Tin-Hamma", not the "Tin" in it; "Tin-Bidene")."""
        return fold_name(name) in self._by_key and all(start <= s and e <= end and e - s < end - start
                                                       for s, e in spans)

    def _loose_name(self, name: str, countries: set[str]) -> bool:
        """A name of the text one letter from a place learned in one of `countries`, and
        unknown to the gazetteer."""
        if not countries or not (loose := self.loosely(name)):
            return False
        return any(p.iso3 in countries for k in loose for p in self._by_key[k]) \
            and not self._base.match(name, fuzzy=False)


def _deletions(skel: str) -> set[str]:
    return {skel} | {skel[:i] + skel[i + 1:] for i in range(len(skel))}


def _one_edit(a: str, b: str) -> bool:
    """`a` and `b` differ by at most one letter changed, added or removed."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    short, long = sorted((a, b), key=len)
    i = next((i for i, (x, y) in enumerate(zip(short, long, strict=False)) if x != y), len(short))
    return short[i:] == long[i + 1:]
