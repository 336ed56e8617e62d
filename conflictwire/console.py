"""What every command line shares: argument types and one-line messages.

Imported by the root command line, the per-part commands (``store``, ``serve``, ``alerts``)
and the library modules that report to a user (``extract.parallel``, ``store.ingestion``),
so it imports nothing of conflictwire: any part may import it without an import circle.
"""

from __future__ import annotations

import argparse
from datetime import date


def day_arg(value: str) -> date:
    """An argparse type for YYYY-MM-DD days (shared by every command)."""
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from exc


def describe(exc: BaseException) -> str:
    """One line: the exception's type and message."""
    message = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def count_of(n: int, noun: str) -> str:
    """'1 article', '3 articles'."""
    return f"{n} {noun}{'' if n == 1 else 's'}"
