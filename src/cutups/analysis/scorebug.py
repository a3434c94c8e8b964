"""Finding the scorebug on a broadcast never seen before, and telling when it is on screen.

The scorebug is the one part of a live broadcast whose *edges* stay put while everything else
changes: the camera pans, shots cut, commercials come and go. :func:`locate_scorebug` samples
frames across the video, keeps the pixels that are an edge in a large share of them, and takes
the biggest compact cluster of such pixels as the bug. Its persistent-edge mask is the bug's
fingerprint: :class:`ScorebugAnalyser` then scores, per tick, how much of that fingerprint is
present (``bug``), and how much the non-persistent pixels inside the bug changed (``bug_change``;
the clock's digits tick once a second while it runs, and freeze in replays that show a frozen
bug).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

from cutups.analysis.base import TICK_RATE, FrameAnalyser, SignalArrays, fit_length
from cutups.media.decode import FrameRequest

__all__ = ["ScorebugAnalyser", "ScorebugLocation", "edge_map", "locate_scorebug"]

LOCATE_SIZE = (640, 360)
"""Frames are compared at this size: large enough for a small bug's edges to survive."""
_EDGE_THRESHOLD = 28
_PERSISTENCE = 0.35
"""Share of samples in which a pixel must be an edge. Commercials and hidden-bug replays take
up to ~40 % of a broadcast, so a bug present 60 % of the time must still pass comfortably."""


@dataclass(frozen=True, slots=True)
class ScorebugLocation:
    """Where the bug is, in fractions of the frame (so it applies at any resolution)."""

    x: float
    y: float
    w: float
    h: float
    mask: NDArray[np.bool_]
    """Persistent-edge pixels of the bug at :data:`LOCATE_SIZE` scale, shape (h_px, w_px)."""
    coverage: float
    """Share of sampled frames in which the bug was found present."""

    def box(self, width: int, height: int) -> tuple[int, int, int, int]:
        """(x0, y0, x1, y1) pixel box at the given frame size."""
        return (int(self.x * width), int(self.y * height),
                int(round((self.x + self.w) * width)), int(round((self.y + self.h) * height)))


def edge_map(gray: NDArray[np.uint8]) -> NDArray[np.bool_]:
    """Pixels with a strong horizontal or vertical luma step (text and box borders)."""
    g = gray.astype(np.int16)
    dx = np.zeros_like(g)
    dy = np.zeros_like(g)
    dx[:, 1:] = np.abs(g[:, 1:] - g[:, :-1])
    dy[1:, :] = np.abs(g[1:, :] - g[:-1, :])
    return np.asarray(np.maximum(dx, dy) > _EDGE_THRESHOLD)


def locate_scorebug(frames: list[NDArray[np.uint8]]) -> ScorebugLocation | None:
    """Find the scorebug in gray frames of size :data:`LOCATE_SIZE` sampled across a broadcast.

    Returns None when nothing persistent and bug-sized exists (no scorebug in this video).
    """
    if len(frames) < 8:
        return None
    edges = np.stack([edge_map(f) for f in frames])
    persistence = edges.mean(axis=0)
    persistent = persistence >= _PERSISTENCE
    # Join the glyphs and borders of one bug into one blob.
    blobs, count = ndimage.label(ndimage.binary_dilation(persistent, iterations=6))
    if count == 0:
        return None
    height, width = persistent.shape
    best: tuple[float, slice, slice] | None = None
    for index, (ys, xs) in enumerate(ndimage.find_objects(blobs), start=1):
        inside = persistent[ys, xs] & (blobs[ys, xs] == index)
        bw, bh = xs.stop - xs.start, ys.stop - ys.start
        area = bw * bh / (width * height)
        if not 0.002 <= area <= 0.2 or inside.sum() < 40:
            continue
        score = float(inside.sum())
        if best is None or score > best[0]:
            best = (score, ys, xs)
    if best is None:
        return None
    _, ys, xs = best
    mask = persistent[ys, xs]
    present = edges[:, ys, xs][:, mask].mean(axis=1) > 0.6
    return ScorebugLocation(
        x=xs.start / width, y=ys.start / height, w=(xs.stop - xs.start) / width,
        h=(ys.stop - ys.start) / height, mask=mask, coverage=float(present.mean()),
    )


class ScorebugAnalyser(FrameAnalyser):
    """Per-tick ``bug`` (share of the bug's fingerprint visible, 0-1) and ``bug_change``."""

    NAME = "scorebug"
    VERSION = 1

    def __init__(self, location: ScorebugLocation, rate: Fraction = TICK_RATE) -> None:
        self.location = location
        width, height = LOCATE_SIZE
        self.request = FrameRequest(width=width, height=height, rate=rate, gray=True)
        self._box = location.box(width, height)
        self._mask = location.mask
        self._prev: NDArray[np.int16] | None = None
        self._bug: list[float] = []
        self._change: list[float] = []

    def on_frame(self, tick: int, t: float, image: NDArray[np.uint8]) -> None:
        x0, y0, x1, y1 = self._box
        crop = image[y0:y1, x0:x1]
        mask = self._mask[: crop.shape[0], : crop.shape[1]]
        edges = edge_map(crop)
        self._bug.append(float(edges[mask].mean()) if mask.any() else 0.0)
        current = crop.astype(np.int16)
        if self._prev is None or self._prev.shape != current.shape:
            self._change.append(0.0)
        else:
            dynamic = ~mask
            diff = np.abs(current - self._prev)[dynamic]
            self._change.append(float((diff > 40).mean()) if diff.size else 0.0)
        self._prev = current

    def finish(self, n_ticks: int) -> SignalArrays:
        return {
            "bug": fit_length(np.asarray(self._bug, dtype=np.float32), n_ticks),
            "bug_change": fit_length(np.asarray(self._change, dtype=np.float32), n_ticks),
        }

    def params(self) -> dict[str, Any]:
        loc = self.location
        return {**super().params(), "box": [round(v, 4) for v in (loc.x, loc.y, loc.w, loc.h)],
                "mask": int(loc.mask.sum())}
