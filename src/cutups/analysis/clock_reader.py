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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

from cutups.analysis.base import Analyser
from cutups.analysis.bug_box import digit_pixels
from cutups.analysis.bug_crops import BugCrops, Crops, SpilledCrops
from cutups.analysis.bug_text import Word, still_picture, words
from cutups.analysis.clock_model import ClockReading
from cutups.analysis.ocr import GlyphReader, TesseractReader, binarize, otsu_threshold
from cutups.analysis.pixels import absdiff

__all__ = [
    "ClockFields",
    "ClockReader",
    "ClockReadout",
    "TextField",
    "bug_shown",
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
_SHOWN = 24
_SHOWN_SHARE = 0.85
"""Luma levels within which a pixel shows the bug's still picture."""
_SAMPLES = 12
_TOGGLE_SAMPLES = 240
"""Crops, spread over the video, on which pixels are found to toggle like glyphs."""
_PERIOD_TRIES = 4
"""Still words nearest the clock tried as the period (3 Tesseract reads each)."""
_LONGEST_PERIOD = 15 * 60
"""Seconds: no football clock shows more (NFL and college quarters; high school's are 12:00).
A down and distance cut as the clock, "1ST & 10", reads "18:10" (the grey turf look)."""
_COLON_GAP = 0.8
"""Widest gap, in glyph heights, between the digits either side of a colon (a proportional
colon is narrower than a digit). Widened to 1.3 for a monospaced colon, a whole cell wide, it
joined the classic slim bar's fields and that look's clock went unread (session 14); the
grey-turf look's monospaced clock is still read, its colon grown into the minute's box
(:func:`_bridge`'s close gap)."""
_MONO_COLON_GAP = 1.1
"""Widest gap, in glyph heights, joined when it holds nothing but a colon's dots: a monospaced
colon fills a digit's cell, and the grey-turf look's "0" and "24" came 0.9 heights apart with
the colon between them alone (its clock went unread, session 17). Only dots: the slim bar's
fields, which 1.3 for every gap joined (session 14), are not joined across a divider or space."""
_LETTER_GAP = 0.5
"""An empty gap narrower than this many glyph heights is within a word (a space is wider)."""

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

    @property
    def box(self) -> tuple[int, int, int, int]:
        return (self.x0, self.y0, self.x1, self.y1)

    def cut(self, crop: NDArray[np.uint8]) -> NDArray[np.uint8]:
        return crop[self.y0 : self.y1, self.x0 : self.x1]


@dataclass(frozen=True, slots=True)
class ClockFields:
    """Where the clock (and the period) sit in the bug crop, once found."""

    clock: TextField
    period: TextField | None


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
            value = float(minutes * 60 + seconds)
            return value if seconds < 60 and value <= _LONGEST_PERIOD else None
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


def _text_mask(crops: Crops, samples: int = 24) -> NDArray[np.bool_]:
    """Pixels that are text (the minority side of an Otsu split) in any of a few crops."""
    picks = np.linspace(0, len(crops) - 1, min(samples, len(crops))).astype(int)
    mask = np.zeros(crops.shape[1:], bool)
    for i in picks:
        crop = crops[i]
        bright = crop > otsu_threshold(crop, bins=256)
        mask |= bright if bright.mean() < 0.5 else ~bright
    return mask


def _glyph_height(changed: NDArray[np.bool_]) -> int:
    """Typical height of the glyphs that change (clock digits): the scale for joining glyphs.

    Measured on changed pixels rather than on all text-like pixels, because a bug's coloured
    panels can pass for text and would make every glyph look as tall as a panel. Specks
    under 8 % of the crop's shorter side are left out: of its width for a tall tower, whose
    12-px glyphs are under 8 % of its 158-px height (all were left out, the glyphs were taken
    as a third of the crop tall, and its five rows' fields joined into one).
    """
    crop_height = changed.shape[0]
    labels, _ = ndimage.label(changed)
    heights = [
        ys.stop - ys.start
        for ys, _xs in ndimage.find_objects(labels) or []
        if 0.08 * min(changed.shape) <= ys.stop - ys.start <= 0.7 * crop_height
    ]
    return int(np.median(heights)) if heights else max(4, crop_height // 3)


def find_fields(
    crops: Crops,
    support: NDArray[np.bool_] | None = None,
    ticks: NDArray[np.int64] | None = None,
) -> list[TextField]:
    """Text fields of the bug that change at least once, left to right. ``ticks``: when each
    crop came on screen (a crop is stored at each change, so crops are not evenly spread in
    time).

    A field grows from the pixels that changed between stored crops to the whole glyphs next to
    them (within ~half a glyph height), so digits that happen not to change in this recording
    (the "1" of "15:00") still belong to their field, while neighbouring cells of the bug (team
    names, panels, dividers) do not.
    """
    if len(crops) < 3:
        return []
    area = support if support is not None else np.ones(crops.shape[1:], bool)
    events = _change_events(crops, area, ticks)
    text = _text_mask(crops) | (events > 0)
    if support is not None:
        text &= support
    glyph_h = _glyph_height(events > 0)
    reach = max(2, glyph_h // 2)
    changed, _ = ndimage.label(
        ndimage.binary_closing(events > 0, structure=np.ones((reach, reach)))
    )
    glyphs, _ = ndimage.label(text)
    # Glyph-sized components only: long bars (timeout pips, panel edges) would chain cells.
    glyph_boxes = [
        g
        for g in ndimage.find_objects(glyphs) or []
        if 0.4 * glyph_h <= g[0].stop - g[0].start <= 1.5 * glyph_h
        and g[1].stop - g[1].start <= 1.5 * glyph_h
    ]
    freq = events / (len(crops) - 1)
    boxes: list[list[int]] = []
    for ys, xs in ndimage.find_objects(changed) or []:
        if (events[ys, xs] > 0).sum() < 6:
            continue
        x0, y0, x1, y1 = _with_touching_glyphs(
            (xs.start, ys.start, xs.stop, ys.stop), glyph_boxes, reach
        )
        if y1 - y0 >= 0.5 * glyph_h and x1 - x0 >= 3:
            boxes.append([x0, y0, x1, y1])
    # Both readings of every gap: joined across it (the colon of "1:06") and apart (a divider
    # between the period's cell and the clock's). Which is the clock is settled by reading
    # them (identify_fields); the pixels in a narrow gap cannot tell a colon from a divider.
    joined = _merge_boxes(_bridge(boxes, text, dots_only=False))
    apart = _merge_boxes(_bridge(boxes, text, dots_only=True))
    unique = sorted({tuple(b) for b in joined + apart})
    return [
        TextField(x0, y0, x1, y1, float(freq[y0:y1, x0:x1].mean())) for x0, y0, x1, y1 in unique
    ]


def _change_events(
    crops: Crops, area: NDArray[np.bool_], ticks: NDArray[np.int64] | None = None
) -> NDArray[np.int32]:
    """Per pixel of ``area``, how many times it changed between consecutive crops."""
    events = np.zeros(crops.shape[1:], np.int32)
    shown = bug_shown(crops, area)
    for i in range(1, len(crops)):
        if not (shown[i] and shown[i - 1]):
            continue
        diff = absdiff(crops[i], crops[i - 1]) > _CHANGE
        # A change over a large part of the bug is a transition (a wipe sweeping over it, the
        # bug animating in), not a field being updated; it would join every field into one.
        if diff[area].mean() < 0.2:
            events += diff
    events[~area] = 0
    # Only pixels that toggle between two lumas, as glyphs over their panel do: behind a
    # translucent panel the picture changes too, through every level in between, and its
    # changes joined the pill's scores, period and clock into one field that read as nothing.
    toggling = digit_pixels(np.stack([crops[i] for i in _spread_in_time(len(crops), ticks)]))
    events[~ndimage.binary_dilation(toggling)] = 0
    return events


def _spread_in_time(count: int, ticks: NDArray[np.int64] | None) -> NDArray[np.intp]:
    """Indexes of up to :data:`_TOGGLE_SAMPLES` crops, each the one on screen at evenly spread
    instants: a minute digit that changed once shows each glyph for a good share of the
    time, though in few stored crops when the clock stood before it ran (the 133-s
    broadcast's "5:00" held 36 s in 2 of 42 crops, and the minute left the clock's field)."""
    if ticks is None or len(ticks) != count or count < 2:
        return np.linspace(0, count - 1, min(count, _TOGGLE_SAMPLES)).astype(np.intp)
    instants = np.linspace(float(ticks[0]), float(ticks[-1]), _TOGGLE_SAMPLES)
    return (np.searchsorted(ticks, instants, side="right") - 1).astype(np.intp)


def bug_shown(crops: Crops, area: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """Per crop, whether it shows the bug: most of ``area`` near the bug's still picture.

    A bug drawn in the grass's own colours passes the decode pass's presence test on shots of
    the field alone; those crops change all over as the camera moves, and would join every
    field of the bug into one.
    """
    still = still_picture(crops, samples=15)
    count = max(1, int(np.count_nonzero(area)))
    share = np.array(
        [
            np.count_nonzero((absdiff(crops[i], still) <= _SHOWN) & area) / count
            for i in range(len(crops))
        ]
    )
    # Relative to the crops most like the still picture: a translucent bug over a moving
    # picture never matches all of its pixels.
    shown = share >= _SHOWN_SHARE * np.percentile(share, 90)
    # A few outliers are transitions (a wipe, the bug animating), which the caller's 20 % rule
    # already skips; taking them out too would lose a minute digit's one change.
    return np.asarray(shown if shown.mean() < 0.9 else np.ones(len(crops), bool))


def _with_touching_glyphs(
    box: tuple[int, int, int, int], glyph_boxes: list[tuple[slice, slice]], reach: int
) -> tuple[int, int, int, int]:
    """``box`` (x0, y0, x1, y1) grown to the glyphs on its line within ``reach`` of it.

    Only glyphs touching the changed area itself count (no chaining from glyph to glyph).
    """
    ox0, oy0, ox1, oy1 = box
    x0, y0, x1, y1 = box
    for gy, gx in glyph_boxes:
        near = gx.start <= ox1 + reach and gx.stop >= ox0 - reach
        level = min(gy.stop, oy1) - max(gy.start, oy0) > 0
        if near and level:
            x0, y0 = min(x0, gx.start), min(y0, gy.start)
            x1, y1 = max(x1, gx.stop), max(y1, gy.stop)
    return x0, y0, x1, y1


def _bridge(boxes: list[list[int]], text: NDArray[np.bool_], *, dots_only: bool) -> list[list[int]]:
    """Widen boxes so that same-line neighbours joined by a colon overlap (and then merge).

    A clock's colon never changes, so "1" and "06" of "1:06" arrive as two boxes. The gap
    between them holds the colon's dots; a word space between two fields holds nothing.
    Joined (not ``dots_only``), boxes closer than a letter's spacing join as well: the colon
    may already be in the minute's box (it grows over glyphs it touches), leaving an empty
    gap narrower than a word space (the grey-turf look's "2:" and "10", 6 px apart).
    """
    out = [list(b) for b in boxes]
    for a in out:
        for b in out:
            same_line = min(a[3], b[3]) - max(a[1], b[1]) > 0.5 * min(a[3] - a[1], b[3] - b[1])
            height = max(a[3] - a[1], b[3] - b[1])
            gap = b[0] - a[2]
            if a is b or not same_line or not 0 < gap <= _MONO_COLON_GAP * height:
                continue
            between = text[max(a[1], b[1]) : min(a[3], b[3]), a[2] : b[0]]
            if dots_only or gap > _COLON_GAP * height:
                # Past 0.8 heights, only a monospaced colon's whole cell: dots alone.
                joins = _dots_only(between)
            else:
                joins = bool(between.any()) or gap <= _LETTER_GAP * height
            if joins:
                a[2] = b[0] + 1
    return out


def _dots_only(gap: NDArray[np.bool_]) -> bool:
    """Whether a gap holds a colon or a decimal point: small blobs, nothing line-high.

    A divider between two cells of the bug, or a panel edge, spans the line's height (or fills
    the gap); joining across it would read the period and the clock as one "13:56".
    """
    labels, count = ndimage.label(gap)
    if count == 0:
        return False
    limit = 0.45 * gap.shape[0]
    return all(
        ys.stop - ys.start <= limit and xs.stop - xs.start <= limit
        for ys, xs in ndimage.find_objects(labels) or []
    )


def _merge_boxes(boxes: list[list[int]]) -> list[list[int]]:
    """Union overlapping boxes until none overlap."""
    out: list[list[int]] = []
    for box in sorted(boxes):
        for other in out:
            if _overlaps(box, other):
                other[:] = [
                    min(box[0], other[0]),
                    min(box[1], other[1]),
                    max(box[2], other[2]),
                    max(box[3], other[3]),
                ]
                break
        else:
            out.append(list(box))
    return out if len(out) == len(boxes) else _merge_boxes(out)


def _changed(a: NDArray[np.uint8], b: NDArray[np.uint8]) -> bool:
    return bool(a.size) and bool(np.count_nonzero(absdiff(a, b) > _CHANGE) / a.size > 0.01)


class _Reader:
    """Tesseract plus the glyph reader it teaches, with call counts."""

    def __init__(self, tesseract: TesseractReader) -> None:
        self.tesseract = tesseract
        self.glyphs = GlyphReader()
        self.tesseract_calls = 0
        self.glyph_reads = 0

    def clock(self, gray: NDArray[np.uint8]) -> tuple[float | None, float]:
        value, conf = self._clock(binarize(gray))
        if value is None:  # bold glyphs that fill a tight field read as their gaps: invert
            value, conf = self._clock(binarize(gray, invert=True))
        return value, conf

    def _clock(self, binary: NDArray[np.uint8]) -> tuple[float | None, float]:
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

    def period(self, gray: NDArray[np.uint8], *, bare: bool = True) -> tuple[int | None, float]:
        """The period in ``gray``; with ``bare`` False a lone digit does not count (a still
        word beside the clock may be a score: only "2ND", "Q2", "OT" name a period there)."""
        self.tesseract_calls += 1
        text, conf = self.tesseract.read(binarize(gray), PERIOD_CHARS)
        if not bare and text.isdigit():
            return None, conf
        return parse_period(text), conf


def _sample_indexes(crops: Crops, f: TextField, count: int) -> list[int]:
    """Up to ``count`` crop indexes spread over the game at which this field changed."""
    idx = [i for i in range(1, len(crops)) if _changed(f.cut(crops[i]), f.cut(crops[i - 1]))]
    if len(idx) <= count:
        return idx
    return [idx[int(k)] for k in np.linspace(0, len(idx) - 1, count)]


def identify_fields(
    crops: Crops,
    fields: list[TextField],
    reader: _Reader,
    support: NDArray[np.bool_] | None = None,
) -> tuple[TextField | None, TextField | None]:
    """(clock field, period field): the fields that read as a clock / a period best.

    "Best" is the share of samples that parse times the mean confidence of those readings:
    a box that swallowed the neighbouring "1st" still parses ("13:56") but reads poorly.
    A period that never changed (any clip within one quarter) is looked for among the bug's
    still words next to the clock (:func:`_still_period`).
    """
    best_clock: tuple[float, TextField] | None = None
    periods: list[tuple[float, TextField]] = []
    for f in fields:
        sample = _sample_indexes(crops, f, _SAMPLES) or [len(crops) // 2]
        confs = [conf for _, conf in _parsed(reader.clock, [f.cut(crops[i]) for i in sample])]
        share = len(confs) / len(sample)
        quality = share * (sum(confs) / len(confs)) if confs else 0.0
        if share >= 0.5:
            if best_clock is None or quality > best_clock[0]:
                best_clock = (quality, f)
            continue
        tries, word = sample[:8], _with_rows_around(f, crops.shape[1])
        read = [value for value, _ in _parsed(reader.period, [word.cut(crops[i]) for i in tries])]
        # Periods only go up; a down ("4TH & 4", then "1ST & 10") reads as one but does not.
        if len(read) >= 0.5 * len(tries) and read == sorted(read):
            periods.append((len(read) / len(tries), word))
    clock = best_clock[1] if best_clock else None
    period = _nearest_period(periods, clock)
    if clock is not None and period is not None and _overlaps(clock.box, period.box):
        period = None
    if clock is not None and period is None:
        changing = [f for f in fields if f is not clock]
        period = _still_period(crops, clock, reader, support, changing)
    return clock, period


def _with_rows_around(f: TextField, height: int) -> TextField:
    """``f`` with a row or two of its panel above and below (an eighth of its height): cut
    tight, the tower look's "3RD" read "SRD" in every sample and its period was never found;
    a row of panel reads "3RD". Rows only: a field beside it on its line stays out."""
    pad = max(1, (f.y1 - f.y0) // 8)
    return TextField(f.x0, max(0, f.y0 - pad), f.x1, min(height, f.y1 + pad), f.changes)


def _nearest_period(
    periods: list[tuple[float, TextField]], clock: TextField | None
) -> TextField | None:
    """The field that read as a period most often; of those alike, the nearest the clock: a
    team's score of "3" reads as a bare period as well as "3RD" beside the clock does (the
    pill's score field, left of it, was taken and the 4th quarter read as the 3rd)."""
    if not periods:
        return None
    best = max(share for share, _ in periods)

    def distance(f: TextField) -> float:
        return 0.0 if clock is None else abs(f.x0 + f.x1 - clock.x0 - clock.x1) / 2

    return min((f for share, f in periods if share == best), key=distance)


def _still_period(
    crops: Crops,
    clock: TextField,
    reader: _Reader,
    support: NDArray[np.bool_] | None,
    changing: Sequence[TextField] = (),
) -> TextField | None:
    """The still word nearest the clock that reads as a period ("1ST", "Q3", not a bare "3":
    that may be a score) in at least two of three crops, or None. Words inside ``changing``
    fields are not still: the down ("1ST & 10") reads as a period in most crops, and taken
    for one it switched the period with every first down (a classic look's play-by-play was
    then refused as another game's)."""
    glyph_h = clock.y1 - clock.y0
    cx, cy = (clock.x0 + clock.x1) / 2, (clock.y0 + clock.y1) / 2

    def distance(w: Word) -> float:
        # Beside the clock on its line first; in stacked bugs the period is a row above.
        return abs((w.x0 + w.x1) / 2 - cx) + 2 * abs((w.y0 + w.y1) / 2 - cy)

    near = sorted(
        (
            w
            for w in words(still_picture(crops), glyph_h, support)
            if not _overlaps(w.box, clock.box)
            and not any(_overlaps(w.box, f.box) for f in changing)
            and abs((w.y0 + w.y1) / 2 - cy) <= 3 * glyph_h
        ),
        key=distance,
    )
    picks = [int(i) for i in np.linspace(0, len(crops) - 1, 3)]
    pad = max(1, glyph_h // 8)
    h, w = crops.shape[1:]
    for word in near[:_PERIOD_TRIES]:
        box = TextField(
            max(0, word.x0 - pad),
            max(0, word.y0 - pad),
            min(w, word.x1 + pad),
            min(h, word.y1 + pad),
            0.0,
        )
        hits = [reader.period(box.cut(crops[i]), bare=False)[0] for i in picks]
        if sum(v is not None for v in hits) >= 2:
            return box
    return None


_Value = TypeVar("_Value", int, float)


def _parsed(
    read: Callable[[NDArray[np.uint8]], tuple[_Value | None, float]],
    cuts: Sequence[NDArray[np.uint8]],
) -> list[tuple[_Value, float]]:
    """The readings of ``cuts`` that parsed (value, confidence) in order, or fewer once half
    of them cannot: a field that fails more than half its samples is not that kind of field,
    and reading on is wasted Tesseract time (~5 ms a read)."""
    parsed: list[tuple[_Value, float]] = []
    allowed = len(cuts) - (len(cuts) + 1) // 2  # failures that still leave share >= 0.5
    failed = 0
    for cut in cuts:
        value, conf = read(cut)
        if value is not None:
            parsed.append((value, conf))
            continue
        failed += 1
        if failed > allowed:
            break
    return parsed


def _overlaps(a: Sequence[int], b: Sequence[int]) -> bool:
    """Whether boxes ``(x0, y0, x1, y1)`` share any area."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def read_clock(
    bug: BugCrops,
    tesseract: TesseractReader,
    *,
    progress: Callable[[float], None] | None = None,
    known: ClockFields | None = None,
) -> ClockReadout:
    """Read the game clock (and period) at every change of the clock field.

    ``known``: the fields found before on the same bug (a video read in windows: a window on
    its own may show a clock that never runs, where no field can be found); else they are
    found in ``bug``'s crops."""
    crops = bug.crops
    reader = _Reader(tesseract)
    if known is None:
        fields = find_fields(crops, bug.support, bug.ticks)
        found, period_field = identify_fields(crops, fields, reader, bug.support)
        if found is None:
            log.warning("no game clock found on the scorebug (%d fields)", len(fields))
            return ClockReadout((), None, period_field, reader.tesseract_calls, reader.glyph_reads)
        known = ClockFields(found, period_field)
    clock_field, period_field = known.clock, known.period
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


class ClockReader(Analyser):
    """Reads the clock off the bug crops that the decode pass stored (see :func:`read_clock`)."""

    name = "clock_reader"
    version = 11

    @property
    def params(self) -> dict[str, Any]:
        return {
            "change": _CHANGE,
            "samples": _SAMPLES,
            "colon_gap": _COLON_GAP,
            "mono_colon_gap": _MONO_COLON_GAP,
            "letter_gap": _LETTER_GAP,
            "clock_chars": CLOCK_CHARS,
            "period_chars": PERIOD_CHARS,
        }

    def read(self, bug: BugCrops | None) -> tuple[ClockReading, ...]:
        """The readings off ``bug`` (None: no bug was located); its stored crops are then
        deleted (they are large)."""
        readout = self.readout(bug)
        return readout.readings if readout is not None else ()

    def readout(
        self, bug: BugCrops | None, known: ClockFields | None = None
    ) -> ClockReadout | None:
        """As :meth:`read`, with the fields read (or ``known``: see :func:`read_clock`); None
        when there is nothing to read."""
        if bug is None:
            return None
        try:
            if len(bug.crops) < (1 if known else 3):
                return None
            readout = read_clock(bug, TesseractReader(), known=known)
        finally:
            if isinstance(bug.crops, SpilledCrops):
                bug.crops.close()
        log.info(
            "clock: %d readings (%d by Tesseract, %d by learned glyphs)",
            len(readout.readings),
            readout.tesseract_calls,
            readout.glyph_reads,
        )
        return readout
