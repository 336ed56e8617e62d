import re
from functools import cache

import pytest
from fuzzing import fuzz
from hypothesis import given
from hypothesis import strategies as st

from conflictwire.extract.detect import (
    compile_alternation,
    find_triggers,
    has_trigger,
    load_toml,
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
    assert not has_trigger("The plied trade was calm.")


def test_offsets():
    text = "Gunmen abducted 15 pupils."
    triggers = find_triggers(text)
    assert [(t.start, t.end, t.text, t.sub) for t in triggers] == [
        (7, 15, "abducted", "Abduction/forced disappearance")]
    for t in triggers:
        assert text[t.start : t.end] == t.text


def test_quiet_sentence_has_no_trigger():
    assert not has_trigger("The central bank kept its rate unchanged on Thursday.")


# -- the screen: one lowercased search per sentence, equal to the case-insensitive one ----



@cache
def case_insensitive_triggers(lang: str):
    """What the fast search stands for: each lexicon entry's patterns searched with
    IGNORECASE (acronyms, all capitals, case-sensitive). Gives (start, end, text, sub)."""
    entries = []
    for item in load_toml("events.toml")["trigger"]:
        patterns = item.get(lang, [])
        for group, flags in (([p for p in patterns if not p.isupper()], re.IGNORECASE),
                             ([p for p in patterns if p.isupper()], 0)):
            if group:
                entries.append((item["sub"], compile_alternation(group, flags)))
    return lambda text: sorted((m.start(), m.end(), m.group(0), sub)
                               for sub, pattern in entries for m in pattern.finditer(text))


def fast_triggers(text: str, lang: str):
    return sorted((t.start, t.end, t.text, t.sub) for t in find_triggers(text, lang))


def lexicon_words(lang: str) -> list[str]:
    """Literal words of the lexicon's patterns, so generated texts often hold a trigger."""
    words = set()
    for item in load_toml("events.toml")["trigger"]:
        for p in item.get(lang, []):
            words.update(re.findall(r"[^\W\d_]{3,}", p))
    return sorted(words)


def test_lowercase_pattern_keeps_escapes():
    assert lowercase_pattern(r"IED\W\S(?:Bomb|\w+)[A-Z]\\D") == r"ied\W\S(?:bomb|\w+)[a-z]\\d"


def test_a_letter_with_a_longer_lowercase_keeps_the_offsets():
    text = "İSTANBUL: gunmen ATTACKED a police post."
    assert fast_triggers(text, "en") == case_insensitive_triggers("en")(text)
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
    expected = case_insensitive_triggers(lang)(text)
    assert fast_triggers(text, lang) == expected
    assert has_trigger(text, lang) == bool(expected)


def test_fast_search_equals_case_insensitive_search_on_the_corpus(corpus_articles):
    expected = {lang: case_insensitive_triggers(lang) for lang in ("en", "fr")}
    for article in corpus_articles:  # English and French reports, each under both lexicons
        for sentence in split_sentences(article["text"]):
            for lang in ("en", "fr"):
                assert fast_triggers(sentence.text, lang) == expected[lang](sentence.text), sentence.text
