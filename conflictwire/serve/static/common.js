/* conflictwire: what the dashboard and the paste page share.
 *
 * Every value from the store or a report reaches the page as text: elements are built with
 * createElement and textContent, never from HTML strings, so a report holding <script> or
 * <img onerror> shows those characters and runs nothing. */
"use strict";

const CW = (() => {
  // ACLED's event types, one colour each (ColorBrewer Set1/Dark2 hues, told apart in print too)
  const TYPE_COLOURS = {
    "Battles": "#d7301f",
    "Explosions/Remote violence": "#ff7f00",
    "Violence against civilians": "#6a3d9a",
    "Protests": "#1f78b4",
    "Riots": "#33a02c",
    "Strategic developments": "#737373",
  };

  function colour(eventType) {
    return TYPE_COLOURS[eventType] || "#444444";
  }

  /** An element: `attrs` of properties (class, dataset, on*), then children (nodes or text). */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "dataset") Object.assign(node.dataset, value);
      else if (key === "href") { const safe = safeHref(value); if (safe) node.href = safe; }
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (key === "text") node.textContent = value;
      else if (key === "style") node.style.cssText = value;  // CSSOM: allowed by the page's policy
      else node.setAttribute(key, value);
    }
    for (const child of children.flat(Infinity)) {
      if (child === undefined || child === null || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  /** The URL if it is http(s), else null: a report's link never becomes javascript: or data:. */
  function safeHref(url) {
    try {
      const parsed = new URL(String(url), window.location.href);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
    } catch (_) {
      return null;
    }
  }

  async function api(path, params, options) {
    const url = new URL(path, window.location.origin);
    for (const [key, value] of params instanceof URLSearchParams ? params : Object.entries(params || {})) {
      url.searchParams.append(key, value);
    }
    const response = await fetch(url, options);
    if (!response.ok) {
      let detail = response.statusText;
      try {
        const given = (await response.json()).detail;
        detail = typeof given === "string" ? given : JSON.stringify(given);
      } catch (_) { /* not JSON */ }
      throw new Error(`${response.status}: ${detail}`);
    }
    return response.status === 204 ? null : response.json();
  }

  function setStatus(text, isError) {
    const node = document.getElementById("status");
    if (!node) return;
    node.textContent = text;
    node.classList.toggle("error", Boolean(isError));
  }

  /** UTF-16 index of each code point offset: the store counts code points (Python), JS does not. */
  function utf16Offsets(text) {
    const offsets = [];
    let unit = 0;
    for (const ch of text) { offsets.push(unit); unit += ch.length; }
    offsets.push(unit);
    return (cp) => offsets[Math.max(0, Math.min(cp, offsets.length - 1))];
  }

  /** The text with the evidence spans marked: text nodes and <mark> elements. */
  function highlighted(text, spans) {
    const at = utf16Offsets(text);
    const sorted = spans.map((s) => [at(s.start), at(s.end)]).filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
    const fragment = document.createDocumentFragment();
    let cursor = 0;
    for (const [start, end] of sorted) {
      if (end <= cursor) continue;
      const from = Math.max(start, cursor);
      if (from > cursor) fragment.append(text.slice(cursor, from));
      fragment.append(el("mark", { class: "evidence" }, text.slice(from, end)));
      cursor = end;
    }
    if (cursor < text.length) fragment.append(text.slice(cursor));
    return fragment;
  }

  function actorLabel(actor) {
    return actor ? actor.name : "";
  }

  function placeLabel(location) {
    if (!location) return "";
    const parts = [location.name, location.admin1, location.country].filter((x, i, all) => x && all.indexOf(x) === i);
    return parts.join(", ");
  }

  function fatalitiesLabel(event) {
    const injured = event.injured ? `, ${event.injured} injured` : "";
    return `${event.fatalities} killed${injured}`;
  }

  const PRECISION = { 1: "the place itself", 2: "near the place", 3: "somewhere in the region" };

  function fieldList(event) {
    const loc = event.location || {};
    const coords = loc.latitude != null ? `${loc.latitude.toFixed(4)}, ${loc.longitude.toFixed(4)}` : "not placed";
    const rows = [
      ["Date", event.event_date || "unknown"],
      ["Type", `${event.event_type}: ${event.sub_event_type}`],
      ["Actor 1", actorLabel(event.actor1) + (event.assoc_actor_1.length ? ` (with ${event.assoc_actor_1.join(", ")})` : "")],
      ["Actor 2", actorLabel(event.actor2) + (event.assoc_actor_2.length ? ` (with ${event.assoc_actor_2.join(", ")})` : "")],
      ["Place", `${placeLabel(loc)} (${PRECISION[loc.geo_precision] || ""})`],
      ["Coordinates", coords],
      ["Toll", fatalitiesLabel(event)],
      ["Civilians targeted", event.civilian_targeting ? "yes" : "no"],
      ["Confidence", event.confidence.toFixed(2)],
      ["Notes", event.notes],
    ];
    return el("dl", { class: "fields" }, rows.filter(([, v]) => v).map(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));
  }

  /** The claims grouped by who makes them: each side's account beside the other's. */
  function claimsBySide(claims) {
    if (!claims.length) return el("p", { class: "muted" }, "No claims or statements reported.");
    const sides = new Map();
    for (const claim of claims) {
      if (!sides.has(claim.claimant)) sides.set(claim.claimant, []);
      sides.get(claim.claimant).push(claim);
    }
    return el("div", { class: "claims" }, [...sides].map(([claimant, said]) =>
      el("section", { class: "side", dataset: { claimant } },
        el("h4", {}, claimant),
        el("ul", {}, said.map((c) => el("li", {}, el("span", { class: `kind kind-${c.kind}` }, c.kind), " ", `“${c.text}”`))))));
  }

  function reportBlock(report) {
    const spans = report.evidence || [];
    const meta = [report.source, report.published].filter(Boolean).join(", ");
    // only an absolute web address: an empty or relative one would resolve to the dashboard itself
    const original = /^https?:\/\//i.test(report.url || "") ? safeHref(report.url) : null;
    const link = original ? el("a", { href: original, rel: "noopener noreferrer", target: "_blank" }, "original") : null;
    return el("article", { class: "report", dataset: { article: report.id } },
      el("h4", {}, report.title || report.id),
      el("p", { class: "muted" }, meta, link ? " · " : "", link),
      el("p", { class: "report-text" }, highlighted(report.text || "", spans)),
      el("p", { class: "muted" }, `${spans.length} evidence sentence${spans.length === 1 ? "" : "s"} highlighted`));
  }

  /** An event: its fields, the claims of each side, and each report with its evidence marked. */
  function eventCard(event, reports, revisions) {
    const heading = `${event.sub_event_type} in ${(event.location || {}).name || "an unknown place"}`;
    return el("div", { class: "event-card", dataset: { event: event.event_id } },
      el("h3", {}, el("span", { class: "swatch", style: `background:${colour(event.event_type)}` }), heading),
      fieldList(event),
      el("h4", { class: "section" }, "Claims and statements"),
      claimsBySide(event.claims || []),
      el("h4", { class: "section" }, `Reports (${reports.length})`),
      reports.map(reportBlock),
      revisions && revisions.length ? [
        el("h4", { class: "section" }, "Revisions"),
        el("ul", { class: "revisions" }, revisions.map((r) =>
          el("li", {}, `${r.at || ""}: report ${r.article_id} changed ${Object.keys(r.changes).join(", ") || "nothing"}`))),
      ] : null);
  }

  return { TYPE_COLOURS, colour, el, safeHref, api, setStatus, highlighted, actorLabel, placeLabel, fatalitiesLabel, eventCard };
})();
