#!/usr/bin/env python3
"""Throughput of the extractor, on 1 and more workers, against a plain spaCy pass.

    python benchmarks/throughput.py [FILE] [--limit N] [--workers 1,2] [--dask local:2] [--repeat 3]

FILE is JSON Lines of articles (default ../shared/data/insightcrime.jsonl relative to the
repository root). Prints one figure a line:

- load times of the actor knowledge base, the gazetteer and the spaCy model;
- `extract_articles_per_s`: the extractor in this process, models loaded and warm;
- `pool_N_articles_per_s`: the same over a local pool of N workers, started and warm;
- `cli_N_articles_per_s`, `cli_N_seconds`: end to end, `conflictwire extract FILE
  --workers N -o OUT` as a new process (start, model loading, reading, extraction, merge,
  writing), the median of --repeat rounds (`cli_N_best_...`: the fastest round;
  `cli_N_runs_seconds`: every round), and its peak memory per process (`cli_N_peak_rss_mb`:
  the client; `..._worker_peak_rss_mb`: the largest worker); the outputs of every run must
  be identical (`cli_outputs_identical`), as must those of `--dask ADDRESS` when given;
- `scaling_N_over_1`: how many times faster N workers are than 1 (warm; end to end, of the
  medians and of the best rounds);
- `..._cpu_ms_per_article`: processor time an article costs (all processes of a run, or the
  warm extractor alone), less skewed than wall time by other work on the machine;
- `spacy_articles_per_s` and `spacy_2proc_...` (--spacy-processes, default 1,2): plain spaCy
  `nlp.pipe` over the whole texts, same model and components, in one process and in two
  (n_process=2), with the batch size the extractor gives spaCy, 128 (`spacy_batch_size`;
  --spacy-batch-size: spaCy's own default is 1000, which held 3.3 GB and ran slower here);
- like-for-like speed-ups, each run over plain spaCy on as many processes as it uses:
  `extract_speedup_over_spacy` (the warm extractor in one process / warm spaCy in one
  process), `cli_N_speedup_over_spacy_Nproc` (end to end with N workers, start-up included,
  / warm spaCy on N processes); and, labelled as such, `cli_N_over_spacy_1proc_not_like_for_like`
  (N workers / spaCy in one process: the figure the README once headlined for N = 2);
- the load average of the machine before and after, since other work skews the figures (on
  a shared virtual machine one run can be a third slower than the next: hence the rounds).

Exits 1 when the one-process speed-up over spaCy is below --min-ratio, or when the runs'
outputs differ.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "data" / "insightcrime.jsonl"
WARMUP = 5
MIN_RATIO = 1.5  # the extractor must be this many times faster than plain spaCy
SPACY_BATCH = 128  # what the extractor gives spaCy's nlp.pipe (extract/pipeline.py)
# `conflictwire ...` in a new process that reports its peak memory and its largest child's.
CLI = ("import resource, sys\n"
       "from conflictwire.cli import main\n"
       "code = main(sys.argv[1:])\n"
       "r = resource.getrusage\n"
       "print('peak_kib', r(resource.RUSAGE_SELF).ru_maxrss, r(resource.RUSAGE_CHILDREN).ru_maxrss,"
       " file=sys.stderr)\n"
       "sys.exit(code)\n")


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024  # bytes vs KiB


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def load_nlp():
    from conflictwire.extract.nlp import load_model

    return load_model("en")


def read_articles(path: Path, limit: int | None) -> tuple[list, int]:
    from conflictwire.extract.read import read_sources
    from conflictwire.models import Article

    articles, errors = [], 0
    for item in read_sources([str(path)]):
        if isinstance(item, Article):
            articles.append(item)
            if limit is not None and len(articles) >= limit:
                break
        else:
            errors += 1
    return articles, errors


def timed(fn, *args) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - start, result


def report(name: str, n: int, seconds: float) -> float:
    print(f"{name}_seconds {seconds:.2f}")
    print(f"{name}_articles_per_s {n / seconds:.1f}")
    return n / seconds


def bench_in_process(articles: list, workers: list[int]) -> dict[int, float]:
    """Warm throughput: this process's extractor, then a started, warm pool of each size."""
    from conflictwire.extract.actors import ActorKB
    from conflictwire.extract.parallel import LocalPool, extract_batch, get_extractor
    from conflictwire.extract.places.gazetteer import Gazetteer

    seconds, _ = timed(ActorKB.load)
    print(f"kb_load_seconds {seconds:.2f}")
    seconds, _ = timed(Gazetteer.load)
    print(f"gazetteer_load_seconds {seconds:.2f}")
    seconds, nlp = timed(load_nlp)  # the extractor's own model, cached for the process
    print(f"model_load_seconds {seconds:.2f}")
    print(f"model {nlp.meta.get('name', '?')} {nlp.meta.get('version', '?')} "
          f"components {','.join(nlp.pipe_names)}")
    extractor = get_extractor()
    extractor.extract_batch(articles[:WARMUP])
    n = len(articles)
    cpu = time.process_time()
    seconds, events = timed(extractor.extract_batch, articles)
    print(f"events {len(events)}")
    speeds = {1: report("extract", n, seconds)}
    print(f"extract_cpu_ms_per_article {1000 * (time.process_time() - cpu) / n:.1f}")
    print(f"extract_peak_rss_mb {peak_rss_mb():.0f}")
    for count in (w for w in workers if w > 1):
        pool = LocalPool(count)
        try:
            extract_batch(articles[: 4 * count], pool, 1)  # every worker started and warm
            seconds, _ = timed(extract_batch, articles, pool)
        finally:
            pool.close()
        speeds[count] = report(f"pool_{count}", n, seconds)
    return speeds


def bench_cli(path: Path, n: int, runs: dict[str, list[str]], out: Path, repeat: int
              ) -> tuple[dict[str, float], dict[str, float], bool]:
    """End to end, each run a new `conflictwire extract` process, `repeat` rounds of every
    run one after the other (so a busy spell of the machine falls on all of them). Gives the
    median and the best articles/s of each, and True when all outputs agree."""
    seconds: dict[str, list[float]] = {name: [] for name in runs}
    cpu_used: dict[str, list[float]] = {name: [] for name in runs}
    peaks: dict[str, list[tuple[int, int]]] = {name: [] for name in runs}
    outputs = []
    for _ in range(repeat):
        for name, options in runs.items():
            target = out / f"{name}.jsonl"
            start, cpu = time.perf_counter(), os.times()
            done = subprocess.run([sys.executable, "-c", CLI, "extract", str(path), "-o", str(target),
                                   *options], capture_output=True, text=True, cwd=out)
            took, after = time.perf_counter() - start, os.times()
            if done.returncode not in (0, 1):
                print(f"throughput: {name} failed: {done.stderr.strip()[-500:]}", file=sys.stderr)
                continue
            seconds[name].append(took)
            cpu_used[name].append(after.children_user + after.children_system
                                  - cpu.children_user - cpu.children_system)
            peaks[name] += [(int(line.split()[1]), int(line.split()[2]))
                            for line in done.stderr.splitlines() if line.startswith("peak_kib")]
            outputs.append(target.read_bytes())
    median, best = {}, {}
    for name, options in runs.items():
        if not seconds[name]:
            continue
        print(f"{name}_runs_seconds {' '.join(f'{x:.2f}' for x in seconds[name])}")
        median[name] = report(name, n, statistics.median(seconds[name]))
        best[name] = report(f"{name}_best", n, min(seconds[name]))
        print(f"{name}_cpu_ms_per_article {1000 * statistics.median(cpu_used[name]) / n:.1f} "
              "(all its processes, start included)")
        if peaks[name]:
            print(f"{name}_peak_rss_mb {max(p[0] for p in peaks[name]) / 1024:.0f}")
            if options and options[-1] != "1":
                print(f"{name}_worker_peak_rss_mb {max(p[1] for p in peaks[name]) / 1024:.0f}")
    same = len(set(outputs)) == 1 and len(outputs) == len(runs) * repeat
    print(f"cli_outputs_identical {same}")
    return median, best, same


def bench_spacy(texts: list[str], processes: int, batch_size: int) -> float:
    nlp = load_nlp()
    for _ in nlp.pipe(texts[:WARMUP]):
        pass
    start = time.perf_counter()
    for _ in nlp.pipe(texts, n_process=processes, batch_size=batch_size):
        pass
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", nargs="?", default=str(DEFAULT), help="articles, JSON Lines")
    ap.add_argument("--limit", type=int, default=None, help="read at most N articles")
    ap.add_argument("--workers", default="1,2", help="numbers of local workers (default 1,2)")
    ap.add_argument("--dask", default="local:2", help="a --dask ADDRESS run too ('' for none)")
    ap.add_argument("--spacy-processes", default="1,2",
                    help="plain spaCy passes, one a number of processes (default 1,2; 0: none)")
    ap.add_argument("--spacy-batch-size", type=int, default=SPACY_BATCH,
                    help=f"nlp.pipe batch size of the plain spaCy passes (default {SPACY_BATCH}, "
                         "the extractor's)")
    ap.add_argument("--repeat", type=int, default=3,
                    help="rounds of the end-to-end runs; medians and bests are printed (default 3)")
    ap.add_argument("--min-ratio", type=float, default=MIN_RATIO,
                    help=f"fail below this speed-up over plain spaCy (default {MIN_RATIO})")
    args = ap.parse_args(argv)

    path = Path(args.file).resolve()
    if not path.is_file():
        print(f"throughput: {path} not found; give a JSON Lines file of articles "
              "(the default needs ../shared/data next to the repository)", file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT))
    workers = sorted({int(w) for w in args.workers.split(",")} | {1})
    articles, errors = read_articles(path, args.limit)
    if not articles:
        print(f"throughput: no readable articles in {path}", file=sys.stderr)
        return 1
    n = len(articles)
    print(f"file {path}")
    print(f"articles {n}")
    print(f"read_errors {errors}")
    print(f"cpus {os.cpu_count()}")
    print(f"load_average_before {load_average()}")

    with tempfile.TemporaryDirectory() as tmp:
        subset = Path(tmp) / "articles.jsonl"  # exactly the articles timed in process
        subset.write_text("".join(a.model_dump_json(exclude_none=True) + "\n" for a in articles), "utf-8")
        runs = {f"cli_{w}": ["--workers", str(w)] for w in workers}
        if args.dask:
            runs["cli_dask"] = ["--dask", args.dask]
        cli, best, same = bench_cli(subset, n, runs, Path(tmp), max(1, args.repeat))
    warm = bench_in_process(articles, workers)

    for w in workers[1:]:
        print(f"scaling_{w}_over_1_warm {warm[w] / warm[1]:.2f}")
        if f"cli_{w}" in cli and "cli_1" in cli:
            print(f"scaling_{w}_over_1_end_to_end {cli[f'cli_{w}'] / cli['cli_1']:.2f} "
                  f"(best runs {best[f'cli_{w}'] / best['cli_1']:.2f})")
    texts = [a.text for a in articles]
    spacy = {}
    print(f"spacy_batch_size {args.spacy_batch_size}")
    for processes in sorted({int(p) for p in args.spacy_processes.split(",") if p} - {0}):
        name = "spacy" if processes == 1 else f"spacy_{processes}proc"
        spacy[processes] = report(name, n, bench_spacy(texts, processes, args.spacy_batch_size))
    dask = args.dask.removeprefix("local:")
    ratio = compare(warm[1], cli, spacy, int(dask) if dask.isdigit() else None) if 1 in spacy else None
    print(f"load_average_after {load_average()}")
    if ratio is not None and ratio < args.min_ratio:
        print(f"throughput: the extractor is {ratio:.2f}x plain spaCy, below {args.min_ratio}x",
              file=sys.stderr)
        return 1
    return 0 if same else 1


def compare(extract: float, cli: dict[str, float], spacy: dict[int, float],
            dask_workers: int | None = None) -> float:
    """Print the speed-ups over plain spaCy, like for like (the same number of processes on
    both sides) and, labelled, the N-workers-over-one-process ones; return the warm
    one-process extractor's."""
    print(f"peak_rss_mb_with_spacy_pass {peak_rss_mb():.0f}")
    ratio = extract / spacy[1]
    print(f"extract_speedup_over_spacy {ratio:.2f} (warm, 1 process over 1 process)")
    for name, speed in cli.items():
        count = dask_workers if name == "cli_dask" else int(name.removeprefix("cli_"))
        if count is None:  # a Dask cluster of unknown size
            continue
        if count in spacy:
            print(f"{name}_speedup_over_spacy_{count}proc {speed / spacy[count]:.2f} "
                  f"(end to end, {count} worker(s), over warm spaCy on {count} process(es))")
        if count > 1:
            print(f"{name}_over_spacy_1proc_not_like_for_like {speed / spacy[1]:.2f} "
                  f"({count} workers over spaCy on 1 process)")
    return ratio


if __name__ == "__main__":
    sys.exit(main())
