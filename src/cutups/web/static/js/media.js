/* Media and downloads behind an API key: <video>, <img> and plain links cannot send headers,
 * so with a key saved they are fetched as blobs; without one they stay plain URLs. */

import { ApiError, NETWORK_MESSAGE, errorFrom, readJson } from "./api.js";
import { authHeaders, getKey } from "./auth.js";
import { el } from "./dom.js";
import { showBanner } from "./notify.js";

const blobUrls = new Map();

/** GET ``path`` with the key; its Response, or an ApiError. */
export async function fetchWithKey(path) {
  let resp;
  try {
    resp = await fetch(path, { headers: authHeaders() });
  } catch {
    throw new ApiError(0, "network", NETWORK_MESSAGE);
  }
  if (!resp.ok) throw errorFrom(resp.status, await readJson(resp));
  return resp;
}

/** A URL the page can put in src: the path itself, or a blob: URL fetched with the key. */
export async function mediaUrl(path) {
  if (!getKey()) return path;
  if (!blobUrls.has(path)) {
    const pending = (async () => {
      const resp = await fetchWithKey(path);
      return URL.createObjectURL(await resp.blob());
    })();
    blobUrls.set(path, pending);
    pending.catch(() => blobUrls.delete(path));
  }
  return blobUrls.get(path);
}

/** Forget every blob (a new job on screen, or the key changed). */
export function releaseMedia() {
  for (const pending of blobUrls.values()) pending.then((u) => URL.revokeObjectURL(u), () => {});
  blobUrls.clear();
}

/** Save a fetched answer as a file named ``name``. */
export async function saveResponse(resp, name) {
  const url = URL.createObjectURL(await resp.blob());
  const a = el("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Links that download: plain links without a key; with one, fetch and save a blob. */
export function wireDownload(anchor) {
  anchor.addEventListener("click", async (e) => {
    if (!getKey()) return;
    e.preventDefault();
    try {
      const resp = await fetchWithKey(anchor.getAttribute("href"));
      await saveResponse(resp, anchor.getAttribute("download") || "");
    } catch (err) {
      showBanner(err.message || String(err));
    }
  });
}
