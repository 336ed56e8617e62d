"""Stable event ids end to end (issue 16): the id a webhook carried for a report still finds
the event after a follow-up merges into it and after a later report splits it, from the
command line, the API and the dashboard, on SQLite and PostgreSQL. Real servers on 127.0.0.1
(webhook receiver, uvicorn, headless Chromium); events come from a fake extractor given to
`ingest` (the store, not extraction, is under test)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import httpx
import pytest
from alert_servers import receiver
from live_server import serving
from test_alerts import CENTRE, SECRET, attack, ingest_reports

from conflictwire.alerts.deliver import Notifier
from conflictwire.alerts.models import ZoneSpec
from conflictwire.alerts.records import add_zone
from conflictwire.serve import create_app
from conflictwire.store import Store

ROOT = Path(__file__).resolve().parents[1]
NEXT_DAY = date(2024, 9, 18)


def cli_event(db: str, event_id: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), COLUMNS="200")
    return subprocess.run([sys.executable, "-m", "conflictwire.cli", "event", event_id, "--db", db],
                          capture_output=True, text=True, env=env, timeout=120)


def dashboard_panel_event(base: str, event_id: str) -> str:
    """The event id of the panel the dashboard opens for a link to `event_id`."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    from test_dashboard import CHROMIUM_ARGS, _chromium

    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS)
        try:
            tab = browser.new_page()
            tab.goto(f"{base}/?event={event_id}")
            tab.wait_for_selector("#panel:not([hidden]) .event-card", timeout=20_000)
            return tab.get_attribute("#panel .event-card", "data-event") or ""
        finally:
            browser.close()


def assert_found_everywhere(db: str, base: str, held: str, canonical: str) -> None:
    shown = cli_event(db, held)
    assert shown.returncode == 0, shown.stderr
    assert f"Event {canonical}" in shown.stdout
    answer = httpx.get(f"{base}/api/events/{held}", timeout=30)
    assert answer.status_code == 200 and answer.json()["event"]["event_id"] == canonical
    assert dashboard_panel_event(base, held) == canonical


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "ids.db")
    return request.getfixturevalue("pg_url")


def test_the_id_a_webhook_carried_finds_the_event_after_a_merge_and_a_split(db_url, tmp_path):
    with receiver(SECRET) as hook, Store.open(db_url) as store:
        add_zone(store, ZoneSpec(name="Bamako office", latitude=CENTRE[0], longitude=CENTRE[1], radius_km=40,
                                 webhook_url=hook.url, webhook_secret=SECRET), allow_private=True)
        Notifier(store, backoff=0.01).attach()
        ingest_reports(store, tmp_path, {"zz": attack("zz", 12, 5)})
        [first] = hook.alerts
        held = first["event"]["event_id"]
        # A follow-up with a revised toll, placed only near a town (coarser), whose own id sorts
        # first: the event keeps the held id.
        follow_up = attack("aa", 13, 6, published=NEXT_DAY)
        follow_up.location.geo_precision = 2
        ingest_reports(store, tmp_path, {"aa": follow_up})
        assert {a["event"]["event_id"] for a in hook.alerts} == {held}
        with serving(create_app(store)) as (base, _):
            assert_found_everywhere(db_url, base, held, held)
            assert_found_everywhere(db_url, base, "ev-aa", held)
            # A third report 25 km away agrees with the follow-up only: the follow-up was another
            # attack. It splits off under its own id; both ids stay resolvable.
            ingest_reports(store, tmp_path, {"kk": attack("kk", 35, 6, published=NEXT_DAY)})
            assert_found_everywhere(db_url, base, held, held)
            assert_found_everywhere(db_url, base, "ev-aa", "ev-aa")
            assert httpx.get(f"{base}/api/events/ev-kk", timeout=30).json()["event"]["event_id"] == "ev-aa"
        assert {a["event"]["event_id"] for a in hook.alerts} == {held, "ev-aa"}
