/* A job's name on screen: the file or link this browser submitted, else from its source. */

import { LABEL_STORE, storage } from "./store.js";

const KEEP_LABELS = 300;

export function rememberLabel(jobId, label) {
  const labels = storage.get(LABEL_STORE, {});
  labels[jobId] = label;
  const ids = Object.keys(labels);
  for (const id of ids.slice(0, Math.max(0, ids.length - KEEP_LABELS))) delete labels[id];
  storage.set(LABEL_STORE, labels);
}

function urlLabel(value) {
  try {
    const u = new URL(value);
    const tail = decodeURIComponent(u.pathname.split("/").filter(Boolean).pop() || "");
    return tail ? `${tail} (${u.hostname})` : u.hostname;
  } catch {
    return value;
  }
}

export function jobLabel(job) {
  const saved = storage.get(LABEL_STORE, {})[job.job_id];
  if (saved) return saved;
  const source = job.source || {};
  if (source.kind === "video_url" && source.value) return urlLabel(source.value);
  if (source.kind === "presigned_url") return "Video from a presigned URL";
  return "Uploaded video";
}
