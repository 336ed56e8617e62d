"""``conflictwire serve``: the dashboard and a JSON API (FastAPI, served by uvicorn) over the
event store. `create_app` is imported on first use, so that building the command line (which
imports ``serve.cli``) does not load FastAPI for every other command."""

from __future__ import annotations

from typing import Any

__all__ = ["MAX_BODY", "create_app"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import app

        return getattr(app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
