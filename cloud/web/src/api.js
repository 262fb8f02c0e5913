// Thin wrappers over the cloud's HTTP API; errors carry the ProblemDetails text.
// A 401 means no (or an expired) session: the login page.
export async function getJson(path) {
  const response = await fetch(path, { headers: { Accept: "application/json" } });
  if (response.status === 401) location.assign("/login");
  if (!response.ok) throw new Error(await problemText(response));
  return response.json();
}

export async function postJson(path, body) {
  return sendJson("POST", path, body);
}

// POST/PATCH/DELETE with a JSON body; null for an empty answer (204).
export async function sendJson(method, path, body) {
  const response = await fetch(path, { method, headers: { "Content-Type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 401) location.assign("/login");
  if (!response.ok) throw new Error(await problemText(response));
  return response.status === 204 ? null : response.json();
}

// One page of a paged list: the items and the next page's address from the Link header (RFC 8288), or null.
export async function getPage(path) {
  const response = await fetch(path, { headers: { Accept: "application/json" } });
  if (response.status === 401) location.assign("/login");
  if (!response.ok) throw new Error(await problemText(response));
  const next = /<([^>]*)>\s*;\s*rel="?next"?/.exec(response.headers.get("Link") ?? "");
  return { items: await response.json(), next: next ? next[1] : null };
}

// Reads shown in one place whose answers may come back out of order (a page read again on an
// event while a filter is applied): only the answer to the read asked for last is shown. The place
// is aria-busy while any of its reads is out, so assistive technology waits for the last answer
// (and so can a test). drop() discards the answers still out: what is shown now is newer.
export function latestOnly(place) {
  let asked = 0;
  let out = 0;
  const read = async (load, show) => {
    const mine = ++asked;
    out++;
    place.setAttribute("aria-busy", "true");
    try {
      const answer = await load();
      if (mine === asked) show(answer);
    } finally {
      if (--out === 0) place.removeAttribute("aria-busy");
    }
  };
  read.drop = () => { asked++; };
  return read;
}

async function problemText(response) {
  try {
    const problem = await response.json();
    return problem.detail || problem.title || `HTTP ${response.status}`;
  } catch {
    return `HTTP ${response.status}`;
  }
}

// One EventSource for the page; views subscribe to event names (and "open") and unsubscribe on leave.
const handlers = new Map();
let source;
export function onEvent(name, handler) {
  if (!source) connect();
  if (!handlers.has(name)) handlers.set(name, new Set());
  handlers.get(name).add(handler);
  return () => handlers.get(name).delete(handler);
}

function connect() {
  source = new EventSource("/api/events");
  const live = document.getElementById("live");
  // "open" handlers re-read what they show: events missed before (or between) connections are not replayed.
  source.onopen = () => {
    live.textContent = "live";
    live.classList.add("on");
    for (const h of handlers.get("open") ?? []) h();
  };
  source.onerror = () => { live.textContent = "reconnecting…"; live.classList.remove("on"); };
  for (const name of ["telemetry", "command", "carrier", "modem"]) {
    source.addEventListener(name, (e) => {
      const data = JSON.parse(e.data);
      for (const h of handlers.get(name) ?? []) h(data);
    });
  }
}
