"""Property-based fuzzing of the text parsers: dates (timex), number words (numbers) and tolls
(toll), in English and French.

Inputs are random mixes of the parsers' own vocabulary (conflictwire/data/dates.toml and
numbers.toml), digits with every separator, ranges, punctuation and arbitrary Unicode, so
the generated text reaches the parsers' rules rather than only their "no match" path.
Properties: nothing raises, every span lies inside the text and is its slice, values are
never negative, precisions are 1-3, dates without a year or a forward word ("next",
"prochain") are never after the publication day, and generated number phrases read back
their value (in the sentence, not only alone as tests/test_numbers.py does).
Budget: `CW_FUZZ_EXAMPLES` inputs per family (see tests/fuzzing.py).
"""

from __future__ import annotations

import itertools
import re
import tomllib
from datetime import date, timedelta
from importlib import resources

from fuzzing import fuzz
from hypothesis import example, given
from hypothesis import strategies as st
from test_numbers import en_words, fr_words

from conflictwire.extract.numbers import find_quantities, parse_number
from conflictwire.extract.timex import anaphoric_offset, find_dates
from conflictwire.extract.toll import conservative_toll, figures, unquantified_loss


def _toml(name: str) -> dict:
    return tomllib.loads((resources.files("conflictwire") / "data" / name).read_text("utf-8"))


DATES = _toml("dates.toml")
NUMBERS = _toml("numbers.toml")


def _date_words(lang: str) -> list[str]:
    d = DATES[lang]
    words = [
        *d["weekdays"],
        *d["months"],
        *d["weekday_prefix"],
        *d["day_parts"],
        *d["since"],
        *d["year_context"],
        *d["month_context"],
        *d["relative"],
        *d["calendar"],
        *d["anaphoric"],
        *d["anaphoric"]["ago"],
        *d["anaphoric"]["later"],
        *d["anaphoric"]["earlier"],
        *d["anaphoric"]["day_units"],
        *d["report"]["stops"][:20],
    ]
    words += [w for w in d["report"]["verbs"] if "(" not in w]
    words = [w for w in words if isinstance(w, str) and w not in ("ago", "later", "earlier", "day_units")]
    # English month names must be capitalised to count: give both forms
    return words + [w.capitalize() for w in d["months"]] + [w.upper() for w in d["weekdays"]]


EN_DATE_WORDS = _date_words("en")
FR_DATE_WORDS = _date_words("fr")
FORWARD = re.compile(r"(?i)\b(next|prochaine?s?|tomorrow|demain|later|plus tard|après|after|suivant)\b")


def _number_words(lang: str) -> list[str]:
    n = NUMBERS[lang]
    return [
        *n["units"],
        *n["tens"],
        *n["scales"],
        *n["phrases"],
        n["conjunction"],
        *n["article"],
        *[p for ps in n["qualifiers"].values() for p in ps if "[" not in p],
        *[p for ps in n["after_qualifiers"].values() for p in ps],
    ]


EN_NUMBER_WORDS = _number_words("en")
FR_NUMBER_WORDS = _number_words("fr")
SEPARATORS = [
    " ",
    "-",
    "‑",
    "–",
    "—",
    ",",
    ".",
    "\u00a0",
    "\u202f",
    "\u2009",
    "/",
    ":",
    "'",
    "’",
    " et ",
    " and ",
    " to ",
    " à ",
    "\n",
    "  ",
    "(",
    ")",
    "%",
    "$",
    "€",
]
FILLER = [
    "people",
    "civilians",
    "soldiers",
    "were killed",
    "killed",
    "dead",
    "wounded",
    "injured",
    "militants",
    "personnes",
    "tuées",
    "morts",
    "blessés",
    "civils",
    "soldats",
    "said",
    "selon",
    "the army",
    "according to the Red Cross",
    "since",
    "depuis",
    "including",
    "dont",
    "neutralised",
    "at least",
    "au moins",
    "aged",
    "km",
    "years",
    "ans",
    "h",
    "a.m.",
    "per cent",
    "no.",
    "was shot dead",
    "KABUL,",
    "(Reuters) -",
    "«",
    "»",
    "“",
    "”",
]

days = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))
# the calendar's ends, where a shift by a day or a year overflows
edge_days = st.sampled_from([date.min, date(1, 1, 7), date(1, 12, 31), date(9999, 1, 1), date.max])
published_days = st.one_of(st.none(), days, edge_days)


def digits() -> st.SearchStrategy[str]:
    """Digits as reports write them: plain, grouped by , . space or NBSP, decimals, huge."""
    plain = st.integers(0, 10**12).map(str)
    seps = st.sampled_from([",", ".", " ", "\u00a0", "\u202f", "\u2009"])
    grouped = st.tuples(st.integers(0, 10**9), seps).map(lambda t: f"{t[0]:,}".replace(",", t[1]))
    decimal = st.tuples(st.integers(0, 999), st.integers(0, 99), st.sampled_from([".", ","])).map(
        lambda t: f"{t[0]}{t[2]}{t[1]}"
    )
    long = st.integers(20, 600).map(lambda n: "9" * n)
    dashes = st.sampled_from(["-", "–", " to ", " à ", "/"])
    ranges = st.tuples(st.integers(0, 500), st.integers(0, 500), dashes).map(lambda t: f"{t[0]}{t[2]}{t[1]}")
    odd = st.sampled_from(["1er", "0", "00", "٣", "١٢٣", "①"])
    return st.one_of(plain, grouped, decimal, long, ranges, odd)


def soup(vocab: list[str], extra: list[str] | None = None, max_parts: int = 25) -> st.SearchStrategy[str]:
    """Random text: the vocabulary, digits, separators and arbitrary Unicode, joined."""
    part = st.one_of(
        st.sampled_from(vocab),
        st.sampled_from(extra or FILLER),
        digits(),
        st.sampled_from(SEPARATORS),
        st.text(max_size=8),
    )
    joints = st.sampled_from([" ", "", ", ", " - ", ". "])
    pieces = st.lists(st.tuples(joints, part), max_size=max_parts)
    return pieces.map(lambda pairs: "".join(j + p for j, p in pairs))


def _check_spans(text: str, spans: list[tuple[int, int, str]]) -> None:
    for start, end, got in spans:
        assert 0 <= start < end <= len(text), (start, end, len(text))
        assert text[start:end] == got


# --------------------------------------------------------------------------- dates


LANG_SOUPS = st.one_of(
    st.tuples(st.just("en"), soup(EN_DATE_WORDS)),
    st.tuples(st.just("fr"), soup(FR_DATE_WORDS)),
    st.tuples(st.sampled_from(["en", "fr"]), soup(EN_DATE_WORDS + FR_DATE_WORDS)),
    st.tuples(st.sampled_from(["en", "fr", "xx", ""]), st.text(max_size=300)),
)


@fuzz(0.5)
@given(LANG_SOUPS, published_days)
@example(("en", "yesterday, the day before yesterday, last year, a year ago, last week"), date.min)
@example(("fr", "hier, avant-hier, l'an dernier, il y a 400 ans, il y a 3 mois"), date(1, 1, 1))
@example(("en", "next Monday, next December, in 9999, 31 December 9999"), date.max)
@example(("fr", "le mardi prochain, décembre prochain"), date.max)
@example(("en", "99999999999999999999 days ago, 31/12, 29 February, 2024-02-30"), date(2023, 3, 1))
def test_find_dates_never_raises_and_spans_hold(lang_text: tuple[str, str], published: date | None) -> None:
    lang, text = lang_text
    found = find_dates(text, published, lang)
    _check_spans(text, [(m.start, m.end, m.text) for m in found])
    assert [m.start for m in found] == sorted(m.start for m in found)
    for a, b in itertools.pairwise(found):
        assert a.end <= b.start, (a, b)  # the mentions do not overlap
    for m in found:
        assert m.precision in (1, 2, 3)
        if published is None and m.kind in ("weekday", "relative", "period"):
            assert m.date is None, m
        offset = anaphoric_offset(m)
        assert isinstance(offset, int)
        if m.kind != "anaphoric":
            assert offset == 0


@fuzz(0.3)
@given(LANG_SOUPS, days)
@example(("en", "Saturday night, this weekend, tonight, overnight, in December"), date(2024, 1, 1))
@example(("fr", "dans la nuit de samedi à dimanche, ce week-end, 31 décembre"), date(2024, 1, 1))
def test_dates_without_a_year_are_never_after_publication(
    lang_text: tuple[str, str], published: date
) -> None:
    """Rule 3: with no year and no forward word, a date resolves on or before the publication
    day ("this week"/"this month"/"this year" start before it too)."""
    lang, text = lang_text
    for m in find_dates(text, published, lang):
        if m.date is None or re.search(r"\d{3,}", m.text) or FORWARD.search(m.text):
            continue
        assert m.date <= published + timedelta(days=0), (m, published)


@fuzz(0.2)
@given(st.integers(1, 400), st.sampled_from(["en", "fr"]), st.booleans(), st.booleans(), st.booleans(), days)
@example(21, "fr", False, True, False, date(2000, 1, 1))  # was -1: "vingt et un" read as "un"
@example(71, "fr", True, True, True, date(2000, 1, 1))
def test_shift_phrases_round_trip(
    n: int, lang: str, later: bool, as_words: bool, weeks: bool, published: date
) -> None:
    """ "N days later" / "N semaines plus tôt": anaphoric, offset ±N (x7 for weeks); "N days ago"
    is the publication day less N."""
    if as_words:  # spelled out below a hundred ("twenty-one", "vingt et un"), digits above
        n = n % 99 + 1
    count = (en_words(n) if lang == "en" else fr_words(n)) if as_words else str(n)
    if lang == "en":
        unit = ("week" if weeks else "day") + ("s" if n > 1 else "")
        shift, ago = f"{count} {unit} {'later' if later else 'earlier'}", f"{count} {unit} ago"
    else:
        unit = ("semaine" if weeks else "jour") + ("s" if n > 1 else "")
        shift, ago = f"{count} {unit} {'plus tard' if later else 'plus tôt'}", f"il y a {count} {unit}"
    sign, scale = (1 if later else -1), (7 if weeks else 1)
    found = find_dates(f"{shift.capitalize()}, the town fell.", published, lang)
    assert [anaphoric_offset(m) for m in found if m.kind == "anaphoric"] == [sign * scale * n], found
    found = find_dates(f"Fighting broke out {ago}.", published, lang)
    resolved = [m.date for m in found if m.kind in ("relative", "period")]
    assert resolved == [published - timedelta(days=scale * n)], (ago, found)


# --------------------------------------------------------------------------- numbers


NUMBER_SOUPS = st.one_of(
    st.tuples(st.just("en"), soup(EN_NUMBER_WORDS)),
    st.tuples(st.just("fr"), soup(FR_NUMBER_WORDS)),
    st.tuples(st.sampled_from(["en", "fr", "xx"]), st.text(max_size=200)),
)


@fuzz(0.4)
@given(NUMBER_SOUPS)
@example(("en", "9" * 400))  # was OverflowError: float("9" * 400) is inf
@example(("en", "9" * 400 + " million people"))
@example(("fr", "1" + " 000" * 120 + " personnes"))
@example(("en", "1" + ",000" * 120))
def test_find_quantities_never_raises(lang_text: tuple[str, str]) -> None:
    lang, text = lang_text
    found = find_quantities(text, lang)
    _check_spans(text, [(q.start, q.end, q.text) for q in found])
    for a, b in itertools.pairwise(found):
        assert a.start < b.start and a.end <= b.start, (a, b)
    for q in found:
        assert q.value >= 0


@fuzz(0.25)
@given(
    st.one_of(NUMBER_SOUPS.map(lambda t: t[1]), digits(), st.text(max_size=60)),
    st.sampled_from(["en", "fr", "xx"]),
)
@example("9" * 400, "en")  # was OverflowError
@example("9" * 400 + " billion", "en")
@example("1" + ",000" * 120, "en")
@example("1" + ".000" * 120, "fr")
def test_parse_number_never_raises(text: str, lang: str) -> None:
    value = parse_number(text, lang)
    assert value is None or (isinstance(value, int) and value >= 0)


@fuzz(0.35)
@given(
    st.integers(2, 999_999),
    st.sampled_from(["en", "fr"]),
    st.booleans(),
    st.sampled_from(["", "-", "upper", "title"]),
)
def test_number_phrases_in_sentences_round_trip(n: int, lang: str, as_digits: bool, style: str) -> None:
    """A number spelled out (hyphenated the 1990 French way, capitalised) or written with
    digits and the language's separators is found in a sentence with its value and span."""
    if as_digits:
        sep = "," if lang == "en" else "\u202f" if style == "-" else " "
        phrase = f"{n:,}".replace(",", sep)
    else:
        phrase = en_words(n) if lang == "en" else fr_words(n)
        if style == "-":
            phrase = phrase.replace(" ", "-")
        elif style == "upper":
            phrase = phrase.upper()
        elif style == "title":
            phrase = phrase.title()
    text = (
        f"Officials said {phrase} people were killed in the attack."
        if lang == "en"
        else f"Selon les autorités, {phrase} personnes ont été tuées dans l'attaque."
    )
    start = text.index(phrase)
    got = [q for q in find_quantities(text, lang) if q.value == n]
    assert [(q.start, q.end) for q in got] == [(start, start + len(phrase))], find_quantities(text, lang)


# --------------------------------------------------------------------------- tolls


TOLL_SOUPS = st.one_of(
    st.tuples(st.just("en"), soup(EN_NUMBER_WORDS, FILLER)),
    st.tuples(st.just("fr"), soup(FR_NUMBER_WORDS, FILLER)),
    st.tuples(st.sampled_from(["en", "fr"]), st.text(max_size=200)),
)


@fuzz(0.6)
@given(TOLL_SOUPS)
@example(("en", "9" * 400 + " people were killed"))  # was OverflowError (find_quantities)
@example(("en", "According to the army, " + "(" * 200 + " 12 killed"))
def test_figures_never_raise_and_tolls_are_bounded(lang_text: tuple[str, str]) -> None:
    lang, sentence = lang_text
    found = figures(sentence, lang)
    unquantified_loss(sentence)
    for f in found:
        assert f.value >= 0 and f.kind in ("dead", "injured") and f.text == sentence
        assert f.victims in ("forces", "civilians", "militants", "generic")
        assert f.source_class in ("neutral", "state", "group", "unknown")
    for kind in ("dead", "injured"):
        toll = conservative_toll(found, kind)
        usable = [f.value for f in found if f.kind == kind and f.admissible]
        if not usable:
            assert toll is None
        else:
            assert toll is not None and 0 <= toll <= sum(usable)


@fuzz(0.4)
@given(
    st.integers(2, 2000),
    st.sampled_from(["en", "fr"]),
    st.booleans(),
    st.sampled_from(["civilians", "people", "villagers"]),
)
def test_toll_of_a_plain_report_is_its_number(n: int, lang: str, as_words: bool, victims: str) -> None:
    words = (en_words(n) if lang == "en" else fr_words(n)) if as_words else str(n)
    sentence = (
        f"Gunmen killed {words} {victims} in the village, a local official said."
        if lang == "en"
        else f"Des hommes armés ont tué {words} civils dans le village, selon un élu local."
    )
    found = figures(sentence, lang)
    assert conservative_toll(found, "dead") == n, found
    assert conservative_toll(found, "injured") is None
