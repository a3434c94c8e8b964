from __future__ import annotations

import pytest

from cutups.analysis.clock_model import ClockReading, fit_clock_model


def _running(t0: float, clock0: int, seconds: int, period: int = 1) -> list[ClockReading]:
    """Readings as the scorebug reader emits them: one each time the display changes."""
    return [ClockReading(t0 + k, period, clock0 - k) for k in range(seconds)]


def test_running_then_stopped_then_running() -> None:
    readings = _running(10.0, 600, 20) + _running(60.0, 580, 10)
    model = fit_clock_model(readings)
    assert model.at(15.0) == (1, pytest.approx(595.0))
    assert model.at(45.0) == (1, pytest.approx(581.0))  # held while stopped
    assert model.running(10, 30) == pytest.approx(20.0, abs=0.6)
    assert model.running(31, 59) == pytest.approx(0.0)
    assert model.reached(1, 590) == [pytest.approx(20.0)]
    assert model.reached(1, 581) == [pytest.approx(29.0)]
    assert model.reached(1, 575) == [pytest.approx(65.0)]


def test_isolated_misread_is_dropped() -> None:
    readings = _running(0.0, 300, 30)
    readings[12] = ClockReading(12.0, 1, 208.0)  # "2:08" misread for "4:48"
    model = fit_clock_model(readings)
    assert len([s for s in model.spans if s.running]) == 1
    assert model.at(12.0) == (1, pytest.approx(288.0))
    assert model.reached(1, 208) == []


def test_low_confidence_readings_ignored() -> None:
    readings = [*_running(0.0, 100, 10), ClockReading(5.5, 1, 700, confidence=0.1)]
    model = fit_clock_model(readings)
    assert model.reached(1, 700) == []


def test_period_change_and_missing_period_labels() -> None:
    q1 = _running(0.0, 30, 30, period=1)
    q2 = [ClockReading(100.0 + k, None, 900 - k) for k in range(10)]
    model = fit_clock_model(q1 + q2)
    assert model.periods() == [1, 2]
    assert model.reached(2, 895) == [pytest.approx(105.0)]
    assert model.reached(1, 895) == []


def test_frozen_replay_bug_shows_a_value_twice() -> None:
    """A replay freezes the display at 7:00 while the real clock keeps running."""
    live = _running(0.0, 430, 11)  # 7:10 .. 7:00
    frozen_gap = [ClockReading(11.0, 1, 420.0)]  # replay: still 7:00, 10 s later on screen
    after = _running(21.0, 410, 10)  # back live: clock ran underneath
    model = fit_clock_model(live + frozen_gap + after)
    assert model.reached(1, 415) == []  # passed while hidden under the replay
    assert model.reached(1, 405) == [pytest.approx(26.0)]


def _tenths(t0: float, clock0: float, ticks: int) -> list[ClockReading]:
    """A running clock under a minute, read ten times a second."""
    return [ClockReading(t0 + k / 10, 4, round(clock0 - k / 10, 1)) for k in range(ticks)]


def test_a_jittered_tenths_clock_is_one_running_span() -> None:
    # Seed 61's teal look: a frame or a tenths digit off, a reading rises 0.1-0.3 s above the
    # one before (19.2, 19.4, 19.0). The model broke such a run into dozens of pieces.
    readings = _tenths(100.0, 30.0, 100)
    for k, seconds in ((7, 29.5), (31, 27.2), (55, 24.8), (56, 24.7), (80, 22.3)):
        readings[k] = ClockReading(readings[k].t, 4, seconds)
    model = fit_clock_model(readings)
    assert [s.running for s in model.spans] == [True]
    assert model.at(105.0) == (4, pytest.approx(25.0, abs=0.15))


def test_a_run_of_misreads_the_clock_resumes_after_is_dropped() -> None:
    # Teal again: "42.x" read as "47.x" for a second of tenths, "50.x" as "304", two
    # whole-second misreads in a row; each time the clock reads right again after.
    tenths = _tenths(100.0, 50.0, 60)
    for k in range(10, 20):
        tenths[k] = ClockReading(tenths[k].t, 4, tenths[k].seconds + 5.0)
    tenths[30:34] = [ClockReading(tenths[k].t, 4, 304.0) for k in range(30, 34)]
    whole = _running(20.0, 220, 10, period=3)  # the quarter before, read once a second
    whole[4] = ClockReading(24.0, 3, 225.0)  # 3:36 read as 3:45
    whole[5] = ClockReading(25.0, 3, 224.0)
    model = fit_clock_model(whole + tenths)
    assert [(s.start, s.running) for s in model.spans if s.running] == [(20.0, True), (100.0, True)]
    assert model.at(101.5) == (4, pytest.approx(48.5, abs=0.15))
    assert model.at(24.5) == (3, pytest.approx(215.5, abs=0.6))
    assert model.reached(4, 304) == [] and model.reached(3, 225) == []


def test_a_new_low_ends_the_run_where_the_clock_stopped() -> None:
    # A run ends at its last new low, not at the jittered or repeated readings after it.
    readings = _tenths(10.0, 20.0, 30) + [ClockReading(13.0 + k / 10, 4, 17.1) for k in range(20)]
    model = fit_clock_model(readings)
    running = [s for s in model.spans if s.running]
    assert len(running) == 1 and running[0].end == pytest.approx(13.0, abs=0.15)
    assert model.at(14.0) == (4, pytest.approx(17.1))


def test_a_clock_that_went_up_for_a_moment_then_reads_right_again_is_dropped() -> None:
    # Teal: at 55 s the tenths clock was read "5:48" for a second, then nothing readable for
    # three, then 51.9 again. Kept, that second made the 3rd quarter show 5:48 and the right
    # play-by-play's early rows "inside the recording": it was refused as another game's.
    before = _tenths(130.0, 60.0, 50)  # 60.0 .. 55.1 at 130.0 .. 134.9
    jump = [ClockReading(135.0 + k / 10, 4, 348.0 - k / 10) for k in range(10)]
    after = _tenths(139.1, 51.0, 30)  # unreadable 136.0-139.0, then 51.0 .. 48.1
    model = fit_clock_model(before + jump + after)
    assert max(s.clock_start for s in model.spans) == pytest.approx(60.0)
    assert model.reached(4, 340) == [] and model.held(4, 338) == []
    assert model.reached(4, 50.0) == [pytest.approx(140.1, abs=0.15)]


def test_a_new_period_after_a_clock_that_ran_out_is_kept_unlabelled() -> None:
    # The jump up to 15:00 with no period read is a reset, not a misread: the old clock
    # never comes back after it.
    readings = [*_running(0.0, 10, 10), ClockReading(10.0, 1, 0.0)]
    readings += [ClockReading(40.0 + k, None, 900.0 - k) for k in range(8)]
    model = fit_clock_model(readings)
    assert model.periods() == [1, 2]
    assert model.reached(2, 895) == [pytest.approx(45.0)]


def test_a_digit_misread_for_the_rest_of_a_period_is_dropped_not_believed() -> None:
    # The grey turf look's monospaced "0:59" read "6:59" (at 0.96) through the last minute of
    # a quarter, and its stopped "0:17" as "6:17": a clock six minutes up within its period.
    # The model showed 6:58 where the clock showed 0:58 (36 % of the bug's time wrong).
    before = _running(100.0, 65, 6, period=3)  # 1:05 .. 1:00
    misread = [ClockReading(106.0 + k, 3, 419.0 - k) for k in range(40)]  # "6:59" ..
    stopped = [ClockReading(146.0 + k, 3, 377.0) for k in range(20)]  # "6:17", held
    q4 = _running(300.0, 240, 10, period=4)
    model = fit_clock_model(before + misread + stopped + q4)
    assert all(s.clock_start <= 65 for s in model.spans if s.period == 3)
    assert model.reached(3, 400) == [] and model.held(3, 377) == []
    assert model.reached(4, 235) == [pytest.approx(305.0)]


def test_a_clock_read_in_one_reading_before_a_jump_up_is_not_enough_to_drop_it() -> None:
    # One reading is no clock read well: the jump may be the truth and the reading the misread.
    readings = [ClockReading(10.0, 2, 30.0), *_running(11.0, 300, 20, period=2)]
    model = fit_clock_model(readings)
    assert model.reached(2, 290) == [pytest.approx(21.0)]
