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

Order and gaps alone often fit several stretches of a game (plays a running clock apart look
alike). What the camera shows of each play joins them (:mod:`cutups.align.cues`): which way
the ball went (the offense's way flips at every change of possession and every quarter) and
whether it flew far (kicks, long gains) or hardly moved. Each pair of a row and a detection
pays for what disagrees, under each of the four guesses of which end the camera shows each
half's first offense attacking.

Both clock semantics are tried (CFBD lists end-of-play clocks, some ESPN exports the snap's)
and the better kept. Each pair says it was placed ``via="sequence"``.

Pure functions: rows and detections in, pairs out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from cutups.align.cues import SCALES, CueParams, HalfSigns, cue_costs, row_cues
from cutups.align.gaps import is_try, scores_touchdown
from cutups.analysis.plays import DetectedPlay
from cutups.pbp.model import ClockAt, Play

__all__ = [
    "SequenceFit",
    "SequenceParams",
    "pair_by_sequence",
    "transition_cost",
    "transition_costs",
]

FloatArray = NDArray[np.float64]


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
    score_break: float = 60.0
    """A kickoff after a score comes at least this long (s) after it: the try, then a break."""
    no_break: float = 3.0
    """Cost of a kickoff sooner than that after a score."""
    max_jump: int = 4
    """At most this many rows or detections skipped between two consecutive pairs."""
    margin: float = 4.0
    """The chosen pairing must cost this much less than the best pairing sharing none of its
    pairs; otherwise the order and gaps do not tell where in the game the video lies (a few
    plays fit many stretches of a game) and nothing is paired."""
    cues: CueParams = field(default_factory=CueParams)
    """What the camera's travel during each play costs when it disagrees with the row."""


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
    signs: HalfSigns = (1, 1)
    """The guess of which way each half's first offense goes on screen (see
    :mod:`cutups.align.cues`)."""


def _anchor(d: DetectedPlay, clock_at: ClockAt) -> float:
    return d.end if clock_at == "end" else d.snap


_BREAK_WORDS = ("touchdown", "field goal", "safety", "punt", "kickoff", "interception", "fumble")


def _allows_break(row: Play) -> bool:
    """Whether a commercial break may follow ``row``: after scores, kicks, turnovers,
    timeouts and at the end of a period."""
    words = f"{row.play_type} {row.text}".lower()
    return any(w in words for w in _BREAK_WORDS) or "timeout" in words


_SCORE_WORDS = ("touchdown", "field goal good", "extra point", "two point", "safety")


def _kickoff_after_score(a: Play, b: Play) -> bool:
    """Whether ``b`` is the kickoff that follows a score in ``a``: broadcasts go to a break
    between the two (after the try), so the kickoff comes minutes later."""
    scored = any(w in f"{a.play_type} {a.text}".lower() for w in _SCORE_WORDS)
    return scored and "kickoff" in b.play_type.lower()


def transition_costs(
    a: Play,
    b: Play,
    rows_between: Sequence[Play],
    gaps: FloatArray,
    p: SequenceParams,
    period_starts: Mapping[int, float] | None = None,
) -> FloatArray:
    """Cost of row ``a`` then row ``b`` (``rows_between`` skipped) lying ``gaps`` seconds of
    video apart (any shape); infinite where the clock ran further than the video did.

    ``period_starts``: per period, the highest clock any row lists in it (the period's length
    is at least that). Across a change of period the clock ran out ``a``'s period and ran
    from that start to ``b``'s clock, and a break is expected; without it any gap will do."""
    inf = np.float64("inf")
    if a.clock is None or b.clock is None or a.overtime or b.overtime:
        return np.where(gaps > 0, 0.0, inf)
    if a.period != b.period:
        start = (period_starts or {}).get(b.period)
        if start is None or b.period != a.period + 1:
            return np.where(gaps > 0, 0.0, inf)
        ran = a.clock + max(0.0, start - b.clock)
        return np.where((gaps <= 0) | (gaps - ran < -p.jitter), inf, 0.0)
    stopped = gaps - (a.clock - b.clock)
    beyond = np.maximum(0.0, stopped - p.stoppage * (1 + len(rows_between)))
    per = p.break_gap if any(_allows_break(r) for r in (a, *rows_between)) else p.long_gap
    cost = np.where(stopped < p.min_stop, p.odd_stop, p.stop + beyond / per)
    cost = np.where(stopped <= p.jitter, 0.0, cost)
    if _kickoff_after_score(a, b):
        cost = cost + np.where(gaps < p.score_break, p.no_break, 0.0)
    return np.where((stopped < -p.jitter) | (gaps <= 0), inf, cost)


def transition_cost(
    a: Play,
    b: Play,
    rows_between: Sequence[Play],
    gap: float,
    p: SequenceParams,
    period_starts: Mapping[int, float] | None = None,
) -> float:
    """:func:`transition_costs` of one gap."""
    return float(transition_costs(a, b, rows_between, np.array([gap]), p, period_starts)[0])


_Steps = list[list[tuple[int, int, FloatArray]]]
"""Per row ``i``: (previous row, detections advanced, cost per detection) of every way to
reach it, the cost of the gap and of what was skipped (see :func:`_steps`)."""


@dataclass(frozen=True, slots=True)
class _Guess:
    """One way of reading the rows against the video: clock semantics, half signs and the
    camera's scale, with the cost of every (row, detection) pair under them."""

    clock_at: ClockAt
    signs: HalfSigns
    pair_costs: FloatArray
    steps: _Steps


def _steps(
    rows: Sequence[Play], detections: Sequence[DetectedPlay], clock_at: ClockAt, p: SequenceParams
) -> _Steps:
    """The costs of every step between two pairs, the same for every guess of the cues."""
    n, m = len(rows), len(detections)
    anchors = np.array([_anchor(d, clock_at) for d in detections])
    tries = _folded_tries(rows)
    starts = _period_starts(rows)
    out: _Steps = []
    for i in range(n):
        into: list[tuple[int, int, FloatArray]] = []
        for pi in range(max(0, i - p.max_jump - 1), i):
            for dj in range(1, min(m, p.max_jump + 2)):
                gaps = anchors[dj:] - anchors[:-dj]
                step = transition_costs(rows[pi], rows[i], rows[pi + 1 : i], gaps, p, starts)
                # A try folded into a touchdown row is a detection no row lists: expected.
                unlisted = dj - 1 - (tries[pi] and i == pi + 1 and dj > 1)
                skips = (i - pi - 1) * p.skip_row + unlisted * p.skip_detection
                if np.isfinite(step).any():
                    into.append((pi, dj, step + skips))
        out.append(into)
    return out


def _fit_once(
    n: int,
    m: int,
    guess: _Guess,
    p: SequenceParams,
    forbidden: frozenset[tuple[int, int]] = frozenset(),
) -> SequenceFit:
    clock_at = guess.clock_at
    if not n or not m:
        return SequenceFit((), clock_at, 0.0, signs=guess.signs)
    here = guess.pair_costs - p.reward
    # best[i, j]: least cost of a pairing whose last pair is (i, j); starting anywhere is free.
    best = here.copy()
    back = np.full((n, m, 2), -1, dtype=np.int64)
    for i in range(n):
        for pi, dj, step in guess.steps[i]:
            total = best[pi, :-dj] + step + here[i, dj:]
            better = total < best[i, dj:]
            if better.any():
                best[i, dj:][better] = total[better]
                back[i, dj:][better] = np.stack(
                    [np.full(int(better.sum()), pi), np.flatnonzero(better)], axis=1
                )
        for fi, fj in forbidden:
            if fi == i:
                best[i, fj] = np.inf
    end = np.unravel_index(int(np.argmin(best)), best.shape)
    cost = float(best[end])
    pairs: list[tuple[int, int]] = []
    cell = (int(end[0]), int(end[1]))
    while cell[0] >= 0:
        pairs.append(cell)
        cell = (int(back[cell][0]), int(back[cell][1]))
    return SequenceFit(tuple(reversed(pairs)), clock_at, cost, signs=guess.signs)


def _period_starts(rows: Sequence[Play]) -> dict[int, float]:
    """Per period, the highest clock a row lists in it: the period is at least that long."""
    starts: dict[int, float] = {}
    for r in rows:
        if r.clock is not None and not r.overtime:
            starts[r.period] = max(starts.get(r.period, 0.0), r.clock)
    return starts


def _folded_tries(rows: Sequence[Play]) -> list[bool]:
    """Per row: it scored a touchdown and the next row is no try, so the try that followed
    it (a detected play) is listed nowhere (see :func:`~cutups.align.gaps.folded_try`)."""
    return [
        scores_touchdown(r) and not is_try(r) and (k + 1 == len(rows) or not is_try(rows[k + 1]))
        for k, r in enumerate(rows)
    ]


def pair_by_sequence(
    rows: Sequence[Play],
    detections: Sequence[DetectedPlay],
    clock_at: ClockAt | None = None,
    params: SequenceParams | None = None,
) -> SequenceFit:
    """Pair ``rows`` (plays only, in game order) with ``detections`` (in video order) by their
    order, the listed clocks' gaps and what the camera shows of each play; ``clock_at`` None
    tries both semantics.

    The pairing is refused (``ambiguous``) when another one sharing none of its pairs, under
    any of the guesses, costs less than ``margin`` more: wrong facts are worse than none."""
    p = params or SequenceParams()
    semantics: list[ClockAt] = [clock_at] if clock_at else ["end", "snap"]
    guesses = _guesses(rows, detections, semantics, p)
    n, m = len(rows), len(detections)
    fits = [_fit_once(n, m, g, p) for g in guesses]
    best = min(fits, key=lambda f: f.cost)
    fitting = len(best.pairs)
    if not best.pairs:
        return best
    taken = frozenset(best.pairs)
    others = [_fit_once(n, m, g, p, taken) for g in guesses]
    other = min(others, key=lambda f: f.cost)
    ambiguous = bool(other.pairs) and other.cost - best.cost < p.margin
    pairs = () if ambiguous else best.pairs
    return SequenceFit(pairs, best.clock_at, best.cost, ambiguous, fitting, best.signs)


def _guesses(
    rows: Sequence[Play],
    detections: Sequence[DetectedPlay],
    semantics: Sequence[ClockAt],
    p: SequenceParams,
) -> list[_Guess]:
    """Every clock semantics with every guess of the half signs and the camera's scale (one
    when no detection carries the camera's travel: the guesses would all cost alike)."""
    cues = row_cues(rows, p.cues)
    measured = any(d.travel is not None for d in detections)
    signs: list[HalfSigns] = [(1, 1), (1, -1), (-1, 1), (-1, -1)] if measured else [(1, 1)]
    scales = SCALES if measured else SCALES[:1]
    steps = {at: _steps(rows, detections, at, p) for at in semantics}
    return [
        _Guess(at, s, cue_costs(cues, detections, s, k, p.cues), steps[at])
        for at in semantics
        for s in signs
        for k in scales
    ]
