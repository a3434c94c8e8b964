"""A test recipe whose options are one of each kind the web page draws from a schema.

``sampler``: ``count`` clips of ``length`` seconds, spread evenly over the video or packed
back to back, from its start or its end, named ``<prefix>_<n>``, each with the chosen
``evidence``. Importing this module registers it (``CUTUPS_RECIPE_MODULES``), as
``tests.recipes.tiny_recipe`` does for ``every``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from cutups.recipes.base import Recipe, RecipeInputs, RecipeOptions, RunContext
from cutups.recipes.registry import register
from cutups.settings import Settings
from cutups.timeline import ClipPlan, Timeline

Evidence = Literal["sampled", "picked", "test"]


class SamplerOptions(RecipeOptions):
    count: int = Field(3, ge=1, le=12, description="how many clips")
    length: float = Field(2.0, gt=0, le=30, description="seconds per clip")
    prefix: str = Field(
        "sample", max_length=24, pattern=r"^[a-z0-9-]+$", description="clip names start with it"
    )
    from_end: bool = Field(False, description="count back from the end of the video")
    spacing: Literal["even", "packed"] = Field(
        "even", description="spread over the video, or back to back"
    )
    evidence: tuple[Evidence, ...] = Field(("sampled",), description="what each clip says")
    tidy: bool | None = Field(
        None, description="recorded, unused (a yes/no that may be left to the server)"
    )


class SamplerRecipe(Recipe[SamplerOptions, float]):
    name = "sampler"
    title = "a few evenly spread samples of the video (test recipe)"
    options_model = SamplerOptions

    def analyse(self, inputs: RecipeInputs, options: SamplerOptions, ctx: RunContext) -> float:
        ctx.progress("analysing", 1.0, "nothing to analyse")
        return inputs.info.duration

    def plan(
        self, analysis: float, inputs: RecipeInputs, options: SamplerOptions, settings: Settings
    ) -> Timeline:
        step = analysis / options.count if options.spacing == "even" else options.length
        starts = [n * step for n in range(options.count) if n * step + options.length <= analysis]
        if options.from_end:
            starts = [analysis - options.length - s for s in starts]
        clips = tuple(
            ClipPlan(
                f"{options.prefix}_{n}",
                start,
                start + options.length,
                start,
                start + options.length,
                score=100.0,
                evidence=options.evidence,
            )
            for n, start in enumerate(sorted(starts))
        )
        return Timeline("sampler", str(inputs.source), analysis, clips)


register(SamplerRecipe())
