"""The dashboard's own scripts put no string into the page as HTML (issue 17): every store value
reaches the page through textContent or text nodes. Vendor libraries are not scanned."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[1] / "conflictwire" / "serve" / "static"
OWN = sorted([*STATIC.glob("*.js"), *STATIC.glob("*.html")])
# HTML sinks; Leaflet's tooltip and popup calls take a string as HTML, so their content must be
# a node built by `el(...)` (or a variable holding one is not allowed either: the scan cannot tell)
SINKS = re.compile(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|\.html\(|"
                   r"\.(?:bindTooltip|bindPopup|setTooltipContent|setPopupContent|setContent)\(\s*(?!el\()")


def test_the_dashboard_has_scripts_to_scan():
    assert {p.name for p in OWN} >= {"common.js", "dashboard.js", "zones.js", "paste.js", "docs.js"}


@pytest.mark.parametrize("path", OWN, ids=[p.name for p in OWN])
def test_no_html_sink_in_the_dashboards_own_scripts(path: Path):
    found = [f"{path.name}:{n}: {line.strip()}" for n, line in enumerate(path.read_text().splitlines(), 1)
             if SINKS.search(line)]
    assert found == []


@pytest.mark.parametrize("line", ["x.innerHTML = name", "el.insertAdjacentHTML('beforeend', s)",
                                  "document.write(s)", "shape.bindTooltip(zone.name)",
                                  "m.bindPopup(`<b>${p.place}</b>`)"])
def test_the_scan_finds_each_sink(line: str):
    assert SINKS.search(line)


def test_the_scan_lets_a_node_through():
    assert not SINKS.search('shape.bindTooltip(el("span", {}, zone.name))')
