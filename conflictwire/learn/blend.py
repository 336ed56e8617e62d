"""Fitting the blend of the rules and the classifier (`extract/learned/blend.py` applies it).

Its training rows are past coded events as a new report of them would be coded: the rules
read the event's notes (with the learned places and actors, as at extraction), and the
classifier gives its margins without having learned that event (out of fold). Half the rows
come from a classifier that learned nothing of the event's own country either (countries
left out by groups), so that the blend also learns how far to trust the classifier on
countries its user's data do not cover."""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..extract.classify import Involved
from ..extract.learned.actors import LearnedActor
from ..extract.learned.blend import Blender, features, guessed
from ..extract.learned.classifier import TypeClassifier
from ..extract.learned.model import LearnedModel
from ..extract.learned.places import LearnedPlace
from ..extract.learned.records import CodedEvent
from ..models import SUB_EVENT_TYPES, Article

SAMPLE = 4000  # past events the rules code for the blend: ~2 minutes
FOLDS = 5
MIN_ROWS = 50  # fewer coded events than this: no blend, the codebook's precedence instead


@dataclass
class Coded:
    """A past event as the rules coded its notes."""

    event: CodedEvent
    rules: tuple[str, str]
    text: str  # the evidence sentences, as the classifier reads them at extraction
    involved: Involved


@dataclass
class BlendFit:
    """What fitting the blend gave: the blend (None when too few events), how many past
    events it learned from, its held-out accuracy (`ModelInfo.blend_accuracy`) and the
    languages of the notes."""

    blender: Blender | None
    blended: int = 0
    accuracy: list[float] | None = None
    languages: list[str] | None = None


class _Recorder(LearnedModel):
    """The learned places and actors with the rules' coding kept, not blended."""

    # no folder, no model.json: nothing is written yet
    def __init__(self, places: list[LearnedPlace], actors: list[LearnedActor]) -> None:
        self.places, self.actors = places, actors
        self.classifier, self.blender, self.coder = None, None, "rules"
        self.victims: dict[str, list[str]] = {}
        self.outlets: dict[str, str] = {}
        self.calls: list[tuple[tuple[str, str], list[str], Involved]] = []

    def code(self, rules: tuple[str, str], texts: list[str], involved: Involved,
             lang: str | None = None) -> tuple[str, str]:
        self.calls.append((rules, texts, involved))
        return rules


def _stable(e: CodedEvent, salt: str = "") -> int:
    return zlib.crc32(f"{salt}{e.source.rsplit(':', 1)[0].rsplit('/', 1)[-1]}{e.notes}".encode())


def rules_coding(events: list[CodedEvent], places: list[LearnedPlace], actors: list[LearnedActor],
                 report: Callable[[str], None]) -> tuple[list[Coded], list[str]]:
    """The rules' coding of each event's notes (an event whose notes they find none in is
    left out), and the languages of a tenth of the notes or more."""
    from ..extract.pipeline import Extractor, language_of

    recorder = _Recorder(places, actors)
    extractor = Extractor(model=recorder)
    coded = []
    languages: Counter[str] = Counter()
    for n, e in enumerate(events, 1):
        recorder.calls.clear()
        article = Article(id=f"coded-{n}", text=e.notes, published=e.event_date)
        languages[language_of(article)] += 1
        if extractor.unsupported(article) is None:
            extractor.extract_each([article])  # one at a time: each call is this event's
        if recorder.calls:
            rules, texts, involved = recorder.calls[0]  # the lead event: what the notes tell
            coded.append(Coded(e, rules, " ".join(texts), involved))
        if n % 1000 == 0:
            report(f"  blend: the rules coded {n} of {len(events)} past events")
    return coded, sorted(lang for lang, k in languages.items() if k >= len(events) / 10)


def _margin_rows(coded: list[Coded], typed: list[CodedEvent], group: Callable[[CodedEvent], int],
                 ) -> list[tuple[int, dict[str, float]]]:
    """(index, features) of each coded event, with the margins of a classifier that learned
    the events of every other group (its own group left out)."""
    rows = []
    for g in sorted({group(c.event) for c in coded}):
        train = [e for e in typed if group(e) != g]
        if len({e.sub_event_type for e in train}) < 2:
            continue  # every event is in this group: nothing to leave it out of
        classifier = TypeClassifier.train([e.notes for e in train], [e.sub_event_type for e in train])
        rows += [(i, features(classifier.margins(c.text), c.rules, c.involved))
                 for i, c in enumerate(coded) if group(c.event) == g]
    return rows


def _fit(rows: list[tuple[int, dict[str, float]]], coded: list[Coded]) -> Blender:
    from sklearn.linear_model import LogisticRegression

    names = sorted({n for _, r in rows for n in r})
    index = {n: i for i, n in enumerate(names)}
    x = np.zeros((len(rows), len(names)), dtype=np.float32)
    for i, (_, r) in enumerate(rows):
        for n, v in r.items():
            x[i, index[n]] = v
    subs = [coded[c].event.sub_event_type for c, _ in rows]
    fit = LogisticRegression(C=1.0, max_iter=5000, random_state=0).fit(x, subs)
    labels = [str(s) for s in fit.classes_]
    weights, bias = fit.coef_.T, fit.intercept_
    if len(labels) == 2:  # a binary fit keeps one column: make it two, as for many classes
        weights, bias = np.hstack([-weights, weights]), np.array([-bias[0], bias[0]])
    return Blender(names, labels, weights.astype(np.float32), bias.astype(np.float32))


def fit_blend(typed: list[CodedEvent], places: list[LearnedPlace], actors: list[LearnedActor],
              held_out: Callable[[CodedEvent], bool], report: Callable[[str], None]) -> BlendFit:
    """The blend of the rules' guesses with the classifier, from past events the rules
    coded with a guess (`guessed`): the only ones it will decide."""
    sample = sorted(typed, key=_stable)[:SAMPLE]
    coded, languages = rules_coding(sample, places, actors, report)
    coded = [c for c in coded if guessed(c.rules)]
    in_fold = _margin_rows(coded, typed, lambda e: _stable(e, "fold") % FOLDS)
    # and as for countries the classifier did not learn
    rows = in_fold + _margin_rows(coded, typed, lambda e: zlib.crc32(e.iso3.encode()) % FOLDS)
    if len(coded) < MIN_ROWS or len({coded[i].event.sub_event_type for i, _ in rows}) < 2:
        return BlendFit(None, languages=languages)
    return BlendFit(_fit(rows, coded), len(coded), _held_out_accuracy(coded, in_fold, rows, held_out),
                    languages)


def _held_out_accuracy(coded: list[Coded], in_fold: list[tuple[int, dict[str, float]]],
                       rows: list[tuple[int, dict[str, float]]], held_out: Callable[[CodedEvent], bool],
                       ) -> list[float] | None:
    """(type, sub-type, rules' type, classifier's type) accuracy of a blend fitted without
    the held-out tenth, on that tenth's in-fold rows (events the rules coded with a guess)."""
    test = [(i, r) for i, r in in_fold if held_out(coded[i].event)]
    keep = [(i, r) for i, r in rows if not held_out(coded[i].event)]
    if not test or len({coded[i].event.sub_event_type for i, _ in keep}) < 2:
        return None
    blender = _fit(keep, coded)
    blend = sub = rules = alone = 0
    for i, row in test:
        c = coded[i]
        margins = {k.removeprefix("margin:"): v for k, v in row.items() if k.startswith("margin:")}
        event_type, guess = blender.code(margins, c.rules, c.involved)
        blend += event_type == c.event.event_type
        sub += guess == c.event.sub_event_type
        rules += c.rules[0] == c.event.event_type
        alone += SUB_EVENT_TYPES[max(margins, key=margins.__getitem__)] == c.event.event_type
    return [round(k / len(test), 3) for k in (blend, sub, rules, alone)]
