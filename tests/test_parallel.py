"""Parallel extraction (`conflictwire.extract.parallel`): a local process pool and a Dask
LocalCluster give the events of one process, byte for byte, in `extract` and in `ingest`,
and a bad article or line is reported with the rest of the batch extracted.

The reports are the bundled samples and small generated ones ordered so that the two
reports of a story land in different chunks (on different workers): the client merges
them. Every runner is started once for the module (each worker process loads the models,
a few seconds each), and the command-line runs start together.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SAMPLES, write_reports

from conflictwire.cli import build_parser
from conflictwire.export import write_events
from conflictwire.extract.parallel import DaskRunner, LocalPool, Serial, extract_batch, extract_stream
from conflictwire.extract.read import read_sources
from conflictwire.models import Article
from conflictwire.store import Store, ingest

TIMEOUT = 300
SIZE = 3  # articles a chunk here (16 by default): a story's two reports go to different workers


def _interleaved(folder: Path, count: int) -> list[dict]:
    """Generated reports: the first report of every story, then the second ones."""
    reports = write_reports(folder, count)
    return reports[0::2] + reports[1::2]


def _jsonl(events) -> str:
    out = io.StringIO()
    write_events(events, "jsonl", out)
    return out.getvalue()


def _cli(*args) -> list[str]:
    return [sys.executable, "-m", "conflictwire.cli", *map(str, args)]


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("parallel")


@pytest.fixture(scope="module")
def articles(work) -> list[Article]:
    samples = [a for a in read_sources([str(SAMPLES)]) if isinstance(a, Article)]
    return samples + [Article.model_validate(r) for r in _interleaved(work / "gen", 12)]


@pytest.fixture(scope="module")
def batch(work) -> Path:
    """40 generated reports (20 stories) as JSON Lines, with a broken line 21 among them."""
    reports = _interleaved(work / "gen40", 40)
    lines = [json.dumps(r) for r in reports[:20]] + ['{"id": "broken", "text": '] + \
        [json.dumps(r) for r in reports[20:]]
    path = work / "batch.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def cli_runs(work, batch) -> dict[str, subprocess.Popen]:
    """`extract` with 1 and 2 workers and `ingest --workers 2`, started before the in-process
    tests so that they run meanwhile; each test waits for the run it reads."""
    jobs = {
        "extract-1": ["extract", batch, "--workers", "1"],
        "extract-2": ["extract", batch, "--workers", "2"],
        "ingest-2": ["ingest", batch, "--db", work / "two.db", "--no-progress", "--workers", "2"],
    }
    procs = {name: subprocess.Popen(_cli(*args), cwd=work, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True) for name, args in jobs.items()}
    yield procs
    for proc in procs.values():
        proc.kill()
        proc.wait()


def _finish(proc: subprocess.Popen) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=TIMEOUT)
    return proc.returncode, out, err


@pytest.fixture(scope="module")
def serial(articles) -> str:
    events, failed = extract_batch(articles, Serial(), SIZE)
    assert not failed
    return _jsonl(events)


@pytest.fixture(scope="module")
def pool():
    runner = LocalPool(2, "spawn")  # the portable start; the command-line runs fork (Linux)
    yield runner
    runner.close()


@pytest.fixture(scope="module")
def dask_cluster():
    runner = DaskRunner("local:2")
    yield runner
    runner.close()


# --- in process ----------------------------------------------------------------------------

def test_reports_of_one_story_merge_across_chunks(cli_runs, serial):
    merged = [set(json.loads(line)["article_ids"]) for line in serial.splitlines()]
    assert {"gen-0000", "gen-0001"} in merged  # the 1st and the 7th generated report


def test_the_chunk_size_does_not_change_the_events(serial, articles):
    events, _ = extract_batch(articles, Serial(), 16)
    assert _jsonl(events) == serial


def test_a_local_pool_of_two_gives_the_events_of_one_process(serial, articles, pool):
    broken = Article.model_construct(id="broken", text=None, language="en")  # breaks the extractor
    events, failed = extract_batch([*articles[:5], broken, *articles[5:]], pool, SIZE)
    assert _jsonl(events) == serial
    assert [a.id for a, _ in failed] == ["broken"]
    assert "Error" in failed[0][1] and "\n" not in failed[0][1]  # "AttributeError: ...", one line
    ordered = [item.id for item, _ in extract_stream(articles, pool, lambda a: a, SIZE)]
    assert ordered == [a.id for a in articles]  # results come back in input order


def test_a_dask_local_cluster_of_two_gives_the_events_of_one_process(serial, articles, dask_cluster):
    assert dask_cluster.workers == 2
    events, failed = extract_batch(articles, dask_cluster, SIZE)
    assert not failed
    assert _jsonl(events) == serial


def _ingested(path: Path, batch: Path, runner) -> tuple[list[str], str]:
    """The summary lines of an ingest of `batch` into a new store, and the stored events."""
    with Store.open(path) as store:
        summary = ingest([str(batch)], store, runner=runner, progress=False)
        return summary.lines(), _jsonl(store.events())


@pytest.fixture(scope="module")
def serial_ingest(work, batch) -> tuple[list[str], str]:
    return _ingested(work / "serial.db", batch, None)


def test_ingest_on_a_dask_cluster_stores_what_one_process_stores(work, batch, dask_cluster, serial_ingest):
    lines, events = _ingested(work / "dask.db", batch, dask_cluster)
    assert (lines, events) == serial_ingest
    assert lines[0] == "40 articles read, 40 new, 0 already stored, 1 skipped; 20 events created, 20 updated"
    assert f"{batch}:21" in lines[1]


def test_a_custom_extract_function_runs_in_process():
    def extract(article):
        if article.id == "bad":
            raise ValueError("no\nway")
        return []

    found = list(extract_stream([Article(id=i, text="x") for i in ("a", "bad", "b")], Serial(extract),
                                lambda a: a, 2))
    assert [(a.id, o.error) for a, o in found] == [("a", None), ("bad", "ValueError: no way"), ("b", None)]


# --- the command line -----------------------------------------------------------------------

def test_extract_with_two_workers_equals_one(cli_runs, batch):
    code1, out1, err1 = _finish(cli_runs["extract-1"])
    code2, out2, err2 = _finish(cli_runs["extract-2"])
    assert out1 and out2 == out1
    assert len(out1.splitlines()) == 20  # each story's two reports merged
    for code, err in ((code1, err1), (code2, err2)):
        assert code == 1  # the bad line: named with its file and line, the rest extracted
        assert f"{batch}:21: not valid JSON" in err
        assert "40 articles read, 1 skipped, 20 events" in err
        assert "Traceback" not in err


def test_ingest_with_two_workers_stores_what_one_process_stores(cli_runs, work, batch, serial_ingest):
    code, _, err = _finish(cli_runs["ingest-2"])
    assert code == 1, err
    summary = [line for line in err.splitlines() if not line.startswith("conflictwire ingest: coding")]
    assert summary == serial_ingest[0]  # after the line that says which model codes
    assert "Traceback" not in err
    with Store.open(work / "two.db") as two:
        assert _jsonl(two.events()) == serial_ingest[1]


@pytest.mark.parametrize("args", [["extract", "--workers", "0"], ["extract", "--workers", "two"],
                                  ["extract", "--dask", "local:0"], ["ingest", "--workers", "0"],
                                  ["extract", "--workers", "2", "--dask", "local:2"]])
def test_bad_parallel_options_are_usage_errors(args, capsys):
    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args([args[0], str(SAMPLES), *args[1:]])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "--workers" in err or "--dask" in err
