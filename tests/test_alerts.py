"""Watch zones and alerts with real servers on 127.0.0.1: a webhook receiver (http.server),
an SMTP server (aiosmtpd) and the API (uvicorn). Events come from a fake extractor given to
`ingest` (these tests are about alerts; tests/test_watch.py runs the real extractor)."""

from __future__ import annotations

import contextlib
import json
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import feedparser
import httpx
import pytest
from alert_servers import receiver, smtp_server
from live_server import free_port, serving, wait_ready

from conflictwire.alerts.deliver import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    Notifier,
    SmtpConfig,
    signature,
    verify,
)
from conflictwire.alerts.models import ZoneSpec
from conflictwire.alerts.records import add_zone, delivery_states, list_alerts, remove_zone, with_alerts
from conflictwire.alerts.zones import matches
from conflictwire.extract.places.gazetteer import haversine_km
from conflictwire.models import Actor, Claim, Event, Evidence, Location
from conflictwire.serve import create_app
from conflictwire.store import Store, ingest

SECRET = "zone-secret-123"
TOKEN = "api-token-456"
CENTRE = (12.65, -8.0)  # Bamako
KM_PER_DEGREE = 111.195  # of latitude, for haversine's 6371 km radius
JNIM = Actor(name="JNIM: Group for Support of Islam and Muslims", type="Rebel group")


def north_of_centre(km: float) -> Location:
    return Location(name=f"Village {km:g} km north <b>&</b>", country="Mali", iso3="MLI", admin1="Koulikoro",
                    latitude=CENTRE[0] + km / KM_PER_DEGREE, longitude=CENTRE[1], geo_precision=1)


def attack(article_id: str, km: float, dead: int, *, day: date = date(2024, 9, 17),
           published: date | None = None, claim: str | None = None) -> Event:
    return Event(
        event_id=f"ev-{article_id}", article_ids=[article_id], event_date=day,
        disorder_type="Political violence", event_type="Violence against civilians", sub_event_type="Attack",
        actor1=JNIM, location=north_of_centre(km), fatalities=dead,
        claims=[Claim(claimant="JNIM", kind="responsibility", text=claim, article_id=article_id)] if claim
        else [],
        evidence=[Evidence(article_id=article_id, start=0, end=20, text=f"Gunmen killed {dead} <people>.")],
        confidence=0.7, published=published or day, source=["Test wire"], notes="market attack",
    )


def ingest_reports(store: Store, tmp_path: Path, reports: dict[str, Event]) -> None:
    """Ingest one JSON Lines file of articles whose events the fake extractor knows."""
    path = tmp_path / f"batch-{len(list(tmp_path.glob('batch-*')))}.jsonl"
    path.write_text("".join(json.dumps({"id": i, "text": f"Report {i}: gunmen attacked a market.",
                                        "published": str(e.published), "language": "en"}) + "\n"
                            for i, e in reports.items()), encoding="utf-8")
    summary = ingest([str(path)], store, extract=lambda a: [reports[a.id]], progress=False)
    assert summary.ok and summary.new == len(reports)


@pytest.fixture
def watched(tmp_path):
    """A store with one zone (25 km around Bamako, webhook and e-mail), its notifier attached."""
    with receiver(SECRET) as hook, smtp_server() as (port, mails), Store.open(tmp_path / "w.db") as store:
        zone = add_zone(store, ZoneSpec(name="Bamako office", latitude=CENTRE[0], longitude=CENTRE[1],
                                        radius_km=25, webhook_url=hook.url, webhook_secret=SECRET,
                                        email="security@example.org"), allow_private=True)
        Notifier(store, smtp=SmtpConfig("127.0.0.1", port), backoff=0.01).attach()
        yield SimpleNamespace(store=store, zone=zone, hook=hook, mails=mails, tmp=tmp_path)


@contextlib.contextmanager
def api(store: Store):
    with serving(create_app(store, token=TOKEN)) as (base, _), \
            httpx.Client(base_url=base, timeout=10) as client:
        yield client


def atom_entries(client: httpx.Client, zone_id: int) -> list[ET.Element]:
    response = client.get(f"/zones/{zone_id}/alerts.atom")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # well-formed XML, whatever the report text held
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    for tag in ("id", "title", "updated", "author/a:name"):
        assert root.find(f"a:{tag}", ns) is not None, tag
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    entries = root.findall("a:entry", ns)
    assert all(e.find("a:id", ns) is not None and e.find("a:updated", ns) is not None for e in entries)
    return entries


def test_attack_12_km_away_alerts_once_by_each_channel_and_60_km_away_does_not(watched):
    near = attack("near", 12, 5)
    distance = haversine_km(*CENTRE, near.location.latitude, near.location.longitude)
    assert distance == pytest.approx(12, abs=0.01)
    ingest_reports(watched.store, watched.tmp, {"near": near})
    assert [r["signed"] for r in watched.hook.requests] == [True]
    (alert,) = watched.hook.alerts
    assert alert["kind"] == "new" and alert["zone_name"] == "Bamako office"
    assert alert["event"]["event_id"] == "ev-near"
    assert alert["event"]["distance_km"] == pytest.approx(12, abs=0.1)
    assert alert["event"]["fatalities"] == 5 and alert["event"]["evidence"] == ["Gunmen killed 5 <people>."]
    (mail,) = watched.mails
    assert mail["To"] == "security@example.org" and "Bamako office: new event" in mail["Subject"]
    assert mail["Message-ID"].startswith(f"<{alert['uid']}.email.")  # its idempotency key
    assert "Gunmen killed 5 <people>." in mail.get_payload(decode=True).decode()

    ingest_reports(watched.store, watched.tmp, {"far": attack("far", 60, 9, day=date(2024, 9, 20))})
    assert len(watched.hook.requests) == 1 and len(watched.mails) == 1
    assert [a.event_id for a in list_alerts(watched.store)] == ["ev-near"]
    assert {d["state"] for d in delivery_states(watched.store)} == {"delivered"}
    with api(watched.store) as client:
        (entry,) = atom_entries(client, watched.zone.id)
    assert "Village 12 km north <b>&</b>" in ET.tostring(entry, encoding="unicode").replace("&lt;", "<") \
        .replace("&gt;", ">").replace("&amp;", "&")


def test_a_higher_toll_alerts_again_as_an_update(watched):
    ingest_reports(watched.store, watched.tmp, {"first": attack("first", 12, 5)})
    later = attack("second", 14, 8, published=date(2024, 9, 18), claim="JNIM said it carried out the attack")
    ingest_reports(watched.store, watched.tmp, {"second": later})
    first, update = sorted(watched.hook.alerts, key=lambda a: a["id"])
    assert (first["kind"], update["kind"]) == ("new", "update")
    assert update["event_id"] == first["event_id"] == "ev-first"  # one event, merged
    assert "fatalities 5 → 8" in update["changes"] and "reports 1 → 2" in update["changes"]
    assert any(c.startswith("claim by JNIM (responsibility)") for c in update["changes"])
    assert update["event"]["fatalities"] == 8 and update["event"]["reports"] == 2
    assert len(watched.mails) == 2 and "Bamako office: update" in watched.mails[1]["Subject"]
    assert "fatalities 5 → 8" in watched.mails[1].get_payload(decode=True).decode()
    # The same report again changes nothing and alerts nobody.
    summary = ingest([str(sorted(watched.tmp.glob("batch-*"))[-1])], watched.store,
                     extract=lambda a: [later], progress=False)
    assert summary.new == 0 and len(watched.hook.requests) == 2


def test_a_receiver_that_fails_twice_gets_the_alert_exactly_once(tmp_path):
    with receiver(SECRET, fail_first=2) as hook, Store.open(tmp_path / "f.db") as store:
        add_zone(store, ZoneSpec(name="z", latitude=CENTRE[0], longitude=CENTRE[1], radius_km=25,
                                 webhook_url=hook.url, webhook_secret=SECRET), allow_private=True)
        Notifier(store, tries=3, backoff=0.1).attach()
        ingest_reports(store, tmp_path, {"a": attack("a", 12, 5)})
        assert len(hook.requests) == 3
        times = [r["at"] for r in hook.requests]
        first_gap, second_gap = times[1] - times[0], times[2] - times[1]
        assert 0.1 <= first_gap < second_gap and second_gap >= 0.2  # exponential backoff
        assert len({r["key"] for r in hook.requests}) == 1  # every retry carries the same key
        assert len(hook.accepted) == 1
        (delivery,) = delivery_states(store)
        assert (delivery["state"], delivery["attempts"], delivery["last_error"]) == ("delivered", 3, None)


def test_the_outbox_keeps_alerts_until_they_are_delivered(tmp_path):
    """Alerts recorded with the event are delivered by a later run when this one could not."""
    with receiver(SECRET, fail_first=10**6) as hook:
        with with_alerts(Store.open(tmp_path / "o.db")) as store:
            add_zone(store, ZoneSpec(name="z", latitude=CENTRE[0], longitude=CENTRE[1], radius_km=25,
                                     webhook_url=hook.url, webhook_secret=SECRET), allow_private=True)
            ingest_reports(store, tmp_path, {"a": attack("a", 12, 5)})  # no notifier: the process "dies"
            (pending,) = delivery_states(store)
            assert (pending["state"], pending["attempts"]) == ("pending", 0)
            done = Notifier(store, tries=2, backoff=0.01, retry_after=0).deliver_due()
            assert (done.delivered, done.waiting) == (0, 1)
            (failed,) = delivery_states(store)
            assert (failed["state"], failed["attempts"], failed["last_error"]) == ("pending", 2, "HTTP 500")
        hook.fail_first = 0
        with Store.open(tmp_path / "o.db") as store:  # the next run
            assert Notifier(store, retry_after=0).deliver_due().delivered == 1
            assert Notifier(store, retry_after=0).deliver_due().delivered == 0  # nothing twice
            assert delivery_states(store)[0]["state"] == "delivered"
    assert len(hook.accepted) == 1


def test_zone_conditions_and_polygons(tmp_path):
    ring = [[-8.2, 12.5], [-7.8, 12.5], [-7.8, 12.9], [-8.2, 12.9], [-8.2, 12.5]]  # lon, lat
    feature = {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]}}
    poly = ZoneSpec(name="box", polygon=feature)
    assert poly.polygon["type"] == "Polygon"
    with with_alerts(Store.open(tmp_path / "c.db")) as store:
        box = add_zone(store, poly)
        assert matches(box, attack("in", 12, 1)) and not matches(box, attack("out", 60, 1))
        toll = add_zone(store, ZoneSpec(name="toll", latitude=CENTRE[0], longitude=CENTRE[1], radius_km=25,
                                        min_fatalities=6, actors=["jnim"], event_types=["attack"]))
        battles = add_zone(store, ZoneSpec(name="battles", latitude=CENTRE[0], longitude=CENTRE[1],
                                           radius_km=25, event_types=["Battles"]))
        assert matches(toll, attack("x", 12, 6)) and not matches(toll, attack("x", 12, 5))
        assert not matches(battles, attack("x", 12, 50))
        ingest_reports(store, tmp_path, {"low": attack("low", 12, 5)})
        ingest_reports(store, tmp_path, {"high": attack("high", 12, 7, published=date(2024, 9, 18))})
        by_zone = {(a.zone_name, a.kind) for a in list_alerts(store)}
    # The toll zone hears of the event when its toll reaches the threshold: news to it.
    assert by_zone == {("box", "new"), ("box", "update"), ("toll", "new")}
    for bad in ({"name": "x", "latitude": 1, "longitude": 1},  # no radius
                {"name": "x", "polygon": {"type": "Point", "coordinates": [1, 1]}},
                {"name": "x", "polygon": {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [0, 1], [1, 0],
                                                                               [0, 0]]]}},  # a bow tie
                {"name": "x", "latitude": 1, "longitude": 1, "radius_km": 5, "webhook_url": "file:///etc/x",
                 "webhook_secret": SECRET},
                {"name": "x", "latitude": 1, "longitude": 1, "radius_km": 5, "webhook_url": "http://h/x"},
                {"name": "x", "latitude": 1, "longitude": 1, "radius_km": 5, "email": "a@b.c\nBcc: x@y.z"},
                {"name": "x\x00", "latitude": 1, "longitude": 1, "radius_km": 5},
                {"name": "x", "latitude": 1, "longitude": 1, "radius_km": 5, "actors": ["a\x00"]}):
        with pytest.raises(ValueError):
            ZoneSpec.model_validate(bad)


def test_zones_and_alerts_api(watched):
    body = {"name": "Gao <base> & co", "latitude": 16.27, "longitude": -0.04, "radius_km": 30,
            "event_types": ["Battles"], "webhook_url": "https://hooks.example.org/T0K3N",
            "webhook_secret": "another-secret", "email": "ops@example.org"}
    with api(watched.store) as client:
        assert client.post("/api/zones", json=body).status_code == 401
        auth = {"Authorization": f"Bearer {TOKEN}"}
        bad = client.post("/api/zones", json=dict(body, webhook_url="ftp://x/y"), headers=auth)
        assert bad.status_code == 422
        made = client.post("/api/zones", json=body, headers=auth)
        assert made.status_code == 201
        zone = made.json()
        assert zone["name"] == body["name"] and zone["channels"] == ["webhook", "email", "atom"]
        assert not {"webhook_url", "webhook_secret", "email"} & set(zone)  # the open API hides them
        listed = client.get("/api/zones").json()["zones"]
        assert [z["name"] for z in listed] == ["Bamako office", body["name"]]
        assert "T0K3N" not in client.get("/api/zones").text

        ingest_reports(watched.store, watched.tmp, {"near": attack("near", 12, 5)})
        alerts = client.get("/api/alerts", params={"limit": 5}).json()["alerts"]
        assert [(a["zone_id"], a["kind"], a["event_id"]) for a in alerts] == [
            (watched.zone.id, "new", "ev-near")]
        assert set(alerts[0]["event"]) >= {"event_type", "location", "latitude", "longitude", "fatalities",
                                           "evidence", "distance_km"}
        assert client.get("/api/alerts", params={"zone": zone["id"]}).json() == {"alerts": []}
        assert client.get("/api/alerts", params={"limit": 0}).status_code == 422
        assert len(atom_entries(client, watched.zone.id)) == 1
        assert atom_entries(client, zone["id"]) == []
        assert client.get("/zones/999/alerts.atom").status_code == 404

        assert client.delete(f"/api/zones/{zone['id']}").status_code == 401
        assert client.delete(f"/api/zones/{zone['id']}", headers=auth).status_code == 204
        assert client.delete(f"/api/zones/{zone['id']}", headers=auth).status_code == 404
        assert [z["id"] for z in client.get("/api/zones").json()["zones"]] == [watched.zone.id]


def test_alerts_on_postgresql_keep_the_id_the_event_was_first_given(pg_url, tmp_path):
    with receiver(SECRET) as hook, Store.open(pg_url) as store:
        zone = add_zone(store, ZoneSpec(name="z", latitude=CENTRE[0], longitude=CENTRE[1], radius_km=25,
                                        webhook_url=hook.url, webhook_secret=SECRET), allow_private=True)
        Notifier(store, backoff=0.01).attach()
        ingest_reports(store, tmp_path, {"zz": attack("zz", 12, 5)})
        # A later report whose own id is smaller: the event keeps its first id, the other is an alias.
        ingest_reports(store, tmp_path, {"aa": attack("aa", 13, 6, published=date(2024, 9, 18))})
        found = list_alerts(store)
        assert [(a.kind, a.event_id) for a in found] == [("update", "ev-zz"), ("new", "ev-zz")]
        assert store.event("ev-aa")["event"].event_id == "ev-zz" and len(hook.accepted) == 2
        assert remove_zone(store, zone.id) and list_alerts(store) == [] and delivery_states(store) == []


def test_webhook_signature():
    body = b'{"alert": 1}'
    headers = {TIMESTAMP_HEADER: "1700000000", SIGNATURE_HEADER: signature(SECRET, "1700000000", body)}
    assert headers[SIGNATURE_HEADER].startswith("sha256=") and verify(SECRET, headers, body)
    assert not verify(SECRET, headers, body + b" ")
    assert not verify("another-secret", headers, body)
    assert not verify(SECRET, dict(headers, **{TIMESTAMP_HEADER: "1700000001"}), body)
    assert not verify(SECRET, {}, body)


def test_serve_delivers_the_alerts_of_a_posted_article(tmp_path):
    """`conflictwire serve`: an article POSTed to /api/articles that reports an attack inside a
    zone is stored, and its alert reaches the zone's webhook (the real extractor, in the server)."""
    import os
    import subprocess
    import sys

    db = tmp_path / "served.db"
    with receiver(SECRET) as hook:
        with Store.open(db) as store:
            add_zone(store, ZoneSpec(name="Bamako office", latitude=CENTRE[0], longitude=CENTRE[1],
                                     radius_km=40, webhook_url=hook.url, webhook_secret=SECRET),
                                 allow_private=True)
        port = free_port()
        env = dict(os.environ, CONFLICTWIRE_TOKEN=TOKEN, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
        server = subprocess.Popen([sys.executable, "-m", "conflictwire.cli", "serve", "--db", str(db),
                                   "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, text=True)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_ready(base, lambda: server.poll() is None, timeout=60)
            report = {"id": "wire-kati", "published": "2024-09-18", "language": "en", "source": "Test wire",
                      "text": "BAMAKO, Sept 18 (Test wire) - Gunmen killed seven civilians in an attack on a "
                              "market in Kati, Mali, on Tuesday, local officials said."}
            stored = httpx.post(base + "/api/articles", json=report, timeout=120,
                                headers={"Authorization": f"Bearer {TOKEN}"})
            assert stored.status_code == 201, stored.text
            assert stored.json()["created"], stored.json()
            hook.arrived.wait(10)
        finally:
            server.terminate()
            server.wait(30)
    assert len(hook.alerts) == 1, server.stderr.read()
    alert = hook.alerts[0]
    assert alert["kind"] == "new" and alert["zone_name"] == "Bamako office"
    assert alert["event"]["fatalities"] == 7
