"""The ``plays`` recipe: one clip for every snap and kick of a football broadcast.

``plan_plays`` is pure: signals (and later, play-by-play) in, a :class:`~cutups.timeline.Timeline`
out. Rendering the timeline into clips is :mod:`cutups.output.render`'s job.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cutups.analysis.plays import DetectedPlay, DetectorParams, detect_plays
from cutups.analysis.signals import Signals
from cutups.recipes.windows import WindowOptions, build_windows
from cutups.timeline import ClipPlan, Timeline

__all__ = ["BUCKETS", "PlaysOptions", "plan_from_detections", "plan_plays"]

BUCKETS = ("team_offense", "opp_offense", "special_teams")


@dataclass(frozen=True, slots=True)
class PlaysOptions:
    """What the user chose for a plays job."""

    windows: WindowOptions = WindowOptions()
    team: str | None = None
    only: tuple[str, ...] = ()
    """Keep only these buckets (empty: keep all)."""
    detector: DetectorParams = DetectorParams()


def plan_from_detections(
    plays: Sequence[DetectedPlay], *, source: str, duration: float, options: PlaysOptions,
    meta: dict[str, object] | None = None,
) -> Timeline:
    """Turn detected plays into padded, numbered clips."""
    windows = build_windows([(p.snap, p.end) for p in plays], duration, options.windows)
    clips = []
    for n, window in enumerate(windows):
        play = plays[window.source_index]
        clips.append(
            ClipPlan(
                id=f"clip_{n}", start=window.start, end=window.end, snap=window.snap,
                end_of_play=window.core_end, bucket=None, score=play.score,
                evidence=play.evidence, listed=None,
            )
        )
    return Timeline(recipe="plays", source=source, duration=duration, clips=tuple(clips),
                    meta=dict(meta or {}))


def plan_plays(signals: Signals, *, source: str, options: PlaysOptions) -> Timeline:
    """Detect plays from the video's signals alone and plan their clips."""
    plays = detect_plays(signals, options.detector)
    meta: dict[str, object] = {
        "detector": "vision_v1",
        "candidates": len(plays),
        "whistles": int((signals["whistle"] >= 10.0).sum()),
    }
    return plan_from_detections(plays, source=source, duration=signals.duration,
                                options=options, meta=meta)
