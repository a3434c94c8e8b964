/* A growing HLS playlist of fMP4 segments played through Media Source Extensions.
 *
 * The commentary stream (cutups/commentary/hls.py) is an EVENT playlist: one init segment
 * (#EXT-X-MAP) and media segments that are only ever added, their fragment times already laid
 * end to end, so appending them in order to one SourceBuffer plays them without a gap. Each
 * refresh() reads the playlist and appends the segments not appended yet; the stream is ended
 * (endOfStream, so the video fires 'ended' rather than waiting) once the playlist carries
 * #EXT-X-ENDLIST and every segment is in.
 *
 * MSE first, native HLS only where there is no MSE (iPhones before iOS 17): Chromium answers
 * "maybe" to canPlayType('application/vnd.apple.mpegurl') too, and MSE fetches with the API
 * key where a native player could not send it. */

import { fetchWithKey } from "./media.js";

const HLS_TYPE = "application/vnd.apple.mpegurl";
const END_WITHIN = 1.5; // seconds before the end of the data at which the stream is ended
const UNSTICK_AFTER_MS = 1000; // a 'waiting' this long with data at hand is unstuck
const MAX_GAP = 1; // seconds: a gap this small is jumped, data this far ahead is "at hand"

/** The MediaSource class this browser has (ManagedMediaSource on iOS 17+), or null. */
function mediaSourceClass() {
  return window.ManagedMediaSource || window.MediaSource || null;
}

/** "mse", "native" or null: how this browser can play the stream. */
export function playbackMode(video) {
  if (mediaSourceClass()) return "mse";
  if (video.canPlayType(HLS_TYPE)) return "native";
  return null;
}

/** {init, segments, ended} of a media playlist, URIs resolved against ``base``. */
export function parsePlaylist(text, base) {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  if (lines[0] !== "#EXTM3U") throw new Error("not an HLS playlist");
  let init = null;
  const segments = [];
  for (const line of lines) {
    const map = /^#EXT-X-MAP:.*URI="([^"]+)"/.exec(line);
    if (map) init = new URL(map[1], base).href;
    else if (line && !line.startsWith("#")) segments.push(new URL(line, base).href);
  }
  return { init, segments, ended: lines.includes("#EXT-X-ENDLIST") };
}

/** Four bytes as a box type. */
const fourcc = (bytes, at) => String.fromCharCode(...bytes.subarray(at, at + 4));

/** The MIME type with codecs for an init segment: avc1.PPCCLL from its avcC box (profile,
 * compatibility, level), AAC-LC when it has an mp4a track (the chunks' encoder setup). */
export function mimeOfInit(buffer) {
  const bytes = new Uint8Array(buffer);
  const codecs = [];
  for (let i = 4; i + 8 <= bytes.length; i += 1) {
    const kind = fourcc(bytes, i);
    if (kind === "avcC" && !codecs.some((c) => c.startsWith("avc1"))) {
      const hex = [1, 2, 3].map((k) => bytes[i + 4 + k].toString(16).padStart(2, "0"));
      codecs.push(`avc1.${hex.join("")}`);
    } else if (kind === "mp4a" && !codecs.includes("mp4a.40.2")) {
      codecs.push("mp4a.40.2");
    }
  }
  if (!codecs.length) throw new Error("the init segment has no H.264 or AAC track");
  return `video/mp4; codecs="${codecs.join(",")}"`;
}

/** Plays ``playlistUrl`` in ``video`` through MSE; call refresh() whenever it may have grown. */
export class MseStream {
  constructor(video, playlistUrl, { onError = () => {} } = {}) {
    this.video = video;
    this.base = new URL(playlistUrl, location.href).href;
    this.onError = onError;
    this.appended = 0; // media segments in the SourceBuffer
    this.buffer = null;
    this.closed = false;
    this.busy = null; // the refresh under way
    this.again = false; // another was asked for meanwhile
    this.ending = false; // the playlist has ended: endOfStream() is due near the end
    const Source = mediaSourceClass();
    this.source = new Source();
    if (window.ManagedMediaSource && this.source instanceof window.ManagedMediaSource) {
      video.disableRemotePlayback = true; // required for ManagedMediaSource
    }
    this.opened = new Promise((resolve) => {
      this.source.addEventListener("sourceopen", resolve, { once: true });
    });
    this.objectUrl = URL.createObjectURL(this.source);
    video.src = this.objectUrl;
    this.nudge = null;
    this.onWaiting = () => {
      clearTimeout(this.nudge);
      this.nudge = setTimeout(() => this.unstick(), UNSTICK_AFTER_MS);
    };
    this.onMoving = () => clearTimeout(this.nudge);
    video.addEventListener("waiting", this.onWaiting);
    video.addEventListener("timeupdate", this.onMoving);
  }

  /** Still waiting with data at hand: jump a small gap between buffered ranges (seen where two
   * chunks join), or nudge a renderer that stopped with seconds buffered (seen on a 30-chunk
   * 720p stream). A wait for data that has not come yet is left alone. */
  unstick() {
    const video = this.video;
    if (this.closed || video.paused || video.readyState >= 3) return;
    const t = video.currentTime;
    const ranges = video.buffered;
    for (let i = 0; i < ranges.length; i += 1) {
      if (ranges.start(i) > t && ranges.start(i) - t < MAX_GAP) {
        video.currentTime = ranges.start(i) + 0.001;
        return;
      }
      if (ranges.start(i) <= t && ranges.end(i) - t > MAX_GAP) {
        video.currentTime = t + 0.05;
        return;
      }
    }
  }

  /** Read the playlist and append what is new; concurrent calls coalesce into one more. */
  refresh() {
    if (this.closed) return Promise.resolve();
    if (this.busy) {
      this.again = true;
      return this.busy;
    }
    this.busy = (async () => {
      try {
        do {
          this.again = false;
          await this.appendNew();
        } while (this.again && !this.closed);
      } catch (err) {
        if (!this.closed) this.onError(err);
      } finally {
        this.busy = null;
      }
    })();
    return this.busy;
  }

  async appendNew() {
    await this.opened;
    const resp = await fetchWithKey(this.base);
    const playlist = parsePlaylist(await resp.text(), this.base);
    // Every new segment is requested at once (and the init segment with them), then appended
    // in order: the first frame waits for one round trip, not one per file.
    const fetched = playlist.segments.slice(this.appended).map((url) => this.fetchBytes(url));
    fetched.forEach((p) => p.catch(() => {})); // awaited below; a failure is reported there
    if (!this.buffer) {
      if (!playlist.init) throw new Error("the playlist names no init segment");
      const init = await this.fetchBytes(playlist.init);
      if (this.closed) return;
      this.buffer = this.source.addSourceBuffer(mimeOfInit(init));
      await this.append(init);
    }
    for (const bytes of fetched) {
      if (this.closed) return;
      await this.append(await bytes);
      this.appended += 1;
    }
    if (playlist.ended && this.appended === playlist.segments.length) this.endNearTheEnd();
  }

  /** End the stream once playback is near its end. Ending it while far from the end made
   * Chromium fire a 'waiting' with seconds still buffered (seen under load); at the end it
   * turns what would be a stall into 'ended'. */
  endNearTheEnd() {
    if (this.ending) return;
    this.ending = true;
    const video = this.video;
    const check = () => {
      const ranges = video.buffered;
      const left = ranges.length ? ranges.end(ranges.length - 1) - video.currentTime : 0;
      if (!this.closed && left > END_WITHIN && !video.paused) return;
      video.removeEventListener("timeupdate", check);
      video.removeEventListener("pause", check);
      if (!this.closed && this.source.readyState === "open") this.source.endOfStream();
    };
    video.addEventListener("timeupdate", check);
    video.addEventListener("pause", check);
    check();
  }

  async fetchBytes(url) {
    const resp = await fetchWithKey(url);
    return resp.arrayBuffer();
  }

  append(bytes) {
    return new Promise((resolve, reject) => {
      const buffer = this.buffer;
      const done = () => {
        buffer.removeEventListener("updateend", done);
        buffer.removeEventListener("error", failed);
        resolve();
      };
      const failed = () => {
        buffer.removeEventListener("updateend", done);
        reject(new Error("the browser refused a segment of the stream"));
      };
      buffer.addEventListener("updateend", done);
      buffer.addEventListener("error", failed, { once: true });
      buffer.appendBuffer(bytes);
    });
  }

  /** Seconds buffered from the start (where playback should begin), or null. */
  firstBuffered() {
    const ranges = this.video.buffered;
    return ranges.length ? ranges.start(0) : null;
  }

  close() {
    this.closed = true;
    clearTimeout(this.nudge);
    this.video.removeEventListener("waiting", this.onWaiting);
    this.video.removeEventListener("timeupdate", this.onMoving);
    URL.revokeObjectURL(this.objectUrl);
  }
}
