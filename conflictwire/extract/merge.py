"""Merge: several reports of one event become one record (rule 8).

Two events are one when they are in the same country and of the same event type, share an
actor, their days agree within each report's date uncertainty and their places are
compatible: the same place, or one within reach of the other at the coarser precision. The merged
toll is rule 4 applied to the most recently published report (the lower figure when
two are published the same day); every report's figure stays in `claims`.
"""

from __future__ import annotations

from ..models import Event, Location
from .places.gazetteer import haversine_km as km

# How far from a report's point the event may be, by the report's geo_precision (EVENTS.md:
# 1 the named town, 2 near it or a part of a region, 3 only a larger region): two towns a few
# km apart may be one place told two ways; a district or region reaches further.
REACH_KM = {1: 10.0, 2: 30.0, 3: 150.0}
# How far apart two reports' days may be, by the coarser time_precision (1 day, 2 week, 3 month).
# Two reports that each know the day tell one event only on the same day (rule 1: actor pair
# x place x day): a shelling of the same district the next day is another event.
DAY_SLACK = {1: 0, 2: 7, 3: 31}
MAX_DAY_SLACK = max(DAY_SLACK.values())


def same_event(a: Event, b: Event) -> bool:
    """Two reports tell one event: same country and kind, days within their uncertainty,
    compatible places and a shared actor (rule 8)."""
    if set(a.article_ids) & set(b.article_ids):
        return False  # one report's events were already kept apart on purpose
    if a.location.iso3 != b.location.iso3 or a.event_type != b.event_type:
        return False
    return _days_agree(a, b) and _places_agree(a, b) and bool(_actor_names(a) & _actor_names(b))


def _days_agree(a: Event, b: Event) -> bool:
    # Undated reports cannot be told apart from any other of the place: never merged.
    if a.event_date is None or b.event_date is None:
        return False
    slack = DAY_SLACK.get(max(a.time_precision, b.time_precision), 1)
    return abs((a.event_date - b.event_date).days) <= slack


def _places_agree(a: Event, b: Event) -> bool:
    """The same place, or one within reach of the other at the coarser of their precisions."""
    la, lb = a.location, b.location
    if _country_only(la) or _country_only(lb):
        return False  # "in Mali": two events of a country's day cannot be told to be one
    if None in (la.latitude, la.longitude, lb.latitude, lb.longitude):
        return la.admin1 is None or lb.admin1 is None or la.admin1 == lb.admin1
    if max(la.geo_precision, lb.geo_precision) == 3 and la.admin1 and lb.admin1:
        # only the region is known: a place is inside it or not, however large the region is
        return la.admin1 == lb.admin1
    reach = REACH_KM.get(max(la.geo_precision, lb.geo_precision), REACH_KM[3])
    return km(la.latitude, la.longitude, lb.latitude, lb.longitude) <= reach


def _country_only(loc: Location) -> bool:
    """A place known only as its country (its point is the country's)."""
    return loc.geo_precision == 3 and not loc.admin1


def _actor_names(e: Event) -> set[str]:
    names = {x.name for x in (e.actor1, e.actor2) if x}
    return names | set(e.assoc_actor_1) | set(e.assoc_actor_2)


def _toll_key(e: Event) -> tuple:
    """The report whose toll stands: the latest published, then the lower figure."""
    return (e.published is not None, e.published, -e.fatalities)


def combine(a: Event, b: Event) -> Event:
    latest = max((a, b), key=_toll_key)
    sharper = min((a, b), key=lambda e: (e.location.geo_precision, e.time_precision,
                                         -e.confidence))
    claims = list(a.claims) + [c for c in b.claims if c not in a.claims]
    evidence = list(a.evidence) + [x for x in b.evidence if x not in a.evidence]
    ids = sorted(set(a.article_ids) | set(b.article_ids))
    return sharper.model_copy(update={
        # The earlier report's id: an event keeps the id it was first given (the store keeps
        # the stored event's id whatever the order reports arrive in).
        "event_id": a.event_id,
        "article_ids": ids,
        "fatalities": latest.fatalities,
        "injured": latest.injured,
        "claims": claims,
        "evidence": evidence,
        "source": sorted(set(a.source) | set(b.source)),
        "published": latest.published,
        "confidence": min(1.0, max(a.confidence, b.confidence) + 0.1),
    })


def merge_events(events: list[Event]) -> list[Event]:
    merged: list[Event] = []
    for event in sorted(events, key=lambda e: (e.published is None, e.published)):
        for i, known in enumerate(merged):
            if same_event(known, event):
                merged[i] = combine(known, event)
                break
        else:
            merged.append(event)
    return merged
