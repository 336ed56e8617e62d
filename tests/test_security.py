"""Security of the served store: a real uvicorn server on 127.0.0.1 over a real SQLite store.

- hostile filter values (SQL, LIKE wildcards, NUL bytes, huge values) are data: the answer is
  200 or 422, never 500, and the store is untouched (every query is parameterised);
- no file outside the static folder is ever served, however the path is spelt;
- write endpoints need the token, and a token of the right length but wrong is refused;
- request bodies and query values are capped;
- webhook URLs must be http(s).
(Report HTML shown as text on the page is tested in a real browser: tests/test_dashboard.py.)
"""

from __future__ import annotations

from datetime import date

import httpx
import pytest
from live_server import serving
from pydantic import ValidationError

from conflictwire.alerts.models import ZoneSpec
from conflictwire.models import Actor, Article, Event, Location
from conflictwire.serve import create_app
from conflictwire.store import Store

TOKEN = "correct-horse-battery"
HOSTILE_VALUES = ["' OR 1=1 --", "'; DROP TABLE events; --", "%", "_", "\\", "\x00", "Bamako\x00' --",
                  "\" OR \"\"=\"", "1; SELECT pg_sleep(5)", "☃" * 200, "a" * 5000, "../../etc/passwd"]
JNIM = Actor(name="JNIM: Group for Support of Islam and Muslims", type="Rebel group")
BAMAKO = Location(name="Bamako", country="Mali", iso3="MLI", latitude=12.65, longitude=-8.0, geo_precision=1)
FILTERS = ["country", "type", "actor", "q", "near", "bbox", "since", "until"]


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    path = tmp_path_factory.mktemp("security") / "events.db"
    with Store.open(path) as store:
        for n in range(3):  # ten days apart: three events, none merged
            day = date(2024, 9, 1 + 10 * n)
            event = Event(event_id=f"ev{n}", article_ids=[f"a{n}"], event_date=day,
                          disorder_type="Political violence", event_type="Battles",
                          sub_event_type="Armed clash", actor1=JNIM, location=BAMAKO, fatalities=n)
            store.add_article(Article(id=f"a{n}", text=f"Report {n} from Bamako.", published=day), [event])
        with serving(create_app(store, token=TOKEN, max_body=50_000)) as (url, _):
            yield url


@pytest.mark.parametrize("name", FILTERS)
def test_hostile_filter_values_are_data_and_leave_the_store_untouched(base, name):
    for value in HOSTILE_VALUES:
        for path in ("/api/events", "/api/points", "/api/aggregates/weekly", "/api/export.csv"):
            response = httpx.get(base + path, params={name: value}, timeout=30)
            assert response.status_code in (200, 422), (path, name, value, response.text)
    assert httpx.get(base + "/api/events").json()["total"] == 3


@pytest.mark.parametrize("path", [
    "/static/../store/db.py", "/static/%2e%2e/store/db.py", "/static/..%2fstore%2fdb.py",
    "/static/%2e%2e%2f%2e%2e%2fpyproject.toml", "/static//etc/passwd", "/static/..\\store\\db.py",
    "/static/vendor/../../app.py", "/static/%00", "/zones/..%2f..%2fetc/alerts.atom",
])
def test_no_file_outside_the_static_folder_is_served(base, path):
    response = httpx.get(base + path)
    assert response.status_code in (400, 404, 422), (path, response.status_code)
    assert "import" not in response.text and "root:" not in response.text


def test_writes_need_the_right_token(base):
    article = {"id": "w1", "text": "A report."}
    for headers in ({}, {"Authorization": "Bearer"}, {"Authorization": f"Bearer {'x' * len(TOKEN)}"},
                    {"Authorization": f"Bearer {TOKEN[:-1]}"}, {"Authorization": f"Basic {TOKEN}"}):
        assert httpx.post(base + "/api/articles", json=article, headers=headers).status_code == 401
        assert httpx.post(base + "/api/zones", json={"name": "z", "latitude": 1, "longitude": 1,
                                                     "radius_km": 5}, headers=headers).status_code == 401


def test_bodies_and_query_values_are_capped(base):
    big = {"id": "big", "text": "x" * 60_000}
    assert httpx.post(base + "/api/extract", json=big).status_code == 413
    assert httpx.post(base + "/api/articles", json=big,
                      headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 413
    assert httpx.get(base + "/api/events", params={"q": "a" * 300}).status_code == 422
    assert httpx.get(base + "/api/events", params={"limit": 10_000}).status_code == 422


@pytest.mark.parametrize("url", ["file:///etc/passwd", "javascript:alert(1)", "ftp://example.org/x",
                                 "gopher://127.0.0.1:25/", "http://", "//example.org/hook"])
def test_webhook_urls_must_be_http_or_https(url):
    with pytest.raises(ValidationError):
        ZoneSpec(name="z", latitude=1, longitude=1, radius_km=5, webhook_url=url, webhook_secret="s" * 16)
