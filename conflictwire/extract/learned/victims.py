"""The coders' habit of coding civilians as the other side of an event of a sub-type in a
country, where a report names no one on that side: Burkina Faso's coders code nearly every
looting or destruction of property ("militants seized mobile phones from road users",
"burned a school") with "Civilians (Burkina Faso)" as actor 2, where the rules, seeing no
victim named, code none. Learned per country, since coding teams differ (Kenya's coders
seldom code civilians there; Mali's export has no actor 2 at all), and only where the
coders' own events show the habit clearly."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from ...models import Event
from .records import CodedEvent

FILE = "victims.json"
MIN_EVENTS = 10  # a country's events of a sub-type: fewer say nothing of a habit
MIN_SHARE = 0.6  # of them, the share coded with civilians on the other side
MIN_SECOND_SIDE = 0.1  # a country's events with an actor 2 at all: fewer, its files have none


def _civilians(name: str) -> bool:
    return name.startswith("Civilians")


def learn_victims(events: Iterable[CodedEvent]) -> dict[str, list[str]]:
    """Per country (ISO3), the sub-types its coders code with civilians on the other side."""
    total: Counter[tuple[str, str]] = Counter()
    civilians: Counter[tuple[str, str]] = Counter()
    events_of: Counter[str] = Counter()
    second_side: Counter[str] = Counter()
    for e in events:
        if not (e.iso3 and e.sub_event_type):
            continue
        events_of[e.iso3] += 1
        second_side[e.iso3] += bool(e.actor2)
        total[e.iso3, e.sub_event_type] += 1
        civilians[e.iso3, e.sub_event_type] += _civilians(e.actor1) or _civilians(e.actor2)
    found: dict[str, list[str]] = {}
    for (iso3, sub), n in sorted(total.items()):
        if second_side[iso3] >= MIN_SECOND_SIDE * events_of[iso3] and n >= MIN_EVENTS \
                and civilians[iso3, sub] >= MIN_SHARE * n:
            found.setdefault(iso3, []).append(sub)
    return found


def save_victims(victims: dict[str, list[str]], folder: Path) -> None:
    (folder / FILE).write_text(json.dumps(victims, sort_keys=True), encoding="utf-8")


def load_victims(folder: Path) -> dict[str, list[str]]:
    path = folder / FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def with_victims(events: list[Event], victims: dict[str, list[str]], kb) -> list[Event]:
    """The events with civilians as actor 2 where the report named no second side and the
    coders of the event's country code civilians there for its sub-type."""
    from ..assemble import notes

    result = []
    for e in events:
        iso3 = e.location.iso3
        if e.actor2 is None and iso3 and e.sub_event_type in victims.get(iso3, ()) \
                and not (e.actor1 and _civilians(e.actor1.name)):
            a2 = kb.generic_actor("civilians", iso3)
            e = e.model_copy(update={"actor2": a2, "notes": notes(
                e.event_date, e.actor1, a2, e.sub_event_type, e.location, e.fatalities, e.injured)})
        result.append(e)
    return result
