"""Pairing rows with detections when no clock was read: order and the listed clocks' gaps."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from cutups.align.cues import CueParams, cue_costs, row_cues
from cutups.align.interludes import Interlude, interludes
from cutups.align.pbp_align import align_plays
from cutups.align.sequence import SequenceParams, pair_by_sequence, transition_cost
from cutups.analysis.clock_model import ClockModel
from cutups.analysis.plays import DetectedPlay
from cutups.errors import WrongGameError
from cutups.pbp.model import Play, PlayKind
from tests.align.test_pbp_align import det, row

NO_CLOCK = ClockModel(())

# Eight plays of one period, end-of-play clocks; the clock runs between most of them.
CLOCKS = [900, 880, 856, 830, 830, 801, 770, 744]
# Their true ends in the video: at least the clock's gap apart, plus stoppages.
ENDS = [10.0, 32.0, 58.0, 86.0, 131.0, 162.0, 195.0, 223.0]


def _rows() -> list:  # type: ignore[type-arg]
    return [row(i, c) for i, c in enumerate(CLOCKS)]


def _dets(ends: list[float]) -> list:  # type: ignore[type-arg]
    return [det(e - 5.0, e) for e in ends]


def test_every_row_pairs_with_its_own_play() -> None:
    fit = pair_by_sequence(_rows(), _dets(ENDS), "end")
    assert fit.pairs == tuple((i, i) for i in range(len(CLOCKS)))


def test_no_detections_pair_nothing() -> None:
    # A broadcast where nothing was detected (an unseen look, its bug off) once raised a
    # TypeError from the camera cues' empty boolean arrays.
    for clock_at in ("end", None):
        fit = pair_by_sequence(_rows(), [], clock_at)
        assert fit.pairs == () and not fit.ambiguous


def test_camera_cues_cost_nothing_for_no_detections() -> None:
    cues = row_cues(_rows(), CueParams())
    costs = cue_costs(cues, [], (1, -1), 10.0, CueParams())
    assert costs.shape == (len(cues), 0)


def test_a_false_detection_too_soon_after_a_play_is_left_out() -> None:
    # A replay detected 12 s after play 2 ends, while the clock ran 26 s to play 3's end:
    # taking it for play 3 would have the clock run faster than the video.
    ends = sorted([*ENDS, 70.0])
    fit = pair_by_sequence(_rows(), _dets(ends), "end")
    by_row = dict(fit.pairs)
    assert [ends[by_row[i]] for i in range(len(CLOCKS))] == ENDS


def _game(rows: int, seed: int) -> tuple[list[float], list[float]]:
    """Listed clocks and true video ends of ``rows`` plays of one period: the clock runs a
    random 5-40 s per play and stops after some plays (an incompletion) for 20-40 s more."""
    rng = np.random.default_rng(seed)
    clocks, ends = [900.0], [10.0]
    for _ in range(rows - 1):
        ran = float(rng.integers(5, 40))
        stopped = float(rng.integers(20, 40)) if rng.random() < 0.4 else 1.0
        clocks.append(clocks[-1] - ran)
        ends.append(ends[-1] + ran + stopped)
    return clocks, ends


@pytest.mark.parametrize("seed", range(5))
def test_a_recording_of_part_of_the_game_finds_its_rows(seed: int) -> None:
    # Twelve plays from the middle of a 24-play listing: the pattern of gaps where the clock
    # ran through and where it stopped says which stretch of the game they are.
    clocks, ends = _game(24, seed)
    rows = [row(i, c) for i, c in enumerate(clocks)]
    recorded = [e - ends[6] + 10.0 for e in ends[6:18]]  # the recording starts then
    fit = pair_by_sequence(rows, _dets(recorded), "end")
    assert not fit.ambiguous
    assert fit.pairs == tuple((6 + k, k) for k in range(12))


def test_a_quarter_change_takes_the_rest_of_the_clock() -> None:
    # The clock runs out the period (60 s left) and the next one's clock starts from its
    # highest listed value (900): at least 60 + (900 - 880) s of video between the two plays.
    p = SequenceParams()
    a, b = row(1, 60, period=1), row(2, 880, period=2)
    starts = {1: 900.0, 2: 900.0}
    assert transition_cost(a, b, [], 40.0, p, starts) == float("inf")
    assert transition_cost(a, b, [], 300.0, p, starts) == 0.0
    assert transition_cost(a, b, [], 40.0, p) == 0.0, "unknown without the period's start"


def test_the_clock_running_further_than_the_video_is_impossible() -> None:
    p = SequenceParams()
    a, b = row(1, 900), row(2, 850)
    assert transition_cost(a, b, [], 20.0, p) == float("inf")
    ran_through, odd, stopped, long_break = (
        transition_cost(a, b, [], gap, p) for gap in (50.0, 60.0, 80.0, 200.0)
    )
    assert ran_through == 0.0
    assert 0.0 < stopped < long_break
    assert odd > stopped, "a clock stopped for less than a huddle is unlikely"


def test_aligning_without_a_clock_pairs_rows_and_keeps_their_facts() -> None:
    ends = sorted([*ENDS, 70.0])
    a = align_plays(_rows(), _dets(ends), NO_CLOCK, duration=260.0)
    assert a.clockless
    matched = [p for p in a.placements if p.status == "matched"]
    assert len(matched) == len(CLOCKS)
    assert {p.via for p in matched} == {"sequence"}
    assert [p.end for p in matched] == ENDS


def test_another_games_rows_are_refused_without_a_clock() -> None:
    # Rows 5 minutes of clock apart against plays 30 s apart: hardly any pair fits.
    rows = [row(i, 900 - 300 * (i % 3), period=1 + i // 3) for i in range(9)]
    with pytest.raises(WrongGameError):
        align_plays(rows, _dets([30.0 * k + 10 for k in range(9)]), NO_CLOCK, duration=300.0)


def test_a_few_plays_that_fit_many_stretches_of_the_game_are_not_paired() -> None:
    # Three plays a running clock apart fit any three rows a running clock apart: where in the
    # game the video lies is unknown, so no row's facts are given to them.
    rows = [row(i, 900 - 30 * i) for i in range(12)]
    fit = pair_by_sequence(rows, _dets([10.0, 40.0, 70.0]), "end")
    assert fit.ambiguous and fit.pairs == ()
    a = align_plays(rows, _dets([10.0, 40.0, 70.0]), NO_CLOCK, duration=90.0)
    assert a.unlisted == (0, 1, 2)
    assert all(p.status == "unmatched" for p in a.placements)


# What the camera shows without a clock: the way each play went and how far (align/cues.py).
TEAMS = ("Michigan", "Texas")


def _drive_game(rows: int, seed: int) -> tuple[list[Play], list[float]]:
    """``rows`` plays of two periods in drives of 2-5 scrimmage plays and a punt, possession
    alternating; and the camera's travel (px) each play shows when the first team attacks
    the right end in the first quarter: short gains ~40 px its offense's way, punts ~220 px."""
    rng = np.random.default_rng(seed)
    plays: list[Play] = []
    travel: list[float] = []
    team, left = 0, int(rng.integers(2, 6))
    for i in range(rows):
        period = 1 if i < rows // 2 else 2
        way = (1 if team == 0 else -1) * (1 if period == 1 else -1)
        base = row(i, 900 - 25 * (i % (rows // 2)), period=period)
        if left:
            gained = int(rng.integers(1, 6))
            plays.append(replace(base, offense=TEAMS[team], yards_gained=gained))
            travel.append(way * (25.0 + 5 * gained + rng.normal(0, 5)))
            left -= 1
        else:
            kick = replace(base, offense=TEAMS[team], play_type="Punt", kind=PlayKind.KICK)
            plays.append(replace(kick, text="Punt for 42 yards", yards_gained=0))
            travel.append(way * (220.0 + rng.normal(0, 20)))
            team, left = 1 - team, int(rng.integers(2, 6))
    return plays, travel


def _seen(ends: list[float], travel: list[float]) -> list[DetectedPlay]:
    return [replace(d, travel=t) for d, t in zip(_dets(ends), travel, strict=True)]


def test_plays_a_running_clock_apart_fit_anywhere_without_the_camera() -> None:
    # Every play 30 s of video and 25 s of clock after the last: the gaps are the same all
    # through the game, so the order and gaps cannot say which stretch a recording holds.
    plays, _ = _drive_game(24, 0)
    ends = [10.0 + 30 * k for k in range(8)]
    fit = pair_by_sequence(plays[:12], _dets(ends), "end")
    assert fit.ambiguous and fit.pairs == ()


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("mirrored", [False, True])
def test_the_camera_following_each_play_finds_the_stretch(seed: int, mirrored: bool) -> None:
    # The same even gaps; the camera's turn says which way each play went (it flips at each
    # punt) and how far (a punt flies): the pattern of drives pins the stretch. ``mirrored``:
    # the camera shows the other end on the right; nothing says which, so either must do.
    plays, travel = _drive_game(24, seed)
    sign = -1.0 if mirrored else 1.0
    first, count = 3, 9
    ends = [10.0 + 30 * k for k in range(count)]
    seen = _seen(ends, [sign * t for t in travel[first : first + count]])
    fit = pair_by_sequence(plays[:12], seen, "end")
    assert not fit.ambiguous
    assert fit.pairs == tuple((first + k, k) for k in range(count))


def test_the_teams_changing_ends_at_the_quarter_is_expected() -> None:
    # A recording across the quarter change: the same offense goes the other way after it.
    # The first quarter's clock (at 625 after its last row) runs out and the second's starts
    # at 900 (its highest listed clock): the change takes 625 s of video at least.
    plays, travel = _drive_game(24, 1)
    first, count = 7, 10
    ends = [10.0 + 30 * k + (700.0 if first + k >= 12 else 0.0) for k in range(count)]
    fit = pair_by_sequence(plays, _seen(ends, travel[first : first + count]), "end")
    assert fit.pairs == tuple((first + k, k) for k in range(count))


def test_a_kickoff_right_after_a_score_is_unlikely() -> None:
    # Broadcasts go to a break between a score (and its try) and the kickoff.
    p = SequenceParams()
    td = row(1, 300, play_type="Rushing Touchdown")
    kickoff = row(2, 300, PlayKind.KICK, play_type="Kickoff")
    soon, later = (transition_cost(td, kickoff, [], gap, p) for gap in (25.0, 150.0))
    assert soon > later


def test_a_kickoff_soon_after_a_listed_try_is_expected() -> None:
    # The break may come between the touchdown and its try; the kickoff then follows the try
    # within half a minute (seed 29, split look: 33 s). Still, the touchdown to the kickoff,
    # the try skipped, needs the break.
    p = SequenceParams()
    td = row(1, 300, play_type="Rushing Touchdown")
    xp = row(2, 300, PlayKind.KICK, play_type="Extra Point Good")
    kickoff = row(3, 300, PlayKind.KICK, play_type="Kickoff")
    assert transition_cost(xp, kickoff, [], 33.0, p) <= transition_cost(xp, kickoff, [], 150.0, p)
    skipped = [transition_cost(td, kickoff, [xp], gap, p) for gap in (33.0, 150.0)]
    assert skipped[0] > skipped[1]


# Known truth: a stretch of a game with a false start and a missed play (sequence.py).


def _game_with_truth(seed: int) -> tuple[list[Play], list[DetectedPlay], dict[int, int], float]:
    """A period of drives (2-5 scrimmage plays, then a punt) with random clock stops, a
    timeout and a false start listed between plays; the detections of plays 4-17, one
    missed, plus a false detection at the false start; the truth: detection -> play; and
    the recording's length (it starts 13 s before play 3 ends, and ends 10 s after play 11)."""
    rng = np.random.default_rng(seed)
    plays, drawn = _drive_game(24, seed)
    # A camera framing ~45 yards turns ~7 px a yard gained (punts fly as drawn).
    travel = [
        t
        if p.kind is PlayKind.KICK
        else np.sign(t) * (7.0 * (p.yards_gained or 0) + rng.normal(0, 4))
        for p, t in zip(plays, drawn, strict=True)
    ]
    clock, end = 900.0, 10.0
    rows: list[Play] = []
    ends: list[float] = []
    false_start_after, timeout_after = 8, 9
    for i, play in enumerate(plays[:12]):
        ran = float(rng.integers(5, 35))  # the clock runs during the play, and on after it...
        stopped = (i and plays[i - 1].kind is PlayKind.KICK) or rng.random() < 0.4  # ...or not
        clock, end = clock - ran, end + ran + (float(rng.integers(20, 60)) if stopped else 1.0)
        if i - 1 == timeout_after:
            end += 90.0
        rows.append(replace(play, clock=clock, row_id=str(i), sort_key=i))
        ends.append(end)
        if i == false_start_after:  # the flag, the walk-off: the clock stands 20 s more
            rows.append(row(100, clock, PlayKind.NOT_A_PLAY, text="Penalty, False Start (5 Yards)"))
            end += 20.0
        if i == timeout_after:
            rows.append(row(101, clock, PlayKind.NOT_A_PLAY, play_type="Timeout"))
    # The recording holds plays 3-11; the detector misses play 6 and takes the false start
    # (players jump, the camera hardly moves) 15 s after play 8 for a play.
    seen = [k for k in range(3, 12) if k != 6]
    start = ends[3] - 13.0
    dets = [replace(det(ends[k] - 5.0 - start, ends[k] - start), travel=travel[k]) for k in seen]
    dets.append(replace(det(ends[8] + 15.0 - start, ends[8] + 17.0 - start), travel=2.0))
    order = sorted(range(len(dets)), key=lambda j: dets[j].snap)
    truth = {order.index(j): k for j, k in enumerate(seen)}
    return rows, [dets[j] for j in order], truth, ends[11] + 10.0 - start


@pytest.mark.parametrize("seed", range(6))
def test_a_stretch_with_a_false_start_and_a_missed_play_pairs_no_row_wrong(seed: int) -> None:
    rows, dets, truth, duration = _game_with_truth(seed)
    fit = pair_by_sequence(rows, dets, "end", duration=duration)
    assert all(truth.get(j) == i for i, j in fit.pairs), "a row on the wrong play"
    assert len(fit.pairs) >= len(truth) - 3, "most plays keep their rows"


def test_over_many_stretches_few_rows_are_wrong_and_most_are_given() -> None:
    # Every stretch has a missed play and a false start among plays that look alike: where
    # the two explanations (a play missed here, or there) cost nearly the same the pair is
    # left unsure; a wrong row remains where a missed play sits by the recording's start.
    wrong = paired = plays = 0
    for seed in range(20):
        rows, dets, truth, duration = _game_with_truth(seed)
        fit = pair_by_sequence(rows, dets, "end", duration=duration)
        wrong += sum(truth.get(j) != i for i, j in fit.pairs)
        paired += len(fit.pairs)
        plays += len(truth)
    assert wrong <= 0.05 * plays
    assert paired >= 0.8 * plays


def test_a_listed_timeout_needs_the_clock_stopped_a_while() -> None:
    p = SequenceParams()
    a, b = row(1, 600), row(2, 570)
    timeout = Interlude(timeout=True)
    ran_on = transition_cost(a, b, [], 32.0, p, gap_news=timeout)
    stood = transition_cost(a, b, [], 90.0, p, gap_news=timeout)
    assert ran_on > stood
    assert transition_cost(a, b, [], 32.0, p) < ran_on  # no timeout: the clock ran on


def test_the_clock_stops_after_an_incompletion() -> None:
    p = SequenceParams()
    run, miss, nxt = row(1, 600), row(1, 600, play_type="Pass Incompletion"), row(2, 594)
    assert transition_cost(run, nxt, [], 8.0, p) == 0.0  # ran on: 6 s of clock, 8 of video
    assert transition_cost(miss, nxt, [], 8.0, p) > 0.0  # but an incompletion stops it


def test_rows_with_no_play_tell_of_the_gap_after_the_play_before() -> None:
    rows = [
        row(1, 600),
        row(2, 590, PlayKind.NOT_A_PLAY, play_type="Timeout"),
        row(3, 590, PlayKind.NOT_A_PLAY, text="Penalty, False Start (5 Yards)"),
        row(4, 580),
    ]
    plays, after = interludes(rows)
    assert [p.row_id for p in plays] == ["1", "4"]
    assert after == [Interlude(timeout=True, dead_balls=1), Interlude()]


def test_a_pair_in_doubt_leaves_a_clip_without_a_row_and_says_why() -> None:
    # Seed 4: a missed play among alike runs; which run the detection after it is, the
    # order and gaps cannot tell for sure: the clip is kept, with no row, never as a try.
    rows, dets, truth, duration = _game_with_truth(4)
    a = align_plays(rows, dets, NO_CLOCK, duration=duration)
    assert a.unsure, "the doubtful pair is left out"
    plays = [r for r in rows if r.kind is not PlayKind.NOT_A_PLAY]
    for j in a.unsure:
        assert j in a.unlisted and j not in a.tries
        placement = next(p for p in a.placements if p.row.row_id == plays[truth[j]].row_id)
        assert placement.status == "unmatched"
        assert "fits almost as well" in (placement.reason or "")
    matched = [p for p in a.placements if p.status == "matched"]
    assert all(plays[truth[p.detection or 0]].row_id == p.row.row_id for p in matched)
