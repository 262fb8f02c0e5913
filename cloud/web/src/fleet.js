import { getJson, getPage, latestOnly, onEvent } from "./api.js";
import { ago, escape } from "./format.js";
import { bulkPanel } from "./bulk.js";
import { registerPanel } from "./register.js";

const PAGE_SIZE = 100;
const FILTERS = ["q", "carrier", "link", "protocol", "tag", "sort"];
// The filters outlive the view, so coming back from a modem shows the same page of the same search.
const saved = { filter: { sort: "id" }, pages: [], url: null };

// One page of the fleet at a time (keyset paging: the server's Link rel="next"; earlier pages as a
// stack of their addresses), with search, filters, sort and the matching count. Events update the
// visible rows only: nothing refetches the fleet.
export function fleetView(root, caller) {
  const writer = caller.role !== "viewer";
  root.innerHTML = `<h2>Fleet <span class="muted" data-testid="fleet-count" aria-live="polite"></span></h2>
    <form class="filters" id="filters" role="search">
      <label>Search <input type="search" name="q" data-testid="fleet-search" placeholder="id prefix or nickname"></label>
      <label>Carrier <select name="carrier" data-testid="filter-carrier"><option value="">any</option><option>AT&amp;T</option><option>T-Mobile</option><option>Verizon</option><option>Disconnect</option></select></label>
      <label>Link <select name="link" data-testid="filter-link"><option value="">any</option><option value="fresh">fresh</option><option value="stale">stale</option></select></label>
      <label>Protocol <select name="protocol" data-testid="filter-protocol"><option value="">any</option><option value="v2">v2</option><option value="v1">v1 (legacy)</option></select></label>
      <label>Tag <input name="tag" data-testid="filter-tag" size="10"></label>
      <label>Sort <select name="sort" data-testid="fleet-sort"><option value="id">id</option><option value="nickname">nickname</option><option value="lastSeen">last seen</option></select></label>
      <button type="submit" data-testid="fleet-apply">Apply</button>
    </form>
    ${writer ? `<div id="bulk"></div>` : ""}
    ${caller.role === "admin" ? `<div id="register"></div>` : ""}
    <table data-testid="fleet"><thead><tr>${writer ? `<th><input type="checkbox" id="select-page" data-testid="select-page" aria-label="Select the modems on this page"></th>` : ""}
      <th>Modem</th><th>Nickname</th><th>Protocol</th><th>Carrier</th><th>Last seen</th><th>Link</th><th>Tags</th></tr></thead><tbody></tbody></table>
    <nav class="pager" aria-label="Fleet pages"><button id="prev" data-testid="fleet-prev">← Previous</button>
      <span data-testid="fleet-page"></span><button id="next" data-testid="fleet-next">Next →</button></nav>
    <p class="muted">A modem's link is fresh when it sent an authenticated frame recently: a carrier switch goes out at once. A stale one gets it at its next keepalive.</p>`;
  const body = root.querySelector("tbody");
  const form = root.querySelector("#filters");
  const countText = root.querySelector("[data-testid=fleet-count]");
  const pageRead = latestOnly(body);
  const countRead = latestOnly(countText);
  const rows = new Map(); // id -> the modem shown in that row
  const selection = new Set();
  let current = null; // { url, next }
  let latest = null; // the address of the page last asked for
  for (const name of FILTERS) form.elements[name].value = saved.filter[name] ?? "";

  const bulk = writer ? bulkPanel(root.querySelector("#bulk"), {
    selected: () => [...selection],
    filter: () => ({ ...withoutSort(saved.filter) }),
    clear: () => { selection.clear(); for (const box of body.querySelectorAll("input.select")) box.checked = false; root.querySelector("#select-page").checked = false; },
  }) : null;
  if (caller.role === "admin") registerPanel(root.querySelector("#register"), () => show(firstPage()));

  function firstPage() {
    const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
    for (const name of FILTERS) if (saved.filter[name]) params.set(name, saved.filter[name]);
    return `/api/modems?${params}`;
  }

  function rowHtml(m) {
    return `<tr class="modem-row" data-id="${m.id}" data-testid="modem-${m.id}">
      ${writer ? `<td><input type="checkbox" class="select" data-testid="select-${m.id}" aria-label="Select ${escape(m.nickname)}" ${selection.has(m.id) ? "checked" : ""}></td>` : ""}
      <td><a href="#/modem/${m.id}"><code>${m.id}</code></a></td><td data-testid="fleet-nickname">${escape(m.nickname)}</td>
      <td>${m.legacy ? `<span class="badge legacy" title="seed v1 packets: no identity, no authentication">v1 · legacy, unauthenticated</span>` : `<span class="badge">v2 · authenticated</span>`}</td>
      <td data-testid="fleet-carrier">${escape(m.carrier ?? "unknown")}</td><td class="seen" data-at="${escape(m.lastSeen ?? "")}">${ago(m.lastSeen)}</td>
      <td><span class="badge ${m.link}" data-testid="fleet-link">${m.link}</span></td><td>${(m.tags ?? []).map((t) => `<span class="badge tag">${escape(t)}</span>`).join(" ")}</td></tr>`;
  }

  function render(items) {
    rows.clear();
    // Until the server pages, it may answer the whole fleet: draw one page of it, never all of it.
    const page = items.slice(0, PAGE_SIZE);
    for (const m of page) rows.set(m.id, m);
    body.innerHTML = page.length === 0
      ? `<tr><td colspan="8" class="muted" data-testid="fleet-empty">No modem matches. Start one with ./simiot loadgen, or register one.</td></tr>`
      : page.map(rowHtml).join("");
    const pageBox = root.querySelector("#select-page");
    if (pageBox) pageBox.checked = false;
  }

  function replaceRow(m) {
    const row = body.querySelector(`tr[data-id="${m.id}"]`);
    if (!row) return;
    rows.set(m.id, m);
    row.outerHTML = rowHtml(m);
  }

  function show(url) {
    latest = url;
    return pageRead(() => getPage(url), (page) => {
      current = { url, next: page.next, length: page.items.length };
      saved.url = url;
      render(page.items);
      root.querySelector("#prev").disabled = saved.pages.length === 0;
      root.querySelector("#next").disabled = !page.next;
      root.querySelector("[data-testid=fleet-page]").textContent = `page ${saved.pages.length + 1}`;
      body.dataset.loaded = url;
      refreshCount().catch(() => {});
    });
  }

  // A first page without a next one holds every match: its length is the count, no request needed.
  function refreshCount() {
    const known = saved.pages.length === 0 && current && !current.next ? current.length : null;
    return countRead(async () => known ?? (await getJson(`/api/modems/count?${new URLSearchParams(withoutSort(saved.filter))}`)).count, (count) => {
      countText.textContent = `${count.toLocaleString("en")} modem${count === 1 ? "" : "s"}`;
      bulk?.setMatching(count);
    });
  }

  form.onsubmit = (e) => {
    e.preventDefault();
    for (const name of FILTERS) saved.filter[name] = form.elements[name].value.trim();
    saved.pages = [];
    bulk?.clear();
    show(firstPage());
  };
  root.querySelector("#next").onclick = () => { if (current?.next) { saved.pages.push(current.url); show(current.next); } };
  root.querySelector("#prev").onclick = () => { if (saved.pages.length > 0) show(saved.pages.pop()); };
  body.onclick = (e) => {
    const row = e.target.closest("tr.modem-row");
    if (row && !e.target.closest("input, a")) location.hash = `#/modem/${row.dataset.id}`;
  };
  body.onchange = (e) => {
    const box = e.target.closest("input.select");
    if (!box) return;
    const id = box.closest("tr").dataset.id;
    if (box.checked) selection.add(id); else selection.delete(id);
    bulk?.update();
  };
  root.querySelector("#select-page")?.addEventListener("change", (e) => {
    for (const box of body.querySelectorAll("input.select")) {
      box.checked = e.target.checked;
      const id = box.closest("tr").dataset.id;
      if (box.checked) selection.add(id); else selection.delete(id);
    }
    bulk?.update();
  });

  // Events touch the rows on screen and nothing else; a registry change re-reads that one modem.
  let countTimer = null;
  let pageTimer = null;
  const off = [
    onEvent("modem", async (change) => {
      clearTimeout(countTimer);
      countTimer = setTimeout(() => refreshCount().catch(() => {}), 2000);
      // A new modem may belong on a page that is not full (the last one, or a small fleet's only one):
      // that one page is read again, at most twice a second.
      if (change.change === "registered" && rows.size < PAGE_SIZE) {
        clearTimeout(pageTimer);
        pageTimer = setTimeout(() => latest && show(latest), 500);
      }
      if (!rows.has(change.modemId)) return;
      if (change.change === "deleted") {
        body.querySelector(`tr[data-id="${change.modemId}"]`)?.classList.add("deleted");
        return;
      }
      if (change.carrier !== undefined) replaceRow({ ...rows.get(change.modemId), carrier: change.carrier });
      replaceRow(await getJson(`/api/modems/${change.modemId}`));
    }),
    onEvent("open", () => { if (latest) show(latest); }),
    onEvent("carrier", (ack) => {
      if (ack.status === "ACK" && rows.has(ack.modemId)) replaceRow({ ...rows.get(ack.modemId), carrier: ack.carrier });
    }),
    onEvent("command", (c) => {
      if (c.state === "acked" && rows.has(c.modemId)) replaceRow({ ...rows.get(c.modemId), carrier: c.resultCarrier ?? c.carrier });
    }),
    onEvent("telemetry", (t) => {
      const m = rows.get(t.modemId);
      if (m && t.point?.timestamp) { m.lastSeen = t.point.timestamp; m.link = "fresh"; }
    }),
  ];
  // "3 s ago" ages on screen without asking the server.
  const ager = setInterval(() => {
    body.dataset.ticks = String(Number(body.dataset.ticks ?? 0) + 1);
    for (const cell of body.querySelectorAll("td.seen")) {
      const m = rows.get(cell.parentElement.dataset.id);
      if (m) cell.textContent = ago(m.lastSeen);
    }
  }, 5000);
  show(saved.url ?? firstPage());
  return () => { pageRead.drop(); countRead.drop(); clearInterval(ager); clearTimeout(countTimer); clearTimeout(pageTimer); bulk?.dispose(); off.forEach((f) => f()); };
}

function withoutSort(filter) {
  const result = {};
  for (const [k, v] of Object.entries(filter)) if (k !== "sort" && v) result[k] = v;
  return result;
}
