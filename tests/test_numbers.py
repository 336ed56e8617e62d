"""numbers: parse_number and find_quantities (property-based and examples)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conflictwire.extract.numbers import find_quantities, parse_number

_EN_UNITS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_EN_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_FR_UNITS = [
    "zéro",
    "un",
    "deux",
    "trois",
    "quatre",
    "cinq",
    "six",
    "sept",
    "huit",
    "neuf",
    "dix",
    "onze",
    "douze",
    "treize",
    "quatorze",
    "quinze",
    "seize",
]


def en_words(n: int) -> str:
    """An independent spelling of n in English (the test's oracle)."""
    if n < 20:
        return _EN_UNITS[n]
    if n < 100:
        return _EN_TENS[n // 10] + ("-" + _EN_UNITS[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        return _EN_UNITS[n // 100] + " hundred" + (" and " + en_words(rest) if rest else "")
    if n < 1_000_000:
        rest = n % 1000
        return en_words(n // 1000) + " thousand" + (" " + en_words(rest) if rest else "")
    rest = n % 1_000_000
    return en_words(n // 1_000_000) + " million" + (" " + en_words(rest) if rest else "")


def _fr_below_100(n: int) -> str:
    if n < 17:
        return _FR_UNITS[n]
    if n < 20:
        return "dix-" + _FR_UNITS[n - 10]
    tens = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}
    if n < 70:
        t, u = divmod(n, 10)
        if u == 0:
            return tens[t]
        return tens[t] + (" et un" if u == 1 else "-" + _FR_UNITS[u])
    if n < 80:
        return "soixante" + (" et onze" if n == 71 else "-" + _fr_below_100(n - 60))
    if n == 80:
        return "quatre-vingts"
    return "quatre-vingt-" + _fr_below_100(n - 80)


def fr_words(n: int) -> str:
    """An independent spelling of n in French (the test's oracle)."""
    if n < 100:
        return _fr_below_100(n)
    if n < 1000:
        h, rest = divmod(n, 100)
        head = "cent" if h == 1 else _FR_UNITS[h] + (" cent" if rest else " cents")
        return head + (" " + _fr_below_100(rest) if rest else "")
    if n < 1_000_000:
        k, rest = divmod(n, 1000)
        head = "mille" if k == 1 else fr_words(k) + " mille"
        return head + (" " + fr_words(rest) if rest else "")
    m, rest = divmod(n, 1_000_000)
    head = "un million" if m == 1 else fr_words(m) + " millions"
    return head + (" " + fr_words(rest) if rest else "")


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=999_999))
def test_round_trip_english_words(n: int) -> None:
    assert parse_number(en_words(n), "en") == n


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=999_999))
def test_round_trip_french_words(n: int) -> None:
    assert parse_number(fr_words(n), "fr") == n


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=9_999_999))
def test_round_trip_digits(n: int) -> None:
    assert parse_number(str(n), "en") == n
    assert parse_number(f"{n:,}", "en") == n
    assert parse_number(f"{n:,}".replace(",", " "), "fr") == n
    assert parse_number(f"{n:,}".replace(",", "."), "fr") == n


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=2, max_value=99_999), st.sampled_from(["en", "fr"]))
def test_found_in_a_sentence(n: int, lang: str) -> None:
    words = en_words(n) if lang == "en" else fr_words(n)
    text = (
        f"Officials said {words} soldiers were killed."
        if lang == "en"
        else f"Selon les autorités, {words} soldats ont été tués."
    )
    found = find_quantities(text, lang)
    assert [q.value for q in found] == [n]
    q = found[0]
    assert text[q.start : q.end] == q.text


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200), st.sampled_from(["en", "fr", "de", ""]))
def test_never_raises_on_arbitrary_text(text: str, lang: str) -> None:
    parse_number(text, lang)
    for q in find_quantities(text, lang):
        assert text[q.start : q.end] == q.text
        assert q.value >= 0


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [
        ("two", "en", 2),
        ("Twenty-four", "en", 24),
        ("1,400", "en", 1400),
        ("1.400", "fr", 1400),
        ("1 400", "fr", 1400),
        ("a dozen", "en", 12),
        ("dozens", "en", 12),
        ("hundreds", "en", 100),
        ("several", "en", 3),
        ("a few", "en", 3),
        ("une centaine", "fr", 100),
        ("une dizaine", "fr", 10),
        ("une douzaine", "fr", 12),
        ("une quinzaine", "fr", 15),
        ("une vingtaine", "fr", 20),
        ("une quarantaine", "fr", 40),
        ("un millier", "fr", 1000),
        ("des dizaines", "fr", 12),
        ("des centaines", "fr", 100),
        ("plusieurs", "fr", 3),
        ("quelques", "fr", 3),
        ("quatre-vingt-douze", "fr", 92),
        ("soixante-dix", "fr", 70),
        ("vingt et un", "fr", 21),
        ("soixante et onze", "fr", 71),
        ("quatre-vingts", "fr", 80),
        ("deux cents", "fr", 200),
        ("a hundred", "en", 100),
        ("one hundred and forty", "en", 140),
        ("1.5 million", "en", 1_500_000),
        ("2,5 millions", "fr", 2_500_000),
        ("tens of thousands", "en", 10_000),
    ],
)
def test_parse_examples(text: str, lang: str, value: int) -> None:
    assert parse_number(text, lang) == value


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("", "en"),
        ("hello", "en"),
        ("two and three", "en"),
        ("vingt vingt", "fr"),
        ("third", "en"),
        ("1.5", "en"),
        ("twenty twenty", "en"),
    ],
)
def test_parse_rejects(text: str, lang: str) -> None:
    assert parse_number(text, lang) is None


def _found(text: str, lang: str = "en") -> list[tuple[str, int, str]]:
    return [(q.text, q.value, q.qualifier) for q in find_quantities(text, lang)]


def test_qualifiers_english() -> None:
    text = (
        "At least 12 villagers died and more than 140 were hurt; around a hundred fled, "
        "dozens of homes burned and up to 30 were missing."
    )
    assert _found(text) == [
        ("At least 12", 12, "at_least"),
        ("more than 140", 140, "more_than"),
        ("around a hundred", 100, "about"),
        ("dozens", 12, "vague"),
        ("up to 30", 30, "at_most"),
    ]


def test_qualifiers_french() -> None:
    text = (
        "Au moins 35 civils ont péri, plus de 140 blessés, près d'une vingtaine de disparus "
        "et des dizaines de maisons brûlées ; environ 1 200 déplacés."
    )
    assert _found(text, "fr") == [
        ("Au moins 35", 35, "at_least"),
        ("plus de 140", 140, "more_than"),
        ("près d'une vingtaine", 20, "about"),
        ("des dizaines", 12, "vague"),
        ("environ 1 200", 1200, "about"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "The convoy left at 10 p.m. on the 3rd of May.",
        "Gunfire began around 6:00 am and lasted until 2 am.",
        "The raid happened in 2019 and again in March 2021.",
        "Omar Diallo, 54, a trader aged 70 and a 12-year-old boy were questioned.",
        "Turnout reached 45% and prices rose 3 percent.",
        "The project cost $5 million and 300 euros per family.",
        "The village lies 15 kilometres away, about 200 km from the capital (nine miles).",
        "He scored in the 38th minute as the hosts won 2-1 after a 4-0 defeat.",
        "The market attack of 14 November and the Nov. 14 raid were covered in the report.",
        "COVID-19 restrictions and Tower 22 were mentioned alongside a three-day curfew.",
    ],
)
def test_not_counts(text: str) -> None:
    assert _found(text) == []


def test_not_counts_french() -> None:
    text = (
        "Les tirs ont commencé vers 2 heures du matin, à une centaine de kilomètres de la "
        "capitale, le 7 octobre 2023, et le prix a augmenté de 5 %."
    )
    assert _found(text, "fr") == []


def test_un_article_is_not_a_count_but_compounds_are() -> None:
    assert _found("Un soldat et une femme ont été blessés.", "fr") == []
    assert _found("Vingt et un soldats ont été tués.", "fr") == [("Vingt et un", 21, "exact")]


def test_offsets_and_mixed_sentence() -> None:
    text = "Burkina Faso has lost more than 1,400 people and driven more than a million from home."
    found = find_quantities(text)
    assert [(q.value, q.qualifier) for q in found] == [
        (1400, "more_than"),
        (1_000_000, "more_than"),
    ]
    assert all(text[q.start : q.end] == q.text for q in found)
