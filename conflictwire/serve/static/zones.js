/* conflictwire dashboard: watch zones drawn on the map, and the latest alerts.
 *
 * Zones come from GET /api/zones and are drawn as circles or polygons; a new one is drawn on
 * the map (a circle: centre then edge; a polygon: its corners, closed on the first one) and
 * saved with POST /api/zones, which needs the server's token (kept for this tab only, in
 * sessionStorage). Alerts come from GET /api/alerts and are read again every minute. */
"use strict";

(() => {
  const { el, api, setStatus } = CW;
  const { map, layers, openEvent, selectedTypes } = CW.dashboard;
  const REFRESH_MS = 60_000;
  const CLOSE_PX = 12;  // a click this near the first corner closes a polygon
  const zoneLayer = L.featureGroup().addTo(map);
  const sketch = L.layerGroup().addTo(map);
  layers.addOverlay(zoneLayer, "Watch zones");
  const form = document.getElementById("zone-form");
  const saveButton = document.getElementById("save-zone");
  const cancelButton = document.getElementById("draw-cancel");
  const TOKEN_KEY = "conflictwire.token";
  form.elements.token.value = sessionStorage.getItem(TOKEN_KEY) || "";

  // --- zones -----------------------------------------------------------------------------
  const ZONE_STYLE = { color: "#0b57d0", weight: 2, dashArray: "6 4", fillOpacity: 0.06, className: "cw-zone" };

  function zoneShape(zone) {
    if (zone.polygon) return L.geoJSON(zone.polygon, { style: ZONE_STYLE });
    return L.circle([zone.latitude, zone.longitude], { ...ZONE_STYLE, radius: zone.radius_km * 1000 });
  }

  function zoneSummary(zone) {
    const where = zone.polygon ? "polygon" : `${zone.radius_km} km around ${zone.latitude.toFixed(3)}, ${zone.longitude.toFixed(3)}`;
    const when = [zone.event_types.length ? zone.event_types.join(", ") : "any event",
      zone.min_fatalities ? `≥ ${zone.min_fatalities} killed` : null,
      zone.actors.length ? `actors: ${zone.actors.join(", ")}` : null].filter(Boolean).join("; ");
    return `${where}; ${when}; alerts by ${zone.channels.join(", ")}`;
  }

  async function loadZones() {
    const found = await api("/api/zones", { limit: 500 });  // the API's largest page
    zoneLayer.clearLayers();
    const list = document.getElementById("zones-list");
    list.replaceChildren(...found.zones.map((zone) => {
      // a node, not a string: Leaflet puts a string tooltip in as HTML
      zoneShape(zone).bindTooltip(el("span", {}, zone.name)).addTo(zoneLayer);
      return el("li", { dataset: { zone: String(zone.id) } },
        el("span", {}, el("strong", {}, zone.name), el("br"), el("span", { class: "muted" }, zoneSummary(zone))),
        el("span", {},
          el("a", { href: `/zones/${zone.id}/alerts.atom`, title: "the zone's alerts as an Atom feed" }, "feed"), " ",
          el("button", { type: "button", class: "remove-zone", onclick: () => removeZone(zone) }, "remove")));
    }));
    if (!found.zones.length) list.append(el("li", { class: "muted" }, "No zone yet."));
  }

  function authorised() {
    const token = form.elements.token.value.trim();
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    return { Authorization: `Bearer ${token}` };
  }

  async function removeZone(zone) {
    try {
      await api(`/api/zones/${zone.id}`, null, { method: "DELETE", headers: authorised() });
      setStatus(`zone “${zone.name}” removed`);
      await Promise.all([loadZones(), loadAlerts()]);
    } catch (err) {
      setStatus(`could not remove the zone: ${err.message}`, true);
    }
  }

  // --- drawing ---------------------------------------------------------------------------
  let drawing = null;  // {mode, points: [LatLng]}
  let drawn = null;  // the shape to save: {latitude, longitude, radius_km} or {polygon}

  function startDrawing(mode) {
    drawing = { mode, points: [] };
    drawn = null;
    saveButton.disabled = true;
    sketch.clearLayers();
    cancelButton.hidden = false;
    map.getContainer().classList.add("drawing");
    map.doubleClickZoom.disable();
    setStatus(mode === "circle" ? "click the zone's centre, then its edge" : "click the zone's corners, then the first one again");
  }

  function stopDrawing() {
    drawing = null;
    cancelButton.hidden = true;
    map.getContainer().classList.remove("drawing");
    map.doubleClickZoom.enable();
  }

  function drawCircle(centre, edge) {
    sketch.clearLayers();
    L.circle(centre, { ...ZONE_STYLE, className: "cw-sketch", radius: map.distance(centre, edge) }).addTo(sketch);
  }

  function drawPolygon(points, cursor) {
    sketch.clearLayers();
    L.polyline(cursor ? [...points, cursor] : points, { ...ZONE_STYLE, className: "cw-sketch" }).addTo(sketch);
    for (const p of points) L.circleMarker(p, { radius: 3, color: ZONE_STYLE.color, className: "cw-sketch" }).addTo(sketch);
  }

  function finish(shape, label) {
    drawn = shape;
    stopDrawing();
    saveButton.disabled = false;
    setStatus(`${label} drawn: name it and save it`);
    form.elements.name.focus();
  }

  map.on("click", (e) => {
    if (!drawing) return;
    const points = drawing.points;
    if (drawing.mode === "circle") {
      if (!points.length) { points.push(e.latlng); return; }
      const radiusKm = map.distance(points[0], e.latlng) / 1000;
      drawCircle(points[0], e.latlng);
      finish({ latitude: points[0].lat, longitude: points[0].lng, radius_km: Math.max(0.1, Number(radiusKm.toFixed(2))) },
        `a circle of ${radiusKm.toFixed(1)} km`);
      return;
    }
    const nearFirst = points.length >= 3 && map.latLngToContainerPoint(points[0]).distanceTo(e.containerPoint) <= CLOSE_PX;
    if (!nearFirst) { points.push(e.latlng); drawPolygon(points); return; }
    const ring = [...points, points[0]].map((p) => [Number(p.lng.toFixed(6)), Number(p.lat.toFixed(6))]);
    L.polygon(points, { ...ZONE_STYLE, className: "cw-sketch" }).addTo(sketch.clearLayers());
    finish({ polygon: { type: "Polygon", coordinates: [ring] } }, `a polygon of ${points.length} corners`);
  });

  map.on("mousemove", (e) => {
    if (!drawing || !drawing.points.length) return;
    if (drawing.mode === "circle") drawCircle(drawing.points[0], e.latlng);
    else drawPolygon(drawing.points, e.latlng);
  });

  document.getElementById("draw-circle").addEventListener("click", () => startDrawing("circle"));
  document.getElementById("draw-polygon").addEventListener("click", () => startDrawing("polygon"));
  cancelButton.addEventListener("click", () => { stopDrawing(); sketch.clearLayers(); drawn = null; saveButton.disabled = true; setStatus(""); });

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!drawn) return;
    const body = { name: form.elements.name.value.trim(), ...drawn, event_types: selectedTypes() };
    const minimum = form.elements.min_fatalities.value;
    if (minimum !== "") body.min_fatalities = Number(minimum);
    if (form.elements.email.value.trim()) body.email = form.elements.email.value.trim();
    try {
      const zone = await api("/api/zones", null, {
        method: "POST", headers: { "Content-Type": "application/json", ...authorised() }, body: JSON.stringify(body),
      });
      sketch.clearLayers();
      drawn = null;
      saveButton.disabled = true;
      form.elements.name.value = "";
      setStatus(`zone “${zone.name}” saved`);
      await loadZones();
    } catch (err) {
      setStatus(`could not save the zone: ${err.message}`, true);
    }
  });

  // --- alerts ----------------------------------------------------------------------------
  function alertItem(alert) {
    const ev = alert.event;
    const place = [ev.location, ev.country].filter(Boolean).join(", ");
    const distance = ev.distance_km != null ? ` · ${ev.distance_km.toFixed(0)} km from the centre` : "";
    return el("li", { class: `kind-${alert.kind}`, dataset: { event: ev.event_id, alert: String(alert.id) }, tabindex: "0",
      onclick: () => openEvent(ev.event_id), onkeydown: (k) => { if (k.key === "Enter") openEvent(ev.event_id); } },
      el("span", { class: "when" }, `${alert.kind === "new" ? "NEW" : "UPDATE"} · ${alert.zone_name} · ${alert.created_at.slice(0, 16).replace("T", " ")} UTC`),
      el("br"),
      el("strong", {}, `${ev.sub_event_type} in ${place}`), `, ${ev.event_date || "undated"}: ${ev.fatalities} killed${distance}`,
      alert.changes.length && alert.kind === "update" ? [el("br"), el("span", { class: "muted" }, alert.changes.join("; "))] : null,
      deliveryStates(alert.deliveries || []));
  }

  /** Where each channel's delivery stands: delivered, waiting (with its next try) or failed for good. */
  function deliveryStates(deliveries) {
    if (!deliveries.length) return null;
    const words = (d) => d.state === "waiting" && d.next_attempt_at
      ? `${d.channel} waiting, next try ${d.next_attempt_at.slice(0, 19).replace("T", " ")} UTC`
      : d.state === "failed" ? `${d.channel} failed for good` : `${d.channel} ${d.state}`;
    return [el("br"), el("span", { class: "deliveries" },
      deliveries.map((d, i) => [i ? " · " : "", el("span", { class: `delivery state-${d.state}`, dataset: { channel: d.channel, state: d.state } }, words(d))]))];
  }

  async function loadAlerts() {
    const found = await api("/api/alerts", { limit: 20 });
    const list = document.getElementById("alerts-list");
    list.replaceChildren(...found.alerts.map(alertItem));
    if (!found.alerts.length) list.append(el("li", { class: "muted" }, "No alert yet: draw a zone to be told of events in it."));
    document.getElementById("alerts-count").textContent = found.alerts.length ? `(${found.alerts.length})` : "";
    document.getElementById("alerts-list").dataset.ready = "1";
  }

  async function refresh() {
    try {
      await Promise.all([loadZones(), loadAlerts()]);
    } catch (err) {
      setStatus(`could not load zones and alerts: ${err.message}`, true);
    }
  }

  refresh();
  setInterval(loadAlerts, REFRESH_MS);
})();
