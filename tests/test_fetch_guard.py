"""Outbound fetches refuse the machine's own network (issue 17), with real servers on 127.0.0.1.

A "public" server stands for a news site: the tests name its host:port in
`netguard.TREATED_AS_PUBLIC` (the only way to have a public server on a loopback-only test
machine). A second server, not named, is the internal one: its page must never be stored
unless the run allows private addresses.
"""

from __future__ import annotations

import contextlib
import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import httpx
import pytest
from alert_servers import http_server, reply
from live_server import serving

from conflictwire.alerts.watch import Watcher
from conflictwire.serve import create_app
from conflictwire.store import Store, ingest, netguard
from conflictwire.store.netguard import why_private

SECRET_TEXT = "The internal payroll server password is hunter2, said the administrator"
SECRET_PAGE = (f"<html><head><title>Internal</title></head><body><article><h1>Internal memo</h1>"
               f"<p>{SECRET_TEXT}. " + "Staff were told the figures on Monday in the capital. " * 8
               + "</p></article></body></html>").encode()
TOKEN = "guard-test-token"


@dataclass
class Site:
    url: str
    hits: list[str] = field(default_factory=list)
    hosts: list[str] = field(default_factory=list)


@contextlib.contextmanager
def internal_site() -> Iterator[Site]:
    site = Site("")

    def handle(request: BaseHTTPRequestHandler) -> None:
        site.hits.append(request.path)
        site.hosts.append(request.headers.get("Host", ""))
        reply(request, 200, SECRET_PAGE, "text/html; charset=utf-8")

    with http_server(handle) as base:
        site.url = base
        yield site


def feed(links: list[str]) -> bytes:
    items = "".join(f"<item><guid>item-{n}</guid><title>Item {n}</title><link>{link}</link>"
                    f"<description>Short summary {n}.</description></item>" for n, link in enumerate(links))
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Public wire</title>'
            f"<link>http://news.example/</link><description>x</description>{items}</channel></rss>").encode()


@contextlib.contextmanager
def public_site(secret_url: str) -> Iterator[Site]:
    """/feed.xml links to the internal page directly and through this site's /go redirect."""
    site = Site("")

    def handle(request: BaseHTTPRequestHandler) -> None:
        site.hits.append(request.path)
        if request.path == "/go":
            request.send_response(302)
            request.send_header("Location", secret_url)
            request.send_header("Content-Length", "0")
            request.end_headers()
        else:
            reply(request, 200, feed([secret_url, f"{site.url}/go"]), "application/rss+xml")

    with http_server(handle) as base:
        site.url = base
        hostport = base.removeprefix("http://")
        netguard.TREATED_AS_PUBLIC.add(hostport)
        try:
            yield site
        finally:
            netguard.TREATED_AS_PUBLIC.discard(hostport)


@pytest.mark.parametrize(("address", "kind"), [
    ("127.0.0.1", "loopback"), ("::1", "loopback"), ("::ffff:127.0.0.1", "loopback"),
    ("10.1.2.3", "private"), ("192.168.0.10", "private"), ("169.254.169.254", "link-local"),
    ("224.0.0.1", "multicast"), ("0.0.0.0", "unspecified"), ("100.64.0.1", "non-public"),
    ("93.184.216.34", None), ("2606:4700::1111", None)])
def test_address_kinds(address, kind):
    assert why_private(ipaddress.ip_address(address)) == kind


def _refusals(skipped: list[tuple[str, str]]) -> list[str]:
    return [f"{where}: {why}" for where, why in skipped if why.startswith("refused")]


def test_ingest_refuses_links_and_redirects_to_internal_pages(tmp_path: Path):
    with internal_site() as inside, public_site(f"{inside.url}/secret") as outside, \
            Store.open(tmp_path / "g.db") as store:
        summary = ingest([f"{outside.url}/feed.xml"], store, extract=lambda a: [], progress=False)
        refused = _refusals(summary.skipped)
        assert len(refused) == 2, summary.skipped  # the direct link, and the redirect's target
        assert any("/secret" in line and "loopback" in line for line in refused)
        assert "/go" in outside.hits  # the public hop was fetched, its redirect refused
        assert inside.hits == [] and store.counts()["articles"] == 0
        # a feed URL on the internal server itself is refused too
        direct = ingest([f"{inside.url}/feed.xml"], store, extract=lambda a: [], progress=False)
        assert _refusals(direct.skipped) and inside.hits == []
        allowed = ingest([f"{outside.url}/feed.xml"], store, extract=lambda a: [], allow_private=True,
                         progress=False)
        assert allowed.read == 2 and allowed.new == 1 and not _refusals(allowed.skipped)  # one text, twice
        assert inside.hits == ["/secret", "/secret"]


def test_watch_refuses_internal_links_and_says_so(tmp_path: Path, caplog):
    feeds = tmp_path / "feeds.txt"
    with internal_site() as inside, public_site(f"{inside.url}/secret") as outside, \
            Store.open(tmp_path / "w.db") as store:
        feeds.write_text(f"{outside.url}/feed.xml\n", encoding="utf-8")
        with caplog.at_level("WARNING", logger="conflictwire.watch"):
            [summary] = Watcher(store, feeds, timeout=5, extract=lambda a: []).poll_once()
        assert len(_refusals(summary.skipped)) == 2 and inside.hits == []
        assert store.counts()["articles"] == 0
        assert sum("refused" in r.getMessage() for r in caplog.records) == 2
        [allowed] = Watcher(store, feeds, timeout=5, extract=lambda a: [], allow_private=True).poll_once()
        assert allowed.read == 2 and allowed.new == 1 and len(inside.hits) == 2


def test_the_connection_goes_to_the_checked_address_with_the_host_name_kept(tmp_path: Path):
    """A name is resolved once and the request sent to that address, Host header unchanged."""
    with internal_site() as inside:
        port = inside.url.rsplit(":", 1)[1]
        netguard.TREATED_AS_PUBLIC.add(f"localhost:{port}")
        try:
            with netguard.client() as session:
                assert session.get(f"http://localhost:{port}/page").status_code == 200
        finally:
            netguard.TREATED_AS_PUBLIC.discard(f"localhost:{port}")
        assert inside.hosts == [f"localhost:{port}"]
        with netguard.client() as session, pytest.raises(netguard.RefusedAddress):
            session.get(f"http://localhost:{port}/page")
        assert len(inside.hits) == 1


@pytest.mark.parametrize("allow", [False, True])
def test_a_webhook_on_a_private_address_needs_the_allowance(tmp_path: Path, allow: bool):
    zone = {"name": "x", "latitude": 1, "longitude": 1, "radius_km": 5,
            "webhook_url": "http://169.254.169.254/latest", "webhook_secret": "a-long-secret"}
    with Store.open(tmp_path / "z.db") as store, \
            serving(create_app(store, token=TOKEN, allow_private=allow)) as (base, _):
        made = httpx.post(f"{base}/api/zones", json=zone, headers={"Authorization": f"Bearer {TOKEN}"})
    assert made.status_code == (201 if allow else 422), made.text
    if not allow:
        assert "link-local" in made.text


def test_zones_add_refuses_a_loopback_webhook_without_the_flag(tmp_path: Path, cw):
    db = str(tmp_path / "c.db")
    args = ("zones", "add", "x", "--near", "1,1,5", "--webhook", "http://127.0.0.1:9/x",
            "--secret", "s3cret-s3cret")
    refused = cw(*args, db=db)
    assert refused.returncode == 1 and "loopback" in refused.stderr
    assert cw(*args, "--allow-private", db=db).returncode == 0
