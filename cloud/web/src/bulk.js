import { getJson, postJson } from "./api.js";
import { escape } from "./format.js";

const COUNTS = ["queued", "sent", "acked", "nacked", "timedOut", "expired", "cancelled", "rejected"];
const LABELS = { timedOut: "timed out" };

// Bulk carrier switch of the selected modems, or of all matching the filter, and its progress:
// the summary (GET /api/commands/bulk/{id}) read again when one of its commands changes, and every
// 2 s until nothing is queued or sent.
export function bulkPanel(root, fleet) {
  root.innerHTML = `<section class="panel bulk" aria-label="Bulk carrier switch">
      <span data-testid="selection-count">No modem selected.</span>
      <button type="button" class="link" id="all-matching" data-testid="select-all-matching" hidden></button>
      <label>Switch to <select id="bulk-carrier" data-testid="bulk-carrier"><option>AT&amp;T</option><option>T-Mobile</option><option selected>Verizon</option><option>Disconnect</option></select></label>
      <button type="button" id="bulk-switch" data-testid="bulk-switch" disabled>Switch carrier</button>
      <div id="bulk-progress" data-testid="bulk-progress" aria-live="polite"></div></section>`;
  let matching = null;
  let allMatching = false;
  let bulk = null; // { id, summary }
  let timer = null;
  let reading = false;

  function update() {
    const n = allMatching ? matching : fleet.selected().length;
    root.querySelector("[data-testid=selection-count]").textContent = allMatching ? `All ${n.toLocaleString("en")} modems matching the filter selected.`
      : n === 0 ? "No modem selected." : `${n} selected.`;
    const all = root.querySelector("#all-matching");
    all.hidden = allMatching || matching === null || matching === 0;
    all.textContent = `Select all ${(matching ?? 0).toLocaleString("en")} matching the filter`;
    root.querySelector("#bulk-switch").disabled = !n;
  }

  function showSummary(s) {
    const done = s.acked + s.nacked + s.timedOut + s.expired + s.cancelled + s.rejected;
    const el = root.querySelector("#bulk-progress");
    el.dataset.done = String(done === s.total);
    el.innerHTML = `<p>Bulk ${escape(s.id)}: switch ${s.total} modem${s.total === 1 ? "" : "s"} to ${escape(s.carrier)}
        <progress max="${s.total}" value="${done}" aria-label="Finished commands">${done}/${s.total}</progress></p>
      <ul class="counts">${COUNTS.map((k) => `<li class="badge ${k}">${LABELS[k] ?? k} <strong data-testid="bulk-${k}">${s[k] ?? 0}</strong></li>`).join("")}</ul>`;
    if (done === s.total) { clearInterval(timer); timer = null; }
  }

  async function read() {
    if (!bulk || reading) return;
    reading = true;
    try {
      showSummary(await getJson(`/api/commands/bulk/${encodeURIComponent(bulk.id)}`));
    } finally {
      reading = false;
    }
  }

  root.querySelector("#all-matching").onclick = () => { allMatching = true; update(); };
  root.querySelector("#bulk-switch").onclick = async () => {
    const carrier = root.querySelector("#bulk-carrier").value;
    const request = allMatching ? { carrier, filter: fleet.filter() } : { carrier, modems: fleet.selected() };
    const progress = root.querySelector("#bulk-progress");
    try {
      const accepted = await postJson("/api/commands/bulk", request);
      bulk = { id: accepted.id };
      progress.textContent = `Bulk ${accepted.id}: ${accepted.total} queued…`;
      clearInterval(timer);
      timer = setInterval(read, 2000);
      read();
      fleet.clear();
      clear();
    } catch (e) {
      progress.innerHTML = `<span class="failure" role="alert">${escape(e.message)}</span>`;
    }
  };

  function clear() { allMatching = false; update(); }
  update();
  return {
    setMatching(n) { matching = n; update(); },
    update,
    clear,
    onCommand(c) { if (bulk && c.bulkId === bulk.id) read(); },
    dispose() { clearInterval(timer); },
  };
}
