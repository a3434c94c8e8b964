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
