"""Ingest: read sources, extract each new article's events, merge them into the store.

Each article is one transaction (`Store.add_article`): a run killed at any point loses no
stored article and a re-run adds nothing twice. An article already in the store (same URL,
same text) is not extracted again. The extractor is loaded once per process, and only when
the first new article comes. Extraction can run on local processes or a Dask cluster
(`runner`, `conflictwire.extract.parallel`): articles go out in chunks, read just ahead of the
workers, and come back in input order to be stored here, by this one process.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import TextIO

from ..console import count_of
from ..extract.parallel import Runner, Serial, extract_stream, with_defaults
from ..extract.parallel import get_extractor as get_extractor  # the process's extractor, loaded on first use
from ..extract.read import MAX_TEXT_BYTES
from ..models import Article, Event, ReadError
from .db import Store, StoreError
from .sources import TIMEOUT, iter_sources


@dataclass
class IngestSummary:
    read: int = 0  # articles read from the sources
    new: int = 0  # articles stored by this run
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (article or source, reason)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (source, reason): bad input
    created: int = 0  # events inserted
    updated: int = 0  # reports merged into events already stored
    failed: str | None = None  # why the run stopped early: the store could not be written

    @property
    def ok(self) -> bool:
        return not self.skipped and self.failed is None

    def lines(self) -> list[str]:
        read, created = count_of(self.read, "article"), count_of(self.created, "event")
        out = [f"{read} read, {self.new} new, {len(self.duplicates)} already stored, "
               f"{len(self.skipped)} skipped; {created} created, {self.updated} updated"]
        out += [f"  skipped {where}: {why}" for where, why in self.skipped]
        if self.failed:
            out.append(f"  stopped: {self.failed}; every article stored before stands whole, "
                       "and a re-run goes on from there")
        return out


CHUNK = 16  # new articles extracted together (spaCy batches), each then stored on its own


def _store(store: Store, article: Article, events: list[Event], summary: IngestSummary) -> None:
    """One article and its events, in one transaction."""
    result = store.add_article(article, events)
    if result.reason is not None:
        summary.duplicates.append((article.id, result.reason))
    else:
        summary.new += 1
        summary.created += len(result.created)
        summary.updated += len(result.updated)


def ingest(
    sources: list[str],
    store: Store,
    *,
    extract: Callable[[Article], list[Event]] | None = None,
    runner: Runner | None = None,
    published: date | None = None,
    country: str | None = None,
    max_bytes: int = MAX_TEXT_BYTES,
    timeout: float = TIMEOUT,
    follow: bool = True,
    allow_private: bool = False,
    progress: bool | None = None,
    err: TextIO | None = None,
    stop: Callable[[], bool] | None = None,
) -> IngestSummary:
    """Ingest every source into `store`; return what happened.

    `extract` (default: the process's `Extractor().extract_article`) gives one article's
    events; `runner` (default: this process) extracts chunks of articles elsewhere
    (`conflictwire.extract.parallel.LocalPool`, `DaskRunner`). `published` and `country` are the
    publication day and country of articles that have none. `allow_private` lets URLs reach
    private addresses (`netguard`). `progress`
    shows a rich progress line on `err` (default: when `err` is a terminal). `stop`, when it
    returns true, ends the run after the article being stored (`conflictwire watch`'s SIGTERM).
    """
    stopping = stop or (lambda: False)
    summary = IngestSummary()
    err = err or sys.stderr

    def url_known(url: str) -> bool:
        return store.known(Article(id="-", text="", url=url)) is not None

    reader = iter_sources(sources, max_bytes=max_bytes, timeout=timeout, follow=follow, skip_url=url_known,
                          allow_private=allow_private)
    in_flight: set[str] = set()  # ids of the articles read and not yet stored

    def new_articles() -> Iterator[tuple[str, Article]]:
        """(source, article) of each article to extract, read lazily, just ahead of the workers."""
        for source, item in reader:
            if stopping():
                return  # what is not stored is read again by the next run
            if isinstance(item, ReadError):
                if item.message.startswith("already stored"):
                    summary.duplicates.append((item.source, item.message))
                else:
                    summary.skipped.append((str(item.source if item.line is None
                                                else f"{item.source}:{item.line}"), item.message))
                bar.update(summary)
                continue
            summary.read += 1
            article = item
            article = with_defaults(item, published, country)
            reason = store.known(article)
            if reason is not None or article.id in in_flight:
                summary.duplicates.append((article.id, reason or "id already read in this run"))
                bar.update(summary)
                continue
            in_flight.add(article.id)
            yield source, article

    with _Progress(err, progress) as bar:
        try:
            for (source, article), outcome in extract_stream(new_articles(), runner or Serial(extract),
                                                             lambda pair: pair[1], CHUNK):
                if stopping():
                    break  # what was extracted and not stored is read again by the next run
                reason = outcome.reason()
                if reason is None:
                    _store(store, article, outcome.events, summary)
                else:  # a report that breaks the extractor, or in a language it does not read
                    summary.skipped.append((f"{source}: article {article.id!r}", reason))
                in_flight.discard(article.id)
                bar.update(summary)
        except StoreError as exc:  # a full disk, a read-only file, a server gone for good
            summary.failed = str(exc)
    return summary


class _Progress:
    """A one-line rich progress display (articles read, new, events), terminals only."""

    def __init__(self, out: TextIO, enabled: bool | None) -> None:
        self.out, self.enabled, self.progress, self.task = out, enabled, None, None

    def __enter__(self) -> _Progress:
        from rich.console import Console

        console = Console(file=self.out)
        if self.enabled is None:
            self.enabled = console.is_terminal
        if self.enabled:
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self.progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                                     console=console, transient=True)
            self.progress.start()
            self.task = self.progress.add_task("ingesting", total=None)
        return self

    def update(self, s: IngestSummary) -> None:
        if self.progress is not None:
            self.progress.update(self.task, description=(
                f"ingesting: {s.read} read, {s.new} new, {len(s.skipped)} skipped, "
                f"{s.created} events created, {s.updated} updated"))

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.stop()
