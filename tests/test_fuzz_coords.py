"""Property-based fuzzing of coordinates: `Near.parse` and `Box.parse` (conflictwire/store/db.py),
the API's filters (`near`, `bbox` and the others, on every endpoint that takes them: 422, never
500), and the watch zones' `Place` (conflictwire/alerts/models.py: ValidationError, never
another exception; a polygon that passes is one shapely can test points against).
Budget: `CW_FUZZ_EXAMPLES` inputs per family (see tests/fuzzing.py).
"""

from __future__ import annotations

import itertools
import math
from datetime import UTC, date, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from fuzzing import fuzz
from hypothesis import example, given
from hypothesis import strategies as st
from pydantic import ValidationError

from conflictwire.alerts.models import MAX_RADIUS_KM, Place, Zone
from conflictwire.alerts.zones import POLYGON_TYPES, contains
from conflictwire.models import Actor, Article, Event, Location
from conflictwire.serve import create_app
from conflictwire.store import Store
from conflictwire.store.db import Box, Near
from conflictwire.store.schema import events

# --------------------------------------------------------------------------- Near and Box

number_text = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.floats(-1000, 1000).map(lambda x: f"{x:.3f}"),
    st.integers(-(10**30), 10**30).map(str),
    st.sampled_from(
        [
            "nan",
            "NaN",
            "-nan",
            "inf",
            "-Infinity",
            "1e400",
            "-1e400",
            "0x10",
            "1_000",
            " 12 ",
            "١٢",
            "",
            " ",
            "+",
            "-",
            ".",
            "1e",
            "--1",
            "12.5.3",
            "\x00",
            "½",
            "1,5",
            "९०",
            "0" * 400,
        ]
    ),
    st.text(max_size=8),
)


def coord_text(parts: int) -> st.SearchStrategy[str]:
    """PARTS comma-separated numbers, and sometimes one too few or too many, or other separators."""
    return st.tuples(
        st.lists(number_text, min_size=max(0, parts - 1), max_size=parts + 1),
        st.sampled_from([",", ", ", ";", " ", ",,"]),
    ).map(lambda t: t[1].join(t[0]))


def _finite(*values: float) -> bool:
    return all(math.isfinite(v) for v in values)


@fuzz(0.2)
@given(coord_text(3))
@example("12.6,-8.0,50")
@example("nan,0,10")
@example("0,0,nan")
@example("0,0,inf")  # "everywhere": accepted, a radius larger than the Earth
@example("90,180,1e-300")
def test_near_parse(text: str) -> None:
    try:
        near = Near.parse(text)
    except ValueError as exc:
        assert repr(text) in str(exc)  # the error names what was given
        return
    assert -90 <= near.latitude <= 90 and -180 <= near.longitude <= 180 and near.km > 0


@fuzz(0.2)
@given(coord_text(4))
@example("-20,-10,30,40")
@example("170,-10,-170,10")  # across the antimeridian
@example("-540,-90,540,90")
@example("nan,0,1,1")
@example("-181.25,-3,-176.25,3")  # west of the antimeridian, wrapped
@example("30,-10,20,10")  # west beyond east: the long way round
@example("-20,-90,340,90")  # exactly the whole width
def test_box_parse(text: str) -> None:
    try:
        box = Box.parse(text)
    except ValueError as exc:
        assert repr(text) in str(exc)
        return
    assert -90 <= box.south <= box.north <= 90
    assert -540 <= box.west <= 540 and -540 <= box.east <= 540
    # what the SQL conditions select, on a real table of points, against a box test of our own
    with GRID.connect() as conn:
        chosen = {row.event_id for row in conn.execute(sa.select(events.c.event_id).where(*box.where()))}
    for key, (lat, lon) in GRID_POINTS.items():
        if not _near_box_edge(box, lat, lon):
            assert (key in chosen) == _in_box(box, lat, lon), (text, lat, lon)


def _in_box(box: Box, lat: float, lon: float) -> bool:
    """The box's own definition: latitude between south and north; longitude on the arc
    that runs east from `west` to `east` (the whole circle when it is 360 degrees or more)."""
    if not box.south <= lat <= box.north:
        return False
    if box.east - box.west >= 360:
        return True
    return (lon - box.west) % 360 <= (box.east - box.west) % 360


def _near_box_edge(box: Box, lat: float, lon: float, eps: float = 1e-6) -> bool:
    """A point so close to an edge that rounding in either test may put it on either side."""
    def gap(a: float, b: float) -> float:
        d = (a - b) % 360
        return min(d, 360 - d)

    return (min(abs(lat - box.south), abs(lat - box.north)) < eps
            or min(gap(lon, box.west), gap(lon, box.east)) < eps)


def _grid() -> tuple[sa.Engine, dict[str, tuple[float, float]]]:
    """An in-memory SQLite `events` table (the store's schema) holding a 2.5-degree grid of points.
    Longitude 180 is left out: the store's boxes take longitudes in [-180, 180), and 180 is -180."""
    engine = sa.create_engine("sqlite://", poolclass=sa.pool.StaticPool)
    events.create(engine)
    points = {f"p{i}_{j}": (-90 + 2.5 * i, -180 + 2.5 * j) for i in range(73) for j in range(144)}
    now = datetime.now(UTC)
    rows = [{"event_id": key, "record": {}, "event_type": "Battles", "sub_event_type": "Armed clash",
             "latitude": lat, "longitude": lon, "fatalities": 0, "created_at": now, "updated_at": now}
            for key, (lat, lon) in points.items()]
    with engine.begin() as conn:
        conn.execute(events.insert(), rows)
    return engine, points


GRID, GRID_POINTS = _grid()


# --------------------------------------------------------------------------- the API

BAMAKO = Location(
    name="Bamako",
    country="Mali",
    iso3="MLI",
    admin1="Bamako",
    latitude=12.65,
    longitude=-8.0,
    geo_precision=1,
)
FIJI = Location(
    name="Suva",
    country="Fiji",
    iso3="FJI",
    admin1="Central",
    latitude=-18.14,
    longitude=178.44,
    geo_precision=1,
)
NOWHERE = Location(name="Somewhere", country="Mali", iso3="MLI", geo_precision=3)


@pytest.fixture(scope="module")
def client(tmp_path_factory) -> Any:
    path = tmp_path_factory.mktemp("fuzz-api") / "events.db"
    with Store.open(path) as store:
        for n, where in enumerate((BAMAKO, FIJI, NOWHERE, BAMAKO)):
            event = Event(
                event_id=f"ev{n}",
                article_ids=[f"a{n}"],
                event_date=date(2024, 9, 2 + n),
                disorder_type="Political violence",
                event_type="Battles",
                sub_event_type="Armed clash",
                actor1=Actor(name="JNIM", type="Rebel group"),
                location=where,
                fatalities=n,
                confidence=0.5,
                published=date(2024, 9, 3 + n),
                source=["Wire"],
                notes=f"note {n}",
            )
            store.add_article(
                Article(id=f"a{n}", text=f"Report {n}.", published=date(2024, 9, 3 + n), language="en"),
                [event],
            )
        with TestClient(create_app(store, token=TOKEN), raise_server_exceptions=False) as c:
            yield c


TOKEN = "fuzz-token-123"
ENDPOINTS = [
    "/api/events",
    "/api/points",
    "/api/aggregates/weekly",
    "/api/aggregates/admin1",
    "/api/export.csv",
    "/api/export.geojson",
]
words = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        ["MLI", "mli", "Battles", "Armed clash", "%", "_", "\\", "' OR 1=1 --", "\x00", "🙂", "a" * 300]
    ),
)
day_text = st.one_of(
    st.dates().map(date.isoformat),
    st.sampled_from(["2024-02-30", "0000-01-01", "yesterday", "2024-9-3", "99999-01-01", ""]),
    words,
)
params = st.fixed_dictionaries(
    {},
    optional={
        "near": coord_text(3),
        "bbox": coord_text(4),
        "country": words,
        "type": st.lists(words, max_size=3),
        "since": day_text,
        "until": day_text,
        "actor": words,
        "q": words,
        "limit": st.one_of(st.integers(-5, 1000).map(str), words),
        "offset": st.one_of(st.integers(-5, 10**20).map(str), words),
    },
)


@fuzz(0.5)
@given(st.sampled_from(ENDPOINTS), params)
@example("/api/events", {"near": "12.65,-8.0,50"})
@example("/api/events", {"near": "0,0,inf"})
@example("/api/events", {"near": "89.9999,0,1e308"})
@example("/api/points", {"bbox": "170,-30,-170,0"})
@example(
    "/api/events", {"bbox": "-540,-90,540,90", "offset": "99999999999999999999"}
)  # was 500: OverflowError
@example("/api/events", {"offset": str(2**63 - 1)})
@example("/api/events", {"near": "12.65,-8.0,50", "offset": str(2**63 - 1)})
@example("/api/events", {"near": "1,2", "bbox": "1,2,3"})
@example("/api/events", {"q": "\x00", "actor": "\x00", "type": ["\x00"], "country": "\x00"})
def test_api_filters_give_422_not_500(client: Any, endpoint: str, query: dict[str, Any]) -> None:
    response = client.get(endpoint, params=query)
    assert response.status_code in (200, 422), (response.status_code, response.text[:500])
    if response.status_code == 422:
        detail = response.json()["detail"]
        assert detail  # says which parameter and why
        if isinstance(detail, str):
            assert detail.split(":")[0] in ("near", "bbox", "q", "actor", "type", "country"), detail


ids = st.one_of(
    st.integers(-(10**25), 10**25).map(str),
    st.text(min_size=1, max_size=20),
    st.sampled_from(["0", "-1", "1e3", "ev0", "..", "%00", "ev0%2F..%2F..", "99999999999999999999"]),
)


@fuzz(0.3)
@given(st.sampled_from(["alerts", "atom", "delete", "event"]), ids, st.one_of(st.none(), ids))
@example("alerts", "99999999999999999999", None)  # were 500: OverflowError in SQLite
@example("atom", "99999999999999999999", None)
@example("delete", "-99999999999999999999", None)
@example("alerts", "1", "99999999999999999999")
def test_api_ids_give_4xx_not_500(client: Any, what: str, ident: str, limit: str | None) -> None:
    from urllib.parse import quote

    if what == "alerts":
        response = client.get("/api/alerts", params={"zone": ident, **({"limit": limit} if limit else {})})
    elif what == "atom":
        response = client.get(f"/zones/{quote(ident, safe='')}/alerts.atom")
    elif what == "delete":
        response = client.delete(
            f"/api/zones/{quote(ident, safe='')}", headers={"Authorization": f"Bearer {TOKEN}"}
        )
    else:
        response = client.get(f"/api/events/{quote(ident, safe='')}")
    assert response.status_code in (200, 404, 422), (response.status_code, response.text[:300])


# --------------------------------------------------------------------------- zones' Place

coordinate = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**20), 10**20),
    st.floats(-200, 200),
    st.sampled_from(["12.5", "x", "", None, True, [1], {}]),
)


@st.composite
def ring(draw: st.DrawFn) -> list[Any]:
    """A linear ring: usually closed, sometimes not; numbers, sometimes junk."""
    points = draw(
        st.lists(
            st.lists(st.one_of(st.floats(-180, 180), coordinate), min_size=1, max_size=3),
            min_size=0,
            max_size=8,
        )
    )
    if points and draw(st.booleans()):
        points.append(points[0])
    return points


@st.composite
def polygon(draw: st.DrawFn) -> Any:
    kind = draw(st.sampled_from([*POLYGON_TYPES, "Feature", "Point", "GeometryCollection", None, 3]))
    rings = draw(st.lists(ring(), max_size=3))
    coordinates: Any = rings
    if kind == "MultiPolygon":
        coordinates = draw(st.lists(st.just(rings), max_size=2))
    coordinates = draw(st.one_of(st.just(coordinates), st.just(coordinates), coordinate, st.text(max_size=5)))
    geometry: dict[str, Any] = {"type": kind if kind != "Feature" else "Polygon", "coordinates": coordinates}
    if kind == "Feature":
        return {
            "type": "Feature",
            "properties": {},
            "geometry": draw(st.one_of(st.just(geometry), coordinate)),
        }
    if draw(st.booleans()):
        geometry.pop("coordinates")
    return draw(st.one_of(st.just(geometry), st.just(geometry), coordinate, st.lists(coordinate, max_size=2)))


SQUARE = {"type": "Polygon", "coordinates": [[[-5, 10], [0, 10], [0, 15], [-5, 15], [-5, 10]]]}
SQUARE_WITH_HOLE = {
    "type": "Polygon",
    "coordinates": [
        [[-5, 10], [0, 10], [0, 15], [-5, 15], [-5, 10]],
        [[-3, 12], [-2, 12], [-2, 13], [-3, 13], [-3, 12]],
    ],
}
BOWTIE = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}


@fuzz(0.5)
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "latitude": coordinate,
            "longitude": coordinate,
            "radius_km": coordinate,
            "polygon": polygon(),
        },
    ),
    st.floats(-90, 90),
    st.floats(-180, 180),
)
@example({"polygon": SQUARE}, 12.0, -2.0)
@example({"polygon": BOWTIE}, 0.5, 0.5)  # self-intersecting: refused
@example({"polygon": {"type": "Feature", "geometry": SQUARE}}, 0.0, 0.0)
@example({"polygon": {"type": "Polygon", "coordinates": [[[0, 0], [1e300, 0], [0, 1], [0, 0]]]}}, 0.0, 0.0)
@example(
    {"polygon": {"type": "Polygon", "coordinates": [[[0, 0], [float("nan"), 0], [0, 1], [0, 0]]]}}, 0.0, 0.0
)
@example({"polygon": {"type": "MultiPolygon", "coordinates": [[[[0, 0]]]]}}, 0.0, 0.0)
@example({"latitude": 14.38, "longitude": -4.18, "radius_km": 25}, 14.4, -4.2)
@example({"latitude": 14.38, "longitude": -4.18, "radius_km": 25}, 14.7, -4.2)  # 36 km: outside
@example({"latitude": 0, "longitude": 179.9, "radius_km": 50}, 0.0, -179.9)  # 22 km across the antimeridian
@example({"latitude": 0, "longitude": 0, "radius_km": 100}, 0.899, 0.0)  # 99.96 km: just inside
@example({"latitude": 0, "longitude": 0, "radius_km": 100}, 0.904, 0.0)  # 100.52 km: just outside
@example({"polygon": SQUARE}, 12.5, -2.5)
@example({"polygon": SQUARE}, 12.5, 0.5)
@example({"polygon": SQUARE_WITH_HOLE}, 12.5, -2.5)  # in the hole: outside
@example({"polygon": SQUARE_WITH_HOLE}, 11.0, -4.0)
@example({"latitude": float("nan"), "longitude": 0, "radius_km": 1}, 0.0, 0.0)
@example({"latitude": 0, "longitude": 0, "radius_km": float("inf")}, 0.0, 0.0)
@example({"latitude": 0, "longitude": 0, "radius_km": 1, "polygon": SQUARE}, 0.0, 0.0)
def test_place_validation(data: dict[str, Any], lat: float, lon: float) -> None:
    try:
        place = Place.model_validate(data)
    except ValidationError as exc:
        assert exc.errors() and all(e["msg"] for e in exc.errors())
        return
    if place.polygon is not None:
        assert place.polygon["type"] in POLYGON_TYPES
        assert place.latitude is None and place.longitude is None and place.radius_km is None
    else:
        assert place.latitude is not None and place.longitude is not None and place.radius_km is not None
        assert -90 <= place.latitude <= 90 and -180 <= place.longitude <= 180
        assert 0 < place.radius_km <= MAX_RADIUS_KM
    zone = Zone(**place.model_dump(), id=1, name="z", created_at=datetime.now(UTC))
    inside = _inside_zone(zone, lat, lon)
    if inside is not None:  # None: too close to the edge for floating point to settle it
        assert contains(zone, lat, lon) is inside, (data, lat, lon)
    assert contains(zone, None, lon) is False


def _great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distance on a sphere of radius 6371 km (spherical law of cosines via vectors)."""
    def unit(lat: float, lon: float) -> tuple[float, float, float]:
        a, b = math.radians(lat), math.radians(lon)
        return (math.cos(a) * math.cos(b), math.cos(a) * math.sin(b), math.sin(a))

    u, v = unit(lat1, lon1), unit(lat2, lon2)
    cross = (u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0])
    return 6371.0 * math.atan2(math.hypot(*cross), sum(a * b for a, b in zip(u, v, strict=True)))


def _in_rings(rings: list[Any], x: float, y: float, eps: float = 1e-9) -> bool | None:
    """Even-odd ray casting over all rings (holes included); None on or next to an edge."""
    inside = False
    for ring_ in rings:
        for (x1, y1, *_), (x2, y2, *_) in itertools.pairwise(ring_):
            dx, dy = x2 - x1, y2 - y1
            t = max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy or 1.0)))
            if math.hypot(x - (x1 + t * dx), y - (y1 + t * dy)) < eps:
                return None
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * dx / dy:
                inside = not inside
    return inside


def _inside_zone(zone: Zone, lat: float, lon: float) -> bool | None:
    """An oracle for `contains` written here: the distance on a sphere against the radius,
    or ray casting in the polygon; None where the point is within rounding of the edge."""
    if zone.polygon is None:
        km = _great_circle_km(zone.latitude, zone.longitude, lat, lon)
        if abs(km - zone.radius_km) <= 1e-6 * max(1.0, zone.radius_km):
            return None
        return km < zone.radius_km
    coordinates = zone.polygon["coordinates"]
    polygons = [coordinates] if zone.polygon["type"] == "Polygon" else coordinates
    # a valid MultiPolygon's parts do not overlap, so one even-odd count over every ring holds
    return _in_rings([r for rings in polygons for r in rings], lon, lat)


@pytest.fixture(scope="module")
def pg_client(pg_server) -> Any:
    import uuid

    import psycopg

    name = f"cw_fuzz_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{pg_server}/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    with Store.open(f"{pg_server}/{name}") as store:
        event = Event(
            event_id="ev0",
            article_ids=["a0"],
            event_date=date(2024, 9, 2),
            disorder_type="Political violence",
            event_type="Battles",
            sub_event_type="Armed clash",
            actor1=Actor(name="JNIM", type="Rebel group"),
            location=BAMAKO,
            fatalities=1,
            confidence=0.5,
            published=date(2024, 9, 3),
            source=["Wire"],
            notes="note",
        )
        store.add_article(
            Article(id="a0", text="Report.", published=date(2024, 9, 3), language="en"), [event]
        )
        with TestClient(create_app(store), raise_server_exceptions=False) as c:
            yield c


@fuzz(0.1)
@given(st.sampled_from(ENDPOINTS), params)
@example("/api/events", {"q": "\x00"})  # was 500: PostgreSQL refuses NUL characters
@example("/api/events", {"actor": "a\x00b"})
@example("/api/points", {"type": ["Battles", "\x00"]})
@example("/api/events", {"country": "\x00"})
@example("/api/events", {"offset": str(2**63 - 1)})
def test_api_filters_on_postgresql(pg_client: Any, endpoint: str, query: dict[str, Any]) -> None:
    """The same on PostgreSQL, which refuses NUL characters in text where SQLite takes them."""
    response = pg_client.get(endpoint, params=query)
    assert response.status_code in (200, 422), (response.status_code, response.text[:500])


@fuzz(0.2)
@given(
    st.fixed_dictionaries(
        {"name": st.one_of(st.text(max_size=10), st.just(""), st.integers(), st.just("z\ud800"))},
        optional={
            "latitude": coordinate,
            "longitude": coordinate,
            "radius_km": coordinate,
            "polygon": polygon(),
            "min_fatalities": st.one_of(coordinate, st.integers()),
            "webhook_url": st.sampled_from(
                ["http://127.0.0.1:9/h", "file:///etc/passwd", "javascript:x", "", "http://"]
            ),
            "webhook_secret": st.text(max_size=12),
        },
    )
)
@example({"name": "square", "polygon": SQUARE})
@example({"name": "huge", "latitude": 1, "longitude": 1, "radius_km": 5, "min_fatalities": 2**63})  # was 500
@example({"name": "big", "latitude": 1, "longitude": 1, "radius_km": 5, "min_fatalities": 2**31})
@example({"name": "nan", "latitude": float("nan"), "longitude": 0, "radius_km": 5})  # was 500: NaN in the 422
@example(
    {
        "name": "inf",
        "polygon": {"type": "Polygon", "coordinates": [[[0, 0], [float("inf"), 0], [0, 1], [0, 0]]]},
    }
)
def test_api_zone_posts_give_201_or_422(client: Any, body: dict[str, Any]) -> None:
    import json

    response = client.post(
        "/api/zones",
        content=json.dumps(body),  # NaN and Infinity as Python writes them
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
    )
    assert response.status_code in (201, 422), (response.status_code, response.text[:300])
    if response.status_code == 201:
        zone = response.json()
        assert client.get(f"/zones/{zone['id']}/alerts.atom").status_code == 200
        assert (
            client.delete(
                f"/api/zones/{zone['id']}", headers={"Authorization": f"Bearer {TOKEN}"}
            ).status_code
            == 204
        )


@pytest.mark.parametrize("body", ['{"text": NaN}', '{"text": "x", "published": Infinity}', "[NaN]", "NaN"])
def test_api_bodies_with_nan_give_422(client: Any, body: str) -> None:
    """A 422 that gives back the invalid input renders NaN and Infinity as text (it was a 500)."""
    response = client.post("/api/extract", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 422, response.text[:300]
    assert response.json()["detail"]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/extract", '{"text": "Gunmen killed six \\ud800 civilians."}'),
        ("/api/articles", '{"id": "a\\ud800", "text": "Gunmen killed six civilians."}'),
        ("/api/articles", '{"id": "b", "text": "Gunmen killed six civilians \\udfff."}'),
        ("/api/zones", '{"name": "z\\ud800", "latitude": 1, "longitude": 1, "radius_km": 5}'),
    ],
)
def test_api_bodies_with_unpaired_surrogates_give_422(client: Any, path: str, body: str) -> None:
    """A lone surrogate escape in a JSON body is no character: 422, nothing stored (it was a 500)."""
    before = client.get("/api/zones").json()["zones"]
    response = client.post(
        path, content=body, headers={"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"}
    )
    assert response.status_code == 422, response.text[:300]
    assert "Unicode" in response.json()["detail"]
    assert client.get("/api/zones").json()["zones"] == before
    assert client.get("/api/events/b").status_code == 404
