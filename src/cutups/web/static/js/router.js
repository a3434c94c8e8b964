/* Hash routing, so a job view can be bookmarked:
 *   #/            submit a video          #/jobs        the jobs list
 *   #/jobs/<id>   one job: live progress, clips, reel, downloads
 *   #/commentary/<id>   a commentary job's stream, playing as its chunks are made
 * A view is {enter(arg) -> {leave()}}. */

import { $ } from "./dom.js";
import { showBanner } from "./notify.js";

let views = null; // {submit, jobs, job}
let current = null; // what the entered view returned: {leave()}
let firstRoute = true;

function match(hash) {
  if (hash.startsWith("#/commentary/")) {
    const arg = decodeURIComponent(hash.slice("#/commentary/".length));
    return { name: "commentary", arg, focus: "commentary-title" };
  }
  if (hash.startsWith("#/jobs/")) {
    return { name: "job", arg: decodeURIComponent(hash.slice("#/jobs/".length)), focus: "job-title" };
  }
  if (hash === "#/jobs" || hash === "#/jobs/") return { name: "jobs", focus: "jobs-title" };
  return { name: "submit", focus: "submit-title" };
}

function showView(name) {
  for (const section of document.querySelectorAll(".view")) {
    section.hidden = section.id !== `view-${name}`;
  }
  for (const link of document.querySelectorAll("[data-nav]")) {
    const inJobs = name === "job" || name === "commentary";
    const on = link.dataset.nav === name || (inJobs && link.dataset.nav === "jobs");
    if (on) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

/** Show the view the URL's hash names (leaving the one on screen). */
export function route() {
  if (current && current.leave) current.leave();
  current = null;
  showBanner("");
  const { name, arg, focus } = match(location.hash || "#/");
  current = views[name].enter(arg);
  showView(name);
  if (!firstRoute) {
    const target = $(focus);
    if (target) target.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }
  firstRoute = false;
}

/** Route now and on every change of the hash. */
export function startRouter(allViews) {
  views = allViews;
  window.addEventListener("hashchange", route);
  route();
}
