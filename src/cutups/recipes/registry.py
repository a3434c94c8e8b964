"""Where the CLI, the job service, the worker and the web page find recipes.

The built-in recipes are listed in :data:`BUILTIN`, imported on first use so that looking up
one recipe does not import every other's dependencies. More recipes come from modules named in
``Settings.recipe_modules`` (``CUTUPS_RECIPE_MODULES``): importing such a module calls
:func:`register`. Every process (CLI, server, worker) calls :func:`load_recipe_modules` once
at start, so a recipe added that way runs everywhere with no change to the service.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Iterable
from typing import Any

from cutups.errors import ConfigError
from cutups.recipes.base import Recipe

__all__ = ["BUILTIN", "get_recipe", "load_recipe_modules", "recipe_names", "register"]

BUILTIN: dict[str, str] = {
    "plays": "cutups.recipes.plays_recipe:PlaysRecipe",
    "commentary": "cutups.recipes.commentary_recipe:CommentaryRecipe",
    "shorts": "cutups.recipes.shorts.recipe:ShortsRecipe",
}
"""Name -> ``module:Class`` of the recipes that ship with Cutups."""

AnyRecipe = Recipe[Any, Any]

_registered: dict[str, AnyRecipe] = {}
_lock = threading.Lock()


def register(recipe: AnyRecipe) -> AnyRecipe:
    """Make ``recipe`` available under ``recipe.name`` (the last registration wins)."""
    with _lock:
        _registered[recipe.name] = recipe
    return recipe


def _builtin(name: str) -> AnyRecipe:
    module_name, _, class_name = BUILTIN[name].partition(":")
    recipe: AnyRecipe = getattr(importlib.import_module(module_name), class_name)()
    return register(recipe)


def get_recipe(name: str) -> AnyRecipe:
    """The recipe called ``name``.

    Raises:
        ConfigError: no such recipe; the message lists the known ones.
    """
    with _lock:
        found = _registered.get(name)
    if found is not None:
        return found
    if name in BUILTIN:
        return _builtin(name)
    raise ConfigError(f"unknown recipe {name!r}; recipes are {', '.join(recipe_names())}")


def recipe_names() -> list[str]:
    """Every known recipe's name, built-in first."""
    with _lock:
        extra = [n for n in _registered if n not in BUILTIN]
    return [*BUILTIN, *sorted(extra)]


def load_recipe_modules(modules: Iterable[str]) -> None:
    """Import each named module; importing one registers its recipes.

    Raises:
        ConfigError: a module that cannot be imported (named, with the reason).
    """
    for module in modules:
        try:
            importlib.import_module(module)
        except ImportError as exc:
            raise ConfigError(f"recipe module {module!r} cannot be imported: {exc}") from None
