"""timex: find_dates and anaphoric_offset (property-based and examples)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conflictwire.extract.timex import anaphoric_offset, find_dates, weekday_on_or_before

EN_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
FR_DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
EN_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
FR_MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]

days = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))


def _one(text: str, published: date | None, lang: str = "en"):
    found = find_dates(text, published, lang)
    assert len(found) == 1, found
    m = found[0]
    assert text[m.start : m.end] == m.text
    return m


@settings(max_examples=200, deadline=None)
@given(days, st.integers(0, 6))
def test_weekday_helper(published: date, weekday: int) -> None:
    got = weekday_on_or_before(published, weekday)
    assert got.weekday() == weekday
    assert published - timedelta(days=6) <= got <= published


@settings(max_examples=150, deadline=None)
@given(
    days,
    st.integers(0, 6),
    st.sampled_from(["en", "fr"]),
    st.sampled_from(["{d}", "on {d}", "late on {d}", "{d} afternoon", "early on {d}"]),
)
def test_weekdays_land_within_six_days_before(
    published: date, weekday: int, lang: str, form: str
) -> None:
    if lang == "en":
        text = "Gunmen attacked the village " + form.format(d=EN_DAYS[weekday]) + ", killing two."
    else:
        text = (
            "Des hommes armés ont attaqué le village " + FR_DAYS[weekday] + ", tuant deux civils."
        )
    m = _one(text, published, lang)
    assert m.kind == "weekday" and m.precision == 1 and m.role == "event"
    assert m.date is not None and m.date.weekday() == weekday
    assert published - timedelta(days=6) <= m.date <= published


@settings(max_examples=150, deadline=None)
@given(days, days, st.sampled_from(["en", "fr"]), st.booleans())
def test_explicit_day_month_never_after_publication(
    published: date, day: date, lang: str, month_first: bool
) -> None:
    if lang == "en":
        expr = (
            f"{EN_MONTHS[day.month - 1]} {day.day}"
            if month_first
            else f"{day.day} {EN_MONTHS[day.month - 1]}"
        )
        text = f"The attack took place on {expr} near the border."
    else:
        expr = f"{'1er' if day.day == 1 else day.day} {FR_MONTHS[day.month - 1]}"
        text = f"L'attaque a eu lieu le {expr} près de la frontière."
    m = _one(text, published, lang)
    assert m.kind == "explicit"
    if m.date is None:  # 29 February with no leap year close enough
        assert (day.month, day.day) == (2, 29)
        return
    assert (m.date.month, m.date.day) == (day.month, day.day)
    assert m.date <= published
    assert m.date > published - timedelta(days=366 * 8)


@settings(max_examples=100, deadline=None)
@given(days, days)
def test_explicit_with_year_is_that_day(published: date, day: date) -> None:
    text = f"Fighting broke out on {day.day} {EN_MONTHS[day.month - 1]} {day.year} in the town."
    assert _one(text, published).date == day
    text = f"Les combats ont éclaté le {day.day} {FR_MONTHS[day.month - 1]} {day.year}."
    assert _one(text, published, "fr").date == day


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200), st.one_of(st.none(), days), st.sampled_from(["en", "fr", "xx"]))
def test_never_raises_on_arbitrary_text(text: str, published: date | None, lang: str) -> None:
    for m in find_dates(text, published, lang):
        assert text[m.start : m.end] == m.text


def test_without_publication_day_weekdays_stay_unresolved() -> None:
    m = _one("The army said soldiers were attacked on Tuesday.", None)
    assert m.kind == "weekday" and m.date is None


PUB = date(2023, 11, 16)  # a Thursday


@pytest.mark.parametrize(
    ("text", "lang", "expected", "kind", "precision"),
    [
        ("Rebels shelled the town on Tuesday.", "en", date(2023, 11, 14), "weekday", 1),
        ("Rebels shelled the town late on Thursday.", "en", date(2023, 11, 16), "weekday", 1),
        ("Rebels shelled the town on Saturday afternoon.", "en", date(2023, 11, 11), "weekday", 1),
        ("Rebels shelled the town last Thursday.", "en", date(2023, 11, 9), "weekday", 1),
        ("Les rebelles ont bombardé la ville ce mardi.", "fr", date(2023, 11, 14), "weekday", 1),
        ("Les rebelles ont attaqué lundi 13 novembre.", "fr", date(2023, 11, 13), "explicit", 1),
        ("Les rebelles ont attaqué le 1er août.", "fr", date(2023, 8, 1), "explicit", 1),
        ("Les rebelles ont attaqué le 11 janvier 2013.", "fr", date(2013, 1, 11), "explicit", 1),
        ("The siege ended on Nov. 14, 2021.", "en", date(2021, 11, 14), "explicit", 1),
        ("The siege ended on Aug. 15.", "en", date(2023, 8, 15), "explicit", 1),
        ("The siege ended on 20 December.", "en", date(2022, 12, 20), "explicit", 1),
        ("The siege ended on Sept 3.", "en", date(2023, 9, 3), "explicit", 1),
        ("Le siège a pris fin le 5 janv.", "fr", date(2023, 1, 5), "explicit", 1),
        ("The file is dated 2024-03-09.", "en", date(2024, 3, 9), "explicit", 1),
        ("Militants struck yesterday.", "en", date(2023, 11, 15), "relative", 1),
        ("Des assaillants ont frappé hier.", "fr", date(2023, 11, 15), "relative", 1),
        ("Des assaillants ont frappé avant-hier.", "fr", date(2023, 11, 14), "relative", 1),
        ("Militants struck this morning.", "en", PUB, "relative", 1),
        ("Des assaillants ont frappé aujourd'hui.", "fr", PUB, "relative", 1),
        ("Militants struck three days ago.", "en", date(2023, 11, 13), "relative", 1),
        ("Des assaillants ont frappé il y a deux jours.", "fr", date(2023, 11, 14), "relative", 1),
        ("Militants struck last week.", "en", date(2023, 11, 9), "period", 2),
        ("Des assaillants ont frappé la semaine dernière.", "fr", date(2023, 11, 9), "period", 2),
        ("Militants struck twice this week.", "en", PUB, "period", 2),
        ("Militants struck last month.", "en", date(2023, 10, 1), "period", 3),
        ("Militants struck earlier this month.", "en", date(2023, 11, 1), "period", 3),
        ("Des assaillants ont frappé le mois dernier.", "fr", date(2023, 10, 1), "period", 3),
        ("Militants struck last year.", "en", date(2022, 1, 1), "year", 3),
        ("Des assaillants ont frappé l'an dernier.", "fr", date(2022, 1, 1), "year", 3),
        ("Des assaillants ont frappé l'année dernière.", "fr", date(2022, 1, 1), "year", 3),
        ("Militants struck in October 2017.", "en", date(2017, 10, 1), "year", 3),
        ("Militants struck in June last year.", "en", date(2022, 6, 1), "year", 3),
        ("Militants struck in 2012.", "en", date(2012, 1, 1), "year", 3),
        ("Des assaillants ont frappé en août 2019.", "fr", date(2019, 8, 1), "year", 3),
    ],
)
def test_examples(text: str, lang: str, expected: date, kind: str, precision: int) -> None:
    m = _one(text, PUB, lang)
    assert (m.date, m.kind, m.precision) == (expected, kind, precision)


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        (
            "Gunmen raided the camp between Friday night and the early hours of Saturday.",
            "en",
            date(2023, 11, 11),
        ),
        (
            "Des hommes armés ont attaqué dans la nuit de vendredi à samedi.",
            "fr",
            date(2023, 11, 11),
        ),
        ("Troops were ambushed in the night of Thursday to Friday.", "en", date(2023, 11, 10)),
        ("Six hommes ont été arrêtés dans la nuit du 4 au 5 novembre.", "fr", date(2023, 11, 5)),
    ],
)
def test_nights_take_the_later_day(text: str, lang: str, expected: date) -> None:
    assert _one(text, PUB, lang).date == expected


def test_overnight_alone_is_the_publication_day() -> None:
    m = _one("Gunmen killed eight people in an overnight raid.", PUB)
    assert (m.kind, m.date) == ("relative", PUB)


@pytest.mark.parametrize(
    ("text", "lang", "offset"),
    [
        ("Earlier that day, the convoy was hit.", "en", 0),
        ("The same day, a second blast followed.", "en", 0),
        ("Le même jour, une autre attaque a eu lieu.", "fr", 0),
        ("The bodies were found the next day.", "en", 1),
        ("Les corps ont été retrouvés le lendemain.", "fr", 1),
        ("La veille, des tirs avaient été entendus.", "fr", -1),
        ("A day earlier, gunmen had struck a market.", "en", -1),
        ("Two days later, the town fell.", "en", 2),
        ("Trois jours plus tard, la ville est tombée.", "fr", 3),
    ],
)
def test_anaphoric(text: str, lang: str, offset: int) -> None:
    m = _one(text, PUB, lang)
    assert m.kind == "anaphoric" and m.date is None
    assert anaphoric_offset(m) == offset


@pytest.mark.parametrize(
    ("text", "lang", "since"),
    [
        ("The region has been plagued by violence since 2015.", "en", True),
        ("Le pays est en proie aux violences depuis 2015.", "fr", True),
        ("The group was founded in 2012.", "en", False),
    ],
)
def test_years_and_since(text: str, lang: str, since: bool) -> None:
    m = _one(text, PUB, lang)
    assert m.kind == "year" and m.since is since


def test_two_years() -> None:
    found = find_dates("The junta came to power after coups in 2020 and 2021.", PUB)
    assert [m.date for m in found] == [date(2020, 1, 1), date(2021, 1, 1)]


def test_casualty_counts_are_not_years() -> None:
    text = "The insurgency has killed 2,000 people, 1,400 of them civilians, and 2000 soldiers."
    assert find_dates(text, PUB) == []


@pytest.mark.parametrize(
    ("text", "lang", "roles"),
    [
        (
            "Ten soldiers were killed in the operation, the minister said on Friday.",
            "en",
            ["report"],
        ),
        ("Ten soldiers were killed on Tuesday, the minister said.", "en", ["event"]),
        (
            "Ten soldiers were killed on Tuesday, the minister said on Wednesday.",
            "en",
            ["event", "report"],
        ),
        ("Police told reporters on Sunday that a suspect was held.", "en", ["report"]),
        ("On Monday, the army said it had repelled the attack.", "en", ["report"]),
        ("On Monday, gunmen attacked the base, the army said.", "en", ["event"]),
        ("The group claimed responsibility on Monday for the bombing.", "en", ["report"]),
        ("As of March 2, 775 people had been murdered in the city.", "en", ["report"]),
        (
            "Dix soldats ont été tués mardi, a annoncé mercredi le ministre.",
            "fr",
            ["event", "report"],
        ),
        (
            "Selon un communiqué lu lundi à la télévision, trois gendarmes sont morts.",
            "fr",
            ["report"],
        ),
    ],
)
def test_roles(text: str, lang: str, roles: list[str]) -> None:
    assert [m.role for m in find_dates(text, PUB, lang)] == roles


@pytest.mark.parametrize(
    "text",
    [
        "NAIROBI, Nov 16 (Reuters) - An air strike hit a camp on Wednesday.",
        "MEXICO CITY, Nov. 16 (Reuters) - Troops clashed with gunmen on Wednesday.",
    ],
)
def test_dateline(text: str) -> None:
    found = find_dates(text, PUB)
    assert found[0].role == "dateline" and found[0].date == PUB
    assert found[1].role == "event" and found[1].date == date(2023, 11, 15)


@pytest.mark.parametrize("text", [
    # a report whose punctuation was lost: the attribution follows the date with no comma
    "Cadres assaulted two traders in Aurangabad District on January 3 reports The Times of India",
    "Gunmen killed two traders in Quetta on January 3 according to Dawn",
])
def test_a_date_before_an_attribution_is_the_events(text: str) -> None:
    (found,) = find_dates(text, date(2025, 1, 10))
    assert (found.role, found.date) == ("event", date(2025, 1, 3))


def test_a_date_after_a_verb_of_saying_is_the_reports() -> None:
    (found,) = find_dates("The army said on Friday that it had killed five militants.", date(2025, 1, 10))
    assert found.role == "report"
