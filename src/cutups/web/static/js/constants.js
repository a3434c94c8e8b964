/* Vocabulary shared with the API: job statuses, stages, buckets, event types. */

export const CONF_DEFAULT = 40; // the seed's CONF_HIDE_THRESHOLD
export const TERMINAL = new Set(["completed", "failed", "canceled"]);
export const ACTIVE = new Set(["queued", "processing"]);
export const STAGES = [
  "queued", "downloading", "analysing", "detecting", "cutting", "packaging", "completed",
];
export const STAGE_TEXT = {
  queued: "Waiting in the queue",
  downloading: "Fetching the video",
  analysing: "Analysing the broadcast",
  detecting: "Finding the plays",
  cutting: "Cutting clips",
  packaging: "Building the reel and ZIP",
  completed: "Done",
};
export const BUCKETS = ["team_offense", "opp_offense", "special_teams", "unassigned"];
export const BUCKET_TEXT = {
  team_offense: "Team offense",
  opp_offense: "Opponent offense",
  special_teams: "Special teams",
  unassigned: "Unassigned",
};
export const EVENT_TYPES = [
  "queued", "attempt", "stage", "progress", "checkpoint", "clip_ready",
  "completed", "failed", "canceled",
];
export const JOB_ID = /^[A-Za-z0-9_-]{1,64}$/;
