/* Cutups web page: native ES modules, no dependencies, no build step.
 *
 * Views (hash routing, so a job can be bookmarked): #/ submit.js, #/jobs jobs.js,
 * #/jobs/<id> job.js (with job-progress, clips, filters, player, reel and export),
 * #/commentary/<id> commentary.js (a commentary job's stream over MSE, hls-mse.js). The API
 * client is api.js, the event stream events.js, media behind a key media.js.
 *
 * With an API key saved (servers with CUTUPS_API_KEYS), every request carries
 * "Authorization: Bearer <key>": the event stream is read with fetch() instead of EventSource
 * (which cannot send headers), and media and downloads are fetched as blobs.
 */

import { wireKeyPanel } from "./auth.js";
import { initCommentaryView } from "./commentary.js";
import { initJobView } from "./job.js";
import { initJobsView } from "./jobs.js";
import { releaseMedia } from "./media.js";
import { route, startRouter } from "./router.js";
import { initSubmitView } from "./submit.js";

const views = {
  submit: initSubmitView(),
  jobs: initJobsView(),
  job: initJobView(),
  commentary: initCommentaryView(),
};
wireKeyPanel(() => {
  releaseMedia();
  route();
});
startRouter(views);
