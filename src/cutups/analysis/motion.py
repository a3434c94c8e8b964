"""Player motion, camera pan and shot changes from small gray frames.

A broadcast camera follows the ball: it pans while the play runs and often in bursts, so the
plain frame difference is mostly camera motion and collapses whenever the camera holds still
mid-play. Here the global shift between ticks is estimated first (from row and column luma
profiles, which is cheap and robust on a field of stripes and yard lines), and three signals
come out:

``pan``     the camera's shift in pixels per tick (at 320 px width);
``pan_x``   its horizontal part, signed (positive: the picture moved right, the camera turned
            left): which way the camera followed the ball, so which way a play went;
``motion``  the share (%) of pixels that still changed after compensating that shift: players
            moving. Near 0 while players hold still before the snap, high during the play;
``cut``     the L1 distance between consecutive luma histograms (0-2): shot changes and wipes.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import NDArray

from cutups.analysis.base import (
    TICK_RATE,
    FrameAnalyser,
    PassContext,
    SignalArrays,
    fit_length,
    request_params,
)
from cutups.analysis.pixels import absdiff
from cutups.media.decode import FrameRequest

__all__ = ["MotionAnalyser", "estimate_shift", "profiles", "residual_motion", "shift_between"]

_HIST_BINS = 32
_MAX_SHIFT = 24
"""Largest pan searched, in pixels per tick at 320 px (a fast pan is ~10)."""
_CHANGED = 18
"""Luma step that counts a pixel as changed after compensation (noise stays below)."""


def _profile_shift(prev: NDArray[np.float32], cur: NDArray[np.float32], limit: int) -> int:
    """Integer shift s minimising the mean |cur[i] - prev[i - s]| of two 1-D profiles.

    Every candidate shift is compared over the same central stretch of ``cur`` (all of them at
    once, through a sliding-window view of ``prev``), so errors are comparable across shifts.
    """
    n = len(cur)
    if n <= 2 * limit + 1:
        return 0
    core = cur[limit : n - limit]
    # as_strided rather than sliding_window_view: the same read-only view, without the
    # latter's checks, which cost more than the arithmetic at this size (twice a tick).
    step = prev.strides[0]
    windows = np.lib.stride_tricks.as_strided(
        prev, shape=(2 * limit + 1, n - 2 * limit), strides=(step, step), writeable=False
    )
    # windows[j] = prev[j : j + n - 2L] lines up with core when j = L - s.
    errors = np.abs(windows - core).mean(axis=1)[::-1]
    shifts = np.arange(-limit, limit + 1)
    best = float(errors.min())
    # Prefer the smallest movement among near-ties: a still camera is the common case.
    ties = shifts[errors <= best + 1e-3]
    return int(ties[np.argmin(np.abs(ties))])


Profiles = tuple[NDArray[np.float32], NDArray[np.float32]]
"""(column means, row means) of a gray image."""


def profiles(image: NDArray[np.uint8]) -> Profiles:
    """The column and row luma profiles that :func:`estimate_shift` compares."""
    return (
        image.mean(axis=0, dtype=np.float32),
        image.mean(axis=1, dtype=np.float32),
    )


def estimate_shift(prev: NDArray[np.uint8], cur: NDArray[np.uint8]) -> tuple[int, int]:
    """(dx, dy) such that ``cur[y, x] ≈ prev[y - dy, x - dx]`` (camera pan, integer pixels)."""
    return shift_between(profiles(prev), profiles(cur))


def shift_between(prev: Profiles, cur: Profiles) -> tuple[int, int]:
    """:func:`estimate_shift` from precomputed :func:`profiles` (each frame's are reused)."""
    dx = _profile_shift(prev[0], cur[0], _MAX_SHIFT)
    dy = _profile_shift(prev[1], cur[1], _MAX_SHIFT // 2)
    return dx, dy


def residual_motion(
    prev: NDArray[np.uint8],
    cur: NDArray[np.uint8],
    dx: int,
    dy: int,
    mask: NDArray[np.bool_] | None = None,
) -> float:
    """Percent of overlapping pixels that changed after undoing the shift (``mask``: ignore)."""
    h, w = cur.shape
    ys = slice(max(0, dy), h + min(0, dy))
    xs = slice(max(0, dx), w + min(0, dx))
    ps = slice(max(0, -dy), h - max(0, dy))
    px = slice(max(0, -dx), w - max(0, dx))
    diff = absdiff(cur[ys, xs], prev[ps, px]) > _CHANGED
    if not diff.size:
        return 0.0
    if mask is not None:
        diff &= ~mask[ys, xs]
    return np.count_nonzero(diff) / diff.size * 100.0


class MotionAnalyser(FrameAnalyser):
    """Per-tick ``motion`` (players, % of pixels), ``pan`` and ``pan_x`` (px/tick) and ``cut``
    signals.

    The located scorebug is left out of ``motion``: a pan moves it relative to the field, which
    would otherwise count as players moving."""

    name = "motion"
    version = 3

    def __init__(self, width: int = 320, height: int = 180, rate: Fraction = TICK_RATE) -> None:
        self.request = FrameRequest(width=width, height=height, rate=rate, gray=True)

    @property
    def params(self) -> dict[str, Any]:
        return {
            "request": request_params(self.request),
            "bins": _HIST_BINS,
            "changed": _CHANGED,
            "max_shift": _MAX_SHIFT,
        }

    def start(self, context: PassContext) -> bool:
        self._mask: NDArray[np.bool_] | None = None
        if context.scorebug is not None:
            bug, width, height = context.scorebug, self.request.width, self.request.height
            self._mask = np.zeros((height, width), bool)
            self._mask[
                int(bug.y * height) : int((bug.y + bug.h) * height) + 1,
                int(bug.x * width) : int((bug.x + bug.w) * width) + 1,
            ] = True
        self._prev: NDArray[np.uint8] | None = None
        self._prev_profiles: Profiles | None = None
        self._prev_hist: NDArray[np.float64] | None = None
        self._motion: list[float] = []
        self._pan: list[float] = []
        self._pan_x: list[float] = []
        self._cut: list[float] = []
        return True

    def on_frame(self, tick: int, t: float, image: NDArray[np.uint8]) -> None:
        hist = np.bincount((image >> 3).ravel(), minlength=_HIST_BINS).astype(np.float64)
        hist /= max(hist.sum(), 1.0)
        prof = profiles(image)
        if self._prev is None or self._prev_hist is None or self._prev_profiles is None:
            self._motion.append(0.0)
            self._pan.append(0.0)
            self._pan_x.append(0.0)
            self._cut.append(0.0)
        else:
            cut = float(np.abs(hist - self._prev_hist).sum())
            self._cut.append(cut)
            if cut > 0.6:  # a new shot: there is no motion to compensate between the two
                self._motion.append(0.0)
                self._pan.append(0.0)
                self._pan_x.append(0.0)
            else:
                dx, dy = shift_between(self._prev_profiles, prof)
                self._pan.append(float(abs(dx) + abs(dy)))
                self._pan_x.append(float(dx))
                self._motion.append(residual_motion(self._prev, image, dx, dy, self._mask))
        self._prev, self._prev_hist, self._prev_profiles = image, hist, prof

    def finish(self, n_ticks: int) -> SignalArrays:
        return {
            "motion": fit_length(np.asarray(self._motion, dtype=np.float32), n_ticks),
            "pan": fit_length(np.asarray(self._pan, dtype=np.float32), n_ticks),
            "pan_x": fit_length(np.asarray(self._pan_x, dtype=np.float32), n_ticks),
            "cut": fit_length(np.asarray(self._cut, dtype=np.float32), n_ticks),
        }
