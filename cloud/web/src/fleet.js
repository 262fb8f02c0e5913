import { getJson, onEvent } from "./api.js";
import { ago, escape } from "./format.js";

// Every modem with carrier, last seen, link state and protocol; legacy modems flagged.
export function fleetView(root) {
  root.innerHTML = `<h2>Fleet</h2><table data-testid="fleet"><thead><tr><th>Modem</th><th>Nickname</th><th>Protocol</th><th>Carrier</th><th>Last seen</th><th>Link</th></tr></thead><tbody></tbody></table>
    <p class="muted">A modem's link is fresh when it sent an authenticated frame recently: a carrier switch goes out at once. A stale one gets it at its next keepalive.</p>`;
  const body = root.querySelector("tbody");
  async function refresh() {
    const modems = await getJson("/api/modems");
    body.innerHTML = modems.length === 0
      ? `<tr><td colspan="6" class="muted">No modem yet. Start one with ./simiot loadgen, or register one with POST /api/modems.</td></tr>`
      : modems.map((m) => `<tr class="modem-row" data-id="${m.id}" data-testid="modem-${m.id}">
          <td><code>${m.id}</code></td><td>${escape(m.nickname)}</td>
          <td>${m.legacy ? `<span class="badge legacy" title="seed v1 packets: no identity, no authentication">v1 · legacy, unauthenticated</span>` : `<span class="badge">v2 · authenticated</span>`}</td>
          <td data-testid="fleet-carrier">${escape(m.carrier ?? "unknown")}</td><td>${ago(m.lastSeen)}</td>
          <td><span class="badge ${m.link}">${m.link}</span></td></tr>`).join("");
    for (const row of body.querySelectorAll("tr.modem-row")) row.onclick = () => { location.hash = `#/modem/${row.dataset.id}`; };
  }
  refresh();
  const timer = setInterval(refresh, 3000);
  const off = [onEvent("modem", refresh), onEvent("carrier", refresh)];
  return () => { clearInterval(timer); off.forEach((f) => f()); };
}
