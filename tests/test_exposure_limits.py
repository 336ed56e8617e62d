"""Issue 17, the rest: alert targets checked at each delivery, anonymous clients limited to a few
requests in flight, map points and exports paged; real servers on 127.0.0.1, no mocks."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx
from alert_servers import receiver, smtp_server
from live_server import serving
from test_exposure import BAMAKO, SECRET, TOKEN, article

from conflictwire.alerts.deliver import Notifier, SmtpConfig
from conflictwire.alerts.models import ZoneSpec
from conflictwire.alerts.records import add_zone, delivery_states
from conflictwire.serve import create_app
from conflictwire.serve.app import MAX_EXPORT, MAX_POINTS
from conflictwire.store import Store

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _zone(store: Store, name: str, allow_private: bool, **channels: str) -> None:
    add_zone(store, ZoneSpec(name=name, latitude=BAMAKO[0], longitude=BAMAKO[1], radius_km=40, **channels),
             allow_private=allow_private)


def _errors(store: Store) -> list[str]:
    return [d["last_error"] or "" for d in delivery_states(store)]


def test_a_webhook_name_that_now_resolves_to_loopback_is_refused_at_delivery(tmp_path: Path):
    """'localhost' stands for a public name whose DNS answers 127.0.0.1 after the zone was saved."""
    with receiver(SECRET) as hook, Store.open(tmp_path / "w.db") as store:
        rebound = hook.url.replace("127.0.0.1", "localhost")
        _zone(store, "rebound", False, webhook_url=rebound, webhook_secret=SECRET)
        Notifier(store, tries=1, retry_after=0).attach()
        with serving(create_app(store, token=TOKEN)) as (base, _):
            posted = httpx.post(f"{base}/api/articles", json=article(1), headers=AUTH, timeout=60)
            assert posted.status_code == 201
        assert hook.requests == []  # nothing reached the loopback receiver
        assert any("refused" in e and "loopback" in e for e in _errors(store)), _errors(store)
        # the operator's --allow-private on the delivering command lets it through
        allowed = Notifier(store, tries=1, retry_after=0, allow_private=True)
        assert allowed.deliver_due(waiting_too=True).delivered
        assert len(hook.accepted) == 1


def test_a_zone_saved_with_the_allowance_is_delivered_to_its_private_webhook(tmp_path: Path):
    with receiver(SECRET) as hook, Store.open(tmp_path / "a.db") as store:
        _zone(store, "office", True, webhook_url=hook.url, webhook_secret=SECRET)
        Notifier(store, tries=1).attach()
        with serving(create_app(store, token=TOKEN)) as (base, _):
            httpx.post(f"{base}/api/articles", json=article(2), headers=AUTH, timeout=60)
        assert len(hook.accepted) == 1 and not any(_errors(store))


def test_an_email_to_a_private_ip_is_not_handed_to_the_relay(tmp_path: Path):
    with smtp_server() as (port, mails), Store.open(tmp_path / "m.db") as store:
        _zone(store, "literal", False, email="ops@[127.0.0.1]")
        _zone(store, "named", False, email="ops@example.org")
        Notifier(store, smtp=SmtpConfig("127.0.0.1", port), tries=1, retry_after=0).attach()
        with serving(create_app(store, token=TOKEN)) as (base, _):
            httpx.post(f"{base}/api/articles", json=article(3), headers=AUTH, timeout=60)
            refused = httpx.post(f"{base}/api/zones", headers=AUTH, json={
                "name": "z", "latitude": 1, "longitude": 1, "radius_km": 5, "email": "a@[10.0.0.5]"})
        assert [m["To"] for m in mails] == ["ops@example.org"]
        assert any("127.0.0.1 is a loopback address" in e for e in _errors(store)), _errors(store)
        assert refused.status_code == 422 and "private" in refused.text


def _stalled(port: int, source: str) -> socket.socket:
    """A request from `source` whose body never comes: it stays in flight."""
    sock = socket.create_connection(("127.0.0.1", port), source_address=(source, 0))
    sock.sendall(b"POST /api/extract HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 b"Content-Length: 100\r\n\r\n{")
    return sock


def test_an_address_gets_a_few_requests_in_flight_and_others_are_not_held_up(tmp_path: Path):
    with Store.open(tmp_path / "c.db") as store, \
            serving(create_app(store, token=TOKEN, per_client=2)) as (base, _):
        port = int(base.rsplit(":", 1)[1])
        held = [_stalled(port, "127.0.0.3") for _ in range(2)]
        same = httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.3"))
        other = httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2"))
        refused = same.get(f"{base}/api/facets")
        assert refused.status_code == 429 and refused.headers["retry-after"], refused.text
        assert other.get(f"{base}/api/facets").status_code == 200
        assert same.get(f"{base}/api/facets", headers=AUTH).status_code == 200  # the token is not counted
        for sock in held:
            sock.close()
        codes = []
        for _ in range(50):  # the server sees the disconnections
            codes.append(same.get(f"{base}/api/facets").status_code)
            if codes[-1] == 200:
                break
        assert codes[-1] == 200, codes


def test_map_points_and_exports_are_paged(tmp_path: Path):
    with Store.open(tmp_path / "e.db") as store, serving(create_app(store, token=TOKEN)) as (base, _):
        for n, town in enumerate(["Kati", "Mopti", "Gao"]):
            text = f"Gunmen killed {n + 2} civilians in {town}, Mali, on Tuesday, officials said."
            httpx.post(f"{base}/api/articles", headers=AUTH, timeout=60,
                       json={"id": f"p{n}", "published": "2024-09-18", "language": "en", "text": text})
        whole = httpx.get(f"{base}/api/points").json()
        assert whole["total"] >= 3 and len(whole["rows"]) == whole["total"] and whole["limit"] == MAX_POINTS
        page = httpx.get(f"{base}/api/points", params={"limit": 1, "offset": 1}).json()
        assert page["total"] == whole["total"] and page["rows"] == whole["rows"][1:2]
        assert httpx.get(f"{base}/api/points", params={"limit": MAX_POINTS + 1}).status_code == 422
        csv = httpx.get(f"{base}/api/export.csv", params={"limit": 2})
        assert int(csv.headers["x-total-count"]) == whole["total"] and len(csv.text.strip().splitlines()) == 3
        geo = httpx.get(f"{base}/api/export.geojson", params={"limit": 1, "offset": 2})
        assert len(geo.json()["features"]) <= 1
        assert httpx.get(f"{base}/api/export.csv", params={"limit": MAX_EXPORT + 1}).status_code == 422
