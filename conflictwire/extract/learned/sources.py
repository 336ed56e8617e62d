"""The user's sources and the country each reports on: ACLED's `source` column names the
outlets behind each coded event ("Studio Tamani; Kibaru", "Sidwaya"). An outlet whose events
lie nearly all in one country is that country's national outlet for this user, and a report
from it that names no country is most likely about that country: the scene's prior, as the
packaged `place_outlets.toml` gives it for the outlets it lists (`Article.country`). Nothing
is learned when the records hold one country only: they cannot tell a national outlet from a
wire that follows that country for the user."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

from ..folding import fold_name
from .records import CodedEvent

FILE = "sources.json"
MIN_EVENTS = 10  # an outlet's coded events: fewer say little of where it reports
MIN_SHARE = 0.9  # of them, the share in its country
MIN_COUNTRY_EVENTS = 100  # the records must hold two countries with this many events or more
_PARTS = re.compile(r"[;|]")


def outlets(source: str) -> list[str]:
    """The folded outlet names of a source ("Studio Tamani; Kibaru")."""
    return [name for part in _PARTS.split(source) if (name := fold_name(part).strip())]


def learn_sources(events: Iterable[CodedEvent]) -> dict[str, str]:
    """Outlet (folded) -> the ISO3 of the country it reports on."""
    countries: dict[str, Counter[str]] = defaultdict(Counter)
    per_country: Counter[str] = Counter()
    for e in events:
        if not e.iso3:
            continue
        per_country[e.iso3] += 1
        for name in outlets(e.outlets):
            countries[name][e.iso3] += 1
    if sum(n >= MIN_COUNTRY_EVENTS for n in per_country.values()) < 2:
        return {}
    found = {}
    for name, counts in sorted(countries.items()):
        iso3, n = counts.most_common(1)[0]
        total = counts.total()
        if total >= MIN_EVENTS and n >= MIN_SHARE * total:
            found[name] = iso3
    return found


def save_sources(found: dict[str, str], folder: Path) -> None:
    (folder / FILE).write_text(json.dumps(found, ensure_ascii=False, sort_keys=True), encoding="utf-8")


def load_sources(folder: Path) -> dict[str, str]:
    path = folder / FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def source_country(source: str | None, learned: dict[str, str]) -> str | None:
    """The one country the learned outlets of a source report on, else None."""
    found = {learned[name] for name in outlets(source or "") if name in learned}
    return found.pop() if len(found) == 1 else None
