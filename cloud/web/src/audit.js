import { getJson } from "./api.js";
import { ago, escape } from "./format.js";

// The organization's audit (admins): who changed what, when, from where; newest first, 100 a page.
export function auditView(root) {
  root.innerHTML = `<h2>Audit</h2><table data-testid="audit"><thead><tr><th>When</th><th>Who</th><th>What</th><th>On</th><th>Detail</th><th>From</th></tr></thead><tbody></tbody></table>
    <p><button id="more">Older</button></p>`;
  const body = root.querySelector("tbody");
  const button = root.querySelector("#more");
  let before = null;
  async function more() {
    // One read at a time: a second click before the answer would read the same page again.
    button.disabled = true;
    try {
      const page = await getJson(`/api/audit?limit=100${before ? `&before=${before}` : ""}`);
      body.insertAdjacentHTML("beforeend", page.map((a) => `<tr data-testid="audit-${a.id}"><td title="${escape(a.at)}">${ago(a.at)}</td><td>${escape(a.actor)}</td>
        <td>${escape(a.action)}</td><td><code>${escape(a.target)}</code></td><td>${escape(a.detail ?? "")}</td><td>${escape(a.address ?? "")}</td></tr>`).join(""));
      if (page.length > 0) before = page[page.length - 1].id;
      button.hidden = page.length < 100;
    } finally {
      button.disabled = false;
    }
  }
  button.onclick = more;
  more();
  return () => {};
}
