/* A recipe's options, read from the JSON schema of its pydantic model (GET /recipes), as a
 * list of fields the page knows how to ask for: numbers and integers (with their bounds),
 * text, yes/no (a choice of Default, true, false when it may be unset), one of a list, and
 * several of a list. Anything else (nested objects, unions) and fields kept off the command
 * line ("cli": false) are left out: the recipe's defaults apply to them. */

import { capital } from "./format.js";

const SIMPLE = new Set(["number", "integer", "string", "boolean"]);

/** ``node`` with a local "$ref" (and a single-entry allOf) replaced by what it points to. */
function deref(node, root) {
  let out = node;
  if (Array.isArray(out.allOf) && out.allOf.length === 1) {
    const { allOf, ...rest } = out;
    out = { ...allOf[0], ...rest };
  }
  const ref = out.$ref;
  if (typeof ref !== "string" || !ref.startsWith("#/$defs/")) return out;
  const { $ref, ...rest } = out;
  const target = (root.$defs || {})[ref.slice("#/$defs/".length)] || {};
  const { title, ...shape } = target; // a $def's title is its class name, not the field's
  return { ...shape, ...rest };
}

/** The one non-null shape of ``prop`` (and whether null is allowed), or null for unions. */
function shapeOf(prop, root) {
  const node = deref(prop, root);
  if (!Array.isArray(node.anyOf)) return { shape: node, nullable: false };
  const kinds = node.anyOf.filter((s) => s.type !== "null");
  if (kinds.length !== 1) return null;
  const { anyOf, ...rest } = node;
  return { shape: { ...deref(kinds[0], root), ...rest }, nullable: kinds.length < anyOf.length };
}

function kindOf(shape, root) {
  if (Array.isArray(shape.enum)) return "enum";
  if (shape.type === "array") {
    const items = deref(shape.items || {}, root);
    return Array.isArray(items.enum) ? "multi" : null;
  }
  return SIMPLE.has(shape.type) ? shape.type : null;
}

/** A field's label: its own title, or "min_len" -> "Min len" for pydantic's made-up one
 * ("Min Len"). */
function labelOf(name, title) {
  const made = name.split("_").map(capital).join(" ");
  return title && title !== made ? title : capital(name.replace(/_/g, " "));
}

function field(name, prop, root, required) {
  if (prop.cli === false) return null;
  const found = shapeOf(prop, root);
  if (!found) return null;
  const { shape, nullable } = found;
  let kind = kindOf(shape, root);
  if (!kind) return null;
  let choices = kind === "multi" ? deref(shape.items, root).enum : shape.enum;
  if (kind === "boolean" && nullable) {
    // A yes/no that may be left unset (the server's setting applies): a checkbox could not
    // say "unset", so it is a choice with "Default" first.
    [kind, choices] = ["enum", [true, false]];
  }
  return {
    name,
    kind,
    nullable,
    required: required.has(name),
    label: labelOf(name, prop.title),
    help: shape.description || "",
    default: shape.default ?? null,
    choices: choices || null,
    min: shape.minimum ?? shape.exclusiveMinimum ?? null,
    max: shape.maximum ?? shape.exclusiveMaximum ?? null,
    minOpen: shape.exclusiveMinimum !== undefined,
    maxOpen: shape.exclusiveMaximum !== undefined,
    maxLength: shape.maxLength ?? null,
  };
}

/** The fields of an options schema the page can render, in the model's order. */
export function schemaFields(schema) {
  const props = (schema && schema.properties) || {};
  const required = new Set(schema && schema.required ? schema.required : []);
  return Object.entries(props)
    .map(([name, prop]) => field(name, prop, schema, required))
    .filter(Boolean);
}
