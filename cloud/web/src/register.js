import { postJson } from "./api.js";
import { escape } from "./format.js";

// Registering a v2 modem (admins): its key entered, or generated here by the browser's CSPRNG, and
// shown once with the `simiot-edge provision` line that puts the same key on the card.
export function registerPanel(root, registered) {
  root.innerHTML = `<details class="panel"><summary data-testid="register-open">Register a modem</summary>
    <form id="register-form" class="register">
      <label>Modem id (hex) <input name="id" required pattern="[0-9a-fA-F]{1,16}" data-testid="register-id"></label>
      <label>Nickname <input name="nickname" maxlength="64" data-testid="register-nickname"></label>
      <fieldset><legend>Master key</legend>
        <label><input type="radio" name="keyMode" value="generate" checked data-testid="register-generate"> generate one</label>
        <label><input type="radio" name="keyMode" value="enter" data-testid="register-enter"> enter it</label>
        <label>Key (32 hex digits) <input name="masterKey" pattern="[0-9a-fA-F]{32}" size="34" data-testid="register-key" disabled></label>
      </fieldset>
      <button type="submit" data-testid="register-submit">Register</button>
    </form><div id="register-result" aria-live="polite"></div></details>`;
  const form = root.querySelector("form");
  form.onchange = () => {
    form.elements.masterKey.disabled = form.elements.keyMode.value !== "enter";
    form.elements.masterKey.required = !form.elements.masterKey.disabled;
  };
  form.onsubmit = async (e) => {
    e.preventDefault();
    const result = root.querySelector("#register-result");
    const generate = form.elements.keyMode.value === "generate";
    const masterKey = generate ? randomKey() : form.elements.masterKey.value.trim();
    const id = form.elements.id.value.trim().toLowerCase();
    try {
      const modem = await postJson("/api/modems", { id, nickname: form.elements.nickname.value.trim() || null, masterKey });
      const key = modem.masterKey ?? masterKey;
      const command = modem.provisionCommand ?? `simiot-edge provision --modem-id ${modem.id} --master-key ${key} --cloud ${location.hostname}:6001`;
      // Shown once: the key is not stored in the page, and the server never returns it again.
      result.innerHTML = `<div class="once" data-testid="register-result" role="status"><p>Registered <code>${escape(modem.id)}</code>.
        ${generate ? "Copy the key now: it is not shown again." : ""}</p>
        ${generate ? `<p>Master key <code data-testid="register-shown-key">${escape(key)}</code></p>` : ""}
        <p>Provision the card with <code data-testid="register-command">${escape(command)}</code></p>
        <button type="button" data-testid="register-done">Done</button></div>`;
      result.querySelector("button").onclick = () => { result.innerHTML = ""; };
      form.reset();
      form.onchange();
      registered();
    } catch (err) {
      result.innerHTML = `<p class="failure" role="alert" data-testid="register-error">${escape(err.message)}</p>`;
    }
  };
}

function randomKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
