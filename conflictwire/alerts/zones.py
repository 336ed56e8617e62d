"""Zone geometry and matching: is an event inside a zone, and does it meet its conditions.

A point-and-radius zone is a great-circle distance (haversine) from its centre; a polygon
zone is a GeoJSON Polygon or MultiPolygon tested with shapely (`covers`: a point on the
boundary is inside). Coordinates in GeoJSON are longitude, latitude.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from ..extract.places.gazetteer import haversine_km
from ..models import Event
from .models import Zone

POLYGON_TYPES = ("Polygon", "MultiPolygon")


def polygon_geometry(data: dict[str, Any]) -> dict[str, Any]:
    """The GeoJSON geometry of a Polygon or MultiPolygon (or of a Feature holding one),
    checked with shapely; ValueError when it is not a valid one."""
    import shapely.geometry
    from shapely.validation import explain_validity

    geometry = data.get("geometry") if data.get("type") == "Feature" else data
    if not isinstance(geometry, dict) or geometry.get("type") not in POLYGON_TYPES:
        raise ValueError("the polygon must be a GeoJSON Polygon or MultiPolygon")
    try:
        shape = shapely.geometry.shape(geometry)
    except Exception as exc:  # shapely raises several kinds for bad coordinates
        raise ValueError(f"not a valid GeoJSON polygon: {exc}") from exc
    if shape.is_empty or not shape.is_valid:
        raise ValueError(f"not a valid polygon: {explain_validity(shape)}")
    minx, miny, maxx, maxy = shape.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise ValueError("polygon coordinates must be longitude, latitude in degrees")
    return {"type": geometry["type"], "coordinates": geometry["coordinates"]}


@lru_cache(maxsize=256)
def _prepared(geojson: str):
    import json

    import shapely
    import shapely.geometry

    shape = shapely.geometry.shape(json.loads(geojson))
    shapely.prepare(shape)
    return shape


def distance_km(zone: Zone, latitude: float, longitude: float) -> float | None:
    """Distance from a radius zone's centre (None for a polygon zone)."""
    if zone.latitude is None or zone.longitude is None:
        return None
    return haversine_km(zone.latitude, zone.longitude, latitude, longitude)


def contains(zone: Zone, latitude: float | None, longitude: float | None) -> bool:
    """Whether the point is inside the zone (never for a point that is not known)."""
    if latitude is None or longitude is None:
        return False
    if zone.polygon is not None:
        import json

        import shapely

        shape = _prepared(json.dumps(zone.polygon, sort_keys=True))
        return bool(shape.covers(shapely.Point(longitude, latitude)))
    found = distance_km(zone, latitude, longitude)
    return found is not None and zone.radius_km is not None and found <= zone.radius_km


def meets(zone: Zone, event: Event) -> bool:
    """Whether the event meets the zone's conditions (types, toll, actors)."""
    if zone.event_types:
        kinds = {t.lower() for t in zone.event_types}
        if event.event_type.lower() not in kinds and event.sub_event_type.lower() not in kinds:
            return False
    if zone.min_fatalities is not None and event.fatalities < zone.min_fatalities:
        return False
    if zone.actors:
        names = [n.lower() for n in actor_names(event)]
        if not any(a.lower() in n for a in zone.actors for n in names):
            return False
    return True


def matches(zone: Zone, event: Event) -> bool:
    """The event is inside the zone and meets its conditions."""
    return contains(zone, event.location.latitude, event.location.longitude) and meets(zone, event)


def actor_names(event: Event) -> list[str]:
    return [*(a.name for a in (event.actor1, event.actor2) if a), *event.assoc_actor_1, *event.assoc_actor_2]
