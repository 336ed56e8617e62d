"""Queries of the API over the store's tables: the filters of ``conflictwire events``, with
paging, counting and grouping done in SQL (only a `near` filter's exact distance test is
done in Python, on the rows its bounding box lets through)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from ..models import Event
from ..store.db import Filters, Store
from ..store.schema import events

ORDER = (events.c.event_date.is_(None), events.c.event_date, events.c.event_id)


def _records(conn: sa.Connection, ids: list[str]) -> list[Event]:
    if not ids:
        return []
    rows = conn.execute(sa.select(events.c.event_id, events.c.record).where(events.c.event_id.in_(ids)))
    by_id = {r.event_id: r.record for r in rows}
    return [Event.model_validate(by_id[i]) for i in ids if i in by_id]


def page(store: Store, filters: Filters, limit: int, offset: int) -> tuple[int, list[Event]]:
    """(number of matching events, the `limit` events from `offset`), by day then id."""
    conds = filters.where()
    with store.engine.connect() as conn, conn.begin():
        if filters.near is None:
            total = conn.execute(sa.select(sa.func.count()).select_from(events).where(*conds)).scalar_one()
            # the ids of the page first (a narrow sort), then their records
            query = sa.select(events.c.event_id).where(*conds).order_by(*ORDER).limit(limit).offset(offset)
            return total, _records(conn, list(conn.execute(query).scalars()))
        rows = conn.execute(sa.select(events.c.event_id, events.c.latitude, events.c.longitude)
                            .where(*conds).order_by(*ORDER)).all()
        ids = [r.event_id for r in rows if filters.keep(r.latitude, r.longitude)]
        return len(ids), _records(conn, ids[offset:offset + limit])


POINT_FIELDS = ("event_id", "latitude", "longitude", "event_date", "event_type", "sub_event_type",
                "fatalities", "admin1", "country")


def points(store: Store, filters: Filters, limit: int, offset: int = 0) -> tuple[int, list[list[Any]]]:
    """(how many matching events have coordinates, `limit` of them from `offset` as rows of
    `POINT_FIELDS`): what a map marker shows. Columns only, dates as text, no record parsed;
    one page, so a store of millions is not one answer of millions."""
    cols = [sa.cast(events.c.event_date, sa.String) if name == "event_date" else events.c[name]
            for name in POINT_FIELDS]
    conds = (*filters.where(), events.c.latitude.is_not(None), events.c.longitude.is_not(None))
    with store.engine.connect() as conn, conn.begin():
        if filters.near is None:
            total = conn.execute(sa.select(sa.func.count()).select_from(events).where(*conds)).scalar_one()
            rows = conn.execute(sa.select(*cols).where(*conds).order_by(*ORDER).limit(limit).offset(offset))
            return total, [list(r) for r in rows]
        # near: the exact distance test is Python's, over what the bounding box lets through
        rows = conn.execute(sa.select(*cols).where(*conds).order_by(*ORDER)).all()
    kept = [list(r) for r in rows if filters.keep(r[1], r[2])]
    return len(kept), kept[offset:offset + limit]


def countries(store: Store) -> list[dict[str, Any]]:
    """The countries of the stored events, with how many each has."""
    query = (sa.select(events.c.iso3, events.c.country, sa.func.count()).where(events.c.iso3.is_not(None))
             .group_by(events.c.iso3, events.c.country))
    with store.engine.connect() as conn, conn.begin():
        found: dict[str, dict[str, Any]] = {}
        for iso3, name, n in conn.execute(query):
            row = found.setdefault(iso3, {"iso3": iso3, "country": name, "events": 0})
            row["events"] += n
    return sorted(found.values(), key=lambda r: (r["country"] or r["iso3"]))


def every(store: Store, filters: Filters, limit: int, offset: int = 0) -> tuple[int, list[Event]]:
    """(number of matching events, `limit` of them from `offset`), by day then id (the exports)."""
    return page(store, filters, limit, offset)


def _grouped(store: Store, filters: Filters, keys: list[Any]) -> list[tuple]:
    """(key..., events, fatalities) per group of `keys` over the matching events."""
    conds = filters.where()
    with store.engine.connect() as conn, conn.begin():
        if filters.near is None:
            query = (sa.select(*keys, sa.func.count(), sa.func.coalesce(sa.func.sum(events.c.fatalities), 0))
                     .where(*conds).group_by(*keys))
            return [tuple(r) for r in conn.execute(query)]
        query = sa.select(*keys, events.c.fatalities, events.c.latitude, events.c.longitude).where(*conds)
        groups: dict[tuple, list[int]] = {}
        for row in conn.execute(query):
            *key, fatalities, lat, lon = row
            if filters.keep(lat, lon):
                acc = groups.setdefault(tuple(key), [0, 0])
                acc[0] += 1
                acc[1] += fatalities or 0
        return [(*key, n, f) for key, (n, f) in groups.items()]


def weekly(store: Store, filters: Filters) -> dict[str, Any]:
    """Events and fatalities per ISO week and event type (undated events counted apart)."""
    weeks: dict[tuple[str, str], dict[str, Any]] = {}
    undated = {"events": 0, "fatalities": 0}
    for day, kind, n, fatalities in _grouped(store, filters, [events.c.event_date, events.c.event_type]):
        if day is None:
            undated["events"] += n
            undated["fatalities"] += int(fatalities)
            continue
        if isinstance(day, str):  # a driver that hands dates back as text
            day = date.fromisoformat(day)
        year, week, weekday = day.isocalendar()
        label = f"{year}-W{week:02d}"
        row = weeks.setdefault((label, kind), {
            "week": label, "week_start": (day - timedelta(days=weekday - 1)).isoformat(),
            "event_type": kind, "events": 0, "fatalities": 0})
        row["events"] += n
        row["fatalities"] += int(fatalities)
    rows = [weeks[k] for k in sorted(weeks)]
    return {"rows": rows, "undated": undated, "total": _total(rows, undated)}


def admin1(store: Store, filters: Filters) -> dict[str, Any]:
    """Events and fatalities per country and first-level division."""
    found = _grouped(store, filters, [events.c.iso3, events.c.country, events.c.admin1])
    rows = [{"iso3": iso3, "country": country, "admin1": adm, "events": n, "fatalities": int(f)}
            for iso3, country, adm, n, f in found]
    rows.sort(key=lambda r: (r["iso3"] or "", r["country"] or "", r["admin1"] or ""))
    return {"rows": rows, "total": _total(rows)}


def _total(rows: list[dict[str, Any]], *more: dict[str, Any]) -> dict[str, int]:
    every_row = [*rows, *more]
    return {"events": sum(r["events"] for r in every_row),
            "fatalities": sum(r["fatalities"] for r in every_row)}
