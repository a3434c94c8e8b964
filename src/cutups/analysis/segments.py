"""Where in a broadcast a play can be: live wide shots, minus replays.

A *wipe* (the network's animated transition into and out of a replay) changes the picture
gradually over several ticks and sweeps over the scorebug; a hard cut changes it in one tick.
Replays are the stretches between two wipes close together. A *live wide shot* is a run of
ticks with the scorebug on screen, mostly field in the picture, and no cut. Pure functions of
:class:`~cutups.analysis.signals.Signals` and the clock readings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

from cutups.analysis.clock_model import ClockReading
from cutups.analysis.signals import Signals

__all__ = ["SegmentParams", "live_wide_segments", "replay_spans", "smooth", "wipes"]


@dataclass(frozen=True, slots=True)
class SegmentParams:
    """Thresholds for shots, wipes and replays."""

    bug_on: float = 0.55
    """Share of the bug's stable pixels showing for the broadcast to count as live."""
    green_on: float = 0.45
    """Share of grass in the picture's middle band for a wide field shot (wide shots measure
    above 0.7 on the generated suite; sideline, bench and crowd shots below 0.25)."""
    cut_on: float = 0.30
    """Histogram change that marks a camera cut."""
    wipe_level: float = 0.2
    wipe_ticks: int = 3
    """A wipe changes the picture on this many ticks in a row, by at least ``wipe_gap_level``
    each and by ``wipe_level`` on ``wipe_strong_ticks`` of them..."""
    wipe_gap_ticks: int = 1
    """...allowing gaps this long between them: an animated wipe may hold a frame (its logo, a
    graphic's stop) or show one close to the last, and one low tick must not split it into two
    runs each too short to be a wipe (the held-out strip look's wipe out of a replay measured
    0.30, 0.82, 0.11, 0.88, 0.79: neither half was a wipe, so its replay passed as live football
    when the bug was off)."""
    wipe_gap_level: float = 0.1
    """A short wipe's frames between its two big changes still change the picture (the pill
    look's logo wipe at seed 53: 0.86, 0.18, 0.85; the red-turf look's bands: 0.16, 1.00, 1.26),
    while a held shot between two hard cuts a tick apart changes it by 0.01-0.03. Counting only
    changes of ``wipe_level`` missed both wipes: the wipe in then paired with the next replay's
    wipe out, and the live play between them was taken for a replay when the bug was off."""
    wipe_strong_ticks: int = 2
    """A hard cut is one big change: beside a camera panning fast (up to 0.18 a tick on the
    classic looks) it must not pass for a wipe."""
    replay_max_sec: float = 30.0
    """Two wipes closer than this may bracket a replay."""
    replay_field_share: float = 0.6
    """...and do only when the field fills the picture (``green_on``) for this share of the
    span: a replay shows the play again. A full-screen graphic whose animated entrance passes
    for a wipe shows little field; paired with the replay's own wipe in, it shifted every later
    pair by one, and a live shot between two replays was dropped as one (the pill look's twin,
    seed 29, lost its play at 43 s). Measured on 14 broadcasts: true replays 0.64 or more of
    their span in wide field view (a night field's tight replay angle the lowest); a graphic's
    entrance paired with the replay's wipe in, 0.50 (it holds the graphic, close-ups and the
    live play) and as low as 0.00. A narrow margin on both sides: see BENCHMARKS, session 14."""
    replay_start_field: float = 0.38
    """...and only when the picture right after the first wipe shows the field: the median
    share of grass over its first second is at least this. A replay starts on the play; a
    full-screen graphic's animated entrance (0.00 over 43 such wipes on 12 cached broadcasts)
    or a wipe out of a replay onto a close-up (at most 0.32), taken for a wipe in, does not.
    The replays' own measured 0.45 (a night field) to 0.96. Without it, the purple look's
    twin (seed 41) paired a graphic's entrance with the next replay's wipe in (0.60 of that
    span in field view, just enough): the extra point between them was dropped and the
    replay after it clipped as live."""


def smooth(values: NDArray[np.float32], ticks: int) -> NDArray[np.float32]:
    """Running median over ``ticks`` (odd-sized windows keep edges in place)."""
    return np.asarray(ndimage.median_filter(values, size=max(1, ticks), mode="nearest"))


def wipes(signals: Signals, p: SegmentParams) -> list[tuple[int, int]]:
    """Tick ranges [a, b) of gradual, multi-tick transitions: runs of ticks changing the
    picture (by ``wipe_gap_level``; gaps of at most ``wipe_gap_ticks`` bridged) with
    ``wipe_ticks`` such ticks, ``wipe_strong_ticks`` of them by ``wipe_level``."""
    cut = signals["cut"]
    moving = cut >= p.wipe_gap_level
    strong = cut >= p.wipe_level
    bridged = moving.copy()
    if p.wipe_gap_ticks > 0:
        bridged |= ndimage.binary_closing(moving, np.ones(p.wipe_gap_ticks + 2, bool))
    labels, count = ndimage.label(bridged)
    if not count:
        return []
    runs = [(s.start, s.stop) for (s,) in ndimage.find_objects(labels)]
    return [
        (a, b)
        for a, b in runs
        if int(moving[a:b].sum()) >= p.wipe_ticks and int(strong[a:b].sum()) >= p.wipe_strong_ticks
    ]


def _wide_view(signals: Signals, p: SegmentParams) -> NDArray[np.bool_]:
    """Ticks showing mostly field (``green_on``, smoothed over half a second)."""
    return smooth(signals["green"], int(float(signals.rate) / 2) | 1) >= p.green_on


def _clock_runs(readings: Sequence[ClockReading], rate: float, a: int, b: int) -> bool:
    """Whether the scorebug clock was read changing between ticks a and b (live play)."""
    shown = {r.seconds for r in readings if a / rate + 0.5 < r.t < b / rate - 0.5}
    return len(shown) >= 2


def replay_spans(
    signals: Signals, p: SegmentParams, readings: Sequence[ClockReading] = ()
) -> list[tuple[int, int]]:
    """Tick ranges [a, b) between a wipe in and the next wipe out that hold a replay.

    Two wipes also bracket other things (a graphic, then the bumper into a commercial, with
    live football between). A replay either hides the scorebug or freezes it: if the bug is on
    screen for most of the span *and* its clock is seen running (in ``readings``), the span is
    live, not a replay. A span with little field in view, or one whose picture after the first
    wipe is no field, is a graphic's (or a close-up's), not a replay's, and its first wipe is
    left unpaired.
    """
    return _replay_spans(signals, p, readings, _wide_view(signals, p))


def _replay_spans(
    signals: Signals, p: SegmentParams, readings: Sequence[ClockReading], wide: NDArray[np.bool_]
) -> list[tuple[int, int]]:
    """:func:`replay_spans` given the ticks in wide field view (``wide``)."""
    rate = float(signals.rate)
    found = wipes(signals, p)
    bug, green = signals["bug"], signals["green"]
    spans: list[tuple[int, int]] = []
    i = 0
    while i + 1 < len(found):
        (a, _), (_, d) = found[i], found[i + 1]
        live = float(np.mean(bug[a:d] >= p.bug_on)) > 0.5 and _clock_runs(readings, rate, a, d)
        start = found[i][1]
        opening = float(np.median(green[start : start + max(1, round(rate))]))
        fieldless = float(np.mean(wide[a:d])) < p.replay_field_share
        fieldless = fieldless or opening < p.replay_start_field
        if (d - a) / rate <= p.replay_max_sec and not live and not fieldless:
            spans.append((a, d))
            i += 2
        else:
            i += 1
    return spans


def live_wide_segments(
    signals: Signals,
    p: SegmentParams,
    readings: Sequence[ClockReading] = (),
    *,
    scorebug: bool = True,
) -> list[tuple[int, int]]:
    """Tick ranges [a, b) that are one uninterrupted live wide shot outside any replay
    (``readings``: the scorebug clock, see :func:`replay_spans`).

    ``scorebug``: whether the video's bug was found. Without one (a high-school stream,
    coaches' film, a bug no locator finds), live football is told from the field view alone:
    every wide shot is live but those between two wipes (replays); a green commercial then
    passes as live, which the detector's other evidence must settle."""
    rate = float(signals.rate)
    if scorebug:
        live = smooth(signals["bug"], int(rate) | 1) >= p.bug_on
    else:
        live = np.ones(signals.n_ticks, bool)
    wide = _wide_view(signals, p)
    ok = live & wide & (signals["cut"] < p.cut_on)
    for a, b in _replay_spans(signals, p, readings, wide):
        ok[a:b] = False
    labels, count = ndimage.label(ok)
    return [(s.start, s.stop) for (s,) in ndimage.find_objects(labels)] if count else []
