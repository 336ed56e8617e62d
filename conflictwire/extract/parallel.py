"""Parallel extraction: the cores of one machine (`--workers N`) or a Dask cluster
(`--dask tcp://HOST:PORT`, `--dask local:N`), with the output of one process.

Extraction is per article (spaCy runs over a chunk's candidate sentences, each article gets
its own events) and the merge of reports of one event (rule 8) runs once over everything,
in the client. So the work is split by chunks of `CHUNK` articles: workers extract whole
chunks, the client takes the results back in input order and merges (`extract`) or stores
(`ingest`: the store is written by the client alone). Chunks are the same whatever the
number of workers, so spaCy sees the same batches and the output is byte-identical.

- Each worker process has one extractor (`get_extractor`), loaded once: inherited from the
  client when forked, in the pool's initializer when spawned, on a Dask worker when the
  client connects (or on its first chunk, for a worker that joins later).
- Memory stays bounded: the input is read lazily and at most `IN_FLIGHT` chunks per worker
  are out at once; the client holds only those chunks and the events.
- An article that breaks the extractor is extracted alone and reported (`Outcome.error`);
  the rest of its chunk and of the batch are extracted. With CONFLICTWIRE_DEBUG set the
  exception propagates instead.
- Local processes are forked on Linux from a client that has loaded the extractor (they
  start at once and share its memory until they write to it), spawned elsewhere.
- A Dask cluster's workers need conflictwire installed, one thread each (`dask worker
  --nthreads 1 --nworkers N`: extraction holds the GIL, so threads add nothing).
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing
import os
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Protocol, TypeVar

from ..console import describe  # one line: the exception's type and message
from ..models import Article, Event
from .toll import TOLL_POLICIES, TollPolicy

if TYPE_CHECKING:
    from .pipeline import Extractor

CHUNK = 16  # articles a worker extracts together (one spaCy pass over their candidate sentences)
IN_FLIGHT = 4  # chunks per worker submitted ahead, so no worker waits for the client or a slow chunk
T = TypeVar("T")

# One per toll policy and learned model (a process that chooses another model, as a test or a
# library user may, must not get the extractor of the one before); they share the spaCy models.
_EXTRACTORS: dict[tuple[TollPolicy, str | None], Extractor] = {}
_LOCK = threading.Lock()


def get_extractor(tolls: TollPolicy = "conservative") -> Extractor:
    """The process's extractor (spaCy models, gazetteer, actor base), loaded on first use."""
    from .learned.model import active_model, model_dir_in_use

    folder = model_dir_in_use()
    key = (tolls, str(folder) if folder else None)
    with _LOCK:
        if key not in _EXTRACTORS:
            from .pipeline import Extractor

            _EXTRACTORS[key] = Extractor(tolls=tolls, model=active_model())
        return _EXTRACTORS[key]


@dataclass(frozen=True)
class Outcome:
    """One article's own events (unmerged), or why the extractor failed on it."""

    events: list[Event] = field(default_factory=list)
    error: str | None = None  # "TypeError: ...", when the article broke the extractor
    unread: str | None = None  # why the extractor does not read it: "language 'es' is not supported"

    def reason(self) -> str | None:
        """Why the article gave no events, as a person reads it (None: it was extracted)."""
        if self.unread:
            return self.unread
        return f"extraction failed ({self.error})" if self.error else None


def _debug() -> bool:
    return bool(os.environ.get("CONFLICTWIRE_DEBUG"))


def _alone(extract: Callable[[Article], list[Event]], article: Article) -> Outcome:
    try:
        return Outcome(extract(article))
    except Exception as exc:
        if _debug():
            raise
        return Outcome(error=describe(exc))


def extract_chunk(articles: list[Article], tolls: TollPolicy = "conservative") -> list[Outcome]:
    """Each article's events, with the process's extractor; runs in the workers. When the
    chunk breaks the extractor, each article is extracted alone to find the one at fault."""
    from .pipeline import language_of  # loaded with the extractor already

    extractor = get_extractor(tolls)
    # the language identified once: both the check below and the extractor read it
    articles = [a if a.language else a.model_copy(update={"language": language_of(a)}) for a in articles]
    unread = [extractor.unsupported(a) for a in articles]
    readable = [a for a, why in zip(articles, unread, strict=True) if why is None]
    try:
        found = iter(extractor.extract_each(readable))
        return [Outcome(unread=why) if why else Outcome(next(found)) for why in unread]
    except Exception:
        if _debug():
            raise
    return [Outcome(unread=why) if why else _alone(extractor.extract_article, a)
            for a, why in zip(articles, unread, strict=True)]


# -- runners: chunks of articles in, their outcomes out, in order -----------------------------

class Runner(Protocol):
    workers: int

    def map(self, chunks: Iterable[list[Article]]) -> Iterator[list[Outcome]]: ...


class Serial:
    """In this process. `extract` replaces the process's extractor (one article's events)."""

    workers = 1

    def __init__(self, extract: Callable[[Article], list[Event]] | None = None,
                 tolls: TollPolicy = "conservative") -> None:
        self.extract = extract
        self.tolls = tolls

    def map(self, chunks: Iterable[list[Article]]) -> Iterator[list[Outcome]]:
        for chunk in chunks:
            yield (extract_chunk(chunk, self.tolls) if self.extract is None
                   else [_alone(self.extract, a) for a in chunk])


def _bounded_map(submit: Callable[[list[Article]], Future], chunks: Iterable[list[Article]],
                 in_flight: int) -> Iterator[list[Outcome]]:
    """Results of `submit` over `chunks`, in order, with at most `in_flight` outstanding."""
    pending: deque[Future] = deque()
    for chunk in chunks:
        pending.append(submit(chunk))
        if len(pending) >= in_flight:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def _init_worker(tolls: TollPolicy = "conservative") -> None:
    get_extractor(tolls)


# Fork where it is safe (Linux): the workers start with the client's extractor already
# loaded, shared copy-on-write, so the pool starts in the time of one load instead of each
# worker importing spaCy and loading everything again (spawn, elsewhere).
START_METHOD = "fork" if sys.platform == "linux" else "spawn"


class LocalPool:
    """`workers` processes of this machine, each with its own extractor. With 'fork' the
    client loads the extractor and the workers are forked at once, before any thread starts."""

    def __init__(self, workers: int, method: str = START_METHOD,
                 tolls: TollPolicy = "conservative") -> None:
        self.workers = workers
        self.tolls = tolls
        if method == "fork":
            get_extractor(tolls)
            gc.freeze()  # the loaded objects stay shared: collections do not touch their pages
        self.pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method),
                                        initializer=_init_worker, initargs=(tolls,))
        for _ in range(workers):  # start them now: they load (spawn) while the input is read
            self.pool.submit(_init_worker, tolls)

    def map(self, chunks: Iterable[list[Article]]) -> Iterator[list[Outcome]]:
        return _bounded_map(lambda c: self.pool.submit(extract_chunk, c, self.tolls), chunks,
                            IN_FLIGHT * self.workers)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


class DaskRunner:
    """The workers of a Dask cluster: `tcp://HOST:PORT` (any scheduler address), or
    `local:N` for a LocalCluster of N single-threaded worker processes on this machine."""

    def __init__(self, address: str, tolls: TollPolicy = "conservative") -> None:
        from distributed import Client

        self.tolls = tolls
        self.cluster = None
        if address == "local" or address.startswith("local:"):
            from distributed import LocalCluster

            n = local_workers(address)
            self.cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                        dashboard_address=None)
            self.client = Client(self.cluster)
        else:
            self.client = Client(address)
        self.client.run(_init_worker, tolls)  # every worker loads its extractor now, all at once
        self.workers = max(1, sum(self.client.nthreads().values()))

    def map(self, chunks: Iterable[list[Article]]) -> Iterator[list[Outcome]]:
        return _bounded_map(lambda c: self.client.submit(extract_chunk, c, self.tolls, pure=False), chunks,
                            IN_FLIGHT * self.workers)

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def local_workers(address: str) -> int:
    """N of `local:N` (`local` alone: the machine's cores)."""
    _, _, count = address.partition(":")
    if not count:
        return os.cpu_count() or 1
    if not count.isdigit() or int(count) < 1:
        raise ValueError(f"--dask local:N needs a number of workers >= 1, not {count!r}")
    return int(count)


@contextmanager
def open_runner(workers: int = 1, dask: str | None = None, tolls: TollPolicy = "conservative"
                ) -> Iterator[Runner]:
    """The runner the command line asks for; its processes or connection end on exit."""
    if dask:
        runner: DaskRunner | LocalPool = DaskRunner(dask, tolls)
    elif workers > 1:
        runner = LocalPool(workers, tolls=tolls)
    else:
        yield Serial(tolls=tolls)
        return
    try:
        yield runner
    finally:
        runner.close()


# -- the stream -------------------------------------------------------------------------------

def _batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def extract_stream(items: Iterable[T], runner: Runner, article: Callable[[T], Article],
                   size: int = CHUNK) -> Iterator[tuple[T, Outcome]]:
    """Each item with its article's outcome, in input order. `items` is read lazily, just
    ahead of the workers; `article` gives an item's article."""
    held: deque[list[T]] = deque()  # the items of the chunks out at the workers

    def chunks() -> Iterator[list[Article]]:
        for group in _batched(items, size):
            held.append(group)
            yield [article(x) for x in group]

    for outcomes in runner.map(chunks()):
        yield from zip(held.popleft(), outcomes, strict=True)


def extract_batch(articles: Iterable[Article], runner: Runner | None = None, size: int = CHUNK
                  ) -> tuple[list[Event], list[tuple[Article, str]]]:
    """The batch's events, reports of one event merged (rule 8), as `Extractor.extract_batch`
    gives them; and (article, reason) for each article that broke the extractor or that it
    does not read."""
    from .merge import merge_events

    events: list[Event] = []
    failed: list[tuple[Article, str]] = []
    for item, outcome in extract_stream(articles, runner or Serial(), lambda a: a, size):
        reason = outcome.reason()
        if reason is None:
            events.extend(outcome.events)
        else:
            failed.append((item, reason))
    return merge_events(events), failed


# -- the command line -------------------------------------------------------------------------

def _workers_arg(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"a number of processes >= 1, not {value!r}")
    return int(value)


def _dask_arg(value: str) -> str:
    if value == "local" or value.startswith("local:"):
        try:
            local_workers(value)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from exc
    return value


def add_options(parser: argparse.ArgumentParser) -> None:
    """`--workers N` and `--dask ADDRESS` (one or the other) for `extract` and `ingest`."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--workers", type=_workers_arg, default=1, metavar="N",
                       help="extract with N processes of this machine (default 1)")
    group.add_argument("--dask", type=_dask_arg, metavar="ADDRESS",
                       help="extract on a Dask cluster: its scheduler (tcp://HOST:PORT), or local:N "
                            "for a local cluster of N workers")


def _country_arg(value: str) -> str:
    from ..models import iso3_of

    try:
        return iso3_of(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def add_coding_options(parser: argparse.ArgumentParser) -> None:
    """`--tolls` and `--country`: how reports are coded (`extract`, `ingest`, `serve`, `watch`)."""
    parser.add_argument("--tolls", choices=TOLL_POLICIES, default="conservative",
                        help="conservative (rule 4: a party's count of its enemy's dead counts 0) or acled "
                             "(ACLED's practice: a party's specific count when no other source gives one)")
    parser.add_argument("--country", type=_country_arg, metavar="CODE",
                        help="ISO 3166 code of the country reports are about when they do not say "
                             "(a feed about one country): a prior for places, never over the text")


def with_defaults(article: Article, published: date | None = None, country: str | None = None) -> Article:
    """The article with the command line's publication day and country where it has none."""
    update = {k: v for k, v in (("published", published), ("country", country))
              if v is not None and getattr(article, k) is None}
    return article.model_copy(update=update) if update else article
