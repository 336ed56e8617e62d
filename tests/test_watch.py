"""`conflictwire watch` against a local feed server (http.server in a thread) with the real
extractor on generated reports (tests/conftest.py `write_reports`), a real webhook receiver,
and a subprocess stopped by SIGTERM."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, date, datetime
from email.utils import format_datetime
from pathlib import Path

import pytest
from alert_servers import feed_server, receiver, rss
from conftest import ROOT, write_reports

from conflictwire.alerts.deliver import Notifier
from conflictwire.alerts.models import ZoneSpec
from conflictwire.alerts.records import add_zone, feed_states, list_alerts
from conflictwire.alerts.watch import Watcher, parse_duration, read_feeds
from conflictwire.store import Store

SECRET = "watch-secret-1"
MOPTI = (14.4843, -4.18296)  # where the gazetteer puts Mopti
ZONE_CENTRE = (MOPTI[0] - 12 / 111.195, MOPTI[1])  # 12 km south of it
MALFORMED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Broken &amp feed</titl'


def items(reports: list[dict]) -> list[dict]:
    return [dict(r, published=format_datetime(datetime.combine(date.fromisoformat(r["published"]),
                                                               datetime.min.time(), UTC))) for r in reports]


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> list[dict]:
    """Mopti's attack (5 dead, then 7 the next day), then Djibo's (6, then 8)."""
    return items(write_reports(tmp_path_factory.mktemp("reports"), 4))


def feeds_file(tmp_path: Path, *urls: str) -> Path:
    path = tmp_path / "feeds.txt"
    path.write_text("# the watcher's feeds\n\n" + "\n".join(f"{u}  # a wire" for u in urls) + "\n")
    return path


def wait_for(condition, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.05)


def article_ids(store: Store) -> list[str]:
    import sqlalchemy as sa

    from conflictwire.store.schema import articles

    with store.engine.connect() as conn:
        return sorted(r.id for r in conn.execute(sa.select(articles.c.id)))


def test_watcher_survives_errors_and_keeps_its_place(tmp_path, reports, caplog):
    caplog.set_level(logging.INFO)
    script = [("feed", rss(reports[:2])), ("status", 500), ("sleep", 1.5), ("bytes", MALFORMED),
              ("feed", rss(reports[:3]))]
    with receiver(SECRET) as hook, feed_server(script) as feed, Store.open(tmp_path / "w.db") as store:
        add_zone(store, ZoneSpec(name="Mopti office", latitude=ZONE_CENTRE[0], longitude=ZONE_CENTRE[1],
                                 radius_km=25, webhook_url=hook.url, webhook_secret=SECRET),
                             allow_private=True)
        watcher = Watcher(store, feeds_file(tmp_path, feed.url), every=0.05, timeout=0.5, follow=False,
                          allow_private=True, notifier=Notifier(store, backoff=0.01))
        thread = threading.Thread(target=watcher.run, daemon=True)
        thread.start()
        wait_for(lambda: len(feed.served) >= 8)  # the script, then the last feed again and again
        assert thread.is_alive()
        watcher.stop.set()
        thread.join(timeout=60)
        assert not thread.is_alive()

        assert article_ids(store) == ["gen-0000", "gen-0001", "gen-0002"]  # each good item once
        messages = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
        assert any("HTTP 500" in m for m in messages)
        assert any("timed out" in m for m in messages)
        assert any("not a valid RSS/Atom feed" in m for m in messages)
        (state,) = feed_states(store)
        assert state["polls"] == len(feed.served) and state["articles"] == 3
        assert state["failures"] == 0 and state["last_error"] is None

        # Mopti's attack, 12 km from the zone's centre: alerted when new, and again when its toll rose.
        alerts = sorted(hook.alerts, key=lambda a: a["id"])
        assert [(a["kind"], a["event"]["location"], a["event"]["fatalities"]) for a in alerts] == [
            ("new", "Mopti", 5), ("update", "Mopti", 7)]
        assert "fatalities 5 → 7" in alerts[1]["changes"]
        assert alerts[0]["event"]["distance_km"] == pytest.approx(12, abs=0.5)
        assert len(hook.requests) == 2 and all(r["signed"] for r in hook.requests)

    # A restarted watcher, the same items and one more: only the new one is ingested.
    with receiver(SECRET) as hook, feed_server([("feed", rss(reports))]) as feed, \
            Store.open(tmp_path / "w.db") as store:
        watcher = Watcher(store, feeds_file(tmp_path, feed.url), timeout=5, follow=False, allow_private=True)
        (summary,) = watcher.poll_once()
        assert (summary.new, len(summary.duplicates)) == (1, 3)
        assert article_ids(store) == [f"gen-000{i}" for i in range(4)]
        assert len(list_alerts(store)) == 2  # Djibo is not in the zone


def test_durations_and_feeds_file(tmp_path):
    assert [parse_duration(x) for x in ("90", "30s", "10m", "1.5h", "1d", "250ms")] == [
        90, 30, 600, 5400, 86400, 0.25]
    for bad in ("", "10 minutes", "-1s", "0"):
        with pytest.raises(ValueError):
            parse_duration(bad)
    path = feeds_file(tmp_path, "https://example.org/rss#top", "http://example.org/feed")
    assert read_feeds(path) == ["https://example.org/rss#top", "http://example.org/feed"]
    path.write_text("ftp://example.org/feed\n")
    with pytest.raises(ValueError, match=r"feeds\.txt:1"):
        read_feeds(path)


def _watch(tmp_path: Path, feed_url: str, *args: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("CONFLICTWIRE_DB", None)
    log = open(tmp_path / f"watch-{time.monotonic_ns()}.log", "w+")  # noqa: SIM115 (read after exit)
    proc = subprocess.Popen([sys.executable, "-m", "conflictwire.cli", "watch", "--feeds",
                             str(feeds_file(tmp_path, feed_url)), "--db", str(tmp_path / "s.db"),
                             "--no-follow", "--timeout", "5", "--allow-private", *args],
                            stderr=log, stdout=log, env=env)
    proc.log = log
    return proc


def _log(proc: subprocess.Popen) -> str:
    proc.log.seek(0)
    return proc.log.read()


def test_sigterm_stops_the_watcher_cleanly(tmp_path, reports):
    with feed_server([("feed", rss(reports[:3]))]) as feed:
        proc = _watch(tmp_path, feed.url, "--every", "200ms")
        try:
            wait_for(lambda: "3 new" in _log(proc) or proc.poll() is not None)
            wait_for(lambda: len(feed.served) >= 2)  # polling again, nothing new
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=30) == 0, _log(proc)
        finally:
            proc.kill()
        assert "stopped" in _log(proc)
        # Stopped while it reads its first poll: what it stored is whole, the rest comes next run.
        (tmp_path / "s.db").unlink()
        proc = _watch(tmp_path, feed.url, "--every", "200ms")
        try:
            wait_for(lambda: len(feed.served) >= 3)  # the first poll has begun
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=60) == 0, _log(proc)
        finally:
            proc.kill()
        with Store.open(tmp_path / "s.db") as store:
            first_run = article_ids(store)
        assert len(first_run) < 3
        rerun = _watch(tmp_path, feed.url, "--once")
        assert rerun.wait(timeout=120) == 0, _log(rerun)
        with Store.open(tmp_path / "s.db") as store:
            assert article_ids(store) == ["gen-0000", "gen-0001", "gen-0002"]
            assert store.counts()["articles"] == 3


def test_zones_alerts_and_ingest_from_the_command_line(tmp_path, cw):
    from alert_servers import smtp_server

    write_reports(tmp_path / "reports", 2)  # Mopti: 5 dead, then 7
    db = str(tmp_path / "cli.db")
    with receiver(SECRET) as hook, smtp_server() as (port, mails):
        near = f"{ZONE_CENTRE[0]:.5f},{ZONE_CENTRE[1]:.5f},25"
        made = cw("zones", "add", "Mopti office", "--near", near, "--webhook", hook.url, "--secret", SECRET,
                  "--allow-private", "--email", "ops@example.org", "--type", "Violence against civilians",
                  db=db)
        assert made.returncode == 0 and made.stdout.startswith("1\tMopti office\t25 km"), made.stderr
        bad = cw("zones", "add", "x", "--near", "1,1,5", "--webhook", "ftp://h/x", "--secret", SECRET, db=db)
        assert bad.returncode == 1 and "http:// or https://" in bad.stderr
        done = cw("ingest", str(tmp_path / "reports"), "--smtp", f"127.0.0.1:{port}", "--no-progress", db=db)
        assert done.returncode == 0, done.stderr
        assert sorted(a["kind"] for a in hook.alerts) == ["new", "update"] and len(mails) == 2
    listed = cw("alerts", "list", "--format", "json", db=db)
    kinds = [json.loads(line)["kind"] for line in listed.stdout.splitlines()]
    assert listed.returncode == 0 and kinds == ["update", "new"]
    zones = cw("zones", "list", "--format", "json", db=db)
    assert json.loads(zones.stdout)["name"] == "Mopti office" and SECRET not in zones.stdout
    assert cw("zones", "remove", "1", db=db).returncode == 0
    assert cw("zones", "remove", "1", db=db).returncode == 1
    assert cw("alerts", "list", db=db).stdout == ""
