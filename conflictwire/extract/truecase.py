"""Truecase: text that comes all in capitals (old wire copy, headlines) or all in lower case
(archives, transcripts) gets a case the models and the name searches can read.

The models and the gazetteer read capitals as names, so "GUNMEN KILLED SEVEN IN KADJI" is a
string of names and "police fired in lahore" has none. The text is lowercased, then the
starts of sentences, the knowledge base's names and countries, weekdays and months, and the
places that follow a locative word ("in", "near", "village of", "à") get their capital
back. Every character keeps its offset, so evidence offsets still point into the original.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..data import load_data
from .actors import ActorKB
from .folding import fold_name
from .places.gazetteer import Gazetteer, stopwords

MIN_LETTERS = 40  # too short to tell a style from a headline's capitals
ALL_CAPS = 0.7  # share of capitals among letters above which a text is upper-case copy
NO_CAPS = 0.01  # share below which it is lower-case copy
MIN_PLACE_POPULATION = 1000  # a lower-case word after "in" is a place only if it names a town
LARGE_TOWN = 50_000  # a word standing anywhere is a place only if it names a division or a city

_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+|\n\s*|[-—–:]\s+)([^\W\d_])")
_LOCATIVE = re.compile(r"(?i)\b(?:in|near|at|outside|of|from|to|around|à|au|aux|dans|près de|de|vers)\s+"
                       r"((?:[^\W\d_][\w'’-]*)(?:\s+[^\W\d_][\w'’-]*){0,2})")


def needs_truecasing(text: str) -> bool:
    """Whether the text is written all in capitals or all in lower case."""
    letters = sum(map(str.isalpha, text))  # map over a method: no Python frame per character
    if letters < MIN_LETTERS:
        return False
    upper = sum(map(str.isupper, text)) / letters
    return upper > ALL_CAPS or upper < NO_CAPS


def truecase(text: str, kb: ActorKB, gazetteer: Gazetteer, lang: str) -> str:
    """`text` lowercased with the capitals of names and sentence starts restored, offsets kept."""
    chars = [c.lower() if len(c.lower()) == 1 else c for c in text]
    lowered = "".join(chars)
    for start, end in _name_spans(lowered, kb, gazetteer, lang):
        _capitalise_words(chars, lowered, start, end)
    for match in _SENTENCE_START.finditer(lowered):
        chars[match.start(1)] = chars[match.start(1)].upper()
    return "".join(chars)


def _name_spans(lowered: str, kb: ActorKB, gazetteer: Gazetteer, lang: str) -> Iterable[tuple[int, int]]:
    for mention in kb.find(lowered, lang):
        if mention.role == "named":
            yield mention.start, mention.end
    for _iso3, start, end in kb.countries_in(lowered):
        yield start, end
    calendar = _calendar_words(lang)
    for match in re.finditer(r"[^\W\d_]+", lowered):
        if match.group(0) in calendar:
            yield match.span()
    yield from _places_after_locatives(lowered, gazetteer)
    yield from _well_known_places(lowered, gazetteer)


def _well_known_places(lowered: str, gazetteer: Gazetteer) -> Iterable[tuple[int, int]]:
    """Single words that name a division or a large town wherever they stand ("tillaberi")."""
    common = stopwords()
    for match in re.finditer(r"[^\W\d_][\w-]{3,}", lowered):  # "niger's": the word without 's
        word = match.group(0)
        if fold_name(word) in common:
            continue
        if any(quality == 1.0 and (place.is_admin or place.is_country or place.population >= LARGE_TOWN)
               for place, quality in gazetteer.match(word, fuzzy=False)[:5]):
            yield match.span()


def _places_after_locatives(lowered: str, gazetteer: Gazetteer) -> Iterable[tuple[int, int]]:
    """The longest run of 1-3 words after a locative word that names a town or a division."""
    for match in _LOCATIVE.finditer(lowered):
        words = list(re.finditer(r"[\w'’-]+", match.group(1)))
        for n in range(len(words), 0, -1):
            start, end = match.start(1) + words[0].start(), match.start(1) + words[n - 1].end()
            if _is_place(lowered[start:end], gazetteer):
                yield start, end
                break


def _is_place(name: str, gazetteer: Gazetteer) -> bool:
    return any(quality >= 0.9 and (place.population >= MIN_PLACE_POPULATION or place.is_admin
                                   or place.is_country)
               for place, quality in gazetteer.match(name, fuzzy=False)[:5])


def _calendar_words(lang: str) -> frozenset[str]:
    dates = load_data("dates.toml")
    table = dates.get(lang if lang in ("en", "fr") else "en", {})
    return frozenset(list(table.get("weekdays", {})) + list(table.get("months", {})))


def _capitalise_words(chars: list[str], lowered: str, start: int, end: int) -> None:
    for word in re.finditer(r"[^\W\d_][\w]*", lowered[start:end]):
        position = start + word.start()
        if word.group(0) not in _PARTICLES:
            chars[position] = chars[position].upper()


_PARTICLES = frozenset({"de", "du", "des", "la", "le", "al", "el", "of", "the", "and", "et", "d"})
