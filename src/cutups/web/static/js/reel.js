/* The reel of a finished job: the video and its chapter list (click to seek). The chapters'
 * names are the clips' summaries, as the engine wrote them into the reel itself. A playlist's
 * reel plays here too, with its own chapters, until "Full reel" brings the job's back. */

import { BUCKET_TEXT } from "./constants.js";
import { $, el } from "./dom.js";
import { bucketOf, clipSummary, fmtTime } from "./format.js";
import { S, currentGeneration, jobPath, thumbPath } from "./job-state.js";
import { mediaUrl } from "./media.js";
import { showBanner } from "./notify.js";
import { playVideo } from "./player.js";

const reel = $("reel-video");

function markChapter(time) {
  let active = -1;
  for (let i = 0; i < S.marks.length; i += 1) if (time + 0.05 >= S.marks[i]) active = i;
  [...$("chapters").querySelectorAll("button")].forEach((b, i) => {
    b.setAttribute("aria-current", i === active ? "true" : "false");
  });
}

function chapterButton(clip, number, at) {
  const note = `${BUCKET_TEXT[bucketOf(clip)]}${clip.text ? ` · ${clip.text}` : ""}`;
  const button = el("button", { type: "button", "data-at": at.toFixed(3) },
    el("span", { class: "ch-time", text: fmtTime(at) }),
    el("span", { class: "ch-title" }, `${number}. ${clipSummary(clip)}`, el("small", { text: note })));
  button.addEventListener("click", () => {
    reel.currentTime = at + 0.01;
    playVideo(reel);
    markChapter(at);
  });
  return button;
}

/** One chapter per clip, each starting where the clips before it add up to. */
function renderChapters(clips) {
  const chapters = $("chapters");
  chapters.replaceChildren();
  let t = 0;
  S.marks = [];
  clips.forEach((clip, i) => {
    chapters.append(el("li", {}, chapterButton(clip, i + 1, t)));
    S.marks.push(t);
    t += Number(clip.duration ?? clip.end - clip.start) || 0;
  });
}

async function loadReel(path, clips) {
  const gen = currentGeneration();
  try {
    const [src, poster] = await Promise.all([
      mediaUrl(path),
      clips.length ? mediaUrl(thumbPath(clips[0])).catch(() => "") : "",
    ]);
    if (gen !== currentGeneration() || S.reelOnScreen.path !== path) return; // a newer one
    reel.poster = poster;
    reel.src = src;
  } catch (err) {
    if (gen === currentGeneration()) showBanner(err.message);
  }
}

/** Put ``shown`` ({path, clips, name, what}) in the reel player: its chapters, its video and
 * its download link. */
async function showReel(shown) {
  S.reelOnScreen = shown;
  renderChapters(shown.clips);
  $("reel-what").textContent = shown.what || "";
  $("reel-full").hidden = shown === S.fullReel;
  const download = $("reel-download");
  download.href = shown.path;
  download.download = shown.name;
  await loadReel(shown.path, shown.clips);
}

/** Once the job's manifest is complete and lists a reel: show it (once). */
export async function renderReel() {
  const manifest = S.manifest;
  if (!manifest || !manifest.complete || !manifest.reel || S.fullReel) return;
  S.fullReel = {
    path: jobPath("/files/reel.mp4"),
    clips: [...manifest.clips].sort((a, b) => a.start - b.start),
    name: `cutups-${S.id}-reel.mp4`,
    what: "",
  };
  $("reel-section").hidden = false;
  await showReel(S.fullReel);
}

/** Play a playlist's reel ({path, clips, name, what}) in the reel player, from its start. */
export async function playInReel(playlist) {
  if (!S.fullReel) return;
  await showReel(playlist);
  $("reel-section").scrollIntoView({ block: "start", behavior: "smooth" });
  playVideo(reel);
}

export function wireReel() {
  reel.addEventListener("timeupdate", () => markChapter(reel.currentTime));
  $("reel-full").addEventListener("click", () => {
    if (S.fullReel) showReel(S.fullReel);
  });
}

/** Empty the reel (a new job on screen). */
export function clearReel() {
  $("chapters").replaceChildren();
  $("reel-what").textContent = "";
  $("reel-full").hidden = true;
  reel.pause();
  reel.removeAttribute("src");
  reel.removeAttribute("poster");
  reel.load();
  $("reel-section").hidden = true;
}

export const pauseReel = () => reel.pause();
