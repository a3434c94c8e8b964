"""Checking a scorebug box found by :func:`~cutups.analysis.scorebug.locate_scorebug`.

Persistence alone finds anything that stays on screen: a channel's watermark, a promo banner
stuck against the bug, a sponsor's logo. What only the scorebug has is a clock: text whose
glyphs change from one sample to the next while the rest of the box holds still. So a box is
kept only when it holds such *digit pixels* (:func:`digit_pixels`), is shaped like a bug
(:func:`plausible`), and is cut down to the bands of rows that hold the digits
(:func:`bands_with_digits`): a banner under the bug agrees across samples as well as the bug
(better, when the bug is translucent) but never changes.

Pure functions of the gray samples (at the locating size) and the modal image.
"""

from __future__ import annotations

import itertools

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

__all__ = [
    "MIN_DIGIT_PIXELS",
    "bands_with_digits",
    "digit_pixels",
    "plausible",
    "shows_glyphs",
    "widen_to_digits",
]

MIN_DIGIT_PIXELS = 12
"""Digit pixels a bug must hold at the locating size: about half a glyph's strokes. The
smallest suite bug's clock (a 0.8-scale bar at 640x360) shows ~150."""
_CONTRAST = 60
"""A digit toggles between two lumas at least this far apart (text and its panel)."""
_NEAR = 0.25
"""A value within this share of that contrast of either luma shows one of them."""
_TWO_VALUED = 0.9
"""Share of samples (of each kind of shot) showing one of the two lumas: moving picture
passes through every level in between, a digit does not."""
_SOMETIMES = 0.08
"""Each luma shows in at least this share of samples: a clock passes through many values."""
_MAX_DIGIT_SHARE = 0.2
"""A bug's changing text is a small part of each band of it (the clock, the play clock, down
& distance: under a fifth); a band that changes over more of its area is moving picture (a
sideline, a crowd)."""
_GLYPH_SHARE = 0.6
"""A clock's field shows a glyph (some of its digit pixels lit, some not) in nearly every
sample (suite bugs: 0.9-1.0); a white line sliding under a watermark lights its pixels in a
few samples only (0.1-0.25)."""
_GLYPH_PIXELS = 4
"""...judged on groups of at least this many pixels (a short broadcast's clock, sampled
every two seconds, may show only a few: the 97-s strip's shows 7 in its largest group)."""
_PANEL_AGREES = 0.15
_BAND_JUMP = 0.25
"""A change of this much in the share of agreeing pixels from one row to the next is where one
panel ends and another begins (a translucent bug above an opaque banner: 0.4 against 0.8)."""
_BAND_EDGE = 28
"""...as is a step of this many levels between two rows along most of the box's width."""


def digit_pixels(
    crops: NDArray[np.uint8], off_field: NDArray[np.bool_] | None = None
) -> NDArray[np.bool_]:
    """Pixels that toggle between two lumas far apart across ``crops`` (samples with the bug
    on screen), each shown in a share of them, and nothing in between: the clock's glyphs
    over their panel, changing as it runs, whatever the colours. ``off_field``: per crop,
    whether its shot shows no field; the two lumas must then hold in shots of both kinds
    (each when four or more): the bug is on screen in close-ups and wide shots alike, the
    white sideline that a camera shows and hides is not in close-ups, and a jersey's number
    in close-ups framed alike is not in wide shots."""
    if len(crops) < 3:
        return np.zeros(crops.shape[1:], bool)
    values = crops.astype(np.float32)
    low, high = np.percentile(values, (5, 95), axis=0)
    reach = _NEAR * (high - low)
    at_low = np.abs(values - low) <= reach
    at_high = np.abs(values - high) <= reach
    both = np.minimum(at_low.mean(axis=0), at_high.mean(axis=0)) >= _SOMETIMES
    digits: NDArray[np.bool_] = (high - low >= _CONTRAST) & both
    kinds = [np.ones(len(crops), bool)]
    if off_field is not None:
        kinds += [k for k in (off_field, ~off_field) if np.count_nonzero(k) >= 4]
    for kind in kinds:
        digits &= (at_low[kind] | at_high[kind]).mean(axis=0) >= _TWO_VALUED
    return digits


def shows_glyphs(crops: NDArray[np.uint8], digits: NDArray[np.bool_]) -> bool:
    """Whether a group of ``digits`` (pixels a few apart, :data:`_GLYPH_PIXELS` or more)
    shows a glyph in most of ``crops``: some of its pixels on the glyph's side of their two
    lumas, some on the panel's. A clock always shows digits, so its field does in every
    sample; field lines sliding under a persistent overlay (a channel's watermark) toggle its
    pixels as a digit does, but light them only in the few samples where a line passes."""
    values = crops.astype(np.float32)
    low, high = np.percentile(values, (5, 95), axis=0)
    lit = values > (low + high) / 2
    groups, count = ndimage.label(ndimage.binary_dilation(digits, iterations=2))
    for group in range(1, count + 1):
        members = digits & (groups == group)
        if np.count_nonzero(members) < _GLYPH_PIXELS:
            continue
        share = lit[:, members].mean(axis=1)
        if float(((share > 0.05) & (share < 0.95)).mean()) >= _GLYPH_SHARE:
            return True
    return False


def _boundaries(modal: NDArray[np.uint8], agree: NDArray[np.bool_]) -> list[int]:
    """Rows of the box at which a new band of panels starts."""
    rows = agree.mean(axis=1)
    steps = np.abs(np.diff(modal.astype(np.int16), axis=0)) > _BAND_EDGE
    across = steps.mean(axis=1) >= 0.8
    jump = np.abs(np.diff(rows)) >= _BAND_JUMP
    return [int(r) + 1 for r in np.flatnonzero(across | jump)]


def bands_with_digits(
    crops: NDArray[np.uint8],
    template: NDArray[np.uint8],
    stable: NDArray[np.bool_],
    off_field: NDArray[np.bool_] | None = None,
) -> tuple[slice, NDArray[np.bool_]] | None:
    """The rows of the box from the first band holding digits to the last, and the digits
    (None: no band holds any). Bands are separated by :func:`_boundaries`. A band counts when
    it holds a share of the digits, so a stray pixel in a banner does not keep it, and is a
    panel: a share of its pixels agree across samples (a translucent one's ~0.45), where
    moving picture's do not."""
    height = template.shape[0]
    cuts = [0, *_boundaries(template, stable), height]
    bands = [(a, b) for a, b in itertools.pairwise(cuts) if b > a]
    digits = np.zeros(template.shape, bool)
    for a, b in bands:
        digits[a:b] = digit_pixels(crops[:, a:b], off_field)
    total = int(digits.sum())
    if total < MIN_DIGIT_PIXELS:
        return None
    holding = [
        (a, b)
        for a, b in bands
        if max(MIN_DIGIT_PIXELS / 2, 0.1 * total)
        <= digits[a:b].sum()
        <= _MAX_DIGIT_SHARE * digits[a:b].size
        and stable[a:b].mean() >= _PANEL_AGREES
    ]
    if not holding or not shows_glyphs(crops, _rows_of(digits, holding)):
        return None
    return _with_borders(bands, holding, stable, digits), digits


def _rows_of(digits: NDArray[np.bool_], bands: list[tuple[int, int]]) -> NDArray[np.bool_]:
    """``digits`` kept only on the rows of ``bands``."""
    kept = np.zeros_like(digits)
    for a, b in bands:
        kept[a:b] = digits[a:b]
    return kept


def _with_borders(
    bands: list[tuple[int, int]],
    holding: list[tuple[int, int]],
    stable: NDArray[np.bool_],
    digits: NDArray[np.bool_],
) -> slice:
    """The rows of the ``holding`` bands with the thin bands right outside them, if panels,
    not picture: a bug's outline, a rule under it (thinner than a quarter of the rows), or
    the panel's margin above or below its line of text (up to :data:`_MARGIN` of the rows
    holding ``digits`` in the band beside it: a translucent panel agrees less on its text
    rows than on its plain margins, so the grey-turf look's bug split into text and margins,
    and its box kept the text rows alone, too thin for the decode pass to tell the bug shown
    from hidden)."""
    a, b = holding[0][0], holding[-1][1]
    thin = max(1, (b - a) // 4)
    top = max(thin, int(_MARGIN * _text_rows(digits, holding[0])))
    bottom = max(thin, int(_MARGIN * _text_rows(digits, holding[-1])))
    for lo, hi in bands:
        if hi == a and hi - lo <= top and stable[lo:hi].mean() >= _PANEL_AGREES:
            a = lo
    for lo, hi in bands:
        if lo == b and hi - lo <= bottom and stable[lo:hi].mean() >= _PANEL_AGREES:
            b = hi
    return slice(a, b)


_MARGIN = 0.75
"""A one-row bug's text is some 0.45 of its height, each margin some 0.28 (0.6 of the text's
rows); a promo banner under a bug holds text of its own, as tall as the bug's."""


def _text_rows(digits: NDArray[np.bool_], band: tuple[int, int]) -> int:
    """How many rows of ``band`` hold digits: the height of its line of text."""
    return int(np.count_nonzero(digits[band[0] : band[1]].any(axis=1)))


def plausible(h: int, w: int, frame_h: int, frame_w: int) -> bool:
    """Whether an ``h`` x ``w`` box is shaped like a scorebug in a ``frame_h`` x ``frame_w``
    picture: at least a line of small text tall, not covering most of it, and either a row
    (wider than 1.2 times its height, at most a third of the picture tall) or a tower.

    Called only on a box whose digits change (:func:`bands_with_digits`), so a tall narrow
    box is legal: a corner "tower" stacks its teams, clock, period and down in rows, about
    0.7 times as wide as it is tall (the row rule alone refused the tower look's bug, found
    whole). Wide boxes keep the third: a grey field's plain corner under a watermark, with
    lines sliding through it, was boxed 120 x 192 at the locating size when it was lifted."""
    if not 0.02 * frame_h <= h or h * w > 0.2 * frame_h * frame_w:
        return False
    if w >= 1.2 * h:
        return h <= 0.33 * frame_h
    return w >= _TOWER_WIDTH * h and h <= _TOWER_HEIGHT * frame_h


_TOWER_HEIGHT = 0.4
"""A tower of five rows at 1.3 times the usual size is a third of a 360-line picture."""
_TOWER_WIDTH = 0.5
"""Each row of a tower is some two to four times as wide as tall: a tower of up to six rows."""


def widen_to_digits(digit_columns: NDArray[np.bool_], xs: slice, reach: int) -> slice:
    """``xs`` grown, step by step, to the columns holding digits within ``reach`` of it
    (``digit_columns`` covers the whole picture's width)."""
    start, stop = xs.start, xs.stop
    while True:
        left = np.flatnonzero(digit_columns[max(0, start - reach) : start])
        right = np.flatnonzero(digit_columns[stop : stop + reach])
        if not left.size and not right.size:
            return slice(start, stop)
        if left.size:
            start = max(0, start - reach) + int(left[0])
        if right.size:
            stop = stop + int(right[-1]) + 1
