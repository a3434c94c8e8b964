"""Alignment of listed plays with detected plays through the clock model."""

from __future__ import annotations

import pytest

from cutups.align.pbp_align import align_plays
from cutups.align.tries import try_first_in_sequence
from cutups.analysis.clock_model import ClockModel, ClockSpan
from cutups.analysis.plays import DetectedPlay
from cutups.errors import WrongGameError
from cutups.pbp.model import Play, PlayKind


def row(
    n: int,
    clock: float | None,
    kind: PlayKind = PlayKind.SNAP,
    *,
    period: int = 1,
    play_type: str = "Rush",
    text: str = "",
) -> Play:
    return Play(
        row_id=str(n),
        sort_key=n,
        game_id="1",
        drive=1,
        period=period,
        clock=clock,
        offense="Michigan",
        defense="Texas",
        offense_score=0,
        defense_score=0,
        home_score=None,
        away_score=None,
        down=1,
        distance=10,
        yard_line=25,
        yards_to_goal=75,
        yards_gained=3,
        play_type=play_type,
        raw_type=play_type,
        text=text or play_type,
        wallclock=None,
        kind=kind,
    )


def det(snap: float, end: float, score: float = 80.0) -> DetectedPlay:
    return DetectedPlay(snap=snap, end=end, score=score, evidence=(), end_reason="whistle")


# Period 1: the clock runs 900 -> 834 over video 0-66, stops until 90, runs 834 -> 804 to 120.
MODEL = ClockModel(
    (
        ClockSpan(0.0, 66.0, 1, 900.0, True),
        ClockSpan(66.0, 90.0, 1, 834.0, False),
        ClockSpan(90.0, 120.0, 1, 834.0, True),
    )
)
ROWS = [
    row(1, 894, PlayKind.KICK, play_type="Kickoff"),
    row(2, 864),
    row(3, 834, play_type="Pass Incompletion"),
    row(4, 834, PlayKind.NOT_A_PLAY, play_type="Timeout"),
    row(5, 829),
    row(6, 500, period=2),
]


def test_rows_placed_by_detection_clock_and_accounted_for() -> None:
    detections = [det(0.3, 6.0), det(30.0, 36.2), det(60.1, 66.0), det(75.0, 80.0, score=40)]
    a = align_plays(ROWS, detections, MODEL, duration=120.0)
    status = {p.row.row_id: (p.status, p.via, p.detection) for p in a.placements}
    assert status["1"] == ("matched", "detected", 0)
    assert status["2"] == ("matched", "detected", 1)
    assert status["3"] == ("matched", "detected", 2)
    assert status["4"][0] == "not_a_play"
    assert status["5"][:2] == ("matched", "clock")  # the detector missed it; the clock did not
    assert status["6"][0] == "outside_recording"
    five = next(p for p in a.placements if p.row.row_id == "5")
    assert five.snap == pytest.approx(90.0) and five.end == pytest.approx(95.0)
    assert a.dropped == (3,) and a.unlisted == ()


def test_a_missed_play_listed_at_0_00_is_clipped_past_the_clock_running_out() -> None:
    # The last play of a quarter (seed 47): snapped with under a second left, on a clock shown
    # without tenths (already 0:00), whistled after it. Clipped by the clock alone as the 6 s
    # before 0:00, the clip ended before the snap.
    model = ClockModel((ClockSpan(0.0, 30.0, 1, 30.0, True), ClockSpan(30.0, 60.0, 1, 0.0, False)))
    rows = [row(1, 20), row(2, 0, play_type="Pass Incompletion")]
    a = align_plays(rows, [det(8.0, 10.0)], model, duration=60.0, clock_at="end")
    last = a.placements[1]
    assert (last.status, last.via) == ("matched", "clock")
    assert last.snap == pytest.approx(24.0) and last.end == pytest.approx(36.0)


def test_listed_clock_off_by_three_seconds_still_matches() -> None:
    rows = [row(1, 894 + 3, PlayKind.KICK, play_type="Kickoff"), row(2, 864 - 3), row(3, 834)]
    detections = [det(0.3, 6.0), det(30.0, 36.2), det(60.1, 66.0)]
    a = align_plays(rows, detections, MODEL, duration=120.0)
    assert [p.detection for p in a.placements] == [0, 1, 2]


def test_extra_point_folded_into_touchdown_row_is_kept_unlisted() -> None:
    rows = [
        row(1, 864, play_type="Rushing Touchdown", text="run for 5 yds for a TD"),
        row(2, 834, PlayKind.KICK, play_type="Kickoff"),
    ]
    detections = [det(30.0, 36.0), det(50.0, 53.0, score=35), det(60.0, 66.0)]
    a = align_plays(rows, detections, MODEL, duration=120.0)
    assert a.unlisted == (1,)


def test_a_strong_play_after_the_try_is_kept_though_its_row_went_unmatched() -> None:
    # Seed 67: touchdown, try, then the kickoff, whose row was not placed (its period was never
    # read). The try took the gap after the touchdown; the kickoff, as strong as any play, was
    # dropped with it, though the video alone kept it.
    rows = [
        row(1, 864, play_type="Rushing Touchdown", text="run for 5 yds for a TD"),
        row(2, 834),
    ]
    detections = [det(30.0, 36.0), det(40.0, 42.0, score=35), det(48.0, 53.0), det(60.0, 66.0)]
    a = align_plays(rows, detections, MODEL, duration=120.0)
    assert [p.detection for p in a.placements] == [0, 3]
    assert a.unlisted == (1, 2) and a.dropped == ()


def test_a_row_is_not_placed_by_the_clock_on_a_play_matched_to_another() -> None:
    # Both rows list the clock the touchdown ended at and one play was detected. The row left
    # without it must not be pinned by the clock onto that same play (seed 67: a clock-placed
    # extra point covered the touchdown's moment, its clip replaced the touchdown's, and the
    # touchdown counted as missed).
    rows = [
        row(1, 840, play_type="Passing Touchdown", text="pass for a TD"),
        row(2, 840, PlayKind.KICK, play_type="Extra Point Good"),
    ]
    a = align_plays(rows, [det(54.5, 60.0)], MODEL, duration=120.0, clock_at="end")
    assert sorted(p.status for p in a.placements) == ["matched", "unmatched"]
    assert [p.detection for p in a.placements if p.status == "matched"] == [0]
    left = next(p for p in a.placements if p.status == "unmatched")
    assert "already matched" in (left.reason or "")


LONG = ClockModel((ClockSpan(0.0, 600.0, 1, 900.0, True),))
LONG_DETECTIONS = [det(40.0 * k + 4, 40.0 * k + 10) for k in range(14)]


def test_play_by_play_of_another_game_is_refused() -> None:
    rows = [row(k, 900 - (40 * k + 30)) for k in range(14)]  # 20 s away from every play
    with pytest.raises(WrongGameError, match="does not match this video"):
        align_plays(rows, LONG_DETECTIONS, LONG, duration=600.0)


def test_right_game_with_a_few_missed_plays_is_accepted() -> None:
    rows = [row(k, 900 - (40 * k + 10)) for k in range(14)]
    a = align_plays(rows, LONG_DETECTIONS[:10], LONG, duration=600.0)
    assert sum(p.via == "detected" for p in a.placements) == 10


def test_unlabelled_periods_are_inferred_from_the_rows() -> None:
    model = ClockModel(
        tuple(ClockSpan(s.start, s.end, None, s.clock_start, s.running) for s in MODEL.spans)
    )
    detections = [det(0.3, 6.0), det(30.0, 36.2), det(60.1, 66.0)]
    a = align_plays(ROWS[:3], detections, model, duration=120.0)
    assert a.start_period == 1
    assert [p.detection for p in a.placements] == [0, 1, 2]


def test_snap_time_clocks_are_recognised_automatically() -> None:
    rows = [row(1, 900, PlayKind.KICK, play_type="Kickoff"), row(2, 870), row(3, 840)]
    detections = [det(0.0, 6.0), det(30.0, 36.0), det(60.0, 66.0)]
    a = align_plays(rows, detections, MODEL, duration=120.0)
    assert a.clock_at == "snap"
    assert [p.detection for p in a.placements] == [0, 1, 2]


def test_untimed_extra_point_placed_while_the_clock_holds() -> None:
    """The try lists the touchdown's clock; it happens later, while the clock stands still."""
    rows = [
        row(1, 834, play_type="Passing Touchdown", text="pass for a TD"),
        row(2, 834, PlayKind.KICK, play_type="Extra Point Good"),
    ]
    detections = [det(60.1, 66.0), det(80.0, 83.0)]
    a = align_plays(rows, detections, MODEL, duration=120.0, clock_at="end")
    assert [p.detection for p in a.placements] == [0, 1]
    assert a.unlisted == ()


def test_clockless_alignment_says_so() -> None:
    a = align_plays(ROWS, [det(0.3, 6.0)], ClockModel(()), duration=120.0)
    assert a.clockless and a.start_period is None
    # One play fits anywhere in the game: it stays a clip, with no row's facts.
    assert a.unlisted == (0,)
    assert not [p for p in a.placements if p.status == "matched"]


def test_a_listed_play_off_the_clock_is_paired_by_order_not_made_an_unlisted_try() -> None:
    # Issue 18: a kickoff listed at a wrong clock (880, ~45 s off) was placed by that clock
    # before the touchdown (out of order) and its own detection, unexplained after the
    # touchdown, was clipped as an unlisted "Extra Point" though the data lists the try.
    rows = [
        row(1, 864, play_type="Rushing Touchdown", text="run for 5 yds for a TD"),
        row(2, 864, PlayKind.KICK, play_type="Extra Point Good"),
        row(3, 880, PlayKind.KICK, play_type="Kickoff"),
        row(4, 810),
    ]
    detections = [det(30.0, 36.0), det(40.0, 42.0), det(60.0, 66.0), det(108.0, 114.0)]
    a = align_plays(rows, detections, MODEL, duration=120.0, clock_at="end")
    placed = {p.row.row_id: (p.status, p.detection, p.via) for p in a.placements}
    assert placed == {
        "1": ("matched", 0, "detected"),
        "2": ("matched", 1, "detected"),
        "3": ("matched", 2, "order"),
        "4": ("matched", 3, "detected"),
    }
    assert a.unlisted == () and a.tries == ()


def test_after_a_folded_try_the_kickoff_off_the_clock_still_gets_its_detection() -> None:
    # The lime look (seed 41): the try folded into the touchdown row was detected, and so was
    # the kickoff, whose listed clock (2 s off) pointed a minute later. Two detections for one
    # row, so the order pairing gave up and the kickoff was clipped with no row.
    rows = [
        row(1, 864, play_type="Passing Touchdown", text="pass for 5 yds for a TD (Smith KICK)"),
        row(2, 880, PlayKind.KICK, play_type="Kickoff"),
        row(3, 810),
    ]
    detections = [det(30.0, 36.0), det(40.0, 42.0), det(60.0, 66.0), det(108.0, 114.0)]
    a = align_plays(rows, detections, MODEL, duration=120.0, clock_at="end")
    placed = {p.row.row_id: (p.status, p.detection, p.via) for p in a.placements}
    assert placed["2"] == ("matched", 2, "order")
    assert a.tries == (1,)


def test_at_one_stopped_clock_the_folded_try_comes_before_the_kickoff() -> None:
    # The lime look (seed 61): touchdown, its try (folded into the touchdown row), then the
    # kickoff, all at one stopped clock. The clock cannot tell the try from the kickoff; the
    # kickoff row took the try's detection, and the kickoff was clipped with no row.
    rows = [
        row(1, 834, play_type="Passing Touchdown", text="pass for 5 yds for a TD (Smith KICK)"),
        row(2, 834, PlayKind.KICK, play_type="Kickoff"),
        row(3, 820),
    ]
    # The kickoff ends as the clock starts again (it runs from the catch): the try, inside
    # the stopped stretch, fits the listed clock more tightly.
    detections = [det(60.0, 66.0), det(70.0, 73.0), det(84.0, 90.8), det(98.0, 104.0)]
    a = align_plays(rows, detections, MODEL, duration=120.0, clock_at="end")
    placed = {p.row.row_id: (p.status, p.detection) for p in a.placements}
    assert placed == {"1": ("matched", 0), "2": ("matched", 2), "3": ("matched", 3)}
    assert a.tries == (1,)


# ESPN's shape lists each play at its snap: the touchdown at 840, the kickoff at 834 where the
# touchdown stopped the clock, and after a touchback the next snap at 834 too. Seed 61, teal:
# the kickoff came after a commercial with no clock read (the stop seen to 76 s); lime: the
# clock stood at 834 to the end of the recording (118 s). Either way the kickoff row took the
# try's detection and the next, unrecorded, row the kickoff's.
@pytest.mark.parametrize("stop_seen_to", [76.0, 118.0])
def test_rows_listed_at_the_snap_also_put_the_folded_try_before_the_kickoff(
    stop_seen_to: float,
) -> None:
    model = ClockModel(
        (ClockSpan(0.0, 66.0, 1, 900.0, True), ClockSpan(66.0, stop_seen_to, 1, 834.0, False))
    )
    rows = [
        row(1, 840, play_type="Passing Touchdown", text="pass for 5 yds for a TD (Smith KICK)"),
        row(2, 834, PlayKind.KICK, play_type="Kickoff"),
        row(3, 834),
    ]
    detections = [det(60.0, 66.0), det(70.0, 73.0), det(110.0, 118.0)]
    a = align_plays(rows, detections, model, duration=118.0, clock_at="snap")
    placed = {p.row.row_id: p.detection for p in a.placements}
    assert placed == {"1": 0, "2": 2, "3": None}
    assert a.tries == (1,) and a.unlisted == (1,)  # the try: clipped, listed nowhere


def test_at_the_end_of_the_recording_the_folded_try_still_comes_first() -> None:
    # Seed 61's emerald look in ESPN's shape: after the touchdown two rows (the kickoff, off
    # the clock, and a snap the recording stops at) and two detections (the try, the kickoff).
    # As many of each, so the order pairing gave the kickoff the try's detection. At the end
    # of the recording the rows may outnumber the plays it holds: the try comes first.
    rows = [
        row(1, 840, play_type="Passing Touchdown", text="pass for 5 yds for a TD (Smith KICK)"),
        row(2, 880, PlayKind.KICK, play_type="Kickoff"),
        row(3, 804),
    ]
    detections = [det(60.0, 66.0), det(70.0, 73.0), det(100.0, 108.0)]
    a = align_plays(rows, detections, MODEL, duration=120.0, clock_at="snap")
    placed = {p.row.row_id: (p.detection, p.via) for p in a.placements}
    assert placed == {"1": (0, "detected"), "2": (2, "order"), "3": (None, None)}
    assert a.tries == (1,)


def test_an_unlisted_try_only_where_the_data_says_one_followed_a_touchdown() -> None:
    # After a touchdown whose try is folded in, the next unexplained play is the try; after a
    # plain run, a strong unexplained play is kept, but not as a try.
    rows = [
        row(1, 864, play_type="Rushing Touchdown", text="run for 5 yds for a TD"),
        row(2, 834, PlayKind.KICK, play_type="Kickoff"),
        row(3, 810),
    ]
    detections = [det(30.0, 36.0), det(45.0, 47.0), det(60.0, 66.0), det(100.0, 106.0)]
    a = align_plays(rows, detections, MODEL, duration=120.0, clock_at="end")
    assert a.tries == (1,)
    plain = [row(1, 864), row(2, 834, PlayKind.KICK, play_type="Kickoff")]
    b = align_plays(plain, detections[:3], MODEL, duration=120.0, clock_at="end")
    assert b.unlisted == (1,) and b.tries == ()


def test_a_return_is_kept_to_its_whistle_when_the_detector_split_it() -> None:
    # An interception return: the players paused after the catch, the detector ended the play
    # there and found the rest of the return as a second play 1.5 s later.
    rows = [
        row(1, 864),
        row(2, 834, play_type="Interception Return", text="intercepted, returned 40 yds"),
    ]
    detections = [det(30.0, 36.0), det(52.0, 60.0), det(61.5, 66.0)]
    a = align_plays(rows, detections, MODEL, duration=120.0, clock_at="end")
    ret = next(p for p in a.placements if p.row.row_id == "2")
    assert ret.status == "matched" and ret.end == pytest.approx(66.0)
    assert a.unlisted == () and a.dropped == ()


def test_rows_where_the_clock_went_unread_are_paired_by_order_not_called_unrecorded() -> None:
    # The grey turf look: the last minute of the 3rd quarter was misread throughout and
    # dropped, so the clock is unknown from 0:59 to the 4th quarter. Its rows lie below the
    # lowest clock seen in their period; they were called outside the recording and their
    # plays clipped with no row.
    model = ClockModel(
        (
            ClockSpan(0.0, 66.0, 1, 900.0, True),
            ClockSpan(150.0, 200.0, 2, 900.0, True),
        )
    )
    rows = [row(1, 870), row(2, 820), row(3, 890, period=2)]
    detections = [det(25.0, 30.0), det(100.0, 106.0), det(155.0, 160.0)]
    a = align_plays(rows, detections, model, duration=200.0, clock_at="end")
    placed = {p.row.row_id: (p.status, p.detection, p.via) for p in a.placements}
    assert placed == {
        "1": ("matched", 0, "detected"),
        "2": ("matched", 1, "order"),
        "3": ("matched", 2, "detected"),
    }
    # With the clock read almost up to the next period, a row listed lower is not in the video.
    read = ClockModel((ClockSpan(0.0, 140.0, 1, 900.0, True), *model.spans[1:]))
    b = align_plays([*rows[:1], row(2, 700), *rows[2:]], detections, read, duration=200.0)
    assert next(p for p in b.placements if p.row.row_id == "2").status == "outside_recording"


def test_without_a_clock_the_detection_after_a_folded_try_touchdown_is_the_try() -> None:
    # Seed 61's emerald twin: no clock, the pairing gave the try (the detection right after
    # the touchdown) the row after the kickoff, which the recording never reached, and left
    # the kickoff without its row.
    rows = [
        row(1, 62, play_type="Passing Touchdown", text="pass for 7 yds for a TD (Harlan KICK)"),
        row(2, 62, PlayKind.KICK, play_type="Kickoff"),
        row(3, 57),
    ]
    assert try_first_in_sequence(rows, {0: 5, 2: 6}, 8) == {0: 5, 1: 7}
    assert try_first_in_sequence(rows, {0: 5, 2: 6}, 7) == {0: 5}  # nothing after the try
    # Given to the very next row, or with a row between paired, the pairing stands.
    assert try_first_in_sequence(rows, {0: 5, 1: 6}, 8) == {0: 5, 1: 6}
    plain = [row(1, 62, play_type="Rush"), *rows[1:]]
    assert try_first_in_sequence(plain, {0: 5, 2: 6}, 8) == {0: 5, 2: 6}
