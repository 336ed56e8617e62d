"""The `conflictwire` command line.

Exit status: 0 when every input was read and extracted; 1 when some input was skipped
(each one is named on stderr with its file and line, and the rest of the batch is still
written) or on an error that stops the command (one line on stderr, no traceback: set
CONFLICTWIRE_DEBUG=1 to see it); 2 for a usage error; 130 when interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from pathlib import Path

from . import __version__
from .console import count_of, day_arg, describe

FORMATS = ("jsonl", "csv", "geojson", "table")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="conflictwire", description=__doc__)
    parser.add_argument("--version", action="version", version=f"conflictwire {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    ex = sub.add_parser("extract", help="extract event records from news reports")
    ex.add_argument("paths", nargs="+", help="JSON Lines, .txt, .html files, folders, or - for stdin")
    ex.add_argument("--format", choices=FORMATS, default="jsonl")
    ex.add_argument("--output", "-o", help="write here instead of standard output")
    ex.add_argument("--published", type=day_arg, help="publication day for articles that lack one")
    from .extract.parallel import add_coding_options
    from .extract.parallel import add_options as add_parallel

    add_parallel(ex)  # --workers N, --dask ADDRESS
    add_coding_options(ex)  # --tolls POLICY, --country CODE

    ev = sub.add_parser("eval", help="score extracted events against an annotated corpus")
    ev.add_argument("--gold", nargs="+", required=True, help="corpus folders (*.json)")
    ev.add_argument("--pred", help="events JSON Lines (extracts the corpus itself when absent)")
    ev.add_argument("--json", action="store_true", help="print one JSON object")
    ev.add_argument("--misses", action="store_true", help="list what each miss got wrong")

    gz = sub.add_parser("gazetteer", help="manage the gazetteer")
    gz_sub = gz.add_subparsers(dest="action", required=True)
    imp = gz_sub.add_parser("import", help="add GeoNames files (ML.zip BF.txt admin1CodesASCII.txt ...)")
    imp.add_argument("files", type=Path, nargs="+", metavar="FILE")
    lst = gz_sub.add_parser("list", help="show what is imported")
    find = gz_sub.add_parser("find", help="the candidates for a place name, and why one wins")
    find.add_argument("name")
    find.add_argument("--country", help="the report's country (ISO2 or ISO3, e.g. ML)")
    for p in (imp, lst, find):
        p.add_argument("--store", type=Path, help="extension store (default: the user cache)")
    from .serve.cli import add_commands as add_serve
    from .store.cli import add_commands

    add_commands(sub)  # ingest, events, event
    add_serve(sub)  # serve
    from .alerts.cli import add_commands as add_alerts

    add_alerts(sub)  # zones, alerts, watch
    from .learn.cli import add_commands as add_learn
    from .learn.cli import add_model_options

    add_learn(sub)  # learn
    for name in ("extract", "eval", "ingest", "serve", "watch"):
        add_model_options(sub.choices[name])  # --model DIR, --no-model
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        from .learn.cli import apply_model_options
        from .learn.cli import run as learn_run

        apply_model_options(args)  # the model the command and its workers code with
        if (status := learn_run(args)) is not None:
            return status
        if args.command == "extract":
            return _extract(args)
        if args.command == "eval":
            return _eval(args)
        if args.command == "gazetteer":
            return _gazetteer(args)
        from .store.cli import run as store_run

        if (status := store_run(args)) is not None:
            return status
        from .serve.cli import run as serve_run

        if (status := serve_run(args)) is not None:
            return status
        from .alerts.cli import run as alerts_run

        if (status := alerts_run(args)) is not None:
            return status
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, and keep Python from complaining
        # when it flushes standard output at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as exc:
        if os.environ.get("CONFLICTWIRE_DEBUG"):
            raise
        print(f"conflictwire: error: {describe(exc)}", file=sys.stderr)
        return 1
    return 2


def _extract(args: argparse.Namespace) -> int:
    from .export import write_events
    from .extract.parallel import extract_batch, open_runner, with_defaults
    from .extract.read import read_sources

    count = {"read": 0, "skipped": 0}

    def articles():  # read lazily, as the workers take them
        # Standard input is read as bytes, so that a line that is not UTF-8 is decoded (or
        # reported) on its own, as in a file.
        stdin = getattr(sys.stdin, "buffer", sys.stdin)
        for item in read_sources(args.paths, stdin=stdin):
            if hasattr(item, "text"):
                count["read"] += 1
                yield with_defaults(item, args.published, args.country)
            else:
                count["skipped"] += 1
                message = str(item)
                print(message if "skipped" in message else f"{message}; skipped", file=sys.stderr)
    with contextlib.ExitStack() as stack:
        out = sys.stdout
        if args.output:
            try:
                out = stack.enter_context(open(args.output, "w", encoding="utf-8", newline=""))
            except OSError as err:
                print(f"conflictwire: cannot write {args.output}: {err.strerror or err}",
                      file=sys.stderr)
                return 1
        elif args.format != "table" and hasattr(out, "reconfigure"):
            out.reconfigure(encoding="utf-8")  # data formats are UTF-8 whatever the locale
        with open_runner(args.workers, args.dask, args.tolls) as runner:
            events, failed = extract_batch(articles(), runner)
        for article, reason in failed:
            print(f"article {article.id!r}: {reason}; skipped", file=sys.stderr)
        write_events(events, args.format, out)
    read, skipped = count["read"] - len(failed), count["skipped"] + len(failed)
    print(f"{count_of(read, 'article')} read, {skipped} skipped, "
          f"{count_of(len(events), 'event')}", file=sys.stderr)
    return 1 if skipped else 0


def _eval(args: argparse.Namespace) -> int:
    from .evaluate import load_gold, load_predictions, score

    docs = load_gold([Path(g) for g in args.gold])
    if args.pred:
        try:
            preds = load_predictions(Path(args.pred))
        except (OSError, ValueError) as exc:
            print(exc, file=sys.stderr)
            return 1
    else:
        from .extract.learned.model import active_model
        from .extract.pipeline import Extractor
        from .models import Article

        articles = [Article.model_validate(d["article"]) for d in docs]
        preds = [e.model_dump(mode="json") for e in Extractor(model=active_model()).extract_batch(articles)]
    result = score(docs, preds)
    misses = result.pop("_misses", [])
    if args.json:
        print(json.dumps(result))
        return 0
    for key, value in result.items():
        print(f"{key:32} {value}")
    if args.misses:
        for miss in misses:
            print("miss", *miss)
    return 0


def _gazetteer(args: argparse.Namespace) -> int:
    from .extract.places import gazetteer_cli

    if args.action == "import":
        return gazetteer_cli.import_command(args.files, args.store)
    if args.action == "list":
        return gazetteer_cli.list_command(args.store)
    return gazetteer_cli.find_command(args.name, args.country, args.store)


if __name__ == "__main__":
    sys.exit(main())
