"""Time: the date expressions of a sentence, resolved against the publication day.

`find_dates` finds weekdays ("late on Friday", "ce mardi"), explicit dates ("Nov. 14,
2023", "1er août", "2024-03-09"), nights spanning two days ("dans la nuit de vendredi à
samedi": the later day), relative expressions ("yesterday", "la semaine dernière", "three
days ago"), anaphoric ones ("the next day", "la veille": resolved by the caller, see
`anaphoric_offset`), months and years ("in October 2017", "depuis 2015"), and tells the
date of an event from the date of a report ("the minister said on Friday") and from the
dateline ("KABUL, Aug 26 (Reuters) -").

Rule 3 of EVENTS.md: "on Tuesday" is the latest Tuesday on or before the publication
day; a day and month without a year take the year that puts them on or before it.
The vocabulary is data/dates.toml; regular expressions are compiled once per language.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any, NamedTuple

from ..data import load_data
from ..models import DateMention
from .folding import fold_lexeme
from .numbers import parse_number

_W = r"(?<![\w])"
_E = r"(?![\w])"
_APOS = "['’]"


def weekday_on_or_before(day: date, weekday: int) -> date:
    """The latest date on or before `day` that falls on `weekday` (Monday 0 .. Sunday 6)."""
    return day - timedelta(days=(day.weekday() - weekday) % 7)


def weekday_before(day: date, weekday: int) -> date:
    """The latest date strictly before `day` that falls on `weekday` ("last Thursday")."""
    return weekday_on_or_before(day - timedelta(days=1), weekday)


def weekday_after(day: date, weekday: int) -> date:
    """The first date strictly after `day` that falls on `weekday` ("next Monday")."""
    return day + timedelta(days=(weekday - day.weekday() - 1) % 7 + 1)


def infer_year(month: int, day: int, published: date | None) -> date | None:
    """Day and month without a year: the latest such date on or before `published`."""
    if published is None:
        return None
    for year in range(published.year, published.year - 9, -1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate <= published:
            return candidate
    return None


def _month_start(year: int, month: int) -> date:
    return date(year, month, 1)


def _shift_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _shift_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


# --------------------------------------------------------------------------- lexicon


@dataclass(frozen=True)
class _Gate:
    """A test a text must pass for a pattern to match in it: `rx` matches somewhere, and for
    an ASCII text (where lower case and IGNORECASE agree) one of `words` is in the lower-cased
    text, a quicker test that `rx` implies."""

    words: tuple[str, ...] | None
    rx: re.Pattern[str]

    def passes(self, text: str, low: str | None) -> bool:
        if low is not None and self.words is not None:
            return any(w in low for w in self.words)
        return self.rx.search(text) is not None


# Words that pick a phrase out cheaply (the first one a phrase has is its key word; else
# its longest word).
_TIME_WORDS = ("yesterday", "today", "tonight", "morning", "afternoon", "evening", "night",
               "weekend", "week", "month", "year", "day", "aujourd", "hier", "lendemain",
               "veille", "matin", "soir", "nuit", "journée", "jour", "semaine", "mois",
               "année", "an")


def _gate(literals, pattern: str) -> _Gate:
    """A gate for an IGNORECASE alternation of `literals` (folded, as `_alt` takes them):
    each literal gives one word, a run of letters it contains verbatim."""
    words: set[str] | None = set()
    for literal in literals:
        parts = re.findall(r"[^\W_]+", literal.lower())
        if not parts:
            words = None
            break
        chosen = next((t for t in _TIME_WORDS if t in parts), None)
        words.add(chosen or max(parts, key=len))
    if words is not None:  # "weekend" needs no test of its own where "week" is one
        words = {w for w in words if not any(o != w and o in w for o in words)}
    return _Gate(tuple(sorted(words)) if words is not None else None,
                 re.compile(pattern, re.IGNORECASE))


@dataclass(frozen=True)
class _Lex:
    lang: str
    weekdays: dict[str, int]
    months: dict[str, int]
    relative: dict[str, tuple[int, int, str]]
    calendar: dict[str, str]
    anaphoric: dict[str, int]
    patterns: tuple[tuple[str, int, re.Pattern[str]], ...]  # (kind, priority, regex)
    # For each pattern, regexes a text must all match somewhere for the pattern to match
    # there: cheap tests (a digit, a month, a weekday) that skip most patterns on most text.
    gates: tuple[tuple[_Gate, ...], ...]
    since_before: re.Pattern[str]
    since_words: frozenset[str]
    year_context_before: re.Pattern[str]
    report: re.Pattern[str]
    attribution: re.Pattern[str]
    stops: frozenset[str]
    ago: tuple[str, ...]
    later: tuple[str, ...]
    earlier: tuple[str, ...]
    day_units: dict[str, int]


def _alt(items, escape: bool = True) -> str:
    items = sorted(set(items), key=len, reverse=True)
    parts = []
    for item in items:
        p = re.escape(item) if escape else item
        p = p.replace(r"\ ", r"\s+").replace(" ", r"\s+")
        p = p.replace("’", "'").replace("'", _APOS).replace(r"\-", "[-‑]")
        parts.append(p)
    return "(?:" + "|".join(parts) + ")"


def _key(lang: str) -> str:
    return "fr" if (lang or "").lower().startswith("fr") else "en"


@cache
def _lex(lang: str) -> _Lex:
    key = _key(lang)
    d = load_data("dates.toml")[key]
    weekdays = {fold_lexeme(k): v for k, v in d["weekdays"].items()}
    months = {fold_lexeme(k): v for k, v in d["months"].items()}
    wd = _alt(weekdays)
    full_months = [
        m for m in months if len(m) > 4 or m in ("mai", "juin", "mars", "may", "june", "july")
    ]
    abbr_months = [m for m in months if m not in full_months]
    if key == "en":  # capitalised only: "may", "march" are common words

        def cap(names):
            return (
                "(?-i:"
                + "|".join(
                    sorted(
                        {v for m in names for v in (m.capitalize(), m.upper())},
                        key=len,
                        reverse=True,
                    )
                )
                + ")"
            )

        mon = rf"(?:{cap(full_months)}|{cap(abbr_months)}\.?)"
        mon_full = cap(full_months)
    else:
        mon = rf"(?:{_alt(full_months)}|{_alt(abbr_months)}\.?)"
        mon_full = _alt(full_months)
    day = r"(?P<day>[12]\d|3[01]|0?[1-9])(?!\d)"
    day_fr = r"(?P<day>1er|premier|[12]\d|3[01]|0?[1-9])(?![\d])"
    year = r"(?P<year>(?:19|20)\d\d)(?!\d)"
    prefix = _alt(d["weekday_prefix"])
    parts = _alt(d["day_parts"])
    since_words = frozenset(fold_lexeme(s) for s in d["since"])
    ordinal = r"(?:st|nd|rd|th)?" if key == "en" else r"(?:er|e|ème)?"

    pats: list[tuple[str, int, str]] = []
    for night in d["nights"]:
        body = (
            night.replace("WD1", f"(?P<wd1>{wd})")
            .replace("WD2", f"(?P<wd2>{wd})")
            .replace(" ", r"\s+")
        )
        pats.append(("night", 0, body))
    pats.append(
        (
            "night_explicit",
            0,
            r"(?:(?:dans|in|during)\s+)?(?:la\s+|the\s+)?n(?:uit|ight)\s+(?:du|de|of|from)\s+(?:the\s+)?"
            rf"(?P<d1>\d{{1,2}}){ordinal}\s+(?:au|à|to|into|and)\s+(?:the\s+)?{day}{ordinal}\s+"
            rf"(?:of\s+)?(?P<mon>{mon})(?:,?\s+{year})?",
        )
    )
    lead = rf"(?:(?:{prefix})\s+)?(?:(?P<wd>{wd}),?\s+)?(?:(?:le|the|ce|du|au)\s+)?"
    pats.append(
        (
            "dmy",
            1,
            rf"{lead}{day_fr if key == 'fr' else day}{ordinal}\s+(?:of\s+)?(?P<mon>{mon})"
            rf"(?:,?\s+{year})?",
        )
    )
    if key == "en":
        pats.append(
            (
                "mdy",
                1,
                rf"{lead}(?P<mon>{mon})\s+{day}{ordinal}"
                rf"(?!\s*(?::|a\.?m\b|p\.?m\b|\d))(?:,?\s+{year})?",
            )
        )
    pats.append(
        ("iso", 1, r"(?P<year>(?:19|20)\d\d)-(?P<month>0[1-9]|1[0-2])-(?P<day>[0-2]\d|3[01])(?!\d)")
    )
    pats.append(("slash", 1, r"(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<year>(?:19|20)\d\d)(?!\d)"))
    mctx = _alt(d["month_context"])
    pats.append(
        ("month_year", 2, rf"(?:(?P<pre>{mctx})\s*)?(?P<mon>{mon})\.?,?\s+(?:of\s+|de\s+)?{year}")
    )
    if key == "en":
        pats.append(
            (
                "month_rel",
                2,
                rf"(?:(?P<pre>{mctx})\s*)?(?P<mon>{mon_full})\s+(?:of\s+)?(?P<rel>this|last|next)\s+year",
            )
        )
        pats.append(("month_rel", 2, rf"(?P<rel>last|next)\s+(?P<mon>{mon_full})(?!\s*\d)"))
    else:
        pats.append(
            (
                "month_rel",
                2,
                rf"(?:(?P<pre>{mctx})\s*)?(?P<mon>{mon_full})\s+(?P<rel>dernier|prochain)",
            )
        )
        pats.append(
            (
                "month_rel",
                2,
                rf"(?:(?P<pre>{mctx})\s*)?(?P<mon>{mon_full})\s+de\s+l{_APOS}ann[ée]e\s+"
                r"(?P<rel>derni[èe]re|prochaine|pass[ée]e)",
            )
        )
    relative = {fold_lexeme(k): (int(v[0]), int(v[1]), str(v[2])) for k, v in d["relative"].items()}
    cal = {fold_lexeme(k): v for k, v in d["calendar"].items()}
    anaphoric = {fold_lexeme(k): int(v) for k, v in d["anaphoric"].items() if isinstance(v, int)}
    pats.append(("phrase", 3, _alt([*relative, *cal, *anaphoric])))
    # "twenty-one", "quatre-vingt-dix-sept", and the French tens joined by "et" ("vingt et un")
    units_num = (r"(?P<n>\d{1,3}|(?:vingt|trente|quarante|cinquante|soixante)\s+et\s+(?:un|une|onze)"
                 r"|[^\W\d_]+(?:[-‑][^\W\d_]+){0,3})")
    ago, later, earlier = d["anaphoric"]["ago"], d["anaphoric"]["later"], d["anaphoric"]["earlier"]
    day_units = {fold_lexeme(k): int(v) for k, v in d["anaphoric"]["day_units"].items()}
    if key == "en":
        pats.append(
            (
                "ago",
                3,
                rf"{units_num}\s+(?P<unit>days?|weeks?|months?|years?|decades?)\s+{_alt(ago)}",
            )
        )
    else:
        pats.append(
            (
                "ago",
                3,
                rf"{_alt(ago)}\s+{units_num}\s+(?P<unit>jours?|semaines?|mois|ans|ann[ée]es?|décennies?)",
            )
        )
    pats.append(
        (
            "shift",
            3,
            rf"{units_num}\s+(?P<unit>{_alt(day_units)})\s+(?P<dir>{_alt([*later, *earlier])})",
        )
    )
    pats.append(("span", 3, _alt(d["spans"], escape=False)))
    pats.append(("weekday", 4, rf"(?:(?P<pre>{prefix})\s+)?(?P<wd>{wd})(?:\s+(?P<part>{parts}))?"))
    pats.append(("month", 5, rf"(?P<pre>{mctx})\s*(?P<mon>{mon_full})(?!\s*\d)"))
    pats.append(("decade", 6, r"(?:the\s+|les\s+années\s+)?(?P<year>(?:19|20)\d0)['’]?s"))
    pats.append(
        (
            "year",
            6,
            rf"(?:(?P<pre>{_alt(d['since'])}|in|en)\s+)?{year}"
            r"(?:\s*[-–]\s*(?P<year2>(?:19|20)?\d\d)(?!\d))?",
        )
    )
    compiled = tuple((kind, prio, re.compile(_W + p + _E, re.IGNORECASE)) for kind, prio, p in pats)
    pats_by_kind = {kind: p for kind, _, p in pats}
    # Parts every match of a pattern contains (each gate is a sub-pattern of the pattern it
    # guards, so a text the gate does not match cannot match the pattern).
    digit = _Gate(None, re.compile(r"\d|premier" if key == "fr" else r"\d", re.IGNORECASE))
    if key == "en":  # months are case-sensitive: one flat alternation is a fast scan
        month = _Gate(None, re.compile(cap([*full_months, *abbr_months])))
        month_full = _Gate(None, re.compile(mon_full))
    else:
        month = _gate(months, mon)
        month_full = _gate(full_months, mon_full)
    weekday = _gate(weekdays, wd)
    needs: dict[str, tuple[_Gate, ...]] = {
        "night": (weekday,),
        "night_explicit": (digit, month),
        "dmy": (digit, month),
        "mdy": (digit, month),
        "iso": (digit,),
        "slash": (digit,),
        "month_year": (digit, month),
        "month_rel": (month_full,),
        "phrase": (_gate([*relative, *cal, *anaphoric], pats_by_kind["phrase"]),),
        "ago": (_gate(map(fold_lexeme, ago), _alt(ago)),),
        "shift": (_gate(day_units, _alt(day_units)),),
        "weekday": (weekday,),
        "month": (month_full,),
        "decade": (digit,),
        "year": (digit,),
    }
    gates = tuple(needs.get(kind, ()) for kind, _, _ in pats)

    since_before = re.compile(rf"{_W}{_alt(d['since'])}\s*$", re.IGNORECASE)
    year_context_before = re.compile(
        rf"(?:{_W}(?:{_alt(d['year_context'])})|{mon}|{_APOS}s)\s*$", re.IGNORECASE
    )
    # case-sensitive: "The United States imposed" is no "states"; sentence-initial forms listed
    verbs = [v for v in d["report"]["verbs"]]
    verbs += [
        v[0].upper() + v[1:] for v in verbs if v.startswith(("according", "selon", "d'", "d’"))
    ]
    report = re.compile(_W + _alt(verbs) + r"(?!\w|\s+by\b|\s+par\b)")
    # the verb then its source, a name: "reports The Hindu", "according to AFP"
    attribution = re.compile(r"^\s*,?\s*" + _alt(d["report"]["attribution"]) + r"\s+(?:the\s+)?[A-Z]")
    return _Lex(
        key,
        weekdays,
        months,
        relative,
        cal,
        anaphoric,
        compiled,
        gates,
        since_before,
        since_words,
        year_context_before,
        report,
        attribution,
        frozenset(fold_lexeme(s) for s in d["report"]["stops"]),
        tuple(map(fold_lexeme, ago)),
        tuple(map(fold_lexeme, later)),
        tuple(map(fold_lexeme, earlier)),
        day_units,
    )


# --------------------------------------------------------------------------- resolve

_COUNTED_NEXT = re.compile(
    r"^\s+(?:people|persons|civilians|residents|villagers|soldiers|troops|fighters|militants|men|"
    r"women|children|dead|killed|bodies|refugees|migrants|personnes|civils|soldats|morts|"
    r"militaires|habitants|combattants|hommes|femmes|enfants|victims|victimes)(?![\w])",
    re.IGNORECASE,
)
_COUNT_BEFORE = re.compile(
    r"(?:at least|more than|over|about|around|some|nearly|almost|up to|killed|killing|kill|left|"
    r"au moins|plus de|plus d['’]|près de|environ|quelque|tuant|tué|tués|dont|sur)\s*$",
    re.IGNORECASE,
)


def _number(text: str, lang: str) -> int | None:
    t = fold_lexeme(text)
    if t in ("a", "an", "one", "un", "une"):
        return 1
    value = parse_number(text, lang)
    if value is None:
        value = parse_number(text, "fr" if lang == "en" else "en")
    return value


# ACLED's time precision: the day is known, the week, or only the month (or year)
_DAY, _WEEK, _MONTH = 1, 2, 3
# A year in which every month has its longest length (29 February): a day and month
# without a year are kept when some year has that day.
_LEAP_YEAR = 2024
# "N units ago" with more units than this is history or a misread number, not the date
# of an event a report tells.
_MAX_UNITS_AGO = 400


class _Resolved(NamedTuple):
    """What a date expression says: its day (None when the publication day is unknown or
    the caller resolves it), precision, kind and whether it opens a span up to now."""

    date: date | None
    precision: int
    kind: str
    since: bool


@dataclass(frozen=True, slots=True)
class _Found:
    """One match of a pattern, with what resolving it needs."""

    kind: str
    m: re.Match[str]
    g: dict[str, Any]  # its named groups
    lx: _Lex
    published: date | None
    text: str
    pre: str  # the folded word before the date, if the pattern takes one
    since: bool  # after "since", "depuis"

    def month(self) -> int:
        return self.lx.months[fold_lexeme(self.g["mon"]).rstrip(".")]


def _resolve(kind: str, m: re.Match[str], lx: _Lex, published: date | None,
             text: str) -> _Resolved | None:
    """What one match says, or None to drop it."""
    g = m.groupdict()
    pre = fold_lexeme(g.get("pre") or "")
    since = pre in lx.since_words or bool(
        lx.since_before.search(text[max(0, m.start() - 20) : m.start()])
    )
    return _RESOLVERS[kind](_Found(kind, m, g, lx, published, text, pre, since))


def _night(f: _Found) -> _Resolved:
    """"the night of Friday to Saturday": the later day."""
    wd2 = f.lx.weekdays[fold_lexeme(f.g["wd2"])]
    day = weekday_on_or_before(f.published, wd2) if f.published else None
    return _Resolved(day, _DAY, "weekday", f.since)


def _day_and_month(f: _Found) -> _Resolved | None:
    """"14 November 2023", "Nov. 14", "2024-03-09", "09/03/2024", "the night of the 3rd to
    the 4th of May": a day without a year is the latest on or before publication."""
    g = f.g
    if f.kind == "iso":
        month, day = int(g["month"]), int(g["day"])
    elif f.kind == "slash":
        a, b = int(g["a"]), int(g["b"])
        day, month = (a, b) if (f.lx.lang == "fr" or a > 12) else (b, a)
    else:
        month = f.month()
        raw = fold_lexeme(g["day"])
        day = 1 if raw in ("1er", "premier") else int(raw)
    if not 1 <= month <= 12:
        return None
    if g.get("year"):
        try:
            return _Resolved(date(int(g["year"]), month, day), _DAY, "explicit", f.since)
        except ValueError:
            return None
    if day > calendar.monthrange(_LEAP_YEAR, month)[1]:
        return None
    return _Resolved(infer_year(month, day, f.published), _DAY, "explicit", f.since)


def _month_of_year(f: _Found) -> _Resolved:
    """"in October 2017"."""
    return _Resolved(_month_start(int(f.g["year"]), f.month()), _MONTH, "year", f.since)


def _month(f: _Found) -> _Resolved:
    """"in October" (kind "month"), "last March", "March of this year" ("month_rel"): the
    latest such month on or before publication, unless a word moves it."""
    month = f.month()
    kind = "year" if f.kind == "month_rel" else "period"
    published = f.published
    if published is None:
        return _Resolved(None, _MONTH, kind, f.since)
    rel = fold_lexeme(f.g.get("rel") or "")
    if rel in ("this",):
        return _Resolved(_month_start(published.year, month), _MONTH, "year", f.since)
    if rel in ("next", "prochain", "prochaine"):
        year = published.year + (1 if month <= published.month else 0)
        return _Resolved(_month_start(year, month), _MONTH, "year", f.since)
    year = published.year if month <= published.month else published.year - 1
    if (rel == "last" and f.kind == "month_rel" and "year" in fold_lexeme(f.m.group(0))) or (
        rel and month == published.month
    ):
        year = published.year - 1
    return _Resolved(_month_start(year, month), _MONTH, kind, f.since)


def _phrase(f: _Found) -> _Resolved:
    """"yesterday", "la semaine dernière", "last year", "the next day" (anaphoric)."""
    lx, published, since = f.lx, f.published, f.since
    phrase = fold_lexeme(f.m.group(0))
    if phrase in lx.anaphoric:
        return _Resolved(None, _DAY, "anaphoric", since)
    if phrase in lx.relative:
        offset, precision, rkind = lx.relative[phrase]
        day = published + timedelta(days=offset) if published else None
        return _Resolved(day, precision, rkind, since)
    what = lx.calendar.get(phrase)
    if what is None or published is None:
        return _Resolved(None, _MONTH, ("year" if what and "year" in what else "period"), since)
    if what == "this_month":
        return _Resolved(_month_start(published.year, published.month), _MONTH, "period", since)
    if what == "last_month":
        last_month = _shift_months(_month_start(published.year, published.month), -1)
        return _Resolved(last_month, _MONTH, "period", since)
    if what == "this_year":
        return _Resolved(date(published.year, 1, 1), _MONTH, "year", since)
    if what == "last_year":
        return _Resolved(date(published.year - 1, 1, 1), _MONTH, "year", since)
    return _Resolved(_shift_years(published, -1), _MONTH, "year", since)


def _ago(f: _Found) -> _Resolved | None:
    """"three days ago", "il y a deux semaines", "a decade ago"."""
    n = _number(f.g["n"], f.lx.lang)
    if n is None or n > _MAX_UNITS_AGO:
        return None
    unit = fold_lexeme(f.g["unit"])
    published, since = f.published, f.since
    if published is None:
        return _Resolved(None, _DAY, "relative", since)
    if unit.startswith(("day", "jour")):
        return _Resolved(published - timedelta(days=n), _DAY, "relative", since)
    if unit.startswith(("week", "semaine")):
        return _Resolved(published - timedelta(days=7 * n), _WEEK, "period", since)
    if unit.startswith("mois") or unit.startswith("month"):
        return _Resolved(_shift_months(published, -n), _MONTH, "period", since)
    years = n * (10 if unit.startswith(("decade", "décenn")) else 1)
    return _Resolved(_shift_years(published, -years), _MONTH, "year", since)


def _shift(f: _Found) -> _Resolved | None:
    """"two days later": the caller counts from the day in context (`anaphoric_offset`)."""
    if _number(f.g["n"], f.lx.lang) is None:
        return None
    return _Resolved(None, _DAY, "anaphoric", f.since)


def _span(f: _Found) -> _Resolved:
    """"for years", "depuis des années": a span up to now, no day."""
    return _Resolved(None, _MONTH, "year", True)


def _weekday(f: _Found) -> _Resolved:
    """"on Tuesday" is the latest Tuesday on or before publication (rule 3); "last" and
    "next" move it a week."""
    wd = f.lx.weekdays[fold_lexeme(f.g["wd"])]
    published = f.published
    if published is None:
        return _Resolved(None, _DAY, "weekday", f.since)
    words = fold_lexeme((f.g.get("pre") or "") + " " + (f.g.get("part") or ""))
    if re.search(r"\b(?:last|dernier)\b", words):
        return _Resolved(weekday_before(published, wd), _DAY, "weekday", f.since)
    if re.search(r"\b(?:next|prochain)\b", words):
        return _Resolved(weekday_after(published, wd), _DAY, "weekday", f.since)
    return _Resolved(weekday_on_or_before(published, wd), _DAY, "weekday", f.since)


def _decade(f: _Found) -> _Resolved:
    """"the 1990s"."""
    return _Resolved(date(int(f.g["year"]), 1, 1), _MONTH, "year", f.since)


def _year(f: _Found) -> _Resolved | None:
    """"in 2012", "since 2015"; not a four-digit count ("2000 soldiers"), a part of a number
    or a percentage."""
    m, text, pre = f.m, f.text, f.pre
    y = int(f.g["year"])
    before = text[max(0, m.start() - 30) : m.start()]
    after = text[m.end() : m.end() + 30]
    if re.search(r"\d[.,\s]?$", before) or re.match(
        r"^(?:[.,]\d|\s*\d|%|\s*(?:per\s*cent|pour\s*cent))", after
    ):
        return None
    if not pre and (_COUNTED_NEXT.match(after) or _COUNT_BEFORE.search(before)):
        return None
    # "2000 soldiers": a bare four-digit number before a common noun is a count
    if (
        not pre
        and not f.lx.year_context_before.search(before)
        and re.match(r"^\s*[-‑]?[^\W\d_]", after)
        and not re.match(r"^\s+[A-Z]", after)
        and not re.match(r"^\s*(?:[-‑]\s*)?(?:and|et|to|à)\s", after, re.IGNORECASE)
    ):
        return None
    return _Resolved(date(y, 1, 1), _MONTH, "year", f.since)


_RESOLVERS: dict[str, Callable[[_Found], _Resolved | None]] = {
    "night": _night,
    "night_explicit": _day_and_month,
    "dmy": _day_and_month,
    "mdy": _day_and_month,
    "iso": _day_and_month,
    "slash": _day_and_month,
    "month_year": _month_of_year,
    "month_rel": _month,
    "month": _month,
    "phrase": _phrase,
    "ago": _ago,
    "shift": _shift,
    "span": _span,
    "weekday": _weekday,
    "decade": _decade,
    "year": _year,
}


# --------------------------------------------------------------------------- roles

_CLAUSE_BREAK = re.compile(r"[.;:!?\"“”«»()\[\]—–\n]|,\s")
_WORD = re.compile(r"[^\W\d_][\w'’-]*|\d+")
_DATELINE_AFTER = re.compile(r"^\s*(?:\([^)\n]{1,40}\)\s*)?(?:[-—–:]|\()")
_SENT_START = re.compile(
    r"(?:^|[.!?\n]\s*[\"“«]?)\s*(?:(?:and|but|et|mais|then|puis)\s+)?$", re.IGNORECASE
)


def _role(text: str, start: int, end: int, lx: _Lex, kind: str) -> str:
    if kind == "explicit" and start < 160:
        head = text[:start]
        if (
            re.fullmatch(r"\s*[A-Z][^\n]{0,140}?,\s*", head)
            and head.strip()[:3].isupper()
            and _DATELINE_AFTER.match(text[end : end + 50])
        ):
            return "dateline"
    # "Saturday's bombing": a possessive date names when the thing happened
    if re.match(r"^(?:'s|’s)\b", text[end : end + 3]):
        return "event"
    # "on Monday claimed responsibility": the verb of saying right after the date
    after = text[end : end + 40]
    if lx.attribution.match(after):  # "on January 3, reports The Hindu": the sentence is attributed
        return "event"
    hit = lx.report.search(after)
    gap = after[: hit.start()] if hit else ""
    if hit and len(_WORD.findall(gap)) <= 1 and not _CLAUSE_BREAK.search(gap):
        return "report"
    # a reporting verb shortly before: "said on Friday", "told reporters on Sunday"
    before = text[max(0, start - 120) : start]
    if re.match(r"^\s*,", text[end : end + 3]):  # "a revu à la hausse, dimanche 6 juin, le bilan"
        before = re.sub(r",\s*$", "", before)
    breaks = list(_CLAUSE_BREAK.finditer(before))
    tail = before[breaks[-1].end() :] if breaks else before
    hits = list(lx.report.finditer(tail))
    if hits:
        between = tail[hits[-1].end() :]
        words = [fold_lexeme(w) for w in _WORD.findall(between)]
        if len(words) <= 5 and not any(w in lx.stops or w.isdigit() for w in words):
            return "report"
    # the date opens the sentence and its verb is one of saying: "On Friday, the army said"
    if _SENT_START.search(text[max(0, start - 40) : start]):
        after = text[end : end + 100]
        after = re.sub(r"^\s*,", "", after)
        cut = _CLAUSE_BREAK.search(after)
        head = after[: cut.start()] if cut else after
        hit = lx.report.search(head)
        if hit:
            words = [fold_lexeme(w) for w in _WORD.findall(head[: hit.start()])]
            if len(words) <= 6 and not any(w in lx.stops or w.isdigit() for w in words):
                return "report"
    return "event"


# --------------------------------------------------------------------------- API


def find_dates(text: str, published: date | None, lang: str = "en") -> list[DateMention]:
    """The date expressions of `text`, resolved against `published` (EVENTS.md rule 3)."""
    if not isinstance(text, str) or not text:
        return []
    lx = _lex(lang)
    candidates: list[tuple[int, int, int, str, re.Match[str]]] = []
    low = text.lower() if text.isascii() else None
    passed: dict[int, bool] = {}
    for (kind, prio, rx), gates in zip(lx.patterns, lx.gates, strict=True):
        skip = False
        for gate in gates:
            ok = passed.get(id(gate))
            if ok is None:
                ok = passed[id(gate)] = gate.passes(text, low)
            if not ok:
                skip = True
                break
        if skip:
            continue
        for m in rx.finditer(text):
            if m.end() > m.start():
                candidates.append((m.start(), m.end(), prio, kind, m))
    candidates.sort(key=lambda c: (-(c[1] - c[0]), c[2], c[0]))
    taken: list[tuple[int, int]] = []
    out: list[DateMention] = []
    for start, end, _, kind, m in candidates:
        if any(start < b and end > a for a, b in taken):
            continue
        try:
            got = _resolve(kind, m, lx, published, text)
        except (ValueError, OverflowError, KeyError):
            got = None
        if got is None:
            continue
        day, precision, mkind, since = got
        taken.append((start, end))
        out.append(
            DateMention(
                start=start,
                end=end,
                text=text[start:end],
                date=day,
                precision=precision,
                kind=mkind,
                role=_role(text, start, end, lx, mkind),
                since=since,
            )
        )
    out.sort(key=lambda d: d.start)
    return out


_SHIFT = re.compile(r"^(?P<n>\S+\s+et\s+\S+|\S+(?:[-‑]\S+)?)\s+(?P<unit>\S+)\s+(?P<dir>.+)$")


def anaphoric_offset(mention: DateMention) -> int:
    """Days from the context's day to an anaphoric mention: "the next day" +1, "la veille" -1,
    "two days later" +2, "earlier that day" 0. 0 for anything else."""
    if mention.kind != "anaphoric":
        return 0
    phrase = fold_lexeme(mention.text)
    for key in ("en", "fr"):
        lx = _lex(key)
        if phrase in lx.anaphoric:
            return lx.anaphoric[phrase]
    for key in ("en", "fr"):
        lx = _lex(key)
        m = _SHIFT.match(phrase)
        if not m or m.group("unit") not in lx.day_units:
            continue
        n = _number(m.group("n"), key)
        if n is None:
            continue
        direction = m.group("dir")
        sign = 1 if direction in lx.later else -1 if direction in lx.earlier else 0
        return sign * n * lx.day_units[m.group("unit")]
    return 0
