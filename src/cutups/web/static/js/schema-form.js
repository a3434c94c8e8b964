/* The options form of any recipe but plays (whose own fields are in the page): one input per
 * field of schema-fields.js, its description as help and its default filled in, read back
 * into the ``options`` POST /jobs takes after the checks the schema allows (bounds, whole
 * numbers, required). Everything else (patterns, checks across fields) is the server's: its
 * 422 names the option and is shown next to it. */

import { el } from "./dom.js";
import { sentence } from "./format.js";

/** The ids of field ``name``'s input and error line. */
export const inputIdOf = (name) => `ro-${name}`;
export const errorIdOf = (name) => `ro-${name}-error`;

/** "0 to 60", "more than 0", "at most 60", or "" for a number without bounds. */
export function boundsText(f) {
  const low = f.min === null ? null : `${f.minOpen ? "more than" : "at least"} ${f.min}`;
  const high = f.max === null ? null : `${f.maxOpen ? "less than" : "at most"} ${f.max}`;
  if (low && high && !f.minOpen && !f.maxOpen) return `${f.min} to ${f.max}`;
  return [low, high].filter(Boolean).join(" and ");
}

function defaultText(f) {
  if (f.kind === "boolean") return "";
  if (f.kind === "multi") return f.default && f.default.length ? `Default: ${f.default.join(", ")}.` : "";
  if (f.default !== null) return `Default: ${f.default}.`;
  return f.nullable && !f.required ? "Empty: the recipe's default." : "";
}

function helpLine(f) {
  const bounds = f.kind === "number" || f.kind === "integer" ? boundsText(f) : "";
  const text = [sentence(f.help), bounds ? sentence(bounds) : "", defaultText(f)].filter(Boolean);
  return el("p", { class: "hint", id: `ro-${f.name}-hint`, text: text.join(" ") });
}

function numberInput(f) {
  return el("input", {
    type: "number",
    inputmode: f.kind === "integer" ? "numeric" : "decimal",
    step: f.kind === "integer" ? "1" : "any",
    min: f.min ?? false,
    max: f.max ?? false,
    value: f.default ?? false,
    placeholder: f.default === null ? "default" : false,
  });
}

function choiceSelect(f) {
  const options = f.choices.map((c, i) => el("option", { value: String(i), text: String(c) }));
  if (f.nullable || f.default === null) options.unshift(el("option", { value: "", text: "Default" }));
  const select = el("select", {}, ...options);
  const index = f.choices.indexOf(f.default);
  select.value = index >= 0 ? String(index) : "";
  return select;
}

function control(f) {
  if (f.kind === "number" || f.kind === "integer") return numberInput(f);
  if (f.kind === "enum") return choiceSelect(f);
  if (f.kind === "boolean") return el("input", { type: "checkbox", checked: Boolean(f.default) });
  return el("input", {
    type: "text", autocomplete: "off", maxlength: f.maxLength ?? false, value: f.default ?? false,
  });
}

function checkboxGroup(f) {
  const chosen = new Set(f.default || []);
  const boxes = f.choices.map((c, i) => el("label", { class: "check" },
    el("input", { type: "checkbox", value: String(i), checked: chosen.has(c) }), String(c)));
  return el("fieldset", {
    class: "field multi", "data-option": f.name, "aria-describedby": `ro-${f.name}-hint ${errorIdOf(f.name)}`,
  }, el("legend", { text: f.label }), el("div", { class: "checks" }, ...boxes), helpLine(f),
  el("p", { class: "field-error", id: errorIdOf(f.name), hidden: true }));
}

function fieldBlock(f) {
  if (f.kind === "multi") return checkboxGroup(f);
  const input = control(f);
  Object.assign(input, { id: inputIdOf(f.name) });
  input.dataset.option = f.name;
  input.setAttribute("aria-describedby", `ro-${f.name}-hint ${errorIdOf(f.name)}`);
  const label = f.kind === "boolean"
    ? el("label", { class: "check", for: input.id }, input, f.label)
    : el("label", { for: input.id, text: f.label });
  return el("div", { class: `field field-${f.kind}`, "data-field": f.name },
    label, f.kind === "boolean" ? null : input, helpLine(f),
    el("p", { class: "field-error", id: errorIdOf(f.name), hidden: true }));
}

/** Fill ``container`` with an input per field. */
export function renderFields(container, fields) {
  container.replaceChildren(...fields.map(fieldBlock));
}

function readNumber(f, input) {
  const raw = input.value.trim();
  if (raw === "") return f.required ? { error: `${f.label}: enter a number.` } : {};
  const value = Number(raw);
  if (!Number.isFinite(value)) return { error: `${f.label}: enter a number.` };
  if (f.kind === "integer" && !Number.isInteger(value)) return { error: `${f.label}: a whole number.` };
  const low = f.min !== null && (f.minOpen ? value <= f.min : value < f.min);
  const high = f.max !== null && (f.maxOpen ? value >= f.max : value > f.max);
  return low || high ? { error: `${f.label}: ${boundsText(f)}.` } : { value };
}

function readField(f, node) {
  if (f.kind === "multi") {
    const boxes = [...node.querySelectorAll("input:checked")];
    return { value: boxes.map((b) => f.choices[Number(b.value)]) };
  }
  if (f.kind === "boolean") return { value: node.checked };
  if (f.kind === "enum") return node.value === "" ? {} : { value: f.choices[Number(node.value)] };
  if (f.kind === "string") {
    const text = node.value.trim();
    if (text) return { value: text };
    return f.required ? { error: `${f.label}: fill this in.` } : {};
  }
  return readNumber(f, node);
}

/** The options as typed: {options, problems: [[input, errorId, message]...]}. */
export function readFields(container, fields) {
  const options = {};
  const problems = [];
  for (const f of fields) {
    const node = container.querySelector(`[data-option="${CSS.escape(f.name)}"]`);
    if (!node) continue;
    const read = readField(f, node);
    if (read.error) problems.push([node, errorIdOf(f.name), read.error]);
    else if (read.value !== undefined) options[f.name] = read.value;
  }
  return { options, problems };
}
