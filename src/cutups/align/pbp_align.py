"""Placing every listed play in the video, and accounting for every row.

Each listed play's clock (end-of-play for CFBD/ESPN) is looked up in the clock model read off the
scorebug: the video times at which that period's clock showed that value. A monotone dynamic
programme then pairs listed plays with detected plays in order, preferring pairs whose detected
end (or snap, for snap-time data) lies close to a predicted time, and allowing either side to be
skipped at a cost. Listed plays the detector missed but the clock places confidently get a clip
from the clock alone (the clock starts at the snap when it was stopped, and stops or passes the
listed value at the end). Detected plays no row accounts for are kept only where the game says a
play is due (an extra point folded into a touchdown row) or the detection is strong.

Pure functions only: rows, detections and a clock model in; placements out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from cutups.align.gaps import extend_long_plays, folded_try, pair_by_order
from cutups.align.placement import Placement, Status
from cutups.align.sequence import SequenceFit, pair_by_sequence
from cutups.align.tries import try_comes_first, try_first_in_sequence
from cutups.analysis.clock_model import ClockModel
from cutups.analysis.periods import advance_periods, periods_past_resets
from cutups.analysis.plays import DetectedPlay
from cutups.errors import WrongGameError
from cutups.pbp.model import ClockAt, Play, PlayKind

__all__ = ["AlignParams", "Alignment", "Placement", "align_plays", "relabel_periods"]

_MIN_EXPECTED = 6
"""Fewer rows than this inside the recording is too little evidence to call it another game."""


@dataclass(frozen=True, slots=True)
class AlignParams:
    """Tolerances of the aligner, in seconds of video."""

    max_offset: float = 9.0
    """Largest gap between a predicted and a detected time that may still pair them: listed
    clocks can be a few seconds off and a stopped clock shows its value for a long time."""
    skip_row: float = 6.0
    """Cost of leaving a listed play unmatched (in units of seconds of offset)."""
    skip_detection: float = 4.0
    """Cost of leaving a detection unexplained by any row."""
    keep_unlisted_score: float = 70.0
    """An unexplained detection is kept (``listed: false``) only from this score up, or when
    it directly follows a scoring row (an extra point or 2-point try folded into it)."""
    clock_only_play: float = 6.0
    """Assumed snap-to-end length of a play placed by the clock alone, when the clock was
    running before it (so its start is not visible on the clock)."""
    wrong_game_share: float = 0.5
    """Below this share of clock-placed rows lining up with a detection within
    ``tight_offset``, the play-by-play is another game's."""
    tight_offset: float = 3.5


@dataclass(frozen=True, slots=True)
class Alignment:
    """Every row's placement, plus detections no row explains."""

    placements: tuple[Placement, ...]
    unlisted: tuple[int, ...]
    """Detections kept as plays the feed does not list."""
    dropped: tuple[int, ...]
    """Detections discarded as not being plays."""
    start_period: int | None
    clock_at: ClockAt | None = None
    """The clock semantics the alignment used."""
    tries: tuple[int, ...] = ()
    """Those of ``unlisted`` that are a try the data folded into a touchdown row."""
    clockless: bool = False
    """No clock was read: rows were paired by their order and clock gaps alone."""
    unsure: tuple[int, ...] = ()
    """Those of ``unlisted`` that likely are a listed play, but whose row the clock-less
    pairing could not tell for sure (kept as clips with no row rather than a wrong one)."""


def relabel_periods(model: ClockModel, start_period: int) -> ClockModel:
    """Number unlabelled spans from ``start_period``, advancing at each clock reset."""
    periods = advance_periods(
        ((s.period, s.clock_start, s.clock_end) for s in model.spans), start_period
    )
    return ClockModel(
        tuple(replace(s, period=p) for s, p in zip(model.spans, periods, strict=True))
    )


def _periods_checked(model: ClockModel) -> ClockModel:
    """``model`` with period labels that a clock reset contradicts moved on (see
    :func:`~cutups.analysis.periods.periods_past_resets`)."""
    periods = periods_past_resets((s.period, s.clock_start, s.clock_end) for s in model.spans)
    return ClockModel(
        tuple(replace(s, period=p) for s, p in zip(model.spans, periods, strict=True))
    )


Window = tuple[float, float]
"""A predicted stretch of video for a play's anchor; a point when both ends are equal."""


def _predictions(
    row: Play, untimed: bool, model: ClockModel, duration: float, clock_at: ClockAt = "end"
) -> list[Window]:
    """Where the row's anchor (its end for end-of-play clocks, its snap for snap clocks) should
    be in the video.

    End-of-play: a row listing the same clock as the play before it took no time off the
    clock (an extra point, a touchback kickoff): it happened while the clock stood at that
    value, anywhere in that stretch. Snap clocks: the snap is where a running clock passed the
    value or a stopped one restarted from it, or anywhere a clock held it (untimed plays).
    """
    if row.clock is None or row.overtime:
        return []
    if clock_at == "snap":
        points = [(t, t) for t in model.reached(row.period, row.clock) if 0.0 <= t <= duration]
        held = [
            (max(0.0, a), min(duration, b))
            for a, b in model.held(row.period, row.clock)
            if a <= duration
        ]
        return points + held
    if untimed:
        held = model.held(row.period, row.clock)
        if held:
            return [(max(0.0, a), min(duration, b)) for a, b in held if a <= duration]
    return [(t, t) for t in model.reached(row.period, row.clock) if 0.0 <= t <= duration]


def _offset(anchor: float, windows: list[Window]) -> float:
    return min(
        0.0 if a <= anchor <= b else min(abs(anchor - a), abs(anchor - b)) for a, b in windows
    )


def _anchor(d: DetectedPlay, clock_at: ClockAt) -> float:
    return d.end if clock_at == "end" else d.snap


def _pair_cost(
    preds: list[Window], d: DetectedPlay, clock_at: ClockAt, p: AlignParams, order_only: bool
) -> float:
    if not preds:
        # Overtime rows (no clock) and videos with no readable clock: order alone decides, at a
        # neutral price. A row whose clock the video never showed cannot be paired.
        return p.skip_row * 0.5 if order_only else float("inf")
    offset = _offset(_anchor(d, clock_at), preds)
    return offset if offset <= p.max_offset else float("inf")


def _dp(
    rows: list[Play],
    preds: list[list[Window]],
    detections: Sequence[DetectedPlay],
    clock_at: ClockAt,
    p: AlignParams,
    order_only: list[bool],
) -> list[tuple[int, int]]:
    """Monotone pairing of rows with detections minimising offsets plus skip costs."""
    n, m = len(rows), len(detections)
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    skip_d = [p.skip_detection * min(1.0, detections[j].score / 100 + 0.25) for j in range(m)]
    for i in range(n + 1):
        for j in range(m + 1):
            here = cost[i][j]
            if here == inf:
                continue
            if i < n and here + p.skip_row < cost[i + 1][j]:
                cost[i + 1][j], back[i + 1][j] = here + p.skip_row, (i, j)
            if j < m and here + skip_d[j] < cost[i][j + 1]:
                cost[i][j + 1], back[i][j + 1] = here + skip_d[j], (i, j)
            if i < n and j < m:
                c = _pair_cost(preds[i], detections[j], clock_at, p, order_only[i])
                if here + c < cost[i + 1][j + 1]:
                    cost[i + 1][j + 1], back[i + 1][j + 1] = here + c, (i, j)
    pairs: list[tuple[int, int]] = []
    i, j = n, m
    while (i, j) != (0, 0):
        prev = back[i][j]
        assert prev is not None
        if prev == (i - 1, j - 1):
            pairs.append((i - 1, j - 1))
        i, j = prev
    return pairs[::-1]


def _clock_only(
    row: Play, preds: list[Window], model: ClockModel, clock_at: ClockAt, p: AlignParams
) -> tuple[float, float] | None:
    """(snap, end) of a play from the clock alone, where the clock pins it down to a moment."""
    if len(preds) != 1 or preds[0][0] != preds[0][1]:
        return None
    t = preds[0][0]
    if clock_at == "snap":
        return None  # a clock seen at a value says nothing of whether a snap followed
    span = next((s for s in model.spans if s.running and s.start - 0.2 <= t <= s.end + 0.2), None)
    if span is None or t - span.start < 2.0:
        return None  # the clock was not seen running into the listed value: no play timed
    snap = max(0.0, t - p.clock_only_play)
    if t - span.start <= 15.0:
        before = [s for s in model.spans if s.end <= span.start + 0.2 and s is not span]
        if before and not before[-1].running:
            snap = span.start  # the clock started at the snap
    # A play listed at 0:00 outlasted the period (or, on a clock shown without tenths, was
    # snapped in its last second): the ball stays live after the clock ran out.
    return snap, t + (p.clock_only_play if row.clock == 0 else 0.0)


def align_plays(
    rows: Sequence[Play],
    detections: Sequence[DetectedPlay],
    clock: ClockModel,
    *,
    duration: float,
    clock_at: ClockAt | Literal["auto"] = "auto",
    params: AlignParams | None = None,
) -> Alignment:
    """Place every row of a game's play-by-play in a video.

    Arguments:
        clock_at: whether listed clocks are end-of-play or snap times; ``"auto"`` tries both
            and keeps whichever lines up with the video's clock better (feeds disagree: CFBD
            lists end-of-play clocks, some ESPN exports start-of-play ones).

    Raises:
        WrongGameError: the rows' clocks do not line up with this video's clock at all.
    """
    p = params or AlignParams()
    if not clock.spans:
        return _without_clock(rows, detections, p, duration)
    clock = _periods_checked(clock)
    unlabelled = any(s.period is None for s in clock.spans)
    starts = sorted({r.period for r in rows if r.period <= 4}) if unlabelled else [None]
    semantics: list[ClockAt] = ["end", "snap"] if clock_at == "auto" else [clock_at]
    ranked: list[tuple[tuple[int, float], float, Alignment]] = []
    for start in starts or [None]:
        model = relabel_periods(clock, start) if start is not None else clock
        for at in semantics:
            alignment, share, tight, offsets = _align_once(
                rows, detections, model, duration, at, p, start
            )
            # Most rows placed tightly wins; a share would favour a reading that simply finds
            # fewer rows predictable.
            ranked.append(((tight, -offsets), share, alignment))
    _, share, alignment = max(ranked, key=lambda r: r[0])
    if len(detections) >= 3 and share < p.wrong_game_share:
        raise WrongGameError(
            f"the play-by-play does not match this video: only {share:.0%} of its plays line up "
            "with the scorebug clock (is it another game's?)"
        )
    return alignment


def _without_clock(
    rows: Sequence[Play], detections: Sequence[DetectedPlay], p: AlignParams, duration: float
) -> Alignment:
    """No clock could be read: rows are paired with detections by their order and the gaps
    their listed clocks allow (:func:`~cutups.align.sequence.pair_by_sequence`)."""
    plays = [r for r in rows if r.kind is not PlayKind.NOT_A_PLAY]
    fit = pair_by_sequence(rows, detections, duration=duration)  # every row: timeouts...
    pairs = try_first_in_sequence(plays, dict(fit.pairs), len(detections))
    paired = set(pairs.values())
    unsure = {row: d for row, d in fit.unsure if d not in paired}
    if len(detections) >= _MIN_EXPECTED and fit.fitting < p.wrong_game_share * len(detections):
        raise WrongGameError(
            f"the play-by-play does not match this video: only {fit.fitting} of "
            f"{len(detections)} detected plays fit its order and clock gaps (is it another "
            "game's?)"
        )
    placements: dict[str, Placement] = {}
    for i, row in enumerate(plays):
        if i in pairs:
            d = detections[pairs[i]]
            placements[row.row_id] = Placement(row, "matched", d.snap, d.end, pairs[i], "sequence")
        else:
            why = _why_unpaired(fit, i, unsure, detections)
            placements[row.row_id] = Placement(row, "unmatched", reason=why)
    for row in rows:
        if row.kind is PlayKind.NOT_A_PLAY:
            placements[row.row_id] = Placement(row, "not_a_play")
    taken = set(pairs.values())
    ordered = extend_long_plays([placements[r.row_id] for r in rows], detections, taken)
    doubtful = set(unsure.values())
    unlisted: list[int] = list(range(len(detections)))
    dropped: list[int] = []
    tries: list[int] = []
    if not fit.ambiguous:  # else nothing paired, nothing known of any detection: all clips
        # A detection whose row is in doubt is a play all the same: a clip without a row,
        # never a try nor dropped.
        unlisted, dropped, tries = _unexplained(detections, taken | doubtful, ordered, p)
        unlisted = sorted([*unlisted, *doubtful])
    return Alignment(
        tuple(ordered),
        tuple(unlisted),
        tuple(dropped),
        None,
        fit.clock_at,
        tuple(tries),
        clockless=True,
        unsure=tuple(sorted(doubtful)),
    )


def _why_unpaired(
    fit: SequenceFit, i: int, unsure: dict[int, int], detections: Sequence[DetectedPlay]
) -> str:
    """Why the clock-less pairing left play row ``i`` without a detection."""
    if fit.ambiguous:
        return "no readable clock, and the plays' order and gaps fit several stretches of the game"
    if i in unsure:
        return (
            f"no readable clock; likely the play detected at {detections[unsure[i]].snap:.1f} s, "
            "but another pairing of that stretch fits almost as well: left without a row"
        )
    return "no readable clock, and no detected play fits its order"


def _align_once(
    rows: Sequence[Play],
    detections: Sequence[DetectedPlay],
    model: ClockModel,
    duration: float,
    clock_at: ClockAt,
    p: AlignParams,
    start: int | None,
) -> tuple[Alignment, float, int, float]:
    plays = [r for r in rows if r.kind is not PlayKind.NOT_A_PLAY]
    untimed = _untimed(plays)
    preds = [_predictions(r, untimed[i], model, duration, clock_at) for i, r in enumerate(plays)]
    no_clock = not model.spans
    order_only = [no_clock or r.overtime or r.clock is None for r in plays]
    paired = dict(_dp(plays, preds, detections, clock_at, p, order_only))
    pairs = try_comes_first(plays, paired, len(detections), clock_at)
    scene = _Scene(
        detections, model, clock_at, p, set(model.periods()), set(pairs.values()), duration
    )
    # Rows the video should contain if this is the right game: their period is on screen and
    # their clock inside the range it shows. The wrong-game test measures against these.
    expected = {i for i, row in enumerate(plays) if _inside_recording(row, model)}
    fit = _fit(pairs, preds, expected, scene)
    placements: dict[str, Placement] = {}
    for i, row in enumerate(plays):
        if i in pairs:
            d = detections[pairs[i]]
            placements[row.row_id] = Placement(row, "matched", d.snap, d.end, pairs[i], "detected")
        else:
            placements[row.row_id] = _unpaired(row, preds[i], scene)
    for row in rows:
        if row.kind is PlayKind.NOT_A_PLAY:
            placements[row.row_id] = Placement(row, "not_a_play")
    taken = set(scene.matched)
    ordered = pair_by_order([placements[r.row_id] for r in rows], detections, taken)
    ordered = extend_long_plays(ordered, detections, taken)
    unlisted, dropped, tries = _unexplained(detections, taken, ordered, p)
    share = fit.tight_expected / len(expected) if len(expected) >= _MIN_EXPECTED else 1.0
    alignment = Alignment(
        tuple(ordered), tuple(unlisted), tuple(dropped), start, clock_at, tuple(tries)
    )
    return alignment, share, fit.tight, fit.total_offset


def _untimed(plays: Sequence[Play]) -> list[bool]:
    """Per play: it lists the same clock as the play before it (it took no time off)."""
    return [
        i > 0
        and r.clock is not None
        and plays[i - 1].clock is not None
        and r.period == plays[i - 1].period
        and abs(r.clock - (plays[i - 1].clock or 0)) < 0.5
        for i, r in enumerate(plays)
    ]


@dataclass(frozen=True, slots=True)
class _Scene:
    """What one alignment pass (one period labelling, one clock semantics) places rows in."""

    detections: Sequence[DetectedPlay]
    model: ClockModel
    clock_at: ClockAt
    params: AlignParams
    seen_periods: set[int]
    """Periods the clock model shows."""
    matched: set[int]
    """Detections the pairing gave a row."""
    duration: float
    """Seconds of video."""


@dataclass(frozen=True, slots=True)
class _Fit:
    """How well one pass's pairs agree with the clock's predictions."""

    tight: int
    """Paired rows whose detection lies within ``tight_offset`` of a predicted time."""
    tight_expected: int
    """Those of them the video should contain (the wrong-game test's numerator)."""
    total_offset: float
    """Sum of the paired rows' offsets from their predictions."""


def _fit(
    pairs: dict[int, int], preds: list[list[Window]], expected: set[int], scene: _Scene
) -> _Fit:
    tight = tight_expected = 0
    total_offset = 0.0
    for i in sorted(pairs):
        if preds[i]:
            d = scene.detections[pairs[i]]
            offset = _offset(_anchor(d, scene.clock_at), preds[i])
            tight += offset <= scene.params.tight_offset
            tight_expected += offset <= scene.params.tight_offset and i in expected
            total_offset += offset
    return _Fit(tight, tight_expected, total_offset)


def _unpaired(row: Play, preds: list[Window], scene: _Scene) -> Placement:
    """What became of a row the pairing left without a detection."""
    placed = _clock_only(row, preds, scene.model, scene.clock_at, scene.params)
    taken = _taken(placed, scene.detections, scene.matched) if placed is not None else None
    if taken is not None:
        # A try listed at the touchdown's clock is pinned by the clock to the touchdown
        # itself: placed there it would replace the touchdown's clip with its own label.
        return Placement(
            row,
            "unmatched",
            reason=f"the clock points at the play detected at {taken:.1f} s, "
            "already matched to another row",
        )
    if placed is not None:
        return Placement(
            row,
            "matched",
            placed[0],
            placed[1],
            None,
            "clock",
            "no play detected there; placed by the clock",
        )
    if row.period not in scene.seen_periods and not row.overtime:
        return Placement(
            row, "outside_recording", reason=f"period {row.period} is not in the video"
        )
    if row.clock is not None and not row.overtime and not preds:
        inside = _inside_recording(row, scene.model) or _in_unread_stretch(
            row, scene.model, scene.duration
        )
        status: Status = "unmatched" if inside else "outside_recording"
        why = (
            "the clock never showed " + row.clock_display
            if inside
            else f"{row.clock_display} of period {row.period} is not in the video"
        )
        return Placement(row, status, reason=why)
    return Placement(row, "unmatched", reason=_unmatched_reason(row, preds))


def _taken(
    window: tuple[float, float], detections: Sequence[DetectedPlay], matched: set[int]
) -> float | None:
    """The snap of a matched detection overlapping ``window``, if any."""
    start, end = window
    return next(
        (
            detections[j].snap
            for j in sorted(matched)
            if detections[j].snap < end and start < detections[j].end
        ),
        None,
    )


def _inside_recording(row: Play, model: ClockModel) -> bool:
    """Whether the clock value of ``row`` falls between values the video shows in its period."""
    spans = [s for s in model.spans if s.period == row.period]
    if not spans or row.clock is None:
        return False
    highest = max(s.clock_start for s in spans)
    lowest = min(s.clock_end for s in spans)
    return lowest - 1 <= row.clock <= highest + 1


_UNREAD_STRETCH = 30.0
"""Seconds of video with no clock read, between a period's last clock seen and the next
period's first (or the video's end), that can hold that period's later plays."""


def _in_unread_stretch(row: Play, model: ClockModel, duration: float) -> bool:
    """Whether ``row`` may lie where the clock was not read: listed lower than its period was
    last seen, with a long stretch of unread clock after that; or higher than the period was
    first seen, with one before. The grey turf look's last minute of a quarter was misread
    throughout and dropped: its rows were called outside the recording and their clips given
    no row, though the order pairing could place them."""
    spans = [s for s in model.spans if s.period == row.period]
    if not spans or row.clock is None:
        return False
    first, last = spans[0], spans[-1]
    later = [s.start for s in model.spans if s.start >= last.end and s.period != row.period]
    earlier = [s.end for s in model.spans if s.end <= first.start and s.period != row.period]
    after = (min(later) if later else duration) - last.end
    before = first.start - (max(earlier) if earlier else 0.0)
    low = row.clock < last.clock_end and after >= _UNREAD_STRETCH
    high = row.clock > first.clock_start and before >= _UNREAD_STRETCH
    return low or high


def _unmatched_reason(row: Play, preds: list[Window]) -> str:
    if row.overtime:
        return "overtime play not found between its neighbours"
    if not preds:
        return "clock not readable"
    where = ", ".join(f"{a:.1f} s" if a == b else f"{a:.1f}-{b:.1f} s" for a, b in preds[:3])
    return f"no play detected near {row.clock_display} (expected around {where})"


def _try_slots(placements: Sequence[Placement]) -> list[tuple[float, float]]:
    """Stretches of video from a touchdown's end to the next matched play, for each
    touchdown after which the data says a try followed unlisted (:func:`folded_try`)."""
    placed = sorted(
        (pl for pl in placements if pl.status == "matched" and pl.snap is not None),
        key=lambda pl: pl.snap or 0.0,
    )
    slots: list[tuple[float, float]] = []
    for i, pl in enumerate(placements):
        if pl.status != "matched" or pl.end is None or not folded_try(placements, i):
            continue
        nxt = next((q.snap for q in placed if (q.snap or 0.0) > pl.end), None)
        slots.append((pl.end, nxt if nxt is not None else float("inf")))
    return slots


def _unexplained(
    detections: Sequence[DetectedPlay],
    matched: set[int],
    placements: Sequence[Placement],
    p: AlignParams,
) -> tuple[list[int], list[int], list[int]]:
    """Split unmatched detections into unlisted plays (kept), non-plays (dropped), and the
    tries among the unlisted.

    Feeds often fold the try (extra point or 2-point) into the touchdown row: where the data
    says so (:func:`folded_try`), the first unexplained detection between the touchdown and
    the next matched play is that try, kept whatever its score. Any other detection is kept
    when it is strong, but as a play the feed does not list, with no facts: never as a try
    (a listed run, its row left unmatched, was once clipped as an "Extra Point").
    """
    placed = [pl for pl in placements if pl.status == "matched" and pl.snap is not None]
    slots = _try_slots(placements)
    keep: list[int] = []
    drop: list[int] = []
    tries: list[int] = []
    used: set[int] = set()
    for j, d in enumerate(detections):
        if j in matched:
            continue
        claimed = any((pl.snap or 0.0) - 1 <= d.snap <= (pl.end or 0.0) for pl in placed)
        slot = next((k for k, (a, b) in enumerate(slots) if a < d.snap < b), None)
        if not claimed and slot is not None and slot not in used:
            used.add(slot)
            keep.append(j)
            tries.append(j)
        elif not claimed and d.score >= p.keep_unlisted_score:
            keep.append(j)
        else:
            drop.append(j)
    return keep, drop, tries
