/* The clip browser's filters: bucket, quarter, down, play type and a confidence threshold. */

import { BUCKETS, CONF_DEFAULT, TERMINAL } from "./constants.js";
import { $, el } from "./dom.js";
import { bucketOf, ordinal, periodLong } from "./format.js";
import { S, scheduleRender } from "./job-state.js";
import { PREFS_STORE, storage } from "./store.js";

const conf = $("filter-conf");
const CONF_STORE = `${PREFS_STORE}.conf`;
const FACET_SELECTS = ["filter-period", "filter-down", "filter-type"];

function filters() {
  const bucket = document.querySelector('input[name="bucket"]:checked');
  return {
    bucket: bucket ? bucket.value : "all",
    period: $("filter-period").value,
    down: $("filter-down").value,
    type: $("filter-type").value,
    conf: Number(conf.value),
  };
}

function passesFacets(clip, f) {
  if (f.bucket !== "all" && bucketOf(clip) !== f.bucket) return false;
  if (f.period && String(clip.period ?? "") !== f.period) return false;
  if (f.down === "none" && Number.isFinite(clip.down) && clip.down > 0) return false;
  if (f.down && f.down !== "none" && String(clip.down ?? "") !== f.down) return false;
  if (f.type && (clip.play_type || "") !== f.type) return false;
  return true;
}

const confident = (clip, f) => !Number.isFinite(clip.score) || clip.score >= f.conf;

/** Every clip of the job, in timeline order. */
export function sortedClips() {
  return [...S.clips.values()].sort((a, b) => a.start - b.start || a.id.localeCompare(b.id));
}

/** The clips the filters let through, in timeline order. */
export function visibleClips() {
  const f = filters();
  return sortedClips().filter((c) => passesFacets(c, f) && confident(c, f));
}

function fillSelect(select, values, label) {
  const keep = select.value;
  const wanted = ["", ...values.map((v) => String(v[0]))];
  const have = [...select.options].map((o) => o.value);
  if (wanted.join("\u0000") === have.join("\u0000")) return;
  select.replaceChildren(el("option", { value: "", text: "All" }));
  for (const [value, text] of values) select.append(el("option", { value: String(value), text: label(text) }));
  select.value = wanted.includes(keep) ? keep : "";
}

function facetsOf(clips) {
  const facets = { counts: Object.fromEntries(BUCKETS.map((b) => [b, 0])),
    periods: new Set(), downs: new Set(), types: new Set(), noDown: false };
  for (const clip of clips) {
    facets.counts[bucketOf(clip)] += 1;
    if (Number.isFinite(clip.period)) facets.periods.add(clip.period);
    if (Number.isFinite(clip.down) && clip.down > 0) facets.downs.add(clip.down);
    else facets.noDown = true;
    if (clip.play_type) facets.types.add(clip.play_type);
  }
  return facets;
}

/** Bucket counts and the choices of each select, from the clips so far. */
export function renderFilters() {
  const clips = sortedClips();
  const { counts, periods, downs, types, noDown } = facetsOf(clips);
  for (const node of document.querySelectorAll("[data-count]")) {
    node.textContent = node.dataset.count === "all" ? clips.length : counts[node.dataset.count];
  }
  const unassigned = counts.unassigned > 0 || filters().bucket === "unassigned";
  $("bucket-unassigned").hidden = !unassigned;
  document.querySelector('label[for="bucket-unassigned"]').hidden = !unassigned;
  fillSelect($("filter-period"), [...periods].sort((a, b) => a - b).map((p) => [p, p]), periodLong);
  const downOpts = [...downs].sort((a, b) => a - b).map((d) => [d, `${ordinal(d)} down`]);
  if (noDown && downs.size) downOpts.push(["none", "No down (kicks)"]);
  fillSelect($("filter-down"), downOpts, (t) => t);
  fillSelect($("filter-type"), [...types].sort().map((t) => [t, t]), (t) => t);
  $("filter-conf-out").textContent = conf.value;
}

function renderEmpty(total, shown) {
  const empty = $("clips-empty");
  if (!total) {
    empty.textContent = TERMINAL.has(S.status)
      ? "This job has no clips."
      : "No clips yet: they appear here as soon as each one is cut.";
    empty.hidden = false;
  } else if (!shown) {
    empty.textContent = "No clips match these filters.";
    empty.hidden = false;
  } else {
    empty.hidden = true;
  }
}

/** Hide the cards the filters reject; the counts line and the empty message. */
export function applyFilters() {
  const f = filters();
  let shown = 0;
  let lowHidden = 0;
  for (const clip of S.clips.values()) {
    const facet = passesFacets(clip, f);
    const visible = facet && confident(clip, f);
    if (facet && !visible) lowHidden += 1;
    const li = S.cards.get(clip.id);
    if (li) li.hidden = !visible;
    if (visible) shown += 1;
  }
  const total = S.clips.size;
  // a job that ended without clips (failed, canceled, nothing found) has nothing to browse
  const nothing = TERMINAL.has(S.status) && !total;
  $("filters").hidden = nothing;
  $("player").hidden = nothing;
  const filtered = f.bucket !== "all" || f.period || f.down || f.type || f.conf !== CONF_DEFAULT;
  $("filters-reset").hidden = !filtered;
  let text = total ? `Showing ${shown} of ${total} clip${total === 1 ? "" : "s"}` : "";
  if (lowHidden) text += ` · ${lowHidden} below ${f.conf}% confidence hidden`;
  $("clips-count").textContent = text;
  renderEmpty(total, shown);
}

function resetFilters() {
  $("bucket-all").checked = true;
  for (const id of FACET_SELECTS) $(id).value = "";
  conf.value = String(CONF_DEFAULT);
  storage.set(CONF_STORE, CONF_DEFAULT);
  scheduleRender();
  $("bucket-all").focus();
}

/** Back to no filter (a new job on screen); the threshold this browser last used. */
export function clearFilters() {
  $("bucket-all").checked = true;
  for (const id of FACET_SELECTS) $(id).replaceChildren(el("option", { value: "", text: "All" }));
  conf.value = String(storage.get(CONF_STORE, CONF_DEFAULT));
  $("filter-conf-out").textContent = conf.value;
}

export function wireFilters() {
  $("filters").addEventListener("submit", (e) => e.preventDefault());
  for (const id of FACET_SELECTS) $(id).addEventListener("change", scheduleRender);
  for (const input of document.querySelectorAll('input[name="bucket"]')) {
    input.addEventListener("change", scheduleRender);
  }
  conf.addEventListener("input", () => {
    $("filter-conf-out").textContent = conf.value;
    storage.set(CONF_STORE, Number(conf.value));
    scheduleRender();
  });
  $("filters-reset").addEventListener("click", resetFilters);
}
