/* conflictwire dashboard: map, timeline, table and event panel over one set of filters.
 *
 * The filters live in the page's address (?since=...&type=...), so a view can be bookmarked
 * ("what happened overnight within 50 km of the office") and reloaded as it was. Every change
 * of filter, or of the map view when "only the map view" is ticked, reloads all three views
 * from the API with the same query. */
"use strict";

(() => {
  const { el, api, colour, setStatus } = CW;
  const PAGE = 50;
  const MAX_POINTS = 20000;  // the API's largest page of map points (/api/points)
  const form = document.getElementById("filters");
  const table = document.querySelector("#events-table tbody");
  const panel = document.getElementById("panel");
  const state = { offset: 0, total: 0, generation: 0 };

  // --- filters ---------------------------------------------------------------------------
  const TEXT_FIELDS = ["since", "until", "country", "actor", "q", "near"];

  function formQuery() {
    const params = new URLSearchParams();
    for (const name of TEXT_FIELDS) {
      const value = form.elements[name].value.trim();
      if (value) params.set(name, value);
    }
    for (const box of form.querySelectorAll("#types input:checked")) params.append("type", box.value);
    if (form.elements.inview.checked) params.set("inview", "1");
    return params;
  }

  function withLimit(params, limit) {
    const copy = new URLSearchParams(params);
    copy.set("limit", String(limit));
    return copy;
  }

  function apiQuery() {
    const params = formQuery();
    if (params.has("inview")) {
      params.delete("inview");
      const b = map.getBounds();
      params.set("bbox", [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((x) => x.toFixed(4)).join(","));
    }
    return params;
  }

  function fillForm(params) {
    for (const name of TEXT_FIELDS) form.elements[name].value = params.get(name) || "";
    const types = new Set(params.getAll("type"));
    for (const box of form.querySelectorAll("#types input")) box.checked = types.has(box.value);
    form.elements.inview.checked = params.has("inview");
  }

  async function loadFacets() {
    const facets = await api("/api/facets");
    const select = form.elements.country;
    for (const c of facets.countries) {
      select.append(el("option", { value: c.iso3 }, `${c.country || c.iso3} (${c.events})`));
    }
    const fieldset = document.getElementById("types");
    for (const type of Object.keys(facets.event_types)) {
      fieldset.append(el("label", { class: "type-choice" },
        el("input", { type: "checkbox", value: type, name: "type" }),
        el("span", { class: "swatch", style: `background:${colour(type)}` }), type));
    }
  }

  // --- map -------------------------------------------------------------------------------
  const map = L.map("map", { worldCopyJump: true, zoomSnap: 0.5, minZoom: 2, maxZoom: 18 }).setView([12, 5], 3);
  const outlines = L.layerGroup().addTo(map);
  const tiles = L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
    maxZoom: 18, attribution: "© OpenStreetMap contributors",
  });
  const layers = L.control.layers(null, { "Country outlines (offline)": outlines, "OpenStreetMap tiles (online)": tiles }).addTo(map);
  L.control.scale().addTo(map);
  map.attributionControl.addAttribution("Outlines: Natural Earth");
  const clusters = L.markerClusterGroup({ maxClusterRadius: 40, showCoverageOnHover: false, chunkedLoading: true }).addTo(map);
  const nearCircle = L.layerGroup().addTo(map);
  const markers = new Map();

  async function loadOutlines() {
    const topo = await fetch("/static/vendor/countries-50m.json").then((r) => r.json());
    L.geoJSON(topojson.feature(topo, topo.objects.countries), {
      style: { color: "#8a8a8a", weight: 0.7, fillColor: "#f2efe9", fillOpacity: 1 },
      interactive: false,
    }).addTo(outlines);
  }

  function markerIcon(point) {
    const size = Math.round(Math.min(40, 10 + 4 * Math.sqrt(point.fatalities || 0)));
    const dot = el("div", { class: "dot", style: `width:${size}px;height:${size}px;background:${colour(point.event_type)}` });
    return L.divIcon({ html: dot, className: "cw-marker", iconSize: [size, size] });
  }

  let fitted = false;

  /** The first view frames the events; later loads leave the view where the user put it. */
  function frame(layers) {
    if (fitted || !layers.length || form.elements.inview.checked) return;
    fitted = true;
    map.fitBounds(L.featureGroup(layers).getBounds().pad(0.3), { maxZoom: 7, animate: false });
  }

  function showPoints(points) {
    clusters.clearLayers();
    markers.clear();
    const layers = points.map((p) => {
      const marker = L.marker([p.latitude, p.longitude], { icon: markerIcon(p), title: `${p.sub_event_type}, ${p.event_date || "undated"}` });
      const place = [p.admin1, p.country].filter(Boolean).join(", ");
      marker.bindTooltip(el("span", {}, el("strong", {}, p.sub_event_type), el("br"), `${p.event_date || "undated"} · ${place}`,
        el("br"), `${p.fatalities} killed`));
      marker.on("click", () => openEvent(p.event_id));
      markers.set(p.event_id, marker);
      return marker;
    });
    clusters.addLayers(layers);
    frame(layers);
    document.getElementById("map").dataset.points = String(points.length);
  }

  function showNear(params) {
    nearCircle.clearLayers();
    const parts = (params.get("near") || "").split(",").map(Number);
    if (parts.length === 3 && parts.every(Number.isFinite)) {
      L.circle([parts[0], parts[1]], { radius: parts[2] * 1000, color: "#222", weight: 1, fill: false, dashArray: "4 4" }).addTo(nearCircle);
    }
  }

  // --- timeline --------------------------------------------------------------------------
  const chart = new Chart(document.getElementById("timeline-chart"), {
    type: "bar",
    data: { labels: [], datasets: [] },
    options: {
      animation: false, responsive: true, maintainAspectRatio: false, interaction: { mode: "index", intersect: false },
      scales: {
        x: { stacked: true, ticks: { maxRotation: 0, autoSkip: true } },
        y: { stacked: true, beginAtZero: true, title: { display: true, text: "events" }, ticks: { precision: 0 } },
        fatalities: { position: "right", beginAtZero: true, grid: { drawOnChartArea: false }, title: { display: true, text: "fatalities" } },
      },
      plugins: { legend: { position: "bottom", labels: { boxWidth: 10 } } },
      onClick: (_evt, elements) => { if (elements.length) pickWeek(chart.data.weekStarts[elements[0].index]); },
    },
  });

  /** Every ISO week from the first to the last with events, so quiet weeks show as gaps. */
  function weekRange(rows) {
    if (!rows.length) return [];
    const starts = rows.map((r) => r.week_start).sort();
    const weeks = [];
    for (let day = new Date(starts[0] + "T00:00:00Z"); day <= new Date(starts[starts.length - 1] + "T00:00:00Z");
      day.setUTCDate(day.getUTCDate() + 7)) {
      weeks.push(day.toISOString().slice(0, 10));
    }
    return weeks;
  }

  function showTimeline(weekly) {
    const weeks = weekRange(weekly.rows);
    const index = new Map(weeks.map((w, i) => [w, i]));
    const types = [...new Set(weekly.rows.map((r) => r.event_type))];
    const datasets = types.map((type) => {
      const counts = new Array(weeks.length).fill(0);
      for (const r of weekly.rows) if (r.event_type === type) counts[index.get(r.week_start)] += r.events;
      return { type: "bar", label: type, data: counts, backgroundColor: colour(type), stack: "events", order: 2 };
    });
    const fatalities = new Array(weeks.length).fill(0);
    for (const r of weekly.rows) fatalities[index.get(r.week_start)] += r.fatalities;
    datasets.push({ type: "line", label: "fatalities", data: fatalities, yAxisID: "fatalities", borderColor: "#111",
      backgroundColor: "#111", pointRadius: 2, borderWidth: 1.5, order: 1 });
    chart.data.labels = weeks;
    chart.data.weekStarts = weeks;
    chart.data.datasets = datasets;
    chart.update();
    const undated = weekly.undated.events ? `; ${weekly.undated.events} undated` : "";
    document.getElementById("timeline-summary").textContent =
      `${weekly.total.events} events, ${weekly.total.fatalities} fatalities over ${weeks.length} week${weeks.length === 1 ? "" : "s"}${undated}. Click a week to see only it.`;
  }

  function pickWeek(start) {
    const end = new Date(start + "T00:00:00Z");
    end.setUTCDate(end.getUTCDate() + 6);
    form.elements.since.value = start;
    form.elements.until.value = end.toISOString().slice(0, 10);
    apply();
  }

  // --- table -----------------------------------------------------------------------------
  function showTable(pageOfEvents) {
    state.total = pageOfEvents.total;
    table.replaceChildren(...pageOfEvents.events.map((e) =>
      el("tr", { dataset: { event: e.event_id }, tabindex: "0", onclick: () => openEvent(e.event_id),
        onkeydown: (k) => { if (k.key === "Enter") openEvent(e.event_id); } },
        el("td", {}, e.event_date || "undated"),
        el("td", {}, el("span", { class: "swatch", style: `background:${colour(e.event_type)}` }), e.sub_event_type),
        el("td", {}, [CW.actorLabel(e.actor1), CW.actorLabel(e.actor2)].filter(Boolean).join(" vs ")),
        el("td", {}, CW.placeLabel(e.location)),
        el("td", { class: "num" }, String(e.fatalities)))));
    const last = Math.min(state.offset + pageOfEvents.events.length, state.total);
    document.getElementById("page-info").textContent = state.total ? `${state.offset + 1}–${last} of ${state.total}` : "no events";
    document.getElementById("prev").disabled = state.offset === 0;
    document.getElementById("next").disabled = last >= state.total;
  }

  async function loadTable(params) {
    const query = new URLSearchParams(params);
    query.set("limit", PAGE);
    query.set("offset", state.offset);
    showTable(await api("/api/events", query));
  }

  // --- the event panel -------------------------------------------------------------------
  async function openEvent(id) {
    try {
      const found = await api(`/api/events/${encodeURIComponent(id)}`);
      document.getElementById("panel-body").replaceChildren(CW.eventCard(found.event, found.reports, found.revisions));
      showPanel(true);
      id = found.event.event_id; // an alias (a report merged into the event) opens the event itself
      panel.dataset.event = id;
      for (const row of table.querySelectorAll("tr")) row.classList.toggle("selected", row.dataset.event === id);
      const marker = markers.get(id);
      if (marker) {
        if (!map.getBounds().contains(marker.getLatLng())) map.panTo(marker.getLatLng(), { animate: false });
        clusters.zoomToShowLayer(marker, () => marker.openTooltip());
      }
    } catch (err) {
      setStatus(`could not load event ${id}: ${err.message}`, true);
    }
  }
  /** Opening or closing the panel resizes the map's column: Leaflet must measure it again. */
  function showPanel(visible) {
    if (panel.hidden === !visible) return;
    const centre = map.getCenter();
    panel.hidden = !visible;
    map.invalidateSize({ animate: false });
    map.setView(centre, map.getZoom(), { animate: false });
  }
  document.getElementById("close-panel").addEventListener("click", () => showPanel(false));

  // --- loading ---------------------------------------------------------------------------
  async function refresh() {
    const generation = ++state.generation;  // a slower, older answer never overwrites a newer one
    state.offset = 0;
    const params = apiQuery();
    setStatus("loading…");
    try {
      const [points, weekly] = await Promise.all([api("/api/points", withLimit(params, MAX_POINTS)), api("/api/aggregates/weekly", params)]);
      if (generation !== state.generation) return;
      showPoints(points.rows.map((row) => Object.fromEntries(points.fields.map((f, i) => [f, row[i]]))));
      showTimeline(weekly);
      showNear(params);
      await loadTable(params);
      if (generation !== state.generation) return;
      // the map gets one page of points (the API's largest): past it, say how many are left off
      const unplaced = state.total - points.total;
      const shown = points.rows.length < points.total ? `${points.rows.length} of ${points.total}` : `${points.total}`;
      setStatus(`${state.total} event${state.total === 1 ? "" : "s"}, ${shown} on the map${unplaced > 0 ? `, ${unplaced} not placed` : ""}`);
      document.body.dataset.ready = String(generation);
    } catch (err) {
      if (generation === state.generation) setStatus(`could not load events: ${err.message}`, true);
    }
  }

  function apply() {
    const params = formQuery();
    history.replaceState(null, "", params.toString() ? `?${params}` : window.location.pathname);
    refresh();
  }

  form.addEventListener("submit", (e) => { e.preventDefault(); apply(); });
  form.addEventListener("change", (e) => { if (e.target.type === "checkbox" || e.target.tagName === "SELECT") apply(); });
  document.getElementById("reset").addEventListener("click", () => { fillForm(new URLSearchParams()); apply(); });
  document.getElementById("prev").addEventListener("click", () => { state.offset = Math.max(0, state.offset - PAGE); loadTable(apiQuery()); });
  document.getElementById("next").addEventListener("click", () => { state.offset += PAGE; loadTable(apiQuery()); });
  map.on("moveend", () => { if (form.elements.inview.checked) refresh(); });

  // what the watch zones' part of the page (zones.js) builds on
  CW.dashboard = {
    map, layers, openEvent,
    selectedTypes: () => [...form.querySelectorAll("#types input:checked")].map((box) => box.value),
  };

  (async () => {
    try {
      await Promise.all([loadFacets(), loadOutlines()]);
    } catch (err) {
      setStatus(`could not start: ${err.message}`, true);
      return;
    }
    const params = new URLSearchParams(window.location.search);
    fillForm(params);
    await refresh();
    // a link to one event (?event=ID, as alerts and bookmarks hold it) opens its panel
    if (params.get("event")) await openEvent(params.get("event"));
  })();
})();
