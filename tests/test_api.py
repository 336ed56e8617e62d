"""The JSON API (`conflictwire serve`): a real uvicorn server on 127.0.0.1 over a real SQLite
store filled with hand-built events (as in tests/test_store.py), called with httpx. Only
`test_post_article_stores_it` loads the extractor."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from datetime import date, timedelta

import httpx
import pytest
from live_server import free_port, serving, wait_ready

from conflictwire.export import ACLED_COLUMNS
from conflictwire.models import Actor, Article, Claim, Event, Evidence, Location
from conflictwire.serve import create_app
from conflictwire.store import Store

TOKEN = "s3cret-token"
JNIM = Actor(name="JNIM: Group for Support of Islam and Muslims", type="Rebel group")
ARMY = Actor(name="Military Forces of Mali", type="State forces", country="MLI")
BAMAKO = Location(name="Bamako", country="Mali", iso3="MLI", admin1="Bamako", latitude=12.65, longitude=-8.0,
                  geo_precision=1)
GAO = Location(name="Gao", country="Mali", iso3="MLI", admin1="Gao", latitude=16.27, longitude=-0.04,
               geo_precision=1)
OUAGA = Location(name="Ouagadougou", country="Burkina Faso", iso3="BFA", admin1="Centre", latitude=12.37,
                 longitude=-1.52, geo_precision=1)
MODEL_CODER = "rules+model:sahel@0123abcd"  # ev004 was coded with a learned model
START = date(2024, 9, 2)  # a Monday: ISO week 2024-W36


def _event(n: int, day: date, location: Location, event_type: str, fatalities: int) -> Event:
    ident = f"ev{n:03d}"
    return Event(
        event_id=ident, article_ids=[f"a{n:03d}"], event_date=day, disorder_type="Political violence",
        event_type=event_type, sub_event_type="Armed clash" if event_type == "Battles" else "Attack",
        actor1=JNIM, actor2=ARMY if event_type == "Battles" else None, location=location,
        fatalities=fatalities,
        claims=[Claim(claimant="army", kind="casualties", text=f"claim {n}", article_id=f"a{n:03d}")],
        evidence=[Evidence(article_id=f"a{n:03d}", start=0, end=10, text=f"evidence {n}")],
        confidence=0.7, published=day, source=["Test wire"], notes=f"<b>note {n}</b>",
        coder=MODEL_CODER if n == 4 else "rules",
    )


# 30 events: 3 places x 10 days over two ISO weeks; Battles on even numbers.
PLACES = (BAMAKO, GAO, OUAGA)
EVENTS = [_event(n, START + timedelta(days=n % 10), PLACES[n % 3], "Battles" if n % 2 == 0 else
                 "Violence against civilians", n % 5) for n in range(30)]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """(base URL, uvicorn server) of the API over a store holding `EVENTS`."""
    path = tmp_path_factory.mktemp("api") / "events.db"
    with Store.open(path) as store:
        for ev in EVENTS:
            aid = ev.article_ids[0]
            store.add_article(Article(id=aid, text=f"Report {aid}.", published=ev.event_date, language="en",
                                      source="Test wire"), [ev])
        with serving(create_app(store, token=TOKEN, max_body=100_000)) as running:
            yield running


@pytest.fixture(scope="module")
def client(server):
    with httpx.Client(base_url=server[0], timeout=60) as c:
        yield c


def _ids(events: list[dict]) -> list[str]:
    return [e["event_id"] for e in events]


def test_bound_to_loopback(server):
    _, srv = server
    addresses = {sock.getsockname()[0] for s in srv.servers for sock in s.sockets}
    assert addresses == {"127.0.0.1"}
    from conflictwire.cli import build_parser

    args = build_parser().parse_args(["serve"])
    assert (args.host, args.port, args.token) == ("127.0.0.1", 8000, None)


def test_events_filters_and_paging(client):
    everything = client.get("/api/events", params={"limit": 500}).json()
    assert everything["total"] == 30 and len(everything["events"]) == 30
    expected = _ids(sorted((e.model_dump(mode="json") for e in EVENTS),
                           key=lambda e: (e["event_date"], e["event_id"])))
    assert _ids(everything["events"]) == expected
    first = client.get("/api/events", params={"limit": 7}).json()
    second = client.get("/api/events", params={"limit": 7, "offset": 7}).json()
    assert (first["total"], first["limit"], first["offset"]) == (30, 7, 0)
    assert _ids(first["events"]) + _ids(second["events"]) == expected[:14]
    mali = client.get("/api/events", params={"country": "mli", "limit": 500}).json()
    assert mali["total"] == 20 and all(e["location"]["iso3"] == "MLI" for e in mali["events"])
    battles = client.get("/api/events", params={"type": "battles", "since": "2024-09-05",
                                                "until": "2024-09-08"}).json()
    assert battles["total"] == sum(1 for e in EVENTS if e.event_type == "Battles"
                                   and date(2024, 9, 5) <= e.event_date <= date(2024, 9, 8))
    assert {e["event_type"] for e in battles["events"]} == {"Battles"}
    army = client.get("/api/events", params={"actor": "military forces"}).json()
    assert army["total"] == 15
    near = client.get("/api/events", params={"near": "12.65,-8.0,50", "limit": 3, "offset": 2}).json()
    assert near["total"] == 10 and len(near["events"]) == 3
    assert {e["location"]["name"] for e in near["events"]} == {"Bamako"}
    assert client.get("/api/events", params={"near": "12,nope,5"}).status_code == 422
    assert client.get("/api/events", params={"limit": 501}).status_code == 422
    assert client.get("/api/events", params={"since": "yesterday"}).status_code == 422


def test_one_event_and_404(client):
    found = client.get("/api/events/ev004").json()
    assert found["event"]["event_id"] == "ev004"
    assert found["event"]["notes"] == "<b>note 4</b>"  # JSON only: text is data, never markup
    assert [r["id"] for r in found["reports"]] == ["a004"]
    assert found["reports"][0]["text"] == "Report a004."  # the panel shows the report itself
    assert found["reports"][0]["evidence"][0]["text"] == "evidence 4"
    assert found["claims"][0]["text"] == "claim 4" and found["revisions"] == []
    assert found["coder"] == found["event"]["coder"] == MODEL_CODER
    assert client.get("/api/events/ev002").json()["coder"] == "rules"
    missing = client.get("/api/events/nope")
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/json"


def test_several_types_text_and_map_view(client):
    both = client.get("/api/events", params=[("type", "Battles"), ("type", "Attack")]).json()
    assert both["total"] == 30
    assert client.get("/api/events", params={"q": "Gao"}).json()["total"] == 10
    assert client.get("/api/events", params={"q": "gao jnim evidence"}).json()["total"] == 10
    assert client.get("/api/events", params={"q": "Gao Ouagadougou"}).json()["total"] == 0
    view = client.get("/api/events", params={"bbox": "-9,12,-7,13"}).json()  # around Bamako
    assert view["total"] == 10 and {e["location"]["name"] for e in view["events"]} == {"Bamako"}
    assert client.get("/api/events", params={"bbox": "1,2,3"}).status_code == 422


def test_map_points_and_facets(client):
    found = client.get("/api/points", params={"country": "BFA"}).json()
    assert found["fields"] == ["event_id", "latitude", "longitude", "event_date", "event_type",
                               "sub_event_type", "fatalities", "admin1", "country"]
    points = [dict(zip(found["fields"], row, strict=True)) for row in found["rows"]]
    assert found["total"] == 10 == len(points)
    first = min(points, key=lambda p: p["event_id"])
    assert first == {"event_id": "ev002", "latitude": 12.37, "longitude": -1.52, "event_date": "2024-09-04",
                     "event_type": "Battles", "sub_event_type": "Armed clash", "fatalities": 2,
                     "admin1": "Centre", "country": "Burkina Faso"}
    near = client.get("/api/points", params={"near": "16.27,-0.04,10"}).json()
    assert {row[7] for row in near["rows"]} == {"Gao"} and near["total"] == 10
    facets = client.get("/api/facets").json()
    assert [(c["iso3"], c["events"]) for c in facets["countries"]] == [("BFA", 10), ("MLI", 20)]
    assert "Armed clash" in facets["event_types"]["Battles"] and len(facets["event_types"]) == 6


def test_aggregates(client):
    weekly = client.get("/api/aggregates/weekly").json()
    assert weekly["total"] == {"events": 30, "fatalities": sum(e.fatalities for e in EVENTS)}
    assert {r["week"] for r in weekly["rows"]} == {"2024-W36", "2024-W37"}
    w36 = [r for r in weekly["rows"] if r["week"] == "2024-W36"]
    assert sum(r["events"] for r in w36) == sum(1 for e in EVENTS if e.event_date < date(2024, 9, 9))
    assert all(r["week_start"] == "2024-09-02" for r in w36)
    battles = client.get("/api/aggregates/weekly", params={"type": "Battles", "near": "12.65,-8.0,50"}).json()
    picked = [e for e in EVENTS if e.event_type == "Battles" and e.location is BAMAKO]
    assert battles["total"] == {"events": len(picked), "fatalities": sum(e.fatalities for e in picked)}
    admin = client.get("/api/aggregates/admin1", params={"country": "MLI"}).json()
    assert [(r["admin1"], r["events"]) for r in admin["rows"]] == [("Bamako", 10), ("Gao", 10)]
    assert admin["total"]["fatalities"] == sum(e.fatalities for e in EVENTS if e.location.iso3 == "MLI")


def test_exports(client):
    response = client.get("/api/export.csv", params={"country": "BFA"})
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert tuple(rows[0]) == ACLED_COLUMNS and len(rows) == 11
    geo = client.get("/api/export.geojson", params={"type": "Battles"})
    assert geo.headers["content-type"].startswith("application/geo+json")
    data = geo.json()
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 15
    assert data["features"][0]["geometry"]["type"] == "Point"


def test_openapi_lists_the_paths(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/events", "/api/events/{event_id}", "/api/aggregates/weekly", "/api/aggregates/admin1",
            "/api/export.csv", "/api/export.geojson", "/api/extract", "/api/articles"} <= set(paths)
    home = client.get("/")
    assert home.status_code == 200 and "/docs" in home.text and "/static/dashboard.js" in home.text
    assert client.get("/paste").status_code == 200
    assert client.get("/static/vendor/leaflet.js").status_code == 200


def test_write_needs_the_token(client):
    body = {"id": "x1", "text": "Gunmen attacked a village."}
    none = client.post("/api/articles", json=body)
    assert none.status_code == 401 and "token" in none.json()["detail"]
    wrong = client.post("/api/articles", json=body, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert client.post("/api/articles", json=body, headers={"Authorization": TOKEN}).status_code == 401


def test_no_token_configured_refuses_writes(tmp_path):
    with Store.open(tmp_path / "ro.db") as store, serving(create_app(store)) as (base, _):
        refused = httpx.post(base + "/api/articles", json={"id": "x", "text": "t"},
                             headers={"Authorization": "Bearer anything"})
        assert refused.status_code == 403 and "--token" in refused.json()["detail"]


def test_oversized_bodies_are_refused(client):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    big = {"id": "big", "text": "x" * 200_000}
    assert client.post("/api/articles", json=big, headers=auth).status_code == 413

    def chunks():  # no Content-Length: the cap applies while the body streams in
        yield b'{"id": "big", "text": "'
        for _ in range(50):
            yield b"x" * 10_000
        yield b'"}'

    streamed = client.post("/api/articles", content=chunks(), headers=auth)
    assert streamed.status_code == 413
    assert client.post("/api/extract", json={"text": "y" * 200_000}).status_code == 413


REPORT = ("BAMAKO, Sept 17 (Test wire) - Suspected jihadists attacked a military post in Gao, "
          "northern Mali, on Monday, killing 12 soldiers, the army said.")


def test_post_article_stores_it_and_extract_stores_nothing(client):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    pasted = client.post("/api/extract", json={"text": REPORT, "published": "2024-09-17"})
    assert pasted.status_code == 200
    events = pasted.json()["events"]
    assert events and events[0]["event_type"] and events[0]["fatalities"] == 12
    assert client.get("/api/events", params={"limit": 1}).json()["total"] == 30  # nothing stored

    body = {"id": "wire-1", "text": REPORT, "published": "2024-09-17", "source": "Test wire"}
    stored = client.post("/api/articles", json=body, headers=auth)
    assert stored.status_code == 201, stored.text
    result = stored.json()
    assert result["stored"] and result["created"] + result["updated"]
    new_ids = _ids(result["created"])
    for ident in new_ids:
        assert client.get(f"/api/events/{ident}").json()["reports"][0]["id"] == "wire-1"
    assert client.get("/api/events", params={"limit": 1}).json()["total"] == 30 + len(new_ids)
    again = client.post("/api/articles", json=body, headers=auth)
    assert again.status_code == 200 and not again.json()["stored"] and "already" in again.json()["reason"]
    assert client.post("/api/articles", json={"id": "no-text"}, headers=auth).status_code == 422


def test_cli_serve_subprocess(tmp_path):
    port = free_port()
    env = dict(os.environ, CONFLICTWIRE_TOKEN=TOKEN)
    command = [sys.executable, "-m", "conflictwire.cli", "serve", "--db", str(tmp_path / "c.db"),
               "--port", str(port)]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_ready(base, lambda: proc.poll() is None)
        assert httpx.get(base + "/api/events").json()["total"] == 0
        refused = httpx.post(base + "/api/articles", json={"id": "x", "text": "t"},
                             headers={"Authorization": "Bearer wrong"})
        assert refused.status_code == 401  # the token came from the environment
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_the_servers_toll_policy_and_country_code_what_it_extracts(tmp_path):
    """`serve --tolls acled --country KE`: a party's own count is the toll, and a report that
    names no country is placed in the served one."""
    claim = "Soldiers killed 14 bandits in an ambush on Monday, the army said."
    unplaced = "Unknown gunmen shot dead a trader at the market on Monday."
    with Store.open(tmp_path / "policy.db") as store:
        for tolls, expected in (("conservative", 0), ("acled", 14)):
            app = create_app(store, token=TOKEN, tolls=tolls, country="KEN", extract_workers=0)
            with serving(app) as (base, _), httpx.Client(base_url=base, timeout=120) as c:
                coded = c.post("/api/extract", json={"text": claim, "published": "2025-04-10"}).json()
                assert [e["fatalities"] for e in coded["events"]] == [expected]
                placed = c.post("/api/extract", json={"text": unplaced, "published": "2025-04-10"}).json()
                assert [e["location"]["iso3"] for e in placed["events"]] == ["KEN"]
