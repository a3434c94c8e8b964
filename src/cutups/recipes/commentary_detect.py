"""Plays for the commentary while the video is being decoded.

Without play-by-play, the commentary does not wait for the whole analysis: the video is decoded
in windows (:mod:`cutups.analysis.windowed`), each window's signals go to the incremental
detector (:mod:`cutups.analysis.incremental`), and each play it announces is planned into its
clip as the ``plays`` recipe plans it (:func:`~cutups.recipes.plays.plan_from_detections` over
the plays so far: a clip's window depends on its own play only, since plays never overlap), but
without the source's keyframes: every chunk is encoded, so the probe skips their scan and clip
edges need not sit on them.
With play-by-play the plays are aligned with the rows, which needs the whole video's clock, so
that run analyses first (the batch path).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field

from cutups.analysis.clock_model import ClockFitter
from cutups.analysis.incremental import PlayFeed
from cutups.analysis.plays import DetectedPlay
from cutups.analysis.windowed import Prefix, analyse_windows
from cutups.recipes.base import RecipeInputs, RunContext
from cutups.recipes.plays import PlaysParams, plan_from_detections
from cutups.recipes.plays_recipe import PlaysAnalysis, cut_points, plays_warnings
from cutups.timeline import ClipPlan, JobWarning, Timeline

__all__ = ["StreamedPlays"]


@dataclass
class StreamedPlays:
    """The clips of one video as the decode finds them; :attr:`clips` grows as they come."""

    inputs: RecipeInputs
    params: PlaysParams
    ctx: RunContext
    clips: list[ClipPlan] = field(default_factory=list)
    detected: list[DetectedPlay] = field(default_factory=list)
    last: Prefix | None = None

    @property
    def reach(self) -> float:
        """How far before its snap a clip may start (padding and its slack)."""
        windows = self.params.windows
        return windows.pre + windows.pre_slack.longer

    def updates(self) -> Iterator[tuple[list[ClipPlan], float]]:
        """New clips after each window, and the second before which every clip is known
        (infinity once the whole video is)."""
        info = self.inputs.info
        feed = PlayFeed(self.params.detector)
        for prefix in analyse_windows(info, cancel=self.ctx.cancel):
            self.last = prefix
            self.detected += feed.feed(prefix.signals, prefix.readings, final=prefix.final)
            planned = plan_from_detections(
                self.detected,
                source=str(self.inputs.source),
                duration=info.duration,
                options=self.params,
                cuts=cut_points(info),
            ).clips
            fresh = list(planned[len(self.clips) :])
            self.clips += fresh
            yield fresh, math.inf if prefix.final else feed.settled

    def timeline(self, recipe: str, meta: dict[str, object]) -> Timeline:
        """The plan the stream followed, as the batch path would have saved it."""
        warnings: tuple[JobWarning, ...] = ()
        if self.last is not None:
            analysis = PlaysAnalysis(self.last.analysis(ClockFitter()), None)
            warnings = plays_warnings(analysis, clips=len(self.clips))
        return Timeline(
            recipe=recipe,
            source=str(self.inputs.source),
            duration=self.inputs.info.duration,
            clips=tuple(self.clips),
            meta={**meta, "detector": "vision_v1", "detection": "windows"},
            warnings=warnings,
        )
