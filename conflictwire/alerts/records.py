"""Zones, alerts, their deliveries and the watcher's feed state, in the store's tables.

`with_alerts(store)` makes `record_alerts` one of the store's `on_change` listeners: it runs
inside `Store.add_article`'s transaction, so an alert exists exactly when the event change it
reports does (an outbox: a process killed after the commit still has every alert and every
delivery to make, and the next run makes them). The store calls it without importing it:
alerts sit above the store.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from ..models import Event
from ..store.db import Store, changes
from ..store.schema import alerts, deliveries, feeds, zones
from .models import Alert, DeliveryState, EventSummary, Zone, ZoneSpec
from .zones import distance_km, matches

# The fields whose change is news: a higher or lower toll, a claim, another report, a
# different type, actor, place or day. Evidence, confidence and notes follow these.
WATCHED = ("fatalities", "injured", "claims", "article_ids", "event_type", "sub_event_type", "actor1",
           "actor2", "location", "event_date")
EVIDENCE_LINES = 3


def _now() -> datetime:
    return datetime.now(UTC)


# -- zones --------------------------------------------------------------------------------------
def _zone(row: sa.Row) -> Zone:
    return Zone.model_validate(dict(row._mapping))


def add_zone(store: Store, spec: ZoneSpec, *, allow_private: bool = False) -> Zone:
    """Save a zone; `allow_private` (the saving command's --allow-private) lets its deliveries
    reach a private address (checked again at each delivery, `deliver.Notifier`)."""
    with store._write() as conn:
        new_id = conn.execute(zones.insert().values(**spec.model_dump(), created_at=_now(),
                                                    allow_private=allow_private)
                              .returning(zones.c.id)).scalar_one()
        return _zone(conn.execute(sa.select(zones).where(zones.c.id == new_id)).one())


def list_zones(store: Store, conn: sa.Connection | None = None, *, limit: int | None = None,
               offset: int = 0) -> list[Zone]:
    if conn is None:
        with store._read() as c:
            return list_zones(store, c, limit=limit, offset=offset)
    return [_zone(r) for r in conn.execute(sa.select(zones).order_by(zones.c.id).limit(limit).offset(offset))]


def count_zones(store: Store) -> int:
    with store._read() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(zones)).scalar_one()


def get_zone(store: Store, zone_id: int) -> Zone | None:
    with store._read() as conn:
        row = conn.execute(sa.select(zones).where(zones.c.id == zone_id)).first()
    return _zone(row) if row else None


def remove_zone(store: Store, zone_id: int) -> bool:
    """Remove a zone with its alerts and their deliveries; False when there is none."""
    with store._write() as conn:
        ids = sa.select(alerts.c.id).where(alerts.c.zone_id == zone_id).scalar_subquery()
        conn.execute(deliveries.delete().where(deliveries.c.alert_id.in_(ids)))
        conn.execute(alerts.delete().where(alerts.c.zone_id == zone_id))
        return conn.execute(zones.delete().where(zones.c.id == zone_id)).rowcount > 0


# -- alerts -------------------------------------------------------------------------------------
def net_changes(changed: Iterable[tuple[Event | None, Event]]) -> list[tuple[Event | None, Event]]:
    """One (before, after) per event from the steps of one article's merge (an event created
    and then merged again in the same article is one creation; a renamed one keeps its past)."""
    found: dict[str, tuple[Event | None, Event]] = {}
    for before, after in changed:
        if before is not None and before.event_id in found:
            before = found.pop(before.event_id)[0]
        found[after.event_id] = (before, after)
    return list(found.values())


def change_lines(before: Event, after: Event) -> list[str]:
    """What changed between two records, one line a watched field."""
    diff = changes(before, after)
    lines = []
    for key in WATCHED:
        if key not in diff:
            continue
        if key == "claims":
            lines += [f"claim by {c['claimant']} ({c['kind']}): {c['text']}" for c in diff[key]["added"]]
        elif key == "article_ids":
            lines.append(f"reports {len(before.article_ids)} → {len(after.article_ids)}")
        else:
            lines.append(f"{key} {_short(diff[key]['from'])} → {_short(diff[key]['to'])}")
    return lines


def _short(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("name") or "none")
    return "none" if value is None else str(value)


def summary(event: Event, zone: Zone) -> EventSummary:
    loc = event.location
    distance = None
    if loc.latitude is not None and loc.longitude is not None:
        distance = distance_km(zone, loc.latitude, loc.longitude)
    return EventSummary(
        event_id=event.event_id, event_date=event.event_date, event_type=event.event_type,
        sub_event_type=event.sub_event_type, location=loc.name, admin1=loc.admin1, country=loc.country,
        latitude=loc.latitude, longitude=loc.longitude,
        distance_km=None if distance is None else round(distance, 1), fatalities=event.fatalities,
        injured=event.injured, actor1=event.actor1.name if event.actor1 else None,
        actor2=event.actor2.name if event.actor2 else None, reports=len(event.article_ids),
        sources=list(event.source), claims=[f"{c.claimant} ({c.kind}): {c.text}" for c in event.claims],
        evidence=[x.text for x in event.evidence[:EVIDENCE_LINES]], notes=event.notes,
    )


def _alert_for(zone: Zone, before: Event | None, after: Event) -> tuple[str, list[str]] | None:
    """(kind, what changed) of the alert `zone` gets for this change, or None."""
    if not matches(zone, after):
        return None
    if before is None or not matches(zone, before):
        return "new", []
    lines = change_lines(before, after)
    return ("update", lines) if lines else None


def delivery_key(uid: str, channel: str, destination: str) -> str:
    """The idempotency key of one alert at one destination: the same on every attempt."""
    return f"{uid}.{channel}.{hashlib.sha256(destination.encode('utf-8')).hexdigest()[:16]}"


def record_alerts(conn: sa.Connection, article_id: str, changed: Iterable[tuple[Event | None, Event]],
                  now: datetime) -> list[int]:
    """Record the alerts of one article's event changes, and their deliveries, on `conn`
    (the article's own transaction). Returns the new alerts' ids."""
    changed = net_changes(changed)
    if not changed:
        return []
    zone_list = [_zone(r) for r in conn.execute(sa.select(zones).order_by(zones.c.id))]
    created = []
    for before, after in changed:
        for zone in zone_list:
            found = _alert_for(zone, before, after)
            if found is None:
                continue
            kind, lines = found
            uid = uuid.uuid4().hex
            alert_id = conn.execute(alerts.insert().values(
                uid=uid, zone_id=zone.id, event_id=after.event_id, article_id=article_id, kind=kind,
                changes=lines, summary=summary(after, zone).model_dump(mode="json"), created_at=now,
            ).returning(alerts.c.id)).scalar_one()
            rows = [dict(alert_id=alert_id, channel=channel, destination=dest,
                         key=delivery_key(uid, channel, dest), state="pending", attempts=0,
                         next_attempt_at=now)
                    for channel, dest in (("webhook", zone.webhook_url), ("email", zone.email)) if dest]
            if rows:
                conn.execute(deliveries.insert(), rows)
            created.append(alert_id)
    return created


def with_alerts(store: Store) -> Store:
    """`store`, recording from now on the alerts of each article it stores, in that article's
    transaction. Registered once however often it is called (a notifier and the API both
    ask for it)."""
    if record_alerts not in store.on_change:
        store.on_change.append(record_alerts)
    return store


def _alert(row: sa.Row, states: dict[int, list[DeliveryState]] | None = None) -> Alert:
    data = dict(row._mapping)
    return Alert.model_validate(dict(data, event=data.pop("summary"),
                                     deliveries=(states or {}).get(data["id"], [])))


# A delivery row's state as users read it: pending is waiting for its next try.
SHOWN_STATE = {"pending": "waiting", "delivered": "delivered", "failed": "failed"}


def _delivery_states(conn: sa.Connection, alert_ids: Iterable[int]) -> dict[int, list[DeliveryState]]:
    """Each alert's deliveries, by channel order of their rows."""
    found: dict[int, list[DeliveryState]] = {}
    ids = list(alert_ids)
    if not ids:
        return found
    query = sa.select(deliveries).where(deliveries.c.alert_id.in_(ids)).order_by(deliveries.c.id)
    for row in conn.execute(query):
        waiting = row.state == "pending"
        found.setdefault(row.alert_id, []).append(DeliveryState(
            channel=row.channel, state=SHOWN_STATE.get(row.state, "waiting"), attempts=row.attempts,
            next_attempt_at=row.next_attempt_at if waiting else None, delivered_at=row.delivered_at,
            last_error=row.last_error))
    return found


def _alerts_of(conn: sa.Connection, query: sa.Select) -> list[Alert]:
    rows = conn.execute(query).all()
    states = _delivery_states(conn, (r.id for r in rows))
    return [_alert(r, states) for r in rows]


def _alert_query() -> sa.Select:
    return (sa.select(alerts, zones.c.name.label("zone_name"))
            .join(zones, zones.c.id == alerts.c.zone_id))


def list_alerts(store: Store, *, zone_id: int | None = None, limit: int = 50, offset: int = 0) -> list[Alert]:
    """The latest alerts (newest first), of one zone or of all."""
    query = _alert_query().order_by(alerts.c.id.desc()).limit(limit).offset(offset)
    if zone_id is not None:
        query = query.where(alerts.c.zone_id == zone_id)
    with store._read() as conn:
        return _alerts_of(conn, query)


def undelivered_alerts(store: Store) -> list[Alert]:
    """Alerts with a delivery not made: waiting for a next try, or given up."""
    pending = sa.select(deliveries.c.alert_id).where(deliveries.c.state != "delivered")
    with store._read() as conn:
        return _alerts_of(conn, _alert_query().where(alerts.c.id.in_(pending)).order_by(alerts.c.id))


def undelivered_line(store: Store) -> str | None:
    """The line `ingest`, `watch` and `alerts deliver` end with when alerts wait: which, and how."""
    waiting = undelivered_alerts(store)
    if not waiting:
        return None
    named = ", ".join(f"{a.id} ({a.delivery_line()})" for a in waiting[:5])
    more = f" and {len(waiting) - 5} more" if len(waiting) > 5 else ""
    return (f"{len(waiting)} alert{'s' if len(waiting) != 1 else ''} not yet delivered: {named}{more}; "
            "`conflictwire alerts list` shows them, `conflictwire alerts deliver` tries again")


# -- deliveries -----------------------------------------------------------------------------------
def due_deliveries(store: Store, now: datetime | None = None) -> list[dict[str, Any]]:
    """Pending deliveries whose time has come, oldest first, each with its alert and zone
    (the webhook secret)."""
    query = (sa.select(deliveries, zones.c.webhook_secret, zones.c.allow_private,
                       alerts.c.id.label("alert_row"))
             .join(alerts, alerts.c.id == deliveries.c.alert_id)
             .join(zones, zones.c.id == alerts.c.zone_id)
             .where(deliveries.c.state == "pending", deliveries.c.next_attempt_at <= (now or _now()))
             .order_by(deliveries.c.id))
    with store._read() as conn:
        rows = [dict(r._mapping) for r in conn.execute(query)]
        ids = {r["alert_id"] for r in rows}
        found = {a.id: a for a in _alerts_of(conn, _alert_query().where(alerts.c.id.in_(ids)))}
    return [dict(r, alert=found[r["alert_id"]]) for r in rows if r["alert_id"] in found]


def record_attempt(store: Store, delivery_id: int, *, error: str | None, give_up: bool = False,
                   next_attempt_at: datetime | None = None) -> None:
    """One delivery attempt: delivered (no error), or failed and due again at `next_attempt_at`
    (or never, when `give_up`)."""
    now = _now()
    values: dict[str, Any] = {"attempts": deliveries.c.attempts + 1, "last_error": error}
    if error is None:
        values.update(state="delivered", delivered_at=now)
    else:
        values.update(next_attempt_at=next_attempt_at or now, state="failed" if give_up else "pending")
    with store._write() as conn:
        conn.execute(deliveries.update().where(deliveries.c.id == delivery_id).values(**values))


def delivery_states(store: Store, alert_id: int | None = None) -> list[dict[str, Any]]:
    query = sa.select(deliveries).order_by(deliveries.c.id)
    if alert_id is not None:
        query = query.where(deliveries.c.alert_id == alert_id)
    with store._read() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


# -- the watcher's feeds ---------------------------------------------------------------------------
def feed_polled(store: Store, url: str, *, error: str | None, stored: int) -> None:
    """Record one poll of a feed: its error (None when it was read) and articles stored."""
    now = _now()
    with store._write() as conn:
        row = conn.execute(sa.select(feeds).where(feeds.c.url == url)).first()
        if row is None:
            conn.execute(feeds.insert().values(url=url, polls=0, failures=0, articles=0))
        values: dict[str, Any] = {"polls": feeds.c.polls + 1, "articles": feeds.c.articles + stored,
                                  "last_polled_at": now, "last_error": error}
        if error is None:
            values.update(failures=0, last_ok_at=now)
        else:
            values.update(failures=feeds.c.failures + 1)
        conn.execute(feeds.update().where(feeds.c.url == url).values(**values))


def feed_states(store: Store) -> list[dict[str, Any]]:
    with store._read() as conn:
        return [dict(r._mapping) for r in conn.execute(sa.select(feeds).order_by(feeds.c.url))]
