"""Write event records: JSON Lines (the contract), ACLED's CSV layout, GeoJSON, a terminal table.

- ``jsonl``: one `Event` a line, ``model_dump(mode="json")``, keys in the contract's order.
- ``csv``: ACLED's own columns in ACLED's order (`ACLED_COLUMNS`), one event a row: numeric
  inter codes (`INTER_CODES`, 0 for a missing actor) and interaction code, numeric ISO 3166
  code, ACLED region (``data/regions.toml``), sources joined by "; ", ``injured: N`` in tags,
  the export time as ``timestamp`` (unix seconds; pass `timestamp` for reproducible output).
- ``geojson``: a FeatureCollection of Points ``[longitude, latitude]`` whose properties are
  the CSV row without the coordinates; events without coordinates are skipped, and the
  number skipped is logged as a warning on the ``conflictwire.export`` logger.
- ``table``: a rich table for terminals, at most 100 columns wide.
"""

from __future__ import annotations

import csv
import json
import logging
import time
from collections.abc import Iterable
from functools import cache
from typing import Any, TextIO

from .data import load_data
from .models import Actor, Event

log = logging.getLogger("conflictwire.export")

FORMATS = ("jsonl", "csv", "geojson", "table")

ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2",
    "inter2", "interaction", "civilian_targeting", "iso", "region", "country", "admin1",
    "admin2", "admin3", "location", "latitude", "longitude", "geo_precision", "source",
    "source_scale", "notes", "fatalities", "tags", "timestamp",
)

# ACLED's numeric actor type codes (inter1, inter2); 0 means no actor.
INTER_CODES: dict[str, int] = {
    "State forces": 1,
    "Rebel group": 2,
    "Political militia": 3,
    "Identity militia": 4,
    "Rioters": 5,
    "Protesters": 6,
    "Civilians": 7,
    "External/Other forces": 8,
}

TABLE_WIDTH = 100


def write_events(
    events: Iterable[Event], fmt: str, out: TextIO, *, timestamp: int | None = None
) -> int:
    """Write `events` to `out` in format `fmt`; return the number of events written.

    `timestamp` (unix seconds) fills the CSV/GeoJSON ``timestamp`` column; it defaults to
    now. Raises ValueError for a format not in `FORMATS`.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of: {', '.join(FORMATS)}")
    stamp = int(time.time()) if timestamp is None else int(timestamp)
    if fmt == "jsonl":
        return _write_jsonl(events, out)
    if fmt == "csv":
        return _write_csv(events, out, stamp)
    if fmt == "geojson":
        return _write_geojson(events, out, stamp)
    return _write_table(events, out)


# --- ACLED codes -------------------------------------------------------------------------


def inter_code(actor: Actor | None) -> int:
    """ACLED's inter code of an actor: 1 State forces ... 8 External/Other forces, 0 none."""
    if actor is None:
        return 0
    return INTER_CODES.get(actor.type, 8)


def interaction_code(inter1: int, inter2: int) -> int:
    """ACLED's interaction: the two inter codes, smaller first (12, 17, 66); a lone actor
    is its code followed by 0 (10 "sole military action", 60 "sole protester action")."""
    codes = sorted(code for code in (inter1, inter2) if code)
    if not codes:
        return 0
    if len(codes) == 1:
        return codes[0] * 10
    return codes[0] * 10 + codes[1]


@cache
def _regions() -> dict[str, str]:
    table = load_data("regions.toml")["regions"]
    return {iso3: region for region, countries in table.items() for iso3 in countries}


def region_of(iso3: str | None) -> str:
    """ACLED region of a country, "" when unknown."""
    return _regions().get((iso3 or "").upper(), "")


@cache
def _country(iso3: str) -> tuple[int | None, str]:
    import pycountry

    country = pycountry.countries.get(alpha_3=iso3.upper())
    if country is None:
        return None, ""
    name = getattr(country, "common_name", None) or country.name
    return int(country.numeric), name


def iso_numeric(iso3: str | None) -> int | None:
    """ISO 3166-1 numeric code of a country (ACLED's ``iso``), None when unknown."""
    return _country(iso3)[0] if iso3 else None


def acled_row(event: Event, timestamp: int) -> dict[str, Any]:
    """One event as ACLED's flat record, keys in `ACLED_COLUMNS` order; "" for unknowns."""
    loc = event.location
    inter1, inter2 = inter_code(event.actor1), inter_code(event.actor2)
    iso3 = loc.iso3 or ""
    numeric = iso_numeric(iso3) if iso3 else None
    country = loc.country or (_country(iso3)[1] if iso3 else "")
    tags = [f"injured: {event.injured}"] if event.injured is not None else []
    row: dict[str, Any] = {
        "event_id_cnty": event.event_id,
        "event_date": event.event_date.isoformat() if event.event_date else "",
        "year": event.event_date.year if event.event_date else "",
        "time_precision": event.time_precision,
        "disorder_type": event.disorder_type,
        "event_type": event.event_type,
        "sub_event_type": event.sub_event_type,
        "actor1": event.actor1.name if event.actor1 else "",
        "assoc_actor_1": "; ".join(event.assoc_actor_1),
        "inter1": inter1,
        "actor2": event.actor2.name if event.actor2 else "",
        "assoc_actor_2": "; ".join(event.assoc_actor_2),
        "inter2": inter2,
        "interaction": interaction_code(inter1, inter2),
        "civilian_targeting": "Civilian targeting" if event.civilian_targeting else "",
        "iso": numeric if numeric is not None else "",
        "region": region_of(iso3),
        "country": country,
        "admin1": loc.admin1 or "",
        "admin2": loc.admin2 or "",
        "admin3": "",
        "location": loc.name,
        "latitude": loc.latitude if loc.latitude is not None else "",
        "longitude": loc.longitude if loc.longitude is not None else "",
        "geo_precision": loc.geo_precision,
        "source": "; ".join(event.source),
        "source_scale": "",
        "notes": event.notes,
        "fatalities": event.fatalities,
        "tags": "; ".join(tags),
        "timestamp": timestamp,
    }
    return row


# --- writers -----------------------------------------------------------------------------


def _write_jsonl(events: Iterable[Event], out: TextIO) -> int:
    count = 0
    for event in events:
        out.write(json.dumps(event.model_dump(mode="json"), ensure_ascii=False) + "\n")
        count += 1
    return count


def _write_csv(events: Iterable[Event], out: TextIO, timestamp: int) -> int:
    writer = csv.DictWriter(out, fieldnames=ACLED_COLUMNS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for event in events:
        writer.writerow(acled_row(event, timestamp))
        count += 1
    return count


def _point(event: Event) -> tuple[float, float] | None:
    lat, lon = event.location.latitude, event.location.longitude
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lon, lat


def _write_geojson(events: Iterable[Event], out: TextIO, timestamp: int) -> int:
    out.write('{"type": "FeatureCollection", "features": [')
    written = skipped = 0
    for event in events:
        point = _point(event)
        if point is None:
            skipped += 1
            continue
        props = acled_row(event, timestamp)
        del props["latitude"], props["longitude"]
        feature = {
            "type": "Feature",
            "id": event.event_id,
            "geometry": {"type": "Point", "coordinates": list(point)},
            "properties": props,
        }
        out.write(("\n" if not written else ",\n") + json.dumps(feature, ensure_ascii=False))
        written += 1
    out.write("\n]}\n")
    if skipped:
        log.warning("%d event(s) without coordinates left out of the GeoJSON", skipped)
    return written


def _write_table(events: Iterable[Event], out: TextIO) -> int:
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE_HEAD, show_lines=True, header_style="bold", expand=True)
    table.add_column("Date", no_wrap=True, width=10)
    table.add_column("Event", width=29)
    table.add_column("Actors", ratio=4, min_width=16)
    table.add_column("Location", ratio=3, min_width=12)
    table.add_column("Dead/inj.", justify="right", width=9)
    count = 0
    for event in events:
        kind = Text(event.event_type, style="bold")
        kind.append("\n" + event.sub_event_type, style="dim")
        actors = Text(event.actor1.name if event.actor1 else "—")
        for assoc in event.assoc_actor_1:
            actors.append(f" + {assoc}", style="dim")
        if event.actor2 is not None or event.assoc_actor_2:
            actors.append("\nvs ", style="dim")
            actors.append(event.actor2.name if event.actor2 else "—")
            for assoc in event.assoc_actor_2:
                actors.append(f" + {assoc}", style="dim")
        loc = event.location
        country = loc.country or (_country(loc.iso3)[1] if loc.iso3 else "") or loc.iso3
        place = ", ".join(p for p in dict.fromkeys((loc.name, loc.admin1, country)) if p)
        table.add_row(
            event.event_date.isoformat() if event.event_date else "?",
            kind,
            actors,
            place,
            str(event.fatalities) + ("" if event.injured is None else f" / {event.injured}"),
        )
        count += 1
    console = Console(file=out, width=TABLE_WIDTH, soft_wrap=False)
    if count:
        table.caption = f"{count} event{'s' if count != 1 else ''}"
        console.print(table)
    else:
        console.print("No events.")
    return count
