"""The extraction pipeline: articles in, event records out.

read -> detect -> (spaCy on candidate sentences) -> actors, places, dates, tolls ->
assemble (group and type) -> merge. `Extractor` holds the models and knowledge bases,
loaded once; it has no other state, so one instance serves any number of batches.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from ..models import Article, Event, Evidence, Sentence
from . import assemble, toll
from .actors import ActorKB
from .detect import find_triggers
from .merge import merge_events
from .nlp import agents, eventive, load_model, model_language, ongoing, phrase_end, split_sentences
from .places.gazetteer import Gazetteer
from .places.geocoder import Geocoder
from .places.scene import ReportPlaces, SceneFinder
from .read import detect_language
from .timex import find_dates
from .truecase import needs_truecasing, truecase

if TYPE_CHECKING:
    from .learned.model import LearnedModel

SUPPORTED_LANGUAGES = ("en", "fr")  # the languages whose lexicons and models ship
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
        self.scenes = SceneFinder(self.geocoder, self.kb)

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
        if self.model is not None:  # the country the user's outlet reports on: the scene's prior
            article = self.model.with_source_country(article)
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
        ctx = self.scenes.report(article, lang, sentences)
        mentions: list[assemble.Mention] = []
        last_date = None
        story_days = self._story_days(sentences[: candidates[-1][0].index + 1], article, lang)
        latest_year = None if article.published else _latest_year(article.text)
        lead_index = _lead_index(sentences, article, lang)
        for (sentence, triggers), doc in zip(candidates, docs, strict=True):
            m = self._mention(sentence, triggers, doc, ctx, lead_index)
            assemble.judge_time(m, article.published, last_date, latest_year)
            # The lead tells the news, in headline style too ("Police battle Mungiki sect",
            # "Protests over fuel prices"): only later sentences can be a state or a habit.
            headline = m.lead and not ongoing(doc)
            m.generic = m.date is None and not headline and not eventive(doc, lang)
            if m.date and not m.background:
                last_date = m.date
            m.context_date = story_days.get(sentence.index)
            mentions.append(m)
        assemble.late_report(mentions)
        fallback = self.scenes.fallback(ctx, sentences)
        default_date = self._default_date(mentions, article, sentences, lang)
        drafts = assemble.group(mentions, default_date, fallback)
        claim_sentences = self._claim_sentences(sentences, drafts)
        early = " ".join(t for t in [article.title or ""] + [x.text for x in sentences[:3]]
                         if not assemble.SUSPICION.search(t))
        known = assemble.story_group(mentions, [a for a in self.kb.find(early, lang)
                                                 if not assemble.affiliated(early, a)])
        events = assemble.share_perpetrators([
            assemble.build(d, article, lang, self.kb, fallback, claim_sentences.get(i, []), sentences,
                           known, self.tolls, self.model)
            for i, d in enumerate(drafts)
        ])
        return self.model.complete(events, self.kb) if self.model is not None else events

    # -- stages -------------------------------------------------------------------
    def _mention(self, sentence: Sentence, triggers, doc, ctx: ReportPlaces, lead_index: int = 0
                 ) -> assemble.Mention:
        text = sentence.text
        # "..., two days after an attack that killed 12": the event is told before the clause
        # about another one; its words, parties, dates, counts and places are not this event's.
        start, end = (assemble.other_event_span(text, ctx.lang, partial(phrase_end, doc))
                      or (len(text), len(text)))
        own = text[:start] + " " * (end - start) + text[end:]

        def told(offset: int) -> bool:
            return not start <= offset < end

        actors = [a for a in self.kb.find(text, ctx.lang, report_country(ctx)) if told(a.start)]
        m = assemble.Mention(
            sentence=sentence,
            triggers=assemble.crowd_blockades([t for t in triggers if told(t.start)], actors),
            actors=actors,
            dates=find_dates(own, ctx.article.published, ctx.lang),
            figures=toll.figures(own, ctx.lang),
            lang=ctx.lang,
            lead=sentence.index == lead_index,
            agents=agents(doc, [(t.start, t.end) for t in triggers if t.sub == "violence" and told(t.start)]),
            own_text=own,
        )
        skip = max(0, ctx.dateline_end - sentence.start) if sentence.start < ctx.dateline_end else 0
        m.place = self.scenes.place(text, doc, actors, ctx, skip, lead=sentence.index <= lead_index + 1,
                                    verbs=[t.end for t in m.triggers], until=start)
        return m

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
        """The day of the news when a sentence gives none: the first event day of the lead (of
        a sentence that tells an event: not of its aftermath, "for hours after the blast, donors
        queued overnight"), else the day it was reported, else the publication day."""
        published = article.published
        for m in mentions[:3]:
            if m.date and not m.background and m.triggers:
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


_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")
_LETTERS = re.compile(r"[^\W\d_]+")


def _lead_index(sentences: list[Sentence], article: Article, lang: str) -> int:
    """The first sentence that is more than a date: "31 July. Militia shoots and kills a chief"
    opens with a date line, and its second sentence is the lead."""
    if len(sentences) < 2 or len(sentences[0].text) > 30:
        return 0
    text = sentences[0].text
    dates = find_dates(text, article.published, lang)
    if not dates:
        return 0
    rest = text
    for d in sorted(dates, key=lambda d: -d.start):
        rest = rest[: d.start] + rest[d.end :]
    return 1 if len(_LETTERS.findall(rest)) <= 2 else 0


def _latest_year(text: str) -> int | None:
    """The latest year a report names: its time, when it has no publication day."""
    years = [int(y) for y in _YEAR.findall(text)]
    return max(years) if years else None


def report_country(ctx: ReportPlaces) -> str | None:
    """The country a report is about, when its signs agree on one (more than half of the
    lead's focus, or the source's country): names such as "Islamic State" or "SWAT" are
    resolved with it."""
    if ctx.countries:
        iso3, share = max(ctx.countries.items(), key=lambda kv: (kv[1], kv[0]))
        if share > 0.5:
            return iso3
    return ctx.prior


def language_of(article: Article) -> str:
    """The article's language: as given, else identified among the languages feeds carry
    (the reader's list), English for an empty text."""
    if article.language:
        return article.language.lower()[:2]
    return detect_language(f"{article.title or ''}\n{article.text}") or "en"

