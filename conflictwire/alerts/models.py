"""The records of watch zones and alerts (pydantic): what a user gives for a zone
(`ZoneSpec`), a stored zone (`Zone`), its public view (`PublicZone`: no webhook URL, secret or
address) and an alert with the event as it stood (`Alert`, `EventSummary`)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal
from urllib.parse import urlparse

from pydantic import AfterValidator, BaseModel, Field, field_validator, model_validator

MAX_RADIUS_KM = 20_000.0


def _utc(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes: the store writes them in UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


UtcDatetime = Annotated[datetime, AfterValidator(_utc)]
_EMAIL = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$")


class Conditions(BaseModel):
    """What an event inside a zone must also be to alert (every one optional)."""

    event_types: list[str] = Field(default_factory=list, max_length=50,
                                   description="event types or sub-event types: any of them")
    # PostgreSQL's integer column: 2^63 and more was a 500 (OverflowError from SQLite), as was
    # anything past 2^31 on PostgreSQL
    min_fatalities: int | None = Field(default=None, ge=0, le=2**31 - 1)
    actors: list[str] = Field(default_factory=list, max_length=50,
                              description="text found in an actor's name: any of them")


class Place(BaseModel):
    """Where a zone is: a point and a radius, or a GeoJSON polygon."""

    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    radius_km: float | None = Field(default=None, gt=0, le=MAX_RADIUS_KM)
    polygon: dict[str, Any] | None = Field(
        default=None, description="a GeoJSON Polygon or MultiPolygon (geometry or Feature), lon/lat")

    @model_validator(mode="after")
    def _one_shape(self) -> Place:
        circle = (self.latitude, self.longitude, self.radius_km)
        if self.polygon is not None:
            if any(x is not None for x in circle):
                raise ValueError("give a point and radius or a polygon, not both")
            from .zones import polygon_geometry

            self.polygon = polygon_geometry(self.polygon)  # raises ValueError when it is not one
        elif any(x is None for x in circle):
            raise ValueError("a zone needs latitude, longitude and radius_km, or a polygon")
        return self


class Channels(BaseModel):
    """Where a zone's alerts go besides its Atom feed."""

    webhook_url: str | None = Field(default=None, max_length=2048)
    webhook_secret: str | None = Field(default=None, min_length=8, max_length=512)
    email: str | None = Field(default=None, max_length=320)

    @field_validator("webhook_url")
    @classmethod
    def _http(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlparse(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("a webhook URL must be http:// or https:// with a host")
        return value

    @field_validator("email")
    @classmethod
    def _address(cls, value: str | None) -> str | None:
        if value is not None and not _EMAIL.match(value):
            raise ValueError(f"not an e-mail address: {value!r}")
        return value

    @model_validator(mode="after")
    def _signed(self) -> Channels:
        if self.webhook_url and not self.webhook_secret:
            raise ValueError("a webhook needs a secret to sign its requests (webhook_secret)")
        return self


class ZoneSpec(Place, Conditions, Channels):
    """A zone as given by a user (the CLI's `zones add`, the API's POST /api/zones)."""

    name: str = Field(min_length=1, max_length=256)

    @field_validator("name", "event_types", "actors", "webhook_url", "webhook_secret", "email")
    @classmethod
    def _no_nul(cls, value: str | list[str] | None) -> str | list[str] | None:
        texts = value if isinstance(value, list) else [value]
        if any(t is not None and "\x00" in t for t in texts):
            raise ValueError("a NUL character is not allowed")  # PostgreSQL cannot store one
        return value


class Zone(ZoneSpec):
    id: int
    created_at: UtcDatetime
    allow_private: bool = False  # saved with --allow-private: its targets may be private addresses

    def public(self) -> PublicZone:
        channels = [c for c, on in (("webhook", self.webhook_url), ("email", self.email)) if on]
        hidden = {"webhook_url", "webhook_secret", "email", "allow_private"}
        return PublicZone(**self.model_dump(exclude=hidden),
                          channels=[*channels, "atom"])


class PublicZone(Place, Conditions):
    """A zone as the open API shows it: geometry and conditions, not where its alerts go."""

    id: int
    name: str
    created_at: UtcDatetime
    channels: list[str]


class EventSummary(BaseModel):
    """The event an alert is about, as it stood then: enough to act on without a lookup."""

    event_id: str
    event_date: date | None
    event_type: str
    sub_event_type: str
    location: str
    admin1: str | None
    country: str | None
    latitude: float | None
    longitude: float | None
    distance_km: float | None  # from the zone's centre (None for a polygon zone)
    fatalities: int
    injured: int | None
    actor1: str | None
    actor2: str | None
    reports: int
    sources: list[str]
    claims: list[str]  # "claimant (kind): text"
    evidence: list[str]  # the sentences the record rests on (the first few)
    notes: str


class DeliveryState(BaseModel):
    """Where one channel's delivery of an alert stands (not its address: the API is open)."""

    channel: Literal["webhook", "email"]
    state: Literal["delivered", "waiting", "failed"]  # failed: given up after MAX_ATTEMPTS
    attempts: int
    next_attempt_at: UtcDatetime | None  # when waiting
    delivered_at: UtcDatetime | None
    last_error: str | None


class Alert(BaseModel):
    id: int
    uid: str
    zone_id: int
    zone_name: str
    event_id: str
    article_id: str
    kind: Literal["new", "update"]
    changes: list[str]  # what changed, one line each ("fatalities 5 → 7", "claims +1")
    created_at: UtcDatetime
    event: EventSummary
    deliveries: list[DeliveryState] = []  # one a channel; none for a feed-only zone

    @property
    def undelivered(self) -> bool:
        return any(d.state != "delivered" for d in self.deliveries)

    def delivery_line(self) -> str:
        """ "webhook delivered; email waiting (next try 12:30 UTC, 2 attempts)" """
        return "; ".join(_delivery_words(d) for d in self.deliveries) or "feed only"


def _delivery_words(d: DeliveryState) -> str:
    if d.state == "waiting" and d.next_attempt_at is not None:
        return (f"{d.channel} waiting (next try {d.next_attempt_at:%Y-%m-%d %H:%M:%S} UTC, "
                f"{d.attempts} attempt{'s' if d.attempts != 1 else ''})")
    if d.state == "failed":
        return f"{d.channel} failed for good ({d.last_error or 'no answer'})"
    return f"{d.channel} {d.state}"
