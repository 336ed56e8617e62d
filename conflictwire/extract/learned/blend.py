"""The blend of the rules' coding with the classifier's, learned from the user's own coded
events rather than fixed by hand: a multinomial logistic regression whose inputs are the
classifier's margins for each sub-type, the rules' type and sub-type, and what the rules
saw taking part (two armed sides, civilians targeted, a crowd, casualties, ...), and whose
output is the sub-type (and so the type).

It decides only where the rules guessed (`guessed`): a type's generic sub-type, which the
rules give from who took part (two armed sides: Battles; civilians hit: an Attack) when no
word of the report names the sub-type. Where the report named the means (Explosions/Remote
violence) or the sub-type ("abducted", "arrested", "took control of"), the codebook's
precedence stands: the rules read it in the text. And it decides only on text in a language
of the notes it learned from (a classifier of English notes reads nothing in French).

Why learned: measured on the 2019 Mali and Burkina Faso events with a model of the events
up to 2018, the codebook's precedence with a fixed confidence threshold was a coin toss
where the two disagreed: the rules were right on 99 of those events, the classifier on
100. Which of them to believe depends on what the rules saw and how sure the classifier is,
and the coders' own records say which: trained on the rules' and the classifier's answers
for past events (the classifier's out of fold, as it would answer a new event), the blend
learns when the rules' guess holds for these coders and when the classifier's reading does.
Why not beyond the guesses: overruling named means and sub-types too gained 0.7 points of
type on those events, and on the news of the dev corpus changed 21 of 67 events' types,
nearly all wrongly (drone strikes made Battles, suicide bombings Armed clashes): ACLED's
coders read "air-ground operation" in their own notes as a battle, a report's "drone strike"
is a drone strike. `conflictwire.learn.blend` fits the blend; this module applies it with
NumPy alone, and reads it without pickle."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import numpy as np

from ...models import SUB_EVENT_TYPES
from ..classify import Involved

# The sub-type the rules give a type when no word names a more specific one.
GENERIC_SUB = {"Battles": "Armed clash", "Violence against civilians": "Attack",
               "Protests": "Peaceful protest", "Riots": "Violent demonstration",
               "Strategic developments": "Other"}
ABSENT = -1.5  # the margin of a sub-type the classifier never saw: far below any it knows
REMOTE = "Explosions/Remote violence"


def guessed(rules: tuple[str, str]) -> bool:
    """The rules' coding is a guess from who took part, not read from the report's words:
    a generic sub-type, of a type other than Explosions/Remote violence (named by its means)."""
    return rules[0] != REMOTE and rules[1] == GENERIC_SUB.get(rules[0])


def features(margins: dict[str, float], rules: tuple[str, str], involved: Involved) -> dict[str, float]:
    """The blend's inputs, by name (a saved blend lists the names it was fitted on)."""
    found = {f"margin:{sub}": margins.get(sub, ABSENT) for sub in SUB_EVENT_TYPES}
    found[f"rules:{rules[0]}"] = 1.0
    found[f"rules_sub:{rules[1]}"] = 1.0
    found["named_sub"] = float(rules[1] != GENERIC_SUB.get(rules[0], rules[1]))
    found["two_sides"] = float(involved.armed_sides >= 2)
    for f in fields(Involved):
        value = getattr(involved, f.name)
        if isinstance(value, bool | int):
            found[f"involved:{f.name}"] = float(value)
    return found


class Blender:
    """Sub-type scores of (the classifier's margins, the rules' coding, who took part)."""

    FILE = "blend.npz"

    def __init__(self, names: list[str], labels: list[str], weights: np.ndarray, bias: np.ndarray) -> None:
        self.names = names
        self.index = {n: i for i, n in enumerate(names)}
        self.labels = labels
        self.weights = weights  # (features, labels)
        self.bias = bias

    def vector(self, found: dict[str, float]) -> np.ndarray:
        x = np.zeros(len(self.names), dtype=np.float32)
        for name, value in found.items():
            i = self.index.get(name)
            if i is not None:  # a rules' sub-type the past events never showed says nothing
                x[i] = value
        return x

    def code(self, margins: dict[str, float], rules: tuple[str, str], involved: Involved) -> tuple[str, str]:
        scores = self.vector(features(margins, rules, involved)) @ self.weights + self.bias
        sub = self.labels[int(np.argmax(scores))]
        return SUB_EVENT_TYPES[sub], sub

    def save(self, folder: Path) -> None:
        np.savez_compressed(folder / self.FILE, names=np.array(self.names), labels=np.array(self.labels),
                            weights=self.weights.astype(np.float32), bias=self.bias.astype(np.float32))

    @classmethod
    def load(cls, folder: Path) -> Blender | None:
        path = folder / cls.FILE
        if not path.exists():
            return None
        with np.load(path, allow_pickle=False) as data:
            return cls([str(n) for n in data["names"]], [str(s) for s in data["labels"]], data["weights"],
                       data["bias"])
