"""Folding: the forms in which the stages compare text with their lexicons.

Each stage needs a different form, so there are four folds, each named for what it keeps:

* `fold_case`: lower case, one character for one. Trigger patterns are searched in it and
  their offsets are the text's (detect).
* `fold_marks`: accents stripped, quotes and dashes straightened, case kept, one character
  for one. Actor names are tokenized in it: offsets stay the text's, and capitals still
  tell acronyms and proper names (actors).
* `fold_name`: lower case, no accents, no apostrophes, hyphens and dots as spaces. The
  key under which place names are indexed, so "N'Djamena" = "Ndjamena"; offsets are lost
  (gazetteer, geocoder, GeoNames import).
* `fold_lexeme`: lower case, typographic apostrophe straightened, white space runs as
  one space. The key of a matched date or number expression in its vocabulary (timex,
  numbers): accents are kept because the French words carry them ("décembre").

and two sets of French elisions, one for running text and one before place names.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# --------------------------------------------------------------------------- fold_case


def fold_case(text: str) -> str:
    """`text` lowercased letter for letter, so offsets stay: "İ" is the one letter whose
    lowercase is two characters, and Python's IGNORECASE takes it for "i"."""
    return text.replace("İ", "i").lower()


# --------------------------------------------------------------------------- fold_marks

_MARKS = {
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u02bb": "'", "`": "'", "\u00b4": "'",
    "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u00ab": '"', "\u00bb": '"', "\u201e": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " ",
}


@functools.cache
def _fold_mark(ch: str) -> str:
    """One character for one: strip accents, straighten quotes and dashes."""
    if ch in _MARKS:
        return _MARKS[ch]
    if ch.isascii():
        return ch
    base = unicodedata.normalize("NFKD", ch)
    if base and base[0].isascii() and base[0].isalpha():
        return base[0]
    return ch


def fold_marks(text: str) -> str:
    """Fold accents, quotes and dashes; the result has the same length as `text`."""
    if text.isascii():
        return text
    return "".join(_fold_mark(c) for c in text)


# --------------------------------------------------------------------------- fold_name

_DROP = dict.fromkeys(map(ord, "'’`ʼʻ´‘ʿʾ\u02bc"), None)
_SPACE = {ord(c): " " for c in "-‐‑‒–—_./·"}
_SPECIAL = {
    ord("ß"): "ss", ord("æ"): "ae", ord("Æ"): "ae", ord("œ"): "oe", ord("Œ"): "oe",
    ord("ø"): "o", ord("Ø"): "o", ord("đ"): "d", ord("Đ"): "d", ord("ð"): "d",
    ord("ł"): "l", ord("Ł"): "l", ord("þ"): "th", ord("ı"): "i", ord("ħ"): "h",
}
_SPECIAL.update({
    ord("ɛ"): "e", ord("Ɛ"): "e", ord("ɔ"): "o", ord("Ɔ"): "o", ord("ŋ"): "ng",
    ord("Ŋ"): "ng", ord("ɲ"): "ny", ord("Ɲ"): "ny", ord("ɓ"): "b", ord("Ɓ"): "b",
    ord("ɗ"): "d", ord("Ɗ"): "d", ord("ƙ"): "k", ord("Ƙ"): "k", ord("ƴ"): "y", ord("Ƴ"): "y",
})
_NAME_TABLE = {**_DROP, **_SPACE, **_SPECIAL}
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff]")


def fold_name(text: str) -> str:
    """Lower-case, accent-free, apostrophe-free form with single spaces for hyphens."""
    if len(text) <= 64:  # names and words recur: remember them
        return _fold_short_name(text)
    return _fold_name(text)


def _fold_name(text: str) -> str:
    if not text.isascii():
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text.translate(_NAME_TABLE)))
    text = text.translate(_NAME_TABLE).lower()
    return " ".join(text.split())


_fold_short_name = functools.lru_cache(maxsize=1 << 16)(_fold_name)


# --------------------------------------------------------------------------- fold_lexeme


def fold_lexeme(text: str) -> str:
    """Lower case, "’" as "'", white space runs as one space: "Aujourd’hui" -> "aujourd'hui"."""
    return " ".join(text.lower().replace("’", "'").split())


# --------------------------------------------------------------------------- elisions

# Running text (in `fold_marks` form): every French word that elides before a vowel,
# "l'armée", "d'Ansongo", "n'ont", "qu'il", "jusqu'à".
ELISION = re.compile(r"(?i)^(?:qu|jusqu|lorsqu|puisqu|[ldjmnstc])'(?=[^\W_])")
# Before a place name (raw text, both apostrophes): only "d'", "l'", "j'" and "qu'", a
# letter after it: "N'Djamena", "M'Bour", "N'Zérékoré" are names that start with a
# consonant and an apostrophe, not elisions.
PLACE_ELISION = re.compile(r"^(?:[dDlLjJ]|[Qq]u)['’](?=[^\W\d_])")
