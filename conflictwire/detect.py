"""Detect: the cheap lexicon pass that finds the sentences that can hold an event.

Every sentence of every report goes through here, so this is one compiled regular
expression per language and sub-event type; the spaCy model only sees the sentences
that match (and their neighbours the pipeline chooses to add).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Trigger:
    start: int
    end: int
    text: str
    sub: str  # an ACLED sub-event type, or a cue: violence, territory, intervention, riot
    weight: float
    cue: bool


@dataclass(frozen=True)
class _Entry:
    sub: str
    weight: float
    cue: bool
    pattern: re.Pattern[str]


def load_toml(name: str) -> dict:
    """A data file of the package (conflictwire/data/NAME)."""
    return tomllib.loads(resources.files("conflictwire.data").joinpath(name).read_text("utf-8"))


def compile_alternation(patterns: list[str], flags: int = re.IGNORECASE) -> re.Pattern[str]:
    """One word-bounded regex for a list of lexicon patterns, longest first."""
    ordered = sorted(patterns, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(f"(?:{p})" for p in ordered) + r")(?![\w])", flags)


@cache
def _lexicon(lang: str) -> tuple[_Entry, ...]:
    entries = []
    for item in load_toml("events.toml")["trigger"]:
        patterns = item.get(lang if lang in ("en", "fr") else "en", [])
        if not patterns:
            continue
        # Acronym patterns (all capitals) stay case-sensitive so "IED" never matches "ied".
        upper = [p for p in patterns if p.isupper()]
        other = [p for p in patterns if not p.isupper()]
        for group, flags in ((other, re.IGNORECASE), (upper, 0)):
            if group:
                entries.append(_Entry(item["sub"], float(item["weight"]), bool(item.get("cue")),
                                      compile_alternation(group, flags)))
    return tuple(entries)


@dataclass(frozen=True)
class _Screen:
    """All of a language's patterns in one expression per case mode: most sentences match
    none, and one search tells. The case-insensitive patterns are searched, lowercased,
    in the lowercased text: Python's IGNORECASE costs four times as much."""

    folded: re.Pattern[str] | None  # the case-insensitive patterns, lowercased
    exact: re.Pattern[str] | None  # the acronyms, case-sensitive

    def search(self, text: str) -> bool:
        return bool((self.folded and self.folded.search(text.lower()))
                    or (self.exact and self.exact.search(text)))


def lowercase_pattern(pattern: str) -> str:
    """`pattern` with its letters lowercased, escapes (\\w, \\S, \\d ...) kept: searched
    in lowercased text it matches where `pattern` matches case-insensitively (for every
    letter whose lowercase is one letter)."""
    out, escaped = [], False
    for ch in pattern:
        out.append(ch if escaped else ch.lower())
        escaped = ch == "\\" and not escaped
    return "".join(out)


@cache
def _screen(lang: str) -> _Screen:
    data = load_toml("events.toml")["trigger"]
    key = lang if lang in ("en", "fr") else "en"
    patterns = [p for item in data for p in item.get(key, [])]
    upper = [p for p in patterns if p.isupper()]
    other = [lowercase_pattern(p) for p in patterns if not p.isupper()]
    return _Screen(compile_alternation(other, 0) if other else None,
                   compile_alternation(upper, 0) if upper else None)


def find_triggers(text: str, lang: str = "en") -> list[Trigger]:
    """Every lexicon match in `text`, in order of position."""
    if not has_trigger(text, lang):
        return []
    found = []
    for entry in _lexicon(lang):
        for match in entry.pattern.finditer(text):
            found.append(Trigger(match.start(), match.end(), match.group(0), entry.sub,
                                 entry.weight, entry.cue))
    found.sort(key=lambda t: (t.start, -t.end))
    return found


def has_trigger(text: str, lang: str = "en") -> bool:
    return _screen(lang).search(text)
