"""Faults under a running ingest, with nothing lost and nothing stored twice: SIGKILL (SQLite and
PostgreSQL), PostgreSQL restarted mid-ingest (the ingest waits, tries again and finishes), a full
disk (the process's file-size limit), a read-only database file, and two ingests of the same
sources at once (SQLite and PostgreSQL).

Each runs the real CLI in subprocesses over generated reports (`conftest.write_reports`: every
two reports tell one attack, so merging is exercised) and compares the store with a clean run's
export. docs/reliability.md sums these up.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import ROOT, PgServer, write_reports

from conflictwire.store.db import resolve_url

TOTAL = 40  # reports in each run: 20 attacks, each told twice


def _count(db: str, table: str = "articles") -> int:
    """Rows of `table` in a store (0 while it does not exist yet)."""
    engine = sa.create_engine(resolve_url(db))
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()
    except sa.exc.DBAPIError:
        return 0
    finally:
        engine.dispose()


def _env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(ROOT))


def _ingest(cw, reports: Path, db: str, **popen) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", cw.module, "ingest", str(reports), "--db", db],
                            env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, **popen)


def _export(cw, db: str) -> str:
    done = cw("events", "--db", db, "--format", "jsonl")
    assert done.returncode == 0, done.stderr
    return done.stdout


def _wait_for(db: str, at_least: int, proc: subprocess.Popen, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while _count(db) < at_least and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("faults") / "reports"
    write_reports(folder, TOTAL)
    return folder


@pytest.fixture(scope="module")
def clean(reports, tmp_path_factory, cw) -> str:
    """The export of a clean, uninterrupted run over `reports`."""
    db = str(tmp_path_factory.mktemp("clean") / "clean.db")
    done = cw("ingest", str(reports), "--db", db)
    assert done.returncode == 0, done.stderr
    exported = _export(cw, db)
    assert exported.count("\n") == TOTAL // 2
    return exported


@pytest.fixture(params=["sqlite", "postgresql"])
def new_store(request, tmp_path):
    """A function giving the --db of a new, empty store on the backend of the test's parameter."""
    if request.param == "sqlite":
        names = iter(range(100))
        return lambda: str(tmp_path / f"store-{next(names)}.db")
    pg = request.getfixturevalue("pg")
    return pg.new_database


def _assert_whole(db: str, cw, clean: str) -> None:
    """The store holds every report once and the same events as a clean run."""
    assert _count(db) == TOTAL
    assert _count(db, "event_articles") == TOTAL  # each report linked to its event, once
    assert _export(cw, db) == clean


def test_sigkill_during_ingest_loses_and_duplicates_nothing(reports, clean, new_store, cw):
    db = new_store()
    proc = _ingest(cw, reports, db)
    _wait_for(db, 8, proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    stored = _count(db)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read()
    assert 8 <= stored < TOTAL, "the run finished before it could be killed"
    assert _count(db, "event_articles") == stored  # no article stored without its events
    again = cw("ingest", str(reports), "--db", db)
    assert again.returncode == 0, again.stderr
    assert f"{TOTAL - stored} new, {stored} already stored" in again.stderr
    _assert_whole(db, cw, clean)


def test_postgresql_restarted_mid_ingest_the_ingest_retries_and_finishes(reports, clean, cw):
    server = PgServer()  # its own server: restarting the session's would disturb other tests
    try:
        db = server.new_database()
        proc = _ingest(cw, reports, db)
        _wait_for(db, 6, proc)
        assert proc.poll() is None, "the run finished before the restart"
        server.stop("fast")  # terminates the ingest's connection, mid-transaction or between two
        time.sleep(3)  # the ingest meets a server that refuses connections
        server.start()
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        assert "trying again" in err and "Traceback" not in err
        _assert_whole(db, cw, clean)
    finally:
        server.close()


def _file_size_limit(limit: int):
    def apply() -> None:  # Python ignores SIGXFSZ: a write past the limit fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_a_full_disk_stops_the_ingest_clearly_with_nothing_half_written(reports, clean, tmp_path, cw):
    db = str(tmp_path / "full.db")
    first = cw("ingest", str(reports / "gen-0000.json"), "--db", db)  # the schema, and a first report
    assert first.returncode == 0, first.stderr
    limit = Path(db).stat().st_size + 64 * 1024  # the store's files may grow by 64 KiB, no more
    proc = _ingest(cw, reports, db, preexec_fn=_file_size_limit(limit))
    _, err = proc.communicate(timeout=300)
    stored = _count(db)
    assert proc.returncode == 1, err
    assert "stopped: cannot store article" in err and ("full" in err or "disk" in err), err
    assert "Traceback" not in err
    assert 1 <= stored < TOTAL
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert _count(db, "event_articles") == stored  # every stored article whole, with its events
    again = cw("ingest", str(reports), "--db", db)  # room again: the run goes on from there
    assert again.returncode == 0, again.stderr
    _assert_whole(db, cw, clean)


def test_a_read_only_database_file_is_refused_clearly_and_left_as_it_was(reports, tmp_path, cw):
    db = tmp_path / "readonly.db"
    first = cw("ingest", str(reports / "gen-0000.json"), "--db", str(db))
    assert first.returncode == 0, first.stderr
    before = db.read_bytes()
    chattr = shutil.which("chattr")
    # the file is made immutable: as root, permissions alone would not stop a write
    if not chattr or subprocess.run([chattr, "+i", str(db)], capture_output=True).returncode:
        pytest.skip("chattr +i is not supported here")
    try:
        done = cw("ingest", str(reports), "--db", str(db))
    finally:
        subprocess.run([chattr, "-i", str(db)], check=True)
    assert done.returncode == 1, done.stderr
    assert "readonly" in done.stderr or "read-only" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert db.read_bytes() == before
    assert _count(str(db)) == 1


def test_two_ingests_of_the_same_sources_at_once_store_each_report_once(reports, clean, new_store, cw):
    db = new_store()
    if "://" not in db:
        first = cw("ingest", str(reports / "gen-0000.json"), "--db", db)  # the file and its schema
        assert first.returncode == 0, first.stderr
    runs = [_ingest(cw, reports, db) for _ in range(2)]
    errs = [p.communicate(timeout=300)[1] for p in runs]
    assert [p.returncode for p in runs] == [0, 0], errs
    new = [int(re.search(r"(\d+) new,", err).group(1)) for err in errs]
    assert sum(new) == TOTAL - (0 if "://" in db else 1)
    _assert_whole(db, cw, clean)


def test_the_api_answers_503_while_postgresql_is_down_and_recovers(tmp_path):
    from live_server import serving

    from conflictwire.serve import create_app
    from conflictwire.store import Store

    server = PgServer()
    try:
        with Store.open(server.new_database()) as store, serving(create_app(store)) as (base, _):
            import httpx

            assert httpx.get(base + "/api/events").status_code == 200
            server.stop("fast")
            down = httpx.get(base + "/api/events", timeout=60)
            assert down.status_code == 503 and down.headers["retry-after"] == "5"
            assert "event store is unavailable" in down.json()["detail"]
            server.start()
            assert httpx.get(base + "/api/events", timeout=60).status_code == 200
    finally:
        server.close()
