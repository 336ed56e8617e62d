"""Per-client limits for anonymous requests: `ClientRate`, an ASGI middleware.

A token bucket per client address (`rate` requests a second, `burst` at once), and at most
`in_flight` requests of one address at once, counted until the answer is sent (or the client
gone): 429 with Retry-After past either. The second is what bounds clients that ask and never
read: 200 such requests for 500 zones each were 200 pages computed at once and `/api/events`
answered in 5.7 s meanwhile (issue 17); now an address has a few in the works and the rest are
refused at once, before any work. Requests with the right token, and the static files a page
loads, are not counted. Written here rather than taken from slowapi: that one decorates each endpoint
and needs the `limits` package and a storage backend; this is one dictionary, pruned as it grows.
"""

from __future__ import annotations

import hmac
import math
import time
from typing import Any

from fastapi.responses import JSONResponse

MAX_CLIENTS = 100_000  # buckets kept; past it the full ones (idle clients) are dropped
PER_CLIENT = 8  # requests of one anonymous address at once (a dashboard load makes 5)


class ClientRate:
    def __init__(self, app: Any, rate: float | None, burst: int, token: str | None = None,
                 in_flight: int | None = PER_CLIENT) -> None:
        self.app, self.rate, self.burst, self.in_flight = app, rate, burst, in_flight
        self.token = f"Bearer {token}".encode() if token else None
        self.buckets: dict[str, tuple[float, float]] = {}  # client: (tokens, when)
        self.running: dict[str, int] = {}  # client: its requests not yet answered

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/static/") or self._authorised(scope):
            await self.app(scope, receive, send)
            return
        client = (scope.get("client") or ("?", 0))[0]
        if self.in_flight and self.running.get(client, 0) >= self.in_flight:
            await _too_many(scope, receive, send, 1.0, f"{self.in_flight} requests from this address "
                                                       "are still being answered; read them first")
            return
        wait = self._take(client, self.rate) if self.rate else 0.0
        if wait > 0:
            await _too_many(scope, receive, send, wait, "too many requests from this address; slow down")
            return
        self.running[client] = self.running.get(client, 0) + 1  # one event loop: no lock needed
        try:
            await self.app(scope, receive, send)
        finally:
            left = self.running.pop(client) - 1
            if left:
                self.running[client] = left

    def _authorised(self, scope: dict) -> bool:
        given = dict(scope.get("headers") or []).get(b"authorization", b"")
        return self.token is not None and hmac.compare_digest(given, self.token)

    def _take(self, client: str, rate: float) -> float:
        """0 when the client may go on (one token taken), else the seconds until it may."""
        now = time.monotonic()
        tokens, then = self.buckets.get(client, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - then) * rate)
        if tokens < 1:
            self.buckets[client] = (tokens, now)
            return (1 - tokens) / rate
        self.buckets[client] = (tokens - 1, now)
        if len(self.buckets) > MAX_CLIENTS:
            self._prune(now, rate)
        return 0.0

    def _prune(self, now: float, rate: float) -> None:
        full = [c for c, (t, w) in self.buckets.items() if t + (now - w) * rate >= self.burst]
        for client in full:
            del self.buckets[client]


async def _too_many(scope: dict, receive: Any, send: Any, wait: float, detail: str) -> None:
    response = JSONResponse({"detail": detail}, status_code=429,
                            headers={"Retry-After": str(math.ceil(wait))})
    await response(scope, receive, send)
