"""The package's curated data files (TOML), shared by every stage."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any


@cache
def load_data(name: str) -> dict[str, Any]:
    """The parsed data file conflictwire/data/NAME, read once per process.

    The same dictionary is returned to every caller: read it, never modify it."""
    return tomllib.loads(resources.files(__name__).joinpath(name).read_text("utf-8"))
