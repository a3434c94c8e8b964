"""Words that stay put on the scorebug: fields the clock reader cannot find by their changes.

:func:`~cutups.analysis.clock_reader.find_fields` finds text fields by their pixels changing.
On a clip a few seconds long the period ("1ST") never changes, and a stopped clock does not
either, so neither is found that way. Here every word of the bug is found from its shape:

1. The bug's still picture: the per-pixel median of a few crops spread over the recording, so
   the broadcast moving behind a translucent bug averages out.
2. Text pixels: those far from the median of their neighbourhood (a window a glyph tall).
   Strokes are thin, so they stand out from their surroundings whatever the polarity (light
   text on a dark cell, dark text on a light one) and over gradients, while a cell's edge
   (a step) does not: the median follows a step.
3. Glyph-sized blobs joined into words along their line.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

from cutups.analysis.bug_crops import Crops

__all__ = ["Word", "still_picture", "text_pixels", "words"]

_CONTRAST = 45
"""Luma levels by which a text pixel differs from its neighbourhood's median."""
_STILL_SAMPLES = 9


@dataclass(frozen=True, slots=True)
class Word:
    """A run of glyphs on one line of the bug (pixels of the crop)."""

    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def box(self) -> tuple[int, int, int, int]:
        return (self.x0, self.y0, self.x1, self.y1)

    def cut(self, crop: NDArray[np.uint8]) -> NDArray[np.uint8]:
        return crop[self.y0 : self.y1, self.x0 : self.x1]


def still_picture(crops: Crops, samples: int = _STILL_SAMPLES) -> NDArray[np.uint8]:
    """The per-pixel median of up to ``samples`` crops spread over the recording."""
    picks = np.linspace(0, len(crops) - 1, min(samples, len(crops))).astype(int)
    stack = np.stack([crops[int(i)] for i in picks])
    return np.asarray(np.median(stack, axis=0), dtype=np.uint8)


def text_pixels(picture: NDArray[np.uint8], glyph_h: int) -> NDArray[np.bool_]:
    """Pixels of ``picture`` that are strokes of text about ``glyph_h`` pixels tall."""
    size = max(3, glyph_h | 1)
    local = ndimage.median_filter(picture, size=size)
    diff = np.abs(picture.astype(np.int16) - local.astype(np.int16))
    return np.asarray(diff > _CONTRAST)


def words(
    picture: NDArray[np.uint8], glyph_h: int, support: NDArray[np.bool_] | None = None
) -> list[Word]:
    """Words of about ``glyph_h``-pixel glyphs in ``picture``, left to right, top to bottom."""
    text = text_pixels(picture, glyph_h)
    if support is not None:
        text &= support
    labels, _ = ndimage.label(text)
    glyphs = [
        (ys, xs)
        for ys, xs in ndimage.find_objects(labels) or []
        if 0.45 * glyph_h <= ys.stop - ys.start <= 1.4 * glyph_h
        and xs.stop - xs.start <= 1.5 * glyph_h
    ]
    # Letters of a word sit closer than a third of a glyph's height; words and cells further.
    gap = max(2, glyph_h // 3)
    out: list[list[int]] = []
    for ys, xs in sorted(glyphs, key=lambda g: (g[1].start, g[0].start)):
        for w in out:
            level = min(w[3], ys.stop) - max(w[1], ys.start) > 0.5 * (ys.stop - ys.start)
            if level and xs.start - w[2] <= gap and xs.stop >= w[0]:
                w[:] = [
                    min(w[0], xs.start),
                    min(w[1], ys.start),
                    max(w[2], xs.stop),
                    max(w[3], ys.stop),
                ]
                break
        else:
            out.append([xs.start, ys.start, xs.stop, ys.stop])
    return sorted((Word(*w) for w in out), key=lambda w: (w.y0, w.x0))
