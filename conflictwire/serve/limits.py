"""Per-client rate limit for anonymous requests: `ClientRate`, an ASGI middleware.

A token bucket per client address (`rate` requests a second, `burst` at once); a request past
it gets 429 with Retry-After. Requests with the right token, and the static files a page loads,
are not counted. Written here rather than taken from slowapi: that one decorates each endpoint
and needs the `limits` package and a storage backend; this is one dictionary, pruned as it grows.
"""

from __future__ import annotations

import hmac
import math
import time
from typing import Any

from fastapi.responses import JSONResponse

MAX_CLIENTS = 100_000  # buckets kept; past it the full ones (idle clients) are dropped


class ClientRate:
    def __init__(self, app: Any, rate: float, burst: int, token: str | None = None) -> None:
        self.app, self.rate, self.burst = app, rate, burst
        self.token = f"Bearer {token}".encode() if token else None
        self.buckets: dict[str, tuple[float, float]] = {}  # client: (tokens, when)

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/static/") or self._authorised(scope):
            await self.app(scope, receive, send)
            return
        wait = self._take((scope.get("client") or ("?", 0))[0])
        if wait <= 0:
            await self.app(scope, receive, send)
            return
        response = JSONResponse({"detail": "too many requests from this address; slow down"},
                                status_code=429, headers={"Retry-After": str(math.ceil(wait))})
        await response(scope, receive, send)

    def _authorised(self, scope: dict) -> bool:
        given = dict(scope.get("headers") or []).get(b"authorization", b"")
        return self.token is not None and hmac.compare_digest(given, self.token)

    def _take(self, client: str) -> float:
        """0 when the client may go on (one token taken), else the seconds until it may."""
        now = time.monotonic()
        tokens, then = self.buckets.get(client, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - then) * self.rate)
        if tokens < 1:
            self.buckets[client] = (tokens, now)
            return (1 - tokens) / self.rate
        self.buckets[client] = (tokens - 1, now)
        if len(self.buckets) > MAX_CLIENTS:
            self._prune(now)
        return 0.0

    def _prune(self, now: float) -> None:
        full = [c for c, (t, w) in self.buckets.items() if t + (now - w) * self.rate >= self.burst]
        for client in full:
            del self.buckets[client]
