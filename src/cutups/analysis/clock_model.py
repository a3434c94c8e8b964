"""The game clock as a function of video time, from noisy scorebug readings.

The game clock stops all the time (incompletions, out of bounds, scores, timeouts, commercials),
so no straight line maps it to video time. Here the displayed clock is modelled as a sequence of
spans, each either *running* (the clock falls one second per second of video: ``clock + t`` is
constant) or *stopped* (the clock holds one value), per period.

Readings come from OCR, so some are wrong. A reading is kept only when its neighbours agree with
it; an isolated reading that fits neither the span before nor the one after is a misread and is
dropped. Everything here is pure: readings in, model out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from cutups.analysis.base import Analyser
from cutups.analysis.periods import PERIOD_END, advance_periods

__all__ = ["ClockFitter", "ClockModel", "ClockReading", "ClockSpan", "fit_clock_model"]

_RUN_TOL = 1.3
"""Seconds of slack when testing ``clock + t`` for constancy: readings land anywhere within the
displayed second, and ticks are 0.1 s apart."""
_TENTHS_JITTER = 0.35
"""Seconds a running clock's reading may rise from the one before: under a minute the tenths
are read ten times a second, and a reading lands a frame or a tenths digit off (19.2, 19.4,
19.0 on a clock that ran 19.2, 19.1, 19.0). Whole seconds never rise by this little."""
_MISREAD_RUN = 2.5
"""Seconds from the first of a run of misreads to the reading that resumes the clock before it:
two whole-second misreads in a row, read once a second, are resumed 2 s on."""
_IMPOSSIBLE_RUN = 6.0
"""Seconds: the longest run of readings no clock could show (it went up within the period) that
is dropped when the clock before it can be followed again after it."""


@dataclass(frozen=True, slots=True)
class ClockReading:
    """One read of the scorebug: at video time ``t`` the clock showed ``seconds`` in ``period``."""

    t: float
    period: int | None
    seconds: float
    confidence: float = 1.0


@dataclass(frozen=True, slots=True)
class ClockSpan:
    """A stretch of video in which the clock ran steadily or held still."""

    start: float
    end: float
    period: int | None
    clock_start: float
    running: bool

    @property
    def clock_end(self) -> float:
        return self.clock_at(self.end)

    def clock_at(self, t: float) -> float:
        if not self.running:
            return self.clock_start
        return max(0.0, self.clock_start - (t - self.start))


@dataclass(frozen=True, slots=True)
class ClockModel:
    """Spans in video order; gaps between spans are times with no readable clock."""

    spans: tuple[ClockSpan, ...]

    def at(self, t: float) -> tuple[int | None, float] | None:
        """(period, clock seconds) shown at video time ``t``, or None where unknown."""
        for span in self.spans:
            if span.start <= t <= span.end:
                return span.period, span.clock_at(t)
        return None

    def running(self, t0: float, t1: float) -> float:
        """Seconds of [t0, t1] during which the clock was seen running."""
        return sum(max(0.0, min(t1, s.end) - max(t0, s.start)) for s in self.spans if s.running)

    def periods(self) -> list[int]:
        return sorted({s.period for s in self.spans if s.period is not None})

    def reached(self, period: int, seconds: float, *, tolerance: float = 0.6) -> list[float]:
        """Video times at which the clock of ``period`` was *seen* reaching ``seconds``.

        Only a running span passing the value counts. A stopped span showing the value is not a
        sighting of the moment it was reached: when the bug comes back from a commercial or the
        recording starts on a stopped clock, the play that stopped it happened earlier, unseen.
        Usually one time; several when the broadcast shows the same clock twice (a replay under
        a frozen bug).
        """
        times: list[float] = []
        for span in self.spans:
            if span.period != period or not span.running:
                continue
            hit = span.start + (span.clock_start - seconds)
            if span.start - tolerance <= hit <= span.end + tolerance:
                times.append(min(max(hit, span.start), span.end))
        return times

    def held(
        self, period: int, seconds: float, *, tolerance: float = 0.6
    ) -> list[tuple[float, float]]:
        """Stretches of video during which the clock of ``period`` stood still at ``seconds``.

        Untimed plays (extra points, two-point tries) and kickoffs into the end zone happen while
        the clock holds the value the previous play stopped it at.
        """
        return [
            (s.start, s.end)
            for s in self.spans
            if s.period == period and not s.running and abs(s.clock_start - seconds) <= tolerance
        ]


def _agree_running(a: ClockReading, b: ClockReading) -> bool:
    return (
        b.seconds <= a.seconds + _TENTHS_JITTER
        and abs((a.seconds + a.t) - (b.seconds + b.t)) <= _RUN_TOL
    )


def _agree_stopped(a: ClockReading, b: ClockReading) -> bool:
    return abs(a.seconds - b.seconds) < 0.05


def _fits(a: ClockReading, b: ClockReading) -> bool:
    return _agree_running(a, b) or _agree_stopped(a, b)


def _clean(readings: Sequence[ClockReading], min_confidence: float) -> list[ClockReading]:
    """Drop low-confidence readings, runs of misreads, then isolated misreads."""
    kept = [r for r in sorted(readings, key=lambda r: r.t) if r.confidence >= min_confidence]
    return _drop_isolated(_drop_misread_runs(kept))


def _drop_misread_runs(kept: list[ClockReading]) -> list[ClockReading]:
    """Drop short runs of readings that a later reading shows to be misreads.

    A reading that does not continue the clock before it starts a suspect run; when a reading
    within :data:`_MISREAD_RUN` seconds continues the clock again, the run in between was misread
    (a tens digit read as another for a second of tenths, "50.4" read as "304"). A run that no
    clock could show (it went up, or ran faster than time) is dropped when, within
    :data:`_IMPOSSIBLE_RUN` seconds, a reading could follow the clock before it again (teal's
    "5:48" for a second where the clock showed 55.x, then unreadable frames). A real change (a
    stop, a reset, a new period) is never followed by the old clock, so it stays.
    """
    out: list[ClockReading] = []
    i = 0
    while i < len(kept):
        i = _past_misreads(out, kept, i) if out else i
        if i < len(kept):
            out.append(kept[i])
        i += 1
    return out


def _past_misreads(out: list[ClockReading], kept: list[ClockReading], i: int) -> int:
    """``i``, or where the clock before it (``out``) is seen again when ``kept[i]`` starts a
    run of misreads (``len(kept)``: the rest of the readings are misread)."""
    ref = out[-1]
    if _fits(ref, kept[i]):
        return i
    resume = _resumes(ref, kept, i)
    if resume is None and _impossible_after(ref, kept[i]):
        resume = _follows_again(ref, kept, i)
        if resume is None and _misread_for_good(out, kept[i]):
            resume = _period_changes(ref, kept, i)
    return i if resume is None else resume


def _resumes(ref: ClockReading, kept: list[ClockReading], start: int) -> int | None:
    """Index of the first reading after ``start`` that continues ``ref``'s clock, if one does
    within :data:`_MISREAD_RUN` seconds."""
    for j in range(start + 1, len(kept)):
        if kept[j].t - kept[start].t > _MISREAD_RUN:
            return None
        if kept[j].period == ref.period and _fits(ref, kept[j]):
            return j
    return None


def _impossible_after(ref: ClockReading, r: ClockReading) -> bool:
    """``r`` shows a clock that cannot follow ``ref``'s within its period: higher, or lower
    than a clock running since ``ref`` could be."""
    went_up = r.seconds > ref.seconds + _RUN_TOL
    too_fast = r.seconds + r.t < ref.seconds + ref.t - _RUN_TOL
    return went_up or too_fast


def _misread_for_good(out: list[ClockReading], r: ClockReading) -> bool:
    """Whether ``r`` jumps up from a clock that was read well (two readings agreeing), still
    running, within the period both were read in: no clock does, so ``r`` and every reading
    like it until the period changes are one digit misread throughout (the grey turf look's
    monospaced "0:59" read "6:59" for the last minute of a quarter, at 0.96 confidence)."""
    if len(out) < 2 or r.period is None or out[-1].period != r.period:
        return False
    ref = out[-1]
    confirmed = out[-2].period == ref.period and _fits(out[-2], ref)
    return confirmed and ref.seconds > PERIOD_END and r.seconds > ref.seconds + _RUN_TOL


def _period_changes(ref: ClockReading, kept: list[ClockReading], start: int) -> int:
    """Index of the first reading after ``start`` that could follow ``ref`` or is of another
    period (``len(kept)`` if none)."""
    for j in range(start + 1, len(kept)):
        if kept[j].period != ref.period or not _impossible_after(ref, kept[j]):
            return j
    return len(kept)


def _follows_again(ref: ClockReading, kept: list[ClockReading], start: int) -> int | None:
    """Index of the first reading after ``start`` that could follow ``ref`` (within
    :data:`_IMPOSSIBLE_RUN` seconds, every reading in between impossible after it)."""
    for j in range(start + 1, len(kept)):
        if kept[j].t - kept[start].t > _IMPOSSIBLE_RUN or kept[j].period != ref.period:
            return None
        if not _impossible_after(ref, kept[j]):
            return j
    return None


def _drop_isolated(kept: list[ClockReading]) -> list[ClockReading]:
    """Drop isolated misreads: readings that fit neither neighbour."""
    out: list[ClockReading] = []
    for i, r in enumerate(kept):
        prev = kept[i - 1] if i > 0 else None
        nxt = kept[i + 1] if i + 1 < len(kept) else None
        fits_prev = prev is not None and _fits(prev, r)
        fits_next = nxt is not None and _fits(r, nxt)
        bridges = (
            prev is not None
            and nxt is not None
            and not fits_prev
            and not fits_next
            and _fits(prev, nxt)
        )
        if bridges:
            continue  # neighbours agree with each other, not with this reading: a misread
        if fits_prev or fits_next or prev is None or nxt is None:
            out.append(r)
        elif r.period is not None and (prev.period != r.period or nxt.period != r.period):
            out.append(r)  # a new period starts with a jump; keep it
    return out


def _fill_periods(readings: list[ClockReading]) -> list[ClockReading]:
    """Give every reading a period: carried forward, and advanced when the clock resets upward."""
    periods = advance_periods((r.period, r.seconds, r.seconds) for r in readings)
    return [
        ClockReading(r.t, p, r.seconds, r.confidence)
        for r, p in zip(readings, periods, strict=True)
    ]


class ClockFitter(Analyser):
    """Fits the clock model of an analysis to its readings (see :func:`fit_clock_model`)."""

    name = "clock_model"
    version = 1

    def __init__(self, min_confidence: float = 0.5, max_gap: float = 3.05) -> None:
        self.min_confidence = min_confidence
        self.max_gap = max_gap

    @property
    def params(self) -> dict[str, Any]:
        return {"min_confidence": self.min_confidence, "max_gap": self.max_gap, "run_tol": _RUN_TOL}

    def fit(self, readings: Sequence[ClockReading]) -> ClockModel:
        return fit_clock_model(readings, min_confidence=self.min_confidence, max_gap=self.max_gap)


def fit_clock_model(
    readings: Sequence[ClockReading],
    *,
    min_confidence: float = 0.5,
    max_gap: float = 3.05,
) -> ClockModel:
    """Fit running and stopped spans to clock readings.

    Arguments:
        readings: readings in any order; each is the value shown from ``t`` until the next one.
        min_confidence: readings below this are ignored.
        max_gap: the longest time between two readings of one running span; a missed or dropped
            reading leaves a gap of 2 s, a stopped clock a longer one (and a shifted anchor).
    """
    clean = _fill_periods(_clean(readings, min_confidence))
    spans: list[ClockSpan] = []
    i = 0
    while i < len(clean):
        j = _running_run(clean, i, max_gap)
        first, last = clean[i], clean[j]
        nxt = clean[j + 1] if j + 1 < len(clean) else None
        if j > i:
            anchor = float(np.median([r.seconds + r.t for r in clean[i : j + 1]]))
            run_end = min(last.t + 1.0, nxt.t if nxt else last.t + 1.0)
            spans.append(ClockSpan(first.t, run_end, first.period, anchor - first.t, True))
            held_from = run_end
        else:
            held_from = first.t
        # Whatever the last value was, it stays on screen until the next reading: stopped.
        stop_end = nxt.t if nxt is not None else held_from
        if nxt is not None and stop_end - held_from > 0.05 and nxt.period == last.period:
            spans.append(ClockSpan(held_from, stop_end, last.period, last.seconds, False))
        elif j == i:
            spans.append(
                ClockSpan(first.t, max(first.t, stop_end), first.period, first.seconds, False)
            )
        i = j + 1
    return ClockModel(spans=tuple(_merge_stopped(spans)))


def _running_run(clean: list[ClockReading], i: int, max_gap: float) -> int:
    """Index of the last reading of the running span that starts at ``i`` (``i``: none).

    The span grows while consecutive readings keep ``clock + t`` constant, and ends at the last
    reading that showed a new low: a clock that stops repeats its value, and a rise within
    :data:`_TENTHS_JITTER` is a jittered tenths reading, not the clock going back up.
    """
    j = last_low = i
    low = clean[i].seconds
    while (
        j + 1 < len(clean)
        and clean[j + 1].period == clean[i].period
        and clean[j + 1].t - clean[j].t <= max_gap
        and clean[j + 1].seconds <= low + _TENTHS_JITTER
        and _agree_running(clean[j], clean[j + 1])
    ):
        j += 1
        if clean[j].seconds < low - 0.05:
            low, last_low = clean[j].seconds, j
    return last_low


def _merge_stopped(spans: list[ClockSpan]) -> list[ClockSpan]:
    """Join neighbouring stopped spans that hold the same value (re-reads of a still clock)."""
    out: list[ClockSpan] = []
    for span in spans:
        if (
            out
            and not span.running
            and not out[-1].running
            and out[-1].period == span.period
            and abs(out[-1].clock_start - span.clock_start) < 0.05
            and span.start - out[-1].end < 0.2
        ):
            prev = out[-1]
            out[-1] = ClockSpan(prev.start, span.end, prev.period, prev.clock_start, False)
        else:
            out.append(span)
    return out
