"""Commands of the event store: ``ingest``, ``events``, ``event``.

Wired into ``conflictwire.cli`` by two calls: `add_commands(subparsers)` when the parser is
built and `run(args)` (None when the command is not one of these) in ``main``.

- ``conflictwire ingest SOURCE... [--db DB]``: files, folders, JSON Lines, RSS/Atom feeds
  (file or URL) and web pages by URL into the store. A summary goes to stderr; exit 1 when
  a source or article was skipped (each named with its reason), 0 otherwise (an article
  already stored is not an error).
- ``conflictwire events [filters] [--format table|jsonl|csv|geojson]``: stored events.
- ``conflictwire event ID [--format text|json]``: one event with its reports, evidence,
  claims and revisions.

The store is ``--db`` (a path or ``postgresql://...``), else ``$CONFLICTWIRE_DB``, else
``./conflictwire.db``.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..console import day_arg

COMMANDS = ("ingest", "events", "event")
FORMATS = ("table", "jsonl", "csv", "geojson")



def _near(value: str):
    from .db import Near

    try:
        return Near.parse(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", help="store: a file path or postgresql://user@host/db "
                                     "(default: $CONFLICTWIRE_DB, else ./conflictwire.db)")


def add_commands(subparsers) -> None:
    """Add ``ingest``, ``events`` and ``event`` to an argparse sub-parsers object."""
    ing = subparsers.add_parser("ingest", help="read reports into the event store, merging across runs")
    ing.add_argument("sources", nargs="+", metavar="SOURCE",
                     help="files, folders, JSON Lines, RSS/Atom feeds (file or URL), web pages by URL")
    _db_option(ing)
    ing.add_argument("--published", type=day_arg, help="publication day for articles that lack one")
    ing.add_argument("--max-bytes", type=int, default=None,
                     help="largest article text in bytes (default 2 MiB)")
    ing.add_argument("--timeout", type=float, default=None, help="seconds per download (default 20)")
    ing.add_argument("--no-follow", action="store_true",
                     help="do not fetch the page of a feed entry that has only a summary")
    ing.add_argument("--allow-private", action="store_true",
                     help="fetch from loopback and private addresses too (a feed on your own network)")
    ing.add_argument("--no-progress", action="store_true", help="no progress display")
    from ..alerts.cli import add_delivery_options

    add_delivery_options(ing)  # --smtp, --mail-from: how the alerts of watch zones are e-mailed
    from ..extract.parallel import add_coding_options
    from ..extract.parallel import add_options as add_parallel

    add_parallel(ing)  # --workers N, --dask ADDRESS: extraction elsewhere, the store written here
    add_coding_options(ing)  # --tolls POLICY, --country CODE

    evs = subparsers.add_parser("events", help="query the event store")
    _db_option(evs)
    evs.add_argument("--country", metavar="ISO3", help="country code, e.g. MLI")
    evs.add_argument("--type", metavar="TYPE", help="event type or sub-event type, e.g. Battles")
    evs.add_argument("--since", type=day_arg, metavar="DATE", help="events on or after this day")
    evs.add_argument("--until", type=day_arg, metavar="DATE", help="events on or before this day")
    evs.add_argument("--actor", metavar="TEXT", help="an actor whose name contains TEXT")
    evs.add_argument("--near", type=_near, metavar="LAT,LON,KM", help="within KM kilometres of a point")
    evs.add_argument("--format", choices=FORMATS, default="table")
    evs.add_argument("--output", "-o", help="write here instead of standard output")

    one = subparsers.add_parser("event", help="one stored event with its reports, claims and revisions")
    one.add_argument("event_id", metavar="ID")
    _db_option(one)
    one.add_argument("--format", choices=("text", "json"), default="text")


def open_store(db: str | None):
    """The store at `db` (path, postgresql:// URL, $CONFLICTWIRE_DB or ./conflictwire.db), or
    None after a one-line message when it cannot be opened."""
    from .db import Store, StoreError

    try:
        return Store.open(db)
    except StoreError as exc:
        print(f"conflictwire: {exc}", file=sys.stderr)
        return None


def run(args: argparse.Namespace) -> int | None:
    """Run a store command; None when `args.command` is not one of them."""
    command = getattr(args, "command", None)
    if command not in COMMANDS:
        return None
    store = open_store(args.db)
    if store is None:
        return 1
    with store:
        if command == "ingest":
            return _ingest(args, store)
        if command == "events":
            return _events(args, store)
        return _event(args, store)


def _ingest(args: argparse.Namespace, store) -> int:
    from ..alerts.cli import notifier_from, say_undelivered
    from ..extract.parallel import open_runner
    from ..extract.read import MAX_TEXT_BYTES
    from .ingestion import ingest
    from .sources import TIMEOUT

    notifier_from(args, store).attach()  # watch zones' alerts, delivered after each article's commit
    with open_runner(args.workers, args.dask, args.tolls) as runner:
        summary = ingest(args.sources, store, runner=runner, published=args.published, country=args.country,
                         max_bytes=args.max_bytes or MAX_TEXT_BYTES, timeout=args.timeout or TIMEOUT,
                         follow=not args.no_follow, allow_private=args.allow_private,
                         progress=False if args.no_progress else None)
    for line in summary.lines():
        print(line, file=sys.stderr)
    say_undelivered(store)
    return 0 if summary.ok else 1


def _events(args: argparse.Namespace, store) -> int:
    from ..export import write_events

    found = store.events(country=args.country, type=args.type, since=args.since, until=args.until,
                         actor=args.actor, near=args.near)
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as out:
            write_events(found, args.format, out)
    else:
        if args.format != "table" and hasattr(sys.stdout, "reconfigure"):
            sys.stdout.reconfigure(encoding="utf-8")
        write_events(found, args.format, sys.stdout)
    return 0


def _event(args: argparse.Namespace, store) -> int:
    found = store.event(args.event_id)
    if found is None:
        print(f"conflictwire: no event {args.event_id!r} in the store", file=sys.stderr)
        return 1
    if args.format == "json":
        data = dict(found, event=found["event"].model_dump(mode="json"),
                    created_at=found["created_at"].isoformat(), updated_at=found["updated_at"].isoformat())
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        return 0
    _print_event(found)
    return 0


def _print_event(found: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.markup import escape

    from ..export import write_events

    console = Console(width=100, soft_wrap=False, highlight=False)
    event = found["event"]
    console.print(f"[bold]Event {event.event_id}[/bold]  {escape(event.notes)}")
    if found["requested_id"] != event.event_id:  # an id of a report merged into this event
        console.print(f"(found by {escape(found['requested_id'])}, a report merged into it)")
    if found["aliases"]:
        console.print(f"also known as {escape(', '.join(found['aliases']))}")
    write_events([event], "table", console.file)
    console.print(f"coded by {escape(found['coder'])}; confidence {event.confidence:.2f}; "
                  f"stored {found['created_at']:%Y-%m-%d %H:%M}, "
                  f"updated {found['updated_at']:%Y-%m-%d %H:%M}")
    console.print(f"\n[bold]Reports ({len(found['reports'])})[/bold]")
    for report in found["reports"]:
        head = " · ".join(x for x in (report["published"], report["source"], report["title"]) if x)
        console.print(f"• [bold]{escape(report['id'])}[/bold] {escape(head)}")
        if report["url"]:
            console.print(f"  {escape(report['url'])}")
        for ev in report["evidence"]:
            console.print(f"  [dim][{ev['start']}:{ev['end']}][/dim] {escape(ev['text'])}")
    if found["claims"]:
        console.print(f"\n[bold]Claims ({len(found['claims'])})[/bold]")
        for claim in found["claims"]:
            console.print(f"• {escape(claim['claimant'])} ({claim['kind']}, {escape(claim['article_id'])}): "
                          f"{escape(claim['text'])}")
    if found["revisions"]:
        console.print(f"\n[bold]Revisions ({len(found['revisions'])})[/bold]")
        for rev in found["revisions"]:
            console.print(f"• {rev['at'][:19]} with report {escape(rev['article_id'])}:")
            for key, change in rev["changes"].items():
                if "added" in change:
                    console.print(f"    {key}: +{len(change['added'])}")
                else:
                    before, after = escape(_short(change["from"])), escape(_short(change["to"]))
                    console.print(f"    {key}: {before} → {after}")


def _short(value: Any, limit: int = 70) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry (``python -m conflictwire.store.cli``) until the main CLI is wired."""
    parser = argparse.ArgumentParser(prog="conflictwire")
    add_commands(parser.add_subparsers(dest="command", required=True))
    result = run(parser.parse_args(argv))
    return 2 if result is None else result


if __name__ == "__main__":
    sys.exit(main())
