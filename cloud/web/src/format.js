export function escape(text) {
  return String(text ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

export function ago(iso) {
  if (!iso) return "never";
  const seconds = Math.max(0, (Date.now() - Date.parse(iso.endsWith("Z") ? iso : iso + "Z")) / 1000);
  if (seconds < 60) return `${seconds.toFixed(0)} s ago`;
  if (seconds < 3600) return `${(seconds / 60).toFixed(0)} min ago`;
  return new Date(iso).toLocaleString();
}

// The Kafka timestamp is UTC without offset; uPlot wants seconds since the epoch.
export function epochSeconds(iso) {
  return Date.parse(iso.endsWith("Z") ? iso : iso + "Z") / 1000;
}
