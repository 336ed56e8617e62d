"""Typed records that flow between the pipeline stages.

The output record (`Event`) follows ../shared/spec/EVENTS.md field for field; the
intermediate records (`DateMention`, `Quantity`, `ActorMention`, ...) are what one
stage hands to the next.
"""

from __future__ import annotations

import datetime as _dt
import email.utils
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

ActorType = Literal[
    "State forces",
    "Rebel group",
    "Political militia",
    "Identity militia",
    "Rioters",
    "Protesters",
    "Civilians",
    "External/Other forces",
]

EVENT_TYPES: dict[str, tuple[str, ...]] = {
    "Battles": (
        "Armed clash",
        "Government regains territory",
        "Non-state actor overtakes territory",
    ),
    "Explosions/Remote violence": (
        "Chemical weapon",
        "Air/drone strike",
        "Suicide bomb",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Grenade",
    ),
    "Violence against civilians": (
        "Sexual violence",
        "Attack",
        "Abduction/forced disappearance",
    ),
    "Protests": (
        "Peaceful protest",
        "Protest with intervention",
        "Excessive force against protesters",
    ),
    "Riots": ("Violent demonstration", "Mob violence"),
    "Strategic developments": (
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    ),
}
SUB_EVENT_TYPES: dict[str, str] = {sub: ev for ev, subs in EVENT_TYPES.items() for sub in subs}


def disorder_type(event_type: str, sub_event_type: str) -> str:
    """ACLED's disorder type for an event type (Excessive force is political violence)."""
    if sub_event_type == "Excessive force against protesters":
        return "Political violence"
    if event_type in ("Protests", "Riots"):
        return "Demonstrations"
    if event_type == "Strategic developments":
        return "Strategic developments"
    return "Political violence"


class Article(BaseModel):
    """One input report (EVENTS.md, Input)."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field(min_length=1)
    text: str
    title: str | None = None
    published: date | None = None
    source: str | None = None
    url: str | None = None
    language: str | None = None
    # The country the report is about, when its source says so: a prior for places, never
    # over what the text says (EVENTS.md, Input). ISO 3166 alpha-2 or alpha-3, kept as alpha-3.
    country: str | None = None

    @field_validator("published", mode="before")
    @classmethod
    def _day_of(cls, value: object) -> object:
        """Accept `YYYY-MM-DD`, an ISO 8601 datetime, or RFC 2822 as feeds give it; keep the day."""
        if isinstance(value, str) and value.strip():
            text = value.strip()
            try:
                return date.fromisoformat(text[:10])
            except ValueError:
                pass
            try:
                return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
            except ValueError:
                pass
            try:
                return email.utils.parsedate_to_datetime(text).date()
            except (TypeError, ValueError, IndexError) as exc:
                raise ValueError(f"not a date (YYYY-MM-DD, ISO 8601 or RFC 2822): {text!r}") from exc
        if value == "":
            return None
        return value

    @field_validator("country", mode="before")
    @classmethod
    def _iso3(cls, value: object) -> object:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if not isinstance(value, str):
            raise ValueError("country must be an ISO 3166 code such as 'ML' or 'MLI'")
        return iso3_of(value)


class Sentence(BaseModel):
    """A sentence of an article: character offsets into `Article.text`."""

    index: int
    start: int
    end: int
    text: str
    paragraph: int = 0


class DateMention(BaseModel):
    """A date expression found in a sentence, resolved against the publication day.

    `role` tells what the date is about: "event" (when something happened), "report"
    (attached to a verb of saying: "said on Friday"), "dateline" ("KABUL, Aug 26 (Reuters)").
    `kind` tells how it was expressed: "explicit", "weekday", "relative", "anaphoric"
    ("earlier that day": the caller resolves it from context), "period" ("this week",
    "last month"), "year" ("in 2012", "since 2015").
    """

    start: int
    end: int
    text: str
    date: _dt.date | None = None
    precision: Literal[1, 2, 3] = 1
    kind: Literal["explicit", "weekday", "relative", "anaphoric", "period", "year"] = "explicit"
    role: Literal["event", "report", "dateline"] = "event"
    since: bool = False  # "since 2012", "depuis 2015": a span up to now, background


class Quantity(BaseModel):
    """A number found in text: digits, words or a vague quantity by ACLED's convention."""

    start: int
    end: int
    text: str
    value: int
    qualifier: Literal["exact", "at_least", "more_than", "about", "at_most", "vague"] = "exact"


class Actor(BaseModel):
    name: str
    type: ActorType
    country: str | None = None  # ISO 3166-1 alpha-3 where the actor belongs, None if international
    mentions: list[str] = Field(default_factory=list)


class ActorMention(BaseModel):
    """An actor named in text: a known entity of the knowledge base, or a generic noun.

    `role` is the generic category for nouns that do not name an entity ("unidentified",
    "civilians", "protesters", "rioters", "military", "police"), "identity" for a group
    named by its ethnic, clan or communal identity ("Pokot raiders": its Actor has no
    country yet), and "named" otherwise.
    `country` is the ISO3 the mention itself gives ("Malian army" -> MLI), if any.
    """

    start: int
    end: int
    text: str
    role: Literal["named", "unidentified", "civilians", "protesters", "rioters", "military",
                  "police", "government", "identity", "private_security"] = "named"
    actor: Actor | None = None
    country: str | None = None


class Location(BaseModel):
    name: str
    admin1: str | None = None
    admin2: str | None = None
    country: str | None = None
    iso3: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    geo_precision: Literal[1, 2, 3] = 3
    geonameid: int | None = None


class Claim(BaseModel):
    claimant: str
    kind: Literal["responsibility", "casualties", "denial", "statement"]
    text: str
    article_id: str


class Evidence(BaseModel):
    article_id: str
    start: int
    end: int
    text: str


class Event(BaseModel):
    """One event record (EVENTS.md, Output)."""

    event_id: str
    article_ids: list[str]
    event_date: date | None = None
    time_precision: Literal[1, 2, 3] = 1
    disorder_type: str
    event_type: str
    sub_event_type: str
    actor1: Actor | None = None
    actor2: Actor | None = None
    assoc_actor_1: list[str] = Field(default_factory=list)
    assoc_actor_2: list[str] = Field(default_factory=list)
    civilian_targeting: bool = False
    location: Location
    fatalities: int = 0
    injured: int | None = None
    claims: list[Claim] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)
    confidence: float = Field(ge=0.0, le=1.0, default=0.5)
    notes: str = ""
    coder: str = "rules"  # "rules", or "rules+model:NAME@HASH" when a learned model coded it
    # Not part of the contract's columns, kept for merging and exports.
    source: list[str] = Field(default_factory=list, exclude=True)
    published: date | None = Field(default=None, exclude=True)


class ReadError(BaseModel):
    """An input that could not be read: where (file and line) and what."""

    source: str
    line: int | None = None
    message: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.message}"


def iso3_of(code: str) -> str:
    """An ISO 3166 alpha-2 or alpha-3 code as alpha-3 ("ml" -> "MLI"); ValueError otherwise."""
    import pycountry

    text = code.strip().upper()
    found = (pycountry.countries.get(alpha_2=text) if len(text) == 2 else
             pycountry.countries.get(alpha_3=text) if len(text) == 3 else None)
    if found is None:
        raise ValueError(f"not an ISO 3166 country code: {code!r}")
    return found.alpha_3

