"""Choosing an event's scene (EVENTS.md rule 6): the place a sentence puts its event in,
read in the context of the whole report.

A report's context is read once (`SceneFinder.report`): the countries its place names,
country names, demonyms, parties and source point to, and the points of its unambiguous
places. Each event sentence's toponyms (`SceneFinder.place`) are then weighed by what the
words around them say ("in X", "near X", "X (Y, Z)", "X region"; never a hospital town, a
source's city or a route's far end) and resolved by the geocoder in that context;
`SceneFinder.fallback` is where the report is when a sentence names no place.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from ...data import load_data
from ...models import ActorMention, Article, Location, Sentence
from ..actors import ActorKB
from ..folding import fold_name
from .gazetteer import Place
from .gazetteer import haversine_km as km
from .geocoder import Geocoder

TOPONYM_LABELS = {"GPE", "LOC", "FAC"}
PERSON_LABELS = {"PERSON", "PER"}  # the small models often call towns ORG or NORP
# The word before a place name that says the event happened there.
_LOCATIVE = re.compile(
    r"(?i)(?:\b(?:in|at|near|outside|around|into|inside|on|of the (?:town|village|city|district|"
    r"province|region|area|locality) of|town of|village of|city of|district of|à|au|aux|dans|près de|"
    r"localité de|ville de|village de|commune de|région de|province de|cercle de|across|throughout|"
    r"seized|captured|took|overran|stormed|attacked|struck|hit|raided|entered|retook|reached|"
    r"(?:control|parts|most|districts|outskirts|edge) of)\s+(?:the\s+)?"
    r"(?:[A-Z][\w-]+(?:'s|’s)\s+)?"  # "in Pakistan's North Waziristan district"
    r"(?:(?:north|south|east|west|central|northern|southern|eastern|western|north-?eastern|"
    r"north-?western|south-?eastern|south-?western|nord|sud|est|ouest)\s+)?)$")
# "taken to a hospital in Bannu", "évacués vers Niamey": where the victims went, not the scene.
_ELSEWHERE = re.compile(r"(?i)\b(?:hospitals?|clinic|morgue|evacuated|airlifted|taken to|transferred|"
                        r"flown to|fled to|hôpital|clinique|évacués?|transportés?|transférés?)\b[^.;]{0,30}$")
# "KABUL, Aug 26 (Reuters) - ", "MOGADISHU, Somalia (AP) — ", "LAKKI MARWAT: ": where the
# dispatch was filed, which is not where the event happened.
_DATELINE = re.compile(r"^\s*([A-Z][A-Z'’.\-]+(?: [A-Z][A-Z'’.\-]+)*)(?:,[^()\n]{0,60}?)?"
                       r"(?: \([A-Za-z ]+\))?\s*[-—–:]\s")
# "Yagha province", "la région de Tillabéri": the name is of an administrative area.
_ADMIN_BEFORE = re.compile(r"(?i)\b(?:region|province|state|district|county|governorate|prefecture|"
                           r"région|département|préfecture|cercle|wilaya|oblast)\s+(?:of\s+|de\s+|du\s+|d.)?$")
_ADMIN_AFTER = re.compile(r"(?i)^\s+(?:region|province|state|district|county|governorate|prefecture|"
                          r"local government area|oblast)\b")
# "le poste de gendarmerie de Torodi": a facility named by its town.
_FACILITY_OF = re.compile(r"(?i)\b(?:poste|camp|base|caserne|village|ville|localité|commune|marché|école|"
                          r"mosquée|église|quartier|prison|aéroport|gare|entrée|sortie|abords|périphérie)"
                          r"(?:\s+[\w'’-]+){0,2}\s+(?:de|d’|d')\s*$")
# "Fafa (Ansongo, Gao)", "Kakuma refugee camp (Turkana)": ACLED's and the press' way of
# giving a place's district and region.
_PAREN_AFTER = re.compile(r"^(?:\s+(?:town|village|city|area|camp|district|county))?\s*\(([^()]{2,80})\)")
_PAREN_BEFORE = re.compile(r"[\w'’.-]\s*\([^()]{0,80}$")
# "near X", "between X and Y", "N km from X", "outskirts of X": somewhere about X (precision 2).
_NEAR_BEFORE = re.compile(r"(?i)\b(?:near|nearby|outside|around|outskirts of|vicinity of|area of|between|"
                          r"(?:neighbou?rhood|quarter|suburbs?|estate|slum|quartier) (?:of|de)|"
                          r"km (?:from|of|north of|south of|east of|west of)|close to|près de|environs de|"
                          r"entre)\s+(?:the\s+)?(?:(?:town|village|city|locality) of\s+)?$")
# "25km east of X", "about 60 kilometres (40 miles) north of the town of X", "70 kms SE of X",
# "à 30 km au nord de X": a point that far from X, in that direction when one is given.
_BEARINGS = {"north": 0, "n": 0, "nord": 0, "northeast": 45, "ne": 45, "nordest": 45, "east": 90,
             "e": 90, "est": 90, "southeast": 135, "se": 135, "sudest": 135, "south": 180, "s": 180,
             "sud": 180, "southwest": 225, "sw": 225, "sudouest": 225, "west": 270, "w": 270,
             "ouest": 270, "northwest": 315, "nw": 315, "nordouest": 315}
_DISTANCE_BEFORE = re.compile(
    r"(?i)\b(\d+(?:[.,]\d+)?)\s*(km|kms|kilomet(?:er|re)s?|mi|miles?)\b(?:\s*\([^()]{0,25}\))?\s+"
    r"(?:(?:au\s+|à\s+l['’]\s*)?((?:north|south|nord|sud)(?:[- ]?(?:east|west|est|ouest))?|east|west|est|"
    r"ouest|NE|NW|SE|SW|N|S|E|W)(?:ern)?\s+)?(?:of|from|de|du|d['’])\s*(?:the\s+)?"
    r"(?:(?:town|village|city|locality|commune|(?:state |regional )?capital|ville|localité) (?:of|de)\s+)?$")
_MILE_KM = 1.609344
KM_PER_DEGREE = 111.32  # of latitude
# "Pisky, Donetsk", "Gilgil town (Nakuru county)": the division a place lies in.
_COMMA_AFTER = re.compile(r"^(?:\s+(?:town|village|city|area))?,\s+([A-Z][\w'’-]+(?:[ -][A-Z][\w'’-]+){0,2})")
# "in Chepkesin in Baringo North", "Kaburuet village in Lwakhakha": the area a place lies in.
_IN_AFTER = re.compile(r"^(?:\s+(?:town|village|city|area))?\s+in\s+(?:the\s+)?"
                       r"([A-Z][\w'’-]+(?:[ -][A-Z][\w'’-]+){0,2})")
# "the Kabala area of Bamako", "the Eastleigh neighbourhood of Nairobi": a part of a city.
_PART_OF_AFTER = re.compile(r"^\s+(?:area|neighbou?rhood|quarter|suburb|estate|slum|township|sector|"
                            r"district|quartier|secteur)\s+(?:of|in|de|du)\s+"
                            r"([A-Z][\w'’-]+(?:[ -][A-Z][\w'’-]+){0,2})")
PART_KM = 30.0  # a part of a city lies this close to it
CONTEXT_KM = 100.0  # a place lies this close to the town its bracket or comma names
CITY_POPULATION = 100_000  # "X, <city>": a city this large has neighbourhoods GeoNames may lack
_BETWEEN_SECOND = re.compile(r"(?i)\bbetween\s+[A-Z][\w'’ -]{1,40}?\s+and\s+$")
# "towards X", "to X", "from A to B": the far end of a route is not the scene.
_ROUTE_END = re.compile(r"(?i)\b(?:to|towards|toward|bound for|heading for|vers|à destination de)\s+$")
_FROM_BEFORE = re.compile(r"(?i)\bfrom\s+(?:the\s+)?(?:(?:town|village|city) of\s+)?$")
_TO_AFTER = re.compile(r"\s+(?:to|towards?)\s+(?:the\s+)?[A-Z]")
_ROUTE_START = re.compile(r"(?i)\bfrom\s+[A-Z][\w'’ -]{1,40}?\s+to\s+$")
# "the Dogon village of X", "Fulani herders", "Kikuyu and Maasai communities": a one-word name
# before these nouns is a people's (many peoples share their name with a place somewhere).
_PEOPLE_AFTER = re.compile(r"(?:\s+and\s+[A-Z][\w'’-]+)?\s+(?:villages?|hamlets?|communit(?:y|ies)|ethnic|"
                           r"tribes?(?:men)?|clans?(?:men)?|herd(?:er|sm[ae]n)s?|farmers?|traders?|"
                           r"militia(?:men)?|m[ae]n|wom[ae]n|elders?|families|family|people)\b")
# "told reporters in X", "a press conference in X", "an officer in X said": the source's place.
# Journalists and reporters are the source only when someone speaks to them ("told reporters in
# X"); "Journalists in Nyeri protested" are people of the event.
_SOURCE_PLACE = re.compile(r"(?i)\b(?:told|(?:briefed|addressed|informed|addressing|briefing)\s+(?:the\s+)?"
                           r"(?:reporters?|journalists|press)|press conference|spokes\w+|statement|"
                           r"said|speaking|conférence de presse|a déclaré)\b[^.;]{0,25}\b(?:in|at|à)\s+$")
# "attacked the village of X", "between X and Y", "in the area of X", "X, department of Y":
# words after which a capitalised word is a place name even when the place is a village
# (the gazetteer's toponym finder takes a small place's name only after such words).
_DIVISION_OF = re.compile(r"(?i)\b(?:department|dept|commune|municipality|prefecture|sub-?prefecture|"
                          r"sub-?county|constituency|ward|locality|location|cercle|circle|district|"
                          r"province|region|state|county|governorate|area|axis|hamlet|camp)\.?\s+"
                          r"(?:of\s+|de\s+|du\s+|d['’]\s*)?(?:the\s+)?$")
_CUE = re.compile("(?i)" + "|".join(p.pattern.removeprefix("(?i)") for p in (
    _LOCATIVE, _NEAR_BEFORE, _BETWEEN_SECOND, _DIVISION_OF)))
SCENE_TEXT = 4000  # characters of a report read for its places (an ACLED note is shorter)
# Weights of the signs of the report's country beside its place names (2 for a country's
# name, 2 for a place after "in", 1 for another mention, shared among a name's countries):
# an actor's nationality ("French troops", "an Egyptian peacekeeper") or a party's home
# country ("Fulani militia", "al-Shabaab") is often not where the event is.
DEMONYM_WEIGHT = 0.5
# A country's police and its civilians (villagers, farmers, students) are mostly at home: their
# demonym weighs as a mention of a place; people named as abroad ("an Egyptian peacekeeper",
# "Somali refugees", "two British nationals") say nothing of where the event is.
HOME_WEIGHT = 1.0
PEOPLE_WEIGHT = 0.5  # a people's name ("the Dogon village", "Pokot raiders"), shared among its
# countries by rank (place_peoples.toml lists the country most of the people lives in first)
HOME_ROLES = frozenset({"police", "civilians"})
# "near the Somali border", "the Uganda-Kenya border", "a Somalia-based group", "raiders from
# neighbouring Ethiopia": the country beyond the scene, or an actor's base, not where it is.
_BEYOND_AFTER = re.compile(r"(?i)(?:-based\b|(?:\s*-\s*[A-Z][\w'’]+)?\s+borders?\b|"
                           r"\s+side\s+of\s+the\s+border)")
_BEYOND_BEFORE = re.compile(r"(?i)\b(?:from|towards?)\s+(?:the\s+)?(?:neighbou?ring\s+)?$")
_WITHIN_BEFORE = re.compile(r"(?i)\b(?:inside|within)\s+(?:the\s+)?$")
_BORDER_WITH = re.compile(r"(?i)(?:['’]s)?\s+borders?\s+with\b")
_ABROAD_AFTER = re.compile(r"(?i)\s+(?:peace-?keep\w*|nationals?|embass(?:y|ies)|ambassadors?|diplomats?|"
                           r"tourists?|expatriates?|refugees?|asylum[- ]seekers?|migrants?|consulates?|"
                           r"envoys?)\b")
_CURRENCY_AFTER = re.compile(r"(?i)\s+dollars?\b")  # "the US dollar": a currency, not a place
PARTY_WEIGHT = 0.25
PARTY_TEXT = 600  # characters of a report whose named parties vote
STORE_PRIOR = 0.5
LEAD_PRIOR = 0.5  # the lead's focus (its names, demonyms and parties), as shares summing to 1
MAX_NAME_COUNTRIES = 3
LEAD_MARGIN = 1.1  # a country this far behind the leading one does not keep a name's reading
LOOSE_MATCH = 0.5  # the name quality of a transliteration-skeleton match (`Gazetteer.match`)
MAJOR_CITY = 100_000  # a city this large is known beyond its country
DOMINANCE = 10  # a place this many times as populous as its namesakes abroad is the one meant
MAIN_SHARE = 0.5
CLOSE_SCORE = 0.05  # readings of a name this close to the best are as likely
MIN_CONFIDENCE = 0.6
FAR_KM = 400.0  # below this a place outside the report's countries is not taken
SURE_SCORE = 0.8  # a reading this good stands even far from the report's named regions
PRECISION_WEIGHT = {1: 3.0, 2: 2.0, 3: 0.5}
UNBACKED_VOTE = 0.25  # a place name's vote for a country no other sign of the report supports
WORLD_CITY = 1_000_000  # a city this large is known the world over
BORDER_TOWN = 10_000  # a town this large near the report's countries may be the scene
FOREIGN_KM = 500.0  # a place this far from every country the report's signs favour is foreign
TIE = 1e-9  # scores this close are equal
NAMESAKE_TIE = 0.02  # readings of a name this close to the best are told apart by the report
NEIGHBOUR_KM = 60.0  # a namesake this close to another place of the report is the one meant


@dataclass
class ReportPlaces:
    article: Article
    lang: str
    countries: dict[str, float]
    anchors: list[tuple[float, float]]
    regions: list[tuple[float, float]] = field(default_factory=list)  # named provinces and states
    dateline_end: int = 0
    dateline: str | None = None
    prior: str | None = None  # the country the source gives (`Article.country`, its name)
    scene: SceneContext | None = None  # the report's places, read once (`SceneFinder.scene`)


@dataclass
class SceneContext:
    """What the report's places say about where it is: the countries its place names point
    to (with the lead's focus as a weaker prior), and the points of its unambiguous places."""

    countries: dict[str, float]
    anchors: list[tuple[float, float]]
    main: list[str]  # the report's own countries (at most two), best supported first
    # the countries the words other than place names and parties point to: country names,
    # the demonyms of police and civilians (at home), the source
    signed: frozenset[str] = frozenset()
    # the countries the signs other than place names favour (country names, demonyms, parties,
    # peoples, the source): empty when the report gives none
    evidence: frozenset[str] = frozenset()
    supported: frozenset[str] = frozenset()  # every country such a sign points to, however weakly
    # the names of the report's places that have readings in one country only, and that country
    unambiguous: dict[str, str] = field(default_factory=dict)
    # the countries only the nationality of the report's armed forces points to ("French
    # forces"), and those the other signs favour ("... JNIM militants": JNIM's countries)
    forces_only: frozenset[str] = frozenset()
    beyond_forces: frozenset[str] = frozenset()
    names: tuple[str, ...] = ()  # the report's place names
    # the first-level divisions the report's peoples live in and its groups operate in, as
    # (ISO3, `_area_key`), each with the number of its peoples and groups (place_homelands.toml)
    homelands: dict[tuple[str, str], int] = field(default_factory=dict)


class SceneFinder:
    """The scene of each event sentence of a report, and the report's own place."""

    def __init__(self, geocoder: Geocoder, kb: ActorKB) -> None:
        self.geocoder = geocoder
        self.kb = kb

    def report(self, article: Article, lang: str, sentences: list[Sentence]) -> ReportPlaces:
        lead = " ".join(s.text for s in sentences[:3])
        focus = _country_focus(self.kb, [article.title or "", lead, article.text])
        # Unambiguous places of the headline and lead say which country the report is about
        # even when it never names the country ("Tillabéri", "Kidal").
        for weight, text in ((3, article.title or ""), (2, lead)):
            for _start, end, name in self.geocoder.gazetteer.find_toponyms(text):
                if _CURRENCY_AFTER.match(text, end):
                    continue
                best = self.geocoder.best([name])
                if best and best[1] >= 0.8 and (best[0].population >= 100_000 or best[0].is_admin) \
                        and self._own_reading(name, best[0]) and self._unrivalled(name, best[0]):
                    focus[best[0].iso3] += weight
        # Named parties belong to a country ("Mungiki", "Police Forces of Kenya", "ODM"): a
        # weaker sign than a named place. The source's country is a prior, below the text.
        for a in self.kb.find(lead, lang):
            homes = _party_countries(self.kb, a)
            for country in homes:
                focus[country] += 1 / len(homes)
        prior = article.country or self._source_country(article.source)
        if prior:
            focus[prior] += 1
        total = sum(focus.values()) or 1
        ctx = ReportPlaces(article, lang, {k: v / total for k, v in focus.items()}, [], prior=prior)
        dateline = _DATELINE.match(article.text)
        if dateline:
            ctx.dateline_end, ctx.dateline = dateline.end(), dateline.group(1).title()
        return ctx

    def _country_beyond(self, text: str, start: int, end: int) -> bool:
        """Whether text[start:end] names a country beyond the scene (`_beyond`); a town "from"
        which a route starts is still the scene."""
        named = self.kb.countries_in(text[start:end])
        return bool(named) and named[0][2] >= end - start - 1 and _beyond(text, start, end)

    def _own_reading(self, name: str, place: Place) -> bool:
        """Whether `name` is the place's own name, or an alternate name of a city known the
        world over ("Bombay"): not a loose spelling, nor one of a city's many alternate names
        that a village elsewhere bears as its own ("Pensa" is one of Penza's)."""
        return any(p.geonameid == place.geonameid and (q >= 1.0 or p.population >= WORLD_CITY)
                   for p, q in self.geocoder.gazetteer.match(name, fuzzy=False))

    def _unrivalled(self, name: str, place: Place) -> bool:
        """Whether `place` is what `name` means anywhere: every reading of another country is
        far smaller, and none of an imported country bears the name as its own where `place`
        bears it as an alternate ("Tonka" is a Malian village's name and one of Tonk's, India)."""
        store = self.geocoder.gazetteer.store_countries()
        quality = {p.geonameid: q for p, q in self.geocoder.gazetteer.match(name, fuzzy=False)}
        own = quality.get(place.geonameid, 0.0) >= 1.0
        for p, _ in self._credible_readings(name, store):
            if p.iso3 == place.iso3:
                continue
            if p.population * DOMINANCE > place.population or (
                    not own and p.iso3 in store and quality.get(p.geonameid, 0.0) >= 1.0):
                return False
        return True

    def _source_country(self, source: str | None) -> str | None:
        """The country a source's name gives ("Daily Nation (Kenya)", "Kenya Standard", "OSCE
        SMM-Ukraine", "Ministry of Defence of Azerbaijan"): a national outlet or authority
        mostly reports on its country. A country's name counts, not a demonym ("Philippine
        News Agency" is a wire); an international broadcaster ("Radio France Internationale",
        "Voice of America") counts only by a country in brackets. None when the name gives
        none or several."""
        if not source:
            return None
        international = _international(source)
        found = set()
        for iso3, start, end in self.kb.countries_in(source):
            bracketed = source[:start].rstrip().endswith("(")
            if bracketed or (not international and self._is_country_name(source[start:end])):
                found.add(iso3)
        if not found:  # a national outlet's name ("Sidwaya", "Daily Nation"): its country
            found = _outlet_countries(source)
        return found.pop() if len(found) == 1 else None

    def _is_country_name(self, words: str) -> bool:
        return any(p.is_country for p, q in self.geocoder.gazetteer.match(words, fuzzy=False) if q >= 0.9)

    def _toponyms(self, text: str, doc, actors, skip: int = 0, verbs: list[int] | None = None,
                  countries: Iterable[str] | None = None, until: int | None = None) -> list[_Toponym]:
        """Place names of a sentence before `until`, each with how strongly its context says
        "there" (2: "in X", "attacked X", "X (Y, Z)"; 1: a mention), strongest first."""
        blocked = [(a.start, a.end) for a in actors if a.role == "named"] + [(0, skip)]
        if until is not None and until < len(text):
            blocked.append((until, len(text)))
        people = [(e.start_char, e.end_char) for e in doc.ents if e.label_ in PERSON_LABELS]
        spans = [(e.start_char, e.end_char, e.text) for e in doc.ents if e.label_ in TOPONYM_LABELS]
        spans += self.geocoder.gazetteer.find_toponyms(text, countries=countries, cue=_CUE)
        spans += [(m.start(1), m.end(1), m.group(1)) for m in _ties_pattern().finditer(text)
                  if m.group(1) in _districts()]  # neighbourhoods the gazetteer lacks
        found: dict[tuple[str, str], _Toponym] = {}
        for start, end, name in spans:
            if any(s <= start < e or s < end <= e for s, e in blocked):
                continue
            before = text[max(0, start - 40) : start]
            if _ELSEWHERE.search(before) or _SOURCE_PLACE.search(before):
                continue  # where the wounded were taken, where a source spoke
            if _PEOPLE_AFTER.match(text, end) and " " not in name:
                continue  # "the Dogon village of Lema", "Kikuyu farmers": a people, not a place
            if self._country_beyond(text, start, end) or _CURRENCY_AFTER.match(text, end):
                continue  # "near the Somali border", "raiders from Ethiopia", "the US dollar"
            locative = self._locative(text, start, end, before, people, verbs)
            if locative is None:
                continue
            # a name in the bracket after a place is its district or region ("Fafa (Ansongo, Gao)")
            admin = bool(_ADMIN_BEFORE.search(before) or _ADMIN_AFTER.match(text[end : end + 30])
                         or _PAREN_BEFORE.search(before))
            after = text[end : end + 90]
            part_of = _PART_OF_AFTER.match(after)
            paren = (part_of or _PAREN_AFTER.match(after) or _COMMA_AFTER.match(after)
                     or _IN_AFTER.match(after))
            bracket = text[max(0, start - 80) : start]
            district = bool(_PAREN_BEFORE.search(before)) and "," not in bracket[bracket.rfind("(") :]
            offset = _offset(text[max(0, start - 80) : start])
            near = (bool(_NEAR_BEFORE.search(before)) or offset is not None or text[end : end + 1] == "-"
                    or bool(_FROM_BEFORE.search(before) and _TO_AFTER.match(text, end)))
            key = (name, "admin" if admin else "town")
            old = found.get(key)
            if old is None or locative > old.locative:
                found[key] = _Toponym(name, key[1], locative, near, paren.group(1) if paren else None,
                                      district, offset, part_of is not None,
                                      bool(_PAREN_BEFORE.search(before)))
        return sorted(found.values(), key=lambda t: -t.locative)

    @staticmethod
    def _locative(text: str, start: int, end: int, before: str, people: list[tuple[int, int]],
                  verbs: list[int] | None) -> int | None:
        """2 when the words put the event at the name, 1 for a mere mention, None when the
        name is no place of this event (a person the model found, a route's far end)."""
        # "in X", "le poste de X", the object of the event's own words ("seized X"), or the
        # district and region given in brackets after a place ("Fafa (Ansongo, Gao)")
        right_after = any(0 <= start - end_of <= 4 for end_of in verbs or ())
        # "travelling from Garsen to Lamu": the route's start is where the event is about
        route_start = bool(_FROM_BEFORE.search(before)) and bool(_TO_AFTER.match(text, end))
        # "near X", "between X and", "in the area of X" put the event about X, as "in X" does
        cue = (_LOCATIVE.search(before) or _FACILITY_OF.search(before) or _NEAR_BEFORE.search(before)
               or right_after or route_start or _DISTANCE_BEFORE.search(text[max(0, start - 80) : start]))
        if _BETWEEN_SECOND.search(before) or _ROUTE_END.search(before) or _ROUTE_START.search(before) \
                or before.endswith("-"):
            cue = False  # "between A and B", "from A to B", "the A-B axis": A is the scene
        elif _PAREN_BEFORE.search(before):
            cue = True
        if cue:
            return 2
        # A name the model took for a person is a place only where the words say so.
        if any(s <= start < e or s < end <= e for s, e in people):
            return None
        return 1

    def place(self, text: str, doc, actors, ctx: ReportPlaces, skip: int = 0, lead: bool = False,
               verbs: list[int] | None = None, until: int | None = None) -> Location | None:
        """The place a sentence says its event happened. Past the lead, only a name the words
        put the event in ("in X", "near X") counts: "evacuated to X" is elsewhere."""
        best: tuple[Location | None, float] = (None, 0.0)
        main = self._scene(ctx).main
        toponyms = self._toponyms(text, doc, actors, skip, verbs, countries=main, until=until)
        # the sentence's regions first ("in Jesus Maria, in the state of Sinaloa"): a town's
        # homonyms far from the regions the report names are then set aside (`_locate`)
        # "X (Y, Z)", "X, Y", "X in Y": Y and Z are X's district and region, the scene only
        # when X is not found
        areas = {_division_key(part) for t in toponyms if t.context and not t.bracketed
                 for part in re.split(r"[,;/]| and ", t.context) if part.strip()}
        bracketed: tuple[Location | None, float] = (None, 0.0)
        qualified = False  # the best place so far is one whose area the words give
        for top in sorted(toponyms, key=lambda t: t.prefer != "admin"):
            if top.locative < 2 and not lead:
                continue
            found = self._locate(top.name, ctx, top.prefer, context=top.context, district=top.district,
                                 part_of=top.part_of)
            if found is None or (top.locative < 2 and found[0].iso3 not in main):
                continue
            location, score = found
            if top.near and location.geo_precision == 1:
                location = location.model_copy(update={"geo_precision": 2})
            if top.offset is not None:
                location = _moved(location, *top.offset)
            # A town beats a province, a province beats a country; "in X" beats a mention.
            rank = score * top.locative * PRECISION_WEIGHT[location.geo_precision]
            key = _division_key(top.name)
            if top.bracketed or any(key == a or a.startswith(key + " ") for a in areas):
                if rank > bracketed[1]:
                    bracketed = (location, rank)
            elif rank > best[1]:
                best = (location, rank)
                qualified = bool(top.context) and self._agrees(location, top.context or "", ctx)
        if not qualified and bracketed[1] > best[1]:
            best = bracketed
        place = best[0]
        if place and place.latitude is not None and place.geo_precision < 3:
            ctx.anchors.append((place.latitude, place.longitude))  # later names are read near it
        return place

    def _scene(self, ctx: ReportPlaces) -> SceneContext:
        """The countries the report's place names point to, and its unambiguous places:
        read once per report. A name found in several countries votes for each a share; a
        country the text names counts most; the lead's focus (which also counts demonyms
        and parties: "French troops", "Fulani militia") is a weaker prior."""
        if ctx.scene is not None:
            return ctx.scene
        gaz = self.geocoder.gazetteer
        text = f"{ctx.article.title or ''}\n{ctx.article.text[:SCENE_TEXT]}"
        mentions = self.kb.find(text, ctx.lang)
        signs, signed, worn = self._signs(ctx, text, mentions)
        votes = {iso3: STORE_PRIOR for iso3 in gaz.store_countries()}  # the user's own countries
        _add(votes, signs)
        _add(votes, {iso3: LEAD_PRIOR * share for iso3, share in ctx.countries.items()})
        evidence = _leading(signs)
        # the countries the user imported are theirs: a village there is no homonym
        supported = frozenset(k for k, v in signs.items() if v > 0) | frozenset(gaz.store_countries())
        weights = self._place_name_weights(text, mentions)
        readings_of = {name: self._credible_readings(name, gaz.store_countries()) for name in weights}
        unambiguous = {name: next(iter(homes)) for name, readings in readings_of.items()
                       if len(homes := {p.iso3 for p, _ in readings}) == 1}
        draft = SceneContext({}, [], [], evidence=evidence, supported=supported, unambiguous=unambiguous)
        named: list[list] = []
        for name, weight in weights.items():
            _add(votes, self._name_votes(name, weight, readings_of[name], draft))
            if readings_of[name] and weight >= 2.0:  # only the scenes' names mark the area
                named.append([p for p, _ in gaz.match(name, fuzzy=False) if not p.is_country])
        total = sum(votes.values()) or 1.0
        countries = {k: v / total for k, v in votes.items() if v > 0}
        main = _main_countries(countries)
        anchors = []
        if not _tied_countries(countries, main):  # else no name's reading marks the report's area
            for places in named:  # a name with one reading in the report's country marks its area
                here = [p for p in places if p.iso3 == main[0] and p.admin_level > 1]
                if len(here) == 1:
                    anchors.append((here[0].latitude, here[0].longitude))
        ctx.scene = SceneContext(countries, anchors, main, frozenset(signed), evidence, supported,
                                 unambiguous, *_forces_only(signs, worn), names=tuple(weights),
                                 homelands=_homelands_in(text))
        return ctx.scene

    def _signs(self, ctx: ReportPlaces, text: str, mentions: list[ActorMention],
               ) -> tuple[dict[str, float], set[str], dict[str, float]]:
        """The votes for countries of every sign but place names (the source, peoples, names
        of one country, country names and demonyms, parties), the countries the words say
        the report is about (a country's name, the demonym of people at home), and the part
        of each vote that is only the nationality of armed forces ("French troops", "Operation
        Barkhane"): forces fight abroad, so that alone never makes the country the place."""
        signs: dict[str, float] = {}
        worn: dict[str, float] = {}
        if ctx.prior:
            _add(signs, {ctx.prior: 1.0})
        for people in _peoples_pattern().finditer(text):
            homes = _peoples()[people.group(1)]
            ranks = sum(range(1, len(homes) + 1))
            for i, iso3 in enumerate(homes):  # the country most of the people lives in first
                _add(signs, {iso3: PEOPLE_WEIGHT * (len(homes) - i) / ranks})
        for tie in _ties_pattern().finditer(text):  # "NASA supporters", "riots in Kibera"
            _add(signs, {_ties()[tie.group(1)]: HOME_WEIGHT})
        for branch in _branches_pattern().finditer(text):  # "Katiba Macina (JNIM) militants"
            _add(signs, {_branches()[branch.group(1).lower()]: PARTY_WEIGHT})
        signed = {ctx.prior} if ctx.prior else set()
        at_home = {a.start for a in mentions if a.role in HOME_ROLES}
        forces = {a.start for a in mentions if a.role == "military"}
        for iso3, start, end in self.kb.countries_in(text):
            # "in Mali" says where; "Malian troops", "U.S. officials" say who; "Kenyan police",
            # "Malian villagers" are at home; "an Egyptian peacekeeper", "Somali refugees" abroad
            locative = bool(_LOCATIVE.search(text[max(0, start - 40) : start]))
            if _beyond(text, start, end) or _CURRENCY_AFTER.match(text, end) or (
                    not locative and _ABROAD_AFTER.match(text, end)):
                continue
            if locative:
                _add(signs, {iso3: 2.0})
            else:
                _add(signs, {iso3: HOME_WEIGHT if start in at_home else DEMONYM_WEIGHT})
                if start not in at_home and start in forces:
                    _add(worn, {iso3: DEMONYM_WEIGHT})
                if start not in at_home and not self._is_country_name(text[start:end]):
                    continue  # "Turkish forces", "Malian army": forces fight abroad too
            signed.add(iso3)
        for a in mentions:
            if a.start < PARTY_TEXT:
                homes = _party_countries(self.kb, a)
                for country in homes:  # JNIM: Mali, Burkina Faso, Niger, Benin, Togo
                    _add(signs, {country: PARTY_WEIGHT / len(homes)})
                    if a.actor is not None and a.actor.type == "State forces":
                        _add(worn, {country: PARTY_WEIGHT / len(homes)})
        return signs, signed, worn

    def _place_name_weights(self, text: str, mentions: list[ActorMention]) -> dict[str, float]:
        """Each place name of the report, as strongly as its best mention says it is the
        scene's area (2 "in X", 1 a mention, 0.5 where the wounded were taken)."""
        gaz = self.geocoder.gazetteer
        weights: dict[str, float] = {}
        parties = [(a.start, a.end) for a in mentions if a.role in ("named", "identity")]
        for start, end, name in gaz.find_toponyms(text, countries=gaz.store_countries(), cue=_CUE):
            if any(s <= start < e or s < end <= e for s, e in parties) or (
                    _PEOPLE_AFTER.match(text, end) and " " not in name):
                continue  # "Jubilee Party", "Pokot raiders", "the Dogon village": not places
            if self._country_beyond(text, start, end) or _CURRENCY_AFTER.match(text, end):
                continue  # "near the Somali border", "raiders from Ethiopia", "the US dollar"
            before = text[max(0, start - 40) : start]
            weight = 2.0 if (_LOCATIVE.search(before) or _PAREN_BEFORE.search(before)) else 1.0
            if _ELSEWHERE.search(before) or _SOURCE_PLACE.search(before):
                weight = 0.5  # "flown to Mexico City": the country, not the scene's area
            weights[name] = max(weights.get(name, 0.0), weight)
        return weights

    def _name_votes(self, name: str, weight: float, readings: list[tuple[Place, float]],
                    draft: SceneContext) -> dict[str, float]:
        """A place name's votes: each country's best reading as likely as it is; a homonym
        far from the country the report's actors and names point to cannot outvote them."""
        best: dict[str, float] = {}
        backed: set[str] = set()
        facts = self._name_facts(name)
        for p, sc in readings:
            best[p.iso3] = max(best.get(p.iso3, 0.0), sc)
            if self._backed(p, name, draft, facts):
                backed.add(p.iso3)
        total = sum(best.values())
        return {iso3: (1.0 if iso3 in backed else UNBACKED_VOTE) * weight * best[iso3] / total
                for iso3 in sorted(best)}  # in a fixed order: ties break alike every run

    def _credible_readings(self, name: str, store: Iterable[str] = ()) -> list[tuple[Place, float]]:
        """The entries a name most likely means, out of context, with their scores: the
        best-scored one, those of other countries close to it ("Baghdad" is Iraq's; "Fafa"
        is in Mali or Niger) and those of the countries the user imported (`store`: a
        village there is as likely as a town of that name abroad), unless the best is a city
        known the world over ("Kabul"; but "Tonka" is a Malian village's own name and only
        one of Tonk's, India). A loose spelling ("Inata" for Inada, Japan) counts only in an
        imported country. None when a name is found in too many countries to say anything."""
        store = set(store)
        matches = [(p, q) for p, q in self.geocoder.gazetteer.match(name)
                   if not p.is_country and (q > LOOSE_MATCH or p.iso3 in store)]
        if not matches:
            return []
        scored = sorted(((p, self.geocoder.score(p, q), q) for p, q in matches), key=lambda r: -r[1])
        best, top, best_q = scored[0]

        def kept(p: Place, sc: float, q: float) -> bool:
            if sc >= top - CLOSE_SCORE:
                return True
            if p.iso3 not in store:
                return False
            major = best.feature_class == "P" and best.population >= MAJOR_CITY \
                and best.population >= DOMINANCE * p.population  # a city, not a division
            return not major or (q >= 1.0 > best_q)

        credible = [(p, sc) for p, sc, q in scored if kept(p, sc, q)]
        # villages share names across many countries: only the credible readings count here
        return credible if len({p.iso3 for p, _ in credible}) <= MAX_NAME_COUNTRIES else []

    def _locate(self, name: str, ctx: ReportPlaces, prefer: str = "town", context: str | None = None,
                district: bool = False, part_of: bool = False) -> tuple[Location, float] | None:
        """A place name resolved in the report's context (`_read`), else the city a known
        neighbourhood of that name lies in ("Kibera": Nairobi, geo_precision 2)."""
        found = self._read(name, ctx, prefer, context, district, part_of)
        return found if found is not None else self._city_of_district(name, ctx)

    def _city_of_district(self, name: str, ctx: ReportPlaces) -> tuple[Location, float] | None:
        """The city of a neighbourhood the gazetteer lacks (place_ties.toml), unless the
        report's signs point to other countries only."""
        known = _districts().get(name)
        if known is None:
            return None
        iso3, city = known
        scene = self._scene(ctx)
        if scene.evidence and iso3 not in scene.supported:
            return None
        towns = [p for p, _ in self.geocoder.gazetteer.match(city, fuzzy=False)
                 if p.iso3 == iso3 and p.feature_class == "P"]
        if not towns:
            return None
        return self._about(max(towns, key=lambda p: p.population)), SURE_SCORE

    def _read(self, name: str, ctx: ReportPlaces, prefer: str = "town", context: str | None = None,
              district: bool = False, part_of: bool = False) -> tuple[Location, float] | None:
        """A place name resolved in the report's context, or None when no reading is credible.
        `context`: the bracket after the name ("Ansongo, Gao"), its district and region;
        `district`: the name is the first of such a bracket, so a part of its region is
        known (geo_precision 2 unless it is a first-level division)."""
        countries = self.kb.countries_in(name)
        if countries and countries[0][1] == 0 and countries[0][2] >= len(name) - 1:
            location = self.geocoder.country_location(countries[0][0])
            return (location, 0.5) if location else None
        scene = self._scene(ctx)
        ranked = self.geocoder.resolve([name], countries=scene.countries, near=ctx.anchors or scene.anchors,
                                       prefer=prefer)
        if context:
            inside = _within(ranked, context, self.geocoder.gazetteer.english_division)
            if not inside:
                city = self._context_city(context, ctx)
                if city is not None:
                    reach = PART_KM if part_of else CONTEXT_KM
                    inside = [(p, sc) for p, sc in ranked
                              if km(p.latitude, p.longitude, city.latitude, city.longitude) <= reach]
                    if not inside and (part_of or city.population >= CITY_POPULATION):
                        # "Eastleigh, Nairobi", "the Kabala area of Bamako": a part of the city
                        # GeoNames lacks is the city, about there (rule 6), not a namesake elsewhere
                        return self._about(city), SURE_SCORE  # as sure as the words are
            ranked = inside or ranked
        # A reading far from every region the report names, and not a sure one, is another
        # place of that name ("Jesús María" of Aguascalientes in a Sinaloa report): the
        # homonym inside the named regions wins even when an anchor elsewhere (a capital
        # named for another matter) pulls the ranking towards it.
        ranked = [(p, sc) for p, sc in ranked if sc >= SURE_SCORE or not _far(p, ctx.regions)]
        if not ranked:
            return None
        facts = self._name_facts(name)
        ranked = [(p, sc) for p, sc in ranked if self._backed(p, name, scene, facts)]
        if not ranked:
            return None  # only homonyms far from the report's country: the country stays
        store = self.geocoder.gazetteer.store_countries()
        ranked = _own_name_at_home(ranked, facts[0], scene.supported | frozenset(store), frozenset(store))
        credible = {p.geonameid for p, _ in self._credible_readings(name, store)}
        ranked = _in_leading_country(ranked, scene.countries, credible)
        ranked = self._among_namesakes(name, ranked, scene)
        if _tied(ranked):
            return None  # villages of one name in several countries, nothing to choose by
        place, score = ranked[0]
        if place.iso3 not in scene.main and (
                score < MIN_CONFIDENCE or not self.geocoder.gazetteer.match(name, fuzzy=False)):
            return None  # a loose spelling abroad ("Banh" -> Bāneh, Iran) is not this report's
        if scene.signed and place.iso3 not in scene.signed and not place.is_country \
                and fold_name(place.name) != fold_name(name):
            # the words say which countries the report is about ("Malian soldiers", "Kenyan
            # police"): a place elsewhere that bears the name only as one of its alternate
            # names ("Boni", one of Bonn's; "Tori", one of Turin's) is not the one meant
            return None
        location = self.geocoder.to_location(place)
        if prefer == "admin" and not place.is_country:
            # "Yagha province": the event is somewhere in it, not at its centre; "X (Ansongo,
            # Gao)": somewhere in Ansongo's district when X itself is unknown.
            precision = 2 if district and place.admin_level != 1 else 3
            location = location.model_copy(update={"geo_precision": precision})
            if location.latitude is not None:
                ctx.regions.append((location.latitude, location.longitude))
        return location, score

    def _among_namesakes(self, name: str, ranked: list[tuple[Place, float]],
                         scene: SceneContext) -> list[tuple[Place, float]]:
        """The readings of `name` with the one the report's other words point to first, when
        several are as likely (villages of one name, often in one country): the one near
        another place the report names ("between Madougou and Kondou"), else the one in a
        region where the report's people lives or its group operates ("the Dogon village
        of Douna", "Katiba Macina militants"). Unchanged when nothing tells them apart."""
        if len(ranked) < 2:
            return ranked
        first, top = ranked[0]
        # namesakes of one kind: a town and the division named after it are one answer
        tied = [(p, sc) for p, sc in ranked if sc >= top - NAMESAKE_TIE and not p.is_country
                and p.feature_class == first.feature_class]
        if len(tied) < 2:
            return ranked
        choice = self._near_other_places(name, tied, scene) or _in_homeland(tied, scene.homelands)
        if choice is None or choice is ranked[0]:
            return ranked
        return [(choice[0], top)] + [r for r in ranked if r is not choice]

    def _near_other_places(self, name: str, tied: list[tuple[Place, float]],
                           scene: SceneContext) -> tuple[Place, float] | None:
        """The one of `tied` that lies near a reading of another place the report names, or
        in a division it names; None when none does, or two do equally."""
        gaz = self.geocoder.gazetteer
        own = {p.geonameid for p, _ in tied}
        countries = {p.iso3 for p, _ in tied}
        folded = fold_name(name)
        others = [n for n in scene.names if fold_name(n) != folded]
        keys = {_area_key(n) for n in others}
        points = [(q.latitude, q.longitude) for n in others for q, _ in gaz.match(n, fuzzy=False)
                  if q.iso3 in countries and q.geonameid not in own and q.admin_level > 1]

        def distance(p: Place) -> float:
            if _area_key(p.admin1 or "") in keys or _area_key(p.admin2 or "") in keys:
                return 0.0
            return min((km(p.latitude, p.longitude, la, lo) for la, lo in points), default=math.inf)

        ranked = sorted(((distance(p), i) for i, (p, _) in enumerate(tied)))
        best, i = ranked[0]
        if best > NEIGHBOUR_KM or ranked[1][0] <= best + TIE:
            return None
        return tied[i]

    def _homeland_region(self, scene: SceneContext, iso3: str | None) -> Location | None:
        """The one first-level division of `iso3` where the report's people lives or its group
        operates (place_homelands.toml), or the one most of them point to ("Dogon" and "Katiba
        Macina": Mopti, not Ségou), at geo_precision 3; None when none or several as many."""
        areas = sorted(((n, key) for (country, key), n in scene.homelands.items() if country == iso3),
                       reverse=True)
        if not areas or (len(areas) > 1 and areas[1][0] == areas[0][0]):
            return None
        key = areas[0][1]
        for p, _ in self.geocoder.gazetteer.match(_homeland_names()[(iso3, key)]):
            if p.iso3 == iso3 and p.admin_level == 1 and _area_key(p.admin1 or p.name) == key:
                return self.geocoder.to_location(p).model_copy(update={"geo_precision": 3})
        return None

    def _name_facts(self, name: str) -> tuple[frozenset[int], frozenset[str]]:
        """The entries that bear `name` as their own, and the countries with a division of
        that name (whose namesake town is its seat: "Douentza" and the cercle of Douentza)."""
        exact = self.geocoder.gazetteer.match(name, fuzzy=False)
        return (frozenset(p.geonameid for p, q in exact if q >= 1.0),
                frozenset(p.iso3 for p, q in exact if p.is_admin and not p.is_country))

    def _backed(self, place: Place, name: str, scene: SceneContext,
                facts: tuple[frozenset[int], frozenset[str]]) -> bool:
        """Whether a reading of `name` may be the scene given what else the report says: it
        lies in a country a sign of the report points to (its country names, demonyms,
        parties, peoples; "AQIM" operates in Mali) or in the country of another of its
        places; or it bears the name as its own and is a city known the world over or lies
        near those countries (a border town). A place far from everything else the report
        names ("Kain" of a Burkinabe air strike is not Belgium's), or abroad and bearing the
        name only as an alternate or loose spelling ("Kassa" is one of Košice's), is not it."""
        if not scene.evidence or place.iso3 in scene.supported or place.is_country:
            return True
        if any(iso3 == place.iso3 for other, iso3 in scene.unambiguous.items() if other != name):
            return True
        if place.is_admin or place.population >= WORLD_CITY:
            return True  # a division or a city known the world over, however spelt
        own, divisions = facts
        if place.geonameid not in own:
            return False  # an alternate name or a loose spelling abroad
        return _known(place) or place.iso3 in divisions or self._near_evidence(place, scene)

    def _near_evidence(self, place: Place, scene: SceneContext) -> bool:
        """Whether a place is a town near a country the report's signs favour (a border town):
        a village of that name across the border is as likely one the gazetteer lacks at home."""
        if place.population < BORDER_TOWN:
            return False
        gaz = self.geocoder.gazetteer
        return min(gaz.km_to_country(place.latitude, place.longitude, iso3)
                   for iso3 in scene.evidence) <= FOREIGN_KM

    def _agrees(self, location: Location, context: str, ctx: ReportPlaces) -> bool:
        """Whether a place lies in the area the words give it ("Chepkesin in Baringo North",
        "Fafa (Ansongo, Gao)"): a division the context names, or near the town it names first."""
        parts = {_division_key(part) for part in re.split(r"[,;/]| and ", context) if part.strip()}
        for division in (location.admin1, location.admin2):
            key = _division_key(division or "")
            if key and any(key == part or key.startswith(part + " ") or part.startswith(key + " ")
                           for part in parts):
                return True
        city = self._context_city(context, ctx)
        return city is not None and location.latitude is not None and km(
            location.latitude, location.longitude, city.latitude, city.longitude) <= CONTEXT_KM

    def _context_city(self, context: str, ctx: ReportPlaces) -> Place | None:
        """The populated place a context names first ("Nairobi" of "Eastleigh, Nairobi"), in
        the report's countries."""
        first = re.split(r"[,;/]| and ", context)[0].strip()
        if not first:
            return None
        scene = self._scene(ctx)
        ranked = self.geocoder.resolve([first], countries=scene.countries, near=scene.anchors)
        towns = [p for p, _ in ranked if p.feature_class == "P" and (not scene.main or p.iso3 in scene.main)]
        return towns[0] if towns else None

    def _about(self, city: Place) -> Location:
        location = self.geocoder.to_location(city)
        return location.model_copy(update={"geo_precision": max(2, location.geo_precision)})

    def fallback(self, ctx: ReportPlaces, sentences: list[Sentence]) -> Location:
        """Where the report is, when an event sentence names no place: the lead's town, the
        dateline city when it is in the report's country, else the country."""
        regions = []
        main = self._scene(ctx).main
        for sentence in sentences[:3]:
            skip = max(0, ctx.dateline_end - sentence.start)
            named = [(a.start, a.end) for a in self.kb.find(sentence.text, ctx.lang) if a.role == "named"]
            for start, end, name in self.geocoder.gazetteer.find_toponyms(sentence.text, countries=main):
                if start < skip or any(s <= start < e or s < end <= e for s, e in named):
                    continue  # the dateline, or a place inside an actor's name ("katiba Macina")
                found = self._locate(name, ctx)
                if found and found[0].geo_precision < 3:
                    return found[0]
                if found and self.kb.countries_in(name) == []:
                    regions.append(found[0])
        if regions:  # "in North Kivu province" says more than the dateline's capital
            return regions[0]
        scene = self._scene(ctx)
        top = main[0] if main and not _tied_countries(scene.countries, main) else None
        if scene.signed and top not in scene.signed:  # the words' country, not a namesake's abroad
            top = min(scene.signed, key=lambda k: (-scene.countries.get(k, 0.0), k))
        elif scene.evidence and top not in scene.evidence:
            # the actors' and names' country, not that of a homonym of an unknown village
            top = _best_of(scene.evidence, scene.countries)
        if top in scene.forces_only and scene.beyond_forces:
            top = _best_of(scene.beyond_forces, scene.countries)  # not the forces' own country
        region = self._homeland_region(scene, top)
        if region is not None:  # "the Dogon village of X", X unknown: somewhere in Mopti region
            return region
        if ctx.dateline:
            found = self._locate(ctx.dateline, ctx)
            if found and (top is None or found[0].iso3 == top):
                return found[0]
        if top:
            location = self.geocoder.country_location(top)
            if location:
                return location
        return Location(name="Unknown", geo_precision=3)


@dataclass(frozen=True)
class _Toponym:
    """A place name of a sentence and what its words say of it."""

    name: str
    prefer: str  # "admin" when the text says "X region/province", else "town"
    locative: int  # 2: the event is there ("in X"); 1: a mention
    near: bool  # "near X", "between X and Y": somewhere about X (geo_precision 2)
    context: str | None  # the bracket or the division after it: "Ansongo, Gao"
    district: bool = False  # the first name of a bracket after a place: its district
    offset: tuple[float, float | None] | None = None  # "25 km east of X": (km, bearing)
    part_of: bool = False  # "X area of <city>": `context` is the city X is a part of
    bracketed: bool = False  # in the bracket after a place: its district or region ("Ansongo")


def _offset(before: str) -> tuple[float, float | None] | None:
    """(km, bearing in degrees or None) of "25km east of" ending `before`."""
    m = _DISTANCE_BEFORE.search(before)
    if m is None:
        return None
    km_ = float(m.group(1).replace(",", "."))
    if m.group(2).lower().startswith("mi"):
        km_ *= _MILE_KM
    way = m.group(3)
    return km_, (_BEARINGS.get(re.sub(r"[- ]", "", way.lower())) if way else None)


def _moved(location: Location, km_: float, bearing: float | None) -> Location:
    """The location `km_` from where it was, towards `bearing` (none: where it was), at
    geo_precision 2: "60 km north of Banikoara" is about there, not in Banikoara."""
    update: dict = {"geo_precision": max(2, location.geo_precision)}
    if bearing is not None and location.latitude is not None and location.longitude is not None:
        rad = math.radians(bearing)
        lat = location.latitude + km_ * math.cos(rad) / KM_PER_DEGREE
        per_degree_lon = KM_PER_DEGREE * max(0.01, math.cos(math.radians(lat)))
        lon = location.longitude + km_ * math.sin(rad) / per_degree_lon
        update |= {"latitude": round(lat, 5), "longitude": round(lon, 5)}
    return location.model_copy(update=update)


def _in_leading_country(ranked: list[tuple[Place, float]], countries: dict[str, float],
                        credible: set[int]) -> list[tuple[Place, float]]:
    """A report's events stay in its country unless the text says otherwise: when the
    name has a reading in the country the report's signs favour most, and the best reading
    lies in a country less favoured, the readings of the leading country come first
    ("Tonka" of a Mali report is Mali's village, not Tonk in India; "Eastleigh" of a Kenyan
    paper is Nairobi's). Only a reading credible out of context counts (`_credible_readings`):
    a report full of "U.S. troops" does not move Kabul to Cabool, Missouri."""
    if not countries or len(ranked) < 2:
        return ranked
    lead = max(countries.values())
    best = ranked[0][0]
    if countries.get(best.iso3, 0.0) * LEAD_MARGIN >= lead:
        return ranked
    here = [(p, sc) for p, sc in ranked if countries.get(p.iso3, 0.0) == lead and p.geonameid in credible]
    return here + [r for r in ranked if r not in here] if here else ranked


def _own_name_at_home(ranked: list[tuple[Place, float]], own: frozenset[int], home: frozenset[str],
                      imported: frozenset[str]) -> list[tuple[Place, float]]:
    """Without the readings of other countries that bear the name only as an alternate name
    or a loose spelling, when a place of one of the report's countries (its signs' and the
    imported ones) bears it as its own: "Boni" of a Mali report is Mali's Boni, not Bonnut,
    France, though French aircraft struck there; "Pama" is not Parma, Ohio, though an American
    was abducted there. A city known the world over keeps its alternate names ("Bombay"), and
    an imported country's villages theirs (local spellings the user's files give)."""
    owners = {p.iso3 for p, _ in ranked if p.geonameid in own and p.iso3 in home}
    if not owners:
        return ranked
    return [(p, sc) for p, sc in ranked
            if p.iso3 in owners or p.iso3 in imported or p.geonameid in own or p.population >= WORLD_CITY]


def _tied(ranked: list[tuple[Place, float]]) -> bool:
    """Whether the best reading has a rival in another country scored as high: the same
    village's name in two imported countries with nothing in the report to tell them apart
    (no country, party, people or other place of one of them, none larger). Choosing one
    would be arbitrary."""
    if len(ranked) < 2:
        return False
    best, top = ranked[0]
    return any(p.iso3 != best.iso3 and abs(sc - top) <= TIE for p, sc in ranked[1:])


def _known(place: Place) -> bool:
    """Whether a place is known beyond its surroundings: a division or the seat of one (a
    capital, a region's or district's chief town). Foreign forces
    ("French troops", "a Togolese peacekeeper") are named in reports of such places abroad;
    a village far from the report's countries is a homonym."""
    return place.is_admin or place.feature_code.startswith("PPLA") or place.feature_code == "PPLC"


def _add(votes: dict[str, float], more: dict[str, float]) -> None:
    """Add `more`'s votes to `votes`, in `more`'s order."""
    for iso3, weight in more.items():
        votes[iso3] = votes.get(iso3, 0.0) + weight


def _main_countries(countries: dict[str, float]) -> list[str]:
    """The report's own countries: those half as well supported as the best, at most two, and
    any as well supported as the second (no arbitrary cut among equals)."""
    if not countries:
        return []
    ranked = sorted(countries, key=lambda k: (-countries[k], k))
    main = [k for k in ranked if countries[k] >= MAIN_SHARE * countries[ranked[0]]]
    return [k for i, k in enumerate(main) if i < 2 or countries[k] >= countries[main[1]] - TIE]


def _best_of(candidates: frozenset[str], votes: dict[str, float]) -> str | None:
    """The best voted of `candidates`, None when two tie."""
    ranked = sorted(candidates, key=lambda k: (-votes.get(k, 0.0), k))
    if len(ranked) > 1 and abs(votes.get(ranked[0], 0.0) - votes.get(ranked[1], 0.0)) <= TIE:
        return None
    return ranked[0] if ranked else None


def _leading(votes: dict[str, float]) -> frozenset[str]:
    """The countries voted for at least half as strongly as the best one."""
    if not votes:
        return frozenset()
    top = max(votes.values())
    return frozenset(k for k, v in votes.items() if v > 0 and v >= MAIN_SHARE * top)


def _forces_only(signs: dict[str, float], worn: dict[str, float]) -> tuple[frozenset[str], frozenset[str]]:
    """The countries only the forces' nationality signs, and those the other signs favour."""
    own = {k: v - worn.get(k, 0.0) for k, v in signs.items() if v - worn.get(k, 0.0) > TIE}
    return frozenset(k for k in signs if k not in own), _leading(own)


def _tied_countries(countries: dict[str, float], main: list[str]) -> bool:
    """Whether the report's leading countries are as well supported as each other."""
    if len(main) < 2:
        return False
    return abs(countries.get(main[0], 0.0) - countries.get(main[1], 0.0)) <= TIE


def _far(place, points: list[tuple[float, float]]) -> bool:
    """Whether a place lies more than FAR_KM from each of `points` (none: not far)."""
    return bool(points) and min(km(place.latitude, place.longitude, lat, lon) for lat, lon in points) > FAR_KM


def _within(ranked: list, context: str, english=lambda name: name) -> list:
    """The candidates whose district or region the bracket names ("Fafa (Ansongo, Gao)"), by
    the division's own or English name ("Rafah (Rafah, North Sinai)": Shamāl Sīnā')."""
    parts = {_division_key(part) for part in re.split(r"[,;/]| and ", context) if part.strip()}

    def named(division: str | None) -> bool:  # "Veracruz" names "Veracruz de Ignacio de la Llave"
        for name in {division, english(division)}:
            key = _division_key(name or "")
            if key and any(key == part or key.startswith(part + " ") for part in parts if part):
                return True
        return False

    return [(p, sc) for p, sc in ranked if named(p.admin1) or named(p.admin2)]


_DIVISION_WORDS = re.compile(r"\b(?:region|cercle|county|district|province|department|departement|"
                             r"commune|prefecture|state|sub-county|subcounty|zone)\b")


def _in_homeland(tied: list[tuple[Place, float]],
                 homelands: dict[tuple[str, str], int]) -> tuple[Place, float] | None:
    """The first reading of `tied` that lies in one of the report's homelands
    (place_homelands.toml; its region is then right even when several lie there), None when
    none does or all do."""
    inside = [(p, sc) for p, sc in tied if (p.iso3, _area_key(p.admin1 or "")) in homelands]
    return inside[0] if inside and len(inside) < len(tied) else None


def _area_key(name: str) -> str:
    """A division's name reduced for comparing spellings ("Elgeyo/Marakwet", "Elgeyo-Marakwet
    County", "Ségou" and "Segou" alike)."""
    return re.sub(r"[^a-z0-9]", "", _division_key(name))


@lru_cache(maxsize=1)
def _homelands() -> dict[str, frozenset[tuple[str, str]]]:
    """A people's or a group's name -> its (ISO3, `_area_key`) divisions (place_homelands.toml)."""
    data = load_data("place_homelands.toml")
    found: dict[str, frozenset[tuple[str, str]]] = {}
    for table in ("peoples", "groups"):
        for name, areas in data.get(table, {}).items():
            found[name] = frozenset((a.split("/", 1)[0], _area_key(a.split("/", 1)[1])) for a in areas)
    return found


@lru_cache(maxsize=1)
def _homeland_names() -> dict[tuple[str, str], str]:
    """(ISO3, `_area_key`) -> the division's name as place_homelands.toml writes it."""
    found: dict[tuple[str, str], str] = {}
    for table in load_data("place_homelands.toml").values():
        for areas in table.values():
            for area in areas:
                iso3, name = area.split("/", 1)
                found[(iso3, _area_key(name))] = name
    return found


@lru_cache(maxsize=1)
def _homelands_pattern() -> re.Pattern[str]:
    """A people's (also in the plural) or a group's name as words of their own."""
    names = "|".join(re.escape(n) for n in sorted(_homelands(), key=len, reverse=True)) or "(?!)"
    return re.compile(rf"(?<![\w-])({names})s?(?![\w-])")


def _homelands_in(text: str) -> dict[tuple[str, str], int]:
    """The divisions the peoples and groups a text names live and operate in, each with the
    number of those peoples and groups."""
    names = {m.group(1) for m in _homelands_pattern().finditer(text)}
    return dict(Counter(area for name in names for area in _homelands()[name]))


def _division_key(name: str) -> str:
    """"Ansongo Cercle", "Kilifi County", "cercle d'Ansongo" -> "ansongo"."""
    folded = _DIVISION_WORDS.sub(" ", fold_name(name))
    folded = re.sub(r"^\s*(?:de|du|d|of)\s+", "", folded.strip())
    return " ".join(folded.split())


_QUALIFIED = re.compile(r"\([^()]+\)$")


@lru_cache(maxsize=1)
def _peoples() -> dict[str, list[str]]:
    """People's name -> the countries most of it lives in (place_peoples.toml)."""
    return {name: list(homes) for name, homes in load_data("place_peoples.toml").get("peoples", {}).items()
            if homes}


@lru_cache(maxsize=1)
def _peoples_pattern() -> re.Pattern[str]:
    """A people's name as a word of its own ("Dogon", "Tuaregs"; not "Bobo-Dioulasso")."""
    names = "|".join(re.escape(n) for n in sorted(_peoples(), key=len, reverse=True)) or "(?!)"
    return re.compile(rf"(?<![\w-])({names})s?(?![\w-])")


@lru_cache(maxsize=1)
def _districts() -> dict[str, tuple[str, str]]:
    """A city's neighbourhood -> (the city's country, the city) (place_ties.toml)."""
    found: dict[str, tuple[str, str]] = {}
    for iso3, cities in load_data("place_ties.toml").get("districts", {}).items():
        for city, parts in cities.items():
            found.update({part: (iso3, city) for part in parts})
    return found


@lru_cache(maxsize=1)
def _ties() -> dict[str, str]:
    """Name -> the one country it belongs to (place_ties.toml): a coalition, an institution,
    a city's neighbourhood."""
    ties = {name: iso3 for name, (iso3, _) in _districts().items()}
    ties.update({name: iso3 for name, iso3 in load_data("place_ties.toml").get("ties", {}).items() if iso3})
    return ties


@lru_cache(maxsize=1)
def _ties_pattern() -> re.Pattern[str]:
    """A tie's name as a word of its own, also in the possessive ("Kibaki's", and "Kibakis"
    as notes often write it without the apostrophe)."""
    names = "|".join(re.escape(n) for n in sorted(_ties(), key=len, reverse=True)) or "(?!)"
    return re.compile(rf"(?<![\w-])({names})(?:['’]?s)?(?![\w-])")


@lru_cache(maxsize=1)
def _branches() -> dict[str, str]:
    """A group's branch, lower-cased -> the one country it operates in mostly (place_ties.toml)."""
    return {name.lower(): iso3 for name, iso3 in load_data("place_ties.toml").get("branches", {}).items()}


@lru_cache(maxsize=1)
def _branches_pattern() -> re.Pattern[str]:
    names = "|".join(re.escape(n) for n in sorted(_branches(), key=len, reverse=True)) or "(?!)"
    return re.compile(rf"(?i)(?<![\w-])({names})(?![\w-])")


@lru_cache(maxsize=1)
def _international_media() -> tuple[str, ...]:
    return tuple(fold_name(n) for n in load_data("place_stopwords.toml").get("international_media", []))


@lru_cache(maxsize=1)
def _outlets() -> dict[str, str]:
    """A national outlet's folded name -> its country (place_outlets.toml)."""
    outlets = load_data("place_outlets.toml").get("outlets", {})
    return {fold_name(name): iso3 for name, iso3 in outlets.items()}


def _outlet_countries(source: str) -> set[str]:
    """The countries of the national outlets a source names, each part of it ("Le Pays;
    Sidwaya") as a whole or by its start."""
    found = set()
    for part in re.split(r"[;,/]", source):
        folded = fold_name(part).strip()
        found |= {iso3 for name, iso3 in _outlets().items()
                  if folded == name or folded.startswith(name + " ")}
    return found


def _international(source: str) -> bool:
    """Whether a source is an international broadcaster named after its home country."""
    folded = fold_name(source)
    return any(name in folded for name in _international_media())


def _party_countries(kb: ActorKB, mention: ActorMention) -> tuple[str, ...]:
    """The countries a named party belongs to or operates in (actors.toml: JNIM in Mali,
    Burkina Faso, Niger, Benin and Togo; al-Shabaab in Somalia, Kenya and Ethiopia), as a
    sign of where its report is. None for foreign forces (a peacekeeping mission acts abroad)
    and for a community's label that names its country in
    brackets, as ACLED's do ("Fulani Ethnic Militia (Nigeria)": Fulani live on both sides
    of many borders)."""
    actor = mention.actor
    if mention.role != "named" or actor is None or actor.type == "External/Other forces":
        return ()
    if actor.type == "Identity militia" and _QUALIFIED.search(actor.name):
        return ()
    return kb.operates_in(actor.name) or ((actor.country,) if actor.country else ())


def _beyond(text: str, start: int, end: int) -> bool:
    """Whether the country named at text[start:end] is beyond the scene: a border, a base,
    the origin of attackers ("from neighbouring Ethiopia") or a destination."""
    before = text[max(0, start - 30) : start]
    if _WITHIN_BEFORE.search(before) or _BORDER_WITH.match(text, end):
        return False  # "inside the Kenyan border", "near Kenya's border with Ethiopia": this side
    if _BEYOND_AFTER.match(text, end) or _BEYOND_BEFORE.search(before):
        return True
    pair = re.search(r"[A-Z][\w'’]+\s*-\s*$", before)
    return bool(pair) and bool(re.match(r"\s+borders?\b", text[end:]))


def _country_focus(kb: ActorKB, texts: list[str]) -> Counter[str]:
    """Countries named in the title (3), the lead (2) and the rest (1)."""
    focus: Counter[str] = Counter()
    for weight, text in zip((3, 2) + (1,) * len(texts), texts, strict=False):
        for iso3, start, end in kb.countries_in(text):
            if not _beyond(text, start, end) and not _CURRENCY_AFTER.match(text, end):
                focus[iso3] += weight
    return focus
