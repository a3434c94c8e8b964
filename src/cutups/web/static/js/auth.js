/* The API key (servers with CUTUPS_API_KEYS): kept in this browser, sent as a Bearer token. */

import { $ } from "./dom.js";
import { announce, showBanner } from "./notify.js";
import { KEY_STORE, storage } from "./store.js";

export function getKey() {
  return storage.get(KEY_STORE, "") || "";
}

export function authHeaders() {
  const key = getKey();
  return key ? { Authorization: `Bearer ${key}` } : {};
}

export function renderKeyState() {
  const panel = $("key-panel");
  const has = Boolean(getKey());
  panel.classList.toggle("has-key", has);
  if (has) panel.classList.remove("needs-key");
  $("key-summary").textContent = has ? "API key saved" : "API key";
}

/** The server answered 401: open the key panel and say why. */
export function needKey() {
  const panel = $("key-panel");
  panel.classList.add("needs-key");
  panel.open = true;
  const had = Boolean(getKey());
  showBanner(
    had
      ? "The server refused the saved API key. Paste a valid key under “API key” at the top."
      : "This server needs an API key: paste it under “API key” at the top.",
  );
  $("api-key").focus();
}

/** Save or forget the key from the panel; ``onChange`` runs after either. */
export function wireKeyPanel(onChange) {
  const changed = (message) => {
    $("api-key").value = "";
    renderKeyState();
    announce(message);
    onChange();
  };
  $("key-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const key = $("api-key").value.trim();
    if (key) storage.set(KEY_STORE, key);
    else storage.remove(KEY_STORE);
    $("key-panel").open = false;
    changed(key ? "API key saved." : "API key removed.");
  });
  $("key-forget").addEventListener("click", () => {
    storage.remove(KEY_STORE);
    changed("API key removed.");
  });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && $("key-panel").open) {
      $("key-panel").open = false;
      $("key-panel").querySelector("summary").focus();
    }
  });
  renderKeyState();
}
