/* conflictwire: paste a report, see its events (POST /api/extract; nothing is stored). */
"use strict";

(() => {
  const { el, api, setStatus } = CW;
  const form = document.getElementById("paste-form");
  const results = document.getElementById("paste-results");

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const text = form.elements.text.value;
    const body = { text };
    for (const name of ["title", "published", "language"]) {
      const value = form.elements[name].value.trim();
      if (value) body[name] = value;
    }
    const button = document.getElementById("extract");
    button.disabled = true;
    setStatus("extracting…");
    try {
      const found = await api("/api/extract", null, {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
      });
      const report = { id: "pasted", title: body.title || "The pasted report", published: body.published, text };
      results.replaceChildren(el("div", {},
        el("h2", { id: "paste-count" }, `${found.events.length} event${found.events.length === 1 ? "" : "s"}`),
        found.events.length ? null : el("p", { class: "muted" }, "No event in this report: background, analysis or quiet news."),
        found.events.map((event) => CW.eventCard(event, [{ ...report, evidence: event.evidence }], []))));
      setStatus(`${found.events.length} event${found.events.length === 1 ? "" : "s"} found`);
      results.dataset.ready = "1";
    } catch (err) {
      setStatus(`could not extract: ${err.message}`, true);
    } finally {
      button.disabled = false;
    }
  });
})();
