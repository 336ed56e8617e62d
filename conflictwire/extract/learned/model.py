"""A learned model directory, which model is in use, and how it codes with the rules.

Layout of a model directory: `model.json` (what was learned, when, from what),
`places.json`, `actors.json`, `classifier.npz` and `vocabulary.json`, `blend.npz` (how the
rules' coding and the classifier's are weighed), `victims.json` (where the coders code
civilians as the other side), `sources.json` (the country each of the user's outlets
reports on). The model in use is `--model DIR`, else the one under the user cache
directory when it exists; `--no-model` ignores it. The choice travels to worker processes in
CONFLICTWIRE_MODEL ("none" for no model), and each process loads a model once
(`active_model`)."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import re
from pathlib import Path

from pydantic import BaseModel

from ..classify import Involved
from ..detect import Trigger
from ..places.gazetteer import cache_dir
from .actors import LearnedActor, load_actors
from .blend import GENERIC_SUB, REMOTE, Blender, guessed
from .classifier import TypeClassifier
from .places import LearnedPlace, load_places
from .sources import load_sources, source_country
from .victims import load_victims, with_victims

ENV = "CONFLICTWIRE_MODEL"
CONFIDENT = 0.5  # the classifier's type probability above which it overrules the rules' type
# The classifier's margin from which a sentence the rules find no event word in reads as an
# event to it: on news sentences without an event word (the dev corpus, InSight Crime) the
# margins' 90th percentile is about 0.06 and 3 in 1,000 reach 0.5; on ACLED notes the rules
# found no event word in, a quarter do. On 600 InSight Crime articles it adds one event (0.25: seven).
DETECT = 0.5
SUB_CONFIDENT = 0.5  # its share of the type above which its sub-type overrules the rules'
# Without a learned blend (too few coded events to fit one), the sub-type the rules give a
# type when no word names a more specific one is the only one the classifier may change. Any
# other sub-type of the rules was read from the report ("suicide bomber", "drone",
# "abducted", "took control of"): on the dev corpus the classifier turned 9 such sub-types
# into the common one (sub-type accuracy 0.871 -> 0.742).


class ModelInfo(BaseModel):
    """model.json: what a model directory holds."""

    name: str
    created: str
    sources: list[str]
    until: str | None = None
    events: int = 0
    places: int = 0
    actors: int = 0
    aliases: int = 0
    classified: int = 0  # notes the classifier learned from
    type_accuracy: float | None = None  # on a held-out tenth
    sub_type_accuracy: float | None = None
    blended: int = 0  # past events the rules coded, which the blend learned from
    # on the held-out tenth of those events: the blend's type and sub-type accuracy, the rules'
    # alone and the classifier's alone (type)
    blend_accuracy: list[float] | None = None
    languages: list[str] | None = None  # of the notes the classifier learned from (None: any)
    victims: int = 0  # (country, sub-type) pairs its coders code with civilians as the other side
    outlets: int = 0  # outlets of the user's sources tied to the country they report on
    seconds: float = 0.0


def default_model_dir() -> Path:
    return cache_dir() / "model"


def choose(model: str | Path | None, no_model: bool = False) -> None:
    """Set the model this process and its workers use (the CLI's --model / --no-model)."""
    if no_model:
        os.environ[ENV] = "none"
    elif model:
        os.environ[ENV] = str(Path(model).expanduser().resolve())


def model_dir_in_use() -> Path | None:
    chosen = os.environ.get(ENV, "")
    if chosen == "none":
        return None
    folder = Path(chosen) if chosen else default_model_dir()
    return folder if (folder / "model.json").exists() else None


def active_model() -> LearnedModel | None:
    """The model in use in this process, loaded once."""
    folder = model_dir_in_use()
    return _load(str(folder)) if folder else None


@functools.cache
def _load(folder: str) -> LearnedModel:
    return LearnedModel.load(Path(folder))


class LearnedModel:
    """What `conflictwire learn` wrote: places, actors and a type classifier."""

    def __init__(self, folder: Path, info: ModelInfo, places: list[LearnedPlace],
                 actors: list[LearnedActor], classifier: TypeClassifier | None,
                 blender: Blender | None = None, victims: dict[str, list[str]] | None = None,
                 outlets: dict[str, str] | None = None) -> None:
        self.folder = folder
        self.info = info
        self.places = places
        self.actors = actors
        self.classifier = classifier
        self.blender = blender
        self.victims = victims or {}
        self.outlets = outlets or {}
        digest = hashlib.sha256((folder / "model.json").read_bytes()).hexdigest()[:8]
        self.coder = f"rules+model:{info.name}@{digest}"

    @classmethod
    def load(cls, folder: Path) -> LearnedModel:
        try:
            info = ModelInfo.model_validate_json((folder / "model.json").read_text(encoding="utf-8"))
            return cls(folder, info, load_places(folder), load_actors(folder), TypeClassifier.load(folder),
                       Blender.load(folder), load_victims(folder), load_sources(folder))
        except (OSError, ValueError, KeyError) as err:
            raise ValueError(f"{folder}: not a readable conflictwire model ({err}); "
                             f"run `conflictwire learn --forget --model {folder}` and learn again") from err

    def actor_kb(self, kb):
        """The knowledge base with the learned actors added."""
        from ..actors import Entry

        kb = communities_by_country(kb.extended(
            Entry(name=a.name, type=a.type, country=a.country or None, aliases=tuple(a.aliases))
            for a in self.actors), self.actors)
        return coders_names_first(kb, self.actors)

    def gazetteer(self, base):
        """The gazetteer with the learned places consulted first."""
        from .places import PlacesSupplement

        return PlacesSupplement(base, self.places)

    def code(self, rules: tuple[str, str], texts: list[str], involved: Involved,
             lang: str | None = None) -> tuple[str, str]:
        """The rules' (type, sub-type) blended with the classifier's, on text in a language
        of the notes it learned: by the blend learned from the coders' own events where the
        rules guessed, when there is one; else under the codebook's precedence (means the
        rules found decide Explosions/Remote violence, two armed sides decide Battles; within
        that type, or where the rules decide nothing the codebook fixes, a confident
        classifier overrules them)."""
        if self.classifier is None or (lang and self.info.languages and lang not in self.info.languages):
            return rules
        if self.blender is not None:
            if not guessed(rules):
                return rules
            return self.blender.code(self.classifier.margins(" ".join(texts)), rules, involved)
        event_type, p_type, _, _ = self.classifier.predict(" ".join(texts))
        fixed = self._fixed_by_codebook(rules, involved)
        if fixed is None and p_type >= CONFIDENT:
            fixed = event_type
        if fixed is None:
            return rules
        if fixed == rules[0] and rules[1] != GENERIC_SUB.get(fixed):
            return rules  # the report named the sub-type
        probs = self.classifier.sub_probabilities(" ".join(texts))
        from ...models import EVENT_TYPES

        subs = EVENT_TYPES[fixed]
        total = sum(probs.get(s, 0.0) for s in subs) or 1.0
        sub = max(subs, key=lambda s: probs.get(s, 0.0))
        if fixed == rules[0] and probs.get(sub, 0.0) / total < SUB_CONFIDENT:
            return rules
        return fixed, sub

    def with_source_country(self, article):
        """The article with the country its source reports on for this user (`sources.py`),
        the scene's prior, when it gives none itself."""
        if article.country or not self.outlets:
            return article
        country = source_country(article.source, self.outlets)
        return article.model_copy(update={"country": country}) if country else article

    def complete(self, events: list, kb) -> list:
        """The events with what the coders code where the report is silent: civilians as the
        other side, for the sub-types and countries where they do (`victims.py`)."""
        return with_victims(events, self.victims, kb) if self.victims else events

    def triggers(self, texts: list[str], lang: str) -> list[list[Trigger]]:
        """For each sentence the classifier reads as a sub-type with a margin of DETECT or
        more, one trigger of that sub-type on the word that weighs most in that reading (the
        coders' word for it: "assassinated"); no trigger for the others. For the sentences
        of a report the rules find no event word in."""
        if self.classifier is None or (self.info.languages and lang not in self.info.languages):
            return [[] for _ in texts]
        found = []
        for text, reading in zip(texts, self.classifier.strongest(texts, DETECT), strict=True):
            word = re.search(rf"(?i)\b{re.escape(reading[2])}\b", text) if reading else None
            found.append([Trigger(start=word.start(), end=word.end(), text=word.group(0), sub=reading[0],
                                  weight=0.9, cue=False)] if reading and word else [])
        return found

    @staticmethod
    def _fixed_by_codebook(rules: tuple[str, str], involved: Involved) -> str | None:
        """The rules' type where the codebook's precedence fixes it: means decide
        Explosions/Remote violence, two armed sides decide Battles, demonstrators' violence
        decides Riots (the rules say Riots only on words of it; the classifier, seeing a
        crowd, made dev-012's riots peaceful protests), and a sub-type the report named (an
        arrest, an abduction, protesters met with force) decides its type."""
        if rules[0] in (REMOTE, "Riots") or (rules[0] == "Battles" and involved.armed_sides >= 2):
            return rules[0]
        if rules[0] in GENERIC_SUB and rules[1] != GENERIC_SUB[rules[0]]:
            return rules[0]
        return None

    def describe(self) -> str:
        i = self.info
        lines = [f"model {i.name} ({self.coder}) at {self.folder}",
                 f"  learned {i.created} from {i.events} events of {', '.join(i.sources)}"
                 + (f", up to {i.until}" if i.until else ""),
                 f"  places: {i.places}; actors: {i.actors} with {i.aliases} aliases",
                 f"  classifier: {i.classified} notes" + (
                     f", held-out tenth: type {i.type_accuracy:.3f}, sub-type {i.sub_type_accuracy:.3f}"
                     if i.type_accuracy is not None and i.sub_type_accuracy is not None else ""),
                 f"  blend: {blend_line(i)}",
                 f"  civilians as the other side: {victims_line(self.victims)}",
                 f"  outlets tied to a country: {len(self.outlets)}",
                 f"  size: {sum(f.stat().st_size for f in self.folder.iterdir()) / 1e6:.1f} MB"]
        return "\n".join(lines)


_QUALIFIED = re.compile(r"^(?P<base>.+) \((?P<country>[^()]+)\)$")  # "Fulani Ethnic Militia (Mali)"


def communities_by_country(kb, actors: list[LearnedActor]):
    """`kb` (a copy the learned actors extended) where a community's militia that the
    packaged knowledge base ties to one country ("Fulani Ethnic Militia (Nigeria)", with
    "Fulani militiamen" among its names) is, in a report about a country where the coders
    coded that community's militia, theirs ("Fulani Ethnic Militia (Mali)", "... (Burkina
    Faso)"), as the knowledge base's `by_country` resolves "Islamic State" by the report's
    country. Only militias the coders named after the country of their events. The entry
    keeps its country: `ActorKB.identity_militia` names a militia of a known country for the
    one it acts in, and would add a second country to a "(Nigeria)" of none."""
    theirs: dict[str, dict[str, LearnedActor]] = {}
    for a in actors:
        found = _QUALIFIED.match(a.name)
        if a.type == "Identity militia" and a.country and found \
                and found["country"] == kb.country_name(a.country):
            theirs.setdefault(found["base"], {})[a.country] = a
    for name, entry in list(kb.entries.items()):
        found = _QUALIFIED.match(name)
        if entry.type != "Identity militia" or not found or entry.by_country or entry.default:
            continue
        others = theirs.get(found["base"], {})
        if not others or entry.country in others:
            continue  # the coders coded this one's country too: their names stand as they are
        by_country = {c: a.name for c, a in others.items()} | ({entry.country: name} if entry.country else {})
        # a report whose country is not known is, for this user, about the country where
        # their coders coded that militia most
        default = max(others.values(), key=lambda a: (a.count, a.name)).name
        kb.entries[name] = dataclasses.replace(entry, by_country=tuple(sorted(by_country.items())),
                                               default=default)
    return kb


def coders_names_first(kb, actors: list[LearnedActor]):
    """`kb` where a group the coders code by another name (`LearnedActor.replaces`) resolves
    to theirs in the countries of their notes; everywhere when the group is at home there
    (its names, "ISGS", and the names that lead to it, "Islamic State" in Mali, give the
    coders' actor), only there when it is at home elsewhere (Kenya's coders' "ANC" is not
    South Africa's). A name that already depends on the report's country is left."""
    for a in actors:
        for name, countries in a.replaces.items():
            entry = kb.entries.get(name)
            if entry is None or entry.by_country or entry.default or entry.ambiguous or not countries:
                continue
            home = {c for c in (entry.country, *entry.operates) if c}
            kb.entries[name] = dataclasses.replace(
                entry, by_country=tuple((c, a.name) for c in countries),
                default=a.name if not home or home & set(countries) else "")
    return kb


def blend_line(info: ModelInfo) -> str:
    """What the blend learned from and how it codes the held-out tenth against each part alone."""
    if not info.blended:
        return "none (too few coded events): the codebook's precedence weighs the classifier"
    line = f"{info.blended} past events the rules coded with a guess"
    if info.blend_accuracy:
        blend, blend_sub, rules, classifier = info.blend_accuracy
        line += (f"; held-out tenth: type {blend:.3f} (rules alone {rules:.3f}, classifier alone "
                 f"{classifier:.3f}), sub-type {blend_sub:.3f}")
    return line


def victims_line(victims: dict[str, list[str]]) -> str:
    return "; ".join(f"{iso3} {', '.join(subs)}" for iso3, subs in sorted(victims.items())) or "none learned"


def info_json(info: ModelInfo) -> str:
    return json.dumps(info.model_dump(), indent=1)
