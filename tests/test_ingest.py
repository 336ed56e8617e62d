"""Ingest with the real extractor: merging across runs equals merging in one batch, the
dev corpus, SQLite against PostgreSQL, a reader beside a writer,
feeds and web pages served over HTTP, and bad sources.

The extractor loads once per process (`conflictwire.store.ingestion.get_extractor`), so the
in-process tests share it; the subprocess tests pay for one start each.
"""

from __future__ import annotations

import http.server
import io
import json
import os
import subprocess
import sys
import threading
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLES, write_reports

from conflictwire.export import write_events
from conflictwire.models import Article
from conflictwire.store import Store, ingest
from conflictwire.store.cli import main as store_main
from conflictwire.store.ingestion import get_extractor


def jsonl(store: Store) -> str:
    out = io.StringIO()
    write_events(store.events(), "jsonl", out)
    return out.getvalue()


def records_apart_from_ids(text: str) -> list[dict]:
    """The events of a JSON Lines text without their ids, in a fixed order: an event keeps the
    id of the report that first made it, so the ids depend on the order reports came in."""
    events = [json.loads(line) for line in text.splitlines() if line.strip()]
    for event in events:
        event.pop("event_id")
    return sorted(events, key=lambda e: json.dumps(e, sort_keys=True))


def ingest_into(path, *sources) -> tuple[Store, object]:
    store = Store.open(path)
    # the tests' web pages are on 127.0.0.1: allowed here, refused by default (test_fetch_guard)
    summary = ingest([str(s) for s in sources], store, progress=False, allow_private=True)
    return store, summary


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def batch_jsonl(records: list[dict]) -> str:
    """The events `extract` gives for one batch, in the store's order (by day, then id)."""
    events = get_extractor().extract_batch([Article.model_validate(r) for r in records])
    out = io.StringIO()
    write_events(sorted(events, key=lambda e: (e.event_date is None, str(e.event_date), e.event_id)),
                 "jsonl", out)
    return out.getvalue()


# --- merging across runs -------------------------------------------------------------------------

def test_samples_one_run_equals_two_runs_equals_twice_equals_a_batch(tmp_path):
    records = [json.loads(line) for line in SAMPLES.read_text(encoding="utf-8").splitlines() if line.strip()]
    one, summary = ingest_into(tmp_path / "one.db", SAMPLES)
    assert summary.ok and summary.new == len(records) and summary.created + summary.updated > 0
    first = write_jsonl(tmp_path / "a.jsonl", records[:3])
    second = write_jsonl(tmp_path / "b.jsonl", records[3:])
    two, _ = ingest_into(tmp_path / "two.db", second)
    ingest([str(first)], two, progress=False)
    again = ingest([str(SAMPLES)], one, progress=False)
    assert again.new == 0 and again.created == again.updated == 0 and len(again.duplicates) == len(records)
    assert jsonl(one) == jsonl(two) == batch_jsonl(records)
    one.close(), two.close()


def test_generated_reports_merge_pairwise_across_runs(tmp_path):
    reports = write_reports(tmp_path / "reports", 12)
    store, summary = ingest_into(tmp_path / "x.db", tmp_path / "reports")
    events = store.events()
    assert summary.new == 12 and summary.created == 6 and summary.updated == 6
    assert [e.article_ids for e in events] == [[r["id"] for r in reports[i:i + 2]] for i in range(0, 12, 2)]
    details = store.event(events[0].event_id)
    assert len(details["reports"]) == 2 and details["revisions"][0]["changes"]["fatalities"]
    store.close()


def test_dev_corpus_twice_halves_and_stories(tmp_path, corpus_articles, corpus_stories):
    corpus = write_jsonl(tmp_path / "corpus.jsonl", corpus_articles)
    half = len(corpus_articles) // 2
    early = write_jsonl(tmp_path / "early.jsonl", corpus_articles[:half])
    late = write_jsonl(tmp_path / "late.jsonl", corpus_articles[half:])
    once, summary = ingest_into(tmp_path / "once.db", corpus)
    assert summary.ok and summary.new == len(corpus_articles)
    reference = jsonl(once)
    assert reference == batch_jsonl(corpus_articles)
    again = ingest([str(corpus)], once, progress=False)
    assert again.new == 0 and jsonl(once) == reference
    halves, _ = ingest_into(tmp_path / "halves.db", late)  # the later half first: order must not matter
    ingest([str(early)], halves, progress=False)
    assert records_apart_from_ids(jsonl(halves)) == records_apart_from_ids(reference)
    events = once.events()
    for story, articles in corpus_stories.items():
        if len(articles) > 1:
            assert any(articles <= set(e.article_ids) for e in events), f"story {story} is not one event"
    once.close(), halves.close()


# --- PostgreSQL -----------------------------------------------------------------------------------

def test_sqlite_and_postgresql_give_identical_exports(tmp_path, pg_url):
    write_reports(tmp_path / "reports", 8)
    sources = [SAMPLES, tmp_path / "reports"]
    lite, _ = ingest_into(tmp_path / "lite.db", *sources)
    pg, summary = ingest_into(pg_url, *sources)
    assert summary.ok and pg.dialect == "postgresql"
    assert jsonl(pg) == jsonl(lite)
    assert ingest([str(s) for s in sources], pg, progress=False).new == 0
    for fmt in ("jsonl", "csv", "geojson"):
        outputs = []
        for db in (str(tmp_path / "lite.db"), pg_url):
            out = io.StringIO()
            with redirect_stdout(out):
                assert store_main(["events", "--db", db, "--format", fmt, "--country", "NGA"]) == 0
            outputs.append(out.getvalue())
        if fmt != "jsonl":  # the export timestamp column differs between runs
            outputs = [[line.rsplit(",", 1)[0] for line in o.splitlines()] for o in outputs]
        assert outputs[0] == outputs[1]
    some = lite.events()[0].event_id
    assert pg.event(some)["reports"] == lite.event(some)["reports"]
    lite.close(), pg.close()


# --- processes: a reader beside a writer (SIGKILL and other faults: tests/test_faults.py) -------

READER = """
import sys, time
from conflictwire.store import Store
db, stop = sys.argv[1], sys.argv[2]
n = 0
import os
while not os.path.exists(stop) or n < 3:
    with Store.open(db) as store:
        store.events(country="MLI")
        store.counts()
    n += 1
print(n)
"""


def test_a_reader_and_a_writer_at_once_never_see_database_is_locked(tmp_path, cw):
    write_reports(tmp_path / "reports", 60)
    db, stop = tmp_path / "busy.db", tmp_path / "stop"
    Store.open(db).close()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    reader = subprocess.Popen([sys.executable, "-c", READER, str(db), str(stop)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    writer = subprocess.Popen([sys.executable, "-m", cw.module, "ingest", str(tmp_path / "reports"),
                               "--db", str(db)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)
    cli_reads = []
    while writer.poll() is None:
        cli_reads.append(cw("events", "--db", str(db), "--format", "jsonl", timeout=300))
    stop.touch()
    out, err = reader.communicate(timeout=300)
    writer_err = writer.stderr.read()
    assert writer.returncode == 0, writer_err
    assert reader.returncode == 0 and "locked" not in err, err
    assert int(out) >= 3
    for read in cli_reads:
        assert read.returncode == 0 and "locked" not in read.stderr, read.stderr
    assert "locked" not in writer_err


# --- feeds, web pages and bad sources -------------------------------------------------------------

ARTICLE_HTML = """<!doctype html><html><head><title>Gunmen kill 7 in Mopti market attack</title>
<meta property="article:published_time" content="2024-03-05"></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Gunmen kill 7 in Mopti market attack</h1>
<p>MOPTI, March 5 — Gunmen killed seven civilians in an attack on the market of Mopti, in central Mali,
on Monday, local officials said.</p>
<p>The assailants arrived on motorbikes and opened fire on traders before setting fire to shops, a resident
said. The army said it had sent reinforcements to the area.</p></article>
<footer>Copyright 2024 Example News</footer></body></html>"""

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Example News</title><link>{base}/</link><description>News</description>
<item><title>Gunmen kill 7 in Mopti market attack</title><link>{base}/mopti.html</link>
<guid>{base}/mopti.html</guid><pubDate>Tue, 05 Mar 2024 10:00:00 GMT</pubDate>
<description>Gunmen killed seven civilians in Mopti.</description></item>
<item><title>Bomb kills 4 soldiers near Djibo</title><link>{base}/djibo.html</link>
<guid>{base}/djibo.html</guid><pubDate>Thu, 07 Mar 2024 09:00:00 GMT</pubDate>
<content:encoded><![CDATA[<p>OUAGADOUGOU, March 7 — A roadside bomb killed four soldiers of the Burkina Faso
army near Djibo, in the north of the country, on Wednesday, security sources said.</p><p>No group claimed the
attack, but JNIM is active in the area. The soldiers were escorting a supply convoy when their vehicle struck
the device, the sources said, adding that two others were wounded and evacuated to Ouagadougou.</p>
<p>Attacks with improvised explosive devices have multiplied in the region this year.</p>]]></content:encoded>
</item></channel></rss>"""

PAGES = {
    "/feed.rss": ("application/rss+xml", FEED),
    "/mopti.html": ("text/html; charset=utf-8", ARTICLE_HTML),
    "/broken.rss": ("text/plain", "this is not XML at all"),
    "/empty.html": ("text/html", "<html><head><title></title></head><body><nav>Home</nav></body></html>"),
    "/huge.html": ("text/html", "<html><body><article>" + "<p>Gunmen attacked. </p>" * 4000
                   + "</article></body></html>"),
}


@pytest.fixture
def web():
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path not in PAGES:
                self.send_error(404)
                return
            ctype, body = PAGES[self.path]
            data = body.replace("{base}", base).encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()
    server.server_close()


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again on leaving: connections are refused


def test_feeds_pages_and_bad_sources(tmp_path, web):
    db = str(tmp_path / "web.db")
    feed_file = tmp_path / "local.rss"
    feed_file.write_text(FEED.replace("{base}", web), encoding="utf-8")
    (tmp_path / "notxml.rss").write_text("just some words", encoding="utf-8")
    refused = f"http://127.0.0.1:{_closed_port()}/feed.rss"
    sources = [f"{web}/feed.rss", f"{web}/broken.rss", f"{web}/empty.html", f"{web}/missing.html",
               f"{web}/huge.html", refused, str(tmp_path / "nope.jsonl"), str(tmp_path / "notxml.rss")]
    err = io.StringIO()
    with redirect_stderr(err):
        status = store_main(["ingest", *sources, "--db", db, "--max-bytes", "20000", "--timeout", "5",
                             "--allow-private"])  # the test's pages are on 127.0.0.1
    summary = err.getvalue()
    assert status == 1, summary
    assert "2 articles read, 2 new" in summary and "7 skipped" in summary
    for source, reason in [(f"{web}/broken.rss", "not an RSS/Atom feed"),
                           (f"{web}/empty.html", "no article text"), (f"{web}/missing.html", "HTTP 404"),
                           (f"{web}/huge.html", "over the"), (refused, "cannot fetch"),
                           (str(tmp_path / "nope.jsonl"), "no such file"),
                           (str(tmp_path / "notxml.rss"), "not an RSS/Atom feed")]:
        assert any(source in line and reason in line for line in summary.splitlines()), (source, summary)
    with Store.open(db) as store:
        events = store.events()
        assert {e.location.name for e in events} >= {"Mopti"}
        mopti = next(e for e in events if e.location.name == "Mopti")
        assert mopti.fatalities == 7 and mopti.article_ids == [f"{web}/mopti.html"]  # the page was fetched
        details = store.event(mopti.event_id)
        assert details["reports"][0]["url"] == f"{web}/mopti.html"
        assert details["reports"][0]["published"] == "2024-03-05"
    # the same feed again, as a URL and as a file: nothing new, and no page fetched again
    err = io.StringIO()
    with redirect_stderr(err):
        assert store_main(["ingest", f"{web}/feed.rss", str(feed_file), "--db", db, "--allow-private"]) == 0
    assert "0 new" in err.getvalue() and "0 skipped" in err.getvalue()


def test_a_page_by_url(tmp_path, web):
    store, summary = ingest_into(tmp_path / "page.db", f"{web}/mopti.html")
    assert summary.ok and summary.new == 1
    [event] = store.events()
    assert event.article_ids == [f"{web}/mopti.html"] and event.location.iso3 == "MLI"
    again = ingest([f"{web}/mopti.html"], store, progress=False)
    assert again.new == 0 and again.ok
    store.close()
