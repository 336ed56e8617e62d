"""Numbers: digits, number words (English and French) and vague quantities.

`parse_number` reads one expression ("twenty-four", "1,400", "quatre-vingt-douze",
"une centaine", "dozens"); `find_quantities` finds every number of a sentence that can
be a count, with its qualifier ("at least 12", "plus de 140", "around a hundred"), and
leaves out the numbers that are parts of dates, times, years, ages, percentages, sums of
money, distances, ranks and scores. Vague quantities follow ACLED's convention (see
data/numbers.toml): "several" 3, "dozens" 12, "hundreds" 100.

The lexicon is data/numbers.toml; regular expressions are compiled once per language.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache

from ..data import load_data
from ..models import Quantity
from .folding import fold_lexeme

_APOS = "'’"
_DASHES = r"\-‐‑–"  # hyphen and the dashes typesetting puts between number words
_SPACES = " \u00a0\u202f\u2009"


@dataclass(frozen=True)
class _Lang:
    units: dict[str, int]
    tens: dict[str, int]
    scales: dict[str, int]
    conjunction: str
    articles: frozenset[str]
    bare_ambiguous: frozenset[str]
    phrases: dict[str, tuple[int, str]]
    word_run: re.Pattern[str]
    phrase_re: re.Pattern[str]
    digits_re: re.Pattern[str]
    qualifier_re: re.Pattern[str]
    qualifier_of: tuple[tuple[re.Pattern[str], str], ...]
    after_qualifier_re: re.Pattern[str]
    after_qualifier_of: tuple[tuple[re.Pattern[str], str], ...]
    not_count_after: re.Pattern[str]
    before_money: re.Pattern[str]
    before_age: re.Pattern[str]
    before_label: re.Pattern[str]
    months: re.Pattern[str]


def _key(lang: str) -> str:
    return "fr" if (lang or "").lower().startswith("fr") else "en"


def _alt(patterns: list[str]) -> str:
    return "|".join(f"(?:{p})" for p in sorted(patterns, key=len, reverse=True))


def _words_alt(words: list[str]) -> str:
    return _alt([re.escape(w).replace(r"\ ", r"\s+") for w in words])


@cache
def _month_names(key: str) -> tuple[str, ...]:
    """Month names and abbreviations ("14 November", "Aug. 26", "1er août"): a number next to
    one is a date. Read from the time stage's data file, the one list of month words."""
    return tuple(load_data("dates.toml")[key]["months"])


@cache
def _day_names() -> frozenset[str]:
    """The names of the week's days, English and French (the time stage's data file): "On
    Monday two soldiers were killed" counts two soldiers, no label "Monday 2"."""
    data = load_data("dates.toml")
    return frozenset(day for key in ("en", "fr") for day in data[key]["weekdays"])


@cache
def _lang(lang: str) -> _Lang:
    key = _key(lang)
    d = load_data("numbers.toml")[key]
    units = {fold_lexeme(k): v for k, v in d["units"].items()}
    tens = {fold_lexeme(k): v for k, v in d["tens"].items()}
    scales = {fold_lexeme(k): v for k, v in d["scales"].items()}
    conj = d["conjunction"]
    words = [*units, *tens, *scales]
    if key == "fr":
        words += ["vingts"]
    word = r"(?:" + _words_alt(words) + r")"
    sep = rf"(?:[{_SPACES}]+|[{_SPACES}]*[{_DASHES}][{_SPACES}]*)"
    joiner = rf"(?:{sep}(?:{conj}{sep})?)"
    scale_names = _words_alt(list(scales))
    article = rf"(?:(?:{_words_alt(d['article'])})[{_SPACES}]+(?=(?:{scale_names})(?![\w])))?"
    word_run = re.compile(
        rf"(?<![\w{_DASHES}]){article}{word}(?:{joiner}{word})*(?![\w])", re.IGNORECASE
    )

    phrases = {fold_lexeme(k): (int(v["value"]), str(v["qualifier"])) for k, v in d["phrases"].items()}
    phrase_re = re.compile(
        r"(?<![\w])(?:" + _words_alt(list(phrases)).replace("'", f"[{_APOS}]") + r")(?![\w])",
        re.IGNORECASE,
    )

    if key == "fr":
        grouped = rf"\d{{1,3}}(?:[.{_SPACES}]\d{{3}})+(?![\d])"
        decimal = r"\d+(?:,\d+)?"
    else:
        grouped = r"\d{1,3}(?:,\d{3})+(?![\d])|\d{1,3}(?:[.\u00a0\u202f\u2009]\d{3})+(?![\d.,])"
        decimal = r"\d+(?:\.\d+)?"
    scale_words = _words_alt([w for w in scales if scales[w] >= 1000])
    digits_re = re.compile(
        rf"(?<![\w.,/:{_DASHES}])(?:(?P<grp>{grouped})|(?P<dec>{decimal}))"
        rf"(?:[{_SPACES}]*(?P<scale>{scale_words})(?![\w]))?(?![\w])",
        re.IGNORECASE,
    )

    qual_items = [(p, q) for q, ps in d["qualifiers"].items() for p in ps]
    qualifier_re = re.compile(
        r"(?<![\w])(?:" + _alt([p for p, _ in qual_items]) + r")[\s]*$", re.IGNORECASE
    )
    qualifier_of = tuple((re.compile(rf"^(?:{p})$", re.IGNORECASE), q) for p, q in qual_items)
    after_items = [(p, q) for q, ps in d["after_qualifiers"].items() for p in ps]
    after_qualifier_re = re.compile(
        r"^[\s-]*(?:" + _alt([p for p, _ in after_items]) + r")(?![\w])", re.IGNORECASE
    )
    after_qualifier_of = tuple(
        (re.compile(rf"^[\s-]*(?:{p})$", re.IGNORECASE), q) for p, q in after_items
    )

    nc = d["not_counts"]
    after = [*nc["time"], *nc["measure"], *nc["money"], *nc["percent"], *nc["age"], *nc["sport"]]
    not_count_after = re.compile(
        rf"^[{_SPACES}]*(?:(?:of|de|d['’])\s+)?(?:{_alt(after)})(?![\w])", re.IGNORECASE
    )
    before_money = re.compile(
        rf"(?:^|(?<![\w]))(?:{_alt(nc['before_money'])})[{_SPACES}]*$", re.IGNORECASE
    )
    before_age = re.compile(rf"(?<![\w])(?:{_alt(nc['before_age'])})\s*$", re.IGNORECASE)
    before_label = re.compile(rf"(?<![\w])(?:{_alt(nc['before_label'])})\s*$", re.IGNORECASE)
    months = re.compile(_words_alt(list(_month_names(key))), re.IGNORECASE)
    return _Lang(
        units,
        tens,
        scales,
        conj,
        frozenset(map(fold_lexeme, d["article"])),
        frozenset(map(fold_lexeme, d["bare_ambiguous"])),
        phrases,
        word_run,
        phrase_re,
        digits_re,
        qualifier_re,
        qualifier_of,
        after_qualifier_re,
        after_qualifier_of,
        not_count_after,
        before_money,
        before_age,
        before_label,
        months,
    )


# --------------------------------------------------------------------------- words


def _tokens(text: str) -> list[tuple[str, int, int]]:
    return [(fold_lexeme(m.group(0)), m.start(), m.end()) for m in re.finditer(r"[^\W\d_]+", text)]


def _parse_words(toks: list[str], lx: _Lang, fr: bool) -> tuple[int, int] | None:
    """The value of the longest valid number-word prefix of `toks` and its length."""
    total = 0
    current = 0
    last = None  # kind of the last token: unit, teen, tens, tens80, hundred, scale, conj
    last_scale = 10**12
    best: tuple[int, int] | None = None
    i = 0
    while i < len(toks):
        t = toks[i]
        v_unit = lx.units.get(t)
        if t == lx.conjunction:
            nxt = toks[i + 1] if i + 1 < len(toks) else ""
            if fr:
                ok = last in ("tens",) and lx.units.get(nxt) in (1, 11)
            else:
                ok = last in ("hundred", "scale") and (nxt in lx.units or nxt in lx.tens)
            if not ok:
                break
            last = "conj"
            i += 1
            continue
        if v_unit is not None:
            if last in (None, "hundred", "scale", "conj"):
                pass
            elif last == "tens" and (v_unit < 10 or (fr and current % 100 == 60)):
                if v_unit == 0:
                    break
            elif last == "tens80" or (fr and last == "teen10" and v_unit < 10):
                pass
            else:
                break
            if v_unit == 0 and last is not None:
                break
            current += v_unit
            if fr and v_unit == 10 and last in ("tens", "tens80"):
                last = "teen10"  # soixante-dix, quatre-vingt-dix: dix-sept may follow
            elif fr and v_unit == 10 and last in (None, "hundred", "scale", "conj"):
                last = "teen10"  # dix-sept, dix-huit, dix-neuf
            else:
                last = "unit" if v_unit < 10 else "teen"
        elif t in lx.tens or (fr and t == "vingts"):
            v = lx.tens.get(t, 20)
            if fr and v == 20 and last == "unit" and current % 10 == 4 and current % 100 < 10:
                current += 80 - 4  # quatre-vingt(s)
                last = "tens80"
            elif last in (None, "hundred", "scale", "conj"):
                if t == "vingts":
                    break
                current += v
                last = "tens"
            else:
                break
        elif t in lx.scales:
            v = lx.scales[t]
            if v == 100:
                if last in ("hundred",) or current % 100 >= 10 or (last == "tens80"):
                    break
                if last is None and fr:
                    current = 100
                elif last in ("unit", "teen", "article") or (not fr and last == "tens"):
                    if not fr and last == "tens":
                        break
                    current = (current or 1) * 100
                elif fr and last in ("scale", "conj"):
                    current += 100
                else:
                    break
                last = "hundred"
            else:
                if v >= last_scale:
                    break
                if last in (None, "conj") and not fr:
                    break
                total += (current or 1) * v
                current = 0
                last_scale = v
                last = "scale"
        elif t in lx.articles and last is None and i + 1 < len(toks) and toks[i + 1] in lx.scales:
            current = 1
            last = "article"
            i += 1
            continue
        else:
            break
        i += 1
        best = (total + current, i)
    return best


def _number_of_digits(m: re.Match[str], fr: bool) -> int | None:
    raw = m.group("grp") or m.group("dec")
    scale = m.group("scale")
    if m.group("grp"):
        value = float(re.sub(r"[^\d]", "", raw))
    else:
        try:
            value = float(raw.replace(",", ".")) if fr else float(raw)
        except ValueError:
            return None
    if scale:
        factor = _lang("fr" if fr else "en").scales.get(fold_lexeme(scale).replace(" ", ""))
        if factor is None:
            return None
        value *= factor
    if not math.isfinite(value):  # hundreds of digits: float("9" * 400) is inf, not a count
        return None
    if not scale and value != int(value):
        return None
    return round(value)


def parse_number(text: str, lang: str = "en") -> int | None:
    """The value of one number expression, or None when `text` is not a number.

    "two" -> 2, "twenty-four" -> 24, "1,400" -> 1400, "1 400" (fr) -> 1400, "a dozen" -> 12,
    "dozens" -> 12, "une centaine" -> 100, "quatre-vingt-douze" -> 92, "several" -> 3.
    """
    if not isinstance(text, str):
        return None
    key = _key(lang)
    lx = _lang(key)
    s = " ".join(text.strip().split())
    if not s:
        return None
    phrase = lx.phrases.get(fold_lexeme(s))
    if phrase:
        return phrase[0]
    m = lx.digits_re.fullmatch(s)
    if m:
        return _number_of_digits(m, key == "fr")
    if re.fullmatch(r"\d+", s):
        return int(s)
    if not re.fullmatch(rf"[^\W\d_]+(?:(?:[{_SPACES}]+|[{_DASHES}])[^\W\d_]+)*", s):
        return None
    toks = [t for t, _, _ in _tokens(s)]
    got = _parse_words(toks, lx, key == "fr")
    if got is None or got[1] != len(toks):
        return None
    return got[0]


# --------------------------------------------------------------------------- find


def _word_runs(text: str, lx: _Lang, fr: bool):
    """(value, start, end) for each valid number-word sequence of the text."""
    for run in lx.word_run.finditer(text):
        toks = _tokens(run.group(0))
        i = 0
        while i < len(toks):
            got = _parse_words([t for t, _, _ in toks[i:]], lx, fr)
            if got is None:
                i += 1
                continue
            value, n = got
            start, end = run.start() + toks[i][1], run.start() + toks[i + n - 1][2]
            yield value, start, end, [t for t, _, _ in toks[i : i + n]]
            i += n


_SCORE = re.compile(r"(?<![\w.,])(\d{1,2})\s*[-–]\s*(\d{1,2})(?![\w]|[.,]\d|\s*[-–]\s*\d)")
_RANGE_NEXT = re.compile(r"^\s+([a-zà-ÿ][\w-]*)")
_GAME = re.compile(
    r"(?:win|victory|defeat|loss|draw|lead|scoreline|triumph|thrashing|rout|"
    r"victoire|défaite|nul|score)\w*$",
    re.IGNORECASE,
)
_TIME_COLON = re.compile(r"^\s*(?:[:h]\d\d)")
_DATE_NUMERIC = re.compile(r"\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}")
_ORDINAL_AFTER = re.compile(r"^(?:st|nd|rd|th|er|ère|re|e|ème|eme|è)(?![\w])", re.IGNORECASE)
_CAP_WORD_BEFORE = re.compile(r"(?:^|[^\w])([A-Z][\w-]*)[ \u00a0]+$")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\"“«(]\s*|\n\s*)$")
_NAME_BEFORE = re.compile(r"[A-Z][\w'’-]+,\s*$")
_COUNTED_NEXT = re.compile(
    r"^\s+(?:people|persons|civilians|residents|villagers|soldiers|troops|fighters|militants|"
    r"men|women|children|dead|killed|bodies|refugees|migrants|prisoners|personnes|civils|"
    r"soldats|morts|militaires|habitants|combattants|hommes|femmes|enfants|réfugiés|"
    r"victims|victimes|détenus)(?![\w])",
    re.IGNORECASE,
)
_CAP_OK = frozenset(
    [
        "the",
        "a",
        "an",
        "all",
        "another",
        "only",
        "some",
        "about",
        "around",
        "nearly",
        "over",
        "at",
        "more",
        "least",
        "up",
        "as",
        "and",
        "but",
        "then",
        "another",
        "some",
        "police",
        "officials",
        "while",
        "also",
        "just",
        "almost",
        "le",
        "la",
        "les",
        "des",
        "au",
        "aux",
        "et",
        "mais",
        "plus",
        "pres",
        "près",
        "environ",
        "quelque",
    ]
)


def _qualifier_before(text: str, start: int, lx: _Lang) -> tuple[str, int] | None:
    window = text[max(0, start - 40) : start]
    m = lx.qualifier_re.search(window)
    if not m:
        return None
    phrase = " ".join(m.group(0).split())
    for rx, q in lx.qualifier_of:
        if rx.match(phrase):
            return q, start - len(window) + m.start()
    return None


def _excluded(text: str, start: int, end: int, lx: _Lang, is_digits: bool, value: int) -> bool:
    before = text[max(0, start - 60) : start]
    after = text[end : end + 40]
    # dates: next to a month name ("14 November", "Aug. 26", "1er août", "le 7 octobre")
    if re.match(
        rf"^(?:st|nd|rd|th|er|ère)?\.?,?\s+(?:of\s+)?(?:{lx.months.pattern})(?![\w])",
        after,
        re.IGNORECASE,
    ):
        return True
    if re.search(rf"(?<![\w])(?:{lx.months.pattern})\.?\s+(?:the\s+)?$", before, re.IGNORECASE):
        return True
    if is_digits:
        if _ORDINAL_AFTER.match(after):
            return True
        if _TIME_COLON.match(after) or re.search(r"\d\s*[:h]\s*$", before):
            return True
        local = text[max(0, start - 6) : end + 6]
        if _DATE_NUMERIC.search(local) and re.search(r"[/]", local):
            return True
        # years: four digits 1900-2099 written without a separator
        raw = text[start:end]
        if re.fullmatch(r"(?:19|20)\d\d", raw) and not _COUNTED_NEXT.match(after):
            return True
        # scores and ranges: "2-1", "4-0 defeat"; a range "10-15 people" keeps its first number
        if _SCORE.search(text[max(0, start - 5) : end + 6]):
            for m in _SCORE.finditer(text[max(0, start - 5) : end + 6]):
                s0 = max(0, start - 5)
                if s0 + m.start() <= start < s0 + m.end():
                    nxt = _RANGE_NEXT.match(text[s0 + m.end() :])
                    first = s0 + m.start(1) == start
                    is_range = (
                        first
                        and nxt is not None
                        and not _GAME.match(nxt.group(1))
                        and not _CAP_WORD_BEFORE.search(before)
                        and int(m.group(1)) < int(m.group(2))
                    )
                    if not is_range:
                        return True
        if re.match(r"^[-‐‑–]\d", after) and not re.fullmatch(r"\d{1,3}", raw):
            return True
    # attached to letters by a hyphen: "COVID-19", "F-16", "12-year-old", "three-day"
    if re.search(r"[^\W\d_][-‐‑]$", before):
        return True
    if re.match(r"^[-‐‑][^\W\d_]", after) and not re.match(r"^[-‐‑](?:plus|odd)\b", after, re.I):
        return True
    if lx.not_count_after.match(after):
        return True
    if (
        lx.before_money.search(before)
        or lx.before_age.search(before)
        or lx.before_label.search(before)
    ):
        return True
    # ages in apposition: "Cisse, 70, was seized"; "(70)" after a name
    if value < 120 and _NAME_BEFORE.search(before) and re.match(r"^\s*[,)]", after):
        return True
    if value < 120 and re.search(r"[A-Z][\w'’-]+\s*\($", before) and re.match(r"^\)", after):
        return True
    # labels: "Tower 22", "Operation 1027", "Phase Two" (a capitalised word that does not start
    # the sentence, before digits or a capitalised number word: "in Kano three people were
    # killed" is a count), never a day's name
    cap = _CAP_WORD_BEFORE.search(before)
    if (
        cap
        and cap.group(1).lower() not in _CAP_OK
        and cap.group(1).lower() not in _day_names()
        and (is_digits or text[start].isupper())
        and not _SENTENCE_START.search(before[: cap.start(1)])
    ):
        return not (lx.months.fullmatch(cap.group(1)) is not None)
    return False


def find_quantities(text: str, lang: str = "en") -> list[Quantity]:
    """Every number of `text` that can be a count, with its qualifier and exact offsets."""
    if not isinstance(text, str) or not text:
        return []
    key = _key(lang)
    fr = key == "fr"
    lx = _lang(key)
    found: list[tuple[int, int, int, str]] = []  # start, end, value, qualifier
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    for m in lx.phrase_re.finditer(text):
        value, qual = lx.phrases[fold_lexeme(" ".join(m.group(0).split()))]
        if _excluded(text, m.start(), m.end(), lx, False, value):
            continue
        taken.append((m.start(), m.end()))
        found.append((m.start(), m.end(), value, qual))
    for m in lx.digits_re.finditer(text):
        if not free(m.start(), m.end()):
            continue
        value = _number_of_digits(m, fr)
        if value is None:
            continue
        if _excluded(text, m.start(), m.end(), lx, not m.group("scale"), value):
            continue
        taken.append((m.start(), m.end()))
        found.append((m.start(), m.end(), value, "exact"))
    for value, s, e, toks in _word_runs(text, lx, fr):
        if not free(s, e):
            continue
        if len(toks) == 1 and toks[0] in lx.bare_ambiguous:
            continue
        if (
            not fr
            and toks == ["one"]
            and (
                re.search(r"(?<![\w])(?:no|any|every|some)[\s-]*$", text[max(0, s - 8) : s], re.I)
                or re.match(
                    r"^\s+(?:another|day|of\s+(?:the|its|his|her|their)\s+(?:most|best|"
                    r"worst|largest|biggest|deadliest|rare|few|main|key|first|last))",
                    text[e : e + 40],
                    re.I,
                )
            )
        ):
            continue
        if _excluded(text, s, e, lx, False, value):
            continue
        taken.append((s, e))
        found.append((s, e, value, "exact"))

    out: list[Quantity] = []
    previous_end = 0
    for s, e, value, qual in sorted(found):
        start = s
        q = _qualifier_before(text, s, lx)
        if q and q[1] >= previous_end:
            qual, start = q
        end = e
        am = lx.after_qualifier_re.match(text[e:])
        if am and qual == "exact":
            phrase = am.group(0)
            for rx, aq in lx.after_qualifier_of:
                if rx.match(phrase):
                    qual, end = aq, e + len(phrase)
                    break
        previous_end = end
        out.append(
            Quantity(start=start, end=end, text=text[start:end], value=value, qualifier=qual)
        )
    return out
