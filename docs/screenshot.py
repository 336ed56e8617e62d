"""Take docs/dashboard.png: the dashboard over the bundled sample reports, one event open.
A watch zone around Mogadishu is added first, so the latest alerts show one.

    .venv/bin/python docs/screenshot.py [--out docs/dashboard.png]

Ingests the samples into a temporary store, serves the dashboard on 127.0.0.1 and photographs
it in Debian's headless Chromium (Playwright), as the browser tests do.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from live_server import serving  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from conflictwire.alerts.models import ZoneSpec  # noqa: E402
from conflictwire.alerts.records import add_zone, with_alerts  # noqa: E402
from conflictwire.serve import create_app  # noqa: E402
from conflictwire.store import Store, ingest  # noqa: E402

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
        "--disable-background-networking", "--disable-component-update"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "dashboard.png"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, with_alerts(Store.open(Path(tmp) / "demo.db")) as store:
        office = ZoneSpec(name="Mogadishu office", latitude=2.05, longitude=45.32, radius_km=25)
        add_zone(store, office)  # a watch zone, so the alerts show
        ingest([str(ROOT / "conflictwire" / "samples" / "reports.jsonl")], store, progress=False)
        with serving(create_app(store)) as (base, _), sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=shutil.which("chromium"), args=ARGS)
            tab = browser.new_page(viewport={"width": 1400, "height": 1250})
            tab.goto(base + "/")
            tab.wait_for_selector("body[data-ready]", state="attached")
            tab.locator("#events-table tbody tr", has_text="Mogadishu").click()
            tab.wait_for_selector("#panel:not([hidden]) mark.evidence")
            tab.evaluate("() => window.scrollTo(0, 0)")
            tab.wait_for_timeout(400)
            tab.screenshot(path=args.out)
            browser.close()
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
