/* A job's event stream (Server-Sent Events). EventSource without a key; with one, fetch()
 * (EventSource cannot send headers) and a small parser of the text/event-stream format. */

import { authHeaders, getKey, needKey } from "./auth.js";
import { EVENT_TYPES, TERMINAL } from "./constants.js";
import { sleep } from "./dom.js";

const RETRY_MS = 15000; // the server's "retry: 15000" (see api/routes/events.py)

function parseData(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Follow ``jobs/<id>/events``; ``onEvent(type, data)`` for each event. Returns {close()}.
 * ``types``: the event types to hear through EventSource (the fetch reader hears every type). */
export function openEvents(jobId, onEvent, types = EVENT_TYPES) {
  const url = `jobs/${encodeURIComponent(jobId)}/events`;
  if (getKey() || !("EventSource" in window)) return fetchEvents(url, onEvent);
  const source = new EventSource(url);
  for (const type of types) {
    source.addEventListener(type, (msg) => {
      const data = parseData(msg.data);
      if (data === null) return;
      if (TERMINAL.has(type)) source.close(); // the server ends the stream; do not reconnect
      onEvent(type, data);
    });
  }
  return { close: () => source.close() };
}

/** A text/event-stream parser: feed it text as it arrives; ``onMessage({type, data, id})``
 * hears each complete event with data (``data`` is its JSON, or null if it is not JSON). */
export function sseParser(onMessage) {
  let buffer = "";
  let event = { type: "message", data: [], id: null };
  function dispatch() {
    if (event.data.length) {
      onMessage({ type: event.type, data: parseData(event.data.join("\n")), id: event.id });
    }
    event = { type: "message", data: [], id: null };
  }
  function line(text) {
    if (text === "") return dispatch();
    if (text.startsWith(":")) return undefined; // a comment (keep-alive)
    const colon = text.indexOf(":");
    const field = colon < 0 ? text : text.slice(0, colon);
    let value = colon < 0 ? "" : text.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") event.data.push(value);
    else if (field === "event") event.type = value;
    else if (field === "id") event.id = value;
    return undefined;
  }
  return (chunk) => {
    buffer += chunk;
    let nl;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      line(buffer.slice(0, nl).replace(/\r$/, ""));
      buffer = buffer.slice(nl + 1);
    }
  };
}

/** One connection: read events until the stream ends. Returns "ended" after a terminal event,
 * "stop" when retrying makes no sense (a 4xx answer), else nothing (reconnect). */
async function readStream(url, signal, state, onEvent) {
  const headers = { Accept: "text/event-stream", ...authHeaders() };
  if (state.lastId !== null) headers["Last-Event-ID"] = state.lastId;
  const resp = await fetch(url, { headers, signal, cache: "no-store" });
  if (resp.status === 204) return "ended"; // the job has ended: nothing more will come
  if (!resp.ok || !resp.body) {
    if (resp.status === 401) needKey();
    if (resp.status >= 400 && resp.status < 500) return "stop"; // polling carries on
    throw new Error(`HTTP ${resp.status}`);
  }
  let ended = false;
  const feed = sseParser(({ type, data, id }) => {
    if (id !== null) state.lastId = id;
    if (!data) return;
    if (TERMINAL.has(type)) ended = true;
    onEvent(type, data);
  });
  const reader = resp.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    feed(value);
  }
  return ended ? "ended" : undefined;
}

function fetchEvents(url, onEvent) {
  const controller = new AbortController();
  const state = { closed: false, lastId: null };
  (async () => {
    while (!state.closed) {
      try {
        if (await readStream(url, controller.signal, state, onEvent)) return;
      } catch (err) {
        if (state.closed || (err && err.name === "AbortError")) return;
      }
      if (state.closed) return;
      await sleep(RETRY_MS);
    }
  })();
  return {
    close() {
      state.closed = true;
      controller.abort();
    },
  };
}
