"""``conflictwire serve``: a JSON API (FastAPI, served by uvicorn) over the event store."""

from .app import MAX_BODY, create_app

__all__ = ["MAX_BODY", "create_app"]
