"""A real uvicorn server on 127.0.0.1 for the tests of the API and the dashboard."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator

import httpx
import uvicorn


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url: str, ready: Callable[[], bool] = lambda: True, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            try:
                if httpx.get(url + "/openapi.json", timeout=1.0).status_code == 200:
                    return
            except httpx.TransportError:
                pass
        time.sleep(0.05)
    raise AssertionError(f"server at {url} did not start within {timeout} s")


@contextlib.contextmanager
def serving(app) -> Iterator[tuple[str, uvicorn.Server]]:
    """A real uvicorn server for `app` on a free port of 127.0.0.1 in a thread: (base URL, server)."""
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning",
                                        lifespan="off"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{srv.config.port}"
        wait_ready(base, lambda: srv.started)
        yield base, srv
    finally:
        srv.should_exit = True
        thread.join(timeout=10)
