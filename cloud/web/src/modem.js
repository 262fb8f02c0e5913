import uPlot from "uplot";
import { getJson, postJson, onEvent } from "./api.js";
import { ago, epochSeconds, escape } from "./format.js";

const SENSORS = [
  { name: "temp", title: "Temperature (centi-°C)", axes: ["value"] },
  { name: "imu", title: "Accelerometer (milli-g)", axes: ["x", "y", "z"] },
  { name: "gyro", title: "Gyroscope (milli-°/s)", axes: ["x", "y", "z"] },
];
const WINDOW = 600;
const COLORS = ["#2563eb", "#dc2626", "#16a34a"];
const FAILED = new Set(["nacked", "timed-out", "expired"]);

// One modem: live charts from SSE, carrier switch with live state, command history.
// A viewer sees no switch: the API would refuse it (403) anyway.
export function modemView(root, id, caller) {
  root.innerHTML = `<p><a href="#/">← fleet</a></p>
    <section class="panel"><h2 data-testid="modem-title">Modem <code>${escape(id)}</code></h2><div class="facts" id="facts"></div></section>
    ${caller.role === "viewer" ? "" : `<section class="panel"><h3>Carrier switch</h3>
      <div class="switch"><select id="carrier" data-testid="switch-carrier">
        <option>AT&amp;T</option><option>T-Mobile</option><option selected>Verizon</option><option>Disconnect</option></select>
        <button id="switch" data-testid="switch-button">Switch</button>
        <span id="status" data-testid="command-status"></span></div></section>`}
    <section class="charts" id="charts"></section>
    <section class="panel"><h3>Command history</h3><table data-testid="history"><thead><tr><th>#</th><th>Carrier</th><th>State</th><th>Attempts</th><th>Result</th><th>Updated</th></tr></thead><tbody id="history"></tbody></table></section>`;
  const charts = new Map();
  let watched = null;
  // Events can overtake the POST's answer (the SIM answers in milliseconds): remember them all.
  const latest = new Map();
  let disposed = false;

  async function refreshFacts() {
    const [m, config] = await Promise.all([getJson(`/api/modems/${id}`), getJson("/api/config")]);
    root.querySelector("#facts").innerHTML = `
      <div><span>Nickname</span><strong>${escape(m.nickname)}</strong></div>
      <div><span>Carrier</span><strong data-testid="carrier">${escape(m.carrier ?? "unknown")}</strong></div>
      <div><span>Protocol</span><strong>${m.legacy ? `<span class="badge legacy">v1 · legacy, unauthenticated</span>` : "v2 · authenticated"}</strong></div>
      <div><span>Link</span><strong><span class="badge ${m.link}">${m.link}</span></strong></div>
      <div><span>Last seen</span><strong>${ago(m.lastSeen)}</strong></div>
      ${config.grafanaUrl ? `<div><span>Dashboards</span><strong><a data-testid="grafana" href="${escape(config.grafanaUrl)}${config.grafanaUrl.includes("?") ? "&" : "?"}var-modem=${id}" target="_blank" rel="noopener">Grafana</a></strong></div>` : ""}`;
  }

  async function refreshHistory() {
    const commands = await getJson(`/api/modems/${id}/commands`);
    root.querySelector("#history").innerHTML = commands.map((c) => `<tr data-testid="command-${c.id}"><td>${c.id}</td><td>${escape(c.carrier)}</td>
      <td><span class="badge ${c.state}">${c.state}</span></td><td>${c.attempts}</td><td>${escape(c.resultCarrier ?? c.detail ?? "")}</td><td>${ago(c.updatedAt)}</td></tr>`).join("")
      || `<tr><td colspan="6" class="muted">No command yet.</td></tr>`;
  }

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

  async function loadCharts() {
    const container = root.querySelector("#charts");
    const from = new Date(Date.now() - 10 * 60 * 1000).toISOString();
    for (const sensor of SENSORS) {
      const points = await getJson(`/api/modems/${id}/telemetry/${sensor.name}?from=${from}&maxPoints=${WINDOW}`);
      if (disposed) return;
      const div = document.createElement("div");
      div.className = "panel chart";
      div.dataset.testid = `chart-${sensor.name}`;
      div.innerHTML = `<h3>${sensor.title}</h3>`;
      container.appendChild(div);
      const data = [points.map((p) => epochSeconds(p.timestamp)), ...sensor.axes.map((_, i) => points.map((p) => (p.values ?? [p.data])[i] ?? null))];
      const plot = new uPlot({
        width: Math.max(300, (container.clientWidth || 900) - 40), height: 200,
        series: [{}, ...sensor.axes.map((a, i) => ({ label: a, stroke: COLORS[i], width: 1.5 }))],
        axes: [{}, {}],
      }, data, div);
      charts.set(sensor.name, { plot, data, div });
      div.dataset.points = String(data[0].length);
    }
  }

  function addPoint(event) {
    if (event.modemId !== id) return;
    const chart = charts.get(event.sensor);
    if (!chart) return;
    const p = event.point;
    const values = p.values ?? [p.data];
    chart.data[0].push(epochSeconds(p.timestamp));
    for (let i = 1; i < chart.data.length; i++) chart.data[i].push(values[i - 1] ?? null);
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
      if (c.commandId === watched) showState(latest.get(c.commandId));
      refreshHistory();
      if (c.state === "acked" || c.state === "nacked") refreshFacts();
    }),
    onEvent("carrier", (a) => { if (a.modemId === id) refreshFacts(); }),
  ];
  refreshFacts().catch((e) => { root.querySelector("#facts").textContent = e.message; });
  refreshHistory();
  loadCharts();
  const factsTimer = setInterval(() => refreshFacts().catch(() => {}), 5000);
  return () => { disposed = true; clearInterval(redraw); clearInterval(factsTimer); off.forEach((f) => f()); };
}
