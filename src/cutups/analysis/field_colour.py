"""The colour of the playing field, learnt per broadcast from frames sampled across it.

Fields are not all green: there is blue and red artificial turf, grass worn brown-green, night
games under coloured light. A rule "green beats red and blue" found no wide shot at all on blue
turf (0 clips) and on one worn grass (12.5 % of the plays), so the field's colour is learnt.

A wide shot has the field across the middle of the picture from edge to edge, and wide shots
are a third or more of a broadcast. So the field's colour is the 45° hue window that covers at
least half of the middle band in the most sampled frames: no other picture (crowd, close-up,
commercial, graphic) repeats one hue over that much of the frame nearly as often. Measured on
the generated looks (BENCHMARKS, session 12): wide shots' share p5 0.60 on worn grass, 0.67 on
blue turf, 0.63 on green fields; sideline shots at most 0.20, close-ups 0.41, crowds 0.18.

A pixel counts as field when its hue is in the window and it is coloured enough (chroma) and
neither too dark nor washed out. Pixels are classified through a table over 5-bit RGB, so a
frame costs a few array operations whatever the colour.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "DEFAULT_FIELD",
    "FIELD_BAND",
    "FieldColour",
    "field_fraction",
    "hue_of",
    "learn_field_colour",
]

FIELD_BAND = (0.2, 0.8)
"""Rows (as fractions of the picture height) where a wide shot shows field edge to edge."""
HUE_STEP = 15.0
"""Degrees per bin of the hue histogram the colour is learnt from."""
WINDOW_BINS = 3
"""The field's hue window, in bins (45°): grass under shade, sun and stripes stays inside."""
MIN_CHROMA = 0.12
"""Greyer pixels (lines, numbers, snow, stands in shadow) have no reliable hue."""
VALUE_RANGE = (0.18, 0.95)
"""Brightness (max of R, G, B, 0-1) outside which a pixel is too dark or washed out."""
WIDE_COVER = 0.5
"""A sampled frame whose band is at least this much one hue window looks like a wide shot."""
MIN_WIDE_SAMPLES = 3
"""Fewer frames like that than this, and nothing is learnt: the default green is kept."""
_LEVELS = 32
"""Levels per channel of the classification table (5 bits)."""


@dataclass(frozen=True, slots=True)
class FieldColour:
    """The field's hue window, ``low`` to ``low + width`` degrees (wrapping at 360)."""

    low: float
    width: float = HUE_STEP * WINDOW_BINS
    learnt: bool = False
    """Learnt from the broadcast; False: the default green, because too few frames showed a
    field-like picture to learn from."""

    @property
    def centre(self) -> float:
        return (self.low + self.width / 2) % 360

    def contains(self, hue: NDArray[np.float32]) -> NDArray[np.bool_]:
        return np.asarray((hue - self.low) % 360 < self.width)


DEFAULT_FIELD = FieldColour(low=97.5)
"""Green grass, 97.5°-142.5°: the suite's fields measure 110°-131°."""


def hue_of(rgb: NDArray[np.floating]) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """Hue (degrees) and chroma (0-1) of RGB values in 0-1, last axis the channels."""
    top, bottom = rgb.max(-1), rgb.min(-1)
    chroma = top - bottom
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    safe = np.where(chroma > 0, chroma, 1.0)
    hue = np.where(
        top == r,
        ((g - b) / safe) % 6,
        np.where(top == g, (b - r) / safe + 2, (r - g) / safe + 4),
    )
    return (hue * 60).astype(np.float32), chroma.astype(np.float32)


@lru_cache(maxsize=1)
def _table_colours() -> tuple[NDArray[np.float32], NDArray[np.float32], NDArray[np.float32]]:
    """Hue, chroma and value of the centre of every 5-bit RGB cell, indexed r << 10 | g << 5 | b."""
    levels = (np.arange(_LEVELS, dtype=np.float32) * 8 + 4) / 255
    r, g, b = np.meshgrid(levels, levels, levels, indexing="ij")
    rgb = np.stack([r, g, b], -1).reshape(-1, 3)
    hue, chroma = hue_of(rgb)
    return hue, chroma, rgb.max(-1)


@lru_cache(maxsize=1)
def _hue_bins() -> NDArray[np.uint8]:
    """Per 5-bit RGB cell: its hue bin, or the bin count for a pixel with no usable hue."""
    hue, chroma, value = _table_colours()
    usable = (chroma >= MIN_CHROMA) & (value > VALUE_RANGE[0]) & (value < VALUE_RANGE[1])
    n_bins = round(360 / HUE_STEP)
    bins = np.minimum((hue // HUE_STEP).astype(np.int64), n_bins - 1)
    return np.where(usable, bins, n_bins).astype(np.uint8)


@lru_cache(maxsize=8)
def _field_table(colour: FieldColour) -> NDArray[np.bool_]:
    """Per 5-bit RGB cell: is it the field's colour?"""
    hue, _, _ = _table_colours()
    usable = _hue_bins() < round(360 / HUE_STEP)
    return usable & colour.contains(hue)


def _cells(rgb: NDArray[np.uint8], band: tuple[float, float]) -> NDArray[np.intp]:
    """The 5-bit RGB cell of every pixel in the rows ``band``."""
    h = rgb.shape[0]
    px = rgb[round(band[0] * h) : max(1, round(band[1] * h))] >> 3
    return (px[..., 0].astype(np.intp) << 10) | (px[..., 1].astype(np.intp) << 5) | px[..., 2]


def field_fraction(
    rgb: NDArray[np.uint8], colour: FieldColour, band: tuple[float, float] = (0.0, 1.0)
) -> float:
    """Fraction of pixels in the rows ``band`` in the field's colour (NaN for no pixels)."""
    cells = _cells(rgb, band)
    return (
        float(np.count_nonzero(_field_table(colour)[cells]) / cells.size)
        if cells.size
        else (float("nan"))
    )


def learn_field_colour(frames: Sequence[NDArray[np.uint8]]) -> FieldColour:
    """The hue window covering :data:`WIDE_COVER` of the middle band in the most ``frames``
    (ties: the larger total cover); the default green when fewer than
    :data:`MIN_WIDE_SAMPLES` frames are covered so by any window."""
    n_bins = round(360 / HUE_STEP)
    if not frames:
        return DEFAULT_FIELD
    table = _hue_bins()
    shares = np.stack(
        [
            np.bincount(table[cells].ravel(), minlength=n_bins + 1)[:n_bins] / max(1, cells.size)
            for cells in (_cells(f, FIELD_BAND) for f in frames)
        ]
    )
    # cover[i, k]: share of frame i in the window of bins k .. k + WINDOW_BINS - 1.
    cover = np.sum([np.roll(shares, -j, axis=1) for j in range(WINDOW_BINS)], axis=0)
    wide = (cover >= WIDE_COVER).sum(0)
    best = int(np.lexsort((cover.sum(0), wide))[-1])
    if wide[best] < MIN_WIDE_SAMPLES:
        return DEFAULT_FIELD
    return FieldColour(low=best * HUE_STEP, learnt=True)
