"""`conflictwire learn`: learn a model from coded events, show it, or forget it."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from ..console import day_arg


def add_commands(subparsers) -> None:
    learn = subparsers.add_parser("learn", help="learn places, actors and event types from coded events "
                                                "(ACLED CSV or JSON Lines, UCDP GED CSV)")
    learn.add_argument("files", nargs="*", type=Path, help="coded events: ACLED .csv/.jsonl, UCDP GED .csv")
    learn.add_argument("--model", type=Path, help="model directory (default: under the user cache directory)")
    learn.add_argument("--until", type=day_arg, help="learn only events up to this day (YYYY-MM-DD)")
    learn.add_argument("--show", action="store_true", help="describe the model in use")
    learn.add_argument("--forget", action="store_true", help="remove the model")


def add_model_options(parser: argparse.ArgumentParser) -> None:
    """`--model DIR` / `--no-model`, for the commands that extract."""
    parser.add_argument("--model", type=Path, help="learned model directory (default: the one "
                                                   "`conflictwire learn` wrote, when there is one)")
    parser.add_argument("--no-model", action="store_true", help="code with the rules alone")


def apply_model_options(args: argparse.Namespace) -> None:
    from ..extract.learned.model import choose

    if not hasattr(args, "no_model"):
        return  # a command that does not extract (`learn` names its model itself)
    if args.model is not None or args.no_model:
        choose(args.model, args.no_model)
    if args.command in ANNOUNCED:
        print(f"conflictwire {args.command}: {model_in_use_line()}", file=sys.stderr)


# The commands that keep what they code (a store, alerts): their user must see at the start
# which coder the records will carry. `extract` says so in each record's `coder`.
ANNOUNCED = ("ingest", "serve", "watch")


def model_in_use_line() -> str:
    """One line naming the model in use and where it came from, or that there is none."""
    from ..extract.learned.model import ENV, active_model

    model = active_model()
    if model is None:
        return "coding with the rules alone (no learned model in use)"
    how = "chosen with --model" if os.environ.get(ENV) else "the default learned model"
    return f"coding as {model.coder} ({how}, {model.folder})"


def run(args: argparse.Namespace) -> int | None:
    if args.command != "learn":
        return None
    from ..extract.learned.model import default_model_dir

    folder: Path = args.model or default_model_dir()
    if args.forget:
        return _forget(folder)
    if args.show:
        return _show(args.model)
    if not args.files:
        print("conflictwire learn: give coded event files, --show or --forget", file=sys.stderr)
        return 2
    missing = [p for p in args.files if not p.is_file()]
    if missing:
        print(f"{missing[0]}: no such file", file=sys.stderr)
        return 1
    from ..extract.learned.model import blend_line, victims_line
    from ..extract.learned.victims import load_victims
    from .train import learn

    info, bad = learn(args.files, folder, args.until, report=lambda m: print(m, file=sys.stderr))
    print(f"learned from {info.events} events into {folder} in {info.seconds:.1f} s:\n"
          f"  places {info.places}, actors {info.actors}, aliases {info.aliases}\n"
          f"  civilians as the other side: {victims_line(load_victims(folder))}\n"
          f"  outlets tied to the country they report on: {info.outlets}")
    if info.type_accuracy is not None:
        print(f"  classifier: {info.classified} notes; held-out tenth: type {info.type_accuracy:.3f}, "
              f"sub-type {info.sub_type_accuracy:.3f}")
        print(f"  blend: {blend_line(info)}")
    else:
        print("  classifier: none (the files have no notes with sub-event types)")
    if bad:
        print(f"{bad} bad rows skipped", file=sys.stderr)
    return 1 if bad else 0


def _show(model: Path | None) -> int:
    from ..extract.learned.model import LearnedModel, choose, model_dir_in_use

    if model is not None:
        choose(model)
    folder = model_dir_in_use()
    if folder is None:
        print("no learned model in use: extraction codes with the rules alone")
        return 0
    print(f"in use: {LearnedModel.load(folder).describe()}")
    return 0


def _forget(folder: Path) -> int:
    if not (folder / "model.json").exists():
        print(f"no model at {folder}")
        return 0
    shutil.rmtree(folder)
    print(f"removed the model at {folder}")
    return 0
