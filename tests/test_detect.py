import re
from functools import cache

import pytest
from fuzzing import fuzz
from hypothesis import given
from hypothesis import strategies as st

from conflictwire.data import load_data
from conflictwire.extract.detect import (
    find_triggers,
    lowercase_pattern,
)
from conflictwire.extract.nlp import split_sentences


def subs(text, lang="en"):
    return {t.sub for t in find_triggers(text, lang)}


def test_remote_violence_words():
    assert "Suicide bomb" in subs("A suicide bomber blew himself up at the gate.")
    assert "Remote explosive/landmine/IED" in subs("Their vehicle struck a roadside bomb.")
    assert "Air/drone strike" in subs("A drone strike hit the camp overnight.")
    assert "Shelling/artillery/missile attack" in subs("Artillery shells slammed into the market.")


def test_french_words():
    assert "Remote explosive/landmine/IED" in subs("Un engin explosif improvisé a visé le convoi.", "fr")
    assert "Abduction/forced disappearance" in subs("Trois enseignants ont été enlevés.", "fr")
    assert "Peaceful protest" in subs("Des milliers de manifestants ont défilé.", "fr")


def test_acronyms_are_case_sensitive():
    assert "Remote explosive/landmine/IED" in subs("An IED exploded.")
    assert not find_triggers("The plied trade was calm.")


def test_offsets():
    text = "Gunmen abducted 15 pupils."
    triggers = find_triggers(text)
    assert [(t.start, t.end, t.text, t.sub) for t in triggers] == [
        (7, 15, "abducted", "Abduction/forced disappearance")]
    for t in triggers:
        assert text[t.start : t.end] == t.text


def test_quiet_sentence_has_no_trigger():
    assert not find_triggers("The central bank kept its rate unchanged on Thursday.")


# -- the screen: one lowercased search per sentence, equal to the case-insensitive one ----
# The oracle below is built here from the lexicon with plain `re`, its word boundaries
# checked by the test's own code, so a boundary or case-folding bug in detect.py's
# `compile_alternation` / `lowercase_pattern` / `fold_case` shows as a difference.



def _word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


@cache
def independent_patterns(lang: str):
    """Each lexicon pattern on its own, compiled here with plain `re`: IGNORECASE, except
    the acronyms (all capitals) and the `<lang>_cased` lists, which are case-sensitive; the
    end of a match must be the end of a word, written as a lookahead of our own. Nothing of
    detect.py's compiling is used."""
    out = []
    for item in load_data("events.toml")["trigger"]:
        for p in item.get(lang, []):
            flags = 0 if p.isupper() else re.IGNORECASE
            out.append((item["sub"], p, re.compile(f"(?:{p})(?=\\W|\\Z)", flags), flags))
        for p in item.get(f"{lang}_cased", []):  # case-sensitive by the lexicon's word
            out.append((item["sub"], p, re.compile(f"(?:{p})(?=\\W|\\Z)"), 0))
    return out


def oracle_starts(text: str, lang: str) -> set[tuple[int, str]]:
    """(start, sub) wherever a pattern of `sub` matches a whole phrase: it starts where no
    letter, digit, underscore or hyphen comes just before (checked here in Python) and ends
    at a word's end."""
    found = set()
    starts = [i for i in range(len(text))
              if i == 0 or not (_word_char(text[i - 1]) or text[i - 1] == "-")]
    for sub, _p, pattern, _f in independent_patterns(lang):
        if not pattern.search(text):
            continue
        found.update((i, sub) for i in starts if pattern.match(text, i))
    return found


def check_against_oracle(text: str, lang: str) -> None:
    """The fast search against the independent oracle: the same sub-types; every trigger
    starts where the oracle has its sub and is a whole match of one of its patterns; every
    start of the oracle is a trigger's, or inside a longer trigger of the same sub (matches
    of one sub-type do not overlap)."""
    triggers = find_triggers(text, lang)
    expected = oracle_starts(text, lang)
    assert {t.sub for t in triggers} == {sub for _, sub in expected}, text
    for t in triggers:
        assert (t.start, t.sub) in expected, (text, t)
        assert any(re.fullmatch(p, t.text, f) for sub, p, _, f in independent_patterns(lang)
                   if sub == t.sub), (text, t)
    for start, sub in expected:
        assert any(t.sub == sub and t.start <= start < t.end for t in triggers), (text, start, sub)


def lexicon_words(lang: str) -> list[str]:
    """Literal words of the lexicon's patterns, so generated texts often hold a trigger."""
    words = set()
    for item in load_data("events.toml")["trigger"]:
        for p in item.get(lang, []):
            words.update(re.findall(r"[^\W\d_]{3,}", p))
    return sorted(words)


def test_lowercase_pattern_keeps_escapes():
    assert lowercase_pattern(r"IED\W\S(?:Bomb|\w+)[A-Z]\\D") == r"ied\W\S(?:bomb|\w+)[a-z]\\d"


def test_a_letter_with_a_longer_lowercase_keeps_the_offsets():
    text = "İSTANBUL: gunmen ATTACKED a police post."
    check_against_oracle(text, "en")
    assert [t.text for t in find_triggers(text)] == ["ATTACKED a police"]


@pytest.mark.parametrize("lang", ["en", "fr"])
@fuzz(0.5)
@given(data=st.data())
def test_fast_search_equals_case_insensitive_search(lang, data):
    words = [*lexicon_words(lang), "the", "of", "à", "été", "IED", "Ied", "SOLDIERS", "ÉTÉ", "İ"]
    token = st.one_of(st.sampled_from(words), st.text(alphabet="aeiklmnrstAEIKLMNRSTéÉçÇİ-'", max_size=6))
    parts = data.draw(st.lists(token, max_size=12))
    seps = data.draw(st.lists(st.sampled_from([" ", ", ", "-", "'", ". ", "\n"]), min_size=len(parts),
                              max_size=len(parts)))
    text = "".join(p + s for p, s in zip(parts, seps, strict=True))
    # random case flips: the search must not care
    flips = data.draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    text = "".join(c.swapcase() if f else c for c, f in zip(text, flips, strict=True))
    check_against_oracle(text, lang)


def test_fast_search_equals_case_insensitive_search_on_the_corpus(corpus_articles):
    for article in corpus_articles:  # English and French reports, each under both lexicons
        for sentence in split_sentences(article["text"]):
            for lang in ("en", "fr"):
                check_against_oracle(sentence.text, lang)


def test_hyphenated_and_glued_words_are_not_triggers():
    """Boundaries stated by example: no trigger inside a word or after a hyphen."""
    assert not find_triggers("The pre-attacked files and unabducted mail were sorted.")
    assert subs("Gunmen abducted 15 pupils.") == {"Abduction/forced disappearance"}


def test_seizing_a_named_town_is_a_territory_cue():
    assert "territory" in subs("M23 rebels seized Goma on Monday after brief fighting.")
