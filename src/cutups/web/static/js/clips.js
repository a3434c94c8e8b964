/* The clip list: a card per clip (thumbnail, bucket, confidence, summary), in timeline order,
 * added as each clip is cut. */

import { BUCKET_TEXT } from "./constants.js";
import { $, el } from "./dom.js";
import { bucketOf, clipNumber, clipSummary, fmtTime, scoreBand } from "./format.js";
import { S, scheduleRender, thumbPath } from "./job-state.js";
import { sortedClips } from "./filters.js";
import { mediaUrl } from "./media.js";
import { announce } from "./notify.js";
import { pickClip } from "./player.js";

const list = $("clip-list");
const THUMB_RETRY_MS = 1500;

function setImg(img, path) {
  mediaUrl(path).then((url) => {
    img.src = url;
  }, () => {
    img.hidden = true;
  });
}

/** The thumbnail, retried once (a still may land a moment after its clip). */
function thumbnail(clip) {
  const img = el("img", { alt: "", loading: "lazy", decoding: "async", width: 320, height: 180 });
  let retried = false;
  img.addEventListener("error", () => {
    if (retried) {
      img.hidden = true;
      return;
    }
    retried = true;
    setTimeout(() => setImg(img, thumbPath(clip)), THUMB_RETRY_MS);
  });
  setImg(img, thumbPath(clip));
  return img;
}

function cardButton(clip, bucket) {
  const score = Number.isFinite(clip.score) ? clip.score : null;
  return el(
    "button",
    { type: "button", class: "clip-btn", "aria-current": "false", onclick: () => pickClip(clip.id) },
    el("span", { class: "thumb" },
      thumbnail(clip),
      el("span", { class: "num", text: `#${clipNumber(clip, S.clips.size)}` }),
      el("span", { class: "dur", text: fmtTime(clip.duration ?? clip.end - clip.start) })),
    el("span", { class: "clip-body" },
      el("span", { class: "clip-top" },
        el("span", { class: `tag tag-${bucket}`, text: BUCKET_TEXT[bucket] }),
        score === null ? null : el("span", {
          class: "score", "data-band": scoreBand(score), text: `${Math.round(score)}% sure`,
        })),
      el("span", { class: "clip-facts", text: clipSummary(clip) }),
      clip.text ? el("span", { class: "clip-text", text: clip.text }) : null),
  );
}

function insertCard(clip) {
  const bucket = bucketOf(clip);
  const li = el("li", { class: "clip-card", "data-clip-id": clip.id, "data-bucket": bucket },
    cardButton(clip, bucket));
  S.cards.set(clip.id, li);
  // keep the list in timeline order (clips may be cut out of order)
  const later = sortedClips().find(
    (c) => c.start > clip.start && S.cards.get(c.id) && S.cards.get(c.id).isConnected,
  );
  list.insertBefore(li, later ? S.cards.get(later.id) : null);
}

/** A clip's manifest entry (from the manifest or a clip_ready event); new ones get a card. */
export function addClip(clip, { announceIt = true } = {}) {
  if (!clip || !clip.id) return;
  const known = S.clips.has(clip.id);
  S.clips.set(clip.id, { ...S.clips.get(clip.id), ...clip });
  if (!known) {
    insertCard(S.clips.get(clip.id));
    if (announceIt && S.status !== "completed") {
      const planned = Number.isFinite(S.planned) ? ` of ${S.planned}` : "";
      announce(`${S.clips.size}${planned} clips ready. Latest: ${clipSummary(clip)}.`);
    }
  }
  scheduleRender();
}

export const clearClips = () => list.replaceChildren();
