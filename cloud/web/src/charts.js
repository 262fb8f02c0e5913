import uPlot from "uplot";
import { getJson } from "./api.js";
import { epochSeconds } from "./format.js";

// The wire carries integers in centi-°C, milli-g and milli-°/s; the charts show physical units.
export const SENSORS = [
  { name: "temp", title: "Temperature", unit: "°C", scale: 100, axes: ["value"] },
  { name: "imu", title: "Accelerometer", unit: "g", scale: 1000, axes: ["x", "y", "z"] },
  { name: "gyro", title: "Gyroscope", unit: "°/s", scale: 1000, axes: ["x", "y", "z"] },
];
export const RANGES = { live: 10 * 60, "15m": 15 * 60, "1h": 3600, "24h": 86400 };
const MAX_POINTS = 600;
const COLORS = ["#2563eb", "#dc2626", "#16a34a"];
const AXIS_FONT = "12px system-ui, sans-serif";
const LABEL_FONT = "bold 12px system-ui, sans-serif";

// The y axis is as wide as its longest tick label (uPlot's fixed 50 px cut "10,000" to "0,000").
function axisSize(self, values, axisIdx, cycleNum) {
  const axis = self.axes[axisIdx];
  if (cycleNum > 1) return axis._size;
  const ctx = self.ctx;
  ctx.save();
  ctx.font = AXIS_FONT;
  const widest = Math.max(0, ...(values ?? []).map((v) => ctx.measureText(String(v)).width));
  ctx.restore();
  return Math.ceil(widest + axis.ticks.size + axis.gap + 4);
}

// One sensor's points over a time range ([from, to] in epoch seconds; to null: up to now), downsampled by the API.
export function fetchPoints(modemId, sensor, from, to) {
  return getJson(`/api/modems/${modemId}/telemetry/${sensor.name}?from=${new Date(from * 1000).toISOString()}` +
    `${to ? `&to=${new Date(to * 1000).toISOString()}` : ""}&maxPoints=${MAX_POINTS}`);
}

// One sensor's chart of those points, with the points it shows kept for CSV.
export function drawChart(container, sensor, points) {
  const div = document.createElement("div");
  div.className = "panel chart";
  div.dataset.testid = `chart-${sensor.name}`;
  div.innerHTML = `<h3>${sensor.title} (${sensor.unit})</h3>`;
  container.appendChild(div);
  const data = [points.map((p) => epochSeconds(p.timestamp)), ...sensor.axes.map((_, i) => points.map((p) => scaled(sensor, (p.values ?? [p.data])[i])))];
  const plot = new uPlot({
    width: Math.max(300, (container.clientWidth || 900) - 40), height: 200,
    series: [{}, ...sensor.axes.map((a, i) => ({ label: a, stroke: COLORS[i], width: 1.5 }))],
    axes: [{ font: AXIS_FONT }, { label: `${sensor.title} (${sensor.unit})`, labelFont: LABEL_FONT, labelSize: 20, font: AXIS_FONT, size: axisSize }],
  }, data, div);
  div.dataset.points = String(data[0].length);
  div.plot = plot;
  return { plot, data, div, sensor };
}

export function scaled(sensor, raw) {
  return raw === undefined || raw === null ? null : raw / sensor.scale;
}

// The shown range as CSV: ISO time, then one column per axis in physical units.
export function toCsv(chart) {
  const header = ["timestamp", ...chart.sensor.axes.map((a) => `${a} (${chart.sensor.unit})`)].join(",");
  const lines = chart.data[0].map((t, i) => [new Date(t * 1000).toISOString(), ...chart.data.slice(1).map((s) => s[i] ?? "")].join(","));
  return [header, ...lines].join("\n") + "\n";
}
