import "uplot/dist/uPlot.min.css";
import "./style.css";
import { fleetView } from "./fleet.js";
import { modemView } from "./modem.js";

// Hash routes: #/ is the fleet, #/modem/<id> one modem.
let leave = () => {};
function route() {
  leave();
  const view = document.getElementById("view");
  const match = location.hash.match(/^#\/modem\/([0-9a-fA-F]{1,16})$/);
  leave = match ? modemView(view, match[1].toLowerCase()) : fleetView(view);
}
window.addEventListener("hashchange", route);
route();
