"""Actor stage: find who acts in a sentence and name them the way ACLED does.

Three curated data files drive it (conflictwire/data):

* ``actors.toml``: named armed groups, militias, external forces, state-force units and
  political organisations, with aliases in English, French and transliteration variants;
* ``countries.toml``: every country's ACLED name, English and French names, demonyms;
* ``actor_nouns.toml``: generic nouns ("gunmen", "villageois", "troops") by ACLED role.

Matching works on tokens of a length-preserving folded copy of the text (accents, curly
quotes and dashes folded), so offsets are those of the original text. Each data file is
compiled once into a dictionary keyed by token tuples; a sentence is scanned left to
right, longest match first. Acronyms (two or more capitals, or a capital and a digit)
match case-sensitively; a capitalised alias word needs a capital in the text.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

from conflictwire.data import load_data
from conflictwire.models import Actor, ActorMention, ActorType

from .folding import ELISION, fold_marks

ROLES: tuple[str, ...] = ("unidentified", "civilians", "protesters", "rioters", "military",
                          "police", "government", "private_security")

TYPE_CODES: dict[str, ActorType] = {
    "state": "State forces",
    "rebel": "Rebel group",
    "polmil": "Political militia",
    "idmil": "Identity militia",
    "ext": "External/Other forces",
    "prot": "Protesters",
    "riot": "Rioters",
    "civ": "Civilians",
}

# ---------------------------------------------------------------------------------------
# Tokens
# ---------------------------------------------------------------------------------------

_TOKEN = re.compile(r"(?:[A-Za-z]\.){2,}|[^\W_]+(?:'[^\W_]+)*|[&/]")
_TOKEN_SPLIT = re.compile(f"({_TOKEN.pattern})")


class Tok(NamedTuple):
    """A word of a text in `fold_marks` form. A named tuple: tokenize makes one for every
    word of every report, and a tuple is built without a dataclass's __init__."""

    start: int
    end: int
    surface: str  # folded text, apostrophes and dots kept
    key: str  # lower case, apostrophes and dots removed
    gap: str = ""  # folded text between the previous token and this one

    @property
    def joined(self) -> bool:
        """Only spaces or hyphens separate this token from the previous one."""
        return not self.gap.strip(" \t\n-")

    @property
    def plain(self) -> str:
        return self.surface.replace(".", "").replace("'", "")


def tokenize(text: str) -> list[Tok]:
    """Tokens of `text` with offsets into it (elisions and possessives split off)."""
    # split() gives gap, token, gap, token, ..., gap: the tokens of finditer(), and their
    # offsets from the lengths, without a match object per token
    parts = _TOKEN_SPLIT.split(fold_marks(text))
    toks: list[Tok] = []
    append = toks.append
    e = 0
    for i in range(1, len(parts), 2):
        w = parts[i]
        gap = parts[i - 1]
        s = e + len(gap)
        e = s + len(w)
        if "'" not in w:  # most words: no elision, no possessive
            append(Tok(s, e, w, w.replace(".", "").lower() if "." in w else w.lower(), gap))
            continue
        el = ELISION.match(w)
        if el:
            k = el.end()
            append(Tok(s, s + k, w[:k], w[: k - 1].lower(), gap))
            s, w, gap = s + k, w[k:], ""
        if len(w) > 2 and w.endswith("'s"):
            append(Tok(s, e - 2, w[:-2], _key(w[:-2]), gap))
            append(Tok(e - 2, e, "'s", "'s"))
            continue
        append(Tok(s, e, w, _key(w), gap))
    return toks


def _key(word: str) -> str:
    return word.replace("'", "").replace(".", "").lower()


def _is_acronym(word: str) -> bool:
    """JNIM, FAMa, M23, IS, U.S., IDPs: two capitals, or a capital and a digit."""
    w = word.replace(".", "")
    uppers = sum(1 for c in w if c.isupper())
    return uppers >= 2 or (uppers >= 1 and any(c.isdigit() for c in w))


def _shouting(toks: list[Tok], i: int) -> bool:
    """Is the token at i surrounded by all-caps words (a headline in capitals)? Only a word
    next to it across a space counts: "MNLA (CMA)" and "AQIM/JNIM" are acronyms side by side."""
    for j in (i - 1, i + 1):
        if 0 <= j < len(toks) and not toks[max(i, j)].gap.strip():
            w = toks[j].plain
            if len(w) >= 2 and w.isalpha() and w.isupper():
                return True
    return False


def _run(toks: list[Tok], a: int, b: int) -> bool:
    """Are tokens a..b-1 one run of words (no punctuation between them)?"""
    return all(toks[k].joined for k in range(a + 1, b))


# ---------------------------------------------------------------------------------------
# A token lexicon: alias -> payload, longest match
# ---------------------------------------------------------------------------------------

_EXACT, _CAP, _ANY = 0, 1, 2


@dataclass(slots=True)
class _Pattern:
    checks: tuple[tuple[int, str], ...]
    payload: Any
    guard: bool  # a short acronym (up to 4 letters): not inside an all-caps headline
    loose: frozenset[int] = frozenset()  # tokens the alias itself separates by punctuation


@dataclass(slots=True)
class Lexicon:
    table: dict[tuple[str, ...], list[_Pattern]] = field(default_factory=dict)
    firsts: set[str] = field(default_factory=set)
    longest: int = 0
    # first token key -> the lengths (in tokens) of the aliases it starts, longest first
    lengths: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def add(self, alias: str, payload: Any, case: bool = True) -> None:
        toks = tokenize(alias)
        if not toks or "(" in alias:  # "SNA (Syria)": a label, not a surface form
            return
        checks = []
        for t in toks:
            if case and _is_acronym(t.surface):
                checks.append((_EXACT, t.plain))
            elif case and t.surface[:1].isupper():
                checks.append((_CAP, ""))
            else:
                checks.append((_ANY, ""))
        # a short acronym ("IS", "RAID") is not a name inside a headline in capitals
        guard = len(toks) == 1 and checks[0][0] == _EXACT and len(toks[0].plain) <= 4
        loose = frozenset(k for k, t in enumerate(toks) if k and not t.joined)
        keys = tuple(t.key for t in toks)
        self.table.setdefault(keys, []).append(_Pattern(tuple(checks), payload, guard, loose))
        self.firsts.add(keys[0])
        self.longest = max(self.longest, len(keys))
        self.lengths[keys[0]] = tuple(sorted({*self.lengths.get(keys[0], ()), len(keys)},
                                             reverse=True))

    def match(self, toks: list[Tok], i: int,
              accept: Callable[[Any], bool] | None = None) -> tuple[int, Any] | None:
        """Longest alias starting at token i: (number of tokens, payload)."""
        lengths = self.lengths.get(toks[i].key)
        if lengths is None:
            return None
        left = len(toks) - i
        for n in lengths:
            if n > left:
                continue
            pats = self.table.get(tuple([t.key for t in toks[i : i + n]]))
            if not pats:
                continue
            for p in pats:
                if (accept is None or accept(p.payload)) and self._fits(p, toks, i):
                    return n, p.payload
        return None

    @staticmethod
    def _fits(p: _Pattern, toks: list[Tok], i: int) -> bool:
        for k, (mode, want) in enumerate(p.checks):
            t = toks[i + k]
            if k and k not in p.loose and not t.joined:
                return False
            if mode == _EXACT and t.plain != want:
                return False
            if mode == _CAP and not t.surface[:1].isupper():
                return False
        return not (p.guard and _shouting(toks, i))


# ---------------------------------------------------------------------------------------
# Knowledge base
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Entry:
    """A named actor of actors.toml."""

    name: str
    type: ActorType
    country: str | None
    aliases: tuple[str, ...]
    by_country: tuple[tuple[str, str], ...] = ()
    ambiguous: bool = False
    default: str = ""  # who the name is outside the by_country countries (or with none known)
    role: str = ""  # else the generic noun it stands for ("police": the report's police)
    operates: tuple[str, ...] = ()  # the countries an armed group operates in (ISO3)


@dataclass(frozen=True, slots=True)
class Country:
    iso3: str
    name: str
    of_name: str
    names: tuple[str, ...]
    demonyms: tuple[str, ...]
    people: tuple[str, ...]
    exclude_before: frozenset[str] = frozenset()
    exclude_after: frozenset[str] = frozenset()


_OF = {"of"}
_FR_DE = {"du", "de", "des", "d"}
_FR_ART = {"la", "l"}
_EN_ART = {"the"}
# "Islamic State's Afghan branch", "al-Qaeda's Yemeni affiliate": the branch of that country
_BRANCH = {"branch", "affiliate", "province", "franchise", "offshoot", "chapter", "wing"}
_FR_BETWEEN = {"nationale", "nationales", "national", "nationaux", "regulieres", "reguliere",
               "gouvernementales", "speciales", "armees", "armee"}


COUNTRIES_FOUND_KEPT = 4096  # texts whose country names ActorKB keeps (a few chunks' worth)
TOKENIZED_KEPT = 1024  # sentences whose tokens ActorKB keeps (a chunk's worth)
TOKENIZED_LONGEST = 600  # characters: longer texts (whole reports) are tokenized each time


T = TypeVar("T")


def _kept(cache: dict[str, T], key: str, limit: int, make: Callable[[], T]) -> T:
    """`cache[key]`, made on first use; the cache is emptied when it holds `limit` entries."""
    found = cache.get(key)
    if found is None:
        if len(cache) >= limit:
            cache.clear()
        found = cache[key] = make()
    return found


class ActorKB:
    """Named actors, countries and generic nouns, compiled once for fast matching."""

    def __init__(self, actors: dict[str, Any], countries: dict[str, Any],
                 nouns: dict[str, Any]) -> None:
        self.entries: dict[str, Entry] = {}
        for region in actors.values():
            for raw in region["entries"]:
                entry = Entry(
                    name=raw["n"], type=TYPE_CODES[raw["t"]], country=raw.get("c") or None,
                    aliases=tuple(raw["a"]),
                    by_country=tuple(sorted(raw.get("by_country", {}).items())),
                    ambiguous=bool(raw.get("ambiguous", False)),
                    default=raw.get("default", ""), role=raw.get("role", ""),
                    operates=tuple(raw.get("w", ())))
                if entry.name in self.entries:
                    raise ValueError(f"duplicate actor {entry.name!r}")
                self.entries[entry.name] = entry
        self.countries: dict[str, Country] = {}
        for iso, raw in countries.items():
            self.countries[iso] = Country(
                iso3=iso, name=raw["name"], of_name=raw.get("of_name", raw["name"]),
                names=tuple(raw.get("names", ())), demonyms=tuple(raw.get("demonyms", ())),
                people=tuple(raw.get("people", ())),
                exclude_before=frozenset(raw.get("exclude_before", ())),
                exclude_after=frozenset(raw.get("exclude_after", ())))
        for entry in self.entries.values():
            targets = [t for _, t in entry.by_country] + ([entry.default] if entry.default else [])
            for target in targets:
                if target not in self.entries and not self._generated(target):
                    raise ValueError(f"{entry.name!r}: unknown by_country target {target!r}")
            if entry.role and entry.role not in ROLES:
                raise ValueError(f"{entry.name!r}: unknown role {entry.role!r}")

        self._identity = _IdentityNouns.of(nouns.get("identity", {}))
        self._jurisdiction = _Jurisdiction.of(nouns.get("jurisdiction", {}))
        self._names = Lexicon()
        for entry in self.entries.values():
            for alias in (entry.name, *entry.aliases):
                if entry.ambiguous and alias == entry.name:
                    continue
                self._names.add(alias, entry.name)
        # countries: names and demonyms -> ("name"|"dem"|"people", iso3)
        self._countries = Lexicon()
        self._countries_found: dict[str, tuple[tuple[str, int, int], ...]] = {}
        self._tokenized: dict[str, tuple[Tok, ...]] = {}
        for c in self.countries.values():
            for n in c.names:
                self._countries.add(n, ("name", c.iso3))
            for d in c.demonyms:
                self._countries.add(d, ("dem", c.iso3))
            for p in c.people:
                self._countries.add(p, ("people", c.iso3))
        self._nouns: dict[str, Lexicon] = {}
        self._mods: dict[str, Lexicon] = {}
        self._qualified: dict[str, set[tuple[str, ...]]] = {}
        for lang in ("en", "fr"):
            lex = Lexicon()
            for role in ROLES:
                for noun in nouns.get(role, {}).get(lang, ()):
                    lex.add(noun, role)
            self._nouns[lang] = lex
            mods = Lexicon()
            for m in nouns.get("modifiers", {}).get(lang, ()):
                mods.add(m, True, case=False)
            self._mods[lang] = mods
            self._qualified[lang] = {
                tuple(t.key for t in tokenize(w))
                for w in nouns.get("qualified_only", {}).get(lang, ())}
        # the first tokens of everything `find` can match at a token
        self._starts = frozenset().union(
            self._names.firsts, self._countries.firsts,
            *(lex.firsts for lex in self._nouns.values()),
            *(lex.firsts for lex in self._mods.values()))

    # -- loading ----------------------------------------------------------------------

    @classmethod
    @functools.cache
    def load(cls) -> ActorKB:
        """The knowledge base of the package data files (built once, then cached)."""
        return cls(load_data("actors.toml"), load_data("countries.toml"), load_data("actor_nouns.toml"))

    # -- learned actors (conflictwire.learn) ---------------------------------------------

    def extended(self, entries: Iterable[Entry]) -> ActorKB:
        """A copy with more named actors (the user's learned model): a new name is added, a
        known one gains the new aliases. The packaged knowledge base is left as it was."""
        kb = copy.copy(self)
        kb.entries = dict(self.entries)
        kb._names = copy.deepcopy(self._names)
        for entry in entries:
            old = kb.entries.get(entry.name)
            new_aliases = [a for a in entry.aliases if not old or a not in old.aliases]
            kb.entries[entry.name] = entry if old is None else dataclasses.replace(
                old, aliases=old.aliases + tuple(new_aliases))
            for alias in ([entry.name] if old is None else []) + new_aliases:
                kb._names.add(alias, entry.name)
        kb._starts = kb._starts | kb._names.firsts
        return kb

    # -- names ------------------------------------------------------------------------

    def country_names(self, iso3: str) -> str:
        """The country as ACLED writes it after "of": "Mali", "the United States"."""
        c = self.countries.get(iso3)
        return c.of_name if c else iso3

    def country_name(self, iso3: str) -> str:
        """The country as ACLED writes it in brackets: "Democratic Republic of Congo"."""
        c = self.countries.get(iso3)
        return c.name if c else iso3

    def operates_in(self, name: str) -> tuple[str, ...]:
        """The countries a named actor operates in (actors.toml `w`), else its own country."""
        entry = self.entries.get(name)
        if entry is None:
            return ()
        return entry.operates or ((entry.country,) if entry.country else ())

    def state_forces(self, iso3: str, kind: str = "military") -> Actor:
        """ "Military Forces of Mali", "Police Forces of Nigeria", "Government of Sudan"."""
        of = self.country_names(iso3)
        if kind == "police":
            name = f"Police Forces of {of}"
        elif kind == "government":
            name = f"Government of {of}"
        else:
            name = f"Military Forces of {of}"
        return Actor(name=name, type="State forces", country=iso3)

    def generic_actor(self, role: str, iso3: str | None) -> Actor:
        """The ACLED generic actor of a role in a country (iso3 None: no country)."""
        if role in ("military", "police", "government"):
            if iso3:
                return self.state_forces(iso3, role)
            label = {"military": "Military Forces", "police": "Police Forces",
                     "government": "Government"}[role]
            return Actor(name=f"Unidentified {label}", type="State forces")
        labels: dict[str, tuple[str, ActorType]] = {
            "unidentified": ("Unidentified Armed Group", "Political militia"),
            "civilians": ("Civilians", "Civilians"),
            "protesters": ("Protesters", "Protesters"),
            "rioters": ("Rioters", "Rioters"),
            "private_security": ("Private Security Forces", "External/Other forces"),
        }
        if role not in labels:
            raise ValueError(f"unknown role {role!r}")
        label, typ = labels[role]
        name = f"{label} ({self.country_name(iso3)})" if iso3 else label
        return Actor(name=name, type=typ, country=iso3)

    def actor(self, name: str, country: str | None = None,
              mentions: Iterable[str] = ()) -> Actor | None:
        """The Actor of a canonical name (or a generated state-forces name)."""
        entry = self.entries.get(name)
        if entry is None:
            return self._generated(name, mentions)
        if entry.by_country or entry.default:
            target = (dict(entry.by_country).get(country) if country else None) or entry.default
            if target and target != name:
                return self.actor(target, None, mentions)
        if entry.ambiguous:
            return None
        return Actor(name=entry.name, type=entry.type, country=entry.country,
                     mentions=list(mentions))

    def resolve(self, alias: str, country: str | None = None) -> Actor | None:
        """The named actor an alias stands for ("GSIM" -> JNIM), or None."""
        toks = tokenize(alias)
        if not toks or "(" in alias:  # "SNA (Syria)": a label, not a surface form
            return None
        hit = self._names.match(toks, 0)
        if hit is None or hit[0] != len(toks):
            return None
        return self.actor(hit[1], country, [alias])

    def _generated(self, name: str, mentions: Iterable[str] = ()) -> Actor | None:
        m = re.match(r"(Military Forces|Police Forces|Government) of (.+)$", name)
        if not m:
            return None
        for c in self.countries.values():
            if m.group(2) in (c.of_name, c.name):
                kind = {"Military Forces": "military", "Police Forces": "police"}.get(
                    m.group(1), "government")
                actor = self.state_forces(c.iso3, kind)
                actor.mentions = list(mentions)
                return actor
        return None

    # -- countries --------------------------------------------------------------------

    def demonym_country(self, word: str) -> str | None:
        """ISO3 of a demonym or country name: "Malian", "tchadiennes", "Afghans"."""
        toks = tokenize(word)
        if not toks:
            return None
        hit = self._countries.match(toks, 0)
        if hit is None or hit[0] != len(toks):
            return None
        return hit[1][1]

    def countries_in(self, text: str) -> list[tuple[str, int, int]]:
        """(iso3, start, end) of every country name and demonym in `text`, EN and FR."""
        # the places stage asks this of the same sentences and titles many times a report
        return list(_kept(self._countries_found, text, COUNTRIES_FOUND_KEPT,
                          lambda: tuple(self._find_countries(text))))

    def _tokens(self, text: str) -> tuple[Tok, ...]:
        """`tokenize(text)`, kept for a sentence: `find` and `countries_in` read the same
        sentences (a whole report's tokens are not kept: they would cost more memory than time)."""
        if len(text) > TOKENIZED_LONGEST:
            return tuple(tokenize(text))
        return _kept(self._tokenized, text, TOKENIZED_KEPT, lambda: tuple(tokenize(text)))

    def _find_countries(self, text: str) -> list[tuple[str, int, int]]:
        toks = self._tokens(text)
        out: list[tuple[str, int, int]] = []
        firsts = self._countries.firsts
        i = 0
        while i < len(toks):
            if toks[i].key not in firsts:  # no name or demonym starts here
                i += 1
                continue
            hit = self._country_at(toks, i)
            if hit:
                n, _kind, iso = hit
                out.append((iso, toks[i].start, toks[i + n - 1].end))
                i += n
            else:
                i += 1
        return out

    def _country_at(self, toks: list[Tok], i: int,
                    kinds: tuple[str, ...] = ("name", "dem", "people"),
                    ) -> tuple[int, str, str] | None:
        hit = self._countries.match(toks, i, lambda payload: payload[0] in kinds)
        if hit is None:
            return None
        n, (kind, iso) = hit
        c = self.countries[iso]
        if i > 0 and toks[i - 1].key in c.exclude_before:
            return None
        if i + n < len(toks) and toks[i + n].key in c.exclude_after:
            return None
        if kind == "name" and i > 0 and toks[i - 1].key == "new" and n == 1:
            return None  # New Mexico, New Guinea
        return n, kind, iso

    # -- mentions ---------------------------------------------------------------------

    def find(self, text: str, lang: str = "en", country: str | None = None,
             ) -> list[ActorMention]:
        """Every actor mention in `text`, left to right, non-overlapping, longest first.

        Named entities of the knowledge base come back with role "named" and an Actor;
        generic nouns with their role, no Actor, and the country an adjacent demonym or
        country name gives ("Nigerian troops", "l'armée tchadienne", "police of Kenya",
        "Mali's army"). A plural demonym alone ("Afghans", "les Maliens") is civilians
        of that country. `country` (ISO3) resolves names that depend on it
        ("Islamic State" in Nigeria is ISWAP).
        """
        toks = self._tokens(text)
        langs = ("en", "fr") if lang not in ("en", "fr") else (lang,)
        out: list[ActorMention] = []
        starts = self._starts
        i = 0
        while i < len(toks):
            if toks[i].key not in starts:  # no name, modifier, country or noun starts here
                i += 1
                continue
            hit = self._names.match(toks, i)
            if hit is not None:
                n, name = hit
                branch = self._branch_of(toks, i + n, name)
                if branch:
                    n, where = n + branch[0], branch[1]
                surface = text[toks[i].start : toks[i + n - 1].end]
                actor = self.actor(name, where if branch else country, [surface])
                if actor is not None:
                    out.append(ActorMention(start=toks[i].start, end=toks[i + n - 1].end,
                                            text=surface, role="named", actor=actor,
                                            country=actor.country))
                    i += n
                    continue
                role = self.entries[name].role if name in self.entries else ""
                if role:  # "Punjab Police" in a report from elsewhere: the police there
                    out.append(ActorMention(start=toks[i].start, end=toks[i + n - 1].end,
                                            text=surface, role=role, country=country))
                    i += n
                    continue
            generic = None
            for lg in langs:
                generic = self._generic_at(toks, i, lg)
                if generic:
                    break
            if generic:
                j, role, iso = generic
                start, end = toks[i].start, toks[j - 1].end
                out.append(ActorMention(start=start, end=end, text=text[start:end],
                                        role=role, country=iso))
                i = j
                continue
            iso_people = self._country_at(toks, i, ("people",))
            if iso_people and toks[i].surface[:1].isupper():
                n, _, iso = iso_people
                start, end = toks[i].start, toks[i + n - 1].end
                out.append(ActorMention(start=start, end=end, text=text[start:end],
                                        role="civilians", country=iso))
                i += n
                continue
            i += 1
        out = [a for a in out if not (a.role == "police" and self._jurisdiction.names_area(text, a))]
        return self._with_identity_groups(text, out)

    def _branch_of(self, toks: list[Tok], k: int, name: str) -> tuple[int, str] | None:
        """"'s Afghan branch" after a name with branches by country: (tokens, iso3)."""
        entry = self.entries.get(name)
        if entry is None or not entry.by_country or k + 2 >= len(toks) or toks[k].key != "'s":
            return None
        hit = self._country_at(toks, k + 1, ("name", "dem"))
        if hit is None or k + 1 + hit[0] >= len(toks) or toks[k + 1 + hit[0]].key not in _BRANCH:
            return None
        return 2 + hit[0], hit[2]

    def _with_identity_groups(self, text: str, found: list[ActorMention]) -> list[ActorMention]:
        """`found` with the groups named by their identity ("Pokot raiders", "the Borana and
        Gabra communities"); a generic noun inside one ("raiders") gives way to it, a name of
        the knowledge base ("Dozo militia") stands."""
        groups = self._identity.mentions(text) if self._identity else []
        if not groups:
            return found
        named = [a for a in found if a.role == "named"]
        kept_groups = [g for g in groups if not any(_overlap(g, a) for a in named)]
        rest = [a for a in found if not any(_overlap(g, a) for g in kept_groups)]
        return sorted(rest + kept_groups, key=lambda a: a.start)

    def identity_militia(self, group: Actor, iso3: str | None) -> Actor:
        """"Pokot Ethnic Militia" in a country: "Pokot Ethnic Militia (Kenya)", as ACLED names it.
        A militia known in another country is named for the one it acts in: Fulani militiamen
        in Mali are "Fulani Ethnic Militia (Mali)"."""
        if not iso3 or group.country == iso3:
            return group
        if group.country:
            suffix = f" ({self.country_name(group.country)})"
            if not group.name.endswith(suffix):
                return group
            group = group.model_copy(update={"name": group.name[: -len(suffix)], "country": None})
        return group.model_copy(update={"name": f"{group.name} ({self.country_name(iso3)})",
                                        "country": iso3})

    def _skip_mods(self, toks: list[Tok], i: int, lang: str) -> int:
        while i < len(toks):
            m = self._mods[lang].match(toks, i)
            if m is None:
                return i
            i += m[0]
        return i

    def _generic_at(self, toks: list[Tok], i: int, lang: str) -> tuple[int, str, str | None] | None:
        """A generic noun phrase starting at token i: (end token, role, iso3)."""
        nouns = self._nouns[lang]
        j = self._skip_mods(toks, i, lang)
        iso: str | None = None
        # a demonym or country name before the noun (English word order, and "FDS
        # burkinabè" aside, rare in French)
        if j < len(toks):
            pre = self._country_at(toks, j, ("name", "dem"))
            if pre:
                k = j + pre[0]
                if k < len(toks) and toks[k].key == "'s":
                    k += 1
                k = self._skip_mods(toks, k, lang)
                if k < len(toks) and nouns.match(toks, k) and _run(toks, j, k + 1):
                    iso = pre[2]
                    j = k
        if j >= len(toks) or not _run(toks, i, j + 1):
            return None
        hit = nouns.match(toks, j)
        # a modifier may begin the noun itself: "armed" in "heavily armed men", "armed group"
        k = j
        while hit is None and k > i:
            k -= 1
            hit = nouns.match(toks, k)
            j = k if hit else j
        if hit is None:
            return None
        n, role = hit
        noun_keys = tuple(t.key for t in toks[j : j + n])
        end = j + n
        if iso is None:
            post = self._country_after(toks, end, lang)
            if post and _run(toks, end - 1, post[0]):
                end, iso = post
        if iso is None and noun_keys in self._qualified[lang]:
            return None
        return end, role, iso

    def _country_after(self, toks: list[Tok], k: int, lang: str) -> tuple[int, str] | None:
        """A country qualifying a noun from the right: "of Mali", "malienne", "du Mali"."""
        if k >= len(toks):
            return None
        key = toks[k].key
        if lang == "en" and key in _OF:
            return self._country_named(toks, k + 1, _EN_ART)
        if lang == "fr":
            m = k
            while m < len(toks) and m - k <= 2:
                hit = self._country_at(toks, m, ("dem",))
                if hit:
                    return m + hit[0], hit[2]
                if toks[m].key not in _FR_BETWEEN:
                    break
                m += 1
            if toks[k].key in _FR_DE:
                return self._country_named(toks, k + 1, _FR_ART)
        return None

    def _country_named(self, toks: list[Tok], m: int, articles) -> tuple[int, str] | None:
        """A country's name at toks[m], after an optional article ("of the Gambia", "du Mali")."""
        if m < len(toks) and toks[m].key in articles:
            m += 1
        if m < len(toks):
            hit = self._country_at(toks, m, ("name",))
            if hit:
                return m + hit[0], hit[2]
        return None


@dataclass(frozen=True)
class _Jurisdiction:
    """Words that make a police station's name the area it covers (actor_nouns.toml
    [jurisdiction]): "under Bijepur Police Station limits"."""

    before: re.Pattern[str]
    after: re.Pattern[str]

    @classmethod
    def of(cls, data: dict[str, list[str]]) -> _Jurisdiction:
        words = "|".join(re.escape(w) for w in data.get("before", ())) or "(?!)"
        # the words, then the station's name: capitalised words ("under Kashipur Police limits")
        before = re.compile(rf"(?i:\b(?:{words}))\s+(?:the\s+)?(?:[A-Z][\w-]*\s+){{0,4}}$")
        after = re.compile(r"(?i)\s*(?:" + ("|".join(re.escape(w) for w in data.get("after", ())) or "(?!)")
                           + r")\b")
        return cls(before, after)

    def names_area(self, text: str, mention: ActorMention) -> bool:
        """Whether a police mention is a station's name for its area, not the police acting."""
        station = mention.text[:1].isupper()  # a proper name: "Rowghat Police Station"
        return station and bool(self.before.search(text[max(0, mention.start - 60) : mention.start])
                                or self.after.match(text, mention.end))


def _overlap(a: ActorMention, b: ActorMention) -> bool:
    return a.start < b.end and b.start < a.end


@dataclass(frozen=True)
class _IdentityNouns:
    """Groups named by their identity: a capitalised name (or two joined by "and"/"or")
    before a noun of actor_nouns.toml's [identity], with ACLED's kind of militia for it."""

    pattern: re.Pattern[str]
    labels: dict[str, str]
    not_names: frozenset[str]

    @classmethod
    def of(cls, raw: dict[str, list[str]]) -> _IdentityNouns | None:
        kinds = {"ethnic": "Ethnic Militia", "clan": "Clan Militia", "communal": "Communal Militia"}
        labels = {noun.lower(): label for kind, label in kinds.items() for noun in raw.get(kind, [])}
        if not labels:
            return None
        nouns = "|".join(re.escape(n) for n in sorted(labels, key=len, reverse=True))
        name = r"[A-Z][\w'’]+(?:-[A-Z][\w'’]+)?"
        pattern = re.compile(rf"(?<![\w-])(?P<first>{name})(?:\s+(?:and|or|et|ou)\s+(?:the\s+)?"
                             rf"(?P<second>{name}))?\s+(?P<noun>(?i:{nouns}))(?![\w-])")
        return cls(pattern, labels, frozenset(raw.get("not_names", [])))

    def mentions(self, text: str) -> list[ActorMention]:
        out = []
        for match in self.pattern.finditer(text):
            label = self.labels[match.group("noun").lower()]
            for part in ("first", "second"):
                name = match.group(part)
                if not name or name in self.not_names:
                    continue
                end = match.end() if part == "second" or not match.group("second") else match.end(part)
                actor = Actor(name=f"{name} {label}", type="Identity militia", mentions=[match.group(0)])
                out.append(ActorMention(start=match.start(part), end=end, text=text[match.start(part) : end],
                                        role="identity", actor=actor))
        return out

