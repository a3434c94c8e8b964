/* One job (#/jobs/<id>): live progress over the event stream (polling as a fallback), the clip
 * browser, the reel, warnings, playlists, downloads and cancel. The pieces live in their own modules; this one
 * loads the job, follows its events and ties them together. */

import { api } from "./api.js";
import { JOB_ID, TERMINAL } from "./constants.js";
import { addClip, clearClips } from "./clips.js";
import { $ } from "./dom.js";
import { openEvents } from "./events.js";
import { clearExport, renderExport, wireExport } from "./export.js";
import { applyFilters, clearFilters, renderFilters, visibleClips, wireFilters } from "./filters.js";
import { renderHead, renderProgress, setPct, setStage } from "./job-progress.js";
import { clearWarnings, renderWarnings } from "./job-warnings.js";
import {
  S, currentGeneration, jobPath, nextGeneration, onRender, reset, scheduleRender,
} from "./job-state.js";
import { releaseMedia, wireDownload } from "./media.js";
import { announce, showBanner } from "./notify.js";
import {
  clearPlayer, pausePlayer, renderNowPlaying, selectClip, wirePlayer,
} from "./player.js";
import { clearPlaylist, renderPlaylist, wirePlaylist } from "./playlist.js";
import { clearReel, pauseReel, renderReel, wireReel } from "./reel.js";
import { clearShorts, renderShorts } from "./shorts.js";

const POLL_MS = 4000;

function render() {
  renderProgress();
  renderWarnings();
  renderExport(S.status || "queued");
  renderPlaylist();
  renderShorts();
  renderFilters();
  applyFilters();
  if (!S.currentId && S.clips.size) {
    const first = visibleClips()[0];
    if (first) selectClip(first.id);
  } else {
    renderNowPlaying();
  }
}

function stopLive() {
  if (S.stream) S.stream.close();
  S.stream = null;
  clearInterval(S.poll);
  S.poll = null;
}

function finished() {
  stopLive();
  if (S.status === "completed") {
    announce(`Job completed: ${S.planned ?? S.clips.size} clips ready. The reel and ZIP can be downloaded.`);
    loadManifest();
  } else if (S.status === "failed") {
    announce(`Job failed: ${S.error || "see the error message"}`);
  } else {
    announce("Job canceled.");
  }
}

function applyJob(job) {
  S.job = job;
  const was = S.status;
  S.status = job.status;
  setStage(job.stage);
  setPct(job.status === "completed" ? 100 : job.pct);
  S.eta = job.eta_sec;
  S.detail = job.detail || S.detail;
  S.error = job.error;
  const p = job.progress || {};
  if (Number.isFinite(p.clips_planned)) S.planned = p.clips_planned;
  if (job.result && Number.isFinite(job.result.clips)) S.planned = job.result.clips;
  if (was && was !== job.status && TERMINAL.has(job.status)) finished();
  renderHead();
  scheduleRender();
}

function jobMissing(err) {
  if (err.status === 404) {
    stopLive();
    $("job-title").textContent = "Job not found";
    showBanner(`There is no job “${S.id}” on this server. It may have expired; see the jobs list.`);
  } else if (err.status !== 401) {
    showBanner(err.message);
  }
}

async function loadJob() {
  const gen = currentGeneration();
  try {
    const job = await api(jobPath());
    if (gen === currentGeneration()) applyJob(job);
    return job;
  } catch (err) {
    if (gen === currentGeneration()) jobMissing(err);
    return null;
  }
}

async function loadManifest() {
  const gen = currentGeneration();
  try {
    const manifest = await api(jobPath("/manifest"));
    if (gen !== currentGeneration()) return;
    S.manifest = manifest;
    if (Number.isFinite(manifest.clips_planned)) S.planned = manifest.clips_planned;
    for (const clip of manifest.clips || []) addClip(clip, { announceIt: false });
    renderReel();
    scheduleRender();
  } catch {
    /* 409 before the plan exists, 404 for failed jobs: nothing to show yet */
  }
}

function onProgressEvent(data) {
  setStage(data.stage);
  setPct(data.pct);
  if (data.eta_sec !== undefined) S.eta = data.eta_sec;
  if (data.detail) S.detail = data.detail;
}

function onEnd(type, data) {
  const was = S.status;
  S.status = type;
  if (type === "completed") setPct(100);
  if (data.error) S.error = data.error;
  if (was !== type) finished();
  loadJob();
}

function onEvent(type, data) {
  if (data.job_id && data.job_id !== S.id) return;
  const running = () => {
    if (!TERMINAL.has(S.status)) S.status = "processing";
  };
  if (type === "queued" && !S.status) S.status = "queued";
  else if (type === "attempt") running();
  else if (type === "stage") {
    running();
    setStage(data.stage);
    if (data.detail) S.detail = data.detail;
  } else if (type === "progress") {
    running();
    onProgressEvent(data);
  } else if (type === "checkpoint") {
    if (data.name === "analysis" && Number.isFinite(data.clips)) S.planned = data.clips;
  } else if (type === "clip_ready") addClip(data.clip);
  else if (TERMINAL.has(type)) onEnd(type, data);
  scheduleRender();
}

async function start() {
  const job = await loadJob();
  if (!job) return;
  await loadManifest();
  if (TERMINAL.has(job.status)) {
    scheduleRender();
    return;
  }
  S.stream = openEvents(S.id, onEvent);
  // Fallback for proxies that buffer or drop the event stream: poll now and then.
  S.poll = setInterval(() => {
    loadJob();
    if (["cutting", "packaging"].includes(S.stage)) loadManifest();
  }, POLL_MS);
}

async function cancelJob() {
  if (!window.confirm("Cancel this job? Clips cut so far are deleted.")) return;
  const button = $("job-cancel");
  button.disabled = true;
  button.textContent = "Canceling…";
  try {
    const answer = await api(jobPath("/cancel"), { method: "POST" });
    if (TERMINAL.has(answer.status) && !TERMINAL.has(S.status)) {
      S.status = answer.status;
      finished();
    }
    await loadJob();
  } catch (err) {
    showBanner(err.message);
    loadJob();
  } finally {
    button.disabled = false;
    button.textContent = "Cancel job";
    scheduleRender();
  }
}

function clearScreen() {
  clearClips();
  clearReel();
  clearPlayer();
  clearExport();
  clearPlaylist();
  clearWarnings();
  clearShorts();
  clearFilters();
  $("job-error").hidden = true;
  $("job-title").textContent = "Job";
  $("job-sub").textContent = "";
  $("job-id").textContent = S.id || "";
  $("job-detail").textContent = "–";
  $("job-stage").textContent = "Loading…";
  $("job-eta").textContent = "–";
  $("job-clips").textContent = "–";
}

function enter(jobId) {
  nextGeneration();
  stopLive();
  releaseMedia();
  reset(jobId);
  clearScreen();
  document.title = `Job ${jobId} · Cutups`;
  if (!JOB_ID.test(jobId)) {
    $("job-title").textContent = "Job not found";
    showBanner(`“${jobId}” is not a job id.`);
    return { leave() {} };
  }
  renderProgress();
  applyFilters();
  renderNowPlaying();
  start();
  return {
    leave() {
      nextGeneration();
      stopLive();
      pausePlayer();
      pauseReel();
      S.id = null;
    },
  };
}

/** Wire the job view's controls; returns the view. */
export function initJobView() {
  onRender(render);
  wireFilters();
  wirePlayer();
  wireReel();
  wireExport();
  wirePlaylist();
  $("job-cancel").addEventListener("click", cancelJob);
  for (const id of ["job-zip", "clip-download", "reel-download"]) wireDownload($(id));
  return { enter };
}
