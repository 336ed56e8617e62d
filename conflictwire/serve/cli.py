"""The ``serve`` command: the JSON API over the store, served by uvicorn.

Wired into ``conflictwire.cli`` like the store's commands: `add_commands(subparsers)` when the
parser is built and `run(args)` (None when the command is not ``serve``) in ``main``.

``conflictwire serve [--db DB] [--host 127.0.0.1] [--port 8000] [--token TOKEN]``: binds
127.0.0.1 unless told otherwise. The token (``--token``, else ``$CONFLICTWIRE_TOKEN``) enables
``POST /api/articles``; without one the API is read-only (plus ``POST /api/extract``).
"""

from __future__ import annotations

import argparse
import os
import sys

TOKEN_ENV = "CONFLICTWIRE_TOKEN"


def add_commands(subparsers) -> None:
    """Add ``serve`` to an argparse sub-parsers object."""
    srv = subparsers.add_parser("serve", help="serve the event store as a JSON API (docs at /docs)")
    srv.add_argument("--db", help="store: a file path or postgresql://user@host/db "
                                  "(default: $CONFLICTWIRE_DB, else ./conflictwire.db)")
    srv.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    srv.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    srv.add_argument("--token", help=f"token for the write endpoints (default: ${TOKEN_ENV}; "
                                     "none: read-only)")
    srv.add_argument("--base-url", help="the public address of the service, for absolute links "
                                        "(default: http://HOST:PORT); never taken from a request")
    srv.add_argument("--header-timeout", type=float, default=10.0,
                     help="seconds for a request's headers to arrive (default 10)")
    srv.add_argument("--body-timeout", type=float, default=30.0,
                     help="seconds for a request's body to arrive (default 30)")
    srv.add_argument("--max-connections", type=int, default=500,
                     help="connections at once; past it 503 (default 500)")
    srv.add_argument("--rate", type=float, default=10.0,
                     help="requests a second per client address without the token (default 10, "
                          "bursts of 60; 0: no limit)")
    srv.add_argument("--per-client", type=int, default=8,
                     help="requests of one client address without the token at once, counted until "
                          "answered; past it 429 (default 8; 0: no limit)")
    srv.add_argument("--extract-workers", type=int, default=1,
                     help="processes for POST /api/extract, started on the first one (default 1; "
                          "0: threads of the server, which slow its writes)")
    srv.add_argument("--extract-max-bytes", type=int, default=200_000,
                     help="largest text of POST /api/extract (default 200000)")
    srv.add_argument("--max-extractions", type=int, default=2,
                     help="POST /api/extract at once; past it 429 (default 2)")
    srv.add_argument("--allow-private", action="store_true",
                     help="let POST /api/zones take a webhook on a loopback or private address")
    from ..alerts.cli import add_delivery_options

    add_delivery_options(srv)  # POST /api/articles delivers the watch zones' alerts it raises
    from ..extract.parallel import add_coding_options

    add_coding_options(srv)  # --tolls POLICY, --country CODE


def run(args: argparse.Namespace) -> int | None:
    """Run ``serve``; None when `args.command` is another command."""
    if getattr(args, "command", None) != "serve":
        return None
    from ..alerts.cli import notifier_from
    from ..store.cli import open_store
    from . import server
    from .app import create_app

    store = open_store(args.db)
    if store is None:
        return 1
    # alerts of stored articles, delivered by a worker after each commit: the request does not wait
    notifier_from(args, store, background=True).attach()
    token = args.token or os.environ.get(TOKEN_ENV) or None
    with store:
        if not token:
            print("conflictwire: no token (--token or $CONFLICTWIRE_TOKEN): writing is disabled",
                  file=sys.stderr)
        host = f"[{args.host}]" if ":" in args.host else args.host
        print(f"conflictwire: the dashboard is at http://{host}:{args.port}/ (API docs at /docs); "
              "Ctrl-C stops it", file=sys.stderr, flush=True)
        base_url = args.base_url or f"http://{host}:{args.port}"
        app = create_app(store, token=token, allow_private=args.allow_private, base_url=base_url,
                         max_extract_bytes=args.extract_max_bytes, max_extractions=args.max_extractions,
                         body_timeout=args.body_timeout, rate=args.rate or None,
                         per_client=args.per_client or None, extract_workers=args.extract_workers,
                         tolls=args.tolls, country=args.country)
        try:
            server.run(app, args.host, args.port, header_timeout=args.header_timeout,
                       limit_concurrency=args.max_connections, log_level="info")
        finally:
            if app.state.extractions is not None:
                app.state.extractions.close()
    return 0
