/* The API client: JSON requests and uploads, every error as an ApiError with the server's
 * {error: {code, message}}; a 401 opens the API-key panel. */

import { authHeaders, needKey } from "./auth.js";

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export const NETWORK_MESSAGE = "Cannot reach the Cutups server. Is “cutups serve” still running?";

export function errorFrom(status, data) {
  const err = data && data.error;
  if (err && err.message) return new ApiError(status, err.code || "error", err.message);
  return new ApiError(status, `http_${status}`, `The server answered HTTP ${status}.`);
}

function parseJson(text) {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

export async function readJson(resp) {
  return parseJson(await resp.text());
}

/** A fetch() answer that is not ok, as the ApiError it carries. */
export async function failure(resp) {
  if (resp.status === 401) needKey();
  return errorFrom(resp.status, await readJson(resp));
}

/** JSON request to the API; throws ApiError with the server's {error: {code, message}}. */
export async function api(path, { method = "GET", body } = {}) {
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
  if (!resp.ok) throw await failure(resp);
  return readJson(resp);
}

function settleUpload(xhr, resolve, reject) {
  const data = parseJson(xhr.responseText);
  if (xhr.status >= 200 && xhr.status < 300 && data) {
    resolve(data);
    return;
  }
  if (xhr.status === 401) needKey();
  reject(errorFrom(xhr.status, data));
}

/** POST /upload (multipart) with progress; returns {promise, abort}. ``onProgress(loaded,
 * total)`` hears (-1, -1) once every byte is sent and the server checks the file. */
export function uploadFile(file, kind, onProgress) {
  const xhr = new XMLHttpRequest();
  const promise = new Promise((resolve, reject) => {
    xhr.open("POST", kind === "pbp" ? "upload?kind=pbp" : "upload");
    for (const [name, value] of Object.entries(authHeaders())) xhr.setRequestHeader(name, value);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.upload.onload = () => onProgress(-1, -1);
    xhr.onload = () => settleUpload(xhr, resolve, reject);
    xhr.onerror = () => reject(new ApiError(
      0, "network", `The upload of ${file.name} was interrupted. ${NETWORK_MESSAGE}`,
    ));
    xhr.onabort = () => reject(new ApiError(0, "aborted", "Upload canceled."));
    const form = new FormData();
    form.append("file", file, file.name);
    xhr.send(form);
  });
  return { promise, abort: () => xhr.abort() };
}
