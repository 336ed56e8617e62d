"""Learned actors: the coded actor names with their ACLED type (from the inter codes) and
country, and the aliases their notes use for them. A note's capitalised phrases and
acronyms are aligned with the names coded for its event: a phrase that comes with one
coded name in most of the notes that use it ("ISGS", "Koglweogo") is that actor's alias.
A group the knowledge base knows by another name than the coders is theirs (`replaces`):
where most notes naming it code one other name, the knowledge base's name gives way."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel

from ...models import ActorType
from ..actors import ActorKB
from .records import INTER_TYPES, CodedEvent

MIN_TOGETHER = 3  # notes naming both the phrase and the actor
MIN_SHARE = 0.6  # of the notes with the phrase, the share whose event codes that actor
# Names the knowledge base makes itself for any country ("Military Forces of Mali",
# "Civilians (Mali)", "Unidentified Armed Group (Mali)").
_GENERATED = re.compile(r"^(?:Military|Police|Government|Civilians|Protesters|Rioters|Unidentified|"
                        r"Prison|Private Security)\b|Forces of ")
_PHRASE = re.compile(r"\b(?:[A-Z][\w'’\-]*|al|el|de|of|the)(?:\s+(?:[A-Z][\w'’\-]*|al|el|de|of|the)){0,4}\b")
_EDGE_WORDS = {"al", "el", "de", "of", "the", "on", "in", "an", "a"}
# Words of many actor names that say nothing of which actor a phrase names.
_GENERIC_WORDS = {"militia", "ethnic", "clan", "communal", "group", "forces", "force", "front", "liberation",
                  "islamic", "islam", "state", "movement", "sect", "suspected", "presumed", "alleged", "and",
                  "for", "support", "muslims", "defence", "defense", "self", "people", "peoples", "national",
                  "army", "unidentified", "political", "party", "greater", "sahara", "sahel", "west",
                  "africa"}
_WORD = re.compile(r"[\w']+")


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text) if len(w) >= 3}


def _plausible(phrase: str, name: str) -> bool:
    """An acronym ("ISGS", "SLDF"), or a phrase sharing a telling word with the name
    ("Koglweogos" of "Koglweogo Militia", "Dozo" of "Dozo Communal Militia (Mali)"). A
    phrase that only comes with an actor (a village it raids, "Explosive Device") is not."""
    if re.fullmatch(r"[A-Z][A-Z0-9\-]{1,7}", phrase):
        return True
    telling = _words(name) - _GENERIC_WORDS
    words = _words(phrase)
    if not words or words <= _GENERIC_WORDS:
        return False
    return any(w[:5] == t[:5] for w in words - _GENERIC_WORDS for t in telling)


class LearnedActor(BaseModel):
    name: str
    type: ActorType
    country: str = ""
    aliases: list[str] = []
    count: int = 0
    # names of the knowledge base the coders code as this actor, with the countries of those
    # notes ("Islamic State (Sahel)", whose names "ISGS" and "EIGS" the notes use, coded
    # "Islamic State (Greater Sahara)" in Mali and Burkina Faso)
    replaces: dict[str, list[str]] = {}


def _phrases(note: str) -> set[str]:
    """Capitalised phrases of a note and every shorter run within them."""
    found: set[str] = set()
    for m in _PHRASE.finditer(note):
        words = m.group(0).split()
        for i in range(len(words)):
            for j in range(i + 1, min(len(words), i + 4) + 1):
                run = words[i:j]
                if run[0].lower() in _EDGE_WORDS or run[-1].lower() in _EDGE_WORDS:
                    continue
                phrase = " ".join(run).strip("'’-")
                if len(phrase) >= 3:
                    found.add(phrase)
    return found


def _new_alias(phrase: str, name: str, kb: ActorKB, taken: set[str]) -> bool:
    """Not a place, a country, a name the knowledge base knows, nor an unlikely name."""
    return phrase != name and phrase not in taken and phrase.lower() not in taken \
        and not kb.countries_in(phrase) and kb.resolve(phrase) is None and _plausible(phrase, name)


def learn_actors(events: Iterable[CodedEvent], kb: ActorKB) -> list[LearnedActor]:
    """Named actors of the coded events with their type, country and aliases."""
    events = list(events)  # read twice
    actors: dict[str, LearnedActor] = {}
    together: dict[str, Counter[str]] = defaultdict(Counter)
    phrase_notes: Counter[str] = Counter()
    known = {name.lower() for name in kb.entries}
    places: set[str] = set()
    for e in events:
        places.update(p for p in (e.location, e.admin1, e.admin2, e.country) if p)
        named = [(n, i) for n, i in ((e.actor1, e.inter1), (e.actor2, e.inter2)) if n]
        for name, inter in named:
            if _GENERATED.search(name) or inter is None:
                continue
            actor = actors.setdefault(name, LearnedActor(name=name, type=INTER_TYPES[inter],  # type: ignore[arg-type]
                                                         country="" if inter == 8 else e.iso3))
            actor.count += 1
            if actor.country and actor.country != e.iso3:
                actor.country = ""  # coded in several countries: transnational
        if not e.notes:
            continue
        phrases = _phrases(e.notes) - {e.location, e.admin1, e.admin2, e.country}
        phrase_notes.update(phrases)
        for name, _ in named:
            if name in actors:
                together[name].update(phrases)
    best_actor: dict[str, tuple[str, int]] = {}
    for name, counts in together.items():
        for phrase, n in counts.items():
            if n > best_actor.get(phrase, ("", 0))[1]:
                best_actor[phrase] = (name, n)
    for phrase, (name, n) in best_actor.items():
        if n >= MIN_TOGETHER and n / phrase_notes[phrase] >= MIN_SHARE \
                and _new_alias(phrase, name, kb, places | known):
            actors[name].aliases.append(phrase)
    for kb_name, (name, countries) in coders_names(events, kb, set(actors)).items():
        actors[name].replaces[kb_name] = countries
    for actor in actors.values():
        actor.aliases.sort()
    return sorted(actors.values(), key=lambda a: a.name)


_PERIOD = re.compile(r"\s*\(\d{4}-?\d{0,4}\)")  # "Military Forces of Mali (2016-2021)"


def _same_name(a: str, b: str) -> bool:
    return _PERIOD.sub("", a).lower() == _PERIOD.sub("", b).lower()


def coders_names(events: Iterable[CodedEvent], kb: ActorKB, learned: set[str],
                 ) -> dict[str, tuple[str, list[str]]]:
    """The knowledge base's groups the coders code by another name: the one coded in most of
    the notes naming that group and no other (a note naming two, "JNIM and/or ISGS", codes
    the pair), when the coders never or seldom code the knowledge base's own name there;
    with the countries of those notes."""
    notes: Counter[str] = Counter()
    coded: dict[str, Counter[str]] = defaultdict(Counter)
    where: dict[tuple[str, str], set[str]] = defaultdict(set)
    for e in events:
        if not e.notes:
            continue
        named = {m.actor.name for m in kb.find(e.notes, "en", e.iso3 or None)
                 if m.role == "named" and m.actor}
        if len(named) != 1:
            continue
        kb_name = named.pop()
        names = {n for n in (e.actor1, e.actor2, *e.assoc_actors) if n and not _GENERATED.search(n)}
        notes[kb_name] += 1
        if not any(_same_name(n, kb_name) for n in names):
            coded[kb_name].update(n for n in names if n in learned)
            for n in names:
                where[kb_name, n].add(e.iso3)
    found = {}
    for kb_name, counts in coded.items():
        if not counts:
            continue
        name, n = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
        if n >= MIN_TOGETHER and n / notes[kb_name] >= MIN_SHARE:
            found[kb_name] = (name, sorted(c for c in where[kb_name, name] if c))
    return found


def save_actors(actors: list[LearnedActor], folder: Path) -> None:
    (folder / "actors.json").write_text(json.dumps([a.model_dump() for a in actors], ensure_ascii=False),
                                        encoding="utf-8")


def load_actors(folder: Path) -> list[LearnedActor]:
    path = folder / "actors.json"
    if not path.exists():
        return []
    return [LearnedActor.model_validate(a) for a in json.loads(path.read_text(encoding="utf-8"))]
