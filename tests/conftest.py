"""Shared fixtures: a real PostgreSQL server for the store's tests, the dev corpus, and a
folder of small generated reports."""

from __future__ import annotations

import contextlib
import glob
import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
from live_server import free_port

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "conflictwire" / "samples" / "reports.jsonl"
DEV_CORPUS = ROOT.parent / "shared" / "corpus" / "dev"


# --- PostgreSQL --------------------------------------------------------------------------------

def _pg_bindir() -> Path | None:
    """The folder holding initdb and pg_ctl: on PATH, else the newest /usr/lib/postgresql/*/bin."""
    found = shutil.which("initdb")
    places = [Path(found).resolve().parent] if found else []
    places += sorted((Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin")),
                     key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0, reverse=True)
    return next((p for p in places if (p / "initdb").exists() and (p / "pg_ctl").exists()), None)


def _as_user() -> tuple[list[str], str | None]:
    """initdb refuses to run as root: run the server as `postgres` (or `nobody`) then."""
    if os.geteuid() != 0:
        return [], None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            runuser = shutil.which("runuser")
            if runuser:
                return [runuser, "-u", name, "--"], name
            return ["su", name, "-s", "/bin/sh", "-c"], name  # pragma: no cover
    pytest.fail("running as root and no unprivileged user (postgres, nobody) to run PostgreSQL")


class PgServer:
    """A throw-away PostgreSQL server on 127.0.0.1 (trust auth, user `cw`), run as an unprivileged
    user when the tests run as root; `url` is its base URL. It can be stopped and started again
    on the same port and data (the fault tests restart it under a running ingest)."""

    def __init__(self) -> None:
        bindir = _pg_bindir()
        if bindir is None:
            message = "PostgreSQL server binaries (initdb, pg_ctl) not found: apt-get install postgresql"
            if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
                pytest.fail(message)
            pytest.skip(message)
        self.bindir = bindir
        self.prefix, user = _as_user()
        self.base = Path(tempfile.mkdtemp(prefix="cw-pg-"))
        if user:
            shutil.chown(self.base, user)
        self.port = free_port()
        self.data = self.base / "data"
        self.url = f"postgresql://cw@127.0.0.1:{self.port}"
        self._call(str(bindir / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "cw", "-E", "UTF8",
                   "--no-sync")
        self.start()

    def _call(self, *cmd: str, check: bool = True) -> None:
        args = [*self.prefix, *cmd] if self.prefix[:1] != ["su"] else [*self.prefix, " ".join(cmd)]
        done = subprocess.run(args, capture_output=True, text=True, timeout=120)
        if done.returncode and check:
            log = (self.base / "log").read_text() if (self.base / "log").exists() else ""
            pytest.fail(f"{cmd[0]} failed ({done.returncode}): {done.stderr}\n{done.stdout}\n{log}")

    def start(self) -> None:
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.base} -c fsync=off "
                   "-c full_page_writes=off")
        self._call(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-o", options, "-l",
                   str(self.base / "log"), "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        self._call(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def new_database(self) -> str:
        """A new, empty database on this server: its URL."""
        import psycopg

        name = f"cw_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(f"{self.url}/postgres", autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return f"{self.url}/{name}"

    def close(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.base, ignore_errors=True)


@pytest.fixture(scope="session")
def pg():
    """The session's throw-away PostgreSQL server (`PgServer`)."""
    server = PgServer()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(scope="session")
def pg_server(pg):
    """The session's PostgreSQL server: its base URL."""
    return pg.url


@pytest.fixture
def pg_url(pg):
    """A new, empty database on the test server."""
    return pg.new_database()


# --- inputs --------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def corpus_articles() -> list[dict]:
    """The dev corpus's articles (each file's "article" object), in file order."""
    files = sorted(DEV_CORPUS.glob("*.json"))
    if not files:
        pytest.skip(f"dev corpus not found at {DEV_CORPUS}")
    return [json.loads(f.read_text(encoding="utf-8"))["article"] for f in files]


@pytest.fixture(scope="session")
def corpus_stories() -> dict[str, set[str]]:
    """Gold story key -> the ids of the corpus articles that report it."""
    stories: dict[str, set[str]] = {}
    for f in sorted(DEV_CORPUS.glob("*.json")):
        doc = json.loads(f.read_text(encoding="utf-8"))
        for event in doc["gold"]["events"]:
            if event.get("story"):
                stories.setdefault(event["story"], set()).add(doc["article"]["id"])
    return stories


TOWNS = [("Mopti", "Mali", "MOPTI"), ("Djibo", "Burkina Faso", "OUAGADOUGOU"),
         ("Tillabéri", "Niger", "NIAMEY"), ("Maiduguri", "Nigeria", "MAIDUGURI"), ("Gao", "Mali", "BAMAKO"),
         ("Dori", "Burkina Faso", "OUAGADOUGOU"),
         ("Diffa", "Niger", "NIAMEY"), ("Konduga", "Nigeria", "MAIDUGURI"), ("Ségou", "Mali", "BAMAKO"),
         ("Kaya", "Burkina Faso", "OUAGADOUGOU")]


def write_reports(folder: Path, count: int) -> list[dict]:
    """`count` small reports as one JSON file each; every two consecutive ones report the same
    attack (the second a day later with a revised toll), so merging is exercised."""
    folder.mkdir(parents=True, exist_ok=True)
    reports = []
    for i in range(count):
        story, second = divmod(i, 2)
        town, country, dateline = TOWNS[story % len(TOWNS)]
        day = date(2024, 1, 1) + timedelta(days=3 * story)
        published = day + timedelta(days=1 + second)
        dead = 5 + story % 7 + 2 * second
        when = f"on {day:%A}" if not second else f"on {day:%A} ({day:%-d %B})"
        text = (f"{dateline}, {published:%B %-d} — Gunmen killed {dead} civilians in an attack on a "
                f"market in {town}, {country}, {when}, local officials said. The assailants arrived on "
                f"motorbikes and opened fire on traders before setting fire to shops, a resident said"
                f"{' by telephone' if second else ''}. Report {i} of the series.")
        report = {"id": f"gen-{i:04d}", "published": published.isoformat(), "language": "en",
                  "source": f"Wire {second}", "title": f"Attack on {town} market kills {dead}", "text": text}
        (folder / f"gen-{i:04d}.json").write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
        reports.append(report)
    return reports


@pytest.fixture(scope="session")
def cli_module() -> str:
    """The module whose CLI has the store's commands: `conflictwire.cli` once it is wired,
    the store's own stand-in until then."""
    from conflictwire import cli

    try:
        cli.build_parser().parse_args(["events"])
    except SystemExit:
        return "conflictwire.store.cli"
    return "conflictwire.cli"


@pytest.fixture(scope="session")
def cw(cli_module):
    """Run `conflictwire ARGS...` as a subprocess; returns the CompletedProcess."""

    def run(*args: str, timeout: float = 600, **kw) -> subprocess.CompletedProcess:
        env = dict(os.environ, PYTHONPATH=str(ROOT), CONFLICTWIRE_DB=kw.pop("db", "") or
                   os.environ.get("CONFLICTWIRE_DB", ""))
        if not env["CONFLICTWIRE_DB"]:
            del env["CONFLICTWIRE_DB"]
        return subprocess.run([sys.executable, "-m", cli_module, *args], capture_output=True, text=True,
                              timeout=timeout, env=env, **kw)

    run.module = cli_module
    return run
