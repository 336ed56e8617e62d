"""Shared fixtures: a real PostgreSQL server for the store's tests, the dev corpus, and a
folder of small generated reports."""

from __future__ import annotations

import contextlib
import glob
import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest

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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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


@pytest.fixture(scope="session")
def pg_server():
    """A throw-away PostgreSQL server on 127.0.0.1 (trust auth, user `cw`); its base URL."""
    bindir = _pg_bindir()
    if bindir is None:
        message = "PostgreSQL server binaries (initdb, pg_ctl) not found: apt-get install postgresql"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    prefix, user = _as_user()
    base = Path(tempfile.mkdtemp(prefix="cw-pg-"))
    if user:
        shutil.chown(base, user)
    port = _free_port()

    def call(*cmd: str) -> None:
        args = [*prefix, *cmd] if prefix[:1] != ["su"] else [*prefix, " ".join(cmd)]
        done = subprocess.run(args, capture_output=True, text=True, timeout=120)
        if done.returncode:
            log = (base / "log").read_text() if (base / "log").exists() else ""
            pytest.fail(f"{cmd[0]} failed ({done.returncode}): {done.stderr}\n{done.stdout}\n{log}")

    data = base / "data"
    call(str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "cw", "-E", "UTF8", "--no-sync")
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {base} -c fsync=off -c full_page_writes=off"
    call(str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(base / "log"), "-w", "-t", "60",
         "start")
    try:
        yield f"postgresql://cw@127.0.0.1:{port}"
    finally:
        subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]
                       if prefix[:1] != ["su"] else
                       [*prefix, f"{bindir / 'pg_ctl'} -D {data} -m immediate stop"],
                       capture_output=True, timeout=60)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server):
    """A new, empty database on the test server."""
    import psycopg

    name = f"cw_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{pg_server}/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return f"{pg_server}/{name}"


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
