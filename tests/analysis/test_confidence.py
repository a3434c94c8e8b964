"""Scores are lower bounds of measured precision, per strength of evidence."""

from __future__ import annotations

import pytest

from cutups.analysis.confidence import (
    Band,
    Calibration,
    load_calibration,
    score_for,
    strength,
    wilson_lower_bound,
)

CAL = Calibration(
    (Band(0, 10, 4), Band(1, 0, 0), Band(2, 50, 45), Band(3, 1000, 998), Band(4, 5, 5)),
    "test",
)


def test_strength_counts_only_optional_signals() -> None:
    assert strength(["live_wide_shot", "still_then_burst", "end:whistle"]) == 0
    assert strength(["live_wide_shot", "whistle", "crowd_surge", "pbp_clock_match"]) == 2


def test_wilson_bound_is_below_the_share_and_tightens_with_more_data() -> None:
    assert wilson_lower_bound(0, 0) == 0.0
    assert wilson_lower_bound(10, 10) < 1.0
    assert wilson_lower_bound(10, 10) < wilson_lower_bound(1000, 1000)
    assert wilson_lower_bound(45, 50) == pytest.approx(0.786, abs=0.01)


def test_score_follows_measured_precision_not_the_number_of_signals() -> None:
    weak = score_for(["whistle", "crowd_surge"], CAL)  # strength 2: 45/50
    strong = score_for(["whistle", "crowd_surge", "camera_follows"], CAL)  # 3: 998/1000
    few = score_for(["whistle", "crowd_surge", "camera_follows", "clock_running"], CAL)  # 5/5
    assert strong > weak
    assert few < strong  # all five were plays, but five clips prove less than a thousand
    assert score_for([], CAL) == pytest.approx(100 * wilson_lower_bound(4, 10), abs=0.1)


def test_an_unmeasured_strength_borrows_from_weaker_evidence_or_scores_zero() -> None:
    # Strength 1 was never measured: it gets strength 0's figure, not a pooled one.
    assert score_for(["whistle"], CAL) == score_for([], CAL)
    only_strong = Calibration((Band(3, 100, 100), Band(4, 100, 100)), "test")
    assert score_for(["whistle"], only_strong) == 0.0  # nothing this weak was ever measured
    assert score_for(["whistle", "crowd_surge", "camera_follows"], only_strong) > 90


def test_the_shipped_calibration_loads_and_round_trips() -> None:
    cal = load_calibration()
    assert cal.bands and sum(b.clips for b in cal.bands) > 0
    assert Calibration.from_dict(cal.to_dict()) == cal
