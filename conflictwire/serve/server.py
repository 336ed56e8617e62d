"""How `conflictwire serve` runs the app: uvicorn with a header timeout, a connection cap and a
log that says each reason once a minute rather than once a connection.

uvicorn has a keep-alive timeout but none for a request's headers: 2,000 connections sending a
byte a second were held 70 s and more (issue 17). `HeaderTimeoutH11` closes a connection whose
request headers are not complete `header_timeout` seconds after it opened (or after its last
answer, on a kept-alive connection). The body's deadline is `app.BodyLimit`'s; a request
answered before its body was read (a 429 of the rate limit or of `app.ExtractGate`) has the rest
of its body read and dropped by uvicorn, and the same `header_timeout` to finish sending it:
without one, a client dripping that body held its connection for as long as it dripped. Past
`limit_concurrency` connections uvicorn answers 503 at once.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

log = logging.getLogger("conflictwire.serve")

HEADER_TIMEOUT = 10.0
LIMIT_CONCURRENCY = 500


class HeaderTimeoutH11(H11Protocol):
    """uvicorn's h11 protocol, plus a deadline for each request's headers."""

    header_timeout = HEADER_TIMEOUT

    def connection_made(self, transport: Any) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._header_timer: Any = self.loop.call_later(self.header_timeout, self._headers_late)
        self._drain_timer: Any = None

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._drain_timer is not None and self.conn.their_state is not h11.SEND_BODY:
            self._drain_timer.cancel()
            self._drain_timer = None
        waiting = self.conn.their_state is h11.IDLE  # no complete request head yet
        if not waiting and self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None
        elif waiting and self._header_timer is None:  # a kept-alive connection's next request
            self._header_timer = self.loop.call_later(self.header_timeout, self._headers_late)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self.conn.their_state is h11.SEND_BODY and not self.transport.is_closing():
            self._drain_timer = self.loop.call_later(self.header_timeout, self._body_late)

    def connection_lost(self, exc: Exception | None) -> None:
        for timer in (self._header_timer, self._drain_timer):
            if timer is not None:
                timer.cancel()
        super().connection_lost(exc)

    def _body_late(self) -> None:
        self._drain_timer = None
        if self.conn.their_state is h11.SEND_BODY and not self.transport.is_closing():
            log.warning("closed connections still sending a body answered %g s before", self.header_timeout)
            self.transport.abort()

    def _headers_late(self) -> None:
        self._header_timer = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            log.warning("closed connections whose request headers took over %g s", self.header_timeout)
            self.transport.abort()


class OncePerReason(logging.Filter):
    """Let a message through once per `every` seconds per reason (its format string), then
    say how many were held back: a flood of connections is a few lines, not 111 MB."""

    def __init__(self, every: float = 60.0) -> None:
        super().__init__()
        self.every = every
        self._last: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        key, now = str(record.msg), time.monotonic()
        with self._lock:
            last, held = self._last.get(key, (-self.every, 0))
            if now - last < self.every:
                self._last[key] = (last, held + 1)
                return False
            self._last[key] = (now, 0)
        if held:
            record.msg = f"{record.msg} (and {held} more like it in the last {self.every:g} s)"
        return True


def quiet_floods(every: float = 60.0) -> OncePerReason:
    """Attach one `OncePerReason` to the loggers a flood of connections writes to."""
    once = OncePerReason(every)
    for name in ("uvicorn.error", "asyncio", "conflictwire.serve"):
        logging.getLogger(name).addFilter(once)
    return once


def config(app: Any, host: str, port: int, *, header_timeout: float = HEADER_TIMEOUT,
           limit_concurrency: int = LIMIT_CONCURRENCY, **options: Any) -> uvicorn.Config:
    """A uvicorn configuration with the header deadline and the connection cap."""
    protocol = type("Timed", (HeaderTimeoutH11,), {"header_timeout": header_timeout})
    return uvicorn.Config(app, host=host, port=port, http=protocol, limit_concurrency=limit_concurrency,
                          timeout_keep_alive=5, proxy_headers=False, server_header=False, **options)


def run(app: Any, host: str, port: int, **options: Any) -> None:
    server = uvicorn.Server(config(app, host, port, **options))
    quiet_floods()  # after uvicorn's logging setup, which the Config does
    server.run()
