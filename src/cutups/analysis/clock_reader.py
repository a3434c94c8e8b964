"""Reading the game clock and the period off the scorebug crops.

1. :func:`find_fields`: the bug's *changing* pixels, grouped into text fields (clock, play
   clock, scores, down and distance, period), from how often each pixel changed across crops.
2. :func:`identify_fields`: which field is the game clock (reads as ``M:SS`` or ``SS.s``) and
   which the period (``1st``, ``2ND``, ``Q3``, ``OT``), by reading a sample of each.
3. :func:`read_clock`: one :class:`~cutups.analysis.clock_model.ClockReading` per change of the
   clock field (a running clock changes once a second), with the period carried along.

Reading is done by :class:`~cutups.analysis.ocr.GlyphReader` where it is sure and Tesseract
where it is not; every Tesseract reading that parses teaches the glyph reader.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

from cutups.analysis.bug_crops import BugCrops
from cutups.analysis.clock_model import ClockReading
from cutups.analysis.ocr import GlyphReader, TesseractReader, binarize

__all__ = [
    "ClockReadout",
    "TextField",
    "find_fields",
    "identify_fields",
    "parse_clock",
    "parse_period",
    "read_clock",
]

log = logging.getLogger(__name__)

CLOCK_CHARS = "0123456789:."
PERIOD_CHARS = "0123456789stndrhSTNDRHQOT"
_CHANGE = 40
_SAMPLES = 12

_CLOCK_RE = re.compile(r"^(\d{1,2}):(\d{2})$")
_TENTHS_RE = re.compile(r"^:?(\d{1,2})\.(\d)$")
_DIGITS_RE = re.compile(r"^(\d{1,2})(\d{2})$")
_SUFFIX = {"st": 1, "nd": 2, "rd": 3, "th": 4}
_PERIOD_RE = re.compile(r"^(?:Q?([1-4])(?:st|nd|rd|th)?|([1-4])(?:ST|ND|RD|TH)|(\d?)OT)$")


@dataclass(frozen=True, slots=True)
class TextField:
    """A box of changing pixels in the bug crop (pixels of the crop)."""

    x0: int
    y0: int
    x1: int
    y1: int
    changes: float
    """Mean share of this field's pixels that change between stored crops."""

    def cut(self, crop: NDArray[np.uint8]) -> NDArray[np.uint8]:
        return crop[self.y0 : self.y1, self.x0 : self.x1]


@dataclass(frozen=True, slots=True)
class ClockReadout:
    """Everything read off the bug."""

    readings: tuple[ClockReading, ...]
    clock_field: TextField | None
    period_field: TextField | None
    tesseract_calls: int
    glyph_reads: int


def parse_clock(text: str) -> float | None:
    """Seconds left from ``12:34``, ``0:07``, ``45.3`` / ``:45.3`` (tenths), or ``1234``."""
    text = text.strip()
    for pattern in (_CLOCK_RE, _DIGITS_RE):
        m = pattern.match(text)
        if m:
            minutes, seconds = int(m.group(1)), int(m.group(2))
            return float(minutes * 60 + seconds) if seconds < 60 and minutes <= 20 else None
    m = _TENTHS_RE.match(text)
    if m and int(m.group(1)) < 60:
        return int(m.group(1)) + int(m.group(2)) / 10
    return None


def parse_period(text: str) -> int | None:
    """1-4 from ``1st``/``2ND``/``Q3``/``4``; 5, 6, ... from ``OT``, ``2OT``."""
    text = text.strip()
    m = _PERIOD_RE.match(text)
    if not m:
        # The ordinal suffix alone names the quarter; OCR often drops a thin "1".
        return _SUFFIX.get(text.lower())
    if m.group(1) or m.group(2):
        return int(m.group(1) or m.group(2))
    return 4 + (int(m.group(3)) if m.group(3) else 1)


def _text_mask(crops: NDArray[np.uint8], samples: int = 24) -> NDArray[np.bool_]:
    """Pixels that are text (the minority side of an Otsu split) in any of a few crops."""
    picks = np.linspace(0, len(crops) - 1, min(samples, len(crops))).astype(int)
    mask = np.zeros(crops.shape[1:], bool)
    for i in picks:
        crop = crops[i]
        bright = crop > _otsu_threshold(crop)
        mask |= bright if bright.mean() < 0.5 else ~bright
    return mask


def _otsu_threshold(gray: NDArray[np.uint8]) -> float:
    hist = np.bincount(gray.ravel(), minlength=256).astype(np.float64)
    levels = np.arange(256)
    w0 = np.cumsum(hist)
    w1 = w0[-1] - w0
    s0 = np.cumsum(hist * levels)
    m0 = s0 / np.maximum(w0, 1)
    m1 = (s0[-1] - s0) / np.maximum(w1, 1)
    return float(np.argmax(w0 * w1 * (m0 - m1) ** 2))


def _glyph_height(text: NDArray[np.bool_], crop_height: int) -> int:
    """Median height of text-like blobs: the scale at which glyphs should be joined."""
    labels, _ = ndimage.label(text)
    heights = [ys.stop - ys.start for ys, _xs in ndimage.find_objects(labels) or []
               if 0.08 * crop_height <= ys.stop - ys.start <= 0.7 * crop_height]
    return int(np.median(heights)) if heights else max(4, crop_height // 3)


def find_fields(
    crops: NDArray[np.uint8], support: NDArray[np.bool_] | None = None
) -> list[TextField]:
    """Text fields of the bug that change at least once, left to right.

    A field is a run of text (glyphs closer than ~1/8 of the bug height, joined) containing
    pixels that changed between stored crops. Growing from the changed pixels to the whole run
    of text keeps digits that happen not to change in this recording (the "1" of "15:00").
    """
    if len(crops) < 3:
        return []
    events = np.zeros(crops.shape[1:], np.int32)
    for i in range(1, len(crops)):
        events += np.abs(crops[i].astype(np.int16) - crops[i - 1]) > _CHANGE
    if support is not None:
        events[~support] = 0
    h = crops.shape[1]
    text = _text_mask(crops) | (events > 0)
    if support is not None:
        text &= support
    glyph_h = _glyph_height(text, h)
    # Join letters of one word or number (gaps under half a glyph height), not separate fields.
    structure = np.ones((max(1, glyph_h // 4), max(2, glyph_h // 2)))
    joined = ndimage.binary_closing(text, structure=structure)
    labels, _ = ndimage.label(joined)
    freq = events / (len(crops) - 1)
    fields = []
    for index, (ys, xs) in enumerate(ndimage.find_objects(labels) or [], start=1):
        region = labels[ys, xs] == index
        changed = events[ys, xs][region]
        box_h, box_w = ys.stop - ys.start, xs.stop - xs.start
        if (changed > 0).sum() < 6 or box_h < 0.5 * glyph_h or box_w < 3 or box_h > 0.9 * h:
            continue
        fields.append(
            TextField(xs.start, ys.start, xs.stop, ys.stop, float(freq[ys, xs][region].mean()))
        )
    return sorted(fields, key=lambda f: f.x0)


def _changed(a: NDArray[np.uint8], b: NDArray[np.uint8]) -> bool:
    return bool((np.abs(a.astype(np.int16) - b.astype(np.int16)) > _CHANGE).mean() > 0.01)


class _Reader:
    """Tesseract plus the glyph reader it teaches, with call counts."""

    def __init__(self, tesseract: TesseractReader) -> None:
        self.tesseract = tesseract
        self.glyphs = GlyphReader()
        self.tesseract_calls = 0
        self.glyph_reads = 0

    def clock(self, gray: NDArray[np.uint8]) -> tuple[float | None, float]:
        binary = binarize(gray)
        quick = self.glyphs.read(binary)
        if quick is not None:
            value = parse_clock(quick[0])
            if value is not None:
                self.glyph_reads += 1
                return value, quick[1]
        self.tesseract_calls += 1
        text, conf = self.tesseract.read(binary, CLOCK_CHARS)
        value = parse_clock(text)
        if value is not None and conf >= 0.7:
            self.glyphs.learn(binary, text)
        return value, conf

    def period(self, gray: NDArray[np.uint8]) -> tuple[int | None, float]:
        self.tesseract_calls += 1
        text, conf = self.tesseract.read(binarize(gray), PERIOD_CHARS)
        return parse_period(text), conf


def _sample_indexes(crops: NDArray[np.uint8], f: TextField, count: int) -> list[int]:
    """Up to ``count`` crop indexes spread over the game at which this field changed."""
    idx = [i for i in range(1, len(crops)) if _changed(f.cut(crops[i]), f.cut(crops[i - 1]))]
    if len(idx) <= count:
        return idx
    return [idx[int(k)] for k in np.linspace(0, len(idx) - 1, count)]


def identify_fields(
    crops: NDArray[np.uint8], fields: list[TextField], reader: _Reader
) -> tuple[TextField | None, TextField | None]:
    """(clock field, period field): the fields that read as a clock / a period most often."""
    best_clock: tuple[float, TextField] | None = None
    best_period: tuple[float, TextField] | None = None
    for f in fields:
        sample = _sample_indexes(crops, f, _SAMPLES) or [len(crops) // 2]
        clock_hits = sum(reader.clock(f.cut(crops[i]))[0] is not None for i in sample)
        clock_share = clock_hits / len(sample)
        if clock_share >= 0.5 and (best_clock is None or clock_share > best_clock[0]):
            best_clock = (clock_share, f)
            continue
        period_hits = sum(reader.period(f.cut(crops[i]))[0] is not None for i in sample[:8])
        period_share = period_hits / min(len(sample), 8)
        if period_share >= 0.5 and (best_period is None or period_share > best_period[0]):
            best_period = (period_share, f)
    return (best_clock[1] if best_clock else None), (best_period[1] if best_period else None)


def read_clock(
    bug: BugCrops,
    tesseract: TesseractReader,
    *,
    progress: Callable[[float], None] | None = None,
) -> ClockReadout:
    """Read the game clock (and period) at every change of the clock field."""
    crops = bug.crops
    reader = _Reader(tesseract)
    fields = find_fields(crops, bug.support)
    clock_field, period_field = identify_fields(crops, fields, reader)
    if clock_field is None:
        log.warning("no game clock found on the scorebug (%d fields)", len(fields))
        return ClockReadout((), None, period_field, reader.tesseract_calls, reader.glyph_reads)
    readings: list[ClockReading] = []
    period: int | None = None
    last_clock: NDArray[np.uint8] | None = None
    last_period: NDArray[np.uint8] | None = None
    for i in range(len(crops)):
        if period_field is not None:
            pcut = period_field.cut(crops[i])
            if last_period is None or _changed(pcut, last_period):
                value, _ = reader.period(pcut)
                # The whitelist and the strict pattern already reject noise; Tesseract's
                # confidence on 2-3 character words is too erratic to gate on.
                if value is not None:
                    period = value
                last_period = pcut
        ccut = clock_field.cut(crops[i])
        if last_clock is not None and not _changed(ccut, last_clock):
            continue
        last_clock = ccut
        seconds, conf = reader.clock(ccut)
        if seconds is not None:
            readings.append(ClockReading(bug.time(i), period, seconds, conf))
        if progress and i % 200 == 0:
            progress(i / len(crops))
    return ClockReadout(
        tuple(readings), clock_field, period_field, reader.tesseract_calls, reader.glyph_reads
    )
