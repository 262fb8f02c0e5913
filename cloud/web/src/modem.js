import { getJson, latestOnly, postJson, sendJson, onEvent } from "./api.js";
import { ago, epochSeconds, escape } from "./format.js";
import { RANGES, SENSORS, drawChart, fetchPoints, scaled, toCsv } from "./charts.js";

const WINDOW = 600;
const FAILED = new Set(["nacked", "timed-out", "expired", "cancelled", "modem-deleted", "modemDeleted"]);

// One modem: facts and (for whoever may) its lifecycle, carrier switch with live state, charts over a
// chosen range (live from SSE), command history with cancel. A viewer sees no write control: the
// API would refuse it (403) anyway.
export function modemView(root, id, caller) {
  const writer = caller.role !== "viewer";
  const admin = caller.role === "admin";
  root.innerHTML = `<p><a href="#/">← fleet</a></p>
    <section class="panel"><h2 data-testid="modem-title">Modem <code>${escape(id)}</code></h2><div class="facts" id="facts"></div></section>
    ${writer ? `<section class="panel"><h3>Modem</h3><form id="edit" class="switch">
        <label>Nickname <input name="nickname" maxlength="64" data-testid="edit-nickname"></label>
        <label>Tags <input name="tags" size="30" placeholder="comma separated" data-testid="edit-tags"></label>
        <button type="submit" data-testid="edit-save">Save</button></form>
      ${admin ? `<form id="downlink" class="switch" hidden><label>Downlink endpoint (legacy) <input name="endpoint" placeholder="127.0.0.1:6002" data-testid="downlink-endpoint"></label>
        <button type="submit" data-testid="downlink-save">Set</button></form>
        <p class="switch"><button type="button" class="danger" id="delete" data-testid="delete-button">Delete modem…</button>
        <span id="delete-confirm" hidden role="alertdialog" aria-label="Confirm deletion">Delete <code>${escape(id)}</code>? Its history stays.
          <button type="button" class="danger" data-testid="delete-confirm">Yes, delete</button> <button type="button" data-testid="delete-cancel">Keep it</button></span></p>` : ""}
      <p id="edit-status" aria-live="polite" data-testid="edit-status"></p></section>
    <section class="panel"><h3>Carrier switch</h3>
      <div class="switch"><label>Carrier <select id="carrier" data-testid="switch-carrier">
        <option>AT&amp;T</option><option>T-Mobile</option><option selected>Verizon</option><option>Disconnect</option></select></label>
        <button id="switch" data-testid="switch-button">Switch</button>
        <span id="status" data-testid="command-status"></span></div></section>` : ""}
    <section class="panel"><form id="range" class="switch"><label>Range <select name="range" data-testid="range">
        <option value="live">live</option><option value="15m">last 15 min</option><option value="1h">last hour</option><option value="24h">last 24 h</option><option value="custom">custom</option></select></label>
      <span id="custom" hidden><label>From <input type="datetime-local" name="from" data-testid="range-from"></label>
        <label>To <input type="datetime-local" name="to" data-testid="range-to"></label></span>
      <button type="submit" data-testid="range-apply">Show</button>
      <button type="button" id="csv" data-testid="csv-export">Export CSV</button></form></section>
    <section class="charts" id="charts"></section>
    <section class="panel"><h3>Command history</h3><table data-testid="history"><thead><tr><th>#</th><th>Carrier</th><th>State</th><th>Attempts</th><th>Result</th><th>Updated</th><th></th></tr></thead><tbody id="history"></tbody></table></section>`;
  let charts = new Map();
  let live = true;
  let watched = null;
  // Events can overtake the POST's answer (the SIM answers in milliseconds): remember them all.
  const latest = new Map();
  let modem = null;
  // Facts, history and charts are read again on events and timers: only the latest answer is shown.
  const factsRead = latestOnly(root.querySelector("#facts"));
  const historyRead = latestOnly(root.querySelector("#history"));
  const chartsRead = latestOnly(root.querySelector("#charts"));

  function showFacts(m) {
    modem = m;
    root.querySelector("#facts").innerHTML = `
      <div><span>Nickname</span><strong data-testid="nickname">${escape(m.nickname)}</strong></div>
      <div><span>Carrier</span><strong data-testid="carrier">${escape(m.carrier ?? "unknown")}</strong></div>
      <div><span>Protocol</span><strong>${m.legacy ? `<span class="badge legacy">v1 · legacy, unauthenticated</span>` : "v2 · authenticated"}</strong></div>
      <div><span>Link</span><strong><span class="badge ${m.link}">${m.link}</span></strong></div>
      <div><span>Last seen</span><strong>${ago(m.lastSeen)}</strong></div>
      <div><span>Tags</span><strong data-testid="tags">${(m.tags ?? []).map((t) => `<span class="badge tag">${escape(t)}</span>`).join(" ") || "—"}</strong></div>
      ${m.legacy ? `<div><span>Downlink</span><strong data-testid="downlink">${escape(m.downlinkEndpoint ?? "its source address")}</strong></div>` : ""}
      ${config?.grafanaUrl ? `<div><span>Dashboards</span><strong><a data-testid="grafana" href="${escape(config.grafanaUrl)}${config.grafanaUrl.includes("?") ? "&" : "?"}var-modem=${id}" target="_blank" rel="noopener">Grafana</a></strong></div>` : ""}`;
    const downlink = root.querySelector("#downlink");
    if (downlink) downlink.hidden = !m.legacy;
  }

  let config = null;
  function refreshFacts() {
    return factsRead(() => Promise.all([getJson(`/api/modems/${id}`), config ?? getJson("/api/config")]), ([m, c]) => {
      config = c;
      if (!modem) fillEdit(m); // the form starts from the first facts shown, whichever read brought them
      showFacts(m);
    });
  }

  // An event's carrier is newer than any read still out: such a read is dropped.
  function setCarrier(carrier) {
    if (!modem || !carrier) return;
    factsRead.drop();
    showFacts({ ...modem, carrier });
  }

  function fillEdit(m) {
    const edit = root.querySelector("#edit");
    if (!edit) return;
    edit.elements.nickname.value = m.nickname;
    edit.elements.tags.value = (m.tags ?? []).join(", ");
    const downlink = root.querySelector("#downlink");
    if (downlink) downlink.elements.endpoint.value = m.downlinkEndpoint ?? "";
  }

  async function patch(body, what) {
    const status = root.querySelector("#edit-status");
    try {
      const m = await sendJson("PATCH", `/api/modems/${id}`, body);
      factsRead.drop();
      showFacts(m);
      status.className = "success";
      status.textContent = `${what}.`;
    } catch (e) {
      status.className = "failure";
      status.textContent = e.message;
    }
  }

  const edit = root.querySelector("#edit");
  if (edit) edit.onsubmit = (e) => {
    e.preventDefault();
    const tags = edit.elements.tags.value.split(",").map((t) => t.trim()).filter((t) => t);
    patch({ nickname: edit.elements.nickname.value.trim(), tags }, "Saved");
  };
  const downlink = root.querySelector("#downlink");
  if (downlink) downlink.onsubmit = (e) => {
    e.preventDefault();
    patch({ downlinkEndpoint: downlink.elements.endpoint.value.trim() || null }, "Downlink endpoint set");
  };
  const del = root.querySelector("#delete");
  if (del) {
    const confirm = root.querySelector("#delete-confirm");
    del.onclick = () => { confirm.hidden = false; confirm.querySelector("[data-testid=delete-cancel]").focus(); };
    confirm.querySelector("[data-testid=delete-cancel]").onclick = () => { confirm.hidden = true; };
    confirm.querySelector("[data-testid=delete-confirm]").onclick = async () => {
      try {
        await sendJson("DELETE", `/api/modems/${id}`);
        location.hash = "#/";
      } catch (e) {
        root.querySelector("#edit-status").className = "failure";
        root.querySelector("#edit-status").textContent = e.message;
      }
    };
  }

  // Every command event reads the history again.
  function refreshHistory() {
    return historyRead(() => getJson(`/api/modems/${id}/commands`), (commands) => {
      root.querySelector("#history").innerHTML = commands.map((c) => `<tr data-testid="command-${c.id}"><td>${c.id}</td><td>${escape(c.carrier)}</td>
        <td><span class="badge ${c.state}" data-testid="command-state">${c.state}</span></td><td>${c.attempts}</td><td>${escape(c.resultCarrier ?? c.detail ?? "")}</td><td>${ago(c.updatedAt)}</td>
        <td>${writer && c.state === "queued" ? `<button type="button" class="cancel" data-id="${c.id}" data-testid="cancel-${c.id}">Cancel</button>` : ""}</td></tr>`).join("")
        || `<tr><td colspan="7" class="muted">No command yet.</td></tr>`;
    });
  }
  root.querySelector("#history").onclick = async (e) => {
    const button = e.target.closest("button.cancel");
    if (!button) return;
    try {
      const command = await postJson(`/api/commands/${button.dataset.id}/cancel`, {});
      if (Number(button.dataset.id) === watched) showState({ ...command, commandId: command.id });
    } catch (err) {
      const status = root.querySelector("#status");
      status.className = "failure";
      status.textContent = err.message;
    }
    refreshHistory();
  };

  function showState(command) {
    const status = root.querySelector("#status");
    const failed = FAILED.has(command.state);
    status.className = failed ? "failure" : command.state === "acked" ? "success" : "";
    status.dataset.state = command.state;
    const detail = command.state === "nacked" ? ` — the SIM refused; carrier stays ${command.resultCarrier ?? "unchanged"}`
      : command.state === "timed-out" ? ` — no answer after ${command.attempts} attempts`
      : command.state === "expired" ? ` — ${command.detail ?? "expired while queued"}`
      : command.state === "sent" ? ` (attempt ${command.attempts})` : "";
    status.textContent = `Switch to ${command.carrier}: ${command.state}${failed ? " (failed)" : ""}${detail}`;
  }

  const switchButton = root.querySelector("#switch");
  if (switchButton) switchButton.onclick = async () => {
    const carrier = root.querySelector("#carrier").value;
    try {
      const accepted = await postJson(`/api/modems/${id}/carrier-switch`, { carrier });
      watched = accepted.id;
      showState(latest.get(accepted.id) ?? { carrier, state: accepted.state, attempts: 0 });
      refreshHistory();
    } catch (e) {
      const status = root.querySelector("#status");
      status.className = "failure";
      status.textContent = e.message;
    }
  };

  // The chosen range as [from, to] epoch seconds (to null: up to now).
  function range() {
    const form = root.querySelector("#range");
    const now = Date.now() / 1000;
    const choice = form.elements.range.value;
    if (choice !== "custom") return [now - RANGES[choice], null];
    const from = Date.parse(form.elements.from.value) / 1000;
    const to = Date.parse(form.elements.to.value) / 1000;
    return [Number.isNaN(from) ? now - 3600 : from, Number.isNaN(to) ? null : to];
  }

  // Ranges chosen one after another are read concurrently: the one asked for last is drawn,
  // whichever answer comes back last.
  function loadCharts() {
    const chosen = root.querySelector("#range").elements.range.value;
    const [from, to] = range();
    const container = root.querySelector("#charts");
    return chartsRead(() => Promise.all(SENSORS.map((sensor) => fetchPoints(id, sensor, from, to))), (points) => {
      for (const chart of charts.values()) chart.plot.destroy();
      container.innerHTML = "";
      charts = new Map(SENSORS.map((sensor, i) => [sensor.name, drawChart(container, sensor, points[i])]));
      container.dataset.loaded = chosen;
    });
  }
  root.querySelector("#range").onchange = (e) => {
    if (e.target.name === "range") root.querySelector("#custom").hidden = e.target.value !== "custom";
  };
  root.querySelector("#range").onsubmit = (e) => {
    e.preventDefault();
    live = root.querySelector("#range").elements.range.value === "live";
    loadCharts();
  };
  root.querySelector("#csv").onclick = () => {
    const csv = [...charts.values()].map((c) => `# ${c.sensor.title}\n${toCsv(c)}`).join("\n");
    const link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([csv], { type: "text/csv" }));
    link.download = `modem-${id}-${root.querySelector("#range").elements.range.value}.csv`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  };

  function addPoint(event) {
    if (event.modemId !== id || !live) return;
    const chart = charts.get(event.sensor);
    if (!chart) return;
    const p = event.point;
    const values = p.values ?? [p.data];
    chart.data[0].push(epochSeconds(p.timestamp));
    for (let i = 1; i < chart.data.length; i++) chart.data[i].push(scaled(chart.sensor, values[i - 1]));
    if (chart.data[0].length > WINDOW) for (const series of chart.data) series.shift();
    chart.pending = true;
    chart.div.dataset.points = String(Number(chart.div.dataset.points) + 1);
  }

  // Redraw at most 10 times a second, however fast points arrive.
  const redraw = setInterval(() => {
    for (const chart of charts.values()) if (chart.pending) { chart.pending = false; chart.plot.setData(chart.data); }
  }, 100);

  const off = [
    onEvent("telemetry", addPoint),
    onEvent("command", (c) => {
      if (c.modemId !== id) return;
      const known = latest.get(c.commandId);
      // A final state is never replaced by a late intermediate one.
      if (!known || !FAILED.has(known.state) && known.state !== "acked") latest.set(c.commandId, c);
      // The acked state carries the new carrier: shown with it, not after another read.
      if (c.state === "acked") setCarrier(c.resultCarrier ?? c.carrier);
      if (c.commandId === watched) showState(latest.get(c.commandId));
      refreshHistory();
      if (c.state === "nacked") refreshFacts();
    }),
    onEvent("carrier", (a) => {
      if (a.modemId !== id) return;
      if (a.status === "ACK") setCarrier(a.carrier);
    }),
    onEvent("modem", (m) => {
      if (m.modemId !== id) return;
      if (m.carrier) setCarrier(m.carrier);
      refreshFacts().catch(() => {});
    }),
  ];
  refreshFacts().catch((e) => { root.querySelector("#facts").textContent = e.message; });
  refreshHistory();
  loadCharts();
  const factsTimer = setInterval(() => refreshFacts().catch(() => {}), 5000);
  return () => { factsRead.drop(); historyRead.drop(); chartsRead.drop(); clearInterval(redraw); clearInterval(factsTimer); off.forEach((f) => f()); };
}
