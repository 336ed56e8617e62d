"""The JSON API over the event store (FastAPI): `create_app(store, token=None)`.

Reading is open; writing (``POST /api/articles``) needs the token given at start, sent as
``Authorization: Bearer TOKEN`` and compared in constant time; without a configured token
writes are refused (403). Request bodies are capped (`MAX_BODY`, 2 MiB): a larger
Content-Length, or a body that grows past the cap while it streams in, gets 413 before
the application reads it. Every answer is JSON (or CSV/GeoJSON for the exports), apart from
the small static page at ``/``.

The extractor (spaCy models, gazetteer) is loaded once per process, on the first request
that needs it (`conflictwire.store.ingestion.get_extractor`). Anonymous extractions
(``POST /api/extract``) are bounded apart from the writes: their own text cap
(`MAX_EXTRACT_BYTES`), at most `MAX_EXTRACTIONS` at once (429 with Retry-After past it, never a
queue, given before the body is read: `ExtractGate`), never the lock that ``POST /api/articles``
takes, and run in a worker process of their own (`anonymous.Extractions`), so they cannot hold
up a write, not even through the GIL.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import io
import math
import threading
import time
from collections.abc import AsyncIterator
from datetime import date
from importlib import resources
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from starlette.datastructures import MutableHeaders

from .. import __version__
from ..alerts.records import with_alerts
from ..extract.parallel import with_defaults
from ..extract.toll import TollPolicy
from ..models import EVENT_TYPES, Article, Event
from ..store.db import Box, Near, Store, StoreError, content_hash
from . import queries
from .anonymous import Extractions, WorkerLost

MAX_BODY = 2 * 1024 * 1024
MAX_LIMIT = 500
MAX_POINTS = 20_000  # map points a page (about 1.5 MB of JSON)
MAX_EXPORT = 10_000  # events a page of an export (parsed records: the costly one)
MAX_OFFSET = 2**63 - 1  # the largest the databases take (a larger one was a 500: OverflowError)
BODY_METHODS = {"POST", "PUT", "PATCH"}
MAX_EXTRACT_BYTES = 200_000  # text of one anonymous extraction
MAX_EXTRACTIONS = 2  # anonymous extractions at once
BODY_TIMEOUT = 30.0  # seconds for a whole request body to arrive
EXTRACT_RETRY = "5"  # seconds, the Retry-After of a 429

STATIC = resources.files(__package__) / "static"
# /docs is Swagger UI started by a script file (FastAPI's own page has an inline script and no policy)
PAGES = {"/": "index.html", "/paste": "paste.html", "/docs": "docs.html"}
# The dashboard runs only its own scripts: nothing inline, nothing from another host (article
# text is rendered as text, and this makes sure a slip would still run nothing). Map tiles from
# OpenStreetMap are the one outside resource, an optional layer.
PAGE_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; "
               "img-src 'self' data: https://tile.openstreetmap.org; connect-src 'self'; "
               "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


class PastedReport(BaseModel):
    """A report pasted for extraction: nothing is stored."""

    text: str = Field(min_length=1)
    title: str | None = None
    published: date | None = None
    language: str | None = None


class EventPage(BaseModel):
    total: int
    limit: int
    offset: int
    events: list[Event]


class Extracted(BaseModel):
    events: list[Event]


class Stored(BaseModel):
    stored: bool
    reason: str | None = None
    created: list[Event]
    updated: list[Event]


class BodyLimit:
    """ASGI middleware: refuse bodies over `limit` bytes (413) by Content-Length, and by
    counting while the body streams in (chunked requests), before the app sees it; 408 for a
    body not all there `timeout` seconds after its headers (a client sending a byte a second)."""

    def __init__(self, app, limit: int, timeout: float = BODY_TIMEOUT) -> None:
        self.app, self.limit, self.timeout = app, limit, timeout

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] not in BODY_METHODS:
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > self.limit
            except ValueError:
                await _refuse(send, 400, "invalid Content-Length")
                return
            if too_big:
                await _refuse(send, 413, f"request body larger than {self.limit} bytes")
                return
        chunks, size = [], 0
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                message = await asyncio.wait_for(receive(), max(0.0, deadline - time.monotonic()))
            except TimeoutError:
                await _refuse(send, 408, f"request body not received within {self.timeout:g} s")
                return
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await _refuse(send, 413, f"request body larger than {self.limit} bytes")
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body, replayed = b"".join(chunks), False

        async def replay():
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


class SecurityHeaders:
    """ASGI middleware, the outermost: nosniff, no referrer and no framing on every answer, the
    refusals of the middlewares inside it (408, 413, 429) included, and the page policy on the
    pages and their files."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "no-referrer")
                if headers.get("content-type", "").startswith("text/html") or path in PAGES \
                        or path.startswith("/static/"):
                    headers.setdefault("Content-Security-Policy", PAGE_POLICY)
                headers.setdefault("X-Frame-Options", "DENY")  # no answer is meant for a frame
            await send(message)

        await self.app(scope, receive, send_with_headers)


class ExtractGate:
    """ASGI middleware in front of ``POST /api/extract``: a full house (`slots` extractions
    already under way, counted from their headers until their answer is sent) is a 429, and a
    Content-Length over `max_body` a 413, both before the body is read. Reading and parsing the
    bodies only to refuse them was what slowed the writes: 48 refused 0.5 MB bodies held an
    authorised post 1.4 s (issue 17). The 429 leaves the connection open: uvicorn reads what the
    client still sends and drops it unparsed (`server.HeaderTimeoutH11` bounds how long)."""

    def __init__(self, app: Any, path: str, slots: int, max_body: int) -> None:
        self.app, self.path, self.slots, self.max_body = app, path, slots, max_body
        self.running = 0  # one event loop touches it: no lock

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != self.path:
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_body:
            await _refuse(send, 413, f"request body larger than {self.max_body} bytes (the text of an "
                                     "extraction is capped; POST /api/articles with the token takes more)")
            return
        if self.running >= self.slots:
            await _refuse(send, 429, f"{self.slots} extractions are running; try again shortly",
                          {b"retry-after": EXTRACT_RETRY.encode()}, close=False)
            return
        self.running += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.running -= 1


async def _refuse(send, status: int, detail: str, headers: dict[bytes, bytes] | None = None,
                  close: bool = True) -> None:
    payload = JSONResponse({"detail": detail}).body
    fields = {b"content-type": b"application/json", b"content-length": str(len(payload)).encode(),
              **(headers or {})}
    if close:
        fields[b"connection"] = b"close"
    await send({"type": "http.response.start", "status": status, "headers": list(fields.items())})
    await send({"type": "http.response.body", "body": payload})


def extract_body_cap(text_bytes: int) -> int:
    """The largest JSON body of an extraction whose text is `text_bytes` at most: JSON may write
    a character as a \\uXXXX escape, three times its UTF-8 bytes for any letter (six for the
    control characters, which no report is made of), plus room for a title and the other fields."""
    return 3 * text_bytes + 64 * 1024


def _finite(value: Any) -> Any:
    """`value` with NaN and infinities as text: JSON has no such numbers."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def _parsed(name: str, value: str | None, kind: type[Near] | type[Box]) -> Any:
    if not value:
        return None
    try:
        return kind.parse(value)
    except ValueError as exc:
        raise HTTPException(422, f"{name}: {exc}") from exc


def filters(
    country: Annotated[str | None, Query(description="ISO 3166-1 alpha-3 code, e.g. MLI",
                                         max_length=3)] = None,
    type: Annotated[list[str] | None, Query(description="event type or sub-event type, e.g. Battles "
                                                        "(repeat for any of several)",
                                            max_length=20)] = None,
    since: Annotated[date | None, Query(description="events on or after this day")] = None,
    until: Annotated[date | None, Query(description="events on or before this day")] = None,
    actor: Annotated[str | None, Query(description="an actor whose name contains this text",
                                       max_length=256)] = None,
    near: Annotated[str | None, Query(description="LAT,LON,KM: within KM kilometres of a point",
                                      max_length=64)] = None,
    q: Annotated[str | None, Query(description="words found in the event: places, actors, notes, "
                                               "evidence, claims", max_length=256)] = None,
    bbox: Annotated[str | None, Query(description="WEST,SOUTH,EAST,NORTH: inside a map view",
                                      max_length=128)] = None,
) -> queries.Filters:
    """The filters of ``conflictwire events``, plus text search and a map view."""
    for name, value in (("country", country), ("actor", actor), ("q", q), *(("type", t) for t in type or [])):
        if value and "\x00" in value:  # PostgreSQL refuses NUL in text: it was a 500
            raise HTTPException(422, f"{name}: a NUL character is not allowed")
    kinds = tuple(t for t in (type or []) if t and len(t) <= 128)
    return queries.Filters(country=country, types=kinds, since=since, until=until, actor=actor,
                           near=_parsed("near", near, Near), text=q, box=_parsed("bbox", bbox, Box))


Filtered = Annotated[queries.Filters, Depends(filters)]
ExportLimit = Annotated[int, Query(ge=1, le=MAX_EXPORT, description="events a page (10,000 at most)")]
ExportOffset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]
_bearer = HTTPBearer(auto_error=False, description="the token given to `conflictwire serve`")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def create_app(store: Store, token: str | None = None, *, max_body: int = MAX_BODY,
               allow_private: bool = False, max_extract_bytes: int = MAX_EXTRACT_BYTES,
               max_extractions: int = MAX_EXTRACTIONS, body_timeout: float = BODY_TIMEOUT,
               rate: float | None = None, burst: int = 60, base_url: str | None = None,
               extract_workers: int = 1, per_client: int | None = None,
               tolls: TollPolicy = "conservative", country: str | None = None) -> FastAPI:
    """The API over `store`; `token` enables the write endpoints; `allow_private` lets a zone's
    webhook be on a loopback or private address. `rate` (requests a second, `burst` at once)
    limits each client address without the token, with at most `per_client` of its requests
    in flight (`limits.ClientRate`); `base_url` is the public address the absolute links are
    built from (never the Host header). `extract_workers` processes run the anonymous
    extractions (0: threads of this process, which compete with the writes for the GIL).
    `tolls` is the toll policy and `country` the country of articles that name none."""
    # the API's documentation page is served offline like the dashboard (no CDN); no ReDoc page
    # no redirect of "/api/events/" to "/api/events": Starlette builds its Location from the Host
    # header, which a client chooses; a path with a slash too many is a 404
    # anonymous extractions: a few at once beside the writes, counted by `ExtractGate`; a full
    # house is a 429, not a queue that grows with the attackers
    anonymous = Extractions(extract_workers, tolls) if extract_workers > 0 else None

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        if anonymous is not None:  # uvicorn's shutdown: the worker goes with the server
            anonymous.close()

    app = FastAPI(title="conflictwire", version=__version__, docs_url=None, redoc_url=None,
                  redirect_slashes=False, lifespan=lifespan,
                  description="ACLED-style conflict events extracted from news reports.")
    app.state.store = store
    app.state.extractions = anonymous
    with_alerts(store)  # POST /api/articles records the watch zones' alerts with the article
    write_lock = threading.Lock()  # one write's extraction at a time (articles)

    def writer(credentials: Credentials) -> None:
        if not token:
            raise HTTPException(403, "writing is disabled: start the server with --token "
                                     "or CONFLICTWIRE_TOKEN")
        given = credentials.credentials if credentials else ""
        if not hmac.compare_digest(given.encode("utf-8"), token.encode("utf-8")):
            raise HTTPException(401, "missing or wrong token (Authorization: Bearer TOKEN)",
                                headers={"WWW-Authenticate": "Bearer"})

    def extract(article: Article) -> list[Event]:
        from ..store.ingestion import get_extractor

        with write_lock:
            return get_extractor(tolls).extract_article(with_defaults(article, country=country))

    def extract_anonymous(article: Article) -> list[Event]:
        from ..store.ingestion import get_extractor

        size = len(article.text.encode("utf-8"))
        if size > max_extract_bytes:
            raise HTTPException(413, f"text is {size} bytes; extraction takes {max_extract_bytes} at most "
                                     "(POST /api/articles with the token takes more)")
        try:
            article = with_defaults(article, country=country)
            if anonymous is None:
                return get_extractor(tolls).extract_article(article)
            return anonymous.extract(article)
        except WorkerLost as exc:
            raise HTTPException(503, str(exc), headers={"Retry-After": EXTRACT_RETRY}) from exc

    @app.exception_handler(StoreError)
    @app.exception_handler(sa.exc.OperationalError)
    async def _store_unavailable(request: Request, exc: Exception) -> JSONResponse:
        """The store could not answer (a restarting server, a full disk): 503, and say why."""
        return JSONResponse({"detail": f"the event store is unavailable: {' '.join(str(exc).split())[:300]}"},
                            status_code=503, headers={"Retry-After": "5"})

    @app.exception_handler(UnicodeEncodeError)
    async def _not_unicode(request: Request, exc: UnicodeEncodeError) -> JSONResponse:
        """A JSON body's unpaired surrogate escape (\\ud800 alone) is no character: no store or
        hash can encode it (it was a 500)."""
        return JSONResponse({"detail": "the request holds text that is not valid Unicode (an unpaired "
                                       "surrogate escape such as \\ud800)"}, status_code=422)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        """FastAPI's own 422, with a body's NaN or Infinity given back as text: JSON has no
        such numbers, and rendering them was a 500."""
        return JSONResponse({"detail": _finite(jsonable_encoder(exc.errors()))}, status_code=422)

    def page(name: str):
        def serve_page() -> FileResponse:
            return FileResponse(str(STATIC / name), media_type="text/html; charset=utf-8")
        return serve_page

    for path, name in PAGES.items():
        app.add_api_route(path, page(name), methods=["GET", "HEAD"], include_in_schema=False)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")

    @app.get("/api/points", tags=["events"])
    def map_points(f: Filtered, limit: Annotated[int, Query(ge=1, le=MAX_POINTS)] = MAX_POINTS,
                   offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0) -> JSONResponse:
        """Matching events with coordinates, as map markers, one page (`limit` at most 20,000):
        `rows` of the values named by `fields` (event_id, latitude, longitude, event_date,
        event_type, sub_event_type, fatalities, admin1, country), and `total`, how many match."""
        total, found = queries.points(store, f, limit, offset)
        return JSONResponse({"total": total, "limit": limit, "offset": offset,
                             "fields": list(queries.POINT_FIELDS), "rows": found})

    @app.get("/api/facets", tags=["events"])
    def facets() -> JSONResponse:
        """What the filters offer: the countries of the stored events (with counts) and ACLED's
        event types with their sub-event types."""
        return JSONResponse({"countries": queries.countries(store),
                             "event_types": {k: list(v) for k, v in EVENT_TYPES.items()}})

    @app.get("/api/events", response_model=EventPage, tags=["events"])
    def list_events(f: Filtered, limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
                    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0) -> dict[str, Any]:
        """Stored events matching every filter, by day (undated last) then id, one page."""
        total, found = queries.page(store, f, limit, offset)
        return {"total": total, "limit": limit, "offset": offset, "events": found}

    @app.get("/api/events/{event_id}", tags=["events"])
    def one_event(event_id: str) -> dict[str, Any]:
        """One event with its reports (and their evidence), claims and revisions."""
        found = store.event(event_id)
        if found is None:
            raise HTTPException(404, "no such event")
        return dict(found, event=found["event"].model_dump(mode="json"),
                    created_at=found["created_at"].isoformat(), updated_at=found["updated_at"].isoformat())

    @app.get("/api/aggregates/weekly", tags=["aggregates"])
    def weekly(f: Filtered) -> JSONResponse:
        """Events and fatalities per ISO week and event type: `rows` of {week (YYYY-Www),
        week_start, event_type, events, fatalities}, `undated` and `total`."""
        return JSONResponse(queries.weekly(store, f))

    @app.get("/api/aggregates/admin1", tags=["aggregates"])
    def by_admin1(f: Filtered) -> JSONResponse:
        """Events and fatalities per country and first-level division: `rows` of {iso3,
        country, admin1, events, fatalities} and `total`."""
        return JSONResponse(queries.admin1(store, f))

    def export(f: queries.Filters, limit: int, offset: int, fmt: str, media: str, name: str) -> Response:
        """One page of an export; `X-Total-Count` says how many match, so a client knows
        whether to ask for the next page (`offset` + `limit`)."""
        from ..export import write_events

        total, found = queries.every(store, f, limit, offset)
        out = io.StringIO()
        write_events(found, fmt, out)
        return Response(out.getvalue(), media_type=media,
                        headers={"Content-Disposition": f'attachment; filename="{name}"',
                                 "X-Total-Count": str(total)})

    @app.get("/api/export.csv", tags=["export"], response_class=Response,
             responses={200: {"content": {"text/csv": {}}}})
    def export_csv(f: Filtered, limit: ExportLimit = MAX_EXPORT, offset: ExportOffset = 0) -> Response:
        """Matching events in ACLED's CSV columns, one page (header `X-Total-Count`: all that match)."""
        return export(f, limit, offset, "csv", "text/csv; charset=utf-8", "events.csv")

    @app.get("/api/export.geojson", tags=["export"], response_class=Response,
             responses={200: {"content": {"application/geo+json": {}}}})
    def export_geojson(f: Filtered, limit: ExportLimit = MAX_EXPORT, offset: ExportOffset = 0) -> Response:
        """Matching events with coordinates, as a GeoJSON FeatureCollection, one page of events
        (header `X-Total-Count`: all that match)."""
        return export(f, limit, offset, "geojson", "application/geo+json", "events.geojson")

    @app.post("/api/extract", response_model=Extracted, tags=["extract"])
    def extract_pasted(report: PastedReport) -> dict[str, Any]:
        """The events of a pasted report; nothing is stored."""
        article = Article(id=f"pasted-{content_hash(report.text)[:12]}", text=report.text, title=report.title,
                          published=report.published, language=report.language)
        return {"events": extract_anonymous(article)}

    @app.post("/api/articles", response_model=Stored, tags=["articles"],
              dependencies=[Depends(writer)],
              responses={201: {"description": "stored"}, 401: {"description": "missing or wrong token"},
                         403: {"description": "writing disabled"}, 413: {"description": "body too large"}})
    def add_article(article: Article) -> JSONResponse:
        """Store an article (the contract's input) and merge its events into the store;
        201 with the events created and updated, or 200 when it was already stored."""
        reason = store.known(article)
        if reason is None:
            result = store.add_article(article, extract(article))
            reason = result.reason
            created = [store.event(i) for i in result.created]
            updated = [store.event(i) for i in dict.fromkeys(result.updated)]
        else:
            created = updated = []
        body = Stored(stored=reason is None, reason=reason,
                      created=[x["event"] for x in created if x], updated=[x["event"] for x in updated if x])
        return JSONResponse(body.model_dump(mode="json"), status_code=201 if reason is None else 200)

    from .zones import zones_router

    # watch zones and alerts (issue 5)
    app.include_router(zones_router(store, writer, allow_private=allow_private,
                                    base_url=base_url or "http://127.0.0.1:8000"))
    app.add_middleware(BodyLimit, limit=max_body, timeout=body_timeout)
    app.add_middleware(ExtractGate, path="/api/extract", slots=max_extractions,
                       max_body=min(max_body, extract_body_cap(max_extract_bytes)))
    if rate or per_client:
        from .limits import ClientRate

        app.add_middleware(ClientRate, rate=rate or None, burst=burst, token=token, in_flight=per_client)
    app.add_middleware(SecurityHeaders)
    return app
