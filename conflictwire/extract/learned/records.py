"""Coded events read from the layouts analysts hold: ACLED CSV (current columns, or the
older upper-case layout without sub-event types), JSON Lines with ACLED's column names,
and UCDP GED CSV (places and actors only: it has no notes). A bad row becomes a
`RowError` naming its file and line; the rest of the file is still read."""

from __future__ import annotations

import csv
import functools
import json
import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

from pydantic import BaseModel

from ...models import EVENT_TYPES, SUB_EVENT_TYPES

# ACLED's inter codes -> actor types.
INTER_TYPES = {1: "State forces", 2: "Rebel group", 3: "Political militia", 4: "Identity militia",
               5: "Rioters", 6: "Protesters", 7: "Civilians", 8: "External/Other forces"}
# The older layout's event types, where one maps onto a current type (and sub-type).
OLD_TYPES: dict[str, tuple[str, str | None]] = {
    "battle-no change of territory": ("Battles", "Armed clash"),
    "battle-government regains territory": ("Battles", "Government regains territory"),
    "battle-non-state actor overtakes territory": ("Battles", "Non-state actor overtakes territory"),
    "remote violence": ("Explosions/Remote violence", None),
    "violence against civilians": ("Violence against civilians", None),
    "strategic development": ("Strategic developments", None),
    "headquarters or base established": ("Strategic developments", "Headquarters or base established"),
    "non-violent transfer of territory": ("Strategic developments", "Non-violent transfer of territory"),
    "riots/protests": ("", None),  # protest or riot: the older layout does not say which
}
# Older column names -> current ones.
RENAMED = {"ally_actor_1": "assoc_actor_1", "ally_actor_2": "assoc_actor_2"}
_DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d-%B-%Y", "%d/%m/%Y", "%Y/%m/%d", "%d-%b-%y", "%d %b %Y")
# UCDP names a place with what it is: "Boni village", "Mopti region".
_UCDP_KIND = re.compile(r"(?i)\s+(?:town|village|city|region|province|state|district|county|area|"
                        r"prefecture|governorate|municipality|department|commune|cercle)\b.*$")


class CodedEvent(BaseModel):
    """One coded event, whatever layout it came from."""

    source: str  # "FILE:LINE"
    event_date: date | None = None
    event_type: str = ""  # "" when the layout does not say (UCDP, older protests and riots)
    sub_event_type: str = ""
    notes: str = ""
    actor1: str = ""
    actor2: str = ""
    assoc_actors: list[str] = []
    inter1: int | None = None
    inter2: int | None = None
    country: str = ""
    iso3: str = ""
    admin1: str = ""
    admin2: str = ""
    location: str = ""
    latitude: float | None = None
    longitude: float | None = None
    geo_precision: int | None = None
    outlets: str = ""  # ACLED's `source`: the outlets that reported it ("Studio Tamani; Kibaru")


class RowError(BaseModel):
    source: str  # "FILE:LINE"
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}; skipped"


class BadRow(ValueError):
    pass


def read_coded(path: Path) -> Iterator[CodedEvent | RowError]:
    """Every row of a file of coded events, or why it could not be read."""
    try:
        if path.suffix.lower() in (".jsonl", ".json", ".ndjson"):
            yield from _read_jsonl(path)
        else:
            yield from _read_csv(path)
    except OSError as err:
        yield RowError(source=f"{path}:0", reason=f"cannot read: {err.strerror or err}")
    except UnicodeDecodeError as err:
        yield RowError(source=f"{path}:0", reason=f"not UTF-8 text ({err.reason})")


def _read_jsonl(path: Path) -> Iterator[CodedEvent | RowError]:
    with path.open(encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                row = json.loads(line)
                if not isinstance(row, dict):
                    raise BadRow("not a JSON object")
                yield from_acled({str(k).lower(): v for k, v in row.items()}, where)
            except json.JSONDecodeError as err:
                yield RowError(source=where, reason=f"not JSON ({err.msg})")
            except BadRow as err:
                yield RowError(source=where, reason=str(err))


def _read_csv(path: Path) -> Iterator[CodedEvent | RowError]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        header = {h.strip().lower() for h in reader.fieldnames or ()}
        ucdp = {"side_a", "where_coordinates"} <= header
        if not ucdp and not {"event_type", "latitude", "longitude"} <= header:
            yield RowError(source=f"{path}:1", reason="neither ACLED's columns (event_type, latitude, "
                                                      "longitude) nor UCDP GED's (side_a, where_coordinates)")
            return
        for row in reader:
            where = f"{path}:{reader.line_num}"
            clean = {(k or "").strip().lower(): (v or "").strip() if isinstance(v, str) else v
                     for k, v in row.items()}
            try:
                yield from_ucdp(clean, where) if ucdp else from_acled(clean, where)
            except BadRow as err:
                yield RowError(source=where, reason=str(err))


def from_acled(row: dict, where: str) -> CodedEvent:
    """A row with ACLED's column names (any case, current or older)."""
    row = {RENAMED.get(k, k): v for k, v in row.items()}
    event_type, sub = _acled_types(_text(row, "event_type"), _text(row, "sub_event_type"))
    lat, lon = _coordinates(row.get("latitude"), row.get("longitude"))
    assoc = [a.strip() for k in ("assoc_actor_1", "assoc_actor_2") for a in _text(row, k).split(";")
             if a.strip()]
    return CodedEvent(
        source=where, event_date=_date(row.get("event_date")), event_type=event_type, sub_event_type=sub,
        notes=_text(row, "notes"), actor1=_text(row, "actor1"), actor2=_text(row, "actor2"),
        assoc_actors=assoc, inter1=_inter(row.get("inter1")), inter2=_inter(row.get("inter2")),
        country=_text(row, "country"), iso3=_text(row, "iso3").upper() or iso3_of(_text(row, "country")),
        admin1=_text(row, "admin1"),
        admin2=_text(row, "admin2"), location=_text(row, "location"), latitude=lat, longitude=lon,
        geo_precision=_precision(row.get("geo_precision")), outlets=_text(row, "source"))


def from_ucdp(row: dict, where: str) -> CodedEvent:
    """A UCDP GED row: where and who, no notes and no ACLED type."""
    lat, lon = _coordinates(row.get("latitude"), row.get("longitude"))
    place = _UCDP_KIND.sub("", _text(row, "where_coordinates").split("(")[0]).strip()
    try:
        precision = int(float(row.get("where_prec") or 7))
    except ValueError as err:
        raise BadRow(f"where_prec {row.get('where_prec')!r} is not a number") from err
    side_a, side_b = _text(row, "side_a"), _text(row, "side_b")
    return CodedEvent(
        source=where, event_date=_date(row.get("date_start")), actor1=side_a, actor2=side_b,
        inter1=_ucdp_inter(side_a, row.get("type_of_violence")),
        inter2=_ucdp_inter(side_b, row.get("type_of_violence")),
        country=re.sub(r"\s*\(.*\)$", "", _text(row, "country")),
        iso3=iso3_of(re.sub(r"\s*\(.*\)$", "", _text(row, "country"))),
        admin1=_UCDP_KIND.sub("", _text(row, "adm_1")), admin2=_UCDP_KIND.sub("", _text(row, "adm_2")),
        # UCDP's 1 is the place itself, 2 within 25 km of it; coarser ones are regions
        location=place, latitude=lat, longitude=lon, geo_precision=precision if precision <= 2 else 3)


@functools.cache
def _country_codes() -> dict[str, str]:
    from ..actors import ActorKB

    codes: dict[str, str] = {}
    for c in ActorKB.load().countries.values():
        for name in (c.name, c.of_name, *c.names):
            codes.setdefault(name.lower().removeprefix("the "), c.iso3)
    return codes


def iso3_of(country: str) -> str:
    """ISO3 of a country as the exports name it (the current CSV has only a numeric code)."""
    return _country_codes().get(country.strip().lower().removeprefix("the "), "")


def _ucdp_inter(side: str, violence: object) -> int | None:
    if not side:
        return None
    if side.startswith("Government of"):
        return 1
    if side == "Civilians":
        return 7
    return 2 if str(violence).strip() == "1" else 3  # state-based: a rebel group; else a militia


def _text(row: dict, key: str) -> str:
    value = row.get(key)
    return "" if value is None else str(value).strip()


def _acled_types(event_type: str, sub: str) -> tuple[str, str]:
    if not event_type:
        raise BadRow("no event_type")
    if event_type in EVENT_TYPES:
        if sub and SUB_EVENT_TYPES.get(sub) != event_type:
            raise BadRow(f"sub_event_type {sub!r} is not one of {event_type!r}")
        return event_type, sub
    old = OLD_TYPES.get(event_type.lower())
    if old is None:
        raise BadRow(f"unknown event_type {event_type!r}")
    return old[0], old[1] or ""


def _coordinates(lat: object, lon: object) -> tuple[float | None, float | None]:
    if lat in (None, "") and lon in (None, ""):
        return None, None
    try:
        la, lo = float(lat), float(lon)  # type: ignore[arg-type]
    except (TypeError, ValueError) as err:
        raise BadRow(f"latitude/longitude {lat!r}, {lon!r} are not numbers") from err
    if not (-90 <= la <= 90 and -180 <= lo <= 180):
        raise BadRow(f"latitude/longitude {la}, {lo} out of range")
    return la, lo


def _date(value: object) -> date | None:
    text = "" if value is None else str(value).strip()
    if not text:
        return None
    text = text.split("T")[0].split(" 00:00")[0]
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise BadRow(f"event_date {text!r} is not a date")


def _code(value: object, what: str) -> int | None:
    """A numeric code of a row ("2", "2.0"), None when empty."""
    text = "" if value is None else str(value).strip()
    if not text:
        return None
    try:
        return int(float(text))
    except ValueError as err:
        raise BadRow(f"{what} {text!r} is not a number") from err


def _inter(value: object) -> int | None:
    code = _code(value, "inter code")
    if code is None or code == 0:
        return None  # older exports: 0 for "no second actor"
    if code not in INTER_TYPES:
        raise BadRow(f"inter code {code} is not one of ACLED's 0-8")
    return code


def _precision(value: object) -> int | None:
    code = _code(value, "geo_precision")
    if code is not None and code not in (1, 2, 3):
        raise BadRow(f"geo_precision {code} is not 1, 2 or 3")
    return code
