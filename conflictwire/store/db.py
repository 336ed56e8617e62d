"""The event store: open (and migrate), add an article with its events, query.

`Store.open(url)` takes a SQLAlchemy URL or a file path: a path, ``sqlite:///...`` or
nothing (``$CONFLICTWIRE_DB``, else ``./conflictwire.db``) is the embedded SQLite store;
``postgresql://...`` is PostgreSQL through psycopg 3. The schema is brought to the latest
migration on open.

Merging across runs (EVENTS.md rule 8): `Store.add_article` takes an article and the events
extracted from it alone, and in ONE transaction stores the article, then for each event
looks up candidates with an indexed prefilter (same iso3 and event type, event day within
one day) and tests them with `merge.same_event`. A matched event gets the new report as a
member and its record is formed again by `merge.combine` over all its members' own records
in a fixed order (publication day, then event id), so the result does not depend on the
order in which reports arrived, in one run or over many; a revision records which fields
changed. The event keeps the id it was first given: the new report's own id becomes its alias
(`event_aliases`), which `Store.event` resolves. A report that agrees with reports merged into
an event but not with the event itself splits them off (`Store._split`). An unmatched event is
inserted.

Writers are serialised: on SQLite a write transaction is ``BEGIN IMMEDIATE`` (WAL mode and
a busy timeout let readers and writers wait rather than fail with "database is locked"); on
PostgreSQL each write transaction takes a transaction-level advisory lock.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import reduce
from importlib import resources
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event as sa_event

from ..extract.merge import MAX_DAY_SLACK, combine, same_event
from ..extract.places.gazetteer import haversine_km
from ..models import Article, Event
from .schema import actors, articles, claims, event_aliases, event_articles, events, revisions

log = logging.getLogger(__name__)  # unconfigured, warnings still reach stderr (logging.lastResort)
DEFAULT_PATH = "conflictwire.db"
ENV_VAR = "CONFLICTWIRE_DB"
BUSY_TIMEOUT_MS = 60_000
ADVISORY_LOCK = 0x636F6E66  # "conf": serialises writers on PostgreSQL
LIST_FIELDS = ("claims", "evidence")  # revisions record what these gained, not both lists


RETRY_SECONDS = 120.0  # how long an operation waits for a database that went away (a restart)
# PostgreSQL SQLSTATEs worth another try: connection exceptions (class 08), the server shutting
# down or starting (57P01-57P03), serialisation failures and deadlocks.
RETRY_SQLSTATES = ("08", "57P01", "57P02", "57P03", "40001", "40P01")


class StoreError(Exception):
    """The store cannot be opened or used (bad URL, unreachable server, full disk, read-only)."""


def _transient(exc: sa.exc.DBAPIError) -> bool:
    """A fault that passes (a lost connection, a restarting server), as opposed to one that stays
    (a full disk, a read-only file, a broken constraint)."""
    if exc.connection_invalidated:
        return True
    orig = exc.orig
    sqlstate = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if sqlstate:
        return sqlstate.startswith(RETRY_SQLSTATES)
    if not isinstance(exc, sa.exc.OperationalError | sa.exc.InterfaceError):
        return False
    if type(orig).__module__.startswith("sqlite3"):
        message = str(orig).lower()
        return "locked" in message or "busy" in message  # past the busy timeout; not full, not read-only
    return True  # psycopg's own failures to connect or to read an answer carry no SQLSTATE


def _brief(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    return " ".join(str(orig).split())[:300]


def resolve_url(db: str | os.PathLike | None = None) -> str:
    """A SQLAlchemy URL from `--db`, ``$CONFLICTWIRE_DB`` or the default file."""
    raw = str(db) if db else os.environ.get(ENV_VAR) or DEFAULT_PATH
    if "://" not in raw:
        return f"sqlite:///{Path(raw).expanduser()}"
    scheme, rest = raw.split("://", 1)
    if scheme in ("postgresql", "postgres"):
        return f"postgresql+psycopg://{rest}"
    return raw


def content_hash(text: str) -> str:
    """sha256 of the article text with whitespace runs collapsed."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


def _record(event: Event) -> dict[str, Any]:
    """The event as stored: the contract's fields plus what merging needs (published, source)."""
    data = event.model_dump(mode="json")
    data["published"] = event.published.isoformat() if event.published else None
    data["source"] = list(event.source)
    return data


def _event(record: dict[str, Any]) -> Event:
    return Event.model_validate(record)


def search_text(event: Event) -> str:
    """The lower-cased words a user may search an event by, one column for LIKE filters."""
    loc = event.location
    parts = [loc.name, loc.admin1, loc.admin2, loc.country, event.event_type, event.sub_event_type,
             event.notes, *(a.name for a in (event.actor1, event.actor2) if a),
             *event.assoc_actor_1, *event.assoc_actor_2, *(x.text for x in event.evidence),
             *(f"{c.claimant} {c.text}" for c in event.claims)]
    return " ".join(" ".join(p.split()) for p in parts if p).lower()


def _member_key(e: Event) -> tuple:
    return (e.published is None, e.published or date.min, e.event_id)


def fold(members: Iterable[Event]) -> Event:
    """The merged record of an event's reports, in a fixed order whatever their arrival."""
    return reduce(combine, sorted(members, key=_member_key))


@dataclass
class AddResult:
    """What storing one article did."""

    stored: bool = True
    reason: str | None = None  # why it was not stored (already in the store)
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    changed: list[tuple[Event | None, Event]] = field(default_factory=list)  # (before, after) records
    alerts: list[int] = field(default_factory=list)  # rows its `on_change` listeners recorded (alerts)


# A listener of the changes an article makes: called inside the article's transaction with
# the connection, the article's id, each changed event's (before, after) records and the
# time, so that what it writes commits or rolls back with the events; returns the ids of the
# rows it wrote (`AddResult.alerts`). The watch zones' alerts are one
# (`conflictwire.alerts.records.with_alerts`); the store itself knows none.
ChangeListener = Callable[[sa.Connection, str, list[tuple[Event | None, Event]], datetime], list[int]]


def _numbers(text: str, names: str) -> list[float]:
    """The comma-separated numbers of `text`, as many as `names` has ("LAT,LON,KM")."""
    parts = text.split(",")
    try:
        if len(parts) != names.count(",") + 1:
            raise ValueError
        return [float(x) for x in parts]
    except ValueError as exc:
        raise ValueError(f"expected {names}, got {text!r}") from exc


@dataclass
class Near:
    latitude: float
    longitude: float
    km: float

    @classmethod
    def parse(cls, text: str) -> Near:
        lat, lon, km = _numbers(text, "LAT,LON,KM")
        if not (-90 <= lat <= 90 and -180 <= lon <= 180 and km > 0):
            raise ValueError(f"out of range: {text!r}")
        return cls(lat, lon, km)


@dataclass(frozen=True)
class Box:
    """A map view: west, south, east, north in degrees (west > east crosses the antimeridian)."""

    west: float
    south: float
    east: float
    north: float

    @classmethod
    def parse(cls, text: str) -> Box:
        west, south, east, north = _numbers(text, "WEST,SOUTH,EAST,NORTH")
        if not (-90 <= south <= north <= 90 and all(-540 <= x <= 540 for x in (west, east))):
            raise ValueError(f"out of range: {text!r}")
        return cls(west, south, east, north)

    def where(self) -> list[Any]:
        conds: list[Any] = [events.c.latitude.between(self.south, self.north)]
        if self.east - self.west >= 360:
            return conds  # the whole world's width: a zoomed-out map
        west, east = _wrap(self.west), _wrap(self.east)
        if west <= east:
            conds.append(events.c.longitude.between(west, east))
        else:
            conds.append(sa.or_(events.c.longitude >= west, events.c.longitude <= east))
        return conds


def _wrap(longitude: float) -> float:
    return (longitude + 180) % 360 - 180


@dataclass(frozen=True)
class Filters:
    """The filters of ``conflictwire events`` and of the API (every one optional)."""

    country: str | None = None
    types: tuple[str, ...] = ()  # event types or sub-event types: any of them
    since: date | None = None
    until: date | None = None
    actor: str | None = None
    near: Near | None = None
    text: str | None = None  # words found in the record: places, actors, notes, evidence, claims
    box: Box | None = None

    def where(self) -> list[Any]:
        """SQL conditions; with `near` only its bounding box (see `keep`)."""
        conds: list[Any] = []
        if self.country:
            conds.append(events.c.iso3 == self.country.upper())
        if self.types:
            kinds = [t.lower() for t in self.types]
            conds.append(sa.or_(sa.func.lower(events.c.event_type).in_(kinds),
                                sa.func.lower(events.c.sub_event_type).in_(kinds)))
        if self.since:
            conds.append(events.c.event_date >= self.since)
        if self.until:
            conds.append(events.c.event_date <= self.until)
        if self.actor:
            pattern = f"%{_escape_like(self.actor.lower())}%"
            conds.append(sa.exists().where(actors.c.event_id == events.c.event_id,
                                           sa.func.lower(actors.c.name).like(pattern, escape="\\")))
        for word in (self.text or "").lower().split():
            conds.append(events.c.search.like(f"%{_escape_like(word)}%", escape="\\"))
        if self.box:
            conds += self.box.where()
        if self.near:
            near = self.near
            dlat = near.km / 111.2
            conds.append(events.c.latitude.between(near.latitude - dlat, near.latitude + dlat))
            cos = math.cos(math.radians(near.latitude))
            if cos > 0.01:
                dlon = near.km / (111.2 * cos)
                lo, hi = near.longitude - dlon, near.longitude + dlon
                if lo >= -180 and hi <= 180:  # a box across the antimeridian: latitude only
                    conds.append(events.c.longitude.between(lo, hi))
        return conds

    def keep(self, latitude: float | None, longitude: float | None) -> bool:
        """The exact `near` test (always true without `near`)."""
        if self.near is None:
            return True
        if latitude is None or longitude is None:
            return False
        return haversine_km(self.near.latitude, self.near.longitude, latitude, longitude) <= self.near.km


class Store:
    """An open event store. Use `Store.open`; close with `close()` or a ``with`` block."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self.retries = 0  # operations tried again after a lost connection (`retrying`)
        # Called inside each stored article's transaction (recording alerts); see ChangeListener.
        self.on_change: list[ChangeListener] = []
        # Called with each stored article's AddResult after its commit (alert delivery).
        self.after_commit: list[Callable[[AddResult], None]] = []

    # -- opening ----------------------------------------------------------------------------
    @classmethod
    def open(cls, db: str | os.PathLike | None = None, *, migrate: bool = True) -> Store:
        url = resolve_url(db)
        try:
            engine = _engine(url)
        except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError) as exc:
            raise StoreError(f"not a database URL: {db!r} ({exc})") from exc
        store = cls(engine)
        if migrate:
            try:
                store.migrate()
            except sa.exc.OperationalError as exc:
                engine.dispose()
                raise StoreError(f"cannot open {engine.url.render_as_string(hide_password=True)}: "
                                 f"{' '.join(str(exc.orig).split())}") from exc
        return store

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def migrate(self) -> None:
        """Bring the schema to the latest migration (nothing to do when it is there)."""
        from alembic import command
        from alembic.config import Config
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        config = Config()
        config.set_main_option("script_location", str(resources.files(__package__) / "migrations"))
        heads = set(ScriptDirectory.from_config(config).get_heads())
        with self.engine.connect() as conn:
            if set(MigrationContext.configure(conn).get_current_heads()) == heads:
                return
        with self._write() as conn:
            if set(MigrationContext.configure(conn).get_current_heads()) == heads:
                return  # another process migrated while this one waited for the lock
            config.attributes["connection"] = conn
            command.upgrade(config, "head")

    # -- transactions -----------------------------------------------------------------------
    @contextmanager
    def _write(self) -> Iterator[sa.Connection]:
        """One write transaction, writers serialised (BEGIN IMMEDIATE / advisory lock)."""
        with self.engine.connect() as conn:
            conn.execution_options(cw_write=True)
            with conn.begin():
                if self.dialect == "postgresql":
                    conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": ADVISORY_LOCK})
                yield conn

    @contextmanager
    def _read(self) -> Iterator[sa.Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    # -- articles ---------------------------------------------------------------------------
    def known(self, article: Article, conn: sa.Connection | None = None) -> str | None:
        """Why `article` is already in the store (same URL, same text, same id), else None."""
        if conn is None:
            def look() -> str | None:
                with self._read() as c:
                    return self.known(article, c)
            return self.retrying(look, f"look up article {article.id!r}")
        if article.url:
            row = conn.execute(sa.select(articles.c.id).where(articles.c.url == article.url)).first()
            if row:
                return f"already stored (same URL as article {row.id!r})"
        digest = content_hash(article.text)
        row = conn.execute(sa.select(articles.c.id).where(articles.c.content_hash == digest)).first()
        if row:
            return f"already stored (same text as article {row.id!r})"
        row = conn.execute(sa.select(articles.c.id).where(articles.c.id == article.id)).first()
        if row:
            return f"article id {article.id!r} is already used by a different article in the store"
        return None

    def retrying(self, operation: Callable[[], Any], what: str) -> Any:
        """`operation()`, tried again with growing pauses while the database is unreachable (a
        restart, a failover) for up to `RETRY_SECONDS`; a fault that stays (a full disk, a
        read-only file) or outlasts that is a `StoreError` saying what failed. An operation is
        one transaction, so a try that failed left nothing behind."""
        deadline, pause = time.monotonic() + RETRY_SECONDS, 0.2
        while True:
            try:
                return operation()
            except sa.exc.DBAPIError as exc:
                where = self.engine.url.render_as_string(hide_password=True)
                if not _transient(exc):
                    raise StoreError(f"cannot {what} in {where}: {_brief(exc)}") from exc
                if time.monotonic() + pause > deadline:
                    raise StoreError(f"cannot {what}: {where} stayed unreachable for "
                                     f"{RETRY_SECONDS:.0f} s ({_brief(exc)})") from exc
                self.retries += 1
                log.warning("conflictwire: the store is unreachable (%s); trying again in %.1f s",
                            _brief(exc), pause)
                time.sleep(pause)
                pause = min(pause * 2, 5.0)

    def add_article(self, article: Article, extracted: list[Event]) -> AddResult:
        """Store `article` and merge `extracted` (its own events) into the store, atomically,
        with what the `on_change` listeners record of its changes (the alerts of the zones it
        touches); then run the `after_commit` hooks. Retried while the database is
        unreachable (`retrying`)."""

        def write() -> AddResult:
            with self._write() as conn:
                return self._add_article(conn, article, extracted)

        result = self.retrying(write, f"store article {article.id!r}")
        if result.stored:
            for hook in self.after_commit:
                hook(result)
        return result

    def _add_article(self, conn: sa.Connection, article: Article, extracted: list[Event]) -> AddResult:
        reason = self.known(article, conn)
        if reason:
            return AddResult(stored=False, reason=reason)
        now = _now()
        conn.execute(articles.insert().values(
            id=article.id, url=article.url, content_hash=content_hash(article.text),
            title=article.title, source=article.source, published=article.published,
            language=article.language, text=article.text, ingested_at=now,
        ))
        result = AddResult()
        for event in extracted:
            changed = self._merge_one(conn, article, event, now)
            if not changed:
                self._insert_event(conn, event, now)
                self._link(conn, event.event_id, article.id, event)
                changed = [(None, event)]
            for before, after in changed:
                (result.updated if before else result.created).append(after.event_id)
            result.changed += changed
        for listener in self.on_change:
            result.alerts += listener(conn, article.id, result.changed, now)
        return result

    def _candidates(self, conn: sa.Connection, event: Event) -> list[Event]:
        if event.event_date is None:
            return []  # same_event never merges an undated report
        day = event.event_date
        query = sa.select(events.c.record).where(
            events.c.event_type == event.event_type,
            events.c.event_date.between(day - timedelta(days=MAX_DAY_SLACK),
                                        day + timedelta(days=MAX_DAY_SLACK)),
            events.c.iso3.is_(None) if event.location.iso3 is None else events.c.iso3 == event.location.iso3,
        )
        found = [_event(row.record) for row in conn.execute(query)]
        return sorted(found, key=lambda e: e.event_id)  # the same choice on every backend

    def _merge_one(self, conn: sa.Connection, article: Article, event: Event,
                   now: datetime) -> list[tuple[Event | None, Event]]:
        """Merge `event` into a stored event it reports, or split a stored event it shows to be
        two; the (before, after) records it changed, none when it reports a new event."""
        candidates = self._candidates(conn, event)
        match = next((c for c in candidates if same_event(c, event)), None)
        if match is None:
            return self._split_one(conn, article, event, candidates, now)
        # The stored event keeps the id it was first given; the newcomer's id is its alias.
        merged = fold([*self._members(conn, match.event_id), event]).model_copy(
            update={"event_id": match.event_id})
        self._update_event(conn, merged, now)
        self._link(conn, match.event_id, article.id, event)
        self._alias(conn, event.event_id, match.event_id, now)
        diff = changes(match, merged) | {"merged": {"from": event.event_id, "to": match.event_id}}
        self._revise(conn, match.event_id, article.id, now, diff)
        return [(match, merged)]

    def _split_one(self, conn: sa.Connection, article: Article, event: Event, candidates: list[Event],
                   now: datetime) -> list[tuple[Event | None, Event]]:
        """A report that agrees with reports merged into a stored event but not with the event
        itself shows that they were a different event: they leave it, with the report, as the
        event first given the oldest of their ids (which resolves to it again)."""
        for stored in candidates:
            members = self._members(conn, stored.event_id)
            leaving = [m for m in members if same_event(m, event) and m.event_id != stored.event_id]
            staying = [m for m in members if m not in leaving]
            if leaving and staying and any(m.event_id == stored.event_id for m in staying):
                return self._split(conn, article, event, stored, leaving, staying, now)
        return []

    def _split(self, conn: sa.Connection, article: Article, event: Event, stored: Event,
               leaving: list[Event], staying: list[Event], now: datetime) -> list[tuple[Event | None, Event]]:
        split_id = min(leaving, key=_member_key).event_id
        kept = fold(staying).model_copy(update={"event_id": stored.event_id})
        parted = fold([*leaving, event]).model_copy(update={"event_id": split_id})
        conn.execute(event_aliases.delete().where(event_aliases.c.alias == split_id))
        self._update_event(conn, kept, now)
        self._insert_event(conn, parted, now)
        left = [m.article_ids[0] for m in leaving]
        conn.execute(event_articles.update().where(event_articles.c.event_id == stored.event_id,
                                                   event_articles.c.article_id.in_(left))
                     .values(event_id=split_id))
        conn.execute(event_aliases.update().where(event_aliases.c.alias.in_([m.event_id for m in leaving]))
                     .values(event_id=split_id))
        self._link(conn, split_id, article.id, event)
        self._alias(conn, event.event_id, split_id, now)
        split = {"split": {"from": stored.event_id, "to": split_id}}
        self._revise(conn, stored.event_id, article.id, now, changes(stored, kept) | split)
        self._revise(conn, split_id, article.id, now, changes(stored, parted) | split)
        return [(stored, kept), (None, parted)]

    @staticmethod
    def _members(conn: sa.Connection, event_id: str) -> list[Event]:
        """The records of an event's reports, each as extracted from its article alone."""
        return [_event(row.record) for row in conn.execute(
            sa.select(event_articles.c.record).where(event_articles.c.event_id == event_id))]

    @staticmethod
    def _alias(conn: sa.Connection, alias: str, event_id: str, now: datetime) -> None:
        if alias == event_id:
            return
        taken = conn.execute(sa.select(event_aliases.c.alias).where(event_aliases.c.alias == alias)).first()
        named = conn.execute(sa.select(events.c.event_id).where(events.c.event_id == alias)).first()
        if taken is None and named is None:  # an id already handed out keeps what it names
            conn.execute(event_aliases.insert().values(alias=alias, event_id=event_id, created_at=now))

    @staticmethod
    def _revise(conn: sa.Connection, event_id: str, article_id: str, now: datetime,
                diff: dict[str, Any]) -> None:
        conn.execute(revisions.insert().values(event_id=event_id, article_id=article_id, at=now,
                                               changes=diff))

    @staticmethod
    def _columns(event: Event) -> dict[str, Any]:
        loc = event.location
        return dict(
            record=_record(event), event_date=event.event_date, event_type=event.event_type,
            sub_event_type=event.sub_event_type, iso3=loc.iso3, country=loc.country, admin1=loc.admin1,
            latitude=loc.latitude, longitude=loc.longitude, fatalities=event.fatalities,
            injured=event.injured, actor1=event.actor1.name if event.actor1 else None,
            actor2=event.actor2.name if event.actor2 else None, search=search_text(event),
            coder=event.coder,
        )

    def _insert_event(self, conn: sa.Connection, event: Event, now: datetime,
                      created_at: datetime | None = None) -> None:
        conn.execute(events.insert().values(event_id=event.event_id, created_at=created_at or now,
                                            updated_at=now, **self._columns(event)))
        self._children(conn, event)

    def _update_event(self, conn: sa.Connection, event: Event, now: datetime) -> None:
        conn.execute(events.update().where(events.c.event_id == event.event_id)
                     .values(updated_at=now, **self._columns(event)))
        self._children(conn, event)

    @staticmethod
    def _children(conn: sa.Connection, event: Event) -> None:
        """The actors and claims rows of an event, written anew from its record."""
        for table in (actors, claims):
            conn.execute(table.delete().where(table.c.event_id == event.event_id))
        rows = [dict(event_id=event.event_id, name=a.name, type=a.type, side=side)
                for side, a in (("actor1", event.actor1), ("actor2", event.actor2)) if a]
        rows += [dict(event_id=event.event_id, name=name, type=None, side=side)
                 for side in ("assoc_actor_1", "assoc_actor_2") for name in getattr(event, side)]
        if rows:
            conn.execute(actors.insert(), rows)
        crows = [dict(event_id=event.event_id, article_id=c.article_id, claimant=c.claimant,
                      kind=c.kind, text=c.text) for c in event.claims]
        if crows:
            conn.execute(claims.insert(), crows)

    @staticmethod
    def _link(conn: sa.Connection, event_id: str, article_id: str, own: Event) -> None:
        conn.execute(event_articles.insert().values(
            event_id=event_id, article_id=article_id, record=_record(own),
            evidence=[x.model_dump(mode="json") for x in own.evidence if x.article_id == article_id],
        ))

    # -- queries ----------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        with self._read() as conn:
            return {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                    for t in (articles, events, event_articles, revisions)}

    def events(self, *, country: str | None = None, type: str | None = None,
               since: date | None = None, until: date | None = None, actor: str | None = None,
               near: Near | None = None) -> list[Event]:
        """Stored events matching every filter given, by day (undated last) then id."""
        return self.query(Filters(country=country, types=(type,) if type else (), since=since, until=until,
                                  actor=actor, near=near))

    def query(self, filters: Filters) -> list[Event]:
        """Stored events matching `filters`, by day (undated last) then id."""
        query = sa.select(events.c.record).where(*filters.where())
        with self._read() as conn:
            found = [_event(row.record) for row in conn.execute(query)]
        found = [e for e in found if filters.keep(e.location.latitude, e.location.longitude)]
        return sorted(found, key=lambda e: (e.event_date is None, e.event_date or date.min, e.event_id))

    def resolve(self, event_id: str, conn: sa.Connection | None = None) -> str | None:
        """The id of the event `event_id` names: itself, or the event its alias was merged into."""
        if conn is None:
            with self._read() as c:
                return self.resolve(event_id, c)
        if conn.execute(sa.select(events.c.event_id).where(events.c.event_id == event_id)).first():
            return event_id
        return conn.execute(sa.select(event_aliases.c.event_id)
                            .where(event_aliases.c.alias == event_id)).scalar_one_or_none()

    def event(self, event_id: str) -> dict[str, Any] | None:
        """One event, found by its id or any of its aliases, with its reports (and their
        evidence), claims, revisions and aliases."""
        with self._read() as conn:
            requested, event_id = event_id, self.resolve(event_id, conn)
            if event_id is None:
                return None
            row = conn.execute(sa.select(events).where(events.c.event_id == event_id)).first()
            aliases = conn.execute(sa.select(event_aliases.c.alias)
                                   .where(event_aliases.c.event_id == event_id)
                                   .order_by(event_aliases.c.alias)).scalars().all()
            reports = conn.execute(
                sa.select(articles.c.id, articles.c.title, articles.c.source, articles.c.published,
                          articles.c.url, articles.c.text, event_articles.c.evidence)
                .join(event_articles, event_articles.c.article_id == articles.c.id)
                .where(event_articles.c.event_id == event_id)
                .order_by(articles.c.published, articles.c.id)).all()
            revs = conn.execute(sa.select(revisions).where(revisions.c.event_id == event_id)
                                .order_by(revisions.c.id)).all()
        record = _event(row.record)
        return {
            "event": record,
            "requested_id": requested,  # an alias when the event was found by one
            "aliases": list(aliases),
            "coder": row.coder,  # the rules alone, or which learned model coded it with them
            "created_at": row.created_at,
            "updated_at": row.updated_at,
            "reports": [dict(id=r.id, title=r.title, source=r.source, url=r.url,
                             published=r.published.isoformat() if r.published else None,
                             evidence=r.evidence, text=r.text) for r in reports],
            "claims": [c.model_dump(mode="json") for c in record.claims],
            "revisions": [dict(article_id=r.article_id, at=r.at.isoformat() if r.at else None,
                               changes=r.changes) for r in revs],
        }


def changes(old: Event, new: Event) -> dict[str, Any]:
    """Fields that differ between two records: {field: {"from", "to"}}; for claims and
    evidence, {field: {"added": [...]}}."""
    before, after = _record(old), _record(new)
    diff: dict[str, Any] = {}
    for key, value in after.items():
        if before.get(key) == value:
            continue
        if key in LIST_FIELDS:
            diff[key] = {"added": [x for x in value if x not in (before.get(key) or [])]}
        else:
            diff[key] = {"from": before.get(key), "to": value}
    return diff


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _engine(url: str) -> sa.Engine:
    if url.startswith("sqlite"):
        target = sa.make_url(url).database
        if target and target != ":memory:":
            Path(target).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

        @sa_event.listens_for(engine, "connect")
        def _connect(dbapi_conn, _record) -> None:
            dbapi_conn.isolation_level = None  # transactions are begun below, not by the driver
            cur = dbapi_conn.cursor()
            cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = NORMAL")
            cur.execute("PRAGMA foreign_keys = ON")
            cur.close()

        @sa_event.listens_for(engine, "begin")
        def _begin(conn) -> None:
            immediate = conn.get_execution_options().get("cw_write")
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    return sa.create_engine(url, pool_pre_ping=True)
