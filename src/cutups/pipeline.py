"""The plays job from start to finish, as one call shared by the CLI and the job service.

probe → analyse (one decode pass, cached) → plan (detect plays, align play-by-play, bucket)
→ render (cut, thumbnails, reel, report, ZIP, manifest). Progress is reported per stage through
one callback; cancel goes through the ffmpeg process registry and a threading event.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cutups.analysis.runner import analyse
from cutups.media.ffmpeg import ProcessRegistry
from cutups.media.probe import MediaInfo, probe
from cutups.output.render import ProgressFn, RenderResult, render_timeline
from cutups.pbp.load import load_pbp
from cutups.pbp.model import Game
from cutups.recipes.plays import PlaysOptions, plan_plays
from cutups.recipes.windows import CutPoints
from cutups.settings import Settings
from cutups.timeline import Timeline

__all__ = ["PlaysJob", "cut_points", "run_plays"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PlaysJob:
    """Everything a plays job needs, validated before any work starts."""

    source: Path
    out_dir: Path
    options: PlaysOptions = field(default_factory=PlaysOptions)
    pbp: Path | None = None
    job_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    source_url: str = ""


def _noop(stage: str, fraction: float, detail: str) -> None:
    return None


def run_plays(
    job: PlaysJob,
    settings: Settings,
    *,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
    registry: ProcessRegistry | None = None,
    on_clip: Callable[[Mapping[str, Any]], None] | None = None,
    resume: bool = False,
) -> RenderResult:
    """Run a plays job; raise a :class:`~cutups.errors.CutupsError` on any failure.

    Arguments:
        job: what to do.
        settings: how.
        progress: ``(stage, fraction, detail)`` callback.
        cancel: set it to stop the analysis; cancel ``registry`` to stop running ffmpeg.
        registry: tracks this job's ffmpeg processes.
        on_clip: called with each clip's manifest entry as soon as the clip is cut.
        resume: continue an interrupted run in the same ``out_dir``: a saved
            ``timeline.json`` skips analysis and planning, and finished clips are not recut.
    """
    report = progress or _noop
    # Parse the play-by-play first: a bad file should fail in a second, not after the analysis.
    clock_at = "end" if settings.pbp_clock_at == "auto" else settings.pbp_clock_at
    game = load_pbp(job.pbp, clock_at=clock_at) if job.pbp else None
    if game is not None and job.options.team:
        from cutups.pbp.teams import match_team

        match_team(job.options.team, game)
    report("probing", 0.0, f"reading {job.source.name}")
    info = probe(job.source)
    report("probing", 1.0, f"{info.duration:.0f} s, {info.video.width}x{info.video.height}")
    saved = job.out_dir / "timeline.json"
    if resume and saved.exists():
        timeline = Timeline.load(saved)
        report("detecting", 1.0, f"resumed: {len(timeline.clips)} plays already planned")
    else:
        timeline = _plan(job, settings, info, game, report, cancel)
        job.out_dir.mkdir(parents=True, exist_ok=True)
        timeline.save(saved)
    return render_timeline(
        timeline,
        info,
        job.out_dir,
        job_id=job.job_id,
        source_url=job.source_url or str(job.source),
        jobs=settings.jobs,
        progress=report,
        registry=registry,
        ffmpeg=settings.ffmpeg,
        on_clip=on_clip,
        resume=resume,
    )


def cut_points(info: MediaInfo) -> CutPoints:
    """Where ``info``'s video can be cut by stream copy alone, for the clip windows."""
    return CutPoints(keyframes=info.keyframes, any_end=info.video.reorders is False)


def _plan(
    job: PlaysJob,
    settings: Settings,
    info: MediaInfo,
    game: Game | None,
    report: ProgressFn,
    cancel: threading.Event | None,
) -> Timeline:
    """Analyse (or load cached signals) and plan the clips."""
    analysis = analyse(
        info,
        cache_dir=settings.cache_dir,
        progress=lambda f: report("analysing", f, "decoding once for every analyser"),
        cancel=cancel,
        workers=settings.workers,
    )
    report("detecting", 0.0, "finding snaps and whistles")
    timeline = plan_plays(
        analysis,
        source=str(job.source),
        options=job.options,
        game=game,
        clock_at=settings.pbp_clock_at,
        cuts=cut_points(info),
    )
    meta = dict(timeline.meta)
    meta["signals_cached"] = analysis.cached
    meta["scorebug_found"] = analysis.scorebug is not None
    meta["ocr_samples"] = len(analysis.readings)
    timeline = Timeline(
        recipe=timeline.recipe,
        source=timeline.source,
        duration=timeline.duration,
        clips=timeline.clips,
        meta=meta,
    )
    report("detecting", 1.0, f"{len(timeline.clips)} plays")
    return timeline
