"""``/recipes``: what the service can run, each with the JSON schema of its options."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from cutups.api.errors import ApiError
from cutups.api.schemas import RecipePublic
from cutups.errors import ConfigError
from cutups.recipes.base import Recipe
from cutups.recipes.registry import get_recipe, recipe_names

__all__ = ["router"]

router = APIRouter(prefix="/recipes", tags=["recipes"])


def _public(recipe: Recipe[Any, Any]) -> RecipePublic:
    return RecipePublic(
        name=recipe.name,
        title=recipe.title,
        uses_pbp=recipe.uses_pbp,
        options_schema=recipe.options_model.model_json_schema(),
    )


@router.get("", response_model=list[RecipePublic])
def list_recipes() -> list[RecipePublic]:
    """Every recipe, built-in first; ``POST /jobs`` takes its name as ``recipe``."""
    return [_public(get_recipe(name)) for name in recipe_names()]


@router.get(
    "/{name}", response_model=RecipePublic, responses={404: {"description": "no such recipe"}}
)
def one_recipe(name: str) -> RecipePublic:
    """One recipe and its options' JSON schema."""
    try:
        return _public(get_recipe(name))
    except ConfigError as exc:
        raise ApiError(404, "not_found", exc.message) from None
