"""From the pipeline's ``(stage, fraction)`` reports to the job's stage, percentage and ETA.

The pipeline's stages map onto the public ones and onto fixed spans of 0-100::

    downloading  0-8    the fetch (ours, before the pipeline)
    probing      8-10   reading the file: reported as ``downloading``, as the seed did
    analysing    10-60  the one decode pass (skipped on resume)
    detecting    60-65
    cutting      65-95
    packaging    95-100

The percentage never goes down (a resumed job starts from where it got to). The ETA divides
what is left by a smoothed rate (an exponential moving average of percent per second), so one
slow or fast step does not swing it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from cutups.jobs.models import Stage

__all__ = ["SPANS", "STAGE_OF", "ProgressTracker", "Reading"]

STAGE_OF: dict[str, Stage] = {
    "downloading": Stage.DOWNLOADING,
    "probing": Stage.DOWNLOADING,
    "analysing": Stage.ANALYSING,
    "detecting": Stage.DETECTING,
    "cutting": Stage.CUTTING,
    "packaging": Stage.PACKAGING,
}
"""Pipeline stage name → public stage."""

SPANS: dict[str, tuple[float, float]] = {
    "downloading": (0.0, 8.0),
    "probing": (8.0, 10.0),
    "analysing": (10.0, 60.0),
    "detecting": (60.0, 65.0),
    "cutting": (65.0, 95.0),
    "packaging": (95.0, 99.5),
}
"""Pipeline stage → (start, end) percent; 100 only once the job is completed."""


@dataclass(frozen=True, slots=True)
class Reading:
    """One progress report turned into the job's numbers."""

    stage: Stage
    pipeline_stage: str
    pct: float
    eta_sec: float | None
    stage_changed: bool


class ProgressTracker:
    """Turns progress reports into a monotone percentage and a smoothed ETA. Thread-safe.

    Arguments:
        start_pct: where a resumed job had got to.
        alpha: EMA weight of the newest rate sample (0-1).
        clock: monotonic seconds (tests pass a fake).
    """

    def __init__(
        self,
        start_pct: float = 0.0,
        *,
        alpha: float = 0.3,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.pct = start_pct
        self._alpha = alpha
        self._clock = clock
        self._rate: float | None = None
        self._sample_at = clock()
        self._sample_pct = start_pct
        self._pipeline_stage: str | None = None
        self._lock = threading.Lock()

    def update(self, pipeline_stage: str, fraction: float) -> Reading:
        """Record ``fraction`` (0-1) of ``pipeline_stage``; unknown stages keep the percentage."""
        with self._lock:
            lo, hi = SPANS.get(pipeline_stage, (self.pct, self.pct))
            target = lo + (hi - lo) * min(1.0, max(0.0, fraction))
            self.pct = max(self.pct, target)
            changed = pipeline_stage != self._pipeline_stage
            self._pipeline_stage = pipeline_stage
            self._sample()
            stage = STAGE_OF.get(pipeline_stage, Stage.DOWNLOADING)
            return Reading(stage, pipeline_stage, round(self.pct, 2), self.eta(), changed)

    def _sample(self) -> None:
        now = self._clock()
        elapsed = now - self._sample_at
        if elapsed < 1.0:
            return  # too short a window to measure a rate
        rate = (self.pct - self._sample_pct) / elapsed
        self._rate = (
            rate if self._rate is None else (self._alpha * rate + (1 - self._alpha) * self._rate)
        )
        self._sample_at, self._sample_pct = now, self.pct

    def eta(self) -> float | None:
        """Seconds left at the smoothed rate; None until a rate is known."""
        if self._rate is None or self._rate <= 1e-6:
            return None
        return round((100.0 - self.pct) / self._rate, 1)
