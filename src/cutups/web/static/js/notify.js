/* Telling the user: the polite live region (screen readers) and the page's error banner. */

import { $ } from "./dom.js";

let announceTimer = null;

/** Speak through the polite live region; bursts are coalesced into the latest message. */
export function announce(message) {
  clearTimeout(announceTimer);
  announceTimer = setTimeout(() => {
    $("live").textContent = message;
  }, 400);
}

/** Show (or, with "", hide) the banner at the top of the page. */
export function showBanner(message) {
  const banner = $("banner");
  banner.textContent = message;
  banner.hidden = !message;
}
