/* The job on screen: its state (shared by the job view's modules), its URLs, and one render
 * per animation frame however many events arrive. */

export const S = {}; // reset by reset() when a job view is entered

let generation = 0;
let renderer = null;
let renderQueued = false;

/** A new job view (or leaving one): answers to older requests are dropped. */
export const nextGeneration = () => {
  generation += 1;
  return generation;
};
export const currentGeneration = () => generation;

export function reset(jobId) {
  Object.assign(S, {
    id: jobId,
    job: null,
    status: null,
    stage: null,
    pct: 0,
    eta: null,
    detail: "",
    error: null,
    planned: null,
    clips: new Map(), // id -> the clip's manifest entry
    cards: new Map(), // id -> its <li> in the clip list
    currentId: null,
    manifest: null,
    fullReel: null, // the job's reel: {path, clips, name, what}
    reelOnScreen: null, // it, or a playlist's
    marks: [],
    stream: null,
    poll: null,
    lastPctSpoken: -1,
  });
}
reset(null);

export const jobPath = (suffix = "") => `jobs/${encodeURIComponent(S.id)}${suffix}`;
export const clipPath = (clip) => jobPath(`/clips/${encodeURIComponent(clip.id)}`);
export const thumbPath = (clip) => jobPath(`/thumbs/${encodeURIComponent(clip.id)}`);

/** What scheduleRender() runs (the job view registers it). */
export function onRender(render) {
  renderer = render;
}

export function scheduleRender() {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    if (S.id && renderer) renderer();
  });
}
