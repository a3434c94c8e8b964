/* The job's head and progress card: title, stage list, meter, time left, clip count. */

import { ACTIVE, STAGES, STAGE_TEXT, TERMINAL } from "./constants.js";
import { $ } from "./dom.js";
import { capital, fmtAgo, fmtDate, fmtEta } from "./format.js";
import { jobLabel } from "./labels.js";
import { S, jobPath } from "./job-state.js";
import { announce } from "./notify.js";

function stageRank(stage) {
  const i = STAGES.indexOf(stage);
  return i < 0 ? -1 : i;
}

/** Move to ``stage`` (never back); says so through the live region. */
export function setStage(stage) {
  if (!stage || stageRank(stage) < stageRank(S.stage)) return;
  if (stage !== S.stage) {
    S.stage = stage;
    if (!TERMINAL.has(S.status)) announce(`${STAGE_TEXT[stage] || stage}, ${Math.floor(S.pct)}%`);
  }
}

/** Raise the percentage (never lower it); every quarter is announced. */
export function setPct(pct) {
  if (Number.isFinite(pct)) S.pct = Math.max(S.pct, Math.min(100, pct));
  const q = Math.floor(S.pct / 25);
  if (q > S.lastPctSpoken && S.status === "processing") {
    S.lastPctSpoken = q;
    if (q > 0 && q < 4) announce(`${STAGE_TEXT[S.stage] || "Working"}, ${q * 25}%`);
  }
}

/** Any recipe's options, e.g. "every 40, length 3" (objects left out). */
function recipeOptionsText(opts) {
  const bits = [];
  for (const [name, value] of Object.entries(opts)) {
    if (Array.isArray(value)) bits.push(`${name} ${value.join("+") || "none"}`);
    else if (value !== null && typeof value !== "object") bits.push(`${name} ${value}`);
  }
  return bits.length ? [bits.join(", ")] : [];
}

function playsOptionsText(opts) {
  const bits = [];
  if (opts.team) bits.push(`team ${opts.team}`);
  const pads = [];
  if (Number.isFinite(opts.play_padding_pre)) pads.push(`${opts.play_padding_pre} s before`);
  if (Number.isFinite(opts.play_padding_post)) pads.push(`${opts.play_padding_post} s after`);
  if (pads.length) bits.push(pads.join(", "));
  if (Number.isFinite(opts.min_duration) && Number.isFinite(opts.max_duration)) {
    bits.push(`clips ${opts.min_duration}–${opts.max_duration} s`);
  }
  return bits;
}

export function renderHead() {
  const job = S.job;
  if (!job) return;
  const label = jobLabel(job);
  $("job-title").textContent = label;
  document.title = `${label} · Cutups`;
  const recipe = job.recipe || "plays";
  const options = job.options || {};
  const bits = [
    `${recipe} recipe`,
    `submitted ${fmtAgo(job.created)}`,
    ...(recipe === "plays" ? playsOptionsText(options) : recipeOptionsText(options)),
  ];
  $("job-sub").textContent = capital(bits.join(" · "));
  const watch = $("job-commentary"); // a commentary job streams: its own view plays it live
  watch.hidden = recipe !== "commentary";
  watch.href = `#/commentary/${encodeURIComponent(job.job_id)}`;
  $("job-sub").title = fmtDate(job.created);
}

function renderMeter(status) {
  const statusEl = $("job-status");
  statusEl.dataset.status = status;
  statusEl.textContent = status;
  $("progress-card").dataset.status = status;
  const pct = status === "completed" ? 100 : S.pct;
  $("job-pct").textContent = `${Math.floor(pct)}%`;
  const meter = $("job-meter");
  meter.setAttribute("aria-valuenow", String(Math.floor(pct)));
  meter.setAttribute("aria-valuetext", `${Math.floor(pct)}%, ${STAGE_TEXT[S.stage] || status}`);
  $("job-meter-fill").style.setProperty("--pct", `${pct}%`);
}

function renderStages(status, current) {
  const rank = stageRank(current);
  for (const li of $("stages").children) {
    const r = stageRank(li.dataset.stage);
    let state = "todo";
    if (status === "completed" || r < rank) state = "done";
    else if (r === rank) state = status === "failed" || status === "canceled" ? "failed" : "current";
    li.dataset.state = state;
    if (state === "current") li.setAttribute("aria-current", "step");
    else li.removeAttribute("aria-current");
  }
}

function renderFacts(status, current) {
  const ended = { completed: "Completed", failed: "Failed", canceled: "Canceled" }[status];
  $("job-stage").textContent = ended || STAGE_TEXT[current] || "Starting";
  let eta = "–";
  if (status === "processing") eta = fmtEta(S.eta) || "Estimating…";
  else if (status === "completed") eta = "Done";
  $("job-eta").textContent = eta;
  const done = S.clips.size;
  $("job-clips").textContent = Number.isFinite(S.planned)
    ? `${done} of ${S.planned} cut`
    : done ? `${done} cut` : "–";
  let now = S.detail || "–";
  if (status === "completed") {
    now = S.planned === 0 ? "No clips were cut." : "All clips cut, reel and ZIP ready.";
  }
  $("job-detail").textContent = now;
  const errorBox = $("job-error");
  errorBox.hidden = !(status === "failed" && S.error);
  errorBox.textContent = status === "failed" ? S.error || "" : "";
}

function renderActions(status) {
  $("job-cancel").hidden = !ACTIVE.has(status) || !S.job;
  const zip = $("job-zip");
  zip.hidden = status !== "completed";
  zip.href = jobPath("/download");
  zip.download = `cutups-${S.id}.zip`;
}

export function renderProgress() {
  const status = S.status || "queued";
  const current = status === "queued" ? "queued" : S.stage;
  renderMeter(status);
  renderStages(status, current);
  renderFacts(status, current);
  renderActions(status);
}
