"""One recipe run from start to finish, shared by the CLI and the job service.

check options → probe once → analyse (cached) → plan (pure; saved as ``timeline.json``) →
render. Progress is reported per stage through one callback; cancel goes through the ffmpeg
process registry and a threading event. Stages reported: ``probing``, then the recipe's
``analysing``, ``detecting`` (planning), ``cutting`` and ``packaging``.
"""

from __future__ import annotations

import dataclasses
import logging
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cutups.errors import InputError
from cutups.media.probe import probe
from cutups.output.render import ProgressFn, RenderResult
from cutups.recipes.base import Recipe, RecipeInputs, RecipeOptions, RunContext
from cutups.recipes.plays_recipe import PlaysOptions
from cutups.recipes.registry import get_recipe
from cutups.settings import Settings
from cutups.timeline import Timeline

__all__ = ["PlaysJob", "run_plays", "run_recipe"]

log = logging.getLogger(__name__)

TIMELINE_FILE = "timeline.json"


def run_recipe(
    recipe: Recipe[Any, Any],
    options: RecipeOptions,
    source: Path,
    ctx: RunContext,
    *,
    pbp: Path | None = None,
    source_url: str = "",
    max_seconds: float | None = None,
) -> RenderResult:
    """Run ``recipe`` on ``source``; raise a :class:`~cutups.errors.CutupsError` on any failure.

    Arguments:
        pbp: a play-by-play file (only for recipes with ``uses_pbp``).
        source_url: how the user named the source, for the manifest.
        max_seconds: refuse a longer video right after probing (the service's limit).
    """
    if pbp is not None and not recipe.uses_pbp:
        raise InputError(f"the {recipe.name} recipe does not use play-by-play")
    recipe.check(options, has_pbp=pbp is not None, settings=ctx.settings)
    ctx.progress("probing", 0.0, f"reading {source.name}")
    info = probe(source, keyframes=recipe.uses_keyframes)
    _check_length(info.duration, max_seconds)
    ctx.progress("probing", 1.0, f"{info.duration:.0f} s, {info.video.width}x{info.video.height}")
    inputs = RecipeInputs(source=source, info=info, pbp=pbp, source_url=source_url)
    saved = ctx.out_dir / TIMELINE_FILE
    if ctx.resume and saved.exists():
        timeline = Timeline.load(saved)
        ctx.progress("detecting", 1.0, f"resumed: {len(timeline.clips)} clips already planned")
    else:
        analysis = recipe.analyse(inputs, options, ctx)
        ctx.progress("detecting", 0.0, "planning the clips")
        timeline = recipe.plan(analysis, inputs, options, ctx.settings)
        ctx.progress("detecting", 1.0, f"{len(timeline.clips)} clips planned")
        ctx.out_dir.mkdir(parents=True, exist_ok=True)
        timeline.save(saved)
    return recipe.render(timeline, inputs, ctx)


def _check_length(duration: float, max_seconds: float | None) -> None:
    if max_seconds is not None and duration > max_seconds:
        raise InputError(
            f"the video is {duration / 3600:.1f} h long, over the limit of "
            f"{max_seconds / 3600:.1f} h (CUTUPS_MAX_VIDEO_SECONDS)"
        )


@dataclass(frozen=True, slots=True)
class PlaysJob:
    """A plays run in one value, for scripts and tests (:func:`run_plays`)."""

    source: Path
    out_dir: Path
    options: PlaysOptions = field(default_factory=PlaysOptions)
    pbp: Path | None = None
    job_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])


def run_plays(
    job: PlaysJob, settings: Settings, *, progress: ProgressFn | None = None
) -> RenderResult:
    """Shorthand for :func:`run_recipe` with the ``plays`` recipe."""
    ctx = RunContext(settings=settings, out_dir=job.out_dir, job_id=job.job_id)
    if progress is not None:
        ctx = dataclasses.replace(ctx, progress=progress)
    return run_recipe(get_recipe("plays"), job.options, job.source, ctx, pbp=job.pbp)
