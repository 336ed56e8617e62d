"""Commands of watch zones and alerts: ``zones``, ``alerts`` and ``watch``.

Wired into ``conflictwire.cli`` like the store's commands: `add_commands(subparsers)` when
the parser is built and `run(args)` (None when the command is another one) in ``main``.

- ``conflictwire zones add NAME --near LAT,LON,KM | --polygon GEOJSON [--type T]...
  [--min-fatalities N] [--actor TEXT]... [--webhook URL --secret S] [--email ADDR]``
- ``conflictwire zones list [--format table|json]``, ``conflictwire zones remove ID``
- ``conflictwire alerts list [--zone ID] [--limit N] [--format table|json]``
- ``conflictwire alerts deliver [--now]``: deliver what is due (alerts recorded by ``ingest`` or the
  API), or with ``--now`` every waiting alert; it counts what still waits
- ``conflictwire watch --feeds FILE [--every 10m] [--once]``

Where a zone's alerts go is the zone's (webhook, e-mail address); how e-mail leaves is the
process's: ``--smtp HOST:PORT`` (default ``$CONFLICTWIRE_SMTP``, else 127.0.0.1:25),
``--mail-from``, ``--smtp-starttls``, and a login from ``$CONFLICTWIRE_SMTP_USER`` and
``$CONFLICTWIRE_SMTP_PASSWORD``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..store.db import Store
    from .deliver import Notifier
    from .models import Zone

COMMANDS = ("zones", "alerts", "watch")
SMTP_ENV, SECRET_ENV = "CONFLICTWIRE_SMTP", "CONFLICTWIRE_WEBHOOK_SECRET"
DB_HELP = ("store: a file path or postgresql://user@host/db "
           "(default: $CONFLICTWIRE_DB, else ./conflictwire.db)")


def _duration(text: str) -> float:
    from .watch import parse_duration

    try:
        return parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _near(text: str):
    from ..store.db import Near

    try:
        return Near.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _polygon(text: str) -> dict:
    """GeoJSON given inline or as a file."""
    try:
        raw = text if text.lstrip().startswith("{") else Path(text).read_text(encoding="utf-8")
        return json.loads(raw)
    except (OSError, ValueError) as exc:
        raise argparse.ArgumentTypeError(f"not GeoJSON text or a GeoJSON file: {exc}") from exc


def add_delivery_options(parser: argparse.ArgumentParser) -> None:
    """The options of how e-mail alerts are sent (``watch``, ``alerts deliver``, ``ingest``)."""
    parser.add_argument("--smtp", metavar="HOST:PORT",
                        help=f"SMTP server for e-mail alerts (default: ${SMTP_ENV}, else 127.0.0.1:25)")
    parser.add_argument("--mail-from", default="conflictwire@localhost", metavar="ADDR",
                        help="sender of e-mail alerts (default conflictwire@localhost)")
    parser.add_argument("--smtp-starttls", action="store_true",
                        help="STARTTLS before sending (login from $CONFLICTWIRE_SMTP_USER/_PASSWORD)")


def notifier_from(args: argparse.Namespace, store: Store, **options: Any) -> Notifier:
    """A `Notifier` for `store` configured by the delivery options."""
    from .deliver import Notifier, SmtpConfig

    smtp = SmtpConfig.parse(args.smtp or os.environ.get(SMTP_ENV) or "127.0.0.1:25",
                            sender=args.mail_from, starttls=args.smtp_starttls,
                            username=os.environ.get("CONFLICTWIRE_SMTP_USER"),
                            password=os.environ.get("CONFLICTWIRE_SMTP_PASSWORD"))
    # the command's --allow-private (serve, ingest, watch) allows every zone's private targets
    options.setdefault("allow_private", bool(getattr(args, "allow_private", False)))
    return Notifier(store, smtp=smtp, **options)


def add_commands(subparsers: Any) -> None:
    """Add ``zones``, ``alerts`` and ``watch`` to an argparse sub-parsers object."""
    zones = subparsers.add_parser("zones", help="watch zones: places whose events raise alerts")
    zsub = zones.add_subparsers(dest="action", required=True)
    add = zsub.add_parser("add", help="add a watch zone (a point and radius, or a polygon)")
    add.add_argument("name")
    where = add.add_mutually_exclusive_group(required=True)
    where.add_argument("--near", type=_near, metavar="LAT,LON,KM", help="within KM kilometres of a point")
    where.add_argument("--polygon", type=_polygon, metavar="GEOJSON",
                       help="a GeoJSON Polygon or MultiPolygon (lon, lat), inline or a file")
    add.add_argument("--type", action="append", default=[], metavar="TYPE",
                     help="only events of this type or sub-event type (repeat for any of several)")
    add.add_argument("--min-fatalities", type=int, metavar="N", help="only events with at least N dead")
    add.add_argument("--actor", action="append", default=[], metavar="TEXT",
                     help="only events with an actor whose name contains TEXT (repeat for any of several)")
    add.add_argument("--webhook", metavar="URL", help="POST each alert here (http or https, HMAC-signed)")
    add.add_argument("--secret", help=f"the webhook's signing secret (default: ${SECRET_ENV})")
    add.add_argument("--email", metavar="ADDR", help="e-mail each alert here (see --smtp of watch)")
    add.add_argument("--allow-private", action="store_true",
                     help="allow a webhook on a loopback or private address (a receiver on your network)")
    for name, helptext in (("list", "list the watch zones"), ("remove", "remove a zone and its alerts")):
        cmd = zsub.add_parser(name, help=helptext)
        if name == "remove":
            cmd.add_argument("zone_id", type=int, metavar="ID")
        else:
            cmd.add_argument("--format", choices=("table", "json"), default="table")
    for cmd in zsub.choices.values():
        cmd.add_argument("--db", help=DB_HELP)

    alerts = subparsers.add_parser("alerts", help="alerts raised in the watch zones")
    asub = alerts.add_subparsers(dest="action", required=True)
    lst = asub.add_parser("list", help="the latest alerts, newest first")
    lst.add_argument("--zone", type=int, metavar="ID", help="one zone's alerts")
    lst.add_argument("--limit", type=int, default=20)
    lst.add_argument("--format", choices=("table", "json"), default="table")
    dlv = asub.add_parser("deliver", help="deliver the alerts that are due (webhook, e-mail)")
    add_delivery_options(dlv)
    dlv.add_argument("--now", action="store_true",
                     help="try the waiting deliveries now too, not only those whose next try has come")
    for cmd in (lst, dlv):
        cmd.add_argument("--db", help=DB_HELP)

    watch = subparsers.add_parser(
        "watch", help="poll RSS/Atom feeds, ingest what is new, raise alerts (stops on SIGTERM)",
        description="Poll the feeds listed in FILE (one URL or feed file a line, # comments; read "
                    "again at each poll), ingest what is new into the store and deliver the alerts of "
                    "the watch zones: webhook and e-mail as each zone says (conflictwire zones add "
                    "--webhook/--email), e-mail through --smtp. A feed that fails is logged and "
                    "retried at the next poll. SIGTERM or SIGINT: finish the article being stored, "
                    "exit 0.")
    watch.add_argument("--feeds", type=Path, required=True, metavar="FILE", help="the list of feeds")
    watch.add_argument("--every", type=_duration, default=600.0, metavar="DURATION",
                       help="time between polls: 30s, 10m, 1h (default 10m)")
    watch.add_argument("--once", action="store_true", help="poll once and exit")
    watch.add_argument("--timeout", type=float, default=None, help="seconds per download (default 20)")
    watch.add_argument("--no-follow", action="store_true",
                       help="do not fetch the page of a feed entry that has only a summary")
    watch.add_argument("--allow-private", action="store_true",
                     help="fetch from loopback and private addresses too (a feed on your own network)")
    watch.add_argument("--quiet", action="store_true", help="log warnings and errors only")
    watch.add_argument("--db", help=DB_HELP)
    add_delivery_options(watch)
    from ..extract.parallel import add_coding_options

    add_coding_options(watch)  # --tolls POLICY, --country CODE


def run(args: argparse.Namespace) -> int | None:
    """Run a command of this module; None when `args.command` is another one."""
    if getattr(args, "command", None) not in COMMANDS:
        return None
    from ..store.cli import open_store

    store = open_store(args.db)
    if store is None:
        return 1
    with store:
        if args.command == "zones":
            return _zones(args, store)
        if args.command == "alerts":
            return _alerts(args, store)
        return _watch(args, store)


def _zones(args: argparse.Namespace, store: Store) -> int:
    from .records import list_zones, remove_zone

    if args.action == "add":
        return _zone_add(args, store)
    if args.action == "remove":
        if remove_zone(store, args.zone_id):
            print(f"zone {args.zone_id} removed", file=sys.stderr)
            return 0
        print(f"conflictwire: no zone {args.zone_id}", file=sys.stderr)
        return 1
    for zone in list_zones(store):
        print(zone.model_dump_json(exclude={"webhook_secret"}) if args.format == "json" else _zone_line(zone))
    return 0


def _zone_add(args: argparse.Namespace, store: Store) -> int:
    from pydantic import ValidationError

    from ..store.netguard import check_email, check_target
    from .models import ZoneSpec
    from .records import add_zone

    shape = ({"polygon": args.polygon} if args.polygon else
             {"latitude": args.near.latitude, "longitude": args.near.longitude, "radius_km": args.near.km})
    secret = args.secret or (os.environ.get(SECRET_ENV) if args.webhook else None)
    try:
        spec = ZoneSpec(name=args.name, **shape, event_types=args.type, min_fatalities=args.min_fatalities,
                        actors=args.actor, webhook_url=args.webhook, webhook_secret=secret, email=args.email)
    except ValidationError as exc:
        for error in exc.errors():
            where = ".".join(str(x) for x in error["loc"]) or "zone"
            print(f"conflictwire: {where}: {error['msg']}", file=sys.stderr)
        return 1
    try:
        check_target(spec.webhook_url, allow_private=args.allow_private)
        check_email(spec.email, allow_private=args.allow_private)
    except ValueError as exc:
        print(f"conflictwire: {exc}", file=sys.stderr)
        return 1
    print(_zone_line(add_zone(store, spec, allow_private=args.allow_private)))
    return 0


def _zone_line(zone: Zone) -> str:
    shape = (f"polygon ({zone.polygon['type']})" if zone.polygon else
             f"{zone.radius_km:g} km around {zone.latitude:.4f},{zone.longitude:.4f}")
    conds = [*(f"type={t}" for t in zone.event_types), *(f"actor~{a}" for a in zone.actors)]
    if zone.min_fatalities is not None:
        conds.append(f"fatalities>={zone.min_fatalities}")
    to = [x for x in (zone.webhook_url, zone.email) if x]
    return "\t".join([str(zone.id), zone.name, shape, " ".join(conds) or "any event",
                      " ".join(to) or "feed only"])


def _alerts(args: argparse.Namespace, store: Store) -> int:
    from .records import list_alerts

    if args.action == "deliver":
        return _deliver(args, store)
    for alert in list_alerts(store, zone_id=args.zone, limit=args.limit):
        if args.format == "json":
            print(alert.model_dump_json())
            continue
        ev = alert.event
        print("\t".join([str(alert.id), f"{alert.created_at:%Y-%m-%d %H:%M}", alert.zone_name, alert.kind,
                         ev.event_id, f"{ev.sub_event_type} in {ev.location}", f"{ev.fatalities} dead",
                         "; ".join(alert.changes), alert.delivery_line()]))
    return 0


def _deliver(args: argparse.Namespace, store: Store) -> int:
    """Deliver what is due; count what still waits, due now or later, and what was given up."""
    from .records import undelivered_alerts, undelivered_line

    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(levelname)s %(message)s")
    done = notifier_from(args, store).deliver_due(waiting_too=args.now)
    states = [d.state for a in undelivered_alerts(store) for d in a.deliveries]
    waiting, failed = states.count("waiting"), states.count("failed")
    print(f"{done.delivered} delivered, {waiting} waiting for a next try, {failed} failed for good",
          file=sys.stderr)
    line = undelivered_line(store)
    if line:
        print(line, file=sys.stderr)
    return 0 if not waiting and not failed else 1


def _watch(args: argparse.Namespace, store: Store) -> int:
    from ..store.sources import TIMEOUT
    from .watch import Watcher, read_feeds

    logging.basicConfig(stream=sys.stderr, level=logging.WARNING if args.quiet else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        read_feeds(args.feeds)
    except (OSError, ValueError) as exc:
        print(f"conflictwire: {exc}", file=sys.stderr)
        return 1
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    watcher = Watcher(store, args.feeds, every=args.every, timeout=args.timeout or TIMEOUT,
                      follow=not args.no_follow, allow_private=args.allow_private,
                      tolls=args.tolls, country=args.country,
                      notifier=notifier_from(args, store, stop=stop), stop=stop)
    if args.once:
        watcher.poll_once()
    else:
        watcher.run()
    say_undelivered(store)
    return 0


def say_undelivered(store: Store) -> None:
    """The closing line of `ingest` and `watch` when alerts are not yet delivered."""
    from .records import undelivered_line

    line = undelivered_line(store)
    if line:
        print(line, file=sys.stderr)
