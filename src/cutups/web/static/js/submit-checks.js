/* The submit form's checks before anything is sent: [input, errorId, message] per problem. */

import { $ } from "./dom.js";
import { readFields } from "./schema-form.js";

const OPTION_LABELS = {
  pre: "Before the snap", post: "After the whistle", min: "Shortest clip", max: "Longest clip",
};

/** The clip-option inputs by short name. */
export const optionFields = () => ({
  pre: $("opt-pre"), post: $("opt-post"), min: $("opt-min"), max: $("opt-max"),
});

/** The value of the checked radio button called ``name`` in ``form``. */
export function radio(form, name) {
  const checked = form.querySelector(`input[name="${name}"]:checked`);
  return checked ? checked.value : null;
}

function readNumber(input, label) {
  const value = Number(input.value);
  const min = Number(input.min);
  const max = Number(input.max);
  if (input.value.trim() === "" || !Number.isFinite(value)) {
    return { error: `${label}: enter a number of seconds.` };
  }
  if (value < min || value > max) return { error: `${label}: between ${min} and ${max} seconds.` };
  return { value };
}

function videoProblems(form) {
  if (radio(form, "source") === "file") {
    return $("video-file").files.length ? [] : [[$("video-file"), "video-file-error", "Choose a video file."]];
  }
  const url = $("video-url").value.trim();
  if (!url) return [[$("video-url"), "video-url-error", "Paste a link to the video."]];
  if (!/^https?:\/\//i.test(url)) {
    return [[$("video-url"), "video-url-error", "The link must start with http:// or https://."]];
  }
  return [];
}

function pbpProblems(form) {
  const pbp = radio(form, "pbp");
  if (pbp === "file" && !$("pbp-file").files.length) {
    return [[$("pbp-file"), "pbp-file-error", "Choose a play-by-play file, or pick “No play-by-play”."]];
  }
  if (pbp === "cfbd" && !/^\d{1,12}$/.test($("cfbd-game-id").value.trim())) {
    return [[$("cfbd-game-id"), "cfbd-error", "A CFBD game id is a number, e.g. 401525839."]];
  }
  return [];
}

function optionProblems(values) {
  const problems = [];
  for (const [key, input] of Object.entries(optionFields())) {
    const r = readNumber(input, OPTION_LABELS[key]);
    if (r.error) problems.push([input, "options-error", r.error]);
    else values[key] = r.value;
  }
  if (values.min !== undefined && values.max !== undefined && values.min > values.max) {
    problems.push([
      optionFields().min, "options-error", "The shortest clip cannot be longer than the longest clip.",
    ]);
  }
  return problems;
}

/** The plays options the page's own fields give. */
function playsOptions(values, team) {
  const options = {
    play_padding_pre: values.pre,
    play_padding_post: values.post,
    min_duration: values.min,
    max_duration: values.max,
  };
  if (team) options.team = team;
  return options;
}

/** Check the form for ``recipe`` (plays: the page's fields; others: their schema's).
 * Returns {problems: [[input, errorId, message]...], values: plays' {pre, post, min, max},
 * options: the recipe's options}. */
export function validate(form, recipe) {
  const values = {};
  const problems = [...videoProblems(form), ...pbpProblems(form)];
  if (recipe.name === "plays") {
    problems.push(...optionProblems(values));
    return { problems, values, options: playsOptions(values, $("team").value.trim()) };
  }
  const read = readFields($("recipe-fields"), recipe.fields);
  return { problems: [...problems, ...read.problems], values, options: read.options };
}

/** A refused option's message by option: "every options: length: too big; x: unknown option"
 * -> [["length", "length: too big"], ["x", "x: unknown option"]]. A part naming no option of
 * ``names`` comes back with a null name. */
export function optionMessages(message, recipeName, names) {
  const prefix = `${recipeName} options: `;
  const body = message.startsWith(prefix) ? message.slice(prefix.length) : message;
  return body.split("; ").map((part) => {
    const head = /^([A-Za-z_][\w.]*):/.exec(part);
    const named = head ? head[1].split(".")[0] : names.find((n) => new RegExp(`\\b${n}\\b`).test(part));
    return [names.includes(named) ? named : null, part];
  });
}
