"""The extraction pipeline: articles in, event records out.

read -> detect -> (spaCy on candidate sentences) -> actors, places, dates, tolls ->
assemble (group and type) -> merge. `Extractor` holds the models and knowledge bases,
loaded once; it has no other state, so one instance serves any number of batches.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..models import Article, Event, Evidence, Location, Sentence
from . import assemble, toll
from .actors import ActorKB
from .detect import find_triggers
from .folding import fold_name
from .merge import merge_events
from .nlp import eventive, load_model, model_language, ongoing, split_sentences
from .places.gazetteer import Gazetteer
from .places.gazetteer import haversine_km as km
from .places.geocoder import Geocoder
from .read import detect_language
from .timex import find_dates
from .truecase import needs_truecasing, truecase

if TYPE_CHECKING:
    from .learned.model import LearnedModel

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
SUPPORTED_LANGUAGES = ("en", "fr")  # the languages whose lexicons and models ship
# "Fafa (Ansongo, Gao)", "Kakuma refugee camp (Turkana)": ACLED's and the press' way of
# giving a place's district and region.
_PAREN_AFTER = re.compile(r"^\s*\(([^()]{2,80})\)")
_PAREN_BEFORE = re.compile(r"[\w'’.-]\s*\([^()]{0,80}$")
# "near X", "between X and Y", "N km from X", "outskirts of X": somewhere about X (precision 2).
_NEAR_BEFORE = re.compile(r"(?i)\b(?:near|nearby|outside|around|outskirts of|vicinity of|area of|between|"
                          r"km (?:from|of|north of|south of|east of|west of)|close to|près de|environs de|"
                          r"entre)\s+(?:the\s+)?(?:(?:town|village|city|locality) of\s+)?$")
_BETWEEN_SECOND = re.compile(r"(?i)\bbetween\s+[A-Z][\w'’ -]{1,40}?\s+and\s+$")
# "towards X", "to X", "from A to B": the far end of a route is not the scene.
_ROUTE_END = re.compile(r"(?i)\b(?:to|towards|toward|bound for|heading for|vers|à destination de)\s+$")
_ROUTE_START = re.compile(r"(?i)\bfrom\s+[A-Z][\w'’ -]{1,40}?\s+to\s+$")
# "told reporters in X", "a press conference in X", "an officer in X said": the source's place.
_SOURCE_PLACE = re.compile(r"(?i)\b(?:told|reporters?|press conference|journalists|spokes\w+|statement|"
                           r"said|speaking|conférence de presse|a déclaré)\b[^.;]{0,25}\b(?:in|at|à)\s+$")
SCENE_TEXT = 4000  # characters of a report read for its places (an ACLED note is shorter)
# Weights of the signs of the report's country beside its place names (2 for a country's
# name, 2 for a place after "in", 1 for another mention, shared among a name's countries):
# an actor's nationality ("French troops", "an Egyptian peacekeeper") or a party's home
# country ("Fulani militia", "al-Shabaab") is often not where the event is.
DEMONYM_WEIGHT = 0.5
PARTY_WEIGHT = 0.25
STORE_PRIOR = 0.25
LEAD_PRIOR = 0.5  # the lead's focus (its names, demonyms and parties), as shares summing to 1
MAX_NAME_COUNTRIES = 3
MAIN_SHARE = 0.5
CLOSE_SCORE = 0.05  # readings of a name this close to the best are as likely
MIN_CONFIDENCE = 0.6
FAR_KM = 400.0  # below this a place outside the report's countries is not taken
SURE_SCORE = 0.8  # a reading this good stands even far from the report's named regions
PRECISION_WEIGHT = {1: 3.0, 2: 2.0, 3: 0.5}
_CLAIM_CUE = re.compile(
    r"(?i)claim|denied|denies|statement|communiqué|revendiqu|démenti|under control|assured|"
    r"according to|selon|said|told|a déclaré|a affirmé|a annoncé")
MAX_CANDIDATES = 60  # sentences analysed in depth per article: a 5 MB page stays bounded
CHUNK = 64  # articles whose candidate sentences go through spaCy together


@dataclass
class _Prepared:
    article: Article  # as the stages read it (truecased when it came all in one case)
    lang: str
    sentences: list[Sentence]
    candidates: list[tuple[Sentence, list]]
    original: Article  # as it came: the evidence quotes it


@dataclass
class _Context:
    article: Article
    lang: str
    countries: dict[str, float]
    anchors: list[tuple[float, float]]
    regions: list[tuple[float, float]] = field(default_factory=list)  # named provinces and states
    dateline_end: int = 0
    dateline: str | None = None
    scene: _SceneContext | None = None  # the report's places, read once (`Extractor._scene`)


@dataclass
class _SceneContext:
    """What the report's places say about where it is: the countries its place names point
    to (with the lead's focus as a weaker prior), and the points of its unambiguous places."""

    countries: dict[str, float]
    anchors: list[tuple[float, float]]
    main: list[str]  # the report's own countries (at most two), best supported first


class Extractor:
    """Extract ACLED-style events from articles. Models and data load once, lazily."""

    def __init__(self, kb: ActorKB | None = None, gazetteer: Gazetteer | None = None,
                 tolls: toll.TollPolicy = "conservative", model: LearnedModel | None = None) -> None:
        self.kb = kb or ActorKB.load()
        self.geocoder = Geocoder(gazetteer or Gazetteer.load())
        self.tolls = tolls
        # -- learned model (conflictwire.learn): its actors, places and type classifier
        self.model = model
        if model is not None:
            self.kb = model.actor_kb(self.kb)
            self.geocoder = Geocoder(model.gazetteer(self.geocoder.gazetteer))

    # -- public -------------------------------------------------------------------
    def extract_batch(self, articles: Iterable[Article]) -> list[Event]:
        """Events of a batch of reports, reports of one event merged (rule 8)."""
        events: list[Event] = []
        chunk: list[Article] = []
        for article in articles:
            chunk.append(article)
            if len(chunk) == CHUNK:
                events.extend(e for found in self.extract_each(chunk) for e in found)
                chunk = []
        events.extend(e for found in self.extract_each(chunk) for e in found)
        return merge_events(events)

    @staticmethod
    def unsupported(article: Article) -> str | None:
        """Why this extractor does not read the article (its language), or None."""
        lang = language_of(article)
        if lang in SUPPORTED_LANGUAGES:
            return None
        return f"language {lang!r} is not supported; English and French are"

    def extract_article(self, article: Article) -> list[Event]:
        return self.extract_each([article])[0]

    def extract_each(self, articles: list[Article]) -> list[list[Event]]:
        """Each article's own events, unmerged; spaCy runs once over all their candidate
        sentences (a chunk of reports costs far less than each on its own)."""
        prepared = [self._prepare(a) for a in articles]
        texts: dict[str, list[str]] = {}
        for p in prepared:
            if p:
                texts.setdefault(model_language(p.lang), []).extend(s.text for s, _ in p.candidates)
        docs = {lang: load_model(lang).pipe(batch, batch_size=128) for lang, batch in texts.items()}
        found: list[list[Event]] = []
        for p in prepared:
            if p is None:
                found.append([])
                continue
            stream = docs[model_language(p.lang)]
            events = self._events(p, [next(stream) for _ in p.candidates])
            found.append(_quoting(events, p.original) if p.original is not p.article else events)
        return found

    def _prepare(self, article: Article) -> _Prepared | None:
        """The cheap pass: language, sentences and the candidates that can hold an event."""
        lang = language_of(article)
        original = article
        if needs_truecasing(article.text):
            article = article.model_copy(update={
                "text": truecase(article.text, self.kb, self.geocoder.gazetteer, lang),
                "title": truecase(article.title, self.kb, self.geocoder.gazetteer, lang) if article.title
                else article.title})
        sentences = split_sentences(article.text)
        candidates = [(s, t) for s in sentences if (t := find_triggers(s.text, lang))][:MAX_CANDIDATES]
        if not candidates and self.model is not None and sentences:  # the user's coders' words for an event
            learned = self.model.triggers([s.text for s in sentences], lang)
            candidates = [(s, t) for s, t in zip(sentences, learned, strict=True) if t][:MAX_CANDIDATES]
        if not candidates or assemble.off_topic(article.text, lang):
            return None
        return _Prepared(article, lang, sentences, candidates, original)

    def _events(self, prepared: _Prepared, docs: list) -> list[Event]:
        article, lang, sentences, candidates = (prepared.article, prepared.lang, prepared.sentences,
                                                prepared.candidates)
        ctx = self._context(article, lang, sentences)
        mentions: list[assemble.Mention] = []
        last_date = None
        story_days = self._story_days(sentences[: candidates[-1][0].index + 1], article, lang)
        latest_year = None if article.published else _latest_year(article.text)
        for (sentence, triggers), doc in zip(candidates, docs, strict=True):
            m = self._mention(sentence, triggers, doc, ctx)
            assemble.judge_time(m, article.published, last_date, latest_year)
            # The lead tells the news, in headline style too ("Police battle Mungiki sect",
            # "Protests over fuel prices"): only later sentences can be a state or a habit.
            headline = sentence.index == 0 and not ongoing(doc)
            m.generic = m.date is None and not headline and not eventive(doc, lang)
            if m.date and not m.background:
                last_date = m.date
            m.context_date = story_days.get(sentence.index)
            mentions.append(m)
        fallback = self._fallback_place(ctx, sentences)
        default_date = self._default_date(mentions, article, sentences, lang)
        drafts = assemble.group(mentions, default_date, fallback)
        claim_sentences = self._claim_sentences(sentences, drafts)
        early = " ".join(t for t in [article.title or ""] + [x.text for x in sentences[:3]]
                         if not assemble.SUSPICION.search(t))
        known = assemble.story_group(mentions, [a for a in self.kb.find(early, lang)
                                                 if not assemble.affiliated(early, a)])
        return assemble.share_perpetrators([
            assemble.build(d, article, lang, self.kb, fallback, claim_sentences.get(i, []), sentences,
                           known, self.tolls, self.model)
            for i, d in enumerate(drafts)
        ])

    # -- stages -------------------------------------------------------------------
    def _context(self, article: Article, lang: str, sentences: list[Sentence]) -> _Context:
        lead = " ".join(s.text for s in sentences[:3])
        focus = assemble.country_focus(self.kb, [article.title or "", lead, article.text])
        # Unambiguous places of the headline and lead say which country the report is about
        # even when it never names the country ("Tillabéri", "Kidal").
        for weight, text in ((3, article.title or ""), (2, lead)):
            for _start, _end, name in self.geocoder.gazetteer.find_toponyms(text):
                best = self.geocoder.best([name])
                if best and best[1] >= 0.8 and (best[0].population >= 100_000 or best[0].is_admin):
                    focus[best[0].iso3] += weight
        # Named parties belong to a country ("Mungiki", "Police Forces of Kenya", "ODM"): a
        # weaker sign than a named place. The source's country is a prior, below the text.
        for a in self.kb.find(lead, lang):
            if a.role == "named" and a.actor and a.actor.country:
                focus[a.actor.country] += 1
        if article.country:
            focus[article.country] += 1
        total = sum(focus.values()) or 1
        ctx = _Context(article, lang, {k: v / total for k, v in focus.items()}, [])
        dateline = _DATELINE.match(article.text)
        if dateline:
            ctx.dateline_end, ctx.dateline = dateline.end(), dateline.group(1).title()
        return ctx

    def _mention(self, sentence: Sentence, triggers, doc, ctx: _Context) -> assemble.Mention:
        text = sentence.text
        # "..., two days after an attack that killed 12": the event is told before the clause
        # about another one; its words, parties, dates, counts and places are not this event's.
        told = assemble.telling_clause_end(text, ctx.lang)
        own = text[:told]
        actors = [a for a in self.kb.find(text, ctx.lang) if a.start < told]
        m = assemble.Mention(
            sentence=sentence,
            triggers=[t for t in triggers if t.start < told],
            actors=actors,
            dates=find_dates(own, ctx.article.published, ctx.lang),
            figures=toll.figures(own, ctx.lang),
            lang=ctx.lang,
        )
        skip = max(0, ctx.dateline_end - sentence.start) if sentence.start < ctx.dateline_end else 0
        m.place = self._place(text, doc, actors, ctx, skip, lead=sentence.index < 2,
                              verbs=[t.end for t in m.triggers], until=told)
        if m.place and m.place.latitude is not None and m.place.geo_precision < 3:
            ctx.anchors.append((m.place.latitude, m.place.longitude))
        return m

    def _toponyms(self, text: str, doc, actors, skip: int = 0, verbs: list[int] | None = None,
                  countries: Iterable[str] | None = None, until: int | None = None) -> list[_Toponym]:
        """Place names of a sentence before `until`, each with how strongly its context says
        "there" (2: "in X", "attacked X", "X (Y, Z)"; 1: a mention), strongest first."""
        blocked = [(a.start, a.end) for a in actors if a.role == "named"] + [(0, skip)]
        if until is not None and until < len(text):
            blocked.append((until, len(text)))
        people = [(e.start_char, e.end_char) for e in doc.ents if e.label_ in PERSON_LABELS]
        spans = [(e.start_char, e.end_char, e.text) for e in doc.ents if e.label_ in TOPONYM_LABELS]
        spans += self.geocoder.gazetteer.find_toponyms(text, countries=countries)
        found: dict[tuple[str, str], _Toponym] = {}
        for start, end, name in spans:
            if any(s <= start < e or s < end <= e for s, e in blocked):
                continue
            before = text[max(0, start - 40) : start]
            if _ELSEWHERE.search(before) or _SOURCE_PLACE.search(before):
                continue  # where the wounded were taken, where a source spoke
            locative = self._locative(text, start, end, before, people, verbs)
            if locative is None:
                continue
            # a name in the bracket after a place is its district or region ("Fafa (Ansongo, Gao)")
            admin = bool(_ADMIN_BEFORE.search(before) or _ADMIN_AFTER.match(text[end : end + 30])
                         or _PAREN_BEFORE.search(before))
            paren = _PAREN_AFTER.match(text[end : end + 90])
            near = bool(_NEAR_BEFORE.search(before))
            key = (name, "admin" if admin else "town")
            old = found.get(key)
            if old is None or locative > old.locative:
                found[key] = _Toponym(name, key[1], locative, near, paren.group(1) if paren else None)
        return sorted(found.values(), key=lambda t: -t.locative)

    @staticmethod
    def _locative(text: str, start: int, end: int, before: str, people: list[tuple[int, int]],
                  verbs: list[int] | None) -> int | None:
        """2 when the words put the event at the name, 1 for a mere mention, None when the
        name is no place of this event (a person the model found, a route's far end)."""
        # "in X", "le poste de X", the object of the event's own words ("seized X"), or the
        # district and region given in brackets after a place ("Fafa (Ansongo, Gao)")
        right_after = any(0 <= start - end_of <= 4 for end_of in verbs or ())
        # "near X", "between X and", "in the area of X" put the event about X, as "in X" does
        cue = (_LOCATIVE.search(before) or _FACILITY_OF.search(before) or _NEAR_BEFORE.search(before)
               or right_after)
        if _BETWEEN_SECOND.search(before) or _ROUTE_END.search(before) or _ROUTE_START.search(before):
            cue = False  # "between A and B", "from A to B": A is the scene
        elif _PAREN_BEFORE.search(before):
            cue = True
        if cue:
            return 2
        # A name the model took for a person is a place only where the words say so.
        if any(s <= start < e or s < end <= e for s, e in people):
            return None
        return 1

    def _place(self, text: str, doc, actors, ctx: _Context, skip: int = 0, lead: bool = False,
               verbs: list[int] | None = None, until: int | None = None) -> Location | None:
        """The place a sentence says its event happened. Past the lead, only a name the words
        put the event in ("in X", "near X") counts: "evacuated to X" is elsewhere."""
        best: tuple[Location | None, float] = (None, 0.0)
        main = self._scene(ctx).main
        toponyms = self._toponyms(text, doc, actors, skip, verbs, countries=main, until=until)
        # the sentence's regions first ("in Jesus Maria, in the state of Sinaloa"): a town's
        # homonyms far from the regions the report names are then set aside (`_locate`)
        for top in sorted(toponyms, key=lambda t: t.prefer != "admin"):
            if top.locative < 2 and not lead:
                continue
            found = self._locate(top.name, ctx, top.prefer, context=top.context)
            if found is None or (top.locative < 2 and found[0].iso3 not in main):
                continue
            location, score = found
            if top.near and location.geo_precision == 1:
                location = location.model_copy(update={"geo_precision": 2})
            # A town beats a province, a province beats a country; "in X" beats a mention.
            rank = score * top.locative * PRECISION_WEIGHT[location.geo_precision]
            if rank > best[1]:
                best = (location, rank)
        return best[0]

    def _scene(self, ctx: _Context) -> _SceneContext:
        """The countries the report's place names point to, and its unambiguous places:
        read once per report. A name found in several countries votes for each a share; a
        country the text names counts most; the lead's focus (which also counts demonyms
        and parties: "French troops", "Fulani militia") is a weaker prior."""
        if ctx.scene is not None:
            return ctx.scene
        gaz = self.geocoder.gazetteer
        text = f"{ctx.article.title or ''}\n{ctx.article.text[:SCENE_TEXT]}"
        votes: dict[str, float] = {}

        def vote(iso3: str, weight: float) -> None:
            votes[iso3] = votes.get(iso3, 0.0) + weight

        for iso3 in gaz.store_countries():
            vote(iso3, STORE_PRIOR)  # the user imported the countries their reports are about
        if ctx.article.country:
            vote(ctx.article.country, 1.0)
        for iso3, start, _end in self.kb.countries_in(text):
            # "in Mali" says where; "Malian troops", "U.S. officials" say who
            there = _LOCATIVE.search(text[max(0, start - 40) : start])
            vote(iso3, 2.0 if there else DEMONYM_WEIGHT)
        for a in self.kb.find(text[:600], ctx.lang):
            if a.role == "named" and a.actor and a.actor.country:
                vote(a.actor.country, PARTY_WEIGHT)
        named: list[list] = []
        for iso3, share in ctx.countries.items():
            vote(iso3, LEAD_PRIOR * share)
        weights: dict[str, float] = {}  # each name votes once, as strongly as its best mention
        for start, _end, name in gaz.find_toponyms(text, countries=gaz.store_countries()):
            before = text[max(0, start - 40) : start]
            weight = 2.0 if (_LOCATIVE.search(before) or _PAREN_BEFORE.search(before)) else 1.0
            if _ELSEWHERE.search(before) or _SOURCE_PLACE.search(before):
                weight = 0.5  # "flown to Mexico City": the country, not the scene's area
            weights[name] = max(weights.get(name, 0.0), weight)
        for name, weight in weights.items():
            readings = self._credible_readings(name)
            isos = sorted({p.iso3 for p in readings})  # in a fixed order: ties break alike every run
            for iso3 in isos:
                vote(iso3, weight / len(isos))
            if readings and weight >= 2.0:  # only the scenes' names mark the area
                named.append([p for p, _ in gaz.match(name, fuzzy=False) if not p.is_country])
        total = sum(votes.values()) or 1.0
        countries = {k: v / total for k, v in votes.items() if v > 0}
        top = min(countries, key=lambda k: (-countries[k], k)) if countries else None
        # the report's own countries: those half as well supported as the best
        main = [k for k in sorted(countries, key=lambda k: (-countries[k], k))
                if countries[k] >= MAIN_SHARE * countries[top]][:2] if top else []
        anchors = []
        for places in named:  # a name with one reading in the report's country marks its area
            here = [p for p in places if p.iso3 == top and p.admin_level > 1]
            if len(here) == 1:
                anchors.append((here[0].latitude, here[0].longitude))
        ctx.scene = _SceneContext(countries, anchors, main)
        return ctx.scene

    def _credible_readings(self, name: str) -> list:
        """The entries a name most likely means, out of context: the best-scored one and
        those of other countries close to it ("Baghdad" is Iraq's; "Fafa" is in Mali or
        Niger). None when a name is found in too many countries to say anything."""
        ranked = [(p, sc) for p, sc in self.geocoder.candidates(name) if not p.is_country]
        if not ranked or len({p.iso3 for p, _ in ranked}) > MAX_NAME_COUNTRIES:
            return []
        top = ranked[0][1]
        return [p for p, sc in ranked if sc >= top - CLOSE_SCORE]

    def _locate(self, name: str, ctx: _Context, prefer: str = "town", context: str | None = None
                ) -> tuple[Location, float] | None:
        """A place name resolved in the report's context, or None when no reading is credible.
        `context`: the bracket after the name ("Ansongo, Gao"), its district and region."""
        countries = self.kb.countries_in(name)
        if countries and countries[0][1] == 0 and countries[0][2] >= len(name) - 1:
            location = self.geocoder.country_location(countries[0][0])
            return (location, 0.5) if location else None
        scene = self._scene(ctx)
        ranked = self.geocoder.resolve([name], countries=scene.countries, near=ctx.anchors or scene.anchors,
                                       prefer=prefer)
        if context:
            ranked = _within(ranked, context) or ranked
        # A reading far from every region the report names, and not a sure one, is another
        # place of that name ("Jesús María" of Aguascalientes in a Sinaloa report): the
        # homonym inside the named regions wins even when an anchor elsewhere (a capital
        # named for another matter) pulls the ranking towards it.
        ranked = [(p, sc) for p, sc in ranked if sc >= SURE_SCORE or not _far(p, ctx.regions)]
        if not ranked:
            return None
        place, score = ranked[0]
        if place.iso3 not in scene.main and (
                score < MIN_CONFIDENCE or not self.geocoder.gazetteer.match(name, fuzzy=False)):
            return None  # a loose spelling abroad ("Banh" -> Bāneh, Iran) is not this report's
        location = self.geocoder.to_location(place)
        if prefer == "admin" and not place.is_country:
            # "Yagha province": the event is somewhere in it, not at its centre.
            location = location.model_copy(update={"geo_precision": 3})
            if location.latitude is not None:
                ctx.regions.append((location.latitude, location.longitude))
        return location, score

    def _fallback_place(self, ctx: _Context, sentences: list[Sentence]) -> Location:
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
        top = main[0] if main else None
        if ctx.dateline:
            found = self._locate(ctx.dateline, ctx)
            if found and (top is None or found[0].iso3 == top):
                return found[0]
        if top:
            location = self.geocoder.country_location(top)
            if location:
                return location
        return Location(name="Unknown", geo_precision=3)

    @staticmethod
    def _story_days(sentences: list[Sentence], article: Article, lang: str) -> dict[int, object]:
        """For each sentence, the last event day a sentence before it set ("On Thursday,
        gunmen surrounded the school. [...] One vigilante was killed.")."""
        published = article.published
        days: dict[int, object] = {}
        day = None
        for sentence in sentences:
            days[sentence.index] = day
            told = [d.date for d in find_dates(sentence.text, published, lang)
                    if d.role == "event" and d.date and d.kind in ("weekday", "explicit")
                    and (published is None or published - assemble.NEWS_WINDOW <= d.date <= published)]
            day = told[0] if told else day  # the sentence's first event day, as its mention takes
        return days

    @staticmethod
    def _default_date(mentions: list[assemble.Mention], article: Article,
                      sentences: list[Sentence], lang: str):
        """The day of the news when a sentence gives none: the first event day of the lead,
        else the day it was reported, else the publication day."""
        published = article.published
        for m in mentions[:3]:
            if m.date and not m.background:
                return m.date
        for sentence in sentences[:3]:
            for d in find_dates(sentence.text, published, lang):
                if d.role == "event" and d.date and d.kind in ("weekday", "explicit", "relative") \
                        and (published is None or published - assemble.NEWS_WINDOW <= d.date <= published):
                    return d.date
        for m in mentions[:3]:
            if m.report_date:
                return m.report_date
        return published

    def _claim_sentences(self, sentences: list[Sentence], drafts: list[assemble.Draft]
                         ) -> dict[int, list[tuple[Sentence, int]]]:
        """Sentences that claim, deny or count, each given to the event told nearest before."""
        if not drafts:
            return {}
        starts = [(min(m.sentence.index for m in d.mentions), i) for i, d in enumerate(drafts)]
        owned = {m.sentence.index: i for i, d in enumerate(drafts) for m in d.mentions}
        result: dict[int, list[tuple[Sentence, int]]] = {}
        for s in sentences:
            if not _CLAIM_CUE.search(s.text):
                continue
            if s.index in owned:
                owner = owned[s.index]
            else:
                before = [i for start, i in starts if start <= s.index]
                owner = before[-1] if before else starts[0][1]
            result.setdefault(owner, []).append((s, s.index))
        return result


def _quoting(events: list[Event], original: Article) -> list[Event]:
    """The events with their evidence quoted from the text as it came (same offsets)."""
    def quoted(ev: Evidence) -> Evidence:
        if ev.article_id != original.id:
            return ev
        return ev.model_copy(update={"text": original.text[ev.start : ev.end]})

    return [e.model_copy(update={"evidence": [quoted(ev) for ev in e.evidence]}) for e in events]


@dataclass(frozen=True)
class _Toponym:
    """A place name of a sentence and what its words say of it."""

    name: str
    prefer: str  # "admin" when the text says "X region/province", else "town"
    locative: int  # 2: the event is there ("in X"); 1: a mention
    near: bool  # "near X", "between X and Y": somewhere about X (geo_precision 2)
    context: str | None  # the bracket after it: "Ansongo, Gao"


def _far(place, points: list[tuple[float, float]]) -> bool:
    """Whether a place lies more than FAR_KM from each of `points` (none: not far)."""
    return bool(points) and min(km(place.latitude, place.longitude, lat, lon) for lat, lon in points) > FAR_KM


def _within(ranked: list, context: str) -> list:
    """The candidates whose district or region the bracket names ("Fafa (Ansongo, Gao)")."""
    parts = {_division_key(part) for part in re.split(r"[,;/]| and ", context) if part.strip()}
    return [(p, sc) for p, sc in ranked
            if any(a and _division_key(a) in parts for a in (p.admin1, p.admin2))]


_DIVISION_WORDS = re.compile(r"\b(?:region|cercle|county|district|province|department|departement|"
                             r"commune|prefecture|state|sub-county|subcounty|zone)\b")


def _division_key(name: str) -> str:
    """"Ansongo Cercle", "Kilifi County", "cercle d'Ansongo" -> "ansongo"."""
    folded = _DIVISION_WORDS.sub(" ", fold_name(name))
    folded = re.sub(r"^\s*(?:de|du|d|of)\s+", "", folded.strip())
    return " ".join(folded.split())


_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")


def _latest_year(text: str) -> int | None:
    """The latest year a report names: its time, when it has no publication day."""
    years = [int(y) for y in _YEAR.findall(text)]
    return max(years) if years else None


def language_of(article: Article) -> str:
    """The article's language: as given, else identified among the languages feeds carry
    (the reader's list), English for an empty text."""
    if article.language:
        return article.language.lower()[:2]
    return detect_language(f"{article.title or ''}\n{article.text}") or "en"

