"""The event store: ingest reports, merge them into events across runs, query, export.

    from conflictwire.store import Store, ingest
    with Store.open("events.db") as store:
        summary = ingest(["reports/"], store)
        store.events(country="MLI")
"""

from .db import AddResult, Near, Store, StoreError, resolve_url
from .ingest import IngestSummary, ingest

__all__ = ["AddResult", "IngestSummary", "Near", "Store", "StoreError", "ingest", "resolve_url"]
