"""Delivery state in sight (issue 16): with the webhook receiver down, an alert shows as
waiting, with its next try, from the command line, the API and the dashboard; once the
receiver is back, `alerts deliver` delivers it exactly once and it shows as delivered.
Real servers on 127.0.0.1 (a port with nothing listening, then the receiver on that port;
uvicorn; headless Chromium); events come from a fake extractor given to `ingest`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from alert_servers import free_port, receiver
from live_server import serving
from test_alerts import CENTRE, SECRET, attack, ingest_reports

from conflictwire.alerts.deliver import Notifier
from conflictwire.alerts.models import ZoneSpec
from conflictwire.alerts.records import add_zone, list_alerts
from conflictwire.serve import create_app
from conflictwire.store import Store

ROOT = Path(__file__).resolve().parents[1]


def cli(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), COLUMNS="300")
    return subprocess.run([sys.executable, "-m", "conflictwire.cli", *args], capture_output=True, text=True,
                          env=env, timeout=120)


def dashboard_delivery_states(base: str) -> list[str]:
    """The delivery states the dashboard's alert list shows (data-state of each)."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    from test_dashboard import CHROMIUM_ARGS, _chromium

    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS)
        try:
            tab = browser.new_page()
            tab.goto(base + "/")
            tab.wait_for_selector("#alerts-list[data-ready]", state="attached", timeout=20_000)
            spans = tab.locator("#alerts-list .delivery")
            return [f"{spans.nth(i).get_attribute('data-state')}: {spans.nth(i).inner_text()}"
                    for i in range(spans.count())]
        finally:
            browser.close()


def api_delivery_states(base: str) -> list[dict]:
    [alert] = httpx.get(base + "/api/alerts", timeout=30).json()["alerts"]
    return alert["deliveries"]


def test_an_alert_waits_while_the_receiver_is_down_then_is_delivered_once(tmp_path):
    db = str(tmp_path / "down.db")
    port = free_port()  # nothing listens there yet: the receiver is down
    with Store.open(db) as store:
        add_zone(store, ZoneSpec(name="Bamako office", latitude=CENTRE[0], longitude=CENTRE[1], radius_km=25,
                                 webhook_url=f"http://127.0.0.1:{port}/hook", webhook_secret=SECRET),
                             allow_private=True)
        Notifier(store, tries=1, retry_after=600.0, timeout=2).attach()  # next try in 10 min
        ingest_reports(store, tmp_path, {"r1": attack("r1", 12, 5)})
        [alert] = list_alerts(store)
        [delivery] = alert.deliveries
        assert delivery.state == "waiting" and delivery.attempts == 1 and delivery.next_attempt_at is not None

        listed = cli("alerts", "list", "--db", db)
        assert listed.returncode == 0 and "webhook waiting (next try" in listed.stdout, listed.stderr
        too_early = cli("alerts", "deliver", "--db", db)  # not due yet: nothing tried, one counted waiting
        assert too_early.returncode == 1
        assert "0 delivered, 1 waiting for a next try, 0 failed for good" in too_early.stderr
        assert "1 alert not yet delivered" in too_early.stderr
        assert list_alerts(store)[0].deliveries[0].attempts == 1  # not tried before its time
        with serving(create_app(store)) as (base, _):
            [shown] = api_delivery_states(base)
            assert shown["channel"] == "webhook" and shown["state"] == "waiting" and shown["next_attempt_at"]
            assert "destination" not in shown  # the open API does not tell where alerts go
            [on_page] = dashboard_delivery_states(base)
            assert on_page.startswith("waiting: webhook waiting, next try")

            with receiver(SECRET, port=port) as hook:  # the receiver is back
                done = cli("alerts", "deliver", "--now", "--db", db)  # not waiting 10 min
                assert done.returncode == 0, done.stderr
                assert "1 delivered, 0 waiting for a next try, 0 failed for good" in done.stderr
                again = cli("alerts", "deliver", "--now", "--db", db)
                assert again.returncode == 0 and "0 delivered, 0 waiting" in again.stderr
                assert len(hook.requests) == 1 and len(hook.alerts) == 1  # exactly once
                assert hook.alerts[0]["event"]["event_id"] == alert.event_id
            assert [d["state"] for d in api_delivery_states(base)] == ["delivered"]
            assert dashboard_delivery_states(base) == ["delivered: webhook delivered"]
        listed = cli("alerts", "list", "--db", db)
        assert "webhook delivered" in listed.stdout


def test_ingest_ends_naming_the_alerts_not_yet_delivered(tmp_path):
    """`conflictwire ingest` (the real extractor) with the zone's receiver down: the report is
    stored, and the run's last line names its alert as waiting."""
    db = str(tmp_path / "ingest.db")
    with Store.open(db) as store:
        add_zone(store, ZoneSpec(name="Bamako office", latitude=CENTRE[0], longitude=CENTRE[1], radius_km=40,
                                 webhook_url=f"http://127.0.0.1:{free_port()}/hook", webhook_secret=SECRET),
                             allow_private=True)
    report = tmp_path / "kati.jsonl"
    report.write_text(json.dumps({
        "id": "wire-kati", "published": "2024-09-18", "language": "en", "source": "Test wire",
        "text": "BAMAKO, Sept 18 (Test wire) - Gunmen killed seven civilians in an attack on a market in "
                "Kati, Mali, on Tuesday, local officials said."}) + "\n", encoding="utf-8")
    done = cli("ingest", str(report), "--db", db, "--no-progress")
    assert done.returncode == 0, done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("1 alert not yet delivered: 1 (webhook waiting (next try"), done.stderr
