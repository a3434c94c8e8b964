"""Which period each stretch of game clock belongs to, where the scorebug's period is unread.

Pure: used on clock readings (:mod:`cutups.analysis.clock_model`) and on clock spans when the
aligner numbers unlabelled periods (:func:`cutups.align.pbp_align.relabel_periods`). It lives in
analysis, not align, so that the dependency points one way: align uses analysis, never back.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["PERIOD_END", "PERIOD_RESET", "advance_periods", "periods_past_resets"]

PERIOD_RESET = 120
"""Seconds: a clock that shows more than this much *more* than it last did was reset, so a new
period began (clocks only count down within a period)."""
PERIOD_END = 5.0
"""Seconds: a clock showing this little had run out, so its period was ending."""


def advance_periods(
    stretches: Iterable[tuple[int | None, float, float]], start: int | None = None
) -> list[int | None]:
    """The period of each stretch of clock, in video order.

    A stretch's own period wins; an unlabelled one carries the period before it, plus one when
    its clock starts more than :data:`PERIOD_RESET` above where the previous stretch's ended.

    Arguments:
        stretches: ``(period read or None, clock seconds at its start, at its end)`` per
            stretch, in video order (a single reading has equal start and end).
        start: The period before the first labelled stretch; ``None``: unknown (unlabelled
            stretches stay ``None`` until a labelled one).

    Returns:
        One period (or ``None``) per stretch.
    """
    out: list[int | None] = []
    period = start
    last_end: float | None = None
    for label, clock_start, clock_end in stretches:
        if label is not None:
            period = label
        elif last_end is not None and period is not None and clock_start > last_end + PERIOD_RESET:
            period += 1
        out.append(period)
        last_end = clock_end
    return out


def periods_past_resets(stretches: Iterable[tuple[int | None, float, float]]) -> list[int | None]:
    """The periods read, except where they contradict the clock: a stretch whose clock restarts
    more than :data:`PERIOD_RESET` above a clock that had run out (:data:`PERIOD_END`) begins a
    new period, whatever the period field still says. Labels equal to the one so overruled are
    not believed until the field shows another value.

    Found on a held-out look whose period field read "3" through the whole 4th quarter: its
    play-by-play was refused as another game's (41 % of rows on the clock).
    """
    out: list[int | None] = []
    period: int | None = None
    stale: int | None = None
    last_end: float | None = None
    for label, clock_start, clock_end in stretches:
        ran_out = last_end is not None and last_end <= PERIOD_END
        reset = ran_out and last_end is not None and clock_start > last_end + PERIOD_RESET
        if label is None:
            out.append(None)  # numbered by advance_periods, from the labelled ones
        elif reset and period is not None and label <= period:
            stale, period = label, period + 1
            out.append(period)
        elif label == stale:
            out.append(period)
        else:
            period, stale = label, None
            out.append(label)
        last_end = clock_end
    return out
