"""Merge: several reports of one event become one record (rule 8).

Two events are one when they are in the same country, within a short distance, on the
same day (or one has no day), of the same event type and share an actor. The merged
toll is rule 4 applied to the most recently published report (the lower figure when
two are published the same day); every report's figure stays in `claims`.
"""

from __future__ import annotations

from ..models import Event
from .places.gazetteer import haversine_km as km

SAME_EVENT_KM = 30.0


def same_event(a: Event, b: Event) -> bool:
    if set(a.article_ids) & set(b.article_ids):
        return False  # one report's events were already kept apart on purpose
    if a.location.iso3 != b.location.iso3 or a.event_type != b.event_type:
        return False
    # Undated reports cannot be told apart from any other of the place: never merged.
    if a.event_date is None or b.event_date is None or abs((a.event_date - b.event_date).days) > 1:
        return False
    la, lb = a.location, b.location
    if None not in (la.latitude, la.longitude, lb.latitude, lb.longitude) and km(
        la.latitude, la.longitude, lb.latitude, lb.longitude
    ) > SAME_EVENT_KM:
        return False
    return bool(_actor_names(a) & _actor_names(b))


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
        # The smallest member id: the same whether reports merge in one batch or over runs.
        "event_id": min(a.event_id, b.event_id),
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
