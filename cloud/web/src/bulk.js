import { getJson, postJson } from "./api.js";
import { escape } from "./format.js";

// The states every bulk shows first; any other state the summary counts follows them.
const FIRST = ["queued", "sent", "acked", "nacked", "timed-out"];
const POLL_MS = 1000;

// Bulk carrier switch of the selected modems, or of all matching the filter, and its progress:
// the summary (GET /api/bulk-commands/{id}) read every second until none of its commands is open.
export function bulkPanel(root, fleet) {
  root.innerHTML = `<section class="panel bulk" aria-label="Bulk carrier switch">
      <span data-testid="selection-count">No modem selected.</span>
      <button type="button" class="link" id="all-matching" data-testid="select-all-matching" hidden></button>
      <label>Switch to <select id="bulk-carrier" data-testid="bulk-carrier"><option>AT&amp;T</option><option>T-Mobile</option><option selected>Verizon</option><option>Disconnect</option></select></label>
      <button type="button" id="bulk-switch" data-testid="bulk-switch" disabled>Switch carrier</button>
      <div id="bulk-progress" data-testid="bulk-progress" aria-live="polite"></div></section>`;
  let matching = null;
  let allMatching = false;
  let bulk = null; // { id } of the bulk whose progress is shown
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
    const finished = s.total - s.open;
    const el = root.querySelector("#bulk-progress");
    el.dataset.done = String(s.done);
    const states = [...FIRST, ...Object.keys(s.states).filter((k) => !FIRST.includes(k))];
    el.innerHTML = `<p>Bulk ${escape(String(s.id))}: switch ${s.total.toLocaleString("en")} modem${s.total === 1 ? "" : "s"} to ${escape(s.carrier)}
        <progress max="${s.total}" value="${finished}" aria-label="Finished commands">${finished}/${s.total}</progress></p>
      <ul class="counts">${states.map((k) => `<li class="badge ${escape(k)}">${escape(k.replace("-", " "))} <strong data-testid="bulk-${escape(k)}">${s.states[k] ?? 0}</strong></li>`).join("")}</ul>`;
    if (s.done) { clearInterval(timer); timer = null; }
  }

  async function read() {
    if (!bulk || reading) return;
    reading = true;
    try {
      showSummary(await getJson(`/api/bulk-commands/${encodeURIComponent(bulk.id)}`));
    } catch {
      // A failed read (the network, a restarting cloud) is tried again at the next tick.
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
      const accepted = await postJson("/api/bulk-commands", request);
      bulk = { id: accepted.id };
      progress.textContent = `Bulk ${accepted.id}: ${accepted.total} queued`
        + (accepted.skipped ? `, ${accepted.skipped} skipped (queue full)…` : "…");
      progress.dataset.done = "false";
      clearInterval(timer);
      timer = setInterval(read, POLL_MS);
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
    dispose() { clearInterval(timer); },
  };
}
