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
neither too dark nor washed out. Grey turf has no hue: its window is one of brightness among the
greyer pixels instead, learnt the same way and in competition with the hue windows (a held-out
grey-turf look had every play missed before, session 13). Pixels are classified through a
table over 5-bit RGB, so a frame costs a few array operations whatever the colour.
"""

from __future__ import annotations

import math
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
GREY_STEP = 0.1
"""Brightness per bin of the greyer pixels' histogram."""
GREY_WINDOW_BINS = 2
"""A grey field's brightness window, in bins (0.2): stripes and shade stay inside."""
MIN_WIDE_SAMPLES = 3
"""Fewer frames like that than this, and nothing is learnt: the default green is kept."""
_LEVELS = 32
"""Levels per channel of the classification table (5 bits)."""


_HUE_BINS = round(360 / HUE_STEP)
_GREY_BINS = math.ceil((VALUE_RANGE[1] - VALUE_RANGE[0]) / GREY_STEP)
_NO_BIN = _HUE_BINS + _GREY_BINS
"""The bin of pixels too dark or washed out to be field of any colour."""


@dataclass(frozen=True, slots=True)
class FieldColour:
    """The field's colour: hues from ``low`` to ``low + width`` degrees (wrapping at 360) among
    coloured pixels, or for a ``grey`` field brightness (0-1) from ``low`` to ``low + width``
    among the greyer ones."""

    low: float
    width: float = HUE_STEP * WINDOW_BINS
    learnt: bool = False
    """Learnt from the broadcast; False: the default green, because too few frames showed a
    field-like picture to learn from."""
    grey: bool = False

    def describe(self) -> str:
        if self.grey:
            return f"grey, brightness {self.low:.2f}-{self.low + self.width:.2f}"
        return f"hue {(self.low + self.width / 2) % 360:.0f}°"

    def contains(
        self, hue: NDArray[np.float32], chroma: NDArray[np.float32], value: NDArray[np.float32]
    ) -> NDArray[np.bool_]:
        """Whether pixels of this hue, chroma and value (all 0-1 but hue) are the field's."""
        inside = (value > VALUE_RANGE[0]) & (value < VALUE_RANGE[1])
        if self.grey:
            return np.asarray(inside & (chroma < MIN_CHROMA) & (value - self.low >= 0)
                              & (value - self.low < self.width))  # fmt: skip
        return np.asarray(inside & (chroma >= MIN_CHROMA) & ((hue - self.low) % 360 < self.width))


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
def _colour_bins() -> NDArray[np.uint8]:
    """Per 5-bit RGB cell: its hue bin if coloured, else its grey brightness bin after the hue
    bins, or :data:`_NO_BIN` when too dark or washed out."""
    hue, chroma, value = _table_colours()
    inside = (value > VALUE_RANGE[0]) & (value < VALUE_RANGE[1])
    hues = np.minimum((hue // HUE_STEP).astype(np.int64), _HUE_BINS - 1)
    greys = np.minimum(((value - VALUE_RANGE[0]) // GREY_STEP).astype(np.int64), _GREY_BINS - 1)
    bins = np.where(chroma >= MIN_CHROMA, hues, _HUE_BINS + greys)
    return np.where(inside, bins, _NO_BIN).astype(np.uint8)


@lru_cache(maxsize=8)
def _field_table(colour: FieldColour) -> NDArray[np.bool_]:
    """Per 5-bit RGB cell: is it the field's colour?"""
    return colour.contains(*_table_colours())


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
    if not frames:
        return DEFAULT_FIELD
    table = _colour_bins()
    shares = np.stack(
        [
            np.bincount(table[cells].ravel(), minlength=_NO_BIN + 1)[:_NO_BIN] / max(1, cells.size)
            for cells in (_cells(f, FIELD_BAND) for f in frames)
        ]
    )
    hues, greys = shares[:, :_HUE_BINS], shares[:, _HUE_BINS:]
    # cover[i, k]: share of frame i in window k: hue bins k .. k + WINDOW_BINS - 1 (wrapping),
    # then grey bins k .. k + GREY_WINDOW_BINS - 1 (not wrapping).
    hue_cover = np.sum([np.roll(hues, -j, axis=1) for j in range(WINDOW_BINS)], axis=0)
    n_grey = _GREY_BINS - GREY_WINDOW_BINS + 1
    grey_cover = np.sum([greys[:, j : j + n_grey] for j in range(GREY_WINDOW_BINS)], axis=0)
    cover = np.concatenate([hue_cover, grey_cover], axis=1)
    wide = (cover >= WIDE_COVER).sum(0)
    best = int(np.lexsort((cover.sum(0), wide))[-1])
    if wide[best] < MIN_WIDE_SAMPLES:
        return DEFAULT_FIELD
    if best < _HUE_BINS:
        return FieldColour(low=best * HUE_STEP, learnt=True)
    low = VALUE_RANGE[0] + (best - _HUE_BINS) * GREY_STEP
    return FieldColour(
        low=round(low, 3), width=GREY_STEP * GREY_WINDOW_BINS, learnt=True, grey=True
    )
