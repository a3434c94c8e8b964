/* Text for people: times, sizes, periods, and a clip's one-line summary. */

import { BUCKETS, CONF_DEFAULT } from "./constants.js";

const pad2 = (n) => String(n).padStart(2, "0");

/** "no scorebug" -> "No scorebug" */
export const capital = (text) => text.charAt(0).toUpperCase() + text.slice(1);

/** ``text`` ending in a full stop (unless it ends in one of .!?). */
export function fullStop(text) {
  const t = text.trim();
  return t && !/[.!?]$/.test(t) ? `${t}.` : t;
}

/** ``text`` as a sentence: capitalised, ending in a full stop. */
export const sentence = (text) => capital(fullStop(text));

/** 75.4 -> "1:15" */
export function fmtTime(sec) {
  if (!Number.isFinite(sec) || sec < 0) return "–";
  const s = Math.round(sec);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h}:${pad2(m)}:${pad2(s % 60)}` : `${m}:${pad2(s % 60)}`;
}

export function fmtEta(sec) {
  if (!Number.isFinite(sec)) return null;
  if (sec < 1) return "a moment";
  if (sec < 90) return `about ${Math.ceil(sec)} s`;
  if (sec < 5400) return `about ${Math.round(sec / 60)} min`;
  return `about ${(sec / 3600).toFixed(1)} h`;
}

export function fmtBytes(n) {
  if (!Number.isFinite(n)) return "";
  if (n < 1e3) return `${n} B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(0)} kB`;
  if (n < 1e9) return `${(n / 1e6).toFixed(1)} MB`;
  return `${(n / 1e9).toFixed(2)} GB`;
}

export function fmtAgo(epochSec) {
  if (!Number.isFinite(epochSec)) return "";
  const d = Date.now() / 1000 - epochSec;
  if (d < 45) return "just now";
  if (d < 3600) return `${Math.round(d / 60)} min ago`;
  if (d < 86400) return `${Math.round(d / 3600)} h ago`;
  return new Date(epochSec * 1000).toLocaleDateString();
}

export function fmtDate(epochSec) {
  return Number.isFinite(epochSec) ? new Date(epochSec * 1000).toLocaleString() : "";
}

export function ordinal(n) {
  return { 1: "1st", 2: "2nd", 3: "3rd" }[n] || `${n}th`;
}

/** A quarter filter's label: "1st quarter", "Overtime", "Overtime 2". */
export function periodLong(p) {
  if (p <= 4) return `${ordinal(p)} quarter`;
  return p === 5 ? "Overtime" : `Overtime ${p - 4}`;
}

/** The clip's one-line summary, as the engine wrote it into the manifest (the reel's chapters
 * and report.html show the same line). Manifests from before that field get a plain line. */
export function clipSummary(clip) {
  if (clip.summary) return clip.summary;
  const at = `Play at ${fmtTime(clip.snap ?? clip.start)}`;
  return clip.play_type ? `${at} · ${clip.play_type}` : at;
}

export function bucketOf(clip) {
  return BUCKETS.includes(clip.bucket) ? clip.bucket : "unassigned";
}

export function clipNumber(clip, fallback) {
  const m = /^clip_(\d+)$/.exec(clip.id);
  return m ? Number(m[1]) + 1 : fallback;
}

export function scoreBand(score) {
  if (score >= 70) return "high";
  return score >= CONF_DEFAULT ? "mid" : "low";
}
