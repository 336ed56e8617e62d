"""PLACE stage: geocode the toponyms of a report in context (Mordecai-style ranking).

Each name is looked up in the gazetteer (`conflictwire.extract.places.gazetteer`), and every candidate
entry is scored on

* country agreement with the report's focus (`countries`: ISO3 -> weight),
* proximity to the report's other resolved places and its dateline city (`near`),
* population (log scale),
* feature type (populated places and divisions; capitals and division seats first),
* how the name matched (own name, alternate name, article variant, transliteration).

The score (0..1) of the best candidate, lowered when a distant rival scores close to it,
is the confidence. The caller (the pipeline) gives the report's context: its country
focus and the points of its dateline and already resolved places (`near`), so "Faladie"
in a Bamako report is the one in or near Bamako. Prepositions ("near X", "X region") are
the caller's too: it passes the precision it wants to `to_location`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

from conflictwire.extract.folding import fold_name
from conflictwire.extract.places.gazetteer import Gazetteer, Place, admin_terms, haversine_km
from conflictwire.models import Location

# weights of the score's components (renormalised over the components available)
W_COUNTRY = 0.30
W_NEAR = 0.25
W_POP = 0.20
W_NAME = 0.15
W_FEATURE = 0.10

_FEATURE_SCORE = {
    "PPLC": 1.0, "PPLA": 0.95, "PPLA2": 0.93, "PPLA3": 0.9, "PPLA4": 0.88, "PPL": 0.85,
    "PPLG": 0.9, "PPLX": 0.82, "PPLL": 0.75, "PPLS": 0.75, "PPLF": 0.7, "PPLR": 0.7,
    "PPLQ": 0.3, "PPLW": 0.3, "PPLH": 0.2, "PPLCH": 0.2,
    "PCLI": 0.9, "PCLD": 0.85, "PCLIX": 0.8, "PCL": 0.85, "PCLS": 0.8, "PCLF": 0.8,
    "ADM1": 0.8, "ADM2": 0.7, "ADM3": 0.65, "ADM4": 0.6, "ADM5": 0.55, "ADMD": 0.6,
}
SEAT_KM = 60.0  # a division's namesake town this close to the division's point lies in it
_NEAR_HALF_KM = 60.0  # distance at which proximity scores 0.5
_SAME_PLACE_KM = 25.0  # candidates this close to the best are not its rivals


def feature_score(place: Place) -> float:
    code = place.feature_code
    if code in _FEATURE_SCORE:
        return _FEATURE_SCORE[code]
    if place.feature_class == "P":
        return 0.75
    if place.feature_class == "A":
        return 0.55
    return 0.3


def population_score(population: int) -> float:
    return min(1.0, math.log10(population + 1) / 6.5)


def proximity_score(place: Place, near: Sequence[tuple[float, float]]) -> float:
    d = min(haversine_km(place.latitude, place.longitude, la, lo) for la, lo in near)
    return 1.0 / (1.0 + (d / _NEAR_HALF_KM) ** 1.5)


def contains(area: Place, place: Place) -> bool:
    """Whether division `area` holds `place` (by the place's division names)."""
    if not area.is_admin or area.iso3 != place.iso3 or place is area:
        return False
    if area.admin_level == 1:
        return place.admin1 == area.name and place.admin_level > 1
    return place.admin2 == area.name and place.admin_level > 2


def namesake(area: Place, place: Place) -> bool:
    """`area` is a division named after `place` that holds it ("Kidal" region and town,
    "Mandalay District" and Mandalay)."""
    if place.feature_class != "P" or not contains(area, place):
        return False
    a, p = fold_name(area.name), fold_name(place.name)
    return a == p or a.startswith(p + " ") or a.endswith(" " + p)


def order(ranked: list[tuple[Place, float]], prefer: str = "town") -> list[tuple[Place, float]]:
    """Sort by score, a town before its namesake division ("Kidal" the town, not the
    region) unless `prefer` is "admin" ("Kidal region"), then the reverse."""
    ranked = sorted(ranked, key=lambda pq: -pq[1])
    if len(ranked) < 2:
        return ranked
    # namesake(area, town) needs a division and a populated place of one country: compare
    # each entry only with the entries of its country that can pair with it (same order as
    # the whole list, so the same adjustments as comparing with every entry).
    towns: dict[str, list[tuple[Place, float]]] = {}
    areas: dict[str, list[tuple[Place, float]]] = {}
    for q, sq in ranked:
        if q.feature_class == "P":
            towns.setdefault(q.iso3, []).append((q, sq))
        if q.is_admin:
            areas.setdefault(q.iso3, []).append((q, sq))
    # A town named like the division it lies in is the division's seat ("Vihiga", the county
    # and its town): it is as likely as the division, so a village of that name elsewhere
    # in the country, as likely as the seat out of context, does not win over it.
    seat_score: dict[int, float] = {}
    if prefer != "admin":
        for p, sc in ranked:
            if p.is_admin:
                for q, _ in towns.get(p.iso3, ()):
                    if namesake(p, q):
                        seat_score[q.geonameid] = max(seat_score.get(q.geonameid, 0.0), sc)
    adjusted: list[tuple[Place, float]] = []
    for p, sc in ranked:
        if prefer == "admin":
            if p.feature_class == "P":
                for q, sq in areas.get(p.iso3, ()):
                    if namesake(q, p) and sc >= sq:
                        sc = sq - 0.001
        elif p.is_admin:
            for q, sq in towns.get(p.iso3, ()):
                seat = max(sq, seat_score.get(q.geonameid, 0.0))
                if namesake(p, q) and sc >= seat:
                    sc = seat - 0.001
        else:
            sc = max(sc, seat_score.get(p.geonameid, 0.0))
        adjusted.append((p, sc))
    adjusted.sort(key=lambda pq: -pq[1])
    return adjusted


def division_name(name: str | None) -> str | None:
    """A division's name as ACLED writes it, without its administrative word ("Nairobi
    City" -> "Nairobi", "Nakuru County" -> "Nakuru", "Cercle de Douentza" -> "Douentza"),
    so that records join with ACLED's by admin1 and admin2."""
    if not name:
        return name
    stripped = admin_terms().strip_text(name)
    return stripped or name


class Geocoder:
    """Rank gazetteer candidates of place names in the context of a report."""

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        self.gazetteer = gazetteer if gazetteer is not None else Gazetteer.load()

    # ------------------------------------------------------------- scoring
    def score(
        self, place: Place, name_quality: float = 1.0, *,
        countries: Mapping[str, float] | None = None,
        near: Sequence[tuple[float, float]] | None = None,
    ) -> float:
        """Score (0..1) of one candidate."""
        total = W_POP * population_score(place.population)
        total += W_NAME * name_quality + W_FEATURE * feature_score(place)
        weight = W_POP + W_NAME + W_FEATURE
        if countries:
            top = max(countries.values()) or 1.0
            total += W_COUNTRY * max(0.0, countries.get(place.iso3, 0.0)) / top
            weight += W_COUNTRY
        if near and not place.is_country:
            total += W_NEAR * proximity_score(place, near)
            weight += W_NEAR
        score = total / weight
        if name_quality <= 0.5 and countries and place.iso3 not in countries:
            score *= 0.5  # a loose spelling match abroad is not credible
        return score

    @staticmethod
    def explain(place: Place, name_quality: float = 1.0, *,
                countries: Mapping[str, float] | None = None,
                near: Sequence[tuple[float, float]] | None = None) -> dict[str, float]:
        """The parts of `score` (each 0..1, before weighting), for a user checking a place."""
        parts = {"population": population_score(place.population), "name": name_quality,
                 "feature": feature_score(place)}
        if countries:
            top = max(countries.values()) or 1.0
            parts["country"] = max(0.0, countries.get(place.iso3, 0.0)) / top
        if near and not place.is_country:
            parts["near"] = proximity_score(place, near)
        return parts

    def candidates(
        self, name: str, *, countries: Mapping[str, float] | None = None,
        near: Sequence[tuple[float, float]] | None = None, prefer: str = "town",
    ) -> list[tuple[Place, float]]:
        """All entries for one name with their scores, best first."""
        scored = [
            (p, self.score(p, q, countries=countries, near=near))
            for p, q in self.gazetteer.match(name)
            if not (p.fallback and prefer == "admin")  # a stream or a hill is no division
        ]
        return order(scored, prefer)

    def resolve(
        self, names: Iterable[str], *, countries: Mapping[str, float] | None = None,
        near: Sequence[tuple[float, float]] | None = None, prefer: str = "town",
    ) -> list[tuple[Place, float]]:
        """Candidates for several spellings of one place, merged (best score per entry).
        `prefer="admin"` when the text says "X region/province/state"."""
        best: dict[tuple[int, str, str], tuple[Place, float]] = {}
        for name in names:
            for p, s in self.candidates(name, countries=countries, near=near, prefer=prefer):
                key = (p.geonameid, p.feature_code, p.name)
                if key not in best or best[key][1] < s:
                    best[key] = (p, s)
        return order(list(best.values()), prefer)

    @staticmethod
    def confidence(ranked: Sequence[tuple[Place, float]]) -> float:
        """The best score, lowered when a rival elsewhere scores close to it."""
        if not ranked:
            return 0.0
        best, s1 = ranked[0]
        for p, s in ranked[1:]:
            if contains(p, best) or contains(best, p):
                continue  # the town and its namesake division are one answer
            km = haversine_km(best.latitude, best.longitude, p.latitude, p.longitude)
            if km <= _SAME_PLACE_KM:
                continue
            margin = (s1 - s) / max(s1, 1e-9)
            return round(s1 * (0.5 + 0.5 * min(1.0, 4 * margin)), 4)
        return round(s1, 4)

    def best(
        self, names: str | Iterable[str], *, countries: Mapping[str, float] | None = None,
        near: Sequence[tuple[float, float]] | None = None, prefer: str = "town",
    ) -> tuple[Place, float] | None:
        """The best entry for a name (or spellings of one place) and its confidence."""
        ranked = self.resolve([names] if isinstance(names, str) else names,
                              countries=countries, near=near, prefer=prefer)
        if not ranked:
            return None
        return ranked[0][0], self.confidence(ranked)

    # ------------------------------------------------------------- records
    def to_location(self, place: Place, precision: int | None = None) -> Location:
        """The event `Location` of a place. Precision by default: 1 a populated place,
        2 a second-level division or a neighbourhood (given as its city), 3 a first-level
        division or a country. A caller's `precision` ("near X": 2) overrides, never
        making a division more precise than its default."""
        if place.is_country:
            return self.country_location(place.iso3) or Location(
                name=place.country, country=place.country, iso3=place.iso3,
                latitude=place.latitude, longitude=place.longitude, geo_precision=3,
                geonameid=place.geonameid or None,
            )
        default = 1
        target = place
        if place.is_admin:
            default = 3 if place.admin_level == 1 else 2
            target = self.seat(place) or place  # ACLED codes a region at its chief town
        elif place.feature_code == "PPLX":
            city = self.gazetteer.populated_near(place.latitude, place.longitude, place.iso3)
            if city is not None and city.geonameid != place.geonameid:
                target = city
            default = 2
        geo_precision = max(default, precision or default)
        geo_precision = min(3, max(1, geo_precision))
        return Location(
            name=target.name,
            admin1=division_name(self.gazetteer.english_division(target.admin1)),
            admin2=division_name(self.gazetteer.english_division(target.admin2))
            if target.admin_level != 1 else None,
            country=target.country,
            iso3=target.iso3,
            latitude=round(target.latitude, 5),
            longitude=round(target.longitude, 5),
            geo_precision=geo_precision,  # type: ignore[arg-type]
            geonameid=target.geonameid or None,
        )

    def seat(self, area: Place) -> Place | None:
        """The town a division is named after, inside it ("Mandera" of Mandera County,
        "Mopti" of the Mopti region, "Rutshuru" of its territory): where ACLED puts an event
        known only by its region. None when no such town is known."""
        base = admin_terms().strip(fold_name(area.name))
        towns = [p for p, q in self.gazetteer.match(base, fuzzy=False)
                 if p.feature_class == "P" and p.iso3 == area.iso3 and q >= 0.9]
        inside = [p for p in towns if contains(area, p) or (
            area.admin_level == 2 and p.admin1 == area.admin1 and p.admin2 is None)
            or haversine_km(area.latitude, area.longitude, p.latitude, p.longitude) <= SEAT_KM]
        return max(inside, key=lambda p: p.population) if inside else None

    def country_location(self, iso3: str) -> Location | None:
        """A country-only location (precision 3) at a point inside the country."""
        place = self.gazetteer.country(iso3)
        if place is None:
            return None
        return Location(
            name=place.country, country=place.country, iso3=place.iso3,
            latitude=round(place.latitude, 5), longitude=round(place.longitude, 5),
            geo_precision=3, geonameid=place.geonameid or None,
        )
