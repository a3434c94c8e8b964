/* The submit form's recipe picker: every recipe the server runs (GET /recipes), plays first
 * and chosen by default. Plays keeps the page's own fields (team, padding, clip lengths); any
 * other recipe gets its options drawn from its schema (schema-form.js), and the play-by-play
 * step only when it reads play-by-play. A new recipe needs no change here. */

import { api } from "./api.js";
import { $, el } from "./dom.js";
import { capital } from "./format.js";
import { radio } from "./submit-checks.js";
import { renderFields } from "./schema-form.js";
import { schemaFields } from "./schema-fields.js";

export const PLAYS = "plays";

// Until GET /recipes answers (or if it fails), plays alone, as the page has always run it.
const FALLBACK = { name: PLAYS, title: "", uses_pbp: true, options_schema: {}, fields: [] };
let recipes = [FALLBACK];
let playsTitle = null; // the page's own heading, for plays
let state = "unasked"; // then "asking", "loaded"

/** The recipe chosen in the picker. */
export function currentRecipe() {
  return recipes.find((r) => r.name === $("recipe").value) || recipes[0];
}

function showHero(recipe) {
  playsTitle = playsTitle ?? $("submit-title").textContent;
  const plays = recipe.name === PLAYS;
  $("submit-title").textContent = plays ? playsTitle : `New ${recipe.name} job`;
  $("submit-lede").hidden = !plays;
  $("recipe-hint").textContent = recipe.title ? capital(recipe.title) : "";
}

/** Only the play-by-play choices this recipe takes (CFBD fills its ``cfbd`` option). */
function showPbpChoices(recipe) {
  const cfbd = recipe.name === PLAYS || "cfbd" in ((recipe.options_schema || {}).properties || {});
  $("pbp-cfbd-choice").disabled = !cfbd;
  $("pbp-cfbd-choice").nextElementSibling.hidden = !cfbd;
  const pbp = radio($("submit-form"), "pbp");
  if (!recipe.uses_pbp || (!cfbd && pbp === "cfbd")) $("pbp-none").checked = true;
}

/** Show the fields of the chosen recipe; ``onShown`` re-syncs the form's other choices. */
export function showRecipe(onShown) {
  const recipe = currentRecipe();
  const plays = recipe.name === PLAYS;
  showHero(recipe);
  $("game-step").hidden = !recipe.uses_pbp;
  $("team-field").hidden = !plays;
  $("plays-options").hidden = !plays;
  const generic = $("recipe-options");
  if (!plays && generic.dataset.recipe !== recipe.name) {
    renderFields($("recipe-fields"), recipe.fields);
    generic.dataset.recipe = recipe.name;
  }
  generic.hidden = plays || !recipe.fields.length;
  showPbpChoices(recipe);
  onShown();
}

function option(recipe) {
  return el("option", { value: recipe.name, text: recipe.name });
}

async function fillPicker(onShown) {
  const listed = await api("recipes");
  const chosen = $("recipe").value;
  recipes = listed.map((r) => ({ ...r, fields: schemaFields(r.options_schema) }));
  recipes.sort((a, b) => (b.name === PLAYS) - (a.name === PLAYS));
  $("recipe").replaceChildren(...recipes.map(option));
  $("recipe").value = recipes.some((r) => r.name === chosen) ? chosen : recipes[0].name;
  showRecipe(onShown);
}

/** Fill the picker from GET /recipes, once; until then (or if the server cannot be asked:
 * the API-key panel or the first submit says why) plays alone. */
export function loadRecipes(onShown) {
  if (state !== "unasked") return;
  state = "asking";
  fillPicker(onShown).then(
    () => { state = "loaded"; },
    () => { state = "unasked"; },
  );
}
