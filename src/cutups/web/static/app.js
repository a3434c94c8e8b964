/* Cutups web page: plain JavaScript, no dependencies, no build step.
 *
 * Views (hash routing, so a job can be bookmarked):
 *   #/            submit a video (upload with progress, or a link) + play-by-play + options
 *   #/jobs        the jobs list, refreshed while jobs run; cancel
 *   #/jobs/<id>   one job: live progress (Server-Sent Events, polling as a fallback), the clip
 *                 browser (filters, confidence threshold, player, keyboard), the reel, downloads
 *
 * With an API key saved (servers with CUTUPS_API_KEYS), every request carries
 * "Authorization: Bearer <key>": the event stream is read with fetch() instead of EventSource
 * (which cannot send headers), and media and downloads are fetched as blobs.
 */
"use strict";

(() => {
  // ------------------------------------------------------------------ constants and helpers
  const $ = (id) => document.getElementById(id);
  const KEY_STORE = "cutups.apiKey";
  const LABEL_STORE = "cutups.jobLabels";
  const PREFS_STORE = "cutups.prefs";
  const CONF_DEFAULT = 40; // the seed's CONF_HIDE_THRESHOLD
  const TERMINAL = new Set(["completed", "failed", "canceled"]);
  const ACTIVE = new Set(["queued", "processing"]);
  const STAGES = ["queued", "downloading", "analysing", "detecting", "cutting", "packaging", "completed"];
  const STAGE_TEXT = {
    queued: "Waiting in the queue",
    downloading: "Fetching the video",
    analysing: "Analysing the broadcast",
    detecting: "Finding the plays",
    cutting: "Cutting clips",
    packaging: "Building the reel and ZIP",
    completed: "Done",
  };
  const BUCKETS = ["team_offense", "opp_offense", "special_teams", "unassigned"];
  const BUCKET_TEXT = {
    team_offense: "Team offense",
    opp_offense: "Opponent offense",
    special_teams: "Special teams",
    unassigned: "Unassigned",
  };
  const EVENT_TYPES = [
    "queued", "attempt", "stage", "progress", "checkpoint", "clip_ready",
    "completed", "failed", "canceled",
  ];
  const JOB_ID = /^[A-Za-z0-9_-]{1,64}$/;

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  /** Create an element: el("span", {class: "x", text: "hi"}, child, ...). */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "text") node.textContent = value;
      else if (name === "class") node.className = value;
      else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  const storage = {
    get(key, fallback) {
      try {
        const raw = localStorage.getItem(key);
        return raw === null ? fallback : JSON.parse(raw);
      } catch {
        return fallback;
      }
    },
    set(key, value) {
      try {
        localStorage.setItem(key, JSON.stringify(value));
      } catch {
        /* private mode or full: the page still works without remembering */
      }
    },
    remove(key) {
      try {
        localStorage.removeItem(key);
      } catch {
        /* ignore */
      }
    },
  };

  function pad2(n) {
    return String(n).padStart(2, "0");
  }
  /** 75.4 -> "1:15" */
  function fmtTime(sec) {
    if (!Number.isFinite(sec) || sec < 0) return "–";
    const s = Math.round(sec);
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    return h ? `${h}:${pad2(m)}:${pad2(s % 60)}` : `${m}:${pad2(s % 60)}`;
  }
  function fmtEta(sec) {
    if (!Number.isFinite(sec)) return null;
    if (sec < 1) return "a moment";
    if (sec < 90) return `about ${Math.ceil(sec)} s`;
    if (sec < 5400) return `about ${Math.round(sec / 60)} min`;
    return `about ${(sec / 3600).toFixed(1)} h`;
  }
  function fmtBytes(n) {
    if (!Number.isFinite(n)) return "";
    if (n < 1e3) return `${n} B`;
    if (n < 1e6) return `${(n / 1e3).toFixed(0)} kB`;
    if (n < 1e9) return `${(n / 1e6).toFixed(1)} MB`;
    return `${(n / 1e9).toFixed(2)} GB`;
  }
  function fmtAgo(epochSec) {
    if (!Number.isFinite(epochSec)) return "";
    const d = Date.now() / 1000 - epochSec;
    if (d < 45) return "just now";
    if (d < 3600) return `${Math.round(d / 60)} min ago`;
    if (d < 86400) return `${Math.round(d / 3600)} h ago`;
    return new Date(epochSec * 1000).toLocaleDateString();
  }
  function fmtDate(epochSec) {
    return Number.isFinite(epochSec) ? new Date(epochSec * 1000).toLocaleString() : "";
  }
  function ordinal(n) {
    return { 1: "1st", 2: "2nd", 3: "3rd" }[n] || `${n}th`;
  }
  function periodText(p) {
    if (!Number.isFinite(p)) return null;
    if (p <= 4) return `Q${p}`;
    return p === 5 ? "OT" : `${p - 4}OT`;
  }
  function periodLong(p) {
    if (p <= 4) return `${ordinal(p)} quarter`;
    return p === 5 ? "Overtime" : `Overtime ${p - 4}`;
  }
  function downText(clip) {
    if (!Number.isFinite(clip.down) || clip.down < 1) return null;
    const goal = Number.isFinite(clip.yards_to_goal) && Number.isFinite(clip.distance)
      && clip.yards_to_goal <= clip.distance;
    const dist = goal ? "Goal" : Number.isFinite(clip.distance) ? clip.distance : "?";
    return `${ordinal(clip.down)} & ${dist}`;
  }
  function bucketOf(clip) {
    return BUCKETS.includes(clip.bucket) ? clip.bucket : "unassigned";
  }
  function clipNumber(clip, fallback) {
    const m = /^clip_(\d+)$/.exec(clip.id);
    return m ? Number(m[1]) + 1 : fallback;
  }
  /** "Q1 3:00 · 3rd & 4", or the time in the video when no play-by-play was given. */
  function clipHeadline(clip) {
    const parts = [];
    const period = periodText(clip.period);
    if (period) parts.push(clip.clock ? `${period} ${clip.clock}` : period);
    const down = downText(clip);
    if (down) parts.push(down);
    if (!parts.length) parts.push(`Play at ${fmtTime(clip.snap ?? clip.start)}`);
    return parts.join(" · ");
  }
  function scoreBand(score) {
    if (score >= 70) return "high";
    return score >= CONF_DEFAULT ? "mid" : "low";
  }

  // ------------------------------------------------------------------ live region and banner
  let announceTimer = null;
  /** Speak through the polite live region; bursts are coalesced into the latest message. */
  function announce(message) {
    clearTimeout(announceTimer);
    announceTimer = setTimeout(() => {
      $("live").textContent = message;
    }, 400);
  }
  function showBanner(message) {
    const banner = $("banner");
    banner.textContent = message;
    banner.hidden = !message;
  }

  // ------------------------------------------------------------------ API key
  function getKey() {
    return storage.get(KEY_STORE, "") || "";
  }
  function authHeaders() {
    const key = getKey();
    return key ? { Authorization: `Bearer ${key}` } : {};
  }
  function renderKeyState() {
    const panel = $("key-panel");
    const has = Boolean(getKey());
    panel.classList.toggle("has-key", has);
    if (has) panel.classList.remove("needs-key");
    $("key-summary").textContent = has ? "API key saved" : "API key";
  }
  function needKey() {
    const panel = $("key-panel");
    panel.classList.add("needs-key");
    panel.open = true;
    const had = Boolean(getKey());
    showBanner(
      had
        ? "The server refused the saved API key. Paste a valid key under “API key” at the top."
        : "This server needs an API key: paste it under “API key” at the top.",
    );
    $("api-key").focus();
  }

  // ------------------------------------------------------------------ API calls
  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }
  function errorFrom(status, data) {
    const err = data && data.error;
    if (err && err.message) return new ApiError(status, err.code || "error", err.message);
    return new ApiError(status, `http_${status}`, `The server answered HTTP ${status}.`);
  }
  const NETWORK_MESSAGE = "Cannot reach the Cutups server. Is “cutups serve” still running?";

  async function readJson(resp) {
    const text = await resp.text();
    try {
      return text ? JSON.parse(text) : null;
    } catch {
      return null;
    }
  }

  /** JSON request to the API; throws ApiError with the server's {error: {code, message}}. */
  async function api(path, { method = "GET", body } = {}) {
    const headers = { Accept: "application/json", ...authHeaders() };
    const init = { method, headers, cache: "no-store" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let resp;
    try {
      resp = await fetch(path, init);
    } catch {
      throw new ApiError(0, "network", NETWORK_MESSAGE);
    }
    const data = await readJson(resp);
    if (!resp.ok) {
      const err = errorFrom(resp.status, data);
      if (resp.status === 401) needKey();
      throw err;
    }
    return data;
  }

  /** POST /upload (multipart) with progress; returns {promise, abort}. */
  function uploadFile(file, kind, onProgress) {
    const xhr = new XMLHttpRequest();
    const promise = new Promise((resolve, reject) => {
      xhr.open("POST", kind === "pbp" ? "upload?kind=pbp" : "upload");
      for (const [name, value] of Object.entries(authHeaders())) xhr.setRequestHeader(name, value);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
      xhr.upload.onload = () => onProgress(-1, -1); // sent: the server now checks the file
      xhr.onload = () => {
        let data = null;
        try {
          data = JSON.parse(xhr.responseText);
        } catch {
          /* not JSON */
        }
        if (xhr.status >= 200 && xhr.status < 300 && data) resolve(data);
        else {
          if (xhr.status === 401) needKey();
          reject(errorFrom(xhr.status, data));
        }
      };
      xhr.onerror = () => reject(new ApiError(0, "network", `The upload of ${file.name} was interrupted. ${NETWORK_MESSAGE}`));
      xhr.onabort = () => reject(new ApiError(0, "aborted", "Upload canceled."));
      const form = new FormData();
      form.append("file", file, file.name);
      xhr.send(form);
    });
    return { promise, abort: () => xhr.abort() };
  }

  // Media behind an API key: <video>/<img>/downloads cannot send headers, so fetch blobs.
  const blobUrls = new Map();
  async function mediaUrl(path) {
    if (!getKey()) return path;
    if (!blobUrls.has(path)) {
      const pending = (async () => {
        const resp = await fetch(path, { headers: authHeaders() });
        if (!resp.ok) throw errorFrom(resp.status, await readJson(resp));
        return URL.createObjectURL(await resp.blob());
      })();
      blobUrls.set(path, pending);
      pending.catch(() => blobUrls.delete(path));
    }
    return blobUrls.get(path);
  }
  function releaseMedia() {
    for (const pending of blobUrls.values()) pending.then((u) => URL.revokeObjectURL(u), () => {});
    blobUrls.clear();
  }
  /** Links that download: plain links without a key; with one, fetch and save a blob. */
  function wireDownload(anchor) {
    anchor.addEventListener("click", async (e) => {
      if (!getKey()) return;
      e.preventDefault();
      const path = anchor.getAttribute("href");
      try {
        const resp = await fetch(path, { headers: authHeaders() });
        if (!resp.ok) throw errorFrom(resp.status, await readJson(resp));
        const url = URL.createObjectURL(await resp.blob());
        const a = el("a", { href: url, download: anchor.getAttribute("download") || "" });
        document.body.append(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 60_000);
      } catch (err) {
        showBanner(err.message || String(err));
      }
    });
  }

  /** The job's event stream. EventSource without a key; fetch() with one (it can send headers). */
  function openEvents(jobId, onEvent) {
    const url = `jobs/${encodeURIComponent(jobId)}/events`;
    if (!getKey() && "EventSource" in window) {
      const source = new EventSource(url);
      for (const type of EVENT_TYPES) {
        source.addEventListener(type, (msg) => {
          let data = null;
          try {
            data = JSON.parse(msg.data);
          } catch {
            return;
          }
          if (TERMINAL.has(type)) source.close(); // the server ends the stream; do not reconnect
          onEvent(type, data);
        });
      }
      return { close: () => source.close() };
    }
    return fetchEvents(url, onEvent);
  }

  function fetchEvents(url, onEvent) {
    const controller = new AbortController();
    let closed = false;
    let lastId = null;
    (async () => {
      while (!closed) {
        let ended = false;
        try {
          const headers = { Accept: "text/event-stream", ...authHeaders() };
          if (lastId !== null) headers["Last-Event-ID"] = lastId;
          const resp = await fetch(url, { headers, signal: controller.signal, cache: "no-store" });
          if (!resp.ok || !resp.body) {
            if (resp.status === 401) needKey();
            if (resp.status >= 400 && resp.status < 500) return; // polling carries on
            throw new Error(`HTTP ${resp.status}`);
          }
          const reader = resp.body.pipeThrough(new TextDecoderStream()).getReader();
          let buffer = "";
          let event = { type: "message", data: [], id: null };
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            buffer += value;
            let nl;
            while ((nl = buffer.indexOf("\n")) >= 0) {
              const line = buffer.slice(0, nl).replace(/\r$/, "");
              buffer = buffer.slice(nl + 1);
              if (line === "") {
                if (event.data.length) {
                  if (event.id !== null) lastId = event.id;
                  let data = null;
                  try {
                    data = JSON.parse(event.data.join("\n"));
                  } catch {
                    /* skip */
                  }
                  if (data) {
                    if (TERMINAL.has(event.type)) ended = true;
                    onEvent(event.type, data);
                  }
                }
                event = { type: "message", data: [], id: null };
              } else if (!line.startsWith(":")) {
                const colon = line.indexOf(":");
                const field = colon < 0 ? line : line.slice(0, colon);
                let val = colon < 0 ? "" : line.slice(colon + 1);
                if (val.startsWith(" ")) val = val.slice(1);
                if (field === "data") event.data.push(val);
                else if (field === "event") event.type = val;
                else if (field === "id") event.id = val;
              }
            }
          }
        } catch (err) {
          if (closed || (err && err.name === "AbortError")) return;
        }
        if (ended || closed) return;
        await sleep(3000); // the server's retry: 3000
      }
    })();
    return {
      close() {
        closed = true;
        controller.abort();
      },
    };
  }

  // ------------------------------------------------------------------ job labels (this browser)
  function rememberLabel(jobId, label) {
    const labels = storage.get(LABEL_STORE, {});
    labels[jobId] = label;
    const ids = Object.keys(labels);
    for (const id of ids.slice(0, Math.max(0, ids.length - 300))) delete labels[id];
    storage.set(LABEL_STORE, labels);
  }
  function jobLabel(job) {
    const saved = storage.get(LABEL_STORE, {})[job.job_id];
    if (saved) return saved;
    const source = job.source || {};
    if (source.kind === "video_url" && source.value) {
      try {
        const u = new URL(source.value);
        const tail = decodeURIComponent(u.pathname.split("/").filter(Boolean).pop() || "");
        return tail ? `${tail} (${u.hostname})` : u.hostname;
      } catch {
        return source.value;
      }
    }
    if (source.kind === "presigned_url") return "Video from a presigned URL";
    return "Uploaded video";
  }

  // ------------------------------------------------------------------ router
  let view = null; // {name, leave()}
  let firstRoute = true;

  function route() {
    if (view && view.leave) view.leave();
    view = null;
    showBanner("");
    const hash = location.hash || "#/";
    let name;
    let focusTarget;
    if (hash.startsWith("#/jobs/")) {
      name = "job";
      view = jobView.enter(decodeURIComponent(hash.slice("#/jobs/".length)));
      focusTarget = "job-title";
    } else if (hash === "#/jobs" || hash === "#/jobs/") {
      name = "jobs";
      view = jobsView.enter();
      focusTarget = "jobs-title";
    } else {
      name = "submit";
      view = submitView.enter();
      focusTarget = "submit-title";
    }
    for (const section of document.querySelectorAll(".view")) {
      section.hidden = section.id !== `view-${name}`;
    }
    for (const link of document.querySelectorAll("[data-nav]")) {
      const current = link.dataset.nav === name || (name === "job" && link.dataset.nav === "jobs");
      if (current) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    }
    if (!firstRoute) {
      const target = $(focusTarget);
      if (target) target.focus({ preventScroll: true });
      window.scrollTo(0, 0);
    }
    firstRoute = false;
  }

  // ================================================================== submit view
  const submitView = (() => {
    const form = $("submit-form");
    const fields = {
      pre: $("opt-pre"),
      post: $("opt-post"),
      min: $("opt-min"),
      max: $("opt-max"),
    };
    let busy = false;
    let currentUpload = null;

    function radio(name) {
      const checked = form.querySelector(`input[name="${name}"]:checked`);
      return checked ? checked.value : null;
    }
    function syncChoices() {
      const source = radio("source");
      for (const node of form.querySelectorAll("[data-source]")) node.hidden = node.dataset.source !== source;
      const pbp = radio("pbp");
      for (const node of form.querySelectorAll("[data-pbp]")) node.hidden = node.dataset.pbp !== pbp;
    }
    form.addEventListener("change", (e) => {
      if (e.target.name === "source" || e.target.name === "pbp") syncChoices();
      if (e.target.type === "file" || e.target.id === "video-url" || e.target.id === "cfbd-game-id") {
        clearFieldError(e.target);
      }
    });

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

    function readNumber(input, label) {
      const value = Number(input.value);
      const min = Number(input.min);
      const max = Number(input.max);
      if (input.value.trim() === "" || !Number.isFinite(value)) return { error: `${label}: enter a number of seconds.` };
      if (value < min || value > max) return { error: `${label}: between ${min} and ${max} seconds.` };
      return { value };
    }

    /** Check the form; returns the problems as [input, errorId, message]. */
    function validate() {
      const problems = [];
      if (radio("source") === "file") {
        if (!$("video-file").files.length) problems.push([$("video-file"), "video-file-error", "Choose a video file."]);
      } else {
        const url = $("video-url").value.trim();
        if (!url) problems.push([$("video-url"), "video-url-error", "Paste a link to the video."]);
        else if (!/^https?:\/\//i.test(url)) {
          problems.push([$("video-url"), "video-url-error", "The link must start with http:// or https://."]);
        }
      }
      const pbp = radio("pbp");
      if (pbp === "file" && !$("pbp-file").files.length) {
        problems.push([$("pbp-file"), "pbp-file-error", "Choose a play-by-play file, or pick “No play-by-play”."]);
      }
      if (pbp === "cfbd" && !/^\d{1,12}$/.test($("cfbd-game-id").value.trim())) {
        problems.push([$("cfbd-game-id"), "cfbd-error", "A CFBD game id is a number, e.g. 401525839."]);
      }
      const labels = { pre: "Before the snap", post: "After the whistle", min: "Shortest clip", max: "Longest clip" };
      const values = {};
      for (const [key, input] of Object.entries(fields)) {
        const r = readNumber(input, labels[key]);
        if (r.error) problems.push([input, "options-error", r.error]);
        else values[key] = r.value;
      }
      if (values.min !== undefined && values.max !== undefined && values.min > values.max) {
        problems.push([fields.min, "options-error", "The shortest clip cannot be longer than the longest clip."]);
      }
      return { problems, values };
    }

    function setUploadUi(label, loaded, total) {
      const box = $("upload");
      box.hidden = false;
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

    async function send(file, kind, label) {
      setUploadUi(label, 0, file.size);
      currentUpload = uploadFile(file, kind, (loaded, total) => setUploadUi(label, loaded, total));
      $("upload-cancel").hidden = false;
      try {
        return await currentUpload.promise;
      } finally {
        currentUpload = null;
      }
    }

    function setBusy(on) {
      busy = on;
      const button = $("submit-button");
      button.disabled = on;
      button.textContent = on ? "Working…" : "Cut it up";
      form.setAttribute("aria-busy", on ? "true" : "false");
    }

    async function onSubmit(e) {
      e.preventDefault();
      if (busy) return;
      clearErrors();
      const { problems, values } = validate();
      if (problems.length) {
        for (const [input, errorId, message] of problems) fieldError(input, errorId, message);
        showError(new Error(problems.length === 1 ? problems[0][2] : `Please fix ${problems.length} fields.`));
        problems[0][0].focus();
        return;
      }
      setBusy(true);
      const options = {
        play_padding_pre: values.pre,
        play_padding_post: values.post,
        min_duration: values.min,
        max_duration: values.max,
      };
      const team = $("team").value.trim();
      if (team) options.team = team;
      const body = { options };
      let label;
      let stage = "video";
      try {
        if (radio("source") === "file") {
          const file = $("video-file").files[0];
          label = file.name;
          const up = await send(file, "video", `Uploading ${file.name}`);
          body.upload_id = up.upload_id;
        } else {
          body.video_url = $("video-url").value.trim();
          label = body.video_url;
        }
        const pbp = radio("pbp");
        stage = "pbp";
        if (pbp === "file") {
          const file = $("pbp-file").files[0];
          const up = await send(file, "pbp", `Uploading ${file.name}`);
          body.pbp_upload_id = up.upload_id;
        } else if (pbp === "cfbd") {
          options.cfbd = { use_cfbd: true, game_id: Number($("cfbd-game-id").value.trim()) };
          if (team) options.cfbd.team = team;
        }
        stage = "job";
        $("upload-label").textContent = "Starting the job";
        const accepted = await api("jobs", { method: "POST", body });
        $("upload-text").textContent = "Submitted";
        rememberLabel(accepted.job_id, label);
        storage.set(PREFS_STORE, { team, ...values });
        $("video-file").value = "";
        $("pbp-file").value = "";
        announce("Job submitted.");
        location.hash = `#/jobs/${encodeURIComponent(accepted.job_id)}`;
      } catch (err) {
        $("upload").hidden = true;
        if (err.code === "aborted") {
          showError(err);
        } else if (stage === "video" && radio("source") === "file") {
          showError(err, $("video-file"), "video-file-error");
        } else if (stage === "video") {
          showError(err, $("video-url"), "video-url-error");
        } else if (stage === "pbp" && radio("pbp") === "file") {
          showError(err, $("pbp-file"), "pbp-file-error");
        } else if (stage === "job" && radio("source") === "url" && /url|link|address/i.test(err.message)) {
          showError(err, $("video-url"), "video-url-error");
        } else {
          showError(err);
        }
      } finally {
        setBusy(false);
        $("upload-cancel").hidden = true;
      }
    }

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

    // Prefill what was used last time.
    const prefs = storage.get(PREFS_STORE, null);
    if (prefs) {
      if (prefs.team) $("team").value = prefs.team;
      for (const key of ["pre", "post", "min", "max"]) {
        if (Number.isFinite(prefs[key])) fields[key].value = prefs[key];
      }
    }
    syncChoices();

    return {
      enter() {
        document.title = "New job · Cutups";
        syncChoices();
        if (!busy) $("upload").hidden = true;
        return { leave() {} };
      },
    };
  })();

  // ================================================================== jobs list
  const jobsView = (() => {
    const list = $("jobs-list");
    const rows = new Map();
    let timer = null;
    let shown = 25;
    let generation = 0;

    function progressText(job) {
      if (job.status === "failed") return `Failed: ${job.error || "unknown error"}`;
      if (job.status === "canceled") return "Canceled";
      if (job.status === "completed") return "Done";
      if (job.status === "queued") return "Waiting in the queue";
      return `${STAGE_TEXT[job.stage] || "Working"} · ${Math.floor(job.pct)}%`;
    }

    function clipsText(job) {
      const p = job.progress || {};
      if (job.result && Number.isFinite(job.result.clips)) return `${job.result.clips} clips`;
      if (Number.isFinite(p.clips_planned)) return `${p.clips_done || 0} of ${p.clips_planned} clips`;
      return "";
    }

    function buildRow(job) {
      const li = el("li", { class: "job-row" });
      const link = el("a", { href: `#/jobs/${encodeURIComponent(job.job_id)}` });
      const meta = el("span", { class: "job-meta" });
      li.append(el("div", { class: "job-name" }, link, meta));
      li.append(el("span", { class: "status" }));
      const fill = el("span");
      const meter = el("div", {
        class: "mini-meter", role: "progressbar", "aria-valuemin": 0, "aria-valuemax": 100,
      }, fill);
      li.append(el("div", { class: "job-progress" }, meter, el("span", { class: "job-progress-text" })));
      li.append(el("span", { class: "job-clips" }));
      const actions = el("div", { class: "job-row-actions" });
      const zip = el("a", { class: "btn ghost small", download: `cutups-${job.job_id}.zip`, text: "ZIP" });
      wireDownload(zip);
      const cancel = el("button", { type: "button", class: "btn danger small", text: "Cancel" });
      cancel.addEventListener("click", () => cancelJob(li.dataset.jobId, cancel));
      actions.append(zip, cancel);
      li.append(actions);
      li.dataset.jobId = job.job_id;
      return li;
    }

    function updateRow(li, job) {
      const label = jobLabel(job);
      li.dataset.status = job.status;
      const link = li.querySelector(".job-name a");
      link.textContent = label;
      link.title = label;
      const meta = li.querySelector(".job-meta");
      meta.textContent = `${job.job_id} · ${fmtAgo(job.created)}`;
      meta.title = fmtDate(job.created);
      const status = li.querySelector(".status");
      status.dataset.status = job.status;
      status.textContent = job.status;
      const pct = job.status === "completed" ? 100 : Math.max(0, Math.min(100, job.pct || 0));
      const meter = li.querySelector(".mini-meter");
      meter.setAttribute("aria-valuenow", String(Math.floor(pct)));
      meter.setAttribute("aria-label", `Progress of ${label}`);
      meter.style.setProperty("--pct", `${pct}%`);
      meter.firstChild.style.setProperty("--pct", `${pct}%`);
      li.querySelector(".job-progress-text").textContent = progressText(job);
      li.querySelector(".job-clips").textContent = clipsText(job);
      const zip = li.querySelector("a[download]");
      zip.hidden = job.status !== "completed";
      zip.href = `jobs/${encodeURIComponent(job.job_id)}/download`;
      zip.setAttribute("aria-label", `Download the ZIP of ${label}`);
      const cancel = li.querySelector("button");
      cancel.hidden = !ACTIVE.has(job.status);
      cancel.setAttribute("aria-label", `Cancel ${label}`);
    }

    async function cancelJob(jobId, button) {
      if (!window.confirm("Cancel this job? Clips cut so far are deleted.")) return;
      button.disabled = true;
      button.textContent = "Canceling…";
      try {
        await api(`jobs/${encodeURIComponent(jobId)}/cancel`, { method: "POST" });
        announce("Job canceled.");
      } catch (err) {
        showBanner(err.message);
      } finally {
        button.disabled = false;
        button.textContent = "Cancel";
        refresh();
      }
    }

    async function refresh() {
      const gen = generation;
      clearTimeout(timer);
      const status = $("jobs-status").value;
      const params = new URLSearchParams({ limit: String(Math.min(200, shown)), offset: "0" });
      if (status) params.set("status", status);
      let page;
      try {
        page = await api(`jobs?${params}`);
      } catch (err) {
        if (gen !== generation) return;
        if (err.status !== 401) showBanner(err.message);
        timer = setTimeout(refresh, 8000);
        return;
      }
      if (gen !== generation) return;
      showBanner("");
      const seen = new Set();
      let previous = null;
      for (const job of page.data) {
        seen.add(job.job_id);
        let li = rows.get(job.job_id);
        if (!li) {
          li = buildRow(job);
          rows.set(job.job_id, li);
        }
        updateRow(li, job);
        const expected = previous ? previous.nextSibling : list.firstChild;
        if (expected !== li) list.insertBefore(li, expected);
        previous = li;
      }
      for (const [id, li] of rows) {
        if (!seen.has(id)) {
          li.remove();
          rows.delete(id);
        }
      }
      $("jobs-empty").hidden = page.count > 0;
      $("jobs-count").textContent = page.count
        ? `${page.count} job${page.count === 1 ? "" : "s"}${status ? ` ${status}` : ""}`
        : "";
      $("jobs-more").hidden = page.next_offset === null || page.next_offset === undefined;
      const active = page.data.some((j) => ACTIVE.has(j.status));
      timer = setTimeout(refresh, active ? 2000 : 8000);
    }

    $("jobs-refresh").addEventListener("click", () => refresh());
    $("jobs-status").addEventListener("change", () => {
      shown = 25;
      refresh();
    });
    $("jobs-more").addEventListener("click", () => {
      shown += 25;
      refresh();
    });

    return {
      enter() {
        document.title = "Jobs · Cutups";
        generation += 1;
        refresh();
        return {
          leave() {
            generation += 1;
            clearTimeout(timer);
          },
        };
      },
    };
  })();

  // ================================================================== one job
  const jobView = (() => {
    const video = $("clip-video");
    const reel = $("reel-video");
    const list = $("clip-list");
    const conf = $("filter-conf");
    const S = {}; // state of the job on screen; reset by enter()
    let generation = 0;
    let renderQueued = false;

    function reset(jobId) {
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
        clips: new Map(),
        cards: new Map(),
        currentId: null,
        manifest: null,
        reelReady: false,
        stream: null,
        poll: null,
        lastPctSpoken: -1,
      });
    }
    reset(null);

    const jobPath = (suffix = "") => `jobs/${encodeURIComponent(S.id)}${suffix}`;
    const clipPath = (clip) => jobPath(`/clips/${encodeURIComponent(clip.id)}`);
    const thumbPath = (clip) => jobPath(`/thumbs/${encodeURIComponent(clip.id)}`);

    // -------------------------------------------------------------- progress
    function stageRank(stage) {
      const i = STAGES.indexOf(stage);
      return i < 0 ? -1 : i;
    }
    function setStage(stage) {
      if (!stage || stageRank(stage) < stageRank(S.stage)) return;
      if (stage !== S.stage) {
        S.stage = stage;
        if (!TERMINAL.has(S.status)) announce(`${STAGE_TEXT[stage] || stage}, ${Math.floor(S.pct)}%`);
      }
    }
    function setPct(pct) {
      if (Number.isFinite(pct)) S.pct = Math.max(S.pct, Math.min(100, pct));
      const q = Math.floor(S.pct / 25);
      if (q > S.lastPctSpoken && S.status === "processing") {
        S.lastPctSpoken = q;
        if (q > 0 && q < 4) announce(`${STAGE_TEXT[S.stage] || "Working"}, ${q * 25}%`);
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

    function renderHead() {
      const job = S.job;
      if (!job) return;
      const label = jobLabel(job);
      $("job-title").textContent = label;
      document.title = `${label} · Cutups`;
      const bits = [`Submitted ${fmtAgo(job.created)}`];
      const opts = job.options || {};
      if (opts.team) bits.push(`team ${opts.team}`);
      const pads = [];
      if (Number.isFinite(opts.play_padding_pre)) pads.push(`${opts.play_padding_pre} s before`);
      if (Number.isFinite(opts.play_padding_post)) pads.push(`${opts.play_padding_post} s after`);
      if (pads.length) bits.push(pads.join(", "));
      if (Number.isFinite(opts.min_duration) && Number.isFinite(opts.max_duration)) {
        bits.push(`clips ${opts.min_duration}–${opts.max_duration} s`);
      }
      $("job-sub").textContent = bits.join(" · ");
      $("job-sub").title = fmtDate(job.created);
    }

    function renderProgress() {
      const status = S.status || "queued";
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

      const current = status === "queued" ? "queued" : S.stage;
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
      const stageText = {
        completed: "Completed",
        failed: "Failed",
        canceled: "Canceled",
      }[status] || STAGE_TEXT[current] || "Starting";
      $("job-stage").textContent = stageText;
      let eta = "–";
      if (status === "processing") eta = fmtEta(S.eta) || "Estimating…";
      else if (status === "completed") eta = "Done";
      $("job-eta").textContent = eta;
      const done = S.clips.size;
      $("job-clips").textContent = Number.isFinite(S.planned) ? `${done} of ${S.planned} cut` : done ? `${done} cut` : "–";
      $("job-detail").textContent = status === "completed" ? "All clips cut, reel and ZIP ready." : S.detail || "–";
      const errorBox = $("job-error");
      errorBox.hidden = !(status === "failed" && S.error);
      errorBox.textContent = status === "failed" ? S.error || "" : "";

      const active = ACTIVE.has(status);
      $("job-cancel").hidden = !active || !S.job;
      const zip = $("job-zip");
      zip.hidden = status !== "completed";
      zip.href = jobPath("/download");
      zip.download = `cutups-${S.id}.zip`;
    }

    // -------------------------------------------------------------- clips
    function addClip(clip, { announceIt = true } = {}) {
      if (!clip || !clip.id) return;
      const known = S.clips.has(clip.id);
      S.clips.set(clip.id, { ...S.clips.get(clip.id), ...clip });
      if (!known) {
        insertCard(S.clips.get(clip.id));
        if (announceIt && S.status !== "completed") {
          const planned = Number.isFinite(S.planned) ? ` of ${S.planned}` : "";
          announce(`${S.clips.size}${planned} clips ready. Latest: ${clipHeadline(clip)}.`);
        }
      }
      scheduleRender();
    }

    function sortedClips() {
      return [...S.clips.values()].sort((a, b) => a.start - b.start || a.id.localeCompare(b.id));
    }

    function insertCard(clip) {
      const bucket = bucketOf(clip);
      const num = clipNumber(clip, S.clips.size);
      const img = el("img", { alt: "", loading: "lazy", decoding: "async", width: 320, height: 180 });
      let retried = false;
      img.addEventListener("error", () => {
        if (retried) {
          img.hidden = true;
          return;
        }
        retried = true;
        setTimeout(() => setImg(img, thumbPath(clip)), 1500);
      });
      setImg(img, thumbPath(clip));
      const score = Number.isFinite(clip.score) ? clip.score : null;
      const button = el(
        "button",
        { type: "button", class: "clip-btn", "aria-current": "false" },
        el("span", { class: "thumb" },
          img,
          el("span", { class: "num", text: `#${num}` }),
          el("span", { class: "dur", text: fmtTime(clip.duration ?? clip.end - clip.start) })),
        el("span", { class: "clip-body" },
          el("span", { class: "clip-top" },
            el("span", { class: `tag tag-${bucket}`, text: BUCKET_TEXT[bucket] }),
            score === null ? null : el("span", {
              class: "score", "data-band": scoreBand(score), text: `${Math.round(score)}% sure`,
            })),
          el("span", { class: "clip-facts", text: clipHeadline(clip) }),
          clip.play_type ? el("span", { class: "clip-type", text: clip.play_type }) : null,
          clip.text ? el("span", { class: "clip-text", text: clip.text }) : null),
      );
      button.addEventListener("click", () => {
        if (S.currentId === clip.id && video.getAttribute("src")) togglePlay();
        else selectClip(clip.id, { play: true });
      });
      const li = el("li", { class: "clip-card", "data-clip-id": clip.id, "data-bucket": bucket }, button);
      S.cards.set(clip.id, li);
      // keep the list in timeline order (clips may be cut out of order)
      const later = sortedClips().find((c) => c.start > clip.start && S.cards.get(c.id) && S.cards.get(c.id).isConnected);
      list.insertBefore(li, later ? S.cards.get(later.id) : null);
    }

    function setImg(img, path) {
      mediaUrl(path).then((url) => {
        img.src = url;
      }, () => {
        img.hidden = true;
      });
    }

    // -------------------------------------------------------------- filters
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
    function visibleClips() {
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

    function renderFilters() {
      const clips = sortedClips();
      const counts = Object.fromEntries(BUCKETS.map((b) => [b, 0]));
      const periods = new Set();
      const downs = new Set();
      const types = new Set();
      let noDown = false;
      for (const clip of clips) {
        counts[bucketOf(clip)] += 1;
        if (Number.isFinite(clip.period)) periods.add(clip.period);
        if (Number.isFinite(clip.down) && clip.down > 0) downs.add(clip.down);
        else noDown = true;
        if (clip.play_type) types.add(clip.play_type);
      }
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

    function applyFilters() {
      const f = filters();
      let shown = 0;
      let lowHidden = 0;
      for (const clip of S.clips.values()) {
        const facet = passesFacets(clip, f);
        const sure = confident(clip, f);
        const visible = facet && sure;
        if (facet && !sure) lowHidden += 1;
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

    // -------------------------------------------------------------- player
    let loadToken = 0;
    async function selectClip(id, { play = false, scroll = false } = {}) {
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
      if (changed || !video.getAttribute("src")) {
        const token = ++loadToken;
        let src;
        let poster;
        try {
          [src, poster] = await Promise.all([mediaUrl(clipPath(clip)), mediaUrl(thumbPath(clip)).catch(() => "")]);
        } catch (err) {
          showBanner(err.message);
          return;
        }
        if (token !== loadToken) return;
        video.poster = poster;
        video.src = src;
        $("video-empty").hidden = true;
      }
      if (play) playVideo(video);
    }

    function playVideo(media) {
      const attempt = media.play();
      if (attempt && attempt.catch) {
        attempt.catch((err) => {
          if (err && err.name === "NotAllowedError" && !media.muted) {
            media.muted = true; // autoplay with sound refused: muted playback is allowed
            media.play().catch(() => {});
          }
        });
      }
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
    function step(delta, { play = true } = {}) {
      const visible = visibleClips();
      if (!visible.length) return;
      const current = S.clips.get(S.currentId);
      let index = visible.findIndex((c) => c.id === S.currentId);
      if (index < 0) {
        // the current clip is filtered out: move relative to its place in time
        const start = current ? current.start : -Infinity;
        index = delta > 0 ? visible.findIndex((c) => c.start > start) : visible.findLastIndex((c) => c.start < start);
        if (index < 0) return;
      } else {
        index += delta;
        if (index < 0 || index >= visible.length) return;
      }
      selectClip(visible[index].id, { play, scroll: true });
    }

    function renderNowPlaying() {
      const visible = visibleClips();
      const clip = S.clips.get(S.currentId);
      const meta = $("now-meta");
      meta.replaceChildren();
      const download = $("clip-download");
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
      const start = current(visible, clip);
      $("clip-prev").disabled = start.prev === null;
      $("clip-next").disabled = start.next === null;
      const bucket = bucketOf(clip);
      meta.append(
        el("div", { class: "line" },
          el("span", { class: `tag tag-${bucket}`, text: BUCKET_TEXT[bucket] }),
          el("strong", { class: "clip-facts", text: clipHeadline(clip) }),
          clip.play_type ? el("span", { class: "clip-type", text: clip.play_type }) : null,
          Number.isFinite(clip.score)
            ? el("span", { class: "score", "data-band": scoreBand(clip.score), text: `${Math.round(clip.score)}% sure` })
            : null),
      );
      if (clip.text) meta.append(el("p", { class: "text", text: clip.text }));
      const where = `${fmtTime(clip.start)}–${fmtTime(clip.end)} in the broadcast · ${fmtTime(clip.duration ?? clip.end - clip.start)} long`;
      meta.append(el("p", { class: "text mono", text: where }));
      download.hidden = false;
      download.href = clipPath(clip);
      download.download = `${S.id}-${clip.id}.mp4`;
    }
    function current(visible, clip) {
      const index = visible.findIndex((c) => c.id === clip.id);
      if (index >= 0) {
        return { prev: index > 0 ? index - 1 : null, next: index < visible.length - 1 ? index + 1 : null };
      }
      const prev = visible.findLastIndex((c) => c.start < clip.start);
      const next = visible.findIndex((c) => c.start > clip.start);
      return { prev: prev < 0 ? null : prev, next: next < 0 ? null : next };
    }

    // -------------------------------------------------------------- reel
    async function renderReel() {
      const manifest = S.manifest;
      if (!manifest || !manifest.complete || !manifest.reel || S.reelReady) return;
      S.reelReady = true;
      const gen = generation;
      const chapters = $("chapters");
      chapters.replaceChildren();
      let t = 0;
      const marks = [];
      const clips = [...manifest.clips].sort((a, b) => a.start - b.start);
      clips.forEach((clip, i) => {
        const at = t;
        const button = el("button", { type: "button", "data-at": at.toFixed(3) },
          el("span", { class: "ch-time", text: fmtTime(at) }),
          el("span", { class: "ch-title" },
            `${i + 1}. ${clipHeadline(clip)}${clip.play_type ? ` · ${clip.play_type}` : ""}`,
            el("small", { text: `${BUCKET_TEXT[bucketOf(clip)]}${clip.text ? ` · ${clip.text}` : ""}` })));
        button.addEventListener("click", () => {
          reel.currentTime = at + 0.01;
          playVideo(reel);
          markChapter(at);
        });
        chapters.append(el("li", {}, button));
        marks.push(at);
        t += Number(clip.duration ?? clip.end - clip.start) || 0;
      });
      S.marks = marks;
      $("reel-section").hidden = false;
      const path = jobPath("/files/reel.mp4");
      const download = $("reel-download");
      download.href = path;
      download.download = `cutups-${S.id}-reel.mp4`;
      try {
        const [src, poster] = await Promise.all([
          mediaUrl(path),
          clips.length ? mediaUrl(thumbPath(clips[0])).catch(() => "") : "",
        ]);
        if (gen !== generation) return;
        reel.poster = poster;
        reel.src = src;
      } catch (err) {
        if (gen === generation) showBanner(err.message);
      }
    }
    function markChapter(time) {
      const marks = S.marks || [];
      let active = -1;
      for (let i = 0; i < marks.length; i += 1) if (time + 0.05 >= marks[i]) active = i;
      [...$("chapters").querySelectorAll("button")].forEach((b, i) => {
        b.setAttribute("aria-current", i === active ? "true" : "false");
      });
    }
    reel.addEventListener("timeupdate", () => markChapter(reel.currentTime));

    // -------------------------------------------------------------- rendering
    function scheduleRender() {
      if (renderQueued) return;
      renderQueued = true;
      requestAnimationFrame(() => {
        renderQueued = false;
        if (!S.id) return;
        renderProgress();
        renderFilters();
        applyFilters();
        if (!S.currentId && S.clips.size) {
          const first = visibleClips()[0];
          if (first) selectClip(first.id);
        } else {
          renderNowPlaying();
        }
      });
    }

    // -------------------------------------------------------------- data
    async function loadJob() {
      const gen = generation;
      try {
        const job = await api(jobPath());
        if (gen === generation) applyJob(job);
        return job;
      } catch (err) {
        if (gen !== generation) return null;
        if (err.status === 404) {
          stopLive();
          $("job-title").textContent = "Job not found";
          showBanner(`There is no job “${S.id}” on this server. It may have expired; see the jobs list.`);
        } else if (err.status !== 401) {
          showBanner(err.message);
        }
        return null;
      }
    }
    async function loadManifest() {
      const gen = generation;
      try {
        const manifest = await api(jobPath("/manifest"));
        if (gen !== generation) return;
        S.manifest = manifest;
        if (Number.isFinite(manifest.clips_planned)) S.planned = manifest.clips_planned;
        for (const clip of manifest.clips || []) addClip(clip, { announceIt: false });
        renderReel();
      } catch {
        /* 409 before the plan exists, 404 for failed jobs: nothing to show yet */
      }
    }
    function onEvent(type, data) {
      if (data.job_id && data.job_id !== S.id) return;
      switch (type) {
        case "queued":
          if (!S.status) S.status = "queued";
          break;
        case "attempt":
          if (!TERMINAL.has(S.status)) S.status = "processing";
          break;
        case "stage":
          if (!TERMINAL.has(S.status)) S.status = "processing";
          setStage(data.stage);
          if (data.detail) S.detail = data.detail;
          break;
        case "progress":
          if (!TERMINAL.has(S.status)) S.status = "processing";
          setStage(data.stage);
          setPct(data.pct);
          if (data.eta_sec !== undefined) S.eta = data.eta_sec;
          if (data.detail) S.detail = data.detail;
          break;
        case "checkpoint":
          if (data.name === "analysis" && Number.isFinite(data.clips)) S.planned = data.clips;
          break;
        case "clip_ready":
          addClip(data.clip);
          break;
        case "completed":
        case "failed":
        case "canceled": {
          const was = S.status;
          S.status = type;
          if (type === "completed") setPct(100);
          if (data.error) S.error = data.error;
          if (was !== type) finished();
          loadJob();
          break;
        }
        default:
          break;
      }
      scheduleRender();
    }

    function finished() {
      stopLive();
      const n = S.clips.size;
      if (S.status === "completed") {
        announce(`Job completed: ${S.planned ?? n} clips ready. The reel and ZIP can be downloaded.`);
        loadManifest();
      } else if (S.status === "failed") {
        announce(`Job failed: ${S.error || "see the error message"}`);
      } else {
        announce("Job canceled.");
      }
    }
    function stopLive() {
      if (S.stream) S.stream.close();
      S.stream = null;
      clearInterval(S.poll);
      S.poll = null;
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
      }, 4000);
    }

    // -------------------------------------------------------------- controls
    $("filters").addEventListener("submit", (e) => e.preventDefault());
    for (const node of [$("filter-period"), $("filter-down"), $("filter-type")]) {
      node.addEventListener("change", scheduleRender);
    }
    for (const input of document.querySelectorAll('input[name="bucket"]')) {
      input.addEventListener("change", scheduleRender);
    }
    conf.addEventListener("input", () => {
      $("filter-conf-out").textContent = conf.value;
      storage.set(`${PREFS_STORE}.conf`, Number(conf.value));
      scheduleRender();
    });
    $("filters-reset").addEventListener("click", () => {
      $("bucket-all").checked = true;
      $("filter-period").value = "";
      $("filter-down").value = "";
      $("filter-type").value = "";
      conf.value = String(CONF_DEFAULT);
      storage.set(`${PREFS_STORE}.conf`, CONF_DEFAULT);
      scheduleRender();
      $("bucket-all").focus();
    });
    $("clip-prev").addEventListener("click", () => step(-1));
    $("clip-next").addEventListener("click", () => step(1));
    video.addEventListener("ended", () => {
      if ($("autonext").checked) step(1);
    });
    $("autonext").checked = Boolean(storage.get(`${PREFS_STORE}.autonext`, false));
    $("autonext").addEventListener("change", () => storage.set(`${PREFS_STORE}.autonext`, $("autonext").checked));
    $("job-cancel").addEventListener("click", async () => {
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
    });
    wireDownload($("job-zip"));
    wireDownload($("clip-download"));
    wireDownload($("reel-download"));

    // Keyboard: Space play/pause, ←/→ and J/K previous/next clip. Text fields, selects, the
    // slider and radio groups keep their own keys; buttons, links and a focused video keep
    // their native Space (on a clip card that toggles play too).
    document.addEventListener("keydown", (e) => {
      if (!S.id || $("view-job").hidden) return;
      if (e.altKey || e.ctrlKey || e.metaKey || e.defaultPrevented) return;
      const target = e.target instanceof Element ? e.target : document.body;
      if (target.closest("input, select, textarea, [contenteditable], summary, details[open]")) return;
      const onVideo = target.tagName === "VIDEO";
      const key = e.key;
      if (key === " " || key === "Spacebar") {
        if (onVideo || target.closest("button, a")) return;
        e.preventDefault();
        togglePlay();
      } else if (key === "ArrowLeft" || key === "j" || key === "J") {
        e.preventDefault();
        step(-1);
      } else if (key === "ArrowRight" || key === "k" || key === "K") {
        e.preventDefault();
        step(1);
      }
    });

    function clearScreen() {
      list.replaceChildren();
      $("chapters").replaceChildren();
      for (const media of [video, reel]) {
        media.pause();
        media.removeAttribute("src");
        media.removeAttribute("poster");
        media.load();
      }
      $("video-empty").hidden = false;
      $("reel-section").hidden = true;
      $("job-error").hidden = true;
      $("job-title").textContent = "Job";
      $("job-sub").textContent = "";
      $("job-id").textContent = S.id || "";
      $("bucket-all").checked = true;
      for (const id of ["filter-period", "filter-down", "filter-type"]) {
        $(id).replaceChildren(el("option", { value: "", text: "All" }));
      }
      conf.value = String(storage.get(`${PREFS_STORE}.conf`, CONF_DEFAULT));
      $("filter-conf-out").textContent = conf.value;
      $("job-detail").textContent = "–";
      $("job-stage").textContent = "Loading…";
      $("job-eta").textContent = "–";
      $("job-clips").textContent = "–";
    }

    return {
      enter(jobId) {
        generation += 1;
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
            generation += 1;
            stopLive();
            video.pause();
            reel.pause();
            S.id = null;
          },
        };
      },
    };
  })();

  // ------------------------------------------------------------------ API key form
  $("key-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const key = $("api-key").value.trim();
    if (key) storage.set(KEY_STORE, key);
    else storage.remove(KEY_STORE);
    $("api-key").value = "";
    releaseMedia();
    renderKeyState();
    $("key-panel").open = false;
    announce(key ? "API key saved." : "API key removed.");
    route();
  });
  $("key-forget").addEventListener("click", () => {
    storage.remove(KEY_STORE);
    $("api-key").value = "";
    releaseMedia();
    renderKeyState();
    announce("API key removed.");
    route();
  });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && $("key-panel").open) {
      $("key-panel").open = false;
      $("key-panel").querySelector("summary").focus();
    }
  });

  window.addEventListener("hashchange", route);
  renderKeyState();
  route();
})();
