"""Toll and claims: who died or was hurt, how many, on whose word (rules 4 and 7).

Each number in an event's sentences that counts dead or injured becomes a `Figure`
with the victims it counts and the source that gives it. `conservative_toll` then
applies rule 4: figures claimed by a party about the enemy's losses are set aside
(kept as claims), the rest give the most conservative total.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache
from typing import Literal

from ..data import load_data as load_toml
from .detect import compile_alternation
from .numbers import find_quantities

Kind = Literal["dead", "injured"]
# Whose figures make the toll: "conservative" is rule 4 (a party's count of its enemy's dead
# is a claim and counts 0); "acled" is ACLED's practice (a party's specific count is coded
# when no other source gives one).
TollPolicy = Literal["conservative", "acled"]
TOLL_POLICIES: tuple[TollPolicy, ...] = ("conservative", "acled")
# More dead than this in one sentence is a war's or a year's total, not one event's toll.
MAX_EVENT_TOLL = 2000
VictimClass = Literal["forces", "civilians", "militants", "generic"]
SourceClass = Literal["neutral", "state", "group", "unknown"]


@dataclass(frozen=True)
class Figure:
    value: int
    kind: Kind
    victims: VictimClass
    source: str  # who gives it, as the text says ("" when unattributed)
    source_class: SourceClass
    admissible: bool  # counts toward the toll under rule 4
    cumulative: bool  # a running total "since" something: not this event's toll
    text: str  # the sentence
    implicit: bool = False  # one death told without a numeral: a lower bound, not an estimate
    party_claim: bool = False  # a party's count of its enemy's dead (rule 4 sets it aside)


@dataclass(frozen=True)
class _Lexicon:
    death_after: re.Pattern[str]
    death_before: re.Pattern[str]
    injury_after: re.Pattern[str]
    injury_before: re.Pattern[str]
    victims: tuple[tuple[VictimClass, re.Pattern[str]], ...]
    subset: re.Pattern[str]
    cumulative: re.Pattern[str]
    superseded: re.Pattern[str]
    enemy_claim: re.Pattern[str]
    unquantified: re.Pattern[str]
    attribution: tuple[re.Pattern[str], ...]
    inverted: tuple[re.Pattern[str], ...]
    pronouns: frozenset[str]
    neutral: re.Pattern[str]
    state: re.Pattern[str]
    group: re.Pattern[str]
    one_dead: tuple[re.Pattern[str], ...]
    # a word every one_dead pattern needs: most sentences have none, and one search tells
    one_dead_screen: re.Pattern[str]
    things: re.Pattern[str]


def _mixed(patterns: list[str]) -> re.Pattern[str]:
    """Case-insensitive alternation, but acronyms (ICRC, ISPR) only in capitals."""
    upper = [p for p in patterns if re.fullmatch(r"[A-Z\\.?]+", p)]
    lower = [p for p in patterns if p not in upper]
    parts = [f"(?i:{p})" for p in lower] + upper
    return re.compile(r"(?<![\w])(?:" + "|".join(parts) + r")")


@cache
def _lexicon() -> _Lexicon:
    data = load_toml("toll.toml")
    at_end = lambda ps: re.compile(r"(?:" + "|".join(ps) + r")\s*$", re.IGNORECASE)  # noqa: E731
    victims = tuple((name, _mixed(data["victims"][name]))
                    for name in ("forces", "civilians", "militants"))
    return _Lexicon(
        death_after=compile_alternation(data["death"]["after"]),
        death_before=at_end(data["death"]["before"]),
        injury_after=compile_alternation(data["injury"]["after"]),
        injury_before=at_end(data["injury"]["before"]),
        victims=victims,  # type: ignore[arg-type]
        subset=at_end([p + r"[\w\s,]{0,12}" for p in data["markers"]["subset"]]),
        cumulative=compile_alternation(data["markers"]["cumulative"]),
        superseded=compile_alternation(data["markers"]["superseded"]),
        enemy_claim=compile_alternation(data["markers"]["enemy_claim"]),
        unquantified=compile_alternation(data["markers"]["unquantified_loss"]),
        attribution=tuple(re.compile(p) for p in data["sources"]["attribution"]),
        inverted=tuple(re.compile(p) for p in data["sources"]["inverted"]),
        pronouns=frozenset(data["sources"]["pronouns"]),
        neutral=_mixed(data["sources"]["neutral"]),
        state=_mixed(data["sources"]["state"]),
        group=_mixed(data["sources"]["group"]),
        one_dead=_single_death(data["single_death"]),
        one_dead_screen=re.compile("(?i)" + "|".join(
            [*data["single_death"]["passive"], *data["single_death"]["active"], "body", "to death"])),
        # "...and several houses destroyed": what follows a count is no person
        things=re.compile(r"(?i)\s*(?:\w+\s+)?(?:" + "|".join(data["victims"]["things"]) + r")\b"),
    )


_NOT_A_QUANTITY = (r"(?!(?:number|total|lot|dozen|few|handful|couple|score|series|spate|wave|string|host|"
                   r"range|majority|minority|group|rest|remainder|bulk|same|others?)\b)")


def _single_death(words: dict[str, list[str]]) -> tuple[re.Pattern[str], ...]:
    """Patterns of one death told without a numeral, from toll.toml's [single_death]."""
    person = "|".join(words["person"])
    passive = "|".join(words["passive"])
    active = "|".join(words["active"])
    aux = r"(?:was|is|has been|had been|a été|avait été|est|fut)\s+"
    # A bare participle is a passive only where no object follows it ("Woman killed on her
    # farm", not "A soldier killed a civilian").
    no_object = (r"(?=\s+(?:by|on|in|at|near|after|during|when|while|as|following|overnight|to|of|"
                 r"yesterday|today|last|early|late|par|dans|à|près|lors)\b|\s*[,.;:]|\s*$)")
    subject = (r"(?:^|\b(?:a|an|one|the|his|her|their|un|une|le|la|son|sa|leur|[A-Z][\w-]+(?:'s|’s))\s+)"
               r"(?:[\w'’-]+\s+){0,3}?" rf"(?:{person})(?:\s+\([^()]{{1,40}}\)|,[^,.;]{{1,40}},)?"
               r"(?:\s+[\w'’-]+){0,4}?\s+")
    someone = (r"\b(?:(?i:a|an|one|his|her|their|un|une|son|sa)|[A-Z][\w-]+(?:'s|’s))\s+"
               r"(?:[\w'’-]+\s+){0,3}?")
    # "killed a butcher", "kill an al Shabaab recruiter": one person, whatever the noun, but
    # not "a number of", "a dozen", "a lot"; "killed the brother of the chief": after "the",
    # the singular only (not "the militants").
    word, head = r"[\w'’-]+", r"[\w'’-]*[^\Ws’']"
    boundary = (r"(?=\s+(?:in|at|on|of|near|after|during|when|while|as|and|who|from|over|for|dans|à|près)\b"
                r"|\s*[,.;:]|\s*$)")
    anyone = (rf"(?:(?:a|an|one|un|une)\s+{_NOT_A_QUANTITY}(?:{word}\s+){{0,3}}?{word}"
              rf"|the\s+{_NOT_A_QUANTITY}(?:{head}\s+){{0,2}}?{head}){boundary}")
    return (
        re.compile(rf"{someone}{aux}(?:{passive})\b"),  # "his bodyguard was shot dead"
        re.compile(rf"(?i){subject}{aux}(?:\w+\s+)?(?:{passive})\b"),
        re.compile(rf"(?i){subject}(?:{passive}){no_object}"),
        re.compile(rf"(?i)\b(?:{active})\s+(?:a|an|one|un|une)\s+{_NOT_A_QUANTITY}"
                   rf"(?:[\w'’-]+\s+){{0,3}}?(?:{person})s?\b"),
        # "beat a man to death", "stoned the thief to death"
        re.compile(rf"(?i)\b(?:beat|beaten|stabbed|hacked|burned|burnt|stoned|tortured|clubbed)\s+"
                   rf"(?:a|an|one|the|his|her)\s+(?:[\w'’-]+\s+){{0,2}}?(?:{person})\s+to death\b"),
        # "a body was found dumped in a latrine": one death
        re.compile(r"(?i)\b(?:a|the|his|her)\s+(?:[\w'’-]+\s+)?body\b[^.;]{0,40}?\b(?:found|discovered|recovered)\b"),
        # "kill his bodyguard", "killed the driver": a possessive or "the" before one person
        re.compile(rf"(?i)\b(?:{active})\s+(?:his|her|their|its|the|son|sa|le|la)\s+"
                   rf"(?:[\w'’-]+\s+){{0,2}}?(?:{person})\b(?!s)"),
        # "Grenade attack kills police officer": a headline's lone noun is one person
        re.compile(rf"(?i)\b(?:{active})\s+(?:[\w'’-]+\s+){{0,3}}?(?:{person})\b(?!s)"),
        re.compile(rf"(?i)\b(?:{active})\s+{anyone}"),
        # "He was later found dead": a pronoun for one person
        re.compile(rf"(?i)\b(?:he|she|il|elle)\s+{aux}(?:\w+\s+)?(?:{passive})\b"),
        # "abducted a councilman, then killed him": the pronoun is the one person
        re.compile(rf"(?i)\b(?:{active})\s+(?:him|her)\b"),
    )


_STOP = re.compile(r"\b(?:and|et|but|mais|while|as|after|before|when|in|at|on|near|amid|amidst|during|"
                   r"following|à|dans|près|lors)\b"
                   r"|[,;:()]|(?<![A-Z])\.(?!\w)")
# "60 Afghans", "20 Christians": a capitalised plural right after the number names civilians.
_PEOPLE = re.compile(r"^\s*(?:[A-Z][a-z]+ ){0,1}[A-Z][a-zé]+(?:ans|ens|ais|ois|ites|is|ns|s)\b")
# "60 Afghans and 12 U.S. service members": the second number shares the first one's verb.
_SAME_CLAUSE = re.compile(r"^[\w\s.'’-]{0,40}\b(?:and|et)\s*(?:at least |au moins )?$")


def _kind_of(text: str, start: int, end: int) -> tuple[Kind | None, str]:
    """Whether the number at text[start:end] counts dead or injured, and the words after it."""
    lex = _lexicon()
    before = text[max(0, start - 120) : start]
    # Qualifiers ("at least", "au moins") stand between the verb and the number.
    before = re.sub(r"(?i)(?:at least|more than|over|nearly|almost|about|around|some|up to|"
                    r"au moins|plus de|près de|environ|quelque|une?|the|a|an)\s*$", "", before)
    before = before.rstrip()
    if lex.injury_before.search(before):
        return "injured", ""
    if lex.death_before.search(before):
        after = text[end : end + 50]
        stop = _STOP.search(after)
        head = after[: stop.start()] if stop else after
        # "the attack left five injured", « faisant cinq blessés »: the word after the number
        # says what a verb of either kind counted
        injury = lex.injury_after.search(head)
        if injury and not lex.death_after.search(head[: injury.start()]):
            return "injured", head
        return "dead", head
    after = text[end : end + 70]
    stop = _STOP.search(after)
    head = after[: stop.start()] if stop else after
    # "...were killed and 15 wounded": the verb may follow the stop word for the first number.
    death = lex.death_after.search(head)
    injury = lex.injury_after.search(head)
    if death and (not injury or death.start() < injury.start()):
        killers = _KILLERS_COUNTED.search(head)
        if killers and killers.start() <= death.start() < killers.end() \
                and not _VERB.search(head[: killers.start()]):
            return None, ""  # "Three militants shot dead a driver": the count is of the killers
        return "dead", head
    if injury:
        return "injured", head
    # "50 people, including five children, were killed": the aside does not count.
    tail = re.sub(r",\s*(?:including|among them|(?:most|many|all|some) of (?:whom|them)|mostly|mainly|dont|"
                  r"parmi lesquels|y compris)[^,]{0,40},", "",
                  after)[:60]
    death = lex.death_after.search(tail)
    if death and not lex.injury_after.search(tail[: death.start()]) and re.fullmatch(
        r"[\w\s'’()-]*?(?:were|was|have been|had been|are|ont été|sont|a été)?\s*", tail[: death.start()]
    ):
        return "dead", tail
    # "40 soldiers and members of the VDP, the auxiliaries who fight beside the army, were
    # killed": a long subject, then its passive verb, with no other number in between.
    far = text[end : end + 170]
    verb = re.search(r"\b(?:were|have been|had been|ont été|sont)\s+(?:\w+ly\s+)?", far)  # "were reportedly"
    if verb and not re.search(r"\d|;|\bsaid\b", far[: verb.start()]):
        rest = far[verb.end() :]
        if lex.death_after.match(rest):
            return "dead", far[: verb.start()]
        if lex.injury_after.match(rest):
            return "injured", far[: verb.start()]
    return None, ""


# The digits a press style repeats after a number in words: "vingt-trois (23) morts".
_DIGITS_ECHO = re.compile(r"\s*\(\s*\d[\d\s.,]*\)")
_VERB = re.compile(r"(?i)\b(?:were|was|have|has|had|been|are|is|ont|sont|a été|été)\b")


def _same_clause(between: str) -> bool:
    """Only victim words and "and" stand between two numbers ("60 Afghans and 12 ...")."""
    lex = _lexicon()
    return bool(_SAME_CLAUSE.match(between)) and not (
        _VERB.search(between) or lex.death_after.search(between) or lex.injury_after.search(between))


# the killers after "by", or the forces whose operation it was ("killed during a police raid")
_AGENT = re.compile(r"(?i)\b(?:by|par|during|lors d)\b")
# an active killing verb with its object after a count: the count is the subject, the killers
_KILLERS_COUNTED = re.compile(
    r"(?i)(?:killed|shot dead|shot and killed|murdered|executed|beheaded|massacred|lynched|"
    r"(?:beat|hacked|stabbed|stoned|clubbed|burned|burnt) to death|ont tué|ont abattu)"
    r"\s+(?:a|an|the|his|her|their|its|one|two|three|four|five|six|seven|eight|nine|ten|\d+|several|"
    r"some|un|une|le|la|les|des|deux|trois)\b")


def _victims(words: str) -> VictimClass:
    """Who a count counts: the first victim word after it ("three civilians accused of spying
    for the forces" are civilians), never the killers after "by"."""
    words = words[: m.start()] if (m := _AGENT.search(words)) else words  # "shot dead by bandits"
    hits = [(m.start(), name) for name, pattern in _lexicon().victims if (m := pattern.search(words))]
    if hits:
        return min(hits)[1]
    return "civilians" if _PEOPLE.search(words) else "generic"


def attribution(sentence: str) -> str:
    """The source a sentence gives for what it reports ("" when none)."""
    lex = _lexicon()
    for pattern in lex.attribution + lex.inverted:
        match = pattern.search(sentence)
        if match:
            # "..., where a doctor said": the speaker, without the clause word before it
            return _CLAUSE_WORD.sub("", match.group(1)).strip(" \"'“”«»")
    return ""


def is_pronoun(source: str) -> bool:
    """Whether a speaker is only a pronoun ("It said ..."): the sentence before names it."""
    return source.strip().lower() in _lexicon().pronouns


_CLAUSE_WORD = re.compile(r"(?i)^\s*(?:where|who|which|that|as|when|while|and|but|où|qui|que|et)\s+")


def speaker_spans(sentence: str) -> list[tuple[int, int]]:
    """Where a sentence names who is speaking ("..., the army said", "according to police")."""
    return [m.span(1) for p in _lexicon().attribution for m in p.finditer(sentence)]


def classify_source(source: str) -> SourceClass:
    lex = _lexicon()
    if not source:
        return "unknown"
    if lex.neutral.search(source):
        return "neutral"
    if lex.group.search(source):
        return "group"
    if lex.state.search(source):
        return "state"
    return "unknown"


def figures(sentence: str, lang: str = "en") -> list[Figure]:
    """The counts of dead and injured a sentence gives, with their sources."""
    lex = _lexicon()
    found: list[Figure] = []
    source = attribution(sentence)
    source_class = classify_source(source)
    if source_class != "group" and lex.group.search(sentence):
        source_class = "group" if source_class == "unknown" else source_class
    # "the deadliest attack since 2019" compares this event, it does not total many.
    compared = re.sub(r"(?i)\b(?:deadliest|worst|bloodiest|biggest|largest|first|most \w+)\b[^.;]{0,60}?"
                      r"\b(?:since|depuis)\b", "", sentence)
    cumulative = bool(lex.cumulative.search(compared) or lex.superseded.search(sentence))
    enemy_claim = bool(lex.enemy_claim.search(sentence))
    previous: tuple[int, Kind] | None = None
    for q in find_quantities(sentence, lang):
        if lex.subset.search(sentence[max(0, q.start - 40) : q.start]):
            continue
        echo = _DIGITS_ECHO.match(sentence, q.end)  # « vingt-trois (23) personnes »
        kind, words = _kind_of(sentence, q.start, echo.end() if echo else q.end)
        if kind is None and previous and _same_clause(sentence[previous[0] : q.start]):
            after = sentence[q.end : q.end + 50]
            stop = _STOP.search(after)
            words = after[: stop.start()] if stop else after
            # "the death of one and several houses destroyed": things are not a toll
            kind = None if lex.things.match(words) else previous[1]
        if kind is None:
            continue
        previous = (q.end, kind)
        victims = _victims(words)
        # "Thousands killed" is the scale of a war, never one event's toll.
        sweeping = (q.qualifier == "vague" and q.value >= 1000) or q.value > MAX_EVENT_TOLL
        party_claim = _enemy_loss(victims, source_class, enemy_claim)
        admissible = not (cumulative or sweeping or party_claim)
        found.append(Figure(q.value, kind, victims, source, source_class, admissible,
                            cumulative, sentence, party_claim=party_claim and not (cumulative or sweeping)))
    one = next((m for p in lex.one_dead if (m := p.search(sentence))), None) \
        if lex.one_dead_screen.search(sentence) else None
    if one and not any(f.kind == "dead" for f in found):
        found.append(Figure(1, "dead", _victims(one.group(0)), source, source_class,
                            not cumulative, cumulative, sentence, implicit=True))
    return found


def _enemy_loss(victims: VictimClass, source_class: SourceClass, enemy_claim: bool) -> bool:
    """Rule 4: a party's count of the other side's dead is a claim, not a toll."""
    if enemy_claim:
        return True
    if victims == "militants":
        return source_class != "neutral"
    if victims == "forces":
        return source_class == "group"
    return False


def event_toll(found: list[Figure], kind: Kind, policy: TollPolicy = "conservative") -> int | None:
    """The toll under the user's policy: rule 4; under "acled", a party's specific count
    when no admissible figure contradicts it."""
    toll = conservative_toll(found, kind)
    if policy == "conservative":
        return toll
    # ACLED's practice: a party's count of a group no admissible figure counts adds to the
    # toll ("one soldier and two assailants were killed": 3)
    counted = {f.victims for f in found if f.kind == kind and f.admissible}
    if toll is not None and "generic" in counted:
        return toll
    claimed = [replace(f, admissible=True) for f in found
               if f.party_claim and f.kind == kind and f.victims not in counted]
    if not claimed:
        return toll
    return conservative_toll([f for f in found if f.admissible] + claimed, kind)


def conservative_toll(found: list[Figure], kind: Kind) -> int | None:
    """Rule 4 over an event's figures: the most conservative admissible total.

    Each figure for everyone ("56 people") is one estimate of the total; figures for
    distinct victim groups ("60 Afghans", "12 U.S. service members") add up, each
    group counted by its lowest figure. The toll is the lowest estimate.
    """
    usable = [f for f in found if f.kind == kind and f.admissible]
    # "killed a commander" beside "killed three people": the one named death is among the three.
    usable = [f for f in usable if not f.implicit] or usable
    if not usable:
        return None
    estimates = [f.value for f in usable if f.victims == "generic"]
    by_group: dict[str, int] = {}
    for f in usable:
        if f.victims != "generic":
            by_group[f.victims] = min(f.value, by_group.get(f.victims, f.value))
    if by_group:
        estimates.append(sum(by_group.values()))
    return min(estimates)


def unquantified_loss(sentence: str) -> str | None:
    """A claim of losses without a number ("huge human losses"), if the sentence has one."""
    match = _lexicon().unquantified.search(sentence)
    return match.group(0) if match else None
