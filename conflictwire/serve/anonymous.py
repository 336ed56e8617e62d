"""Anonymous extractions (``POST /api/extract``) in a worker process of their own: `Extractions`.

Extraction holds the GIL for most of its time. Run in threads of the API process, two 0.5 MB
anonymous extractions made an authorised ``POST /api/articles`` wait 0.58 s at the 95th
percentile, 0.18 s with them in a worker process (`benchmarks/exposure.py extract`, issue 17):
the write's own extraction and every request's Python code queued behind them for the
interpreter. In a separate process they take one core and none of the API's GIL.

The pool (`workers` processes, 1 by default) is started on the first anonymous extraction, not
with the server: most servers never get one, and a worker costs the extractor's memory again
(its models are loaded there once, by the pool's initializer). Spawned, not forked: the API
process runs threads (uvicorn's loop, the delivery worker), and forking a process with threads
can copy a lock held by one of them. A worker that dies (killed, out of memory) breaks the pool;
the next extraction starts a new one, and a worker whose server is gone ends (`_end_with`).
The workers run at a lower CPU priority (`WORKER_NICE`): beside two 0.5 MB anonymous
extractions an authorised post took 0.17-0.18 s at the 95th percentile with the workers at the
server's priority, 0.10 s niced (3 runs each, 2 cores busy with other work).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from ..extract.toll import TollPolicy
from ..models import Article, Event

WORKERS = 1
# the workers' CPU priority below the server's (0 is the default, 19 the lowest): on a machine
# with few cores, the extraction of an authorised post, and every other answer, goes first
WORKER_NICE = 10
PARENT_CHECK = 1.0  # seconds between a worker's checks that its server is still there


class WorkerLost(RuntimeError):
    """The extraction's worker process died before answering (the next one gets a new worker)."""


def _load(tolls: TollPolicy = "conservative") -> None:
    from ..store.ingestion import get_extractor

    threading.Thread(target=_end_with, args=(os.getppid(),), daemon=True, name="end-with-server").start()
    os.nice(WORKER_NICE)
    get_extractor(tolls)


def _end_with(server: int) -> None:
    """End this worker once the server that started it is gone. A server killed, or stopped by
    SIGTERM (uvicorn raises the signal again once it has shut down, so the process ends before
    the code after it runs), left its worker waiting on the pool's queue for ever, 450 MB each."""
    while os.getppid() == server:
        time.sleep(PARENT_CHECK)
    os._exit(0)


def _extract(article: Article, tolls: TollPolicy = "conservative") -> list[Event]:
    from ..store.ingestion import get_extractor

    return get_extractor(tolls).extract_article(article)


class Extractions:
    """A lazily started pool of extraction processes; `extract` runs one article there."""

    def __init__(self, workers: int = WORKERS, tolls: TollPolicy = "conservative") -> None:
        self.workers = workers
        self.tolls = tolls
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()  # two first requests start one pool

    def _started(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                spawn = multiprocessing.get_context("spawn")
                self._pool = ProcessPoolExecutor(self.workers, mp_context=spawn, initializer=_load,
                                                 initargs=(self.tolls,))
            return self._pool

    def extract(self, article: Article) -> list[Event]:
        pool = self._started()
        try:
            return pool.submit(_extract, article, self.tolls).result()
        except BrokenProcessPool as exc:
            with self._lock:
                if self._pool is pool:
                    self._pool = None
            pool.shutdown(wait=False, cancel_futures=True)
            raise WorkerLost("the extraction worker stopped; try again") from exc

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
