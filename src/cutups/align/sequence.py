"""Pairing rows with detected plays when no game clock could be read.

Without the scorebug's clock a row cannot be looked up in the video, but the rows' own clocks
still say a lot about the gaps between them: a game clock never runs faster than the video, so
two plays of one period whose listed clocks are ``dc`` seconds apart are at least ``dc`` seconds
apart in the video (less the feed's own error). A detection the pairing would take for the next
row, but which comes too soon after the last one (a replay, a false start, a detection split in
two), breaks that bound. The rules of the clock say more (:mod:`cutups.align.interludes`): after
an incompletion, a kick, a score, a penalty or a change of possession the clock stands until
the next snap, so a gap showing it ran on costs; a listed timeout needs it stopped a while; a
gap much longer than the clock allows needs a reason (a score, a turnover, a kick, a timeout:
a commercial break); a kickoff after a score comes after the try and a break. Rows with no play
explain detections no row lists: a false start listed as a penalty, like a try folded into a
touchdown row, is an expected extra detection.

A monotone dynamic programme over (row, detection) pairs, with jumps of a few rows or
detections at a time, finds the pairing of least cost: a pair earns, a missed row and an
unexplained detection cost. Rows before the first pair and after the last are outside the
recording only as far as the clock lets them lie beyond its edges; else they are missed plays.

Order and gaps alone often fit several stretches of a game (plays a running clock apart look
alike). What the camera shows of each play joins them (:mod:`cutups.align.cues`): which way
the ball went (the offense's way flips at every change of possession and every quarter),
whether it flew far (kicks, long gains) or hardly moved, and whether it lasted. Each pair of a
row and a detection pays for what disagrees, under each guess of which end the camera shows
each half's first offense attacking and of the camera's scale. Both clock semantics are tried
(CFBD lists end-of-play clocks, some ESPN exports the snap's) and the better kept.

Wrong facts are worse than none, so the pairing checks itself twice: as a whole (another
pairing sharing none of its pairs must cost clearly more, else the video's place in the game
is unknown and nothing is paired), and pair by pair (from a forward and a backward pass, the
best pairing that gives a pair's row another detection or its detection another row must cost
clearly more, else that pair is left ``unsure``: a stretch between two sure events where a
missed play or a false start could sit in more than one place). Each pair says it was placed
``via="sequence"``.

Pure functions: rows and detections in, pairs out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np
from numpy.typing import NDArray

from cutups.align.cues import SCALES, CueParams, HalfSigns, cue_costs, row_cues
from cutups.align.gaps import folded_tries
from cutups.align.interludes import (
    Interlude,
    allows_break,
    first_down,
    interludes,
    kickoff_after_score,
    stops_clock,
)
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
    skip_row: float = 5.0
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
    no_stop: float = 6.0
    """Cost of a gap showing the clock ran on (within ``jitter``) where the rules stop it: after
    an incompletion, a kick, a score, a change of possession, a penalty."""
    stop: float = 0.5
    """Cost of a gap showing the clock stopped (the clock-ran-through reading costs 0)."""
    long_gap: float = 60.0
    """Each this many seconds past the allowance costs one unit (a break with no reason)."""
    break_gap: float = 600.0
    """The same with a reason for a break (score, turnover, kick, timeout, new period)."""
    score_break: float = 60.0
    """A kickoff after a score comes at least this long (s) after it: the try, then a break."""
    no_break: float = 12.0
    """Cost of a kickoff sooner than that after a score."""
    timeout_stop: float = 20.0
    """A listed timeout stops the clock at least this long (s) between the plays around it."""
    no_timeout: float = 8.0
    """Cost of a gap too short for a timeout listed in it."""
    max_jump: int = 4
    """At most this many rows or detections skipped between two consecutive pairs."""
    margin: float = 4.0
    """The chosen pairing must cost this much less than the best pairing sharing none of its
    pairs; otherwise the order and gaps do not tell where in the game the video lies (a few
    plays fit many stretches of a game) and nothing is paired."""
    pair_margin: float = 4.0
    """Each pair must cost this much less than the best pairing that gives its row another
    detection or its detection another row (under any guess); otherwise that pair is left
    out: the rest of the pairing is sure, that stretch is not."""
    cues: CueParams = field(default_factory=CueParams)
    """What the camera's travel during each play costs when it disagrees with the row."""


@dataclass(frozen=True, slots=True)
class SequenceFit:
    """The pairing chosen: (row index, detection index) pairs in order, and its semantics.

    Row indices count the plays among the rows given (rows with no play left out)."""

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
    unsure: tuple[tuple[int, int], ...] = ()
    """Pairs of the best pairing left out of ``pairs``: a pairing giving the row another
    detection, or the detection another row, costs less than ``pair_margin`` more."""


def _anchor(d: DetectedPlay, clock_at: ClockAt) -> float:
    return d.end if clock_at == "end" else d.snap


def transition_costs(
    a: Play,
    b: Play,
    rows_between: Sequence[Play],
    gaps: FloatArray,
    p: SequenceParams,
    period_starts: Mapping[int, float] | None = None,
    gap_news: Interlude | None = None,
) -> FloatArray:
    """Cost of row ``a`` then row ``b`` (``rows_between`` skipped) lying ``gaps`` seconds of
    video apart (any shape); infinite where the clock ran further than the video did.
    ``gap_news``: what the rows list between the two with no play (a timeout, a penalty):
    the clock stood for a while, the longer for a timeout.

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
    news = gap_news or Interlude()
    breaks = news.timeout or any(allows_break(r) for r in (a, *rows_between))
    per = p.break_gap if breaks else p.long_gap
    # A first down stops a college clock for a moment (the chains move): any short stop.
    odd = 0.0 if first_down(a) else p.odd_stop
    cost = np.where(stopped < p.min_stop, odd, p.stop + beyond / per)
    chain = (a, *rows_between, b)
    must_stop = news.timeout or news.dead_balls > 0
    must_stop = must_stop or any(stops_clock(x, y) for x, y in pairwise(chain))
    cost = np.where(stopped <= p.jitter, p.no_stop if must_stop else 0.0, cost)
    if news.timeout:
        cost = cost + np.where(stopped < p.timeout_stop, p.no_timeout, 0.0)
    if kickoff_after_score(a, b):
        cost = cost + np.where(gaps < p.score_break, p.no_break, 0.0)
    return np.where((stopped < -p.jitter) | (gaps <= 0), inf, cost)


def transition_cost(
    a: Play,
    b: Play,
    rows_between: Sequence[Play],
    gap: float,
    p: SequenceParams,
    period_starts: Mapping[int, float] | None = None,
    gap_news: Interlude | None = None,
) -> float:
    """:func:`transition_costs` of one gap."""
    gaps = np.array([gap])
    return float(transition_costs(a, b, rows_between, gaps, p, period_starts, gap_news)[0])


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
    edges: tuple[FloatArray, FloatArray]
    """Per pair, what a pairing starting with it and one ending with it pay for what lies
    before and after (see :func:`_edges`)."""


def _steps(
    rows: Sequence[Play],
    after: Sequence[Interlude],
    detections: Sequence[DetectedPlay],
    clock_at: ClockAt,
    p: SequenceParams,
) -> _Steps:
    """The costs of every step between two pairs, the same for every guess of the cues."""
    n, m = len(rows), len(detections)
    anchors = np.array([_anchor(d, clock_at) for d in detections])
    tries = folded_tries(rows)
    starts = _period_starts(rows)
    out: _Steps = []
    for i in range(n):
        into: list[tuple[int, int, FloatArray]] = []
        for pi in range(max(0, i - p.max_jump - 1), i):
            news = Interlude(
                any(x.timeout for x in after[pi:i]), sum(x.dead_balls for x in after[pi:i])
            )
            # Expected detections no row lists: a try folded into a touchdown row, a false
            # start the rows list as a penalty with no play.
            expected = news.dead_balls + sum(tries[pi:i])
            for dj in range(1, min(m, p.max_jump + 2)):
                gaps = anchors[dj:] - anchors[:-dj]
                between = rows[pi + 1 : i]
                step = transition_costs(rows[pi], rows[i], between, gaps, p, starts, news)
                unlisted = max(0, dj - 1 - expected)
                skips = (i - pi - 1) * p.skip_row + unlisted * p.skip_detection
                if np.isfinite(step).any():
                    into.append((pi, dj, step + skips))
        out.append(into)
    return out


_OUTSIDE = np.arange(0.0, 900.0, 5.0)
"""Gaps (s) past the recording's edge tried for a row left outside it."""


def _edges(
    rows: Sequence[Play],
    after: Sequence[Interlude],
    detections: Sequence[DetectedPlay],
    clock_at: ClockAt,
    p: SequenceParams,
    duration: float | None,
) -> tuple[FloatArray, FloatArray]:
    """Per (row, detection): what a pairing starting with that pair pays for what lies
    before it, and one ending with it for what lies after.

    The detections before a first pair are unexplained, but for those the rows expect after
    the row before it (a folded try, a false start). That row is either missed (``skip_row``)
    or outside the recording: its play lies at least the detection's time before it, a gap
    the clock must allow (a row listed a running clock's seconds before the first detection
    cannot hide before the recording). The same after a last pair, when the recording's
    ``duration`` is known."""
    n, m = len(rows), len(detections)
    anchors = np.array([_anchor(d, clock_at) for d in detections])
    tries = np.array(folded_tries(rows), dtype=np.float64)
    expected = (tries + np.array([x.dead_balls for x in after]))[:, None]
    count = np.arange(m, dtype=np.float64)[None, :]
    before = np.roll(expected, 1, axis=0)
    before[0] = 0.0
    lead = p.skip_detection * np.maximum(0.0, count - before)
    trail = p.skip_detection * np.maximum(0.0, count[:, ::-1] - expected)
    starts = _period_starts(rows)
    for i in range(n - 1):
        a, b, news = rows[i], rows[i + 1], after[i]
        gaps = anchors[:, None] + _OUTSIDE
        before = transition_costs(a, b, [], gaps, p, starts, news)
        lead[i + 1] += np.minimum(p.skip_row, before.min(axis=1))
        if duration is not None:
            gaps = np.maximum(duration - anchors, 0.0)[:, None] + _OUTSIDE
            beyond = transition_costs(a, b, [], gaps, p, starts, news)
            trail[i] += np.minimum(p.skip_row, beyond.min(axis=1))
    return lead, trail


def _forward(guess: _Guess, p: SequenceParams, forbidden: frozenset[tuple[int, int]]) -> _Table:
    """Least cost of a pairing up to each pair (i, j) ending in it, with back pointers."""
    here = guess.pair_costs - p.reward
    n, m = here.shape
    for fi, fj in forbidden:
        here[fi, fj] = np.inf
    best = here + guess.edges[0]
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
    return _Table(here, best, back)


def _backward(guess: _Guess, table: _Table, p: SequenceParams) -> FloatArray:
    """Least cost of a pairing from each pair (i, j) on, starting with it."""
    here = table.here
    rest = here + guess.edges[1]
    n = here.shape[0]
    for i in range(n - 1, -1, -1):
        for pi, dj, step in guess.steps[i]:
            np.minimum(rest[pi, :-dj], here[pi, :-dj] + step + rest[i, dj:], out=rest[pi, :-dj])
    return rest


@dataclass(frozen=True, slots=True)
class _Table:
    here: FloatArray
    """Cost of each pair on its own (its cues, less the reward)."""
    best: FloatArray
    """Least cost of a pairing ending in each pair (from :func:`_forward`)."""
    back: NDArray[np.int64]


def _fit_once(
    guess: _Guess, p: SequenceParams, forbidden: frozenset[tuple[int, int]] = frozenset()
) -> tuple[SequenceFit, _Table]:
    n, m = guess.pair_costs.shape
    table = _forward(guess, p, forbidden)
    if not n or not m:
        return SequenceFit((), guess.clock_at, 0.0, signs=guess.signs), table
    total = table.best + guess.edges[1]
    end = np.unravel_index(int(np.argmin(total)), total.shape)
    pairs: list[tuple[int, int]] = []
    cell = (int(end[0]), int(end[1]))
    while cell[0] >= 0:
        pairs.append(cell)
        cell = (int(table.back[cell][0]), int(table.back[cell][1]))
    fit = SequenceFit(tuple(reversed(pairs)), guess.clock_at, float(total[end]), signs=guess.signs)
    return fit, table


def _period_starts(rows: Sequence[Play]) -> dict[int, float]:
    """Per period, the highest clock a row lists in it: the period is at least that long."""
    starts: dict[int, float] = {}
    for r in rows:
        if r.clock is not None and not r.overtime:
            starts[r.period] = max(starts.get(r.period, 0.0), r.clock)
    return starts


def pair_by_sequence(
    rows: Sequence[Play],
    detections: Sequence[DetectedPlay],
    clock_at: ClockAt | None = None,
    params: SequenceParams | None = None,
    *,
    duration: float | None = None,
) -> SequenceFit:
    """Pair ``rows`` (in game order; rows with no play tell of the gaps: timeouts, penalties
    with no play) with ``detections`` (in video order) by their order, the listed clocks' gaps
    and what the camera shows of each play; ``clock_at`` None tries both semantics;
    ``duration``: the recording's length (rows after its end cost nothing only where the
    clock lets them lie after it).

    The pairing is refused (``ambiguous``) when another one sharing none of its pairs, under
    any of the guesses, costs less than ``margin`` more: wrong facts are worse than none. A
    pair is left out (``unsure``) when a pairing that moves its row or its detection costs
    less than ``pair_margin`` more."""
    p = params or SequenceParams()
    plays, after = interludes(rows)
    semantics: list[ClockAt] = [clock_at] if clock_at else ["end", "snap"]
    if not plays or not detections:
        return SequenceFit((), semantics[0], 0.0)
    guesses = _guesses(plays, after, detections, semantics, p, duration)
    fitted = [_fit_once(g, p) for g in guesses]
    k = min(range(len(fitted)), key=lambda g: fitted[g][0].cost)
    best = fitted[k][0]
    fitting = len(best.pairs)
    if not best.pairs:
        return best
    taken = frozenset(best.pairs)
    other = min((_fit_once(g, p, taken)[0] for g in guesses), key=lambda f: f.cost)
    if other.pairs and other.cost - best.cost < p.margin:
        return SequenceFit((), best.clock_at, best.cost, True, fitting, best.signs)
    margins = _pair_margins(best.pairs, guesses, [t for _, t in fitted], p)
    sure = tuple(
        pair for pair, gap in zip(best.pairs, margins, strict=True) if gap >= p.pair_margin
    )
    unsure = tuple(pair for pair in best.pairs if pair not in sure)
    return SequenceFit(sure, best.clock_at, best.cost, False, fitting, best.signs, unsure)


def _pair_margins(
    pairs: Sequence[tuple[int, int]],
    guesses: Sequence[_Guess],
    tables: Sequence[_Table],
    p: SequenceParams,
) -> list[float]:
    """Per pair (i, j) of the best pairing: how much more the best pairing under any guess
    costs that pairs row i with another detection or detection j with another row."""
    through = []  # per guess: least cost of a whole pairing through each (i, j)
    for guess, table in zip(guesses, tables, strict=True):
        through.append(table.best + _backward(guess, table, p) - table.here)
    least = np.minimum.reduce(through)
    best = float(least.min())
    margins = []
    for i, j in pairs:
        row = np.delete(least[i, :], j)
        column = np.delete(least[:, j], i)
        rival = min(row.min(initial=np.inf), column.min(initial=np.inf))
        margins.append(float(rival - best))
    return margins


def _guesses(
    rows: Sequence[Play],
    after: Sequence[Interlude],
    detections: Sequence[DetectedPlay],
    semantics: Sequence[ClockAt],
    p: SequenceParams,
    duration: float | None = None,
) -> list[_Guess]:
    """Every clock semantics with every guess of the half signs and the camera's scale (one
    when no detection carries the camera's travel: the guesses would all cost alike)."""
    cues = row_cues(rows, p.cues)
    measured = any(d.travel is not None for d in detections)
    signs: list[HalfSigns] = [(1, 1), (1, -1), (-1, 1), (-1, -1)] if measured else [(1, 1)]
    scales = SCALES if measured else SCALES[:1]
    steps = {at: _steps(rows, after, detections, at, p) for at in semantics}
    edges = {at: _edges(rows, after, detections, at, p, duration) for at in semantics}
    return [
        _Guess(at, s, cue_costs(cues, detections, s, k, p.cues), steps[at], edges[at])
        for at in semantics
        for s in signs
        for k in scales
    ]
