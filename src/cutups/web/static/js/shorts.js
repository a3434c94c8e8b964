/* A shorts job's clips (recipe "shorts"), shown in the job view instead of the plays browser:
 * one phone-shaped (9:16) player per clip with its score, the planner's reasons, title,
 * summary and tags; then the talk's transcript (transcript.json through the seed's
 * /ai-clipping/jobs/<id>/transcript.json), the stretches that became clips marked. */

import { api } from "./api.js";
import { $, el } from "./dom.js";
import { capital, fmtTime } from "./format.js";
import { S, clipPath, currentGeneration, thumbPath } from "./job-state.js";
import { mediaUrl } from "./media.js";

const LAYOUTS = { focus: "Follows the speaker", stack: "Screen over face", static: "Whole frame" };
let shown = ""; // the clip ids on screen, so a render does not rebuild the players
let transcriptFor = null; // the job whose transcript was asked for

const isShorts = () => Boolean(S.job && S.job.recipe === "shorts");

function setSrc(node, attr, path) {
  mediaUrl(path).then((url) => node.setAttribute(attr, url), () => {});
}

function phone(clip, number) {
  const video = el("video", {
    controls: true, preload: "metadata", playsinline: true,
    "aria-label": `Short ${number}: ${clip.title || fmtTime(clip.start)}`,
  });
  setSrc(video, "poster", thumbPath(clip));
  setSrc(video, "src", clipPath(clip));
  return el("div", { class: "phone" }, video);
}

function facts(clip) {
  const score = Math.round(Number(clip.virality_score) || 0);
  return el("p", { class: "short-facts" },
    el("span", { class: "short-score", "data-band": score >= 70 ? "high" : "mid", text: `Score ${score}` }),
    el("span", { class: "muted", text: `${fmtTime(clip.start)}–${fmtTime(clip.end)} of the talk` }),
    el("span", { class: "muted", text: `${Math.round(clip.duration_ms / 1000)} s` }),
    el("span", { class: "muted", text: LAYOUTS[clip.layout_type] || clip.layout_type }));
}

function card(clip, number) {
  const reasons = clip.reasons || [];
  const tags = clip.tags || [];
  return el("li", { class: "short-card card", "data-clip-id": clip.id },
    phone(clip, number),
    el("div", { class: "short-body" },
      el("h3", { class: "short-title", text: clip.title || `Short ${number}` }),
      facts(clip),
      clip.summary ? el("p", { class: "short-summary", text: clip.summary }) : null,
      reasons.length ? el("div", { class: "short-reasons" },
        el("h4", { text: "Why this clip" }),
        el("ul", {}, ...reasons.map((r) => el("li", { text: capital(r) })))) : null,
      tags.length ? el("ul", { class: "short-tags", "aria-label": "Tags" },
        ...tags.map((t) => el("li", { class: "tag", text: t }))) : null));
}

function clipAt(clips, start, end) {
  return clips.find((c) => start < c.end && end > c.start);
}

function renderTranscript(transcript, clips) {
  const box = $("shorts-transcript");
  const rows = (transcript.segments || []).map((segment) => {
    const clip = clipAt(clips, segment.start, segment.end);
    return el("p", { class: clip ? "seg in-short" : "seg", "data-short": clip ? clip.clip_index : null },
      el("time", { class: "mono", text: fmtTime(segment.start) }),
      clip ? el("span", { class: "seg-short", text: `#${clip.clip_index}` }) : null,
      el("span", { class: "seg-text", text: segment.text.trim() }));
  });
  box.replaceChildren(...(rows.length ? rows : [el("p", { class: "muted", text: "No speech was recognised." })]));
}

async function loadTranscript(clips) {
  const gen = currentGeneration();
  transcriptFor = S.id;
  try {
    const transcript = await api(`ai-clipping/jobs/${encodeURIComponent(S.id)}/transcript.json`);
    if (gen === currentGeneration()) renderTranscript(transcript, clips);
  } catch (err) {
    if (gen === currentGeneration()) $("shorts-transcript").textContent = err.message;
  }
}

/** Show the shorts of a finished shorts job (once its manifest is in); other jobs: hidden. */
export function renderShorts() {
  const shorts = isShorts();
  $("view-job").dataset.recipe = shorts ? "shorts" : "";
  $("shorts-section").hidden = !shorts;
  if (!shorts || !S.manifest) return;
  const clips = [...(S.manifest.clips || [])].sort((a, b) => b.virality_score - a.virality_score);
  const key = clips.map((c) => c.id).join(",");
  if (key !== shown) {
    shown = key;
    $("shorts-list").replaceChildren(...clips.map((c) => card(c, c.clip_index)));
    $("shorts-count").textContent = `${clips.length} short${clips.length === 1 ? "" : "s"}, best first`;
  }
  if (S.status === "completed" && transcriptFor !== S.id) loadTranscript(clips);
}

/** Empty the view (a new job on screen). */
export function clearShorts() {
  shown = "";
  transcriptFor = null;
  for (const video of $("shorts-list").querySelectorAll("video")) video.pause();
  $("shorts-list").replaceChildren();
  $("shorts-transcript").replaceChildren();
  $("shorts-count").textContent = "";
  $("shorts-section").hidden = true;
  $("view-job").dataset.recipe = "";
}
