/* What made a finished job's result worse than it could be (the job's ``warnings``: no
 * scorebug found, an unread clock, no clips), said plainly at the top of the job view, each
 * with what it costs. */

import { $, el } from "./dom.js";
import { capital, fullStop } from "./format.js";
import { S } from "./job-state.js";

function warningLine(warning) {
  return el("p", { "data-code": warning.code },
    el("strong", { text: capital(warning.message) }), ` — ${fullStop(warning.cost)}`);
}

/** Show the finished job's warnings (from its status, else its manifest); none: hidden. */
export function renderWarnings() {
  const box = $("job-warnings");
  const listed = (S.job && S.job.warnings) || (S.manifest && S.manifest.warnings) || [];
  const warnings = S.status === "completed" ? listed : [];
  const key = JSON.stringify(warnings);
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  box.hidden = !warnings.length;
  box.replaceChildren(...warnings.map(warningLine));
}

/** Hide them (a new job on screen). */
export function clearWarnings() {
  const box = $("job-warnings");
  box.hidden = true;
  box.replaceChildren();
  delete box.dataset.key;
}
