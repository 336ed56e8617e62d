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
    srv.add_argument("--allow-private", action="store_true",
                     help="let POST /api/zones take a webhook on a loopback or private address")
    from ..alerts.cli import add_delivery_options

    add_delivery_options(srv)  # POST /api/articles delivers the watch zones' alerts it raises


def run(args: argparse.Namespace) -> int | None:
    """Run ``serve``; None when `args.command` is another command."""
    if getattr(args, "command", None) != "serve":
        return None
    import uvicorn

    from ..alerts.cli import notifier_from
    from ..store.cli import open_store
    from .app import create_app

    store = open_store(args.db)
    if store is None:
        return 1
    notifier_from(args, store).attach()  # alerts of stored articles, delivered after each commit
    token = args.token or os.environ.get(TOKEN_ENV) or None
    with store:
        if not token:
            print("conflictwire: no token (--token or $CONFLICTWIRE_TOKEN): writing is disabled",
                  file=sys.stderr)
        host = f"[{args.host}]" if ":" in args.host else args.host
        print(f"conflictwire: the dashboard is at http://{host}:{args.port}/ (API docs at /docs); "
              "Ctrl-C stops it", file=sys.stderr, flush=True)
        app = create_app(store, token=token, allow_private=args.allow_private)
        uvicorn.run(app, host=args.host, port=args.port, log_level="info",
                    proxy_headers=False, server_header=False)
    return 0
