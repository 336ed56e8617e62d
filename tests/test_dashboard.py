"""The dashboard (`conflictwire serve`, page `/` and `/paste`) end to end in a real headless
Chromium (Debian's chromium, driven by Playwright): a real uvicorn server on 127.0.0.1 over a real
SQLite store holding the bundled sample reports, ingested with the real extractor, plus one
report full of hostile HTML."""

from __future__ import annotations

import json
import os
import shutil
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from live_server import serving

from conflictwire.alerts.models import ZoneSpec
from conflictwire.alerts.records import add_zone, with_alerts
from conflictwire.models import Actor, Article, Claim, Event, Evidence, Location
from conflictwire.serve import create_app
from conflictwire.store import Store, ingest

playwright_api = pytest.importorskip("playwright.sync_api")

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "conflictwire" / "samples" / "reports.jsonl"
BAMAKO_REPORT = ROOT.parent / "shared" / "corpus" / "dev" / "dev-000.json"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update"]

TOKEN = "dashboard-token"
HOSTILE = ('Gunmen attacked the town of Ouahigouya. <script>window.__pwned = "script"</script> '
           'Witnesses said <img src="nowhere.png" onerror="window.__pwned = \'img\'"> twelve people died.')


def _hostile_event() -> tuple[Article, Event]:
    aid = "hostile-1"
    article = Article(id=aid, text=HOSTILE, title='<img src=x onerror="window.__pwned=\'title\'">Attack',
                      published=date(2025, 5, 2), language="en", source="<b>Wire</b>",
                      url="javascript:window.__pwned='link'")
    start = HOSTILE.index("<script>")
    event = Event(
        event_id="hostile-ev", article_ids=[aid], event_date=date(2025, 5, 1),
        disorder_type="Political violence",
        event_type="Violence against civilians", sub_event_type="Attack",
        actor1=Actor(name='<img src=x onerror="window.__pwned=\'actor\'">Gunmen', type="Political militia"),
        location=Location(name="<script>window.__pwned='place'</script>Ouahigouya", country="Burkina Faso",
                          iso3="BFA", admin1="Nord", latitude=13.58, longitude=-2.42, geo_precision=1),
        fatalities=12,
        claims=[Claim(claimant="<i>army</i>", kind="casualties",
                      text="<script>window.__pwned='claim'</script>", article_id=aid)],
        evidence=[Evidence(article_id=aid, start=start, end=len(HOSTILE), text=HOSTILE[start:])],
        confidence=0.6, notes="<img src=x onerror=\"window.__pwned='notes'\">", published=date(2025, 5, 2),
        source=["Wire"],
    )
    return article, event


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """(base URL, store) of the dashboard over the samples and the hostile report."""
    path = tmp_path_factory.mktemp("dashboard") / "events.db"
    with with_alerts(Store.open(path)) as store:
        add_zone(store, ZoneSpec(name="Mogadishu office", latitude=2.05, longitude=45.32, radius_km=25))
        summary = ingest([str(SAMPLES)], store, progress=False)
        assert summary.ok and summary.created >= 4
        hostile, event = _hostile_event()
        store.add_article(hostile, [event])
        with serving(create_app(store, token=TOKEN)) as (base, _):
            yield base, store


def _chromium() -> str:
    found = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        message = "Chromium not found: apt-get install chromium (.ci/run does)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    return found


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class Page:
    """A browser tab with what it logged: console errors, uncaught exceptions, requests."""

    def __init__(self, browser, base: str, *, bypass_csp: bool = False) -> None:
        self.base = base
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000}, bypass_csp=bypass_csp)
        self.tab = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.tab.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.tab.on("pageerror", lambda e: self.errors.append(str(e)))
        self.tab.on("request", lambda r: self.requests.append(r.url))

    def open(self, path: str = "/") -> Page:
        self.tab.goto(self.base + path)
        if path == "/" or path.startswith("/?"):  # the dashboard: until its first load is done
            self.wait_loaded(0)
        return self

    def generation(self) -> int:
        return int(self.tab.get_attribute("body", "data-ready") or 0)

    def wait_loaded(self, after: int) -> None:
        """Until the dashboard has finished a load newer than load number `after`."""
        # (a selector, not a JS predicate: the page's policy forbids the eval that one needs)
        self.tab.wait_for_selector(f'body[data-ready]:not([data-ready="{after}"])', state="attached",
                                   timeout=20_000)

    def points_on_map(self) -> int:
        """Markers drawn on the map: single ones plus the counts shown by clusters."""
        self.tab.wait_for_selector(".leaflet-cluster-anim, .leaflet-zoom-anim", state="detached")
        singles = self.tab.locator(".leaflet-marker-icon.cw-marker").count()
        clustered = sum(int(t) for t in self.tab.locator(".marker-cluster span").all_inner_texts())
        return singles + clustered

    def timeline_events(self) -> int:
        """Events counted by the timeline chart's bars (read from the live Chart.js object)."""
        return self.tab.evaluate("""() => Chart.getChart('timeline-chart').data.datasets
            .filter(d => d.type === 'bar').reduce((n, d) => n + d.data.reduce((a, b) => a + b, 0), 0)""")

    def table_rows(self) -> int:
        return self.tab.locator("#events-table tbody tr").count()

    def close(self) -> None:
        self.context.close()


@pytest.fixture(params=[False], ids=["policy"])
def page(browser, site, request):
    opened = Page(browser, site[0], bypass_csp=request.param)
    yield opened
    opened.close()


# The hostile-HTML tests run twice: with the page's security policy, and without it, so that
# rendering as text is shown safe on its own (the policy is a second wall, not the only one).
both_walls = pytest.mark.parametrize("page", [False, True], ids=["policy", "no-policy"], indirect=True)


def _api(base: str, path: str, **params):
    return httpx.get(base + path, params=params, timeout=30).json()


def test_the_page_loads_without_error_and_maps_the_sample_events(page, site):
    base, _ = site
    page.open("/")
    placed = _api(base, "/api/points")["total"]
    assert placed >= 5  # the samples' events and the hostile one
    assert page.errors == []
    assert page.points_on_map() == placed
    assert page.tab.locator("#map").get_attribute("data-points") == str(placed)
    assert page.tab.locator("#map path.leaflet-interactive, #map svg path").count() > 100  # country outlines
    assert page.timeline_events() == _api(base, "/api/aggregates/weekly")["total"]["events"]
    assert page.table_rows() == _api(base, "/api/events")["total"]
    assert "on the map" in page.tab.inner_text("#status")
    outside = [u for u in page.requests if not u.startswith(base) and not u.startswith("data:")]
    assert outside == []  # every script, style and outline came from the application


def test_a_filter_changes_the_map_the_timeline_and_the_table_together(page, site):
    base, _ = site
    page.open("/")
    before = (page.points_on_map(), page.timeline_events(), page.table_rows())
    loaded = page.generation()
    page.tab.check("#types input[value='Explosions/Remote violence']")
    page.wait_loaded(loaded)
    expected = _api(base, "/api/events", type="Explosions/Remote violence")["total"]
    assert 0 < expected < before[2]
    assert (page.points_on_map(), page.timeline_events(), page.table_rows()) == (expected, expected, expected)
    assert "type=Explosions" in page.tab.url  # the view can be bookmarked
    assert page.errors == []

    loaded = page.generation()  # a text search narrows it to one report
    page.tab.fill("input[name=q]", "Mogadishu")
    page.tab.press("input[name=q]", "Enter")
    page.wait_loaded(loaded)
    assert (page.points_on_map(), page.timeline_events(), page.table_rows()) == (1, 1, 1)
    assert "Mogadishu" in page.tab.inner_text("#events-table tbody")

    loaded = page.generation()
    page.tab.click("#reset")
    page.wait_loaded(loaded)
    assert (page.points_on_map(), page.timeline_events(), page.table_rows()) == before


def test_clicking_a_week_of_the_timeline_narrows_everything_to_it(page, site):
    base, _ = site
    page.open("/")
    bar = page.tab.evaluate("""() => {
        const chart = Chart.getChart('timeline-chart');
        const canvas = chart.canvas.getBoundingClientRect();
        for (const [i, d] of chart.data.datasets.entries()) {
            if (d.type !== 'bar') continue;
            const j = d.data.findIndex(n => n > 0);
            if (j < 0) continue;
            const el = chart.getDatasetMeta(i).data[j];
            return {x: canvas.left + el.x, y: canvas.top + (el.y + el.base) / 2, week: chart.data.labels[j]};
        }
    }""")
    loaded = page.generation()
    page.tab.mouse.click(bar["x"], bar["y"])
    page.wait_loaded(loaded)
    start = date.fromisoformat(bar["week"])
    end = start + timedelta(days=6)
    assert page.tab.input_value("input[name=since]") == start.isoformat()
    assert page.tab.input_value("input[name=until]") == end.isoformat()
    expected = _api(base, "/api/events", since=start.isoformat(), until=end.isoformat())["total"]
    assert expected >= 1
    assert (page.points_on_map(), page.timeline_events(), page.table_rows()) == (expected,) * 3


def test_only_the_map_view_narrows_the_timeline_and_the_table_to_it(page, site):
    page.open("/")
    everything = page.table_rows()
    box = page.tab.locator(".leaflet-marker-icon.cw-marker").first.bounding_box()
    page.tab.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.tab.mouse.wheel(0, -120)  # zoom in around one event
    page.tab.wait_for_timeout(600)
    loaded = page.generation()
    page.tab.check("input[name=inview]")
    page.wait_loaded(loaded)
    shown = page.table_rows()
    assert 0 < shown < everything, [u for u in page.requests if "bbox" in u][-1:]
    assert page.timeline_events() == shown == page.points_on_map()
    loaded = page.generation()
    page.tab.click(".leaflet-control-zoom-out")  # moving the map reloads the rest
    page.wait_loaded(loaded)
    assert page.table_rows() >= shown


def test_a_bookmarked_view_within_km_of_a_point_loads_as_it_was(page, site):
    page.open("/?near=2.04,45.34,50")  # 50 km around Mogadishu
    assert page.tab.input_value("input[name=near]") == "2.04,45.34,50"
    assert (page.points_on_map(), page.table_rows()) == (1, 1)


def test_clicking_an_event_shows_its_report_with_the_evidence_highlighted(page, site):
    base, _ = site
    page.open("/")
    row = page.tab.locator("#events-table tbody tr").first
    event_id = row.get_attribute("data-event")
    row.click()
    page.tab.wait_for_selector("#panel:not([hidden]) mark.evidence")
    detail = _api(base, f"/api/events/{event_id}")
    evidence = [x["text"] for r in detail["reports"] for x in r["evidence"]]
    marked = page.tab.locator("#panel mark.evidence").all_inner_texts()
    assert marked and [" ".join(m.split()) for m in marked] == [" ".join(e.split()) for e in evidence]
    panel = page.tab.inner_text("#panel")
    assert detail["event"]["sub_event_type"] in panel and detail["reports"][0]["title"] in panel
    for claim in detail["claims"]:
        side = page.tab.locator("#panel .claims .side", has_text=claim["claimant"])
        assert claim["text"][:40] in " ".join(side.inner_text().split())

    page.tab.click("#close-panel")  # and from the map: a marker opens its event
    page.tab.fill("input[name=q]", "Mogadishu")
    loaded = page.generation()
    page.tab.press("input[name=q]", "Enter")
    page.wait_loaded(loaded)
    page.tab.locator(".leaflet-marker-icon.cw-marker").first.click()
    page.tab.wait_for_selector("#panel:not([hidden]) mark.evidence")
    assert "Mogadishu" in page.tab.inner_text("#panel")
    assert page.errors == []


def test_a_link_to_an_event_opens_it_and_a_report_without_url_has_no_original_link(page, site):
    base, store = site
    _, event = _hostile_event()
    plain = Article(id="no-url-1", text="Gunmen attacked a village near Dori; five people died.",
                    title="Attack near Dori", published=date(2025, 5, 3), language="en", source="Wire")
    store.add_article(plain, [event.model_copy(update={
        "event_id": "no-url-ev", "article_ids": [plain.id], "event_date": date(2025, 5, 2), "claims": [],
        "evidence": [], "location": event.location.model_copy(update={"name": "Dori", "latitude": 14.03,
                                                                      "longitude": -0.03})})])
    page.open("/?event=no-url-ev")
    page.tab.wait_for_selector("#panel:not([hidden]) .event-card[data-event='no-url-ev']")
    assert page.tab.locator("#panel .report a", has_text="original").count() == 0
    page.tab.click("#close-panel")
    sample_id = next(e["event_id"] for e in _api(base, "/api/events")["events"]
                     if all(r["url"] for r in _api(base, f"/api/events/{e['event_id']}")["reports"]))
    page.open(f"/?event={sample_id}")  # a sample report has its URL: the link is there
    page.tab.wait_for_selector("#panel:not([hidden]) .event-card")
    urls = [r["url"] for r in _api(base, f"/api/events/{sample_id}")["reports"]]
    links = page.tab.locator("#panel .report a", has_text="original")
    assert [links.nth(i).get_attribute("href") for i in range(links.count())] == [u for u in urls if u]
    assert page.errors == []


@both_walls
def test_report_html_is_shown_as_text_and_runs_nothing(page, site):
    page.open("/")
    page.tab.locator("#events-table tbody tr[data-event='hostile-ev']").click()
    page.tab.wait_for_selector("#panel:not([hidden]) mark.evidence")
    page.tab.wait_for_timeout(300)  # an injected image would have failed to load by now
    assert page.tab.evaluate("() => window.__pwned") is None
    panel = page.tab.inner_text("#panel")
    assert '<script>window.__pwned = "script"</script>' in panel
    assert "onerror=" in panel and "<i>army</i>" in panel
    assert page.tab.locator("#panel img, #panel script, #panel i, #panel b").count() == 0
    assert page.tab.locator("#panel a[href^='javascript']").count() == 0
    assert page.tab.evaluate("() => window.__pwned") is None


def test_pasting_the_bamako_report_shows_its_one_event(page, site):
    if not BAMAKO_REPORT.exists():
        pytest.skip(f"{BAMAKO_REPORT} not found")
    article = json.loads(BAMAKO_REPORT.read_text(encoding="utf-8"))["article"]
    page.open("/paste")
    page.tab.fill("textarea[name=text]", article["text"])
    page.tab.fill("input[name=title]", article["title"])
    page.tab.fill("input[name=published]", article["published"][:10])
    page.tab.click("#extract")
    page.tab.wait_for_selector("#paste-results[data-ready]", timeout=120_000)
    assert page.tab.inner_text("#paste-count") == "1 event"
    card = page.tab.locator("#paste-results .event-card")
    assert card.count() == 1
    text = card.inner_text()
    assert "Bamako" in text and "Armed clash" in text and "2024-09-17" in text and "JNIM" in text
    assert card.locator("mark.evidence").count() >= 1
    assert page.errors == []


@both_walls
def test_pasted_html_runs_nothing(page, site):
    page.open("/paste")
    page.tab.fill("textarea[name=text]", HOSTILE)
    page.tab.click("#extract")
    page.tab.wait_for_selector("#paste-results[data-ready]", timeout=120_000)
    page.tab.wait_for_timeout(300)
    assert page.tab.evaluate("() => window.__pwned") is None
    assert page.tab.locator("#paste-results img, #paste-results script").count() == 0


def test_pages_carry_a_policy_that_forbids_inline_and_outside_scripts(site):
    base, _ = site
    for path in ("/", "/paste", "/static/dashboard.js"):
        response = httpx.get(base + path)
        assert response.status_code == 200
        policy = response.headers["content-security-policy"]
        scripts = policy.split("script-src")[1].split(";")[0]
        assert scripts.strip() == "'self'"
    assert httpx.get(base + "/static/../store/db.py").status_code == 404  # no path outside the static folder


def test_the_api_documentation_page_works_offline_too(page, site):
    page.open("/docs")
    page.tab.wait_for_selector(".swagger-ui .opblock", timeout=20_000)
    assert "/api/events" in page.tab.inner_text(".swagger-ui")
    outside = [u for u in page.requests if not u.startswith(page.base) and not u.startswith("data:")]
    assert outside == []
    assert page.errors == []


def test_zones_are_drawn_and_the_latest_alerts_open_their_event(page, site):
    base, _ = site
    page.open("/")
    page.tab.wait_for_selector("#alerts-list[data-ready]", state="attached")
    assert page.tab.locator("#map path.cw-zone").count() == len(_api(base, "/api/zones")["zones"]) == 1
    assert "Mogadishu office" in page.tab.inner_text("#zones-list")
    alerts = page.tab.locator("#alerts-list li")
    assert alerts.count() == 1  # the car bomb, 2 km from the office; no other sample is near it
    assert "Mogadishu" in alerts.first.inner_text() and "NEW" in alerts.first.inner_text()
    alerts.first.click()
    page.tab.wait_for_selector("#panel:not([hidden]) mark.evidence")
    assert "Mogadishu" in page.tab.inner_text("#panel h3")
    assert page.errors == []


def _map_click(page: Page, fx: float, fy: float) -> None:
    box = page.tab.locator("#map").bounding_box()
    page.tab.mouse.click(box["x"] + fx * box["width"], box["y"] + fy * box["height"])


def test_a_zone_drawn_on_the_map_is_saved_and_removed_with_the_token(page, site):
    base, _ = site
    page.open("/")
    page.tab.wait_for_selector("#alerts-list[data-ready]", state="attached")
    page.tab.click("#draw-circle")
    _map_click(page, 0.5, 0.5)
    _map_click(page, 0.6, 0.5)
    page.tab.fill("#zone-form input[name=name]", "Drawn circle")
    page.tab.fill("#zone-form input[name=token]", "wrong")
    page.tab.click("#save-zone")
    page.tab.wait_for_selector("#status.error")
    assert "401" in page.tab.inner_text("#status")
    assert len(_api(base, "/api/zones")["zones"]) == 1

    page.tab.fill("#zone-form input[name=token]", TOKEN)
    page.tab.click("#save-zone")
    page.tab.wait_for_selector("#zones-list li:has-text('Drawn circle')")
    zones = _api(base, "/api/zones")["zones"]
    drawn = next(z for z in zones if z["name"] == "Drawn circle")
    assert drawn["radius_km"] > 0 and drawn["polygon"] is None
    assert page.tab.locator("#map path.cw-zone").count() == 2

    page.tab.click("#draw-polygon")
    for fx, fy in ((0.3, 0.3), (0.4, 0.3), (0.4, 0.4), (0.3, 0.3)):
        _map_click(page, fx, fy)
    page.tab.fill("#zone-form input[name=name]", "Drawn polygon")
    page.tab.click("#save-zone")
    page.tab.wait_for_selector("#zones-list li:has-text('Drawn polygon')")
    polygon = next(z for z in _api(base, "/api/zones")["zones"] if z["name"] == "Drawn polygon")
    ring = polygon["polygon"]["coordinates"][0]
    assert polygon["polygon"]["type"] == "Polygon" and len(ring) == 4 and ring[0] == ring[-1]

    for name in ("Drawn circle", "Drawn polygon"):
        page.tab.locator("#zones-list li", has_text=name).locator("button.remove-zone").click()
        page.tab.wait_for_selector(f"#zones-list li:has-text('{name}')", state="detached")
    assert [z["name"] for z in _api(base, "/api/zones")["zones"]] == ["Mogadishu office"]
    assert [e for e in page.errors if "401" not in e] == []  # the browser logs the refused save


ZONE_PAYLOAD = "<img src=x onerror=alert(1)>"


def test_a_hostile_zone_name_runs_nothing_without_the_policy_and_shows_its_characters(browser, tmp_path):
    """Issue 17: the zone's tooltip was Leaflet HTML. With the page's policy bypassed, hovering the
    zone opens no dialog, loads no image, and the tooltip shows the name as it was typed."""
    with Store.open(tmp_path / "zone.db") as store:
        add_zone(store, ZoneSpec(name=ZONE_PAYLOAD, latitude=2.05, longitude=45.32, radius_km=300))
        with serving(create_app(store, token=TOKEN)) as (base, _):
            page = Page(browser, base, bypass_csp=True)
            dialogs: list[str] = []
            page.tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            try:
                page.open("/")
                page.tab.wait_for_selector("#map path.cw-zone", state="attached")
                page.tab.hover("#map path.cw-zone", force=True)
                tooltip = page.tab.wait_for_selector(".leaflet-tooltip", timeout=10_000)
                assert tooltip.inner_text() == ZONE_PAYLOAD
                assert page.tab.locator(".leaflet-tooltip img").count() == 0
                assert dialogs == [] and not any(u.endswith("/x") for u in page.requests)
            finally:
                page.close()


def test_the_documentation_page_carries_the_policy(site):
    response = httpx.get(site[0] + "/docs")
    assert response.status_code == 200 and "<script>" not in response.text  # no inline script
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
