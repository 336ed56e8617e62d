"""`conflictwire watch`: poll a list of RSS/Atom feeds, ingest what is new, raise alerts.

Each poll reads the feeds file again (one URL or feed file a line, ``#`` comments), so it
can be edited while the watcher runs, and ingests each feed with `store.ingestion.ingest`: an
article already stored (same URL or text) is not read again, which is how a restarted
watcher keeps its place (each feed's polls, failures and last error are in the store's
``feeds`` table too). A feed that times out, answers an error or is not XML is logged and
recorded, and the next feed is read; nothing a feed does stops the watcher. Alerts are
delivered after each article's commit (`deliver.Notifier`), and the deliveries still due
from earlier runs at every poll.

`stop` (SIGTERM and SIGINT in the command) ends the run after the article being stored.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..extract.parallel import Serial
from ..extract.toll import TollPolicy
from ..models import Article, Event
from ..store.db import Store
from ..store.ingestion import IngestSummary, ingest
from ..store.sources import TIMEOUT, is_url
from .deliver import Notifier
from .records import feed_polled

log = logging.getLogger("conflictwire.watch")

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, None: 1.0}


def parse_duration(text: str) -> float:
    """Seconds in ``90``, ``30s``, ``10m``, ``1.5h``, ``1d``; ValueError otherwise."""
    found = _DURATION.match(text)
    if not found or float(found.group(1)) <= 0:
        raise ValueError(f"not a duration (like 30s, 10m, 1h): {text!r}")
    return float(found.group(1)) * _UNITS[found.group(2)]


def read_feeds(path: Path) -> list[str]:
    """The feeds listed in `path`: URLs (http, https) or feed files, blank lines and # comments
    skipped; ValueError naming the line of anything else."""
    feeds = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = re.split(r"\s#", raw.strip(), maxsplit=1)[0].strip()  # a URL's own # stays
        if not line or line.startswith("#"):
            continue
        if not (is_url(line) or Path(line).is_file()):
            raise ValueError(f"{path}:{number}: not an http(s) URL or a feed file: {line!r}")
        feeds.append(line)
    return list(dict.fromkeys(feeds))


@dataclass
class Watcher:
    store: Store
    feeds_file: Path
    every: float = 600.0
    timeout: float = TIMEOUT
    follow: bool = True
    allow_private: bool = False  # --allow-private: feeds and links on the user's own network
    extract: Callable[[Article], list[Event]] | None = None
    tolls: TollPolicy = "conservative"  # --tolls: whose figures make an event's toll
    country: str | None = None  # --country: of the articles that name none
    notifier: Notifier | None = None
    stop: threading.Event = field(default_factory=threading.Event)
    polls: int = 0

    def __post_init__(self) -> None:
        if self.notifier is None:
            self.notifier = Notifier(self.store, stop=self.stop)
        self.notifier.stop = self.stop
        self.notifier.attach()

    def run(self) -> None:
        """Poll every `every` seconds until `stop` is set."""
        log.info("watching the feeds of %s every %gs", self.feeds_file, self.every)
        while not self.stop.is_set():
            try:
                self.poll_once()
            except Exception:  # the store unreachable for a while, a bug: the next poll tries again
                log.exception("poll failed")
            self.stop.wait(self.every)
        log.info("stopped")

    def poll_once(self) -> list[IngestSummary]:
        """One pass over the feeds, then the deliveries still due (earlier failures)."""
        self.polls += 1
        try:
            feeds = read_feeds(self.feeds_file)
        except (OSError, ValueError) as exc:  # a feeds file being edited: try again next time
            log.error("cannot read the feeds: %s", exc)
            feeds = []
        done = []
        for url in feeds:
            if self.stop.is_set():
                break
            summary = self.poll(url)
            if summary is not None:
                done.append(summary)
        if not self.stop.is_set():
            self.notifier.deliver_due()
        return done

    def poll(self, url: str) -> IngestSummary | None:
        """Ingest one feed; its errors are logged and recorded, never raised."""
        try:
            summary = ingest([url], self.store, runner=Serial(self.extract, tolls=self.tolls),
                             country=self.country, timeout=self.timeout,
                             follow=self.follow, allow_private=self.allow_private,
                             progress=False, stop=self.stop.is_set)
        except Exception as exc:  # a bug or a store error: logged, and the watcher goes on
            log.exception("%s: poll failed", url)
            self._record(url, f"{type(exc).__name__}: {exc}", 0)
            return None
        for where, why in summary.skipped:
            log.warning("%s: %s", where, why)
        feed_error = next((why for where, why in summary.skipped if where == url), None)
        self._record(url, feed_error, summary.new)
        log.info("%s: %d new, %d already stored, %d skipped; %d events created, %d updated", url,
                 summary.new, len(summary.duplicates), len(summary.skipped), summary.created, summary.updated)
        return summary

    def _record(self, url: str, error: str | None, stored: int) -> None:
        try:
            feed_polled(self.store, url, error=error, stored=stored)
        except Exception:
            log.exception("%s: cannot record the poll", url)
