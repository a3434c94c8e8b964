"""Pairing rows with detected plays when no game clock could be read.

Without the scorebug's clock a row cannot be looked up in the video, but the rows' own clocks
still say a lot about the gaps between them: a game clock never runs faster than the video, so
two plays of one period whose listed clocks are ``dc`` seconds apart are at least ``dc`` seconds
apart in the video (less the feed's own error). A detection the pairing would take for the next
row, but which comes too soon after the last one (a replay, a false start, a detection split in
two), breaks that bound; a gap much longer than the clock allows needs a reason (a score, a
change of possession, a timeout: a commercial break) or costs. A monotone dynamic programme
over (row, detection) pairs, with jumps of a few rows or detections at a time, finds the
pairing that holds the most rows at the least cost; the rows of a recording's missing start or
end are left out for free.

Both clock semantics are tried (CFBD lists end-of-play clocks, some ESPN exports the snap's)
and the better kept. Each pair says it was placed ``via="sequence"``.

Pure functions: rows and detections in, pairs out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cutups.analysis.plays import DetectedPlay
from cutups.pbp.model import ClockAt, Play

__all__ = ["SequenceFit", "SequenceParams", "pair_by_sequence"]


@dataclass(frozen=True, slots=True)
class SequenceParams:
    """Costs of the clock-less pairing, in units of one paired row."""

    reward: float = 10.0
    """What pairing a row earns: pairs are what the programme is after."""
    skip_row: float = 3.0
    """Leaving a row between two pairs without a detection (the detector missed it)."""
    skip_detection: float = 5.0
    """Leaving a detection between two pairs unexplained (a false detection, a folded try)."""
    jitter: float = 6.0
    """How far (s) a gap may fall short of the clock's bound: listed clocks are rounded or a
    few seconds off, and a detected end is up to a second off the whistle."""
    stoppage: float = 50.0
    """Seconds of stopped clock a play may add on its own (huddle, incomplete pass, spot)."""
    min_stop: float = 12.0
    """A clock stopped after a play stays stopped until the next snap, at least this long
    (the huddle and the spot): a gap longer than the clock's by less than this, and more than
    ``jitter``, is unlikely."""
    odd_stop: float = 4.0
    """Cost of such a gap."""
    stop: float = 0.5
    """Cost of a gap showing the clock stopped (the clock-ran-through reading costs 0)."""
    long_gap: float = 60.0
    """Each this many seconds past the allowance costs one unit (a break with no reason)."""
    break_gap: float = 600.0
    """The same with a reason for a break (score, turnover, kick, timeout, new period)."""
    max_jump: int = 4
    """At most this many rows or detections skipped between two consecutive pairs."""
    margin: float = 4.0
    """The chosen pairing must cost this much less than the best pairing sharing none of its
    pairs; otherwise the order and gaps do not tell where in the game the video lies (a few
    plays fit many stretches of a game) and nothing is paired."""


@dataclass(frozen=True, slots=True)
class SequenceFit:
    """The pairing chosen: (row index, detection index) pairs in order, and its semantics."""

    pairs: tuple[tuple[int, int], ...]
    clock_at: ClockAt
    cost: float
    ambiguous: bool = False
    """Another pairing, sharing none of these pairs, fits almost as well: ``pairs`` is empty."""
    fitting: int = 0
    """Pairs in the best pairing, ambiguous or not (few: the rows are another game's)."""


def _anchor(d: DetectedPlay, clock_at: ClockAt) -> float:
    return d.end if clock_at == "end" else d.snap


_BREAK_WORDS = ("touchdown", "field goal", "safety", "punt", "kickoff", "interception", "fumble")


def _allows_break(row: Play) -> bool:
    """Whether a commercial break may follow ``row``: after scores, kicks, turnovers,
    timeouts and at the end of a period."""
    words = f"{row.play_type} {row.text}".lower()
    return any(w in words for w in _BREAK_WORDS) or "timeout" in words


def transition_cost(
    a: Play, b: Play, rows_between: Sequence[Play], gap: float, p: SequenceParams
) -> float:
    """Cost of row ``a`` then row ``b`` (``rows_between`` skipped) lying ``gap`` seconds of
    video apart; infinite when the clock ran further than the video did."""
    if a.clock is None or b.clock is None or a.period != b.period or a.overtime or b.overtime:
        return 0.0 if gap > 0 else float("inf")
    ran = a.clock - b.clock
    if gap < ran - p.jitter or gap <= 0:
        return float("inf")
    stopped = gap - ran
    if stopped <= p.jitter:
        return 0.0
    if stopped < p.min_stop:
        return p.odd_stop
    beyond = max(0.0, stopped - p.stoppage * (1 + len(rows_between)))
    per = p.break_gap if any(_allows_break(r) for r in (a, *rows_between)) else p.long_gap
    return p.stop + beyond / per


def _fit_once(
    rows: Sequence[Play],
    detections: Sequence[DetectedPlay],
    clock_at: ClockAt,
    p: SequenceParams,
    forbidden: frozenset[tuple[int, int]] = frozenset(),
) -> SequenceFit:
    n, m = len(rows), len(detections)
    anchors = [_anchor(d, clock_at) for d in detections]
    inf = float("inf")
    # best[i][j]: least cost of a pairing whose last pair is (i, j); starting anywhere is free.
    best = [[-p.reward] * m for _ in range(n)]
    back: list[list[tuple[int, int] | None]] = [[None] * m for _ in range(n)]
    for i in range(n):
        for j in range(m):
            if (i, j) in forbidden:
                best[i][j] = inf
                continue
            for pi in range(max(0, i - p.max_jump - 1), i):
                for pj in range(max(0, j - p.max_jump - 1), j):
                    if best[pi][pj] == inf:
                        continue
                    gap = anchors[j] - anchors[pj]
                    step = transition_cost(rows[pi], rows[i], rows[pi + 1 : i], gap, p)
                    skips = (i - pi - 1) * p.skip_row + (j - pj - 1) * p.skip_detection
                    total = best[pi][pj] + step + skips - p.reward
                    if total < best[i][j]:
                        best[i][j], back[i][j] = total, (pi, pj)
    if not n or not m:
        return SequenceFit((), clock_at, 0.0)
    cost, end = min((best[i][j], (i, j)) for i in range(n) for j in range(m))
    pairs: list[tuple[int, int]] = []
    cell: tuple[int, int] | None = end
    while cell is not None:
        pairs.append(cell)
        cell = back[cell[0]][cell[1]]
    return SequenceFit(tuple(reversed(pairs)), clock_at, cost)


def pair_by_sequence(
    rows: Sequence[Play],
    detections: Sequence[DetectedPlay],
    clock_at: ClockAt | None = None,
    params: SequenceParams | None = None,
) -> SequenceFit:
    """Pair ``rows`` (plays only, in game order) with ``detections`` (in video order) by their
    order and the listed clocks' gaps; ``clock_at`` None tries both semantics."""
    p = params or SequenceParams()
    semantics: list[ClockAt] = [clock_at] if clock_at else ["end", "snap"]
    fits = [_fit_once(rows, detections, at, p) for at in semantics]
    best = min(fits, key=lambda f: f.cost)
    fitting = len(best.pairs)
    if not best.pairs:
        return best
    other = _fit_once(rows, detections, best.clock_at, p, frozenset(best.pairs))
    ambiguous = bool(other.pairs) and other.cost - best.cost < p.margin
    pairs = () if ambiguous else best.pairs
    return SequenceFit(pairs, best.clock_at, best.cost, ambiguous, fitting)
