"""The event store: ingest reports, merge them into events across runs, query, export.

    from conflictwire.store import Store, ingest
    with Store.open("events.db") as store:
        summary = ingest(["reports/"], store)
        store.events(country="MLI")

The names load on first use, so that commands which never open a store (`extract`) do not
import SQLAlchemy.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .db import AddResult, Near, Store, StoreError, resolve_url
    from .ingestion import IngestSummary, ingest

_HOMES = {"AddResult": "db", "Near": "db", "Store": "db", "StoreError": "db", "resolve_url": "db",
          "IngestSummary": "ingestion", "ingest": "ingestion"}
__all__ = ["AddResult", "IngestSummary", "Near", "Store", "StoreError", "ingest", "resolve_url"]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{_HOMES[name]}", __name__), name)
