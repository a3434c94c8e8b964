"""Run every analyser over a video in one decode pass, with the result cached on disk.

Steps: fingerprint the file; if the cache holds signals for (fingerprint, analyser params, code
version), return them. Otherwise sample ~48 frames to locate the scorebug, then decode the video
once, feeding motion, field, scorebug and audio analysers together, and cache what they produce.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cutups import __version__
from cutups.analysis.audio import AudioBandsAnalyser
from cutups.analysis.base import TICK_RATE, FrameAnalyser
from cutups.analysis.bug_crops import BugCropAnalyser, BugCrops, SpilledCrops
from cutups.analysis.clock_model import ClockModel, ClockReading, fit_clock_model
from cutups.analysis.clock_reader import read_clock
from cutups.analysis.field import FieldAnalyser, green_fraction
from cutups.analysis.motion import MotionAnalyser
from cutups.analysis.ocr import TesseractReader
from cutups.analysis.passes import (
    MIN_SPAN_SECONDS,
    SpanPool,
    join_crops,
    join_spans,
    new_spill_dir,
    plan_spans,
)
from cutups.analysis.scorebug import (
    LOCATE_SIZE,
    ScorebugAnalyser,
    ScorebugLocation,
    locate_scorebug,
    luma,
)
from cutups.analysis.signals import Signals, cache_key, fingerprint
from cutups.media.decode import decode_once
from cutups.media.probe import MediaInfo
from cutups.media.sample import sample_frames

__all__ = ["ANALYSIS_VERSION", "Analysis", "analyse", "repeated_pictures"]

log = logging.getLogger(__name__)

ANALYSIS_VERSION = "2"
"""Bumped with any change to how signals are computed; part of every cache key."""
_LOCATE_SAMPLES = 48
_GOLDEN = 0.6180339887498949
_CACHE_KEEP = 32


@dataclass(frozen=True, slots=True)
class Analysis:
    """Signals of one video plus what was learned along the way."""

    signals: Signals
    scorebug: ScorebugLocation | None
    clock: ClockModel
    readings: tuple[ClockReading, ...]
    cached: bool


_PURE_CONSUMERS = frozenset(
    {"plays.py", "segments.py", "clock_model.py", "confidence.py", "__init__.py"}
)
"""Modules that only read cached signals (detection, clock fitting): editing them must not
throw the cache away."""


@functools.cache
def code_fingerprint() -> str:
    """Hash of the analysis code and the decoder: any edit to them invalidates cached signals,
    so a stale cache can never survive a change that forgot to bump :data:`ANALYSIS_VERSION`."""
    digest = hashlib.sha1()
    roots = [Path(__file__).parent, Path(decode_once.__code__.co_filename).parent]
    for root in roots:
        for path in sorted(root.glob("*.py")):
            if path.name in _PURE_CONSUMERS:
                continue
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def repeated_pictures(images: list[np.ndarray], tolerance: float = 1.5) -> list[int]:
    """Indexes of images that show the same picture as an earlier one (mean difference under
    ``tolerance`` levels on a coarse grid): compression noise differs, content does not."""
    small = [img[::8, ::8].astype(np.int16) for img in images]
    return [
        i
        for i in range(1, len(small))
        if any(float(np.abs(small[i] - small[j]).mean()) < tolerance for j in range(i))
    ]


def _sample(info: MediaInfo, times: list[float]) -> list[tuple[float, np.ndarray]]:
    # Any frame near each time will do, so B-frames are not decoded on the way to it: on a
    # long-GOP broadcast the seeks decode up to a GOP each and dominate locating.
    width, height = LOCATE_SIZE
    return sample_frames(
        info.path, times, width=width, height=height, gray=False, reference_only=True
    )


def _locate(info: MediaInfo) -> ScorebugLocation | None:
    duration = info.duration
    step = duration / _LOCATE_SAMPLES
    times = [step * (i + 0.5) for i in range(_LOCATE_SAMPLES)]
    samples = dict(_sample(info, times))
    # A regular grid aliases with anything that repeats at a multiple of its step: a 3-hour
    # benchmark made of one 30-minute broadcast played six times was sampled at 8 distinct
    # pictures, 6 times each; the bug's "stable" area took in the background, the box came out
    # too tall and crops were stored 3.6x as often. Repeated pictures are sampled again
    # elsewhere in their stretch (ordinary broadcasts have none, so nothing changes for them).
    shown = list(samples)
    again = [shown[i] for i in repeated_pictures([samples[t] for t in shown])]
    if again:
        log.info("scorebug: %d sampled pictures repeat; sampling elsewhere", len(again))
        for t in again:
            del samples[t]
        # Each stretch moves by its own amount (golden-ratio steps), so the copies of one
        # picture do not all land on one other picture.
        moved = [step * (t // step + 0.1 + 0.8 * ((t // step + 1) * _GOLDEN % 1)) for t in again]
        samples.update(_sample(info, moved))
    rgb = [samples[t] for t in sorted(samples)]
    gray = [luma(img) for img in rgb]
    off_field = [green_fraction(img[::4, ::4]) < 0.25 for img in rgb]
    return locate_scorebug(gray, off_field)


def _location_arrays(loc: ScorebugLocation | None) -> dict[str, np.ndarray]:
    if loc is None:
        return {}
    return {
        "__bug_box__": np.array([loc.x, loc.y, loc.w, loc.h, loc.coverage]),
        "__bug_template__": loc.template,
        "__bug_stable__": loc.stable,
    }


def _readings_arrays(readings: tuple[ClockReading, ...]) -> dict[str, np.ndarray]:
    rows = [(r.t, -1 if r.period is None else r.period, r.seconds, r.confidence) for r in readings]
    return {"__clock__": np.asarray(rows, dtype=np.float64).reshape(-1, 4)}


def _readings_from(signals: Signals) -> tuple[ClockReading, ...]:
    if "__clock__" not in signals:
        return ()
    return tuple(
        ClockReading(float(t), None if p < 0 else int(p), float(c), float(q))
        for t, p, c, q in signals["__clock__"]
    )


def _read_clock(bug: BugCrops | None) -> tuple[ClockReading, ...]:
    """Read the clock off the stored bug crops, which are then deleted (they are large)."""
    if bug is None:
        return ()
    try:
        if len(bug.crops) < 3:
            return ()
        readout = read_clock(bug, TesseractReader())
    finally:
        if isinstance(bug.crops, SpilledCrops):
            bug.crops.close()
    log.info(
        "clock: %d readings (%d by Tesseract, %d by learned glyphs)",
        len(readout.readings),
        readout.tesseract_calls,
        readout.glyph_reads,
    )
    return readout.readings


def _location_from(signals: Signals) -> ScorebugLocation | None:
    if "__bug_box__" not in signals:
        return None
    x, y, w, h, coverage = (float(v) for v in signals["__bug_box__"])
    return ScorebugLocation(
        x=x,
        y=y,
        w=w,
        h=h,
        template=signals["__bug_template__"],
        stable=signals["__bug_stable__"].astype(bool),
        coverage=coverage,
    )


def analyse(
    info: MediaInfo,
    *,
    cache_dir: Path | None,
    progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
    workers: int = 1,
    min_span_seconds: float = MIN_SPAN_SECONDS,
) -> Analysis:
    """Compute (or load) the per-tick signals of a video.

    Arguments:
        info: the probed video.
        cache_dir: where ``.npz`` signal files live; None disables the cache.
        progress: called with the fraction done (0-1) during decoding.
        cancel: set to stop; raises CanceledError from the decoder.
        workers: processes that analyse parts of the video side by side (one per core is
            fastest); parts are at least ``min_span_seconds`` long, so short videos get one.
    """
    content = fingerprint(info.path)
    base: list[FrameAnalyser] = [MotionAnalyser(), FieldAnalyser()]
    audio = AudioBandsAnalyser()
    params = {a.NAME: {"v": a.VERSION, **a.params()} for a in base}
    params[audio.NAME] = {"v": audio.VERSION, **audio.params()}
    params["scorebug"] = {
        "v": ScorebugAnalyser.VERSION,
        "samples": _LOCATE_SAMPLES,
        "sampling": "grid, repeats moved",
        "crops": BugCropAnalyser.VERSION,
    }
    key = cache_key(content, params, f"{ANALYSIS_VERSION}:{__version__}:{code_fingerprint()}")
    path = cache_dir / "signals" / f"{key}.npz" if cache_dir else None
    if path is not None and path.exists():
        log.info("signals cache hit %s", path.name)
        signals = Signals.load(path)
        if progress:
            progress(1.0)
        readings = _readings_from(signals)
        return Analysis(
            signals=signals,
            scorebug=_location_from(signals),
            clock=fit_clock_model(readings),
            readings=readings,
            cached=True,
        )

    n_ticks = int(info.duration * TICK_RATE)
    spans = plan_spans(n_ticks, workers, int(min_span_seconds * TICK_RATE))
    with new_spill_dir() as spill_dir, SpanPool(len(spans), Path(spill_dir)) as pool:
        # The span workers start up while the bug is located: they need its box to begin.
        location = _locate(info)
        log.info("scorebug %s", "found" if location else "not found")
        results = pool.analyse(info, location, spans, progress=progress, cancel=cancel)
        arrays = join_spans(results)
        if location is None:
            arrays["bug"] = np.zeros(n_ticks, dtype=np.float32)
            arrays["bug_change"] = np.zeros(n_ticks, dtype=np.float32)
        readings = _read_clock(join_crops(results))
    arrays.update(_location_arrays(location))
    arrays.update(_readings_arrays(readings))
    signals = Signals(rate=TICK_RATE, duration=info.duration, arrays=arrays)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        signals.save(path)
        _prune(path.parent)
    return Analysis(
        signals=signals,
        scorebug=location,
        clock=fit_clock_model(readings),
        readings=readings,
        cached=False,
    )


def _prune(folder: Path) -> None:
    """Keep the newest cache entries only; signals are cheap to recompute, disk is not free."""
    entries = sorted(folder.glob("*.npz"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[_CACHE_KEEP:]:
        old.unlink(missing_ok=True)
