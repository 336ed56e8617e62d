"""Assemble: group a report's event sentences into events and fill their fields.

Each candidate sentence becomes a `Mention` (its triggers, actors, dates, places and
figures). Mentions are grouped into events by day, place and kind (rule 1: one event
per actor pair, location and day); a sentence that names no day or place of its own
continues the event being told. Background sentences (rule 2) never start an event.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from typing import TYPE_CHECKING

from ..data import load_data as load_toml
from ..models import (
    Actor,
    ActorMention,
    Article,
    Claim,
    DateMention,
    Event,
    Evidence,
    Location,
    Sentence,
    disorder_type,
)
from . import toll as tolls
from .actors import ActorKB
from .classify import (
    QUIET_DEVELOPMENTS,
    REMOTE_ORDER,
    VIOLENT,
    Involved,
    code_event,
    families,
    tells_demonstration,
    tells_ground_fight,
)
from .detect import Trigger, compile_alternation
from .numbers import find_quantities
from .places.gazetteer import haversine_km as km
from .timex import anaphoric_offset

if TYPE_CHECKING:
    from .learned.model import LearnedModel


def _words(table: str, key: str, data: str = "roles.toml") -> str:
    """The word list [table] `key` of a data file as a regex alternation, in its order (see
    there what each list is for); the patterns below add the grammar around it."""
    return "|".join(load_toml(data)[table][key])


def _grammar(key: str, spaced: bool = False) -> str:
    """roles.toml's [grammar] word list `key` as an alternation (`spaced`: each word with the
    spaces after it)."""
    return "|".join(w + (r"\s+" if spaced else "") for w in load_toml("roles.toml")["grammar"][key])


NEWS_WINDOW = timedelta(days=8)  # older dated events are background (rule 2): "last Friday" is in
# A report whose only events are older than the news window is a late report of them (rule 2:
# "an earlier event that is itself the news"), when its day is told and within this delay.
LATE_REPORT = timedelta(days=31)
SAME_PLACE_KM = 30.0
NON_STATE = {"Rebel group", "Political militia", "Identity militia", "External/Other forces"}


@dataclass
class Mention:
    sentence: Sentence
    triggers: list[Trigger]
    actors: list[ActorMention]
    dates: list[DateMention]
    figures: list[tolls.Figure]
    lang: str = "en"
    place: Location | None = None
    date: date | None = None
    precision: int = 1
    report_date: date | None = None
    context_date: date | None = None  # the day the story was on when this sentence came
    background: bool = False
    statement: bool = False
    earlier: bool = False  # told in the past perfect
    generic: bool = False  # no verb tells a happening: a state, a habit, a rate
    mishap: bool = False  # a disaster or an accident is told: deaths need a perpetrator to count
    old_day: date | None = None  # the day told, when only its age made the sentence background
    lead: bool = False  # the report's first sentence that is more than a date: it states the news
    # what the parse reads as the agent of each violence word: its start -> (where the agent's
    # head word stands, whether the deed was done to someone); see `nlp.agents`
    agents: dict[int, tuple[int, bool]] = field(default_factory=dict)
    # the sentence with its clause about another matter blanked ("..., to mark the anniversary of
    # the massacre"): the words that tell this event's time are read here (see other_event_span)
    own_text: str | None = None

    @property
    def strong(self) -> bool:
        """Can this sentence start an event of its own?"""
        if self.background or self.statement or self.earlier or self.generic:
            return False
        text = self.sentence.text
        # the lead has nothing before it to refer back to: there only a noun right after its
        # determiner ("the fight against crime") or a generic one ("every abduction") is no event,
        # and "Members of the Ogiek community protest" is
        referring = _LEAD_REFERRING if self.lead else _REFERRING
        hard = [t for t in self.triggers if not t.cue and t.weight >= 0.8
                and (_PAST_VERB.search(t.text)
                     or not referring.search(text[max(0, t.start - 30) : t.start]))]
        cues = [t for t in self.triggers
                if t.cue and t.sub in ("violence", "territory", "riot", "intervention")]
        if hard:
            return True
        if self.mishap and not any(a.role not in ("civilians", "government") for a in self.actors):
            return False  # "An earthquake killed 40 people": no one did it
        # A cue needs someone or a count, except in the lead, which states the news
        # ("A farm was attacked and 20 houses razed").
        return bool(cues and (self.actors or self.figures or self.lead))


# "the abduction came days before...", "every mass abduction since": a noun that refers
# to an event already told, or to events in general, does not tell a new one (the words are
# discourse.toml's [referring]).
_DEFINITE, _GENERIC, _ELIDED, _NOT_IN_PHRASE = (_words("referring", key, "discourse.toml") for key in (
    "definite", "generic", "elided", "not_in_phrase"))
_LEAD_REFERRING = re.compile(rf"(?i)\b(?:(?:{_GENERIC})\s+(?:[\w-]+\s+){{0,2}}|(?:{_DEFINITE})\s+)$")
_REFERRING = re.compile(rf"(?i)\b(?:{_DEFINITE}|{_ELIDED}|{_GENERIC})\s+"
                        rf"(?:(?!(?:{_NOT_IN_PHRASE})\s)[\w-]+\s+){{0,2}}$")


# A trigger told by a verb in the past ("The army deployed troops") tells a happening: the
# determiner before it belongs to its subject, not to the trigger.
_PAST_VERB = re.compile(r"\b[a-z]+ed\b")


@dataclass
class Draft:
    mentions: list[Mention] = field(default_factory=list)
    date: date | None = None
    precision: int = 1
    place: Location | None = None

    @property
    def triggers(self) -> list[Trigger]:
        return [t for m in self.mentions for t in m.triggers]


@dataclass(frozen=True)
class _Cues:
    background: object
    pluperfect: object
    modal: object
    statement: object
    sport: object
    market: object
    disaster: object
    other_event: object
    resumption: object
    responsibility: object
    denial: object
    claim_statement: object
    attribution: object


@cache
def cues(lang: str) -> _Cues:
    data = load_toml("discourse.toml")
    key = "fr" if lang == "fr" else "en"
    claims = data["claims"]
    return _Cues(
        background=compile_alternation(data["background"][key]),
        pluperfect=compile_alternation(data["pluperfect"][key]),
        modal=compile_alternation(data["modal"][key]),
        statement=compile_alternation(data["statement"][key]),
        sport=compile_alternation(data["domain"]["sport"]),
        market=compile_alternation(data["domain"]["market"]),
        disaster=compile_alternation(data["domain"]["disaster"]),
        other_event=re.compile(r"(?i)" + "|".join(f"(?:{p})" for p in data["other_event"][key])),
        resumption=re.compile(r"(?i)" + "|".join(f"(?:{p})" for p in data["other_event"][f"resume_{key}"])),
        responsibility=compile_alternation(claims["responsibility"]),
        denial=compile_alternation(claims["denial"]),
        claim_statement=compile_alternation(claims["statement"]),
        attribution=compile_alternation(claims["attribution"]),
    )


# The early, middle and late part of a month (dates.toml [part_of_month]): its days from the first.
_PART_OF_MONTH = tuple((re.compile(f"(?i){_words('part_of_month', part, 'dates.toml')}"), first, final)
                       for part, first, final in (("early", 0, 9), ("mid", 10, 19), ("late", 20, 30)))


def _period_span(d: DateMention) -> tuple[date, date]:
    """The first and last day of a week (precision 2) or a month (3), or of its early, middle
    or late part ("in early October" is its first ten days)."""
    day = d.date
    assert day is not None
    if d.precision == 2:
        return day, day + timedelta(days=6)
    last = (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    for part, first, final in _PART_OF_MONTH:
        if part.search(d.text):
            return day + timedelta(days=first), min(last, day + timedelta(days=final))
    return day, last


def _within(day: date, first: date, last: date) -> bool:
    return first <= day <= last


_RELATIVE_BEFORE = re.compile(rf"(?i)\b(?:{_grammar('relative_pronouns')})\s+(?:\w+ly\s+)?$")


def judge_time(m: Mention, published: date | None, last_date: date | None,
               latest_year: int | None = None) -> None:
    """Resolve the mention's event day and decide whether it is background. Without a
    publication day, a year before the latest the report names is the past."""
    old = current = False
    week_before = None
    for d in m.dates:
        if d.role == "report":
            m.report_date = m.report_date or d.date
            # "claimed the attack on Tuesday": a sentence about something reported now.
            if d.date and published and published - NEWS_WINDOW <= d.date <= published:
                current = True
            continue
        if d.role == "dateline":
            continue
        day = d.date
        if d.kind == "anaphoric":
            base = last_date or published
            day = base + timedelta(days=anaphoric_offset(d)) if base else None
            if anaphoric_offset(d) <= -7:
                week_before = week_before or day
                continue
        if d.since:
            old = True
            continue
        if day is None:
            continue
        if published is None and latest_year and day.year < latest_year:
            old = True
            continue
        if d.kind == "period" and published and _within(published, *_period_span(d)):
            # "in September" told in September: this month, not an old one
            if m.date is None:
                m.date, m.precision = day, d.precision
        elif published and day < published - NEWS_WINDOW:
            old = True
            if d.kind == "explicit" and d.precision == 1 and day >= published - LATE_REPORT:
                m.old_day = m.old_day or day
        elif d.kind in ("explicit", "weekday", "relative", "anaphoric") and (
            published is None or day <= published
        ):
            current = True
            if m.date is None:
                m.date, m.precision = day, 1
        elif d.kind == "period" and (published is None or day >= published - NEWS_WINDOW):
            if m.date is None:
                m.date, m.precision = day, d.precision
        elif d.kind in ("period", "year") and published and day < published - timedelta(days=3):
            old = True
    if week_before and m.date is None:
        # "the riots in the prisons the previous week", and no day of its own: a happening a week
        # or more before the story's, told as its context; it may add to an event of its day,
        # never start one ("marched for two teachers assaulted a week earlier" keeps its own day)
        m.earlier, m.date, m.precision = True, week_before, 1
    text = m.own_text or m.sentence.text
    c = cues(m.lang)
    m.mishap = bool(c.disaster.search(text))
    # A sentence dated in the news window states the news: its "in recent years" or "would"
    # qualify the event; undated sentences with such words are context.
    habitual = _qualifies_all(m.triggers, [found.start() for found in c.background.finditer(text)])
    # "..., after leaders had urged a boycott": intent told after every trigger is the cause's
    modal = c.modal.search(text)
    hypothetical = bool(modal) and not m.figures and any(t.end > modal.start() for t in m.triggers)
    if not current and (old or habitual or hypothetical):
        m.background = True
    told_before = c.pluperfect.search(text)
    # "..., after leaders had advocated it": a past perfect after every trigger tells the
    # cause, not the event. In a relative clause ("Farmers who had gathered at the market
    # protest ...") it tells only its own words: a trigger after it is the sentence's own verb.
    relative = told_before is not None and bool(_RELATIVE_BEFORE.search(text[: told_before.start()]))
    if not current and told_before and any(t.end > told_before.start() and not (
            relative and t.start >= told_before.end()) for t in m.triggers):
        m.earlier = True
    # A claim or a reaction speaks of an event, it is not one (unless it is the lead that
    # tells the event: "X claimed Saturday's bombing that killed 79").
    claim = c.responsibility.search(text) or c.denial.search(text)
    reaction = c.statement.search(text) and not m.figures
    if (claim or reaction) and m.sentence.index > 1:
        m.statement = True


# A run-on "sentence" (a report with no full stops) holds several: a background word there
# qualifies only the words near it.
CLAUSE_REACH = 200


def _qualifies_all(triggers: list[Trigger], cues_at: list[int]) -> bool:
    """Whether background words stand near every trigger of the sentence (in a sentence of
    ordinary length, whether there are any)."""
    return bool(cues_at) and all(any(abs(t.start - at) <= CLAUSE_REACH for at in cues_at) for t in triggers)


def other_event_span(text: str, lang: str, phrase_end: Callable[[int, int], int | None] | None = None,
                     ) -> tuple[int, int] | None:
    """The clause of a sentence that leaves its event for another one ("..., two days after an
    attack that killed 12", «, au lendemain de l'attaque de »): from where it opens to where
    the sentence comes back to its own event ("..., the protesters burned tyres"), or where
    the parse ends its phrase (`phrase_end` of the clause's opening words: "Youths protesting
    to demand the mayor's resignation set fire to his house"), else to its end. None when it
    has no such clause, or when the clause opens the sentence."""
    c = cues(lang)
    match = c.other_event.search(text)
    if match is None or _OPENING.fullmatch(text[: match.start()]):
        return None
    resumed = c.resumption.search(text, match.end())
    end = resumed.start() if resumed else len(text)
    parsed = phrase_end(match.start(), match.end()) if phrase_end else None
    return match.start(), min(end, parsed) if parsed and parsed > match.end() else end


# What may stand before a clause that still opens the sentence: nothing, or its date ("On 29
# April 2020, following the death of a shopkeeper, traders protested").
_OPENING = re.compile(rf"(?i)\s*(?:(?:{_words('other_event', 'opening', 'discourse.toml')})\s+"
                      r"[^,]{0,25},?\s*)?")


def off_topic(text: str, lang: str) -> bool:
    """A sports or markets story, where war words are metaphors."""
    c = cues(lang)
    sport = {w.group(0).lower() for w in c.sport.finditer(text)}
    market = {w.group(0).lower() for w in c.market.finditer(text)}
    return len(sport) >= 5 or len(market) >= 6


def group(mentions: list[Mention], default_date: date | None, default_place: Location | None
          ) -> list[Draft]:
    drafts: list[Draft] = []
    current: Draft | None = None
    for m in mentions:
        if m.background:
            continue
        target = _compatible(drafts, current, m)
        if target is None:
            # A new event needs an anchor: a day, a place, or the lead that states the news.
            anchored = m.date or m.context_date or m.place or m.sentence.index < 3
            if not (m.strong and anchored):
                continue
            target = Draft(date=m.date or m.context_date or (current.date if current else default_date),
                           precision=m.precision if m.date else (current.precision if current else 1),
                           place=m.place or (current.place if current else default_place))
            drafts.append(target)
        target.mentions.append(m)
        sharper = target.precision > m.precision and _within_week(target, m.date) if m.date else False
        if m.date and (target.date is None or sharper):
            target.date, target.precision = m.date, m.precision
        if m.place and (target.place is None or place_rank(target.place) > place_rank(m.place)):
            target.place = m.place
        current = target
    return drafts


def _apart(a: Location | None, b: Location | None) -> bool:
    """Two places too far apart to be one event (regions and countries are never apart)."""
    if not a or not b or a.latitude is None or b.latitude is None:
        return False
    if a.geo_precision >= 3 or b.geo_precision >= 3:
        return False
    return km(a.latitude, a.longitude, b.latitude, b.longitude) > SAME_PLACE_KM


def place_rank(location: Location) -> int:
    """How precise a place is: town 1, near a town 2, region 3, country 4."""
    if location.country and location.name == location.country:
        return 4
    return location.geo_precision


def _within_week(draft: Draft, day: date) -> bool:
    """A draft dated "this week" takes a day of that week."""
    return draft.precision == 2 and draft.date is not None and 0 <= (draft.date - day).days <= 6


def _back_at(draft: Draft, m: Mention) -> bool:
    """A sentence that gives no day of its own, only the one the story was on, and names the
    town of an earlier event returns to that event ("... arrested on Sunday in Ségou. The
    brother of one of the men arrested in Sévaré said ..."): the story's day does not make it
    another. Towns only (geo_precision 1): a region or country says too little."""
    if m.date is not None or m.place is None or draft.place is None:
        return False
    if m.place.geo_precision != 1 or draft.place.geo_precision != 1 or m.place.latitude is None \
            or draft.place.latitude is None:
        return False
    apart = km(m.place.latitude, m.place.longitude, draft.place.latitude, draft.place.longitude)
    return apart <= SAME_PLACE_KM


def _compatible(drafts: list[Draft], current: Draft | None, m: Mention) -> Draft | None:
    mine = families(m.triggers) - {"violence"} if m.triggers else set()
    day = m.date or m.context_date
    candidates = []
    for d in drafts:
        if day and d.date and day != d.date and not _within_week(d, day) and not _back_at(d, m):
            continue
        if _apart(m.place, d.place):
            continue
        theirs = families(d.triggers) - {"violence"}
        if mine and theirs and not (mine & theirs) and m.strong:
            continue
        candidates.append(d)
    if not candidates:
        return None
    if current in candidates:
        return current
    return candidates[-1]


# --- fields of an event ------------------------------------------------------------

# The crowd called peaceful; the riot words of a blockade (events.toml [typing]).
_PEACEFUL = re.compile("(?i)" + "|".join(rf"\b{w}\b" for w in load_toml("events.toml")["typing"]["peaceful"]))
_BLOCKADE = re.compile(f"(?i){_words('typing', 'blockade', 'events.toml')}")


def crowd_blockades(triggers: list[Trigger], actors: list[ActorMention]) -> list[Trigger]:
    """The triggers without the roads blocked by the forces ("Police blocked the main roads"):
    a blockade is a riot's only when the crowd sets it up."""
    def by_forces(t: Trigger) -> bool:
        before = [a for a in actors if a.end <= t.start]
        return bool(before) and _is_state(before[-1])
    return [t for t in triggers if not (t.sub == "riot" and _BLOCKADE.match(t.text) and by_forces(t))]


# A party before the violence word, then a passive ("were beaten") or "on/against" ("an attack
# on the"): the party is no agent (the function words are roles.toml's [grammar]).
_PASSIVE_JUST_BEFORE = re.compile(rf"(?i)\b(?:{_grammar('passive_just_before')})\s+(?:\w+\s+)?$")
_AGAINST_JUST_BEFORE = re.compile(rf"(?i)\b(?:{_grammar('against')})\s+"
                                  rf"(?:{_grammar('against_articles', True)})?$")


# "Military Forces of Mali" and "Police Forces of Mali" are one state's; "of Russia" another's
_STATE_OF = re.compile(r"^(?:(?:Military|Police) Forces|Government) of (?:the )?")


def forces_act(m: Mention) -> bool:
    """Whether the sentence's forces are the ones who use violence: named before a violence
    word in the active ("soldiers beat a man"), or after it as its agent ("shot by police"),
    or the ones who held the people harmed."""
    state = [a for a in m.actors if _is_state(a)]
    return _agents_act(m, state) or _harmed_in_custody(m, state)


def _harmed_in_custody(m: Mention, state: list[ActorMention]) -> bool:
    """Whether the sentence tells the forces' arrest and then harm with no one else named
    to do it ("soldiers arrested six men, five were found executed", "the gendarmerie arrested
    a man, who was tortured"): the forces who held them harmed them (ACLED: an attack on
    civilians)."""
    arrest = next((t for t in m.triggers if t.sub == "Arrests"), None)
    if arrest is None or not any(a.start < arrest.start for a in state):
        return False
    if any(a.role in ("unidentified", "identity", "private_security")
           or (a.role == "named" and a.actor and a.actor.type in NON_STATE) for a in m.actors):
        return False  # "soldiers arrested two men; militants later killed a guard": a fight
    return any(t.sub == "violence" and t.start > arrest.end and not _HARM_NOUN.fullmatch(t.text)
               for t in m.triggers)


def crowd_acts(m: Mention) -> bool:
    """Whether the sentence's demonstrators use violence ("protesters injured two officers")."""
    return _agents_act(m, [a for a in m.actors if a.role in ("protesters", "rioters")])


def people_act(m: Mention) -> bool:
    """Whether unorganised people use violence ("residents beat a suspected thief", "attacked
    by voters"): a group of them as the subject of a violence word with its object."""
    text = m.sentence.text
    people = [a for a in m.actors if a.role == "civilians" and not _ARMED_TRADES.search(a.text) and (
        not _NOBODY_IN_PARTICULAR.match(a.text) or _BAND_OF.search(text[max(0, a.start - 30) : a.start]))]
    return _agents_act(m, people, with_object=True)


# "a group of people", "a crowd of residents": people who act as one
_BAND_OF = re.compile(rf"(?i)\b(?:{_words('people', 'collectives')})\s+of\s+$")


# Herders and hunters who attack are read as their community's militia, not a mob.
_ARMED_TRADES = re.compile(rf"(?i)\b(?:{_words('people', 'armed_trades')})\b")
# Between a subject and its verb: nothing, or an adverb ("residents also beat").
_ADJACENT = re.compile(rf"(?i)^\s*(?:{_grammar('adverbs', True)})?$")
# What follows an intransitive headline participle ("three villagers killed in ..."), never
# an active verb's object ("villagers killed a thief").
_NO_OBJECT_AFTER = re.compile(rf"(?i)\s*(?:[,.;:()]|$|(?:{_grammar('no_object_after')})\b)")


_HARM_NOUN = re.compile(f"(?i)(?:{_words('typing', 'harm_nouns', 'events.toml')})")


_HARM_PARTICIPLE = re.compile(rf"(?i)(?:{_grammar('harm_participles')})$")


def _named_as_victims(text: str, a: ActorMention, t: Trigger) -> bool:
    """Whether a party stands right before a participle with no object after it, a headline's
    passive: a participle that needs an object ("Police officers killed when responding to an
    attack"), or any -ed participle after a counted party ("one police and two civilians
    killed in the attack"). They were harmed; they did not harm."""
    # the cheap checks first: counting the numbers runs only for a participle right after the party
    if text[a.end : t.start].strip() or not _NO_OBJECT_AFTER.match(text[t.end :]):
        return False
    if _HARM_PARTICIPLE.match(t.text):
        return True
    if not t.text.split()[0].lower().endswith("ed"):
        return False
    before = text[max(0, a.start - 25) : a.start]
    counts = find_quantities(before)
    return bool(counts and not before[counts[-1].end :].strip())


def _agents_act(m: Mention, state: list[ActorMention], with_object: bool = False) -> bool:
    """Whether one of `state` is the agent of a violence word of the sentence (with_object:
    only of a word followed by its object, for nouns a headline also names as victims)."""
    text = m.sentence.text
    violent = [t for t in m.triggers if t.sub == "violence"]
    for t in violent:
        if _HARM_NOUN.fullmatch(t.text):
            continue  # "the police at a checkpoint, causing injuries": a noun has no agent
        # a headline word may hold the party's noun ("police forces beat up a woman")
        # the party named nearest before the word is its subject ("a crowd formed, and the
        # police fired": the police fired)
        nearest = max((a for a in m.actors if a.start <= t.start), key=lambda a: a.start, default=None)
        before = [a for a in state if a is nearest and not _object_of(a, violent, text)]
        # the party's own verb is its first violence word: harmed there, it did not do the later
        # ones ("Police officers killed when responding to an attack")
        own = next((v for v in violent if v.start >= before[-1].end), t) if before else t
        headline = bool(before) and _named_as_victims(text, before[-1], own)
        passive = _PASSIVE_JUST_BEFORE.search(text[before[-1].end : own.start] if before else "") or (
            _PASSIVE_VERB.match(own.text)) or headline
        if before and not passive and not (
                _AGAINST_JUST_BEFORE.search(text[max(0, t.start - 12) : t.start])) and not (
                with_object and (_NO_OBJECT_AFTER.match(text[t.end :])
                                 or not _ADJACENT.match(text[before[-1].end : t.start]))):
            return True
        parsed = m.agents.get(t.start)
        if parsed and (parsed[1] or not with_object) and any(
                a.start <= parsed[0] < a.end and not (headline and a is before[-1]) for a in state):
            return True  # "residents caught two thieves and burned them alive"
        if any(a.start >= t.end and (_BY_JUST_BEFORE.search(text[t.end : a.start]) or (
                _DURING_JUST_BEFORE.search(text[t.end : a.start])
                and _OPERATION_AFTER.match(text[a.end : a.end + 20]))) for a in state):
            return True
    return False


def _object_of(a: ActorMention, violent: list[Trigger], text: str) -> bool:
    """Whether a party is the object of a violence word ("attacks military and kills one": the
    military were attacked, so they did not kill)."""
    return any(v.start < a.start and (a.start < v.end or _OBJECT_GAP.match(text[v.end : a.start]))
               for v in violent)


# Between a verb and its object: an article, a number or up to two qualifiers ("a Malian army").
_OBJECT_GAP = re.compile(rf"(?i)^\s*(?:(?:{_grammar('object_articles')})\s+)?"
                         rf"(?:(?!(?:{_grammar('clause_words')})\b)[\w-]+\s+){{0,2}}$")


_BY_JUST_BEFORE = re.compile(rf"(?i)\b(?:{_grammar('by_agent')})\s+"
                             rf"(?:(?:{_grammar('by_agent_articles')})\s+)?"
                             rf"(?:(?:{_grammar('by_agent_qualifiers')})\s+){{0,2}}$")
# "killed during a police raid", "died in army custody": the forces' own operation
_DURING_JUST_BEFORE = re.compile(rf"(?i)\b(?:{_grammar('during')})\s+"
                                 rf"(?:(?:{_grammar('during_articles')})\s+)?$")
_OPERATION_AFTER = re.compile(rf"(?i)\s*(?:{_words('forces', 'operations')})\b")


# "people", "several civilians": no one in particular, not a group that acts as one
_NOBODY_IN_PARTICULAR = re.compile(
    "(?i)^(?:" + "|".join(f"{w} " for w in load_toml("roles.toml")["people"]["nobody_count"])
    + f")?(?:{_words('people', 'nobody_in_particular')})$")


def crowd_fights(m: Mention) -> bool:
    """Whether unorganised people are named before the clash as its parties ("Villagers
    clashed with traders", "supporters of two candidates clash", "ODM supporters clashed",
    "rival political groups clash")."""
    if _crowd_does(m, "Armed clash"):
        return True
    clash = next((t for t in m.triggers if t.sub == "Armed clash"), None)
    if clash is None:
        return False
    before = m.sentence.text[: clash.start]
    armed = any(a.end <= clash.start and (a.role in ("unidentified", "identity", "private_security")
                                          or (a.role == "named" and not partisans(m.sentence.text, a)))
                for a in m.actors)
    return bool(_PARTISANS.search(before)) and not armed


# A party's people rather than its fighters: "ODM supporters", "supporters of the APC",
# "factions of ODM members", "rival political groups".
_PARTISANS = re.compile(rf"(?i)\b(?:{_words('partisans', 'crowd')})\b")


def _people_of_name(table: str, before_after: str = "") -> tuple[re.Pattern[str], re.Pattern[str]]:
    """roles.toml [table]'s people of a political organisation, as two patterns: right after
    its name ("ODM supporters"; `before_after` may stand between), and right before it,
    "X of (the)" in English, "X du/de (la)" in French ("supporters of the APC")."""
    after = re.compile(rf"(?i)^\s*{before_after}(?:{_words(table, 'after_name')})\b")
    before = re.compile(rf"(?i)\b(?:{_words(table, 'before_name_en')}) of\s+(?:the\s+)?$"
                        rf"|\b(?:{_words(table, 'before_name_fr')}) (?:du|de)\s+(?:l.|la\s+)?$")
    return after, before


_PARTISANS_AFTER, _PARTISANS_BEFORE = _people_of_name("partisans")
# "Janata Party (BJP) leader", "a local ODM official"
_MEMBER_AFTER, _MEMBER_BEFORE = _people_of_name(
    "members", r"(?:\([^)]{1,12}\)\s*|\)\s*)?(?:party )?(?:local |district |senior |former |youth )?")


def _named_for(text: str, a: ActorMention, after: re.Pattern[str], before: re.Pattern[str]) -> bool:
    return bool(a.actor is not None and a.actor.type == "Political militia" and (
        after.match(text[a.end : a.end + 30]) or before.search(text[max(0, a.start - 30) : a.start])))


def party_member(text: str, a: ActorMention) -> bool:
    """Whether a political organisation is named for one of its officials ("a BJP leader", "an
    activist of the ANP"): the person, not the party, is in the event."""
    return _named_for(text, a, _MEMBER_AFTER, _MEMBER_BEFORE)


def partisans(text: str, a: ActorMention) -> bool:
    """Whether a political organisation is named for its people, not its fighters ("ODM
    supporters", "members of the APC")."""
    return _named_for(text, a, _PARTISANS_AFTER, _PARTISANS_BEFORE)


_OFF_DUTY_AFTER = re.compile(rf"(?i)^[\s,]*(?:{_words('off_duty', 'after')})\b")
_OFF_DUTY_BEFORE = re.compile(rf"(?i)\b(?:{_words('off_duty', 'before')})\s+(?:[\w-]+\s+)?$")


def off_duty(text: str, a: ActorMention) -> bool:
    """Whether a member of the forces is named as struck off duty, at home or retired ("an
    off-duty policeman", "a gendarme at his home"): a civilian, not a side (roles.toml)."""
    return _is_state(a) and bool(_OFF_DUTY_AFTER.match(text[a.end : a.end + 60])
                                 or _OFF_DUTY_BEFORE.search(text[max(0, a.start - 25) : a.start]))


def crowd_destroys(m: Mention) -> bool:
    """Whether unorganised people are named as the ones who loot or burn ("youths burnt a bar")."""
    return _crowd_does(m, "Looting/property destruction")


def _crowd_does(m: Mention, sub: str) -> bool:
    """Whether unorganised people are named before the sentence's first `sub` word."""
    deed = next((t for t in m.triggers if t.sub == sub), None)
    return deed is not None and any(
        a.role in ("civilians", "protesters", "rioters") and a.end <= deed.start
        and not _NOBODY_IN_PARTICULAR.match(a.text) for a in m.actors)


def late_report(mentions: list[Mention]) -> None:
    """A report that tells no event of its news window but tells one of an earlier day ("On
    18 April, taxis blocked the streets", published ten days later) reports that event late:
    it is the news, on its own day (rule 2). Every sentence of that day is let back in."""
    if any(m.strong for m in mentions):
        return
    for m in mentions:  # "raiders had attacked the village": the past perfect of nothing newer
        if any(a.role not in ("civilians", "government") for a in m.actors) and not any(
                d.kind in ("period", "year") or d.since for d in m.dates):  # not a year's tally
            m.earlier = False
    if any(m.strong for m in mentions):
        return
    day = next((m.old_day for m in mentions if m.old_day and (m.actors or m.place or m.figures)), None)
    for m in mentions:
        if day and m.old_day == day:
            m.background, m.date, m.precision = False, day, 1


def lead_mention(draft: Draft) -> Mention:
    """The sentence that first tells the event: the first that could start one, unless it only
    announces an operation whose violence a later sentence tells ("forces conducted an operation
    near Gao. Airstrikes killed ten militants")."""
    strong = [m for m in draft.mentions if m.strong]
    first = strong[0] if strong else draft.mentions[0]
    if first.triggers and all(t.sub in QUIET_DEVELOPMENTS for t in first.triggers):
        return next((m for m in strong if any(t.sub in VIOLENT for t in m.triggers)), first)
    return first


# Victims who are state agents ("a police officer", "two soldiers", "a forest guard"):
# killing them is a fight with the state, not violence against civilians.
_STATE_VICTIMS = re.compile(rf"(?i)\b(?:{_words('victims', 'state_agents')})\b")
_POLICE_VICTIMS = re.compile(rf"(?i)\b(?:{_words('victims', 'police')})\b")


def _armed_victims(lead: Mention, kb: ActorKB, iso3: str | None, told: Sides, s: Sides) -> int:
    """1 when the lead counts armed dead or hurt (soldiers, police, militiamen) and no side
    of theirs is named: they are the second side. State agents become their state's forces."""
    if any(f.victims == "militants" for f in lead.figures) and len(told.armed) == 1 and not told.state:
        return 1  # "gunmen attacked a position, killing two combatants": fighters fell
    if not any(f.victims == "forces" for f in lead.figures) or told.state:
        return 0
    if any(off_duty(lead.sentence.text, a) for a in lead.actors):
        return 0  # "an off-duty policeman was shot dead": a civilian struck
    if iso3 and _STATE_VICTIMS.search(lead.sentence.text):
        role = "police" if _POLICE_VICTIMS.search(lead.sentence.text) else "military"
        forces = kb.state_forces(iso3, role)
        told.state.append(forces)
        if all(a.name != forces.name for a in s.state):
            s.state.append(forces)
        return 0  # counted as the state side
    return 1


# "Israeli air strike", "Russian drones", "French jets", "U.S. missiles": a nationality on the
# weapon or platform names the state that used it, not the place or the victims.
_PLATFORM = re.compile(rf"(?i)^(?:{_words('forces', 'platforms')})\b")


def _weapon_state(lead: Mention, kb: ActorKB) -> Actor | None:
    text = lead.sentence.text
    for t in lead.triggers:
        if t.sub not in REMOTE_ORDER or not _PLATFORM.match(t.text):
            continue
        before = text[max(0, t.start - 30) : t.start]
        adjacent = [iso for iso, _, end in kb.countries_in(before) if not before[end:].strip()]
        if adjacent:
            return kb.state_forces(adjacent[-1], "military")
    return None


def _is_state(mention: ActorMention) -> bool:
    if mention.role in ("military", "police", "government"):
        return True
    return bool(mention.actor and mention.actor.type == "State forces")


def _is_armed_non_state(mention: ActorMention) -> bool:
    if mention.role == "unidentified":
        return True
    return bool(mention.role == "named" and mention.actor and mention.actor.type in NON_STATE)


# Places of civilian life attacked ("attacked and torched the hamlet", "attacked a truck"): the
# people there are the target, even when no one is reported hurt.
_CIVILIAN_TARGET = re.compile(
    rf"(?i)\b(?:{_words('victims', 'attack_verbs')})\s+(?:and \w+\s+)?"
    r"(?:the |a |an |several |two |three |le |la |les |un |une |des )?(?:[\w-]+\s+){0,2}?"
    rf"(?:{_words('victims', 'civilian_places')})\b")

# A named locality attacked ("Boko Haram attacked Debiro and burnt the church", "gunmen raided
# Kadji"): its people are the target, as with "the village". Group 1 is the name.
_LOCALITY_ATTACKED = re.compile(
    rf"\b(?i:{_words('victims', 'attack_verbs')})\s+(?i:the (?:{_words('victims', 'locality_nouns')}) of\s+)?"
    r"([A-Z][\w'’-]+)(?!\s+[A-Z]|[\w'’-])")  # "raided Meru Governor X's home": no place


@cache
def _calendar_words() -> frozenset[str]:
    """The names of days and months (dates.toml), in English and French, lower case."""
    data = load_toml("dates.toml")
    return frozenset(w for lang in ("en", "fr") for key in ("weekdays", "months") for w in data[lang][key])


def attacked_locality(m: Mention, kb: ActorKB) -> bool:
    """Whether the sentence tells a named place attacked, not a party ("attacked Debiro", not
    "attacked MINUSMA" or "attacked Malian troops")."""
    names = [found for found in _LOCALITY_ATTACKED.finditer(m.sentence.text)
             if found.group(1).lower() not in _calendar_words()
             and not any(a.start <= found.start(1) < a.end for a in m.actors)]
    countries = kb.countries_in(m.sentence.text) if names else []
    return any(not any(s <= found.start(1) < e for _, s, e in countries) for found in names)


# Lethal or serious force against a crowd ("Excessive force against protesters"); tear gas,
# rubber bullets, water cannon and warning shots are an intervention.
_FIRED = re.compile(rf"(?i)\b(?:{_words('typing', 'fired_on_crowd', 'events.toml')})")


@dataclass
class Sides:
    state: list[Actor] = field(default_factory=list)
    armed: list[Actor] = field(default_factory=list)
    civilians: list[Actor] = field(default_factory=list)
    protesters: list[Actor] = field(default_factory=list)
    rioters: list[Actor] = field(default_factory=list)
    allies: list[Actor] = field(default_factory=list)  # named beside an armed group as one side
    attacker: Actor | None = None  # a state named only by its weapon: "Israeli air strike"


# "JNIM and/or ISGS militants", "Boko Haram or ISWAP": one side, whoever of them it was
# ("clashes between X and Y" are two).
_ONE_SIDE = re.compile(r"^\s*(?:and/or|/|or|ou|et/ou)\s*$|^\s*(?:and|et)\s*$")
_OPPOSED_BEFORE = re.compile(r"(?i)\b(?:between|entre|with|against|contre|avec)\b[^.;]{0,40}$")


def _allied(text: str, first: ActorMention, second: ActorMention) -> bool:
    """Whether two named groups of a sentence are coordinated as one side."""
    between = text[first.end : second.start]
    if not _ONE_SIDE.match(between):
        return False
    plain_and = between.strip() in ("and", "et")
    return not (plain_and and _OPPOSED_BEFORE.search(text[max(0, first.start - 60) : first.start]))


# "killed 13 members of the Fulani community": a community struck is its civilians; one that
# strikes, or "clashes between the Borana and Gabra communities", is its militia.
_COMMUNITY = re.compile(rf"(?i)\b(?:{_words('people', 'community')})$")
_BETWEEN = re.compile(r"(?i)\b(?:between|entre)\b[^.;]{0,40}$")


_PASSIVE_BEFORE = re.compile(rf"(?i)\b(?:{_grammar('passive_right_before')})\s+$")
_PASSIVE_VERB = re.compile(rf"(?i)(?:{_grammar('passive_in_word')})\b")


_PEOPLE_OF = re.compile(rf"(?i)\b(?:{_words('people', 'people_of')})\s+(?:from|of|de|du|des)\s+"
                        r"(?:the\s+|la\s+|l['’]\s*)?$")


def _targeted_community(m: Mention, a: ActorMention) -> bool:
    """A community named as the one struck ("killed members of the Fulani community", "people of
    the Marri tribe were killed"), not as the one that struck or fought."""
    text = m.sentence.text
    if not _COMMUNITY.search(a.text) or _BETWEEN.search(text[max(0, a.start - 60) : a.start]):
        return False
    if _PEOPLE_OF.search(text[max(0, a.start - 40) : a.start]):  # "12 people of the Foulse community"
        return True
    acts_after = any(t.start >= a.end and t.sub != "Peaceful protest"
                     and not _PASSIVE_BEFORE.search(text[max(0, t.start - 12) : t.start])
                     and not _PASSIVE_VERB.match(t.text) for t in m.triggers)
    return not acts_after


def _add_actor(bucket: list[Actor], actor: Actor, surface: str) -> None:
    for known in bucket:
        if known.name == actor.name:
            if surface not in known.mentions:
                known.mentions.append(surface)
            return
    bucket.append(actor.model_copy(update={"mentions": [surface]}))


# "Al-Qaeda-linked fighters", "backed by Russia": an affiliation, not the actor itself.
_AFFILIATION_AFTER = re.compile(rf"^[-\s]*(?:{_words('affiliation', 'after_name')})\b", re.IGNORECASE)
_AFFILIATION_BEFORE = re.compile(rf"(?:{_words('affiliation', 'before_name')})"
                                 r"\s+(?:both\s+)?(?:the\s+|l.|le\s+|la\s+)?$", re.IGNORECASE)


_COORDINATED = re.compile(r"\b([A-Z][\w.]+)\s+(?:and|et)\s+$")

# "a civilian accused of collaborating with the army", "the brother of a general", "a police
# interpreter": a party named to describe a victim takes no part in the event.
_DESCRIBING_BEFORE = re.compile(rf"(?i)\b(?:{_words('bystanders', 'describing_before')})"
                                r"\s+(?:[\w-]+\s+){0,4}$")
_DESCRIBED_AFTER = re.compile(rf"(?i)^\s+(?:{_words('bystanders', 'described_after')})\b")


def describes_victim(text: str, a: ActorMention) -> bool:
    """Whether a party is named only to describe someone else (see _DESCRIBING_BEFORE)."""
    return bool(_DESCRIBING_BEFORE.search(text[max(0, a.start - 60) : a.start])
                or _DESCRIBED_AFTER.match(text[a.end : a.end + 20]))


# "unknown gunmen, presumably JNIM militants": what stands between the unnamed men and the
# group they are said to be
_PRESUMED_GAP = re.compile(rf"(?i)^\s*[,(]\s*(?:{_words('armed_groups', 'apposition')})\s+"
                           r"(?:(?:members|elements|fighters) of\s+|from\s+|of\s+)?(?:the\s+)?$")


def presumed_as(text: str, a: ActorMention, after: ActorMention | None) -> bool:
    """Whether unnamed armed men are named again at once as the group they are said to be
    ("unknown gunmen, presumably JNIM militants"): one party, the group."""
    return a.role == "unidentified" and after is not None and after.role in ("named", "identity") \
        and bool(_PRESUMED_GAP.match(text[a.end : after.start]))


def kb_demonym(word: str) -> str | None:
    return ActorKB.load().demonym_country(word)


def affiliated(text: str, a: ActorMention) -> bool:
    """"Al-Qaeda-linked fighters", "backed by Russia": the name is an affiliation."""
    return bool(_AFFILIATION_AFTER.match(text[a.end : a.end + 12])
                or _AFFILIATION_BEFORE.search(text[max(0, a.start - 40) : a.start]))


def participants(m: Mention) -> list[ActorMention]:
    """The actors a sentence shows taking part, not those who speak about it or stand behind it."""
    if m.statement:
        return []
    text = m.sentence.text
    speakers = tolls.speaker_spans(text)
    kept = []
    for a, after in zip(m.actors, [*m.actors[1:], None], strict=False):
        if any(s <= a.start and a.end <= e for s, e in speakers):
            continue
        if affiliated(text, a) or describes_victim(text, a) or presumed_as(text, a, after):
            continue
        kept.append(a)
        # "Syrian and Russian warplanes": the first adjective names a second actor.
        if a.role != "named" and a.country:
            before = _COORDINATED.search(text[max(0, a.start - 40) : a.start])
            other = kb_demonym(before.group(1)) if before else None
            if other and other != a.country:
                kept.append(a.model_copy(update={"country": other}))
    return kept


# "the rebels", "jihadists": the story's group when the report names one; "gunmen",
# "armed men" or "suspected jihadists" stay unidentified, as ACLED codes them.
_GROUP_NOUN = re.compile(rf"(?i)\b(?:{_words('armed_groups', 'group_nouns')})\b")
_UNKNOWN = re.compile(rf"(?i)\b(?:{_words('armed_groups', 'unknown')})\b")
_SUSPECTED = re.compile(rf"(?i)\b(?:{_words('armed_groups', 'suspected')})\b")


def sides(draft: Draft, kb: ActorKB, iso3: str | None, story_group: Actor | None = None) -> Sides:
    s = Sides()
    lead = lead_mention(draft)
    in_lead: set[str] = set()
    officials: set[tuple[str, int]] = set()  # parties named for an official struck, by sentence
    for m in draft.mentions:
        previous: ActorMention | None = None
        for a in participants(m):
            country = a.country or iso3
            ally = bool(previous and previous.actor and previous.actor.type in NON_STATE
                        and _allied(m.sentence.text, previous, a))
            previous = a if a.role == "named" else previous
            if a.role == "named" and a.actor and a.actor.type == "Identity militia":
                a = a.model_copy(update={"actor": kb.identity_militia(a.actor, iso3)})
            if a.role == "named" and a.actor and (
                    party_member(m.sentence.text, a) or (a.actor.name, m.sentence.index) in officials) \
                    and any(t.sub == "violence" for t in m.triggers) and not _agents_act(m, [a]):
                # "a BJP leader was shot dead": a civilian struck, the party no side (nor its
                # acronym in brackets after: "the Awami National Party (ANP)")
                officials.add((a.actor.name, m.sentence.index))
                _add_actor(s.civilians, kb.generic_actor("civilians", country), a.text)
                continue
            if off_duty(m.sentence.text, a) and any(t.sub == "violence" for t in m.triggers) \
                    and not _agents_act(m, [a]):
                _add_actor(s.civilians, kb.generic_actor("civilians", country), a.text)
                continue
            if a.role == "named" and a.actor and partisans(m.sentence.text, a):
                # a party's supporters are a crowd, not an armed side
                role = "rioters" if crowd_fights(m) else "protesters"
                _add_actor(getattr(s, role), kb.generic_actor(role, country), a.text)
                continue
            if a.role == "named" and a.actor:
                bucket = s.state if a.actor.type == "State forces" else (
                    s.civilians if a.actor.type == "Civilians" else
                    s.protesters if a.actor.type == "Protesters" else
                    s.rioters if a.actor.type == "Rioters" else
                    s.allies if ally and a.actor.type in NON_STATE else s.armed)
                _add_actor(bucket, a.actor, a.text)
                if m is lead:
                    in_lead.add(a.actor.name)
            elif a.role in ("military", "police"):  # forces of no known country still fight
                _add_actor(s.state, kb.generic_actor(a.role, country), a.text)
            elif a.role == "identity" and a.actor and _targeted_community(m, a):
                _add_actor(s.civilians, kb.generic_actor("civilians", country), a.text)
            elif a.role == "identity" and a.actor:
                _add_actor(s.armed, kb.identity_militia(a.actor, country), a.text)
                if m is lead:
                    in_lead.add(kb.identity_militia(a.actor, country).name)
            elif a.role == "unidentified":
                if story_group and _GROUP_NOUN.search(a.text) and not _SUSPECTED.search(a.text):
                    _add_actor(s.armed, story_group, a.text)
                    if m is lead:
                        in_lead.add(story_group.name)
                else:
                    _add_actor(s.armed, kb.generic_actor("unidentified", country), a.text)
            elif a.role == "private_security":  # armed guards are a side (ACLED: Battles)
                _add_actor(s.armed, kb.generic_actor(a.role, country), a.text)
            elif a.role == "civilians":
                _add_actor(s.civilians, kb.generic_actor("civilians", country), a.text)
            elif a.role == "protesters":
                _add_actor(s.protesters, kb.generic_actor("protesters", country), a.text)
            elif a.role == "rioters":
                _add_actor(s.rioters, kb.generic_actor("rioters", country), a.text)
    # The group the lead names is the one behind the "gunmen" of the other sentences; a
    # group named only later (vigilantes in pursuit) is another party.
    # "Unknown gunmen attacked a GATIA position": gunmen said to be unknown are never the group
    # the report names.
    named_armed = [a for a in s.armed if a.name in in_lead and not a.name.startswith("Unidentified")]
    unknown = any(_UNKNOWN.search(x) for a in s.armed if a.name.startswith("Unidentified")
                  for x in a.mentions)
    if named_armed and not unknown:
        generic = [a for a in s.armed if a.name.startswith("Unidentified")]
        for g in generic:
            named_armed[0].mentions.extend(x for x in g.mentions if x not in named_armed[0].mentions)
        s.armed = named_armed + [a for a in s.armed if a not in named_armed and a not in generic]
    return s


# "suspicion fell on X", "believed to be X": a suspect, not the group a report is about
SUSPICION = re.compile(rf"(?i)\b(?:{_words('claims', 'suspicion', 'discourse.toml')})")


def story_group(mentions: list[Mention], early_actors: list[ActorMention]) -> Actor | None:
    """The armed group a report is about: named in its headline or lead, most often named."""
    counts: dict[str, int] = {}
    actors: dict[str, Actor] = {}
    early: dict[str, None] = {}  # in the order named: ties break alike every run
    for a in early_actors:
        if a.role == "named" and a.actor and a.actor.type in NON_STATE:
            early[a.actor.name] = None
            actors[a.actor.name] = a.actor
    for m in mentions:
        if m.background or SUSPICION.search(m.sentence.text):
            continue
        for a in participants(m):
            if a.role == "named" and a.actor and a.actor.type in NON_STATE:
                counts[a.actor.name] = counts.get(a.actor.name, 0) + 1
                actors[a.actor.name] = a.actor
                if m.sentence.index < 3:
                    early[a.actor.name] = None
    ranked = sorted((n for n in counts if n in early), key=lambda n: -counts[n])
    ranked += [n for n in early if n not in counts]
    return actors[ranked[0]].model_copy(update={"mentions": []}) if ranked else None


def taker_is_state(draft: Draft) -> bool | None:
    """Who took the place: the actor named closest before the territory word."""
    for m in draft.mentions:
        for t in m.triggers:
            if t.sub != "territory":
                continue
            armed = [a for a in m.actors if _is_state(a) or _is_armed_non_state(a)]
            before = [a for a in armed if a.end <= t.start]
            if before:
                return _is_state(before[-1])
            if armed:
                return _is_state(armed[0])
    return None


def choose_actors(event_type: str, sub: str, s: Sides, kb: ActorKB, iso3: str | None
                  ) -> tuple[Actor | None, Actor | None, list[str], list[str]]:
    state = list(s.state)
    # guards defend: whoever else is armed attacked them
    armed = sorted(s.armed, key=lambda a: a.type == "External/Other forces")
    a1: Actor | None = None
    a2: Actor | None = None
    if sub == "Excessive force against protesters":  # political violence by the forces
        a1 = state[0] if state else kb.generic_actor("police", iso3)
        a2 = s.protesters[0] if s.protesters else kb.generic_actor("protesters", iso3)
    elif event_type == "Protests":
        a1 = s.protesters[0] if s.protesters else kb.generic_actor("protesters", iso3)
        a2 = state[0] if state and sub != "Peaceful protest" else None
    elif event_type == "Riots":
        a1 = s.rioters[0] if s.rioters else (
            s.protesters[0].model_copy(update={"name": kb.generic_actor("rioters", iso3).name,
                                               "type": "Rioters"}) if s.protesters
            else kb.generic_actor("rioters", iso3))
        a2 = state[0] if state else (s.civilians[0] if s.civilians else None)
        if a2 is None and sub == "Mob violence":  # a mob's victims: people (ACLED's Civilians)
            a2 = kb.generic_actor("civilians", iso3)
    elif event_type == "Strategic developments":
        if sub == "Agreement":
            a1 = kb.state_forces(iso3, "government") if iso3 else (state[0] if state else None)
            a2 = armed[0] if armed else None
        else:
            # Arrests are made by the state: its forces, named or not.
            a1 = state[0] if state else (kb.state_forces(iso3, "military") if iso3 and sub == "Arrests"
                                         else armed[0] if armed else None)
            a2 = armed[0] if armed and a1 is not armed[0] else (
                s.protesters[0] if s.protesters else s.civilians[0] if s.civilians else None)
            if a2 is None and sub == "Arrests":  # those arrested, when no group is named: civilians
                a2 = kb.generic_actor("civilians", iso3)
    elif event_type == "Violence against civilians":
        a1 = armed[0] if armed else (state[0] if state else kb.generic_actor("unidentified", iso3))
        a2 = s.civilians[0] if s.civilians else kb.generic_actor("civilians", iso3)
    elif sub == "Government regains territory":
        a1 = state[0] if state else None
        a2 = armed[0] if armed else None
    elif sub == "Air/drone strike":
        a1 = state[0] if state else (armed[0] if armed else None)
        a2 = s.civilians[0] if s.civilians else (armed[0] if armed and a1 is not armed[0] else None)
    elif event_type == "Explosions/Remote violence":
        # Bombs, mines and shells planted or fired by someone unnamed: an unidentified group.
        a1 = s.attacker or (armed[0] if armed else kb.generic_actor("unidentified", iso3))
        rest = [x for x in state if x.name != a1.name]
        a2 = s.civilians[0] if s.civilians else (rest[0] if rest else None)
    else:  # Battles
        a1 = armed[0] if armed else (state[0] if state else kb.generic_actor("unidentified", iso3))
        rest = [x for x in state + armed if x is not a1]
        a2 = rest[0] if rest else None
        if a2 is None and a1.type == "State forces":
            # a battle has two sides: the forces' unnamed enemy ("a checkpoint was attacked")
            a1, a2 = kb.generic_actor("unidentified", iso3), a1
    used = {a.name for a in (a1, a2) if a}
    assoc1, assoc2 = [], []
    if a1 and a1.type in NON_STATE:  # "X and/or Y militants": Y stands with actor 1
        assoc1 += [a.name for a in s.allies if a.name not in used]
        used |= {a.name for a in s.allies}
    side1_state = bool(a1 and a1.type == "State forces")
    for extra in state + armed:
        if extra.name in used:
            continue
        used.add(extra.name)
        same_side = (extra.type == "State forces") == side1_state
        (assoc1 if same_side else assoc2).append(extra.name)
    return a1, a2, assoc1, assoc2


def claimant_name(source: str, lang: str, kb: ActorKB, s: Sides, iso3: str | None) -> str:
    """Who speaks, as an actor name where the source is one of the parties: "the jihadist
    group" is the event's armed group, "the army" its state forces; else as the text says."""
    if not source:
        return "unattributed"
    for a in kb.find(source, lang):
        if a.role == "named" and a.actor:
            return a.actor.name
        if a.role in ("military", "police") and (a.country or iso3):
            return kb.state_forces(a.country or iso3, a.role).name
    kind = tolls.classify_source(source)
    if kind == "group" and s.armed:
        return s.armed[0].name
    if kind == "state" and s.state:
        return s.state[0].name
    return source


def speaker(index: int, sentences: list[Sentence]) -> str:
    """Who a sentence says is speaking; "It said ..." is the speaker of the sentences before."""
    source = tolls.attribution(sentences[index].text)
    for before in range(index - 1, max(-1, index - 3), -1):
        if not tolls.is_pronoun(source):
            break
        source = tolls.attribution(sentences[before].text) or source
    return "" if tolls.is_pronoun(source) else source


def claims_of(index: int, sentences: list[Sentence], lang: str, article_id: str, s: Sides,
              kb: ActorKB, iso3: str | None) -> list[Claim]:
    """Rule 7: who claimed, denied, counted or declared what, in one sentence."""
    sentence = sentences[index].text
    c = cues(lang)
    found: list[Claim] = []
    source = speaker(index, sentences)
    named = [a for a in s.armed + s.state if any(x in sentence for x in a.mentions)]
    who = claimant_name(source, lang, kb, s, iso3) if source else (
        named[0].name if named else "unattributed")
    if c.responsibility.search(sentence):
        group = claimant_group(index, sentences, lang, kb)
        if group or not _NO_CLAIM.search(sentence):
            found.append(Claim(claimant=group.name if group else who, kind="responsibility",
                               text=sentence, article_id=article_id))
    if c.denial.search(sentence):
        found.append(Claim(claimant=who, kind="denial", text=sentence, article_id=article_id))
    figures = tolls.figures(sentence, lang)
    if figures or tolls.unquantified_loss(sentence):
        found.append(Claim(claimant=who, kind="casualties", text=sentence, article_id=article_id))
    elif not found and c.claim_statement.search(sentence):
        found.append(Claim(claimant=who, kind="statement", text=sentence, article_id=article_id))
    return found


def event_id(article_id: str, day: date | None, sub: str, place: str) -> str:
    digest = hashlib.sha1(f"{article_id}|{day}|{sub}|{place}".encode()).hexdigest()
    return digest[:16]


def notes(day: date | None, a1: Actor | None, a2: Actor | None, sub: str, place: Location,
          fatalities: int, injured: int | None) -> str:
    """ACLED's style: "On 17 September 2024, X ... Y in Bamako (Bamako, Mali). Fatalities: 0."."""
    when = f"On {day.day} {day:%B %Y}" if day else "On an unknown date"
    who = a1.name if a1 else "an unidentified actor"
    target = f" involving {a2.name}" if a2 else ""
    region = ", ".join(x for x in (place.admin1, place.country) if x and x != place.name)
    where = f"{place.name} ({region})" if region else place.name
    cost = f"Fatalities: {fatalities}" + (f"; injured: {injured}" if injured else "")
    return f"{when}, {who}: {sub[0].lower() + sub[1:]}{target} in {where}. {cost}."


_NO_CLAIM = re.compile(rf"(?i)\b(?:{_words('claims', 'no_claim', 'discourse.toml')})")


ATTRIBUTION_REACH = 40  # characters from the attribution to the group's name


def attributed_group(draft: Draft, sentences: list[Sentence], lang: str, kb: ActorKB) -> Actor | None:
    """The named armed group the report attributes the event to, in its sentences or the two
    after them ("... planted an IED. The device was likely planted by Katiba Macina")."""
    first = min(m.sentence.index for m in draft.mentions)
    last = max(m.sentence.index for m in draft.mentions)
    for sentence in sentences[first : last + 3]:
        ends = [found.end() for found in cues(lang).attribution.finditer(sentence.text)]
        groups = [a for a in kb.find(sentence.text, lang) if a.role == "named" and a.actor
                  and a.actor.type in NON_STATE] if ends else []
        for a in groups:
            if any(end <= a.start <= end + ATTRIBUTION_REACH for end in ends):
                return a.actor.model_copy(update={"mentions": [a.text]})
    return None


def claimant_group(index: int, sentences: list[Sentence], lang: str, kb: ActorKB) -> Actor | None:
    """The group that claimed: named in the claim, or in the next sentences ("A jihadist group
    claimed the attack. The JNIM said ..."). "No group claimed it" names nobody."""
    text = sentences[index].text
    c = cues(lang)
    if not c.responsibility.search(text):
        return None
    denied = _NO_CLAIM.search(text)
    # "No group claimed it, but suspicion fell on X" names a suspect, not a claimant; "..., but
    # on Friday X said in a statement" does claim.
    if denied:
        negated = c.responsibility.search(text, denied.end())
        rest = text[negated.end() if negated else denied.end() :]
        if not (c.responsibility.search(rest) or c.claim_statement.search(rest)):
            return None
    ahead = 1 if denied else 3
    for sentence in sentences[index : index + ahead]:
        for a in kb.find(sentence.text, lang):
            if a.role == "named" and a.actor and a.actor.type in NON_STATE and not (
                _AFFILIATION_AFTER.match(sentence.text[a.end : a.end + 12])
            ):
                return a.actor.model_copy(update={"mentions": [a.text]})
    return None


def build(draft: Draft, article: Article, lang: str, kb: ActorKB, fallback: Location,
          claim_sentences: list[tuple[Sentence, int]], sentences: list[Sentence],
          known_group: Actor | None = None, toll_policy: tolls.TollPolicy = "conservative",
          learned: LearnedModel | None = None) -> Event:
    # A country says little: the lead's town or region, when it has one, says more.
    country_only = draft.place is None or place_rank(draft.place) == 4
    place = fallback if country_only and place_rank(fallback) < 4 else (draft.place or fallback)
    iso3 = place.iso3
    s = sides(draft, kb, iso3, known_group)
    for sentence, _ in claim_sentences:
        perpetrator = claimant_group(sentence.index, sentences, lang, kb)
        if perpetrator:  # who claimed it is actor 1, ahead of "gunmen" and bystanders
            s.armed = [perpetrator] + [a for a in s.armed if a.name != perpetrator.name
                                       and not a.name.startswith("Unidentified")]
            break
    # Who fought whom is told in the lead: a police shoot-out told later is another matter.
    lead = lead_mention(draft)
    told = sides(Draft(mentions=[lead]), kb, iso3, known_group) if participants(lead) else s
    armed_victims = _armed_victims(lead, kb, iso3, told, s)
    fired = any(
        any(a.role == "protesters" for a in m.actors) and any(_is_state(a) for a in m.actors)
        and _FIRED.search(m.sentence.text) for m in draft.mentions)
    involved = Involved(
        # forces of two states (Ukraine's and Russia's) are two sides; a state's army and police one
        armed_sides=min(len({_STATE_OF.sub("", a.name) for a in told.state}), 2) + min(len(told.armed), 2)
        + armed_victims,
        civilians_targeted=bool(told.civilians) or any(f.victims == "civilians" for f in lead.figures)
        or bool(_CIVILIAN_TARGET.search(lead.sentence.text)) or attacked_locality(lead, kb),
        state_involved=bool(told.state), taker_is_state=taker_is_state(draft),
        protesters=bool(s.protesters), forces_fired_on_protesters=fired,
        casualties=any(f.value > 0 for m in draft.mentions for f in m.figures),
        crowd=bool(told.protesters or told.rioters or told.civilians),
        # the forces killing armed men ("police shot dead five suspected robbers") fight them
        peaceful=bool(_PEACEFUL.search(lead.sentence.text)), state_acts=forces_act(lead)
        and not any(f.victims in ("forces", "militants") for f in lead.figures),
        crowd_fights=crowd_fights(lead), crowd_acts=crowd_acts(lead), people_act=people_act(lead),
        ground_fight=any(tells_ground_fight(m.sentence.text, m is lead) for m in draft.mentions),
        demonstration=any(tells_demonstration(m.sentence.text) for m in draft.mentions),
        crowd_destroys=crowd_destroys(lead))
    event_type, sub = code_event(lead.triggers, [t for m in draft.mentions if m is not lead
                                                 for t in m.triggers], involved)
    if learned is not None:  # the user's learned classifier, under the codebook's precedence
        event_type, sub = learned.code((event_type, sub), [m.sentence.text for m in draft.mentions], involved,
                                       lang)
    s.attacker = _weapon_state(lead, kb)
    if s.attacker:
        s.state = [s.attacker] + [a for a in s.state if a.name != s.attacker.name]
    if sub == "Air/drone strike" and not s.state and iso3:
        s.state.append(kb.state_forces(iso3, "military"))  # air power is a state's
    # (a demonstration's or a riot's actor 1 is its crowd: `choose_actors` takes no armed group)
    if all(a.name.startswith("Unidentified") for a in s.armed):
        attributed = attributed_group(draft, sentences, lang, kb)
        if attributed:  # "gunmen attacked ...; the attack was carried out by ISWAP"
            s.armed = [attributed]
    a1, a2, assoc1, assoc2 = choose_actors(event_type, sub, s, kb, iso3)
    found = [f for m in draft.mentions for f in m.figures]
    # A count given after the event is told ("A local official said nine bodies had been
    # found") is part of its toll, if no party gives it about its enemy.
    told_in = {m.sentence.index for m in draft.mentions}
    found += [f for sentence, _ in claim_sentences if sentence.index not in told_in
              for f in tolls.figures(sentence.text, lang) if f.source_class == "neutral"]
    fatalities = tolls.event_toll(found, "dead", toll_policy) or 0
    injured = tolls.event_toll(found, "injured", toll_policy)
    claims: list[Claim] = []
    for sentence, _ in claim_sentences:
        for claim in claims_of(sentence.index, sentences, lang, article.id, s, kb, iso3):
            if claim not in claims:
                claims.append(claim)
    evidence = [Evidence(article_id=article.id, start=m.sentence.start, end=m.sentence.end,
                         text=m.sentence.text) for m in draft.mentions]
    confidence = min(1.0, 0.3 + 0.1 * len(draft.mentions)
                     + (0.2 if draft.date else 0) + (0.2 if draft.place else 0))
    return Event(
        event_id=event_id(article.id, draft.date, sub, place.name),
        article_ids=[article.id],
        event_date=draft.date,
        time_precision=draft.precision,  # type: ignore[arg-type]
        disorder_type=disorder_type(event_type, sub),
        event_type=event_type,
        sub_event_type=sub,
        actor1=a1,
        actor2=a2,
        assoc_actor_1=assoc1,
        assoc_actor_2=assoc2,
        civilian_targeting=event_type == "Violence against civilians" or (
            event_type == "Explosions/Remote violence" and involved.civilians_targeted),
        location=place,
        fatalities=fatalities,
        injured=injured,
        claims=claims,
        evidence=evidence,
        confidence=round(confidence, 2),
        notes=notes(draft.date, a1, a2, sub, place, fatalities, injured),
        coder=learned.coder if learned is not None else "rules",
        source=[article.source] if article.source else [],
        published=article.published,
    )


def share_perpetrators(events: list[Event]) -> list[Event]:
    """A report that names the group behind one shelling of a town and not behind the next
    one of the same kind there: the same group (an ACLED coder reads the report whole)."""
    named = [e for e in events if e.actor1 and e.actor1.type in NON_STATE
             and not e.actor1.name.startswith("Unidentified")]
    result = []
    for e in events:
        if e.actor1 and e.actor1.name.startswith("Unidentified"):
            same = [n for n in named if n.sub_event_type == e.sub_event_type
                    and n.location.iso3 == e.location.iso3 and not _apart(n.location, e.location)]
            if same:
                e = e.model_copy(update={"actor1": same[0].actor1.model_copy(
                    update={"mentions": same[0].actor1.mentions + e.actor1.mentions})})
        result.append(e)
    return result
