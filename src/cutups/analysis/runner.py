"""Run every analyser over a video in one decode pass, with the result cached on disk.

Steps: build the analysers; fingerprint the file; if the cache holds an analysis for (content,
those analysers), return it. Otherwise sample ~48 frames to locate the scorebug, decode the
video once feeding motion, field, scorebug, bug-crop and audio analysers together, read the
clock off the stored bug crops, fit the clock model, and cache the lot.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from cutups.analysis.audio import AudioBandsAnalyser
from cutups.analysis.base import TICK_RATE, Analyser, AudioAnalyser, FrameAnalyser, PassContext
from cutups.analysis.bug_crops import BugCropAnalyser
from cutups.analysis.cache import AnalysisCache, cache_key, fingerprint
from cutups.analysis.clock_model import ClockFitter
from cutups.analysis.clock_reader import ClockReader
from cutups.analysis.field import FieldAnalyser
from cutups.analysis.locate import ScorebugLocator, Survey
from cutups.analysis.motion import MotionAnalyser
from cutups.analysis.passes import (
    MIN_SPAN_SECONDS,
    PassAnalysers,
    SpanPool,
    join_crops,
    join_spans,
    new_spill_dir,
    plan_spans,
)
from cutups.analysis.result import Analysis
from cutups.analysis.scorebug import ScorebugAnalyser
from cutups.analysis.signals import Signals
from cutups.media.probe import MediaInfo

__all__ = ["Analysers", "analyse", "cached_analysis"]

log = logging.getLogger(__name__)


def _frame_analysers() -> tuple[FrameAnalyser, ...]:
    return (MotionAnalyser(), FieldAnalyser(), ScorebugAnalyser(), BugCropAnalyser())


def _audio_analysers() -> tuple[AudioAnalyser, ...]:
    return (AudioBandsAnalyser(),)


@dataclass(frozen=True, slots=True)
class Analysers:
    """Every analyser of one analysis, in the order they run. The stored ones (:meth:`stored`)
    make the cache key and run (the decode pass's ones copied into each span's process); the
    clock fitter is cheap and pure, so its model is refitted on every load rather than keyed."""

    locator: ScorebugLocator = field(default_factory=ScorebugLocator)
    frames: tuple[FrameAnalyser, ...] = field(default_factory=_frame_analysers)
    audio: tuple[AudioAnalyser, ...] = field(default_factory=_audio_analysers)
    clock_reader: ClockReader = field(default_factory=ClockReader)
    clock_fitter: ClockFitter = field(default_factory=ClockFitter)

    def stored(self) -> tuple[Analyser, ...]:
        """The analysers whose output the cache stores: they make its key."""
        return (self.locator, *self.frames, *self.audio, self.clock_reader)

    def refit(self, analysis: Analysis) -> Analysis:
        """``analysis`` with its clock model fitted by this fitter (a new fitter needs no new
        decode: the readings are stored)."""
        return replace(analysis, clock=self.clock_fitter.fit(analysis.readings))

    def in_pass(self, info: MediaInfo, survey: Survey, spill_dir: Path) -> PassAnalysers:
        """The decode pass's analysers for ``info``, told what ``survey`` found."""
        context = PassContext(
            width=info.video.width,
            height=info.video.height,
            has_audio=info.has_audio,
            scorebug=survey.scorebug,
            field=survey.field,
            spill_dir=spill_dir,
        )
        return PassAnalysers(self.frames, self.audio, context)


def analyse(
    info: MediaInfo,
    *,
    cache_dir: Path | None,
    progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
    workers: int = 1,
    min_span_seconds: float = MIN_SPAN_SECONDS,
    analysers: Analysers | None = None,
) -> Analysis:
    """Compute (or load) the analysis of a video.

    Arguments:
        info: the probed video.
        cache_dir: where analyses are cached (in its ``analysis`` folder); None: no cache.
        progress: called with the fraction done (0-1) during decoding.
        cancel: set to stop; raises CanceledError from the decoder.
        workers: processes that analyse parts of the video side by side (one per core is
            fastest); parts are at least ``min_span_seconds`` long, so short videos get one.
        analysers: what to run; the default set when None.
    """
    analysers = analysers or Analysers()
    cache = AnalysisCache(cache_dir / "analysis") if cache_dir is not None else None
    key = cache_key(fingerprint(info.path), analysers.stored())
    cached = cache.load(key) if cache is not None else None
    if cached is not None:
        log.info("analysis cache hit %s", key)
        if progress:
            progress(1.0)
        return analysers.refit(cached)
    analysis = _run(info, analysers, progress, cancel, workers, min_span_seconds)
    if cache is not None:
        cache.save(key, analysis)
    return analysis


def cached_analysis(
    info: MediaInfo, *, cache_dir: Path | None, analysers: Analysers | None = None
) -> Analysis | None:
    """The cached analysis of a video, None when there is none (nothing is computed)."""
    if cache_dir is None:
        return None
    analysers = analysers or Analysers()
    key = cache_key(fingerprint(info.path), analysers.stored())
    cached = AnalysisCache(cache_dir / "analysis").load(key)
    return analysers.refit(cached) if cached is not None else None


def _run(
    info: MediaInfo,
    analysers: Analysers,
    progress: Callable[[float], None] | None,
    cancel: threading.Event | None,
    workers: int,
    min_span_seconds: float,
) -> Analysis:
    """Locate the bug, run the decode pass over spans side by side, read the clock."""
    n_ticks = int(info.duration * TICK_RATE)
    spans = plan_spans(n_ticks, workers, int(min_span_seconds * TICK_RATE))
    with new_spill_dir() as spill_dir, SpanPool(len(spans), Path(spill_dir)) as pool:
        # The span workers start up while the bug is located: they need its box to begin.
        survey = analysers.locator.survey(info)
        log.info("scorebug %s", "found" if survey.scorebug else "not found")
        in_pass = analysers.in_pass(info, survey, Path(spill_dir))
        results = pool.analyse(info, in_pass, spans, progress=progress, cancel=cancel)
        readings = analysers.clock_reader.read(join_crops(results))
    return Analysis(
        signals=Signals(rate=TICK_RATE, duration=info.duration, arrays=join_spans(results)),
        scorebug=survey.scorebug,
        readings=readings,
        clock=analysers.clock_fitter.fit(readings),
        field=survey.field,
    )
