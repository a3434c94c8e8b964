/* A commentary job's stream (#/commentary/<id>): it starts playing when the first chunk is
 * announced and plays the rest without a gap while they are being made.
 *
 * It follows the job's event stream: each ``chunk_ready {index, url, start, end, play,
 * stream_start, text}`` makes the player read the HLS playlist again and append the new fMP4
 * segments (hls-mse.js); ``complete {chunks, final_video}`` ends the stream and offers the
 * final video; ``warning`` and ``error`` are shown. The first frame's delay after the first
 * chunk and the stalls (``waiting`` while playing) are measured and shown under the video. */

import { JOB_ID, TERMINAL } from "./constants.js";
import { $, el } from "./dom.js";
import { openEvents } from "./events.js";
import { fmtTime } from "./format.js";
import { MseStream, playbackMode } from "./hls-mse.js";
import { getKey } from "./auth.js";
import { wireDownload } from "./media.js";
import { announce, showBanner } from "./notify.js";

const EVENTS = ["chunk_ready", "complete", "warning", "error", ...TERMINAL];

let V = null; // the job on screen: {id, events, stream, chunks, ...}

/** A file of the job's stream (``GET /jobs/{id}/stream/{file}``): the playlist, its
 * segments, the chunks and the final video, each as soon as it exists. */
const streamUrl = (id, file) => `jobs/${encodeURIComponent(id)}/stream/${file}`;
const playlistUrl = (id) => streamUrl(id, "hls/stream.m3u8");

/** An event's file URL ("/jobs/<id>/stream/commentary.mp4") made relative like the page's
 * other requests, so the page also works under a path prefix. */
const relative = (url) => String(url).replace(/^\//, "");

function setState(text) {
  $("commentary-state").textContent = text;
}

function renderStats() {
  const video = $("commentary-video");
  const parts = [];
  if (V.firstFrameMs !== null) {
    const delay = (V.firstFrameMs - V.firstChunkMs) / 1000;
    parts.push(`first frame ${delay.toFixed(2)} s after the first chunk`);
    video.dataset.firstFrameMs = V.firstFrameMs.toFixed(1);
  }
  if (V.firstChunkMs !== null) video.dataset.firstChunkMs = V.firstChunkMs.toFixed(1);
  video.dataset.stalls = String(V.stalls);
  if (V.playing) parts.push(V.stalls === 1 ? "1 stall" : `${V.stalls} stalls`);
  $("commentary-stats").textContent = parts.join(" · ");
}

function addLine(data) {
  const start = Number.isFinite(data.stream_start) ? data.stream_start : V.streamEnd;
  V.streamEnd = start + (data.end - data.start);
  const last = V.lines[V.lines.length - 1];
  const play = Number.isInteger(data.play) ? data.play : data.index;
  if (last && last.item.dataset.play === String(play)) {
    // A fast start sends a play's first seconds (no line) ahead: the rest brings its line.
    if (data.text) last.item.lastChild.textContent = data.text;
    return;
  }
  const item = el(
    "li",
    { "data-play": play },
    el("span", { class: "when mono", text: `Play ${play + 1} · ${fmtTime(data.start)}` }),
    data.text || "(no line for this play)",
  );
  V.lines.push({ start, item });
  $("commentary-lines").append(item);
}

/** Start playing once the first segment is in (muted if the browser blocks sound). */
async function startPlaying(video) {
  if (V.started || !video.buffered.length) return;
  V.started = true;
  if (video.currentTime < video.buffered.start(0)) video.currentTime = video.buffered.start(0);
  try {
    await video.play();
  } catch (err) {
    if (!err || err.name !== "NotAllowedError") throw err;
    video.muted = true; // autoplay with sound needs a gesture; muted playback does not
    $("commentary-unmute").hidden = false;
    await video.play();
  }
}

function startNative(video) {
  if (getKey()) {
    showBanner("This browser plays the stream natively, which cannot send the API key.");
    return;
  }
  video.src = playlistUrl(V.id);
  V.started = true;
  video.play().catch(() => {
    video.muted = true;
    $("commentary-unmute").hidden = false;
    return video.play();
  });
}

async function onChunk(data) {
  const video = $("commentary-video");
  if (V.firstChunkMs === null) {
    V.firstChunkMs = performance.now();
    $("commentary-empty").hidden = true;
    renderStats();
  }
  addLine(data);
  V.chunks += 1;
  setState(`${V.chunks} chunk${V.chunks === 1 ? "" : "s"} so far, more on the way`);
  if (V.mode === "native") {
    if (!V.started) startNative(video);
    return;
  }
  const gen = V;
  await V.stream.refresh();
  if (gen === V && !V.closed) await startPlaying(video);
}

function onComplete(data) {
  V.complete = true;
  setState(`All ${data.chunks} chunks made.`);
  announce(`The commentary is complete: ${data.chunks} chunks.`);
  if (data.final_video) {
    const link = $("commentary-final");
    link.href = String(data.final_video).includes("/")
      ? relative(data.final_video)
      : streamUrl(V.id, data.final_video);
    link.hidden = false;
  }
  if (V.stream) V.stream.refresh(); // reads #EXT-X-ENDLIST and ends the stream
}

function onWarning(data) {
  const box = $("commentary-warnings");
  box.append(el("p", { text: data.message || data.code || "warning" }));
  box.hidden = false;
}

function onEvent(type, data) {
  if (!V || V.closed || (data.job_id && data.job_id !== V.id)) return;
  if (type === "chunk_ready") {
    onChunk(data).catch((err) => showBanner(`The stream cannot play: ${err.message || err}`));
  } else if (type === "complete") onComplete(data);
  else if (type === "warning") onWarning(data);
  else if (type === "error" || type === "failed") {
    setState("The commentary stopped.");
    showBanner(data.message || data.error || "The commentary job failed.");
  } else if (type === "canceled") setState("The job was canceled.");
}

function highlight(video) {
  let current = null;
  for (const line of V.lines) if (line.start <= video.currentTime + 0.05) current = line;
  for (const line of V.lines) {
    if (line === current) line.item.setAttribute("aria-current", "true");
    else line.item.removeAttribute("aria-current");
  }
}

/** Measure the first frame and count stalls (``waiting`` after playback began, not at the end
 * of what exists once the stream is complete). */
function wireVideo(video) {
  const firstFrame = () => {
    if (V && V.firstFrameMs === null && V.firstChunkMs !== null) {
      V.firstFrameMs = performance.now();
      setState(`Playing; ${V.chunks} chunk${V.chunks === 1 ? "" : "s"} so far`);
      renderStats();
    }
  };
  video.addEventListener("playing", () => {
    if (!V) return;
    V.playing = true;
    if (!("requestVideoFrameCallback" in video)) firstFrame();
    renderStats();
  });
  if ("requestVideoFrameCallback" in video) {
    const watch = () => video.requestVideoFrameCallback(() => {
      firstFrame();
      if (V && V.firstFrameMs === null) watch();
    });
    video.addEventListener("loadstart", watch);
  }
  video.addEventListener("waiting", () => {
    if (!V || !V.playing || video.seeking || video.ended) return;
    V.stalls += 1;
    renderStats();
  });
  video.addEventListener("timeupdate", () => V && highlight(video));
  $("commentary-unmute").addEventListener("click", (e) => {
    video.muted = false;
    e.currentTarget.hidden = true;
  });
}

function clearScreen(jobId) {
  const video = $("commentary-video");
  video.pause();
  video.removeAttribute("src");
  video.muted = false;
  for (const key of ["firstChunkMs", "firstFrameMs", "stalls"]) delete video.dataset[key];
  video.load();
  $("commentary-job").textContent = jobId;
  $("commentary-job").href = `#/jobs/${encodeURIComponent(jobId)}`;
  $("commentary-lines").replaceChildren();
  $("commentary-warnings").replaceChildren();
  $("commentary-warnings").hidden = true;
  $("commentary-final").hidden = true;
  $("commentary-unmute").hidden = true;
  $("commentary-empty").hidden = false;
  $("commentary-stats").textContent = "";
  setState("Waiting for the first chunk…");
}

function enter(jobId) {
  clearScreen(jobId);
  document.title = `Commentary ${jobId} · Cutups`;
  if (!JOB_ID.test(jobId)) {
    showBanner(`“${jobId}” is not a job id.`);
    return { leave() {} };
  }
  const video = $("commentary-video");
  V = {
    id: jobId, mode: playbackMode(video), stream: null, events: null, closed: false,
    chunks: 0, lines: [], streamEnd: 0, started: false, playing: false, complete: false,
    firstChunkMs: null, firstFrameMs: null, stalls: 0,
  };
  if (!V.mode) {
    showBanner("This browser can play neither Media Source Extensions nor HLS.");
    return { leave() {} };
  }
  if (V.mode === "mse") {
    V.stream = new MseStream(video, playlistUrl(jobId), {
      onError: (err) => showBanner(`The stream cannot play: ${err.message || err}`),
    });
  }
  V.events = openEvents(jobId, onEvent, EVENTS);
  const state = V;
  return {
    leave() {
      state.closed = true;
      state.events.close();
      if (state.stream) state.stream.close();
      video.pause();
      if (V === state) V = null;
    },
  };
}

/** Wire the commentary view; returns the view. */
export function initCommentaryView() {
  wireVideo($("commentary-video"));
  wireDownload($("commentary-final"));
  return { enter };
}
