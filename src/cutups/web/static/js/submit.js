/* The submit view (#/): a recipe, a video (upload with progress, or a link), play-by-play,
 * the team and the clip options (plays) or the recipe's own options; errors from the checks
 * or the API appear next to the field they concern. */

import { api, uploadFile } from "./api.js";
import { $, el } from "./dom.js";
import { fmtBytes } from "./format.js";
import { rememberLabel } from "./labels.js";
import { announce } from "./notify.js";
import { PREFS_STORE, storage } from "./store.js";
import { optionFields, optionMessages, radio, validate } from "./submit-checks.js";
import { PLAYS, currentRecipe, loadRecipes, showRecipe } from "./submit-recipe.js";

const form = $("submit-form");
let busy = false;
let currentUpload = null;

function syncChoices() {
  const source = radio(form, "source");
  for (const node of form.querySelectorAll("[data-source]")) node.hidden = node.dataset.source !== source;
  const pbp = radio(form, "pbp");
  for (const node of form.querySelectorAll("[data-pbp]")) node.hidden = node.dataset.pbp !== pbp;
}

// ---------------------------------------------------------------- errors
function fieldError(input, errorId, message) {
  const node = $(errorId);
  node.textContent = message;
  node.hidden = false;
  if (input) input.setAttribute("aria-invalid", "true");
}

function clearFieldError(input) {
  input.removeAttribute("aria-invalid");
  const described = (input.getAttribute("aria-describedby") || "").split(/\s+/);
  for (const id of described) {
    if (id.endsWith("-error") && $(id)) $(id).hidden = true;
  }
}

function clearErrors() {
  for (const node of form.querySelectorAll(".field-error")) {
    node.hidden = true;
    node.textContent = "";
  }
  for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  const banner = $("submit-error");
  banner.hidden = true;
  banner.textContent = "";
}

function showError(err, fieldInput, fieldErrorId) {
  const banner = $("submit-error");
  banner.textContent = "";
  banner.append(err.message || String(err));
  if (err.code && err.status) banner.append(" ", el("span", { class: "code", text: `(${err.code})` }));
  banner.hidden = false;
  if (fieldInput) fieldError(fieldInput, fieldErrorId, err.message);
}

/** The visible input (or group) of option ``name``, and the id of its error line. */
function optionTarget(name) {
  const nodes = form.querySelectorAll(`[data-option="${CSS.escape(name)}"]`);
  const node = [...nodes].find((n) => !n.closest("[hidden]"));
  if (!node) return null;
  const described = (node.getAttribute("aria-describedby") || "").split(/\s+/);
  return [node, described.find((id) => id.endsWith("-error"))];
}

/** A refused submission: each part naming an option goes next to it; true if any did. */
function placeOptionErrors(err) {
  const recipe = currentRecipe();
  const names = recipe.name === PLAYS
    ? [...form.querySelectorAll("[data-option]")].map((n) => n.dataset.option)
    : recipe.fields.map((f) => f.name);
  let placed = false;
  for (const [name, message] of optionMessages(err.message, recipe.name, names)) {
    const target = name && optionTarget(name);
    if (!target) continue;
    if (!placed) target[0].focus();
    fieldError(target[0], target[1], message);
    placed = true;
  }
  return placed;
}

/** An error while sending, shown next to the field of the step that failed. */
function placeError(err, stage) {
  const source = radio(form, "source");
  if (stage === "job" && err.status === 422 && placeOptionErrors(err)) showError(err);
  else if (err.code === "aborted") showError(err);
  else if (stage === "video" && source === "file") showError(err, $("video-file"), "video-file-error");
  else if (stage === "video") showError(err, $("video-url"), "video-url-error");
  else if (stage === "pbp" && radio(form, "pbp") === "file") showError(err, $("pbp-file"), "pbp-file-error");
  else if (stage === "job" && source === "url" && /url|link|address/i.test(err.message)) {
    showError(err, $("video-url"), "video-url-error");
  } else showError(err);
}

// ---------------------------------------------------------------- uploads
function setUploadUi(label, loaded, total) {
  $("upload").hidden = false;
  $("upload-label").textContent = label;
  const bar = $("upload-progress");
  if (loaded < 0) {
    bar.value = 100;
    $("upload-text").textContent = "Checking…";
    return;
  }
  const pct = total > 0 ? Math.min(100, (loaded / total) * 100) : 0;
  bar.value = pct;
  $("upload-text").textContent = `${Math.floor(pct)}% · ${fmtBytes(loaded)} of ${fmtBytes(total)}`;
}

async function send(file, kind) {
  const label = `Uploading ${file.name}`;
  setUploadUi(label, 0, file.size);
  currentUpload = uploadFile(file, kind, (loaded, total) => setUploadUi(label, loaded, total));
  $("upload-cancel").hidden = false;
  try {
    return await currentUpload.promise;
  } finally {
    currentUpload = null;
  }
}

// ---------------------------------------------------------------- submitting
function setBusy(on) {
  busy = on;
  const button = $("submit-button");
  button.disabled = on;
  button.textContent = on ? "Working…" : "Cut it up";
  form.setAttribute("aria-busy", on ? "true" : "false");
}

/** Upload what needs uploading into ``body``; ``at.stage`` says which step is running. */
async function addSources(body, team, at) {
  let label;
  if (radio(form, "source") === "file") {
    const file = $("video-file").files[0];
    label = file.name;
    body.upload_id = (await send(file, "video")).upload_id;
  } else {
    body.video_url = $("video-url").value.trim();
    label = body.video_url;
  }
  at.stage = "pbp";
  const pbp = radio(form, "pbp");
  if (pbp === "file") {
    body.pbp_upload_id = (await send($("pbp-file").files[0], "pbp")).upload_id;
  } else if (pbp === "cfbd") {
    body.options.cfbd = { use_cfbd: true, game_id: Number($("cfbd-game-id").value.trim()) };
    if (team) body.options.cfbd.team = team;
  }
  return label;
}

async function submitJob(values, options) {
  const recipe = currentRecipe().name;
  const team = recipe === PLAYS ? $("team").value.trim() : "";
  const body = { recipe, options };
  const at = { stage: "video" };
  try {
    const label = await addSources(body, team, at);
    at.stage = "job";
    $("upload-label").textContent = "Starting the job";
    const accepted = await api("jobs", { method: "POST", body });
    $("upload-text").textContent = "Submitted";
    rememberLabel(accepted.job_id, label);
    if (recipe === PLAYS) storage.set(PREFS_STORE, { team, ...values });
    $("video-file").value = "";
    $("pbp-file").value = "";
    announce("Job submitted.");
    location.hash = `#/jobs/${encodeURIComponent(accepted.job_id)}`;
  } catch (err) {
    $("upload").hidden = true;
    placeError(err, at.stage);
  }
}

async function onSubmit(e) {
  e.preventDefault();
  if (busy) return;
  clearErrors();
  const { problems, values, options } = validate(form, currentRecipe());
  if (problems.length) {
    for (const [input, errorId, message] of problems) fieldError(input, errorId, message);
    showError(new Error(problems.length === 1 ? problems[0][2] : `Please fix ${problems.length} fields.`));
    problems[0][0].focus();
    return;
  }
  setBusy(true);
  try {
    await submitJob(values, options);
  } finally {
    setBusy(false);
    $("upload-cancel").hidden = true;
  }
}

// ---------------------------------------------------------------- setup
function prefill() {
  const prefs = storage.get(PREFS_STORE, null);
  if (!prefs) return;
  if (prefs.team) $("team").value = prefs.team;
  const fields = optionFields();
  for (const key of ["pre", "post", "min", "max"]) {
    if (Number.isFinite(prefs[key])) fields[key].value = prefs[key];
  }
}

function wire() {
  form.addEventListener("change", (e) => {
    if (e.target.name === "source" || e.target.name === "pbp") syncChoices();
    if (e.target.id === "recipe") showRecipe(syncChoices);
    if (e.target.type === "file" || e.target.id === "video-url" || e.target.id === "cfbd-game-id") {
      clearFieldError(e.target);
    }
    const option = e.target.closest("[data-option]");
    if (option) clearFieldError(option);
  });
  form.addEventListener("submit", onSubmit);
  $("upload-cancel").addEventListener("click", () => {
    if (currentUpload) currentUpload.abort();
  });
  window.addEventListener("beforeunload", (e) => {
    if (currentUpload) {
      e.preventDefault();
      e.returnValue = "";
    }
  });
}

/** Wire the form and fill in what was used last time; returns the view. */
export function initSubmitView() {
  wire();
  prefill();
  syncChoices();
  return {
    enter() {
      document.title = "New job · Cutups";
      loadRecipes(syncChoices);
      syncChoices();
      if (!busy) $("upload").hidden = true;
      return { leave() {} };
    },
  };
}
