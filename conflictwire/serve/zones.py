"""The API of watch zones and alerts: `zones_router(store, writer)`, included by `create_app`.

- ``GET /api/zones?limit=&offset=``: `{"total", "limit", "offset", "zones": [PublicZone]}` (no
  webhook URL, secret or address), one page of at most `MAX_ZONES`
- ``POST /api/zones`` (writer): a `ZoneSpec` → 201 with the `PublicZone`
- ``DELETE /api/zones/{id}`` (writer): 204, 404 when there is none
- ``GET /api/alerts?zone=&limit=&offset=``: `{"alerts": [Alert]}`, newest first
- ``GET /zones/{id}/alerts.atom``: the zone's alerts as an Atom feed
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from ..alerts import atom
from ..alerts.models import Alert, PublicZone, ZoneSpec
from ..alerts.records import add_zone, count_zones, get_zone, list_alerts, list_zones, remove_zone
from ..store.db import Store
from ..store.netguard import check_email, check_target

MAX_ALERTS = 500
MAX_ZONES = 500  # a page: 10,000 zones at once were 2.6 MB and 1.5 s of processor time
MAX_OFFSET = 2**63 - 1
FEED_ALERTS = 100
# a zone id the databases hold (integer columns, 32 bits in PostgreSQL; a larger one was a 500)
ZoneId = Annotated[int, Path(ge=-(2**31), le=2**31 - 1)]


class ZoneList(BaseModel):
    total: int
    limit: int
    offset: int
    zones: list[PublicZone]


class AlertList(BaseModel):
    alerts: list[Alert]


def zones_router(store: Store, writer: Callable[..., None], *, allow_private: bool = False,
                 base_url: str = "http://127.0.0.1:8000") -> APIRouter:
    """The zones and alerts endpoints over `store`; `writer` is the dependency that guards writes;
    `allow_private` (serve's ``--allow-private``) lets a webhook be on a private address;
    `base_url` (``--base-url``) is where the Atom feeds' links point (never the Host header)."""
    router = APIRouter()
    guarded = [Depends(writer)]

    @router.get("/api/zones", response_model=ZoneList, tags=["zones"])
    def zones_list(limit: Annotated[int, Query(ge=1, le=MAX_ZONES)] = 100,
                   offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0) -> dict[str, Any]:
        """Watch zones by id, one page: geometry, conditions and alert channels (not their addresses)."""
        found = [z.public() for z in list_zones(store, limit=limit, offset=offset)]
        return {"total": count_zones(store), "limit": limit, "offset": offset, "zones": found}

    @router.post("/api/zones", response_model=PublicZone, status_code=201, tags=["zones"],
                 dependencies=guarded,
                 responses={401: {"description": "missing or wrong token"},
                            403: {"description": "writing disabled"}})
    def zones_add(spec: ZoneSpec) -> PublicZone:
        """Add a zone: a point (latitude, longitude) with radius_km, or a GeoJSON polygon; optional
        event_types, min_fatalities, actors; optional webhook_url (with webhook_secret) and email."""
        try:
            check_target(spec.webhook_url, allow_private=allow_private)
            check_email(spec.email, allow_private=allow_private)
        except ValueError as exc:
            raise HTTPException(422, str(exc)) from exc
        return add_zone(store, spec, allow_private=allow_private).public()

    @router.delete("/api/zones/{zone_id}", status_code=204, tags=["zones"], dependencies=guarded,
                   responses={404: {"description": "no such zone"}})
    def zones_remove(zone_id: ZoneId) -> Response:
        """Remove a zone with its alerts."""
        if not remove_zone(store, zone_id):
            raise HTTPException(404, "no such zone")
        return Response(status_code=204)

    @router.get("/api/alerts", response_model=AlertList, tags=["zones"])
    def alerts_list(zone: Annotated[int | None, Query(description="one zone's alerts", ge=-(2**31),
                                                      le=2**31 - 1)] = None,
                    limit: Annotated[int, Query(ge=1, le=MAX_ALERTS)] = 50,
                    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0) -> JSONResponse:
        """The latest alerts, newest first, each with the event as it stood then."""
        found = list_alerts(store, zone_id=zone, limit=limit, offset=offset)
        return JSONResponse(AlertList(alerts=found).model_dump(mode="json"))

    @router.get("/zones/{zone_id}/alerts.atom", tags=["zones"], response_class=Response,
                responses={200: {"content": {"application/atom+xml": {}}},
                           404: {"description": "no such zone"}})
    def alerts_feed(zone_id: ZoneId) -> Response:
        """The zone's latest alerts as an Atom feed, for any feed reader."""
        zone = get_zone(store, zone_id)
        if zone is None:
            raise HTTPException(404, "no such zone")
        body = atom.feed(zone, list_alerts(store, zone_id=zone_id, limit=FEED_ALERTS),
                         self_url=f"{base_url.rstrip('/')}/zones/{zone_id}/alerts.atom", base_url=base_url)
        return Response(body, media_type=atom.MEDIA_TYPE)

    return router
