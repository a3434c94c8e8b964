/* The clip player: the selected clip, previous/next, and the keyboard (Space play/pause,
 * ←/→ and J/K previous/next clip). */

import { BUCKET_TEXT } from "./constants.js";
import { $, el } from "./dom.js";
import { bucketOf, clipNumber, clipSummary, fmtTime, scoreBand } from "./format.js";
import { S, clipPath, thumbPath } from "./job-state.js";
import { visibleClips } from "./filters.js";
import { mediaUrl } from "./media.js";
import { showBanner } from "./notify.js";
import { PREFS_STORE, storage } from "./store.js";

const video = $("clip-video");
const AUTONEXT_STORE = `${PREFS_STORE}.autonext`;
let loadToken = 0;

/** Play, falling back to muted playback where autoplay with sound is refused. */
export function playVideo(media) {
  const attempt = media.play();
  if (attempt && attempt.catch) {
    attempt.catch((err) => {
      if (err && err.name === "NotAllowedError" && !media.muted) {
        media.muted = true;
        media.play().catch(() => {});
      }
    });
  }
}

async function loadClip(clip) {
  const token = ++loadToken;
  let src;
  let poster;
  try {
    [src, poster] = await Promise.all([
      mediaUrl(clipPath(clip)), mediaUrl(thumbPath(clip)).catch(() => ""),
    ]);
  } catch (err) {
    showBanner(err.message);
    return false;
  }
  if (token !== loadToken) return false;
  video.poster = poster;
  video.src = src;
  $("video-empty").hidden = true;
  return true;
}

/** Put clip ``id`` in the player (and mark its card); ``play`` starts it. */
export async function selectClip(id, { play = false, scroll = false } = {}) {
  const clip = S.clips.get(id);
  if (!clip) return;
  const changed = S.currentId !== id;
  S.currentId = id;
  for (const [cid, li] of S.cards) {
    li.firstChild.setAttribute("aria-current", cid === id ? "true" : "false");
  }
  if (scroll) {
    const li = S.cards.get(id);
    if (li && !li.hidden) li.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }
  renderNowPlaying();
  if ((changed || !video.getAttribute("src")) && !(await loadClip(clip))) return;
  if (play) playVideo(video);
}

function togglePlay() {
  if (!video.getAttribute("src")) {
    const first = visibleClips()[0];
    if (first) selectClip(first.id, { play: true });
    return;
  }
  if (video.paused || video.ended) playVideo(video);
  else video.pause();
}

/** A clip card was clicked: play it, or play/pause it when it is the one loaded. */
export function pickClip(id) {
  if (S.currentId === id && video.getAttribute("src")) togglePlay();
  else selectClip(id, { play: true });
}

function step(delta, { play = true } = {}) {
  const visible = visibleClips();
  if (!visible.length) return;
  const current = S.clips.get(S.currentId);
  let index = visible.findIndex((c) => c.id === S.currentId);
  if (index < 0) {
    // the current clip is filtered out: move relative to its place in time
    const start = current ? current.start : -Infinity;
    index = delta > 0
      ? visible.findIndex((c) => c.start > start)
      : visible.findLastIndex((c) => c.start < start);
    if (index < 0) return;
  } else {
    index += delta;
    if (index < 0 || index >= visible.length) return;
  }
  selectClip(visible[index].id, { play, scroll: true });
}

/** Indexes in ``visible`` of the clips before and after ``clip`` (null at either end). */
function neighbours(visible, clip) {
  const index = visible.findIndex((c) => c.id === clip.id);
  if (index >= 0) {
    return { prev: index > 0 ? index - 1 : null, next: index < visible.length - 1 ? index + 1 : null };
  }
  const prev = visible.findLastIndex((c) => c.start < clip.start);
  const next = visible.findIndex((c) => c.start > clip.start);
  return { prev: prev < 0 ? null : prev, next: next < 0 ? null : next };
}

function clipMeta(clip) {
  const bucket = bucketOf(clip);
  const score = Number.isFinite(clip.score)
    ? el("span", { class: "score", "data-band": scoreBand(clip.score), text: `${Math.round(clip.score)}% sure` })
    : null;
  const line = el("div", { class: "line" },
    el("span", { class: `tag tag-${bucket}`, text: BUCKET_TEXT[bucket] }),
    el("strong", { class: "clip-facts", text: clipSummary(clip) }),
    score);
  const length = fmtTime(clip.duration ?? clip.end - clip.start);
  const where = `${fmtTime(clip.start)}–${fmtTime(clip.end)} in the broadcast · ${length} long`;
  return [line, clip.text ? el("p", { class: "text", text: clip.text }) : null,
    el("p", { class: "text mono", text: where })].filter(Boolean);
}

/** The line under the player: which clip of how many, its facts, its download link. */
export function renderNowPlaying() {
  const visible = visibleClips();
  const clip = S.clips.get(S.currentId);
  const download = $("clip-download");
  $("now-meta").replaceChildren();
  if (!clip) {
    $("now-playing").textContent = S.clips.size ? "Pick a clip" : "No clip selected";
    $("clip-prev").disabled = true;
    $("clip-next").disabled = true;
    download.hidden = true;
    return;
  }
  const index = visible.findIndex((c) => c.id === clip.id);
  $("now-playing").textContent = index >= 0
    ? `Clip ${index + 1} of ${visible.length}`
    : `Clip #${clipNumber(clip, "?")} (filtered out)`;
  const around = neighbours(visible, clip);
  $("clip-prev").disabled = around.prev === null;
  $("clip-next").disabled = around.next === null;
  $("now-meta").append(...clipMeta(clip));
  download.hidden = false;
  download.href = clipPath(clip);
  download.download = `${S.id}-${clip.id}.mp4`;
}

// Text fields, selects, the slider and radio groups keep their own keys; buttons, links and a
// focused video keep their native Space (on a clip card that toggles play too).
function onKey(e) {
  if (!S.id || $("view-job").hidden) return;
  if (e.altKey || e.ctrlKey || e.metaKey || e.defaultPrevented) return;
  const target = e.target instanceof Element ? e.target : document.body;
  if (target.closest("input, select, textarea, [contenteditable], summary, details[open]")) return;
  const key = e.key;
  if (key === " " || key === "Spacebar") {
    if (target.tagName === "VIDEO" || target.closest("button, a")) return;
    e.preventDefault();
    togglePlay();
  } else if (key === "ArrowLeft" || key === "j" || key === "J") {
    e.preventDefault();
    step(-1);
  } else if (key === "ArrowRight" || key === "k" || key === "K") {
    e.preventDefault();
    step(1);
  }
}

export function wirePlayer() {
  $("clip-prev").addEventListener("click", () => step(-1));
  $("clip-next").addEventListener("click", () => step(1));
  video.addEventListener("ended", () => {
    if ($("autonext").checked) step(1);
  });
  $("autonext").checked = Boolean(storage.get(AUTONEXT_STORE, false));
  $("autonext").addEventListener("change", () => storage.set(AUTONEXT_STORE, $("autonext").checked));
  document.addEventListener("keydown", onKey);
}

/** Empty the player (a new job on screen). */
export function clearPlayer() {
  video.pause();
  video.removeAttribute("src");
  video.removeAttribute("poster");
  video.load();
  $("video-empty").hidden = false;
}

export const pausePlayer = () => video.pause();
