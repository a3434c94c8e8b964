"""The one period-advance rule, shared by the clock model and the aligner."""

from __future__ import annotations

from cutups.align.pbp_align import relabel_periods
from cutups.analysis.clock_model import ClockModel, ClockSpan
from cutups.analysis.periods import PERIOD_RESET, advance_periods


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
