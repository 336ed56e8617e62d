"""Real servers on 127.0.0.1 for the alert and watcher tests: a webhook receiver that keeps
each alert once by its idempotency key (and can fail its first requests), an SMTP server
(aiosmtpd) and a feed server that answers from a script, one answer a request."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from live_server import free_port

from conflictwire.alerts.deliver import verify

__all__ = ["feed_server", "free_port", "receiver", "smtp_server"]


@contextlib.contextmanager
def http_server(handle: Callable[[BaseHTTPRequestHandler], None], port: int = 0) -> Iterator[str]:
    """An HTTP server in a thread calling `handle(request)` for GET and POST, on `port` (any free
    one when 0); its base URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            handle(self)

        do_POST = do_GET

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def reply(request: BaseHTTPRequestHandler, status: int, body: bytes = b"",
          content_type: str = "text/plain") -> None:
    request.send_response(status)
    request.send_header("Content-Type", content_type)
    request.send_header("Content-Length", str(len(body)))
    request.end_headers()
    request.wfile.write(body)


@dataclass
class Receiver:
    """A webhook receiver: answers 500 to its first `fail_first` requests, then keeps each
    alert once by its Idempotency-Key (a retry of a kept one is answered 200, not kept again)."""

    secret: str
    fail_first: int = 0
    url: str = ""
    requests: list[dict] = field(default_factory=list)
    accepted: dict[str, dict] = field(default_factory=dict)
    arrived: threading.Event = field(default_factory=threading.Event)

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        body = request.rfile.read(int(request.headers.get("Content-Length", 0)))
        signed = verify(self.secret, request.headers, body)
        self.requests.append({"key": request.headers.get("Idempotency-Key"), "signed": signed,
                              "at": time.monotonic()})
        if not signed:
            reply(request, 401)
            return
        if len(self.requests) <= self.fail_first:
            reply(request, 500)
            return
        data = json.loads(body)
        self.accepted.setdefault(data["idempotency_key"], data)
        self.arrived.set()
        reply(request, 200)

    @property
    def alerts(self) -> list[dict]:
        return [d["alert"] for d in self.accepted.values()]


@contextlib.contextmanager
def receiver(secret: str, fail_first: int = 0, port: int = 0) -> Iterator[Receiver]:
    """A webhook receiver (on `port` when given: one that comes back where it was down)."""
    got = Receiver(secret=secret, fail_first=fail_first)
    with http_server(got.handle, port) as base:
        got.url = f"{base}/hook"
        yield got


class _Mailbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(message_from_bytes(envelope.original_content or envelope.content))
        return "250 OK"


@contextlib.contextmanager
def smtp_server() -> Iterator[tuple[int, list[Message]]]:
    """A real SMTP server (aiosmtpd) on 127.0.0.1: (port, the messages it received)."""
    from aiosmtpd.controller import Controller

    box = _Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller.port, box.messages
    finally:
        controller.stop()


def rss(items: list[dict]) -> bytes:
    """An RSS 2.0 feed of `items` ({id, title, text, published (RFC 822)}), the text as content."""
    from xml.sax.saxutils import escape

    entries = "".join(
        f"<item><guid isPermaLink=\"false\">{escape(i['id'])}</guid><title>{escape(i['title'])}</title>"
        f"<link>http://news.invalid/{escape(i['id'])}</link><pubDate>{i['published']}</pubDate>"
        f"<description>{escape(i['text'])}</description></item>" for i in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Test wire</title>'
            f"<link>http://news.invalid/</link><description>test</description>{entries}</channel></rss>"
            ).encode()


@dataclass
class FeedServer:
    """Serves a script of answers to GET /feed.xml, one a request (the last one repeats):
    ("feed", bytes), ("status", code), ("sleep", seconds), ("bytes", malformed body)."""

    script: list[tuple[str, object]]
    url: str = ""
    served: list[str] = field(default_factory=list)

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        kind, value = self.script[min(len(self.served), len(self.script) - 1)]
        self.served.append(kind)
        if kind == "status":
            reply(request, int(value))
        elif kind == "sleep":
            time.sleep(float(value))
            with contextlib.suppress(OSError):
                reply(request, 200, rss([]), "application/rss+xml")
        else:
            reply(request, 200, bytes(value), "application/rss+xml")


@contextlib.contextmanager
def feed_server(script: list[tuple[str, object]]) -> Iterator[FeedServer]:
    feed = FeedServer(script)
    with http_server(feed.handle) as base:
        feed.url = f"{base}/feed.xml"
        yield feed
