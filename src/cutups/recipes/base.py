"""The interface every recipe implements, and what a run hands it.

A recipe turns one source video (and optional side inputs) into finished clips in three steps:

* :meth:`Recipe.analyse` looks at the media (decoding, transcribing, detecting) and returns the
  recipe's analysis, cached on disk by content hash + parameters + code version;
* :meth:`Recipe.plan` is pure: analysis and options in, a serialisable
  :class:`~cutups.timeline.Timeline` out (testable without media, saved for resuming);
* :meth:`Recipe.render` turns the timeline into files; it is the only step that runs ffmpeg.

Options are one pydantic model per recipe (:class:`RecipeOptions`): the API body's
``options``, the CLI's flags (see :mod:`cutups.recipes.flags`) and the running job all use it.
The CLI, the job service, the worker and the web page find recipes in
:mod:`cutups.recipes.registry`; adding a recipe touches no file of the service.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from cutups.errors import ConfigError
from cutups.media.ffmpeg import ProcessRegistry
from cutups.media.probe import MediaInfo
from cutups.output.render import ProgressFn, RenderResult, render_timeline
from cutups.settings import Settings
from cutups.timeline import Timeline

__all__ = [
    "Recipe",
    "RecipeInputs",
    "RecipeOptions",
    "RunContext",
    "describe_errors",
]


class RecipeOptions(BaseModel):
    """Base of every recipe's options: immutable, and unknown fields are an error.

    A field's ``json_schema_extra`` may carry ``cli`` (the flag's name, or False to keep it off
    the command line) and ``metavar``; its ``description`` is the flag's help.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")


OptionsT = TypeVar("OptionsT", bound=RecipeOptions)
AnalysisT = TypeVar("AnalysisT")


def _no_progress(stage: str, fraction: float, detail: str) -> None:
    return None


@dataclass(frozen=True, slots=True)
class RecipeInputs:
    """What a run works on, checked and probed once before any recipe step."""

    source: Path
    info: MediaInfo
    """The source, probed once (keyframes included) for every step."""
    pbp: Path | None = None
    """A play-by-play file, for recipes with ``uses_pbp``."""
    source_url: str = ""
    """How the user named the source (URL or path), shown in the manifest."""


@dataclass(frozen=True, slots=True)
class RunContext:
    """How to run: settings, where to write, and the hooks a job service listens on."""

    settings: Settings
    out_dir: Path
    job_id: str
    progress: ProgressFn = _no_progress
    cancel: threading.Event | None = None
    """Set it to stop the analysis; cancel ``registry`` to stop running ffmpeg."""
    registry: ProcessRegistry | None = None
    on_clip: Callable[[Mapping[str, Any]], None] | None = None
    """Called with each clip's manifest entry as soon as the clip exists."""
    on_event: Callable[[Mapping[str, Any]], None] | None = None
    """Called with each stream event of a recipe that streams (``commentary``: ``status``,
    ``chunk_ready``, ``warning``...), as a JSON-ready dict with its ``type``."""
    resume: bool = False
    """Continue an interrupted run in the same ``out_dir`` (saved plan, finished clips)."""


class Recipe(ABC, Generic[OptionsT, AnalysisT]):
    """One way of turning a video into clips. Subclasses set the class attributes."""

    name: ClassVar[str]
    """The registry key: ``cutups run --recipe NAME``, ``POST /jobs {"recipe": NAME}``."""
    title: ClassVar[str]
    """One line for help texts and the web page."""
    options_model: ClassVar[type[RecipeOptions]]
    uses_pbp: ClassVar[bool] = False
    """True when the recipe reads play-by-play (``RecipeInputs.pbp``)."""
    uses_keyframes: ClassVar[bool] = True
    """True when the recipe cuts on the source's keyframes (``MediaInfo.keyframes``); False
    lets the probe skip its scan of every packet (~3 s per hour of video before any work)."""

    def check(self, options: OptionsT, *, has_pbp: bool, settings: Settings) -> None:
        """Reject option combinations before any work starts (raise ``ConfigError``).

        ``has_pbp``: the run has (or will fetch) play-by-play.
        """
        return None

    @abstractmethod
    def analyse(self, inputs: RecipeInputs, options: OptionsT, ctx: RunContext) -> AnalysisT:
        """Look at the media; cached by content, parameters and code version."""

    @abstractmethod
    def plan(
        self, analysis: AnalysisT, inputs: RecipeInputs, options: OptionsT, settings: Settings
    ) -> Timeline:
        """Pure: what to cut, as a serialisable timeline."""

    def render(self, timeline: Timeline, inputs: RecipeInputs, ctx: RunContext) -> RenderResult:
        """Cut the timeline's clips and package them (clips, thumbnails, reel, report, ZIP)."""
        return render_timeline(
            timeline,
            inputs.info,
            ctx.out_dir,
            job_id=ctx.job_id,
            source_url=inputs.source_url or str(inputs.source),
            jobs=ctx.settings.jobs,
            progress=ctx.progress,
            registry=ctx.registry,
            ffmpeg=ctx.settings.ffmpeg,
            on_clip=ctx.on_clip,
            resume=ctx.resume,
        )

    def options(self, values: Mapping[str, Any]) -> OptionsT:
        """Validate raw option values (an API body, parsed flags) into this recipe's model.

        Raises:
            ConfigError: unknown fields or values out of range, each named.
        """
        try:
            model = self.options_model.model_validate(dict(values))
        except ValidationError as exc:
            raise ConfigError(f"{self.name} options: {describe_errors(exc)}") from None
        return model  # type: ignore[return-value]


def describe_errors(exc: ValidationError) -> str:
    """A pydantic error as one line naming every bad field, e.g. ``pre: must be >= 0``."""
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error["loc"]) or "options"
        message = "unknown option" if error["type"] == "extra_forbidden" else error["msg"]
        parts.append(f"{where}: {message}")
    return "; ".join(parts)
