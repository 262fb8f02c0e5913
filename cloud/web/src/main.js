import "uplot/dist/uPlot.min.css";
import "./style.css";
import { getJson } from "./api.js";
import { escape } from "./format.js";
import { fleetView } from "./fleet.js";
import { modemView } from "./modem.js";
import { auditView } from "./audit.js";

// Hash routes: #/ is the fleet, #/modem/<id> one modem, #/audit the audit (admins); first, who is logged in (else the login page).
let leave = () => {};
function route(caller) {
  leave();
  const view = document.getElementById("view");
  const match = location.hash.match(/^#\/modem\/([0-9a-fA-F]{1,16})$/);
  leave = match ? modemView(view, match[1].toLowerCase(), caller)
    : location.hash === "#/audit" && caller.role === "admin" ? auditView(view) : fleetView(view, caller);
}
getJson("/api/me").then((caller) => {
  document.getElementById("caller").innerHTML = `${caller.role === "admin" ? `<a href="#/audit" data-testid="audit-link">Audit</a>` : ""}<span data-testid="caller">${escape(caller.name)} · ${escape(caller.organization)} · ${escape(caller.role)}</span>
    <form method="post" action="/logout"><input type="hidden" name="${escape(caller.antiforgeryField)}" value="${escape(caller.antiforgeryToken)}">
    <button type="submit" data-testid="logout">Log out</button></form>`;
  window.addEventListener("hashchange", () => route(caller));
  route(caller);
});
