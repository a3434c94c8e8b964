/* The jobs list (#/jobs): every job with its status and progress, refreshed while jobs run;
 * running and queued jobs can be canceled. */

import { api } from "./api.js";
import { ACTIVE, STAGE_TEXT } from "./constants.js";
import { $, el } from "./dom.js";
import { fmtAgo, fmtDate } from "./format.js";
import { jobLabel } from "./labels.js";
import { wireDownload } from "./media.js";
import { announce, showBanner } from "./notify.js";

const PAGE = 25;
const list = $("jobs-list");
const rows = new Map();
let timer = null;
let shown = PAGE;
let generation = 0;

function progressText(job) {
  if (job.status === "failed") return `Failed: ${job.error || "unknown error"}`;
  if (job.status === "canceled") return "Canceled";
  if (job.status === "completed") return "Done";
  if (job.status === "queued") return "Waiting in the queue";
  return `${STAGE_TEXT[job.stage] || "Working"} · ${Math.floor(job.pct)}%`;
}

function clipsText(job) {
  const p = job.progress || {};
  if (job.result && Number.isFinite(job.result.clips)) return `${job.result.clips} clips`;
  if (Number.isFinite(p.clips_planned)) return `${p.clips_done || 0} of ${p.clips_planned} clips`;
  return "";
}

function buildRow(job) {
  const li = el("li", { class: "job-row" });
  li.append(el("div", { class: "job-name" },
    el("a", { href: `#/jobs/${encodeURIComponent(job.job_id)}` }), el("span", { class: "job-meta" })));
  li.append(el("span", { class: "status" }));
  const meter = el("div", {
    class: "mini-meter", role: "progressbar", "aria-valuemin": 0, "aria-valuemax": 100,
  }, el("span"));
  li.append(el("div", { class: "job-progress" }, meter, el("span", { class: "job-progress-text" })));
  li.append(el("span", { class: "job-clips" }));
  const zip = el("a", { class: "btn ghost small", download: `cutups-${job.job_id}.zip`, text: "ZIP" });
  wireDownload(zip);
  const cancel = el("button", { type: "button", class: "btn danger small", text: "Cancel" });
  cancel.addEventListener("click", () => cancelJob(li.dataset.jobId, cancel));
  li.append(el("div", { class: "job-row-actions" }, zip, cancel));
  li.dataset.jobId = job.job_id;
  return li;
}

function updateMeter(li, job, label) {
  const pct = job.status === "completed" ? 100 : Math.max(0, Math.min(100, job.pct || 0));
  const meter = li.querySelector(".mini-meter");
  meter.setAttribute("aria-valuenow", String(Math.floor(pct)));
  meter.setAttribute("aria-label", `Progress of ${label}`);
  meter.style.setProperty("--pct", `${pct}%`);
  meter.firstChild.style.setProperty("--pct", `${pct}%`);
}

function updateRow(li, job) {
  const label = jobLabel(job);
  li.dataset.status = job.status;
  const link = li.querySelector(".job-name a");
  link.textContent = label;
  link.title = label;
  const meta = li.querySelector(".job-meta");
  meta.textContent = `${job.job_id} · ${job.recipe || "plays"} · ${fmtAgo(job.created)}`;
  meta.title = fmtDate(job.created);
  const status = li.querySelector(".status");
  status.dataset.status = job.status;
  status.textContent = job.status;
  updateMeter(li, job, label);
  li.querySelector(".job-progress-text").textContent = progressText(job);
  li.querySelector(".job-clips").textContent = clipsText(job);
  const zip = li.querySelector("a[download]");
  zip.hidden = job.status !== "completed";
  zip.href = `jobs/${encodeURIComponent(job.job_id)}/download`;
  zip.setAttribute("aria-label", `Download the ZIP of ${label}`);
  const cancel = li.querySelector("button");
  cancel.hidden = !ACTIVE.has(job.status);
  cancel.setAttribute("aria-label", `Cancel ${label}`);
}

async function cancelJob(jobId, button) {
  if (!window.confirm("Cancel this job? Clips cut so far are deleted.")) return;
  button.disabled = true;
  button.textContent = "Canceling…";
  try {
    await api(`jobs/${encodeURIComponent(jobId)}/cancel`, { method: "POST" });
    announce("Job canceled.");
  } catch (err) {
    showBanner(err.message);
  } finally {
    button.disabled = false;
    button.textContent = "Cancel";
    refresh();
  }
}

/** Put the page's jobs in the list in its order, reusing rows; drop the rest. */
function renderRows(jobs) {
  const seen = new Set();
  let previous = null;
  for (const job of jobs) {
    seen.add(job.job_id);
    if (!rows.has(job.job_id)) rows.set(job.job_id, buildRow(job));
    const li = rows.get(job.job_id);
    updateRow(li, job);
    const expected = previous ? previous.nextSibling : list.firstChild;
    if (expected !== li) list.insertBefore(li, expected);
    previous = li;
  }
  for (const [id, li] of rows) {
    if (!seen.has(id)) {
      li.remove();
      rows.delete(id);
    }
  }
}

function renderPage(page, status) {
  renderRows(page.data);
  $("jobs-empty").hidden = page.count > 0;
  $("jobs-count").textContent = page.count
    ? `${page.count} job${page.count === 1 ? "" : "s"}${status ? ` ${status}` : ""}`
    : "";
  $("jobs-more").hidden = page.next_offset === null || page.next_offset === undefined;
}

async function refresh() {
  const gen = generation;
  clearTimeout(timer);
  const status = $("jobs-status").value;
  const params = new URLSearchParams({ limit: String(Math.min(200, shown)), offset: "0" });
  if (status) params.set("status", status);
  let page;
  try {
    page = await api(`jobs?${params}`);
  } catch (err) {
    if (gen !== generation) return;
    if (err.status !== 401) showBanner(err.message);
    timer = setTimeout(refresh, 8000);
    return;
  }
  if (gen !== generation) return;
  showBanner("");
  renderPage(page, status);
  const active = page.data.some((j) => ACTIVE.has(j.status));
  timer = setTimeout(refresh, active ? 2000 : 8000);
}

/** Wire the list's controls; returns the view. */
export function initJobsView() {
  $("jobs-refresh").addEventListener("click", () => refresh());
  $("jobs-status").addEventListener("change", () => {
    shown = PAGE;
    refresh();
  });
  $("jobs-more").addEventListener("click", () => {
    shown += PAGE;
    refresh();
  });
  return {
    enter() {
      document.title = "Jobs · Cutups";
      generation += 1;
      refresh();
      return {
        leave() {
          generation += 1;
          clearTimeout(timer);
        },
      };
    },
  };
}
