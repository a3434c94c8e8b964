"""Motion and shot changes from small gray frames.

``motion`` is the mean absolute luma difference from the previous tick (0-255 scale). It is
near zero while players hold still before a snap, jumps when 22 players and the camera start
moving, and decays after the whistle. ``cut`` is the L1 distance between consecutive luma
histograms (0-2): a camera cut, a wipe or a commercial changes the whole histogram at once,
whereas motion within a shot barely moves it.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import NDArray

from cutups.analysis.base import TICK_RATE, FrameAnalyser, SignalArrays, fit_length
from cutups.media.decode import FrameRequest

__all__ = ["MotionAnalyser"]

_HIST_BINS = 32


class MotionAnalyser(FrameAnalyser):
    """Per-tick ``motion`` (mean |Δluma|) and ``cut`` (histogram change) signals."""

    NAME = "motion"
    VERSION = 1

    def __init__(self, width: int = 160, height: int = 90, rate: Fraction = TICK_RATE) -> None:
        self.request = FrameRequest(width=width, height=height, rate=rate, gray=True)
        self._prev: NDArray[np.int16] | None = None
        self._prev_hist: NDArray[np.float64] | None = None
        self._motion: list[float] = []
        self._cut: list[float] = []

    def on_frame(self, tick: int, t: float, image: NDArray[np.uint8]) -> None:
        frame = image.astype(np.int16)
        hist = np.bincount((image >> 3).ravel(), minlength=_HIST_BINS).astype(np.float64)
        hist /= max(hist.sum(), 1.0)
        if self._prev is None or self._prev_hist is None:
            self._motion.append(0.0)
            self._cut.append(0.0)
        else:
            self._motion.append(float(np.abs(frame - self._prev).mean()))
            self._cut.append(float(np.abs(hist - self._prev_hist).sum()))
        self._prev, self._prev_hist = frame, hist

    def finish(self, n_ticks: int) -> SignalArrays:
        return {
            "motion": fit_length(np.asarray(self._motion, dtype=np.float32), n_ticks),
            "cut": fit_length(np.asarray(self._cut, dtype=np.float32), n_ticks),
        }

    def params(self) -> dict[str, Any]:
        return {**super().params(), "bins": _HIST_BINS}
