"""Detect: the cheap lexicon pass that finds the sentences that can hold an event.

Every sentence of every report goes through here, so this is one compiled regular
expression per language and sub-event type; the spaCy model only sees the sentences
that match (and their neighbours the pipeline chooses to add).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ..data import load_data
from .folding import fold_case


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
    folded: bool  # searched in the case-folded text (else in the text: acronyms)


def compile_alternation(patterns: list[str], flags: int = re.IGNORECASE) -> re.Pattern[str]:
    """One word-bounded regex for a list of lexicon patterns, longest first."""
    ordered = sorted(patterns, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(f"(?:{p})" for p in ordered) + r")(?![\w])", flags)


@cache
def _lexicon(lang: str) -> tuple[_Entry, ...]:
    entries = []
    for item in load_data("events.toml")["trigger"]:
        for pattern, folded in _case_groups(item.get(_key(lang), []), item.get(_cased_key(lang), [])):
            entries.append(_Entry(item["sub"], float(item["weight"]), bool(item.get("cue")),
                                  pattern, folded))
    return tuple(entries)


def _key(lang: str) -> str:
    return lang if lang in ("en", "fr") else "en"


def _cased_key(lang: str) -> str:
    """The entry's case-sensitive patterns ("seized Goma": a capital says a name)."""
    return f"{_key(lang)}_cased"


def _case_groups(patterns: list[str], cased: list[str] = ()) -> list[tuple[re.Pattern[str], bool]]:
    """One expression for the case-insensitive patterns, lowercased, to search in the
    case-folded text (True: Python's IGNORECASE costs four times as much), and one for the
    acronyms (all capitals) and the `cased` patterns, case-sensitive so "IED" never matches
    "ied" (False); none for an empty group."""
    upper = [p for p in patterns if p.isupper()] + list(cased)
    other = [lowercase_pattern(p) for p in patterns if not p.isupper()]
    return [(compile_alternation(group, 0), folded)
            for group, folded in ((other, True), (upper, False)) if group]


def lowercase_pattern(pattern: str) -> str:
    """`pattern` with its letters lowercased, escapes (\\w, \\S, \\d ...) kept: searched
    in the case-folded text (`fold_case`) it matches where `pattern` matches the text
    case-insensitively."""
    out, escaped = [], False
    for ch in pattern:
        out.append(ch if escaped else ch.lower())
        escaped = ch == "\\" and not escaped
    return "".join(out)


@cache
def _screen(lang: str) -> tuple[tuple[re.Pattern[str], bool], ...]:
    """All of a language's patterns in one expression per case mode: most sentences match
    none, and one search tells."""
    items = load_data("events.toml")["trigger"]
    patterns = [p for item in items for p in item.get(_key(lang), [])]
    cased = [p for item in items for p in item.get(_cased_key(lang), [])]
    return tuple(_case_groups(patterns, cased))


def _passes_screen(text: str, folded: str, lang: str) -> bool:
    return any(pattern.search(folded if on_folded else text) for pattern, on_folded in _screen(lang))


def find_triggers(text: str, lang: str = "en") -> list[Trigger]:
    """Every lexicon match in `text`, in order of position."""
    folded = fold_case(text)
    if not _passes_screen(text, folded, lang):
        return []
    found = []
    for entry in _lexicon(lang):
        for match in entry.pattern.finditer(folded if entry.folded else text):
            start, end = match.span()
            found.append(Trigger(start, end, text[start:end], entry.sub, entry.weight, entry.cue))
    found.sort(key=lambda t: (t.start, -t.end))
    return found
