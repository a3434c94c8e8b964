/* A finished plays job's "Playlist" box: a query (the README's query language) POSTed to
 * /jobs/<id>/playlists; the playlist's reel then plays in the reel player, and its reel,
 * manifest and exports can be downloaded. A query the server refuses has its message shown
 * under the input, with a caret under the column it names. */

import { api } from "./api.js";
import { $, el } from "./dom.js";
import { EXPORT_FORMATS } from "./export.js";
import { capital, fmtTime } from "./format.js";
import { S, currentGeneration, jobPath } from "./job-state.js";
import { wireDownload } from "./media.js";
import { announce } from "./notify.js";
import { playInReel } from "./reel.js";

let shown = null; // the playlist on screen: the API's answer

/** Where the playlist's file ``name`` is, as a path of the page (the API answers URLs). */
const filePath = (playlist, name) => jobPath(`/playlists/${encodeURIComponent(playlist.playlist_id)}/${name}`);
const fileOf = (url) => url.split("/").pop();

function showQueryError(err, where) {
  const box = $("playlist-error");
  const column = /column (\d+)/.exec(err.message || "");
  box.replaceChildren(el("span", { text: capital(err.message || String(err)) }));
  if (column) {
    const at = Math.min(Number(column[1]) - 1, where.length);
    box.append(el("pre", { class: "query-caret", "aria-hidden": "true" },
      `${where}\n${" ".repeat(at)}^`));
    $("playlist-where").setSelectionRange(at, where.length);
  }
  box.hidden = false;
  $("playlist-where").setAttribute("aria-invalid", "true");
  $("playlist-where").focus();
}

function clearQueryError() {
  $("playlist-error").hidden = true;
  $("playlist-error").replaceChildren();
  $("playlist-where").removeAttribute("aria-invalid");
}

function fileLink(playlist, name, label) {
  const anchor = el("a", {
    href: filePath(playlist, name), download: `cutups-${S.id}-${playlist.playlist_id}-${name}`, text: label,
  });
  wireDownload(anchor);
  return el("li", {}, anchor);
}

function showResult(playlist) {
  shown = playlist;
  const count = playlist.plays.length;
  $("playlist-summary").textContent =
    `${count} play${count === 1 ? "" : "s"} · ${fmtTime(playlist.duration)} · ${playlist.where}`;
  const reel = $("playlist-reel");
  reel.href = filePath(playlist, "reel.mp4");
  reel.download = `cutups-${S.id}-${playlist.playlist_id}-reel.mp4`;
  const exports = EXPORT_FORMATS.filter(([format]) => playlist.exports[format])
    .map(([format, label]) => fileLink(playlist, fileOf(playlist.exports[format]), label));
  $("playlist-files").replaceChildren(
    fileLink(playlist, fileOf(playlist.manifest_url), "Manifest (JSON)"), ...exports);
  $("playlist-result").hidden = false;
}

async function build(e) {
  e.preventDefault();
  const where = $("playlist-where").value.trim();
  clearQueryError();
  if (!where) {
    showQueryError(new Error("Type a query, e.g. the example below."), "");
    return;
  }
  const gen = currentGeneration();
  const button = $("playlist-build");
  button.disabled = true;
  try {
    const playlist = await api(jobPath("/playlists"), { method: "POST", body: { where } });
    if (gen !== currentGeneration()) return;
    showResult(playlist);
    announce(`Playlist ready: ${playlist.plays.length} plays.`);
  } catch (err) {
    if (gen === currentGeneration()) showQueryError(err, where);
  } finally {
    button.disabled = false;
  }
}

function play() {
  if (!shown) return;
  const clips = shown.clip_ids.map((id) => S.clips.get(id)).filter(Boolean);
  playInReel({
    path: filePath(shown, "reel.mp4"),
    clips,
    name: $("playlist-reel").download,
    what: `Playlist: ${shown.where}`,
  });
}

/** Show the box for a completed plays job once its reel is on screen. */
export function renderPlaylist() {
  const job = S.job;
  const ready = S.status === "completed" && Boolean(S.fullReel) && job && job.recipe === "plays";
  $("playlist-section").hidden = !ready;
}

/** Empty the box (a new job on screen). */
export function clearPlaylist() {
  shown = null;
  clearQueryError();
  $("playlist-where").value = "";
  $("playlist-result").hidden = true;
  $("playlist-files").replaceChildren();
  $("playlist-section").hidden = true;
}

export function wirePlaylist() {
  $("playlist-form").addEventListener("submit", build);
  $("playlist-play").addEventListener("click", play);
  $("playlist-where").addEventListener("input", clearQueryError);
  $("playlist-example").addEventListener("click", () => {
    $("playlist-where").value = $("playlist-example").textContent;
    clearQueryError();
    $("playlist-where").focus();
  });
  wireDownload($("playlist-reel"));
}
