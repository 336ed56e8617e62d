"""Ingest: read sources, extract each new article's events, merge them into the store.

Each article is one transaction (`Store.add_article`): a run killed at any point loses no
stored article and a re-run adds nothing twice. An article already in the store (same URL,
same text) is not extracted again. The extractor is loaded once per process, and only when
the first new article comes.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TextIO

from ..cli import count_of
from ..models import Article, Event, ReadError
from ..read import MAX_TEXT_BYTES
from .db import Store
from .sources import TIMEOUT, iter_sources

_EXTRACTOR = None


def get_extractor():
    """The process's extractor (spaCy models, gazetteer, actor base), loaded on first use."""
    global _EXTRACTOR
    if _EXTRACTOR is None:
        from ..pipeline import Extractor

        _EXTRACTOR = Extractor()
    return _EXTRACTOR


@dataclass
class IngestSummary:
    read: int = 0  # articles read from the sources
    new: int = 0  # articles stored by this run
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (article or source, reason)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (source, reason): bad input
    created: int = 0  # events inserted
    updated: int = 0  # reports merged into events already stored

    @property
    def ok(self) -> bool:
        return not self.skipped

    def lines(self) -> list[str]:
        read, created = count_of(self.read, "article"), count_of(self.created, "event")
        out = [f"{read} read, {self.new} new, {len(self.duplicates)} already stored, "
               f"{len(self.skipped)} skipped; {created} created, {self.updated} updated"]
        out += [f"  skipped {where}: {why}" for where, why in self.skipped]
        return out


CHUNK = 16  # new articles extracted together (spaCy batches), each then stored on its own


def _extract_all(articles: list[Article], extract: Callable[[Article], list[Event]] | None,
                 summary: IngestSummary, sources: list[str]) -> list[list[Event] | None]:
    """Each article's events (None for one that breaks the extractor, which is reported)."""
    if not articles:
        return []
    if extract is None:
        try:
            return list(get_extractor().extract_each(articles))
        except Exception:  # find the article that breaks it: each alone
            extract = get_extractor().extract_article
    found: list[list[Event] | None] = []
    for source, article in zip(sources, articles, strict=True):
        try:
            found.append(extract(article))
        except Exception as exc:  # one report that breaks the extractor is skipped
            summary.skipped.append((f"{source}: article {article.id!r}",
                                    f"extraction failed ({type(exc).__name__}: {exc})"))
            found.append(None)
    return found


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
    published: date | None = None,
    max_bytes: int = MAX_TEXT_BYTES,
    timeout: float = TIMEOUT,
    follow: bool = True,
    progress: bool | None = None,
    err: TextIO | None = None,
    stop: Callable[[], bool] | None = None,
) -> IngestSummary:
    """Ingest every source into `store`; return what happened.

    `extract` (default: the process's `Extractor().extract_article`) gives one article's
    events. `published` is the publication day of articles that have none. `progress`
    shows a rich progress line on `err` (default: when `err` is a terminal). `stop`, when it
    returns true, ends the run after the article being stored (`conflictwire watch`'s SIGTERM).
    """
    stopping = stop or (lambda: False)
    summary = IngestSummary()
    err = err or sys.stderr

    def url_known(url: str) -> bool:
        return store.known(Article(id="-", text="", url=url)) is not None

    reader = iter_sources(sources, max_bytes=max_bytes, timeout=timeout, follow=follow, skip_url=url_known)
    pending: list[tuple[str, Article]] = []  # new articles waiting for one extraction pass

    def flush() -> None:
        if stopping():
            pending.clear()  # not extracted: read again by the next run
            return
        found = _extract_all([a for _, a in pending], extract, summary, [s for s, _ in pending])
        for (_, article), events in zip(pending, found, strict=True):
            if stopping():
                break  # what was extracted and not stored is read again by the next run
            if events is not None:
                _store(store, article, events, summary)
            bar.update(summary)
        pending.clear()

    with _Progress(err, progress) as bar:
        for source, item in reader:
            if stopping():
                break
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
            if published is not None and article.published is None:
                article = article.model_copy(update={"published": published})
            reason = store.known(article)
            if reason is not None or any(a.id == article.id for _, a in pending):
                summary.duplicates.append((article.id, reason or "id already read in this run"))
                bar.update(summary)
                continue
            pending.append((source, article))
            if len(pending) >= CHUNK:
                flush()
        flush()
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
