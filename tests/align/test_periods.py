"""The one period-advance rule, shared by the clock model and the aligner."""

from __future__ import annotations

from cutups.align.pbp_align import relabel_periods
from cutups.analysis.clock_model import ClockModel, ClockSpan
from cutups.analysis.periods import PERIOD_RESET, advance_periods, periods_past_resets


def test_labels_win_and_carry_forward() -> None:
    stretches = [(2, 900.0, 880.0), (None, 870.0, 860.0), (3, 900.0, 890.0), (None, 880.0, 870.0)]
    assert advance_periods(stretches) == [2, 2, 3, 3]


def test_an_upward_reset_of_more_than_two_minutes_starts_a_period() -> None:
    stretches = [(1, 100.0, 5.0), (None, 5.0 + PERIOD_RESET, 600.0), (None, 900.0, 800.0)]
    # exactly PERIOD_RESET above is not a reset; 300 s above is
    assert advance_periods(stretches) == [1, 1, 2]


def test_unknown_until_labelled_without_a_start() -> None:
    stretches = [(None, 10.0, 5.0), (None, 900.0, 890.0), (2, 880.0, 870.0)]
    assert advance_periods(stretches) == [None, None, 2]
    assert advance_periods(stretches, start=1) == [1, 2, 2]


def test_relabel_compares_a_span_start_with_the_previous_span_end() -> None:
    model = ClockModel(
        (
            ClockSpan(0.0, 100.0, None, 150.0, True),  # runs down to 50
            ClockSpan(100.0, 110.0, None, 171.0, False),  # 121 above 50: a new period
            ClockSpan(110.0, 120.0, None, 290.0, False),  # 119 above 171: same period
        )
    )
    assert [s.period for s in relabel_periods(model, 3).spans] == [3, 4, 4]


def test_a_period_field_stuck_on_the_last_quarter_is_overruled_by_the_clock_reset() -> None:
    # 3rd quarter runs out, the clock restarts at 15:00, the field still reads "3".
    stretches = [(3, 171.0, 120.0), (3, 120.0, 0.0), (3, 900.0, 700.0), (3, 700.0, 650.0)]
    assert periods_past_resets(stretches) == [3, 3, 4, 4]
    # A field that then shows the right period is believed again.
    assert periods_past_resets([*stretches, (4, 650.0, 600.0)]) == [3, 3, 4, 4, 4]


def test_labels_agreeing_with_the_clock_are_kept() -> None:
    # A right label at the reset; a clock going up without having run out (a misread or a
    # correction) moves nothing; unlabelled stretches stay for advance_periods.
    assert periods_past_resets([(2, 30.0, 0.0), (3, 900.0, 800.0)]) == [2, 3]
    assert periods_past_resets([(2, 300.0, 200.0), (2, 500.0, 400.0)]) == [2, 2]
    assert periods_past_resets([(1, 10.0, 0.0), (None, 900.0, 800.0)]) == [1, None]
