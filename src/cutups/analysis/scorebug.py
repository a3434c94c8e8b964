"""Finding the scorebug on a broadcast never seen before, and telling when it is on screen.

The scorebug is the one part of a live broadcast that keeps the same pixels while everything else
changes: the camera pans, shots cut, commercials come and go. :func:`locate_scorebug` samples
frames across the video and, per pixel, finds the value most samples agree on (the *modal* value)
and how many agree. Pixels that agree in a large share of samples *and* draw edges in the modal
image (box borders, team names) form the bug; the largest compact cluster of them wins.

:class:`ScorebugAnalyser` then scores, per tick, the share of the bug's stable pixels that show
their modal value (``bug``: ~1 when on screen, ~0 when hidden), and how much the *unstable*
pixels inside the bug changed since the last tick (``bug_change``: the clock's digits tick once
a second while it runs, and stop in replays that show a frozen bug).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

from cutups.analysis.base import TICK_RATE, FrameAnalyser, PassContext, SignalArrays, fit_length
from cutups.analysis.bug_box import (
    bands_with_digits,
    digit_pixels,
    plausible,
    widen_to_digits,
)
from cutups.analysis.location import ScorebugLocation
from cutups.analysis.pixels import absdiff, masked_share
from cutups.media.decode import FrameRequest

__all__ = [
    "PresenceTest",
    "ScorebugAnalyser",
    "edge_map",
    "locate_scorebug",
    "luma",
    "modal_image",
    "presence",
]

LOCATE_SIZE = (640, 360)
"""Frames are compared at this size: large enough for a small bug's edges to survive."""
_EDGE_THRESHOLD = 28
_PRESENT_LEVELS = 24
"""A stable pixel within this many levels of its usual value shows the bug."""
_CHANGE_LEVELS = 40
"""A changing pixel of the bug (a digit) that moved this many levels has changed."""
_THRESHOLDS = (0.4, 0.55, 0.7)
_PERSISTENCE = _THRESHOLDS[0]
"""Share of samples that must agree on a pixel's value. Commercials and hidden-bug replays take
up to ~40 % of a broadcast, so a bug present 60 % of the time must still pass comfortably."""


def luma(rgb: NDArray[np.uint8]) -> NDArray[np.uint8]:
    """BT.601 luma of an RGB image, as the decoder's gray output computes it."""
    y = rgb[..., 0] * 0.299 + rgb[..., 1] * 0.587 + rgb[..., 2] * 0.114
    return np.asarray(np.clip(y + 0.5, 0, 255), dtype=np.uint8)


def edge_map(gray: NDArray[np.uint8]) -> NDArray[np.bool_]:
    """Pixels with a strong horizontal or vertical luma step (text and box borders)."""
    g = gray.astype(np.int16)
    dx = np.zeros_like(g)
    dy = np.zeros_like(g)
    dx[:, 1:] = np.abs(g[:, 1:] - g[:, :-1])
    dy[1:, :] = np.abs(g[1:, :] - g[:-1, :])
    return np.asarray(np.maximum(dx, dy) > _EDGE_THRESHOLD)


def modal_image(frames: NDArray[np.uint8]) -> tuple[NDArray[np.uint8], NDArray[np.float64]]:
    """Per pixel: the value most frames agree on (to ±8 levels) and the share that agree.

    Values are put in 8-level bins and adjacent bins are counted together, so compression
    noise that straddles a bin edge still counts as agreement.
    """
    bins = frames >> 3
    # Counted in the smallest integer that holds them: summing booleans into int64 was most of
    # the locate step's time (0.6 s of 1.0 s for 48 samples).
    dtype = np.uint8 if len(frames) < 256 else np.uint32
    counts = np.empty((32, *frames.shape[1:]), dtype)
    for b in range(32):
        np.sum(bins == b, axis=0, dtype=dtype, out=counts[b])
    pairs = counts[:-1] + counts[1:]
    best = pairs.argmax(axis=0)
    share = np.take_along_axis(pairs, best[None], axis=0)[0] / len(frames)
    lo = np.take_along_axis(counts, best[None], axis=0)[0]
    hi = np.take_along_axis(counts, (best + 1)[None], axis=0)[0]
    # The modal value sits at the shared edge of the two bins, pulled toward the fuller one.
    value = (best + 1) * 8 + np.where(hi >= lo, 2, -2)
    return np.clip(value, 0, 255).astype(np.uint8), share


def locate_scorebug(
    frames: list[NDArray[np.uint8]], off_field: list[bool] | None = None
) -> ScorebugLocation | None:
    """Find the scorebug in gray frames of size :data:`LOCATE_SIZE` sampled across a broadcast.

    Arguments:
        frames: gray samples spread over the video.
        off_field: per sample, whether it shows no playing field (close-up, crowd, bench).
            The bug stays on screen in those shots; yard lines and sidelines, which can look
            just as persistent when the camera holds still, do not. When at least
            :data:`_MIN_OFF_FIELD` such samples exist, a candidate's pixels must hold in them
            and it must be present in a third of them.

    Returns None when nothing persistent, shaped like a bug and holding changing text (a
    clock) exists: no scorebug in this video, only overlays that never change.
    """
    if len(frames) < 8:
        return None
    stack = np.stack(frames)
    modal, share = modal_image(stack)
    others = [f for f, off in zip(frames, off_field or [], strict=False) if off]
    off_mask = np.asarray(off_field, bool) if off_field is not None else None
    off_share = None
    if len(others) >= _MIN_OFF_FIELD:
        # Pixels must also hold their value in off-field shots: that removes yard lines and
        # sidelines, which a still camera makes look as persistent as the bug.
        off_stack = np.stack(others).astype(np.int16)
        off_share = (np.abs(off_stack - modal.astype(np.int16)) <= 16).mean(axis=0)
    # A bug in the turf's own colour agrees no more than the plain turf around it: blobs of
    # agreeing pixels then take in the field (the red-turf and teal-turf looks' bugs were lost
    # in blobs a third of the picture wide). Only then is it looked for in blobs of its
    # persistent edges alone (text, borders), so the bugs found by their panels keep their box.
    # Not in a still picture (a test card, a slate): all of it agrees, and anything changing
    # in it (a test card's frame counter) would pass for a clock.
    still = float(np.mean(share >= 0.9)) > _STILL_PICTURE
    for edges_only in (False,) if still else (False, True):
        found = _search(stack, modal, share, off_share, off_mask, others, edges_only)
        if found is not None:
            return _location(frames, modal, *found)
    return None


def _search(
    stack: NDArray[np.uint8],
    modal: NDArray[np.uint8],
    share: NDArray[np.float64],
    off_share: NDArray[np.float64] | None,
    off_mask: NDArray[np.bool_] | None,
    others: list[NDArray[np.uint8]],
    edges_only: bool,
) -> tuple[NDArray[np.bool_], slice, slice] | None:
    """The first candidate box, most bug-like first, that holds a changing clock (see
    :func:`_checked`): its pixels agreeing and rows and columns, or None."""
    # A loose threshold keeps a bug with hidden stretches whole; a strict one separates it from
    # other things that repeat (a network's close-up framing). Candidates from all compete.
    candidates: list[_Candidate] = []
    for threshold in _THRESHOLDS:
        agree = share >= threshold
        if off_share is not None:
            agree &= off_share >= threshold
        candidates += [(*c, agree) for c in _candidates(modal, agree, others, edges_only)]
    # The most bug-like blob first; the first whose box holds a changing clock wins (a
    # watermark or a promo banner persists as well as the bug, but nothing changes in it).
    tried: set[tuple[int, int, int, int]] = set()
    for first in sorted(candidates, key=lambda c: -c[0]):
        ys, xs, agree = _grown(first, candidates, modal.shape)
        if (ys.start, ys.stop, xs.start, xs.stop) in tried:
            continue
        if len(tried) == _TRIES:
            break
        tried.add((ys.start, ys.stop, xs.start, xs.stop))
        checked = _checked(stack, off_mask, modal, agree, ys, xs)
        if checked is not None:
            return agree, *checked
    return None


_Candidate = tuple[float, slice, slice, NDArray[np.bool_]]
_MIN_OFF_FIELD = 8
"""Off-field samples needed before candidates must hold in them. With 4, one sample of the
48 counted one way or the other (its grass share at 0.22 or 0.26, by the off-field rule's
0.25) moved the box on 7 of the 29 cached looks with a bug (lost the pill's and the strip's
bugs, cut the stack's to a third), six of which had only 5 or 6 off-field samples, each a
fifth of the test; with 8, flipping any one sample moves no box by more than a pixel."""
_EDGE_GAPS = 6
"""Gaps between a bug's persistent edges closed when blobbing them alone: the space between
its words and between its rows (a few pixels at the locating size)."""
_STILL_PICTURE = 0.25
"""Share of pixels agreeing in nine samples of ten above which the picture stands still:
ffmpeg's testsrc2 test card 0.48, every cached broadcast 0.01 or less."""
_TRIES = 8
"""Boxes tried, best first, before concluding there is no bug."""


def _grown(
    first: _Candidate, candidates: list[_Candidate], shape: tuple[int, ...]
) -> tuple[slice, slice, NDArray[np.bool_]]:
    """The box a candidate stands for: the densest stricter blob inside it, grown by its
    neighbours on the same rows (see :func:`_densest_nested`, :func:`_join_neighbours`)."""
    score, ys, xs, agree = _densest_nested(first, candidates)
    same = [(c[0], c[1], c[2]) for c in candidates if c[3] is agree]
    _, ys, xs = _join_neighbours((score, ys, xs), same, shape[1], shape[0])
    return ys, xs, agree


def _checked(
    stack: NDArray[np.uint8],
    off_field: NDArray[np.bool_] | None,
    modal: NDArray[np.uint8],
    agree: NDArray[np.bool_],
    ys: slice,
    xs: slice,
) -> tuple[slice, slice] | None:
    """The box cut to its bands holding the clock's digits and trimmed of sparse edges, or
    None when it holds no changing text or is not shaped like a bug (see :mod:`bug_box`)."""
    height, width = modal.shape
    template, stable = modal[ys, xs], agree[ys, xs]
    shown = np.asarray([presence(f[ys, xs], template, stable) > 0.6 for f in stack])
    off = off_field[shown] if off_field is not None else None
    xs = _widened(stack[shown][:, ys], xs, off)
    template, stable = modal[ys, xs], agree[ys, xs]
    found = bands_with_digits(stack[shown][:, ys, xs], template, stable, off)
    if found is None:
        return None
    rows, digits = found
    band = slice(ys.start + rows.start, ys.start + rows.stop)
    trimmed, xs = _trim_sparse_edges(agree, band, xs)
    ys = _keeping_the_digits(trimmed, band, digits[rows])
    if not plausible(ys.stop - ys.start, xs.stop - xs.start, height, width):
        return None
    return ys, xs


def _widened(rows: NDArray[np.uint8], xs: slice, off: NDArray[np.bool_] | None) -> slice:
    """``xs`` grown over changing text beside it on its rows (``rows``: the samples showing
    the bug, cut to the box's rows): a clock's glyphs agree with nothing, so a translucent
    bug's blob of agreeing text stops at its clock, and its other words are blobs apart.
    Only rows whose changes sit in a few places count (see :func:`_spread_across`)."""
    width = rows.shape[2]
    digits = digit_pixels(rows, off)
    # Rows whose changes lie all across the picture are field lines sliding past (a bug in
    # the grass's colours has yard lines on its very rows, right beside it): no text there.
    digits[_spread_across(digits)] = False
    columns = digits.sum(axis=0) >= max(2, rows.shape[1] // 8)
    return widen_to_digits(columns, xs, max(2, int(0.03 * width)))


def _keeping_the_digits(trimmed: slice, band: slice, digits: NDArray[np.bool_]) -> slice:
    """``trimmed`` rows grown back, row by row, over the rows of ``band`` next to it that hold
    three fifths of the busiest row's digits (and a row of margin).

    Never trim into the clock: a translucent bug's panel agrees only where its text is, so
    the trim alone keeps just the rows of its tallest letters."""
    busy = digits.sum(axis=1) >= max(1.0, 0.6 * float(digits.sum(axis=1).max()))
    busy &= ~_spread_across(digits)
    start, stop = trimmed.start - band.start, trimmed.stop - band.start
    while start > 0 and busy[start - 1]:
        start -= 1
    while stop < len(busy) and busy[stop]:
        stop += 1
    if (start, stop) == (trimmed.start - band.start, trimmed.stop - band.start):
        return trimmed
    return slice(band.start + max(0, start - 1), band.start + min(len(busy), stop + 1))


_BLOCK = 16
"""Columns per block when telling a bug's text (a few clusters) from moving picture."""


def _spread_across(digits: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """Rows whose changing pixels lie all across the box, in over half of its blocks of
    columns: yard lines and hash marks sliding under a still box toggle between grass and
    white as a digit does, but everywhere; a bug's clock and text sit in a few places."""
    width = digits.shape[1] - digits.shape[1] % _BLOCK
    if width == 0:
        return np.zeros(digits.shape[0], bool)
    blocks = digits[:, :width].reshape(digits.shape[0], -1, _BLOCK).any(axis=2)
    spread: NDArray[np.bool_] = blocks.mean(axis=1) > 0.5
    return spread


def _location(
    frames: list[NDArray[np.uint8]],
    modal: NDArray[np.uint8],
    agree: NDArray[np.bool_],
    ys: slice,
    xs: slice,
) -> ScorebugLocation:
    height, width = modal.shape
    template, stable = modal[ys, xs], agree[ys, xs]
    present = [presence(f[ys, xs], template, stable) > 0.6 for f in frames]
    return ScorebugLocation(
        x=xs.start / width,
        y=ys.start / height,
        w=(xs.stop - xs.start) / width,
        h=(ys.stop - ys.start) / height,
        template=template,
        stable=stable,
        coverage=float(np.mean(present)),
    )


def _candidates(
    modal: NDArray[np.uint8],
    agree: NDArray[np.bool_],
    others: list[NDArray[np.uint8]],
    edges_only: bool = False,
) -> list[tuple[float, slice, slice]]:
    """Bug-sized blobs of agreeing pixels (``edges_only``: of persistent edges alone),
    scored by the persistent edges inside them."""
    persistent = edge_map(modal) & agree
    # Blob the agreeing pixels themselves: a bug's solid panel agrees across every kind of shot
    # even where it draws no edges, so a bar whose clock half is mostly changing digits is
    # still one piece. The edges inside (text, borders) then say how bug-like a blob is.
    if edges_only:
        pieces = ndimage.binary_closing(persistent, iterations=_EDGE_GAPS)
    else:
        solid = ndimage.binary_closing(ndimage.binary_opening(agree, iterations=1), iterations=3)
        pieces = solid | ndimage.binary_dilation(persistent, iterations=2)
    blobs, count = ndimage.label(pieces)
    height, width = persistent.shape
    found: list[tuple[float, slice, slice]] = []
    for index, (ys, xs) in enumerate(ndimage.find_objects(blobs) if count else [], start=1):
        inside = persistent[ys, xs] & (blobs[ys, xs] == index)
        area = (xs.stop - xs.start) * (ys.stop - ys.start) / (width * height)
        if not 0.0005 <= area <= 0.2 or inside.sum() < 20:
            continue
        if len(others) >= _MIN_OFF_FIELD:
            seen = np.mean(
                [presence(f[ys, xs], modal[ys, xs], agree[ys, xs]) > 0.6 for f in others]
            )
            if seen < 0.34:
                continue
        found.append((float(inside.sum()), ys, xs))
    return found


_NESTED_SCORE = 0.6
"""A stricter candidate inside the winner replaces it when it keeps this share of its edges..."""
_NESTED_AREA = 0.6
"""...in at most this share of its area."""


def _densest_nested(best: _Candidate, candidates: list[_Candidate]) -> _Candidate:
    """The bug itself when the loose threshold's winner is the bug plus a sparse patch.

    At the loosest threshold a patch that repeats beside the bug (a jersey above a bottom bug in
    close-ups framed alike) can join its blob; scored by edge count, the joined blob wins. The
    bug alone, found at a stricter threshold inside it, carries most of those edges in a much
    smaller box: the patch added area, not text.
    """
    score, ys, xs, _ = best
    area = (ys.stop - ys.start) * (xs.stop - xs.start)
    nested = [
        c
        for c in candidates
        if c[1].start >= ys.start
        and c[1].stop <= ys.stop
        and c[2].start >= xs.start
        and c[2].stop <= xs.stop
        and c[0] >= _NESTED_SCORE * score
        and (c[1].stop - c[1].start) * (c[2].stop - c[2].start) <= _NESTED_AREA * area
    ]
    return max(nested, key=lambda c: c[0]) if nested else best


def _join_neighbours(
    best: tuple[float, slice, slice],
    candidates: list[tuple[float, slice, slice]],
    width: int,
    height: int,
) -> tuple[float, slice, slice]:
    """Grow the best blob by candidates beside it on the same rows: bugs are often several
    boxes (teams, scores, clock) separated by thin gaps or changing regions. "The same rows"
    is measured against the shorter of the two: a see-through clock panel may agree only on
    its digits' rows, well inside the rows of an opaque teams' panel beside it."""
    score, ys, xs = best
    grown = True
    while grown:
        grown = False
        for other_score, oys, oxs in candidates:
            if (
                oxs.start >= xs.start
                and oxs.stop <= xs.stop
                and oys.start >= ys.start
                and oys.stop <= ys.stop
            ):
                continue
            overlap = min(ys.stop, oys.stop) - max(ys.start, oys.start)
            gap = max(oxs.start - xs.stop, xs.start - oxs.stop)
            if (
                overlap >= 0.6 * min(ys.stop - ys.start, oys.stop - oys.start)
                and gap <= 0.03 * width
            ):
                ys = slice(min(ys.start, oys.start), max(ys.stop, oys.stop))
                xs = slice(min(xs.start, oxs.start), max(xs.stop, oxs.stop))
                score += other_score
                grown = True
    if (xs.stop - xs.start) * (ys.stop - ys.start) > 0.25 * width * height:
        return best
    return score, ys, xs


_TRIM_SHARE = 0.7
"""An edge row or column of the box is cut when its share of agreeing pixels is below this
fraction of the box's typical (90th percentile) row or column. At 0.5 a jersey above a
bottom-centre bug (seed 53), whose rows agree at 40-55 % where the bug's agree at 62-92 %,
stayed in the box and the clock went unread; at 0.8 a thin bar loses a row of its border."""


def _trim_sparse_edges(agree: NDArray[np.bool_], ys: slice, xs: slice) -> tuple[slice, slice]:
    """Cut sparse rows and columns off the box's edges.

    Blobs are closed and dilated to keep a bug with changing digits in one piece, which can also
    join it to persistent patches beside it: broadcasts frame their close-ups alike, so a jersey
    or a stand holds its value above a bottom bug often enough to agree in scattered pixels. The
    bug's own panel agrees almost everywhere, row by row; the patches do not.
    """
    rows = _dense_span(agree[ys, xs].mean(axis=1), ys)
    return rows, _dense_span(agree[rows, xs].mean(axis=0), xs)


def _dense_span(profile: NDArray[np.float64], span: slice) -> slice:
    """``span`` without its leading and trailing entries that fall below the trim share."""
    keep = np.flatnonzero(profile >= _TRIM_SHARE * np.percentile(profile, 90))
    if keep.size == 0:
        return span
    return slice(span.start + int(keep[0]), span.start + int(keep[-1]) + 1)


def presence(
    crop: NDArray[np.uint8], template: NDArray[np.uint8], stable: NDArray[np.bool_]
) -> float:
    """Share of the bug's stable pixels that show their usual value in ``crop`` (0-1): those
    within ``_PRESENT_LEVELS`` of ``template``, over the part of it that fits in ``crop``.
    One-off form of :class:`PresenceTest`, which analysers build once and call every tick."""
    return PresenceTest(template, stable, crop.shape)(crop)


class PresenceTest:
    """:func:`presence` for one template on crops of one shape, the template's part that fits
    worked out once: ``PresenceTest(template, stable, crop.shape, offset)(crop)`` equals
    ``presence(crop[oy:, ox:], template, stable)``. The stable pixels are compared as ``uint8``
    (:func:`~cutups.analysis.pixels.absdiff`) and counted through the mask, not copied out."""

    def __init__(
        self,
        template: NDArray[np.uint8],
        stable: NDArray[np.bool_],
        shape: tuple[int, ...],
        offset: tuple[int, int] = (0, 0),
    ) -> None:
        oy, ox = offset
        h = max(0, min(template.shape[0], shape[0] - oy))
        w = max(0, min(template.shape[1], shape[1] - ox))
        self.shape = shape
        self._area = (slice(oy, oy + h), slice(ox, ox + w))
        self._usual = template[:h, :w]
        self._stable = stable[:h, :w]
        self._count = int(np.count_nonzero(self._stable))

    def __call__(self, crop: NDArray[np.uint8]) -> float:
        if crop.shape != self.shape:
            raise ValueError(f"crop is {crop.shape}, this test is for {self.shape}")
        near = absdiff(crop[self._area], self._usual) <= _PRESENT_LEVELS
        return masked_share(near, self._stable, self._count)


class ScorebugAnalyser(FrameAnalyser):
    """Per-tick ``bug`` (share of the bug's fingerprint visible, 0-1) and ``bug_change``."""

    name = "scorebug"
    version = 1

    def __init__(self, rate: Fraction = TICK_RATE) -> None:
        self.rate = rate

    @property
    def params(self) -> dict[str, Any]:
        return {
            "size": list(LOCATE_SIZE),
            "rate": str(self.rate),
            "present": _PRESENT_LEVELS,
            "change": _CHANGE_LEVELS,
        }

    def start(self, context: PassContext) -> bool:
        """Takes part only where the bug was located; ``bug`` and ``bug_change`` are 0 without."""
        self._bug: list[float] = []
        self._change: list[float] = []
        self._test: PresenceTest | None = None
        if context.scorebug is None:
            return False
        self.location = context.scorebug
        width, height = LOCATE_SIZE
        # Just the bug's box, cut from the decoded luma: no whole-frame conversion.
        box = self.location.box(width, height)
        self.request = FrameRequest(width=width, height=height, rate=self.rate, gray=True, crop=box)
        self._prev: NDArray[np.uint8] | None = None
        self._dynamic = np.zeros((0, 0), bool)
        self._dynamic_count = 0
        return True

    def on_frame(self, tick: int, t: float, image: NDArray[np.uint8]) -> None:
        crop = image  # the request's crop: just the box
        loc = self.location
        if self._test is None or self._test.shape != crop.shape:
            self._test = PresenceTest(loc.template, loc.stable, crop.shape)
            h, w = min(crop.shape[0], loc.stable.shape[0]), min(crop.shape[1], loc.stable.shape[1])
            self._dynamic = ~loc.stable[:h, :w]
            self._dynamic_count = int(np.count_nonzero(self._dynamic))
            self._prev = None
        self._bug.append(self._test(crop))
        # The bug's changing pixels (its digits): the share that changed since the last tick.
        h, w = self._dynamic.shape
        current = crop[:h, :w]
        if self._prev is None:
            self._change.append(0.0)
        else:
            changed = absdiff(current, self._prev) > _CHANGE_LEVELS
            self._change.append(masked_share(changed, self._dynamic, self._dynamic_count))
        self._prev = current

    def finish(self, n_ticks: int) -> SignalArrays:
        return {
            "bug": fit_length(np.asarray(self._bug, dtype=np.float32), n_ticks),
            "bug_change": fit_length(np.asarray(self._change, dtype=np.float32), n_ticks),
        }
