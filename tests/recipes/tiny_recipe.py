"""A recipe that lives in the test suite, to prove recipes plug in with no change to the service.

``every``: one clip of ``length`` seconds every ``every`` seconds of the source. Importing this
module registers it (as ``CUTUPS_RECIPE_MODULES=tests.recipes.tiny_recipe`` does in a server
or a worker).
"""

from __future__ import annotations

from pydantic import Field

from cutups.recipes.base import Recipe, RecipeInputs, RecipeOptions, RunContext
from cutups.recipes.registry import register
from cutups.settings import Settings
from cutups.timeline import ClipPlan, Timeline


class EveryOptions(RecipeOptions):
    every: float = Field(10.0, gt=0, description="seconds between clip starts")
    length: float = Field(3.0, gt=0, le=60, description="seconds per clip")


class EveryRecipe(Recipe[EveryOptions, float]):
    name = "every"
    title = "a clip every few seconds (test recipe)"
    options_model = EveryOptions

    def analyse(self, inputs: RecipeInputs, options: EveryOptions, ctx: RunContext) -> float:
        ctx.progress("analysing", 1.0, "nothing to analyse")
        return inputs.info.duration

    def plan(
        self, analysis: float, inputs: RecipeInputs, options: EveryOptions, settings: Settings
    ) -> Timeline:
        clips = []
        start = 0.0
        while start + options.length <= analysis:
            end = start + options.length
            clips.append(ClipPlan(f"clip_{len(clips)}", start, end, start, end, score=100.0))
            start += options.every
        return Timeline("every", str(inputs.source), analysis, tuple(clips))


register(EveryRecipe())
