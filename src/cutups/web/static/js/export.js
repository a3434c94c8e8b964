/* The finished job's "Export" menu: its clips as a spreadsheet, an editor's timeline, chapters
 * or a playlist (GET /jobs/<id>/export?format=F). Each link is fetched (with the key, if any)
 * and saved; a server that answers with an error has it shown in the menu instead. */

import { $, el } from "./dom.js";
import { S, jobPath } from "./job-state.js";
import { fetchWithKey, saveResponse } from "./media.js";

/** [format, label, file extension] of every export, as the menu lists them. */
export const EXPORT_FORMATS = [
  ["csv", "CSV spreadsheet", "csv"],
  ["sportscode", "Sportscode XML", "xml"],
  ["otio", "OpenTimelineIO", "otio"],
  ["fcpxml", "Final Cut Pro XML", "fcpxml"],
  ["edl", "EDL (CMX 3600)", "edl"],
  ["ffmetadata", "FFmetadata chapters", "txt"],
  ["vtt", "WebVTT chapters", "vtt"],
  ["m3u", "M3U playlist", "m3u"],
];

/** The file name the server gave (Content-Disposition), else ``fallback``. */
function fileName(resp, fallback) {
  const header = resp.headers.get("Content-Disposition") || "";
  const m = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(header);
  return m ? decodeURIComponent(m[1]) : fallback;
}

function showExportError(message) {
  const box = $("export-error");
  box.textContent = message;
  box.hidden = !message;
}

async function download(anchor, label) {
  showExportError("");
  try {
    const resp = await fetchWithKey(anchor.getAttribute("href"));
    await saveResponse(resp, fileName(resp, anchor.getAttribute("download")));
    $("job-export").open = false;
  } catch (err) {
    showExportError(`Could not export ${label}: ${err.message || String(err)}`);
  }
}

function link([format, label, ext]) {
  const href = jobPath(`/export?format=${encodeURIComponent(format)}`);
  const anchor = el("a", { href, download: `cutups-${S.id}.${ext}`, text: label });
  anchor.addEventListener("click", (e) => {
    e.preventDefault();
    download(anchor, label);
  });
  return el("li", {}, anchor);
}

/** Show the menu once the job is completed (its links built for this job once). */
export function renderExport(status) {
  const menu = $("job-export");
  menu.hidden = status !== "completed";
  if (menu.hidden || menu.dataset.jobId === S.id) return;
  menu.dataset.jobId = S.id;
  $("export-list").replaceChildren(...EXPORT_FORMATS.map(link));
}

/** Close and hide the menu (a new job on screen). */
export function clearExport() {
  const menu = $("job-export");
  menu.open = false;
  menu.hidden = true;
  delete menu.dataset.jobId;
  showExportError("");
}

/** Escape closes the open menu (as it does the API-key panel). */
export function wireExport() {
  document.addEventListener("keydown", (e) => {
    const menu = $("job-export");
    if (e.key === "Escape" && menu.open) {
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });
}
