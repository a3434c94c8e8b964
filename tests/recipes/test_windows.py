from __future__ import annotations

import pytest

from cutups.errors import ConfigError
from cutups.recipes.windows import (
    DEFAULT_POST_SLACK,
    DEFAULT_PRE_SLACK,
    EXACT,
    EXPLICIT_SLACK,
    CutPoints,
    Slack,
    WindowOptions,
    build_windows,
)


def test_padding_applied_and_clamped_to_video() -> None:
    w = build_windows([(1.0, 8.0), (50.0, 57.0)], 58.0, WindowOptions(pre=2, post=3))
    assert [(x.start, x.end) for x in w] == [(0.0, 11.0), (48.0, 58.0)]


def test_short_play_grows_to_min_length_after_the_play_first() -> None:
    (w,) = build_windows([(10.0, 11.0)], 100.0, WindowOptions(pre=1, post=1, min_len=6))
    assert w.start == 9.0 and w.end == pytest.approx(15.0)


def test_long_play_trimmed_at_end_never_before_snap() -> None:
    (w,) = build_windows([(10.0, 80.0)], 100.0, WindowOptions(pre=2, post=2, max_len=30))
    assert w.start == 8.0 and w.end == 38.0 and w.start <= w.snap


def test_distinct_plays_with_overlapping_padding_stay_separate() -> None:
    w = build_windows([(10.0, 16.0), (18.0, 24.0)], 100.0, WindowOptions(pre=3, post=3))
    assert len(w) == 2
    assert w[0].end > w[1].start  # overlap is fine; merging two plays is not


def test_duplicate_detections_of_one_play_merge() -> None:
    w = build_windows([(10.0, 16.0), (10.5, 17.0)], 100.0, WindowOptions())
    assert len(w) == 1 and w[0].core_end == 17.0


@pytest.mark.parametrize("kw", [{"pre": -1}, {"min_len": 0}, {"min_len": 50, "max_len": 40}])
def test_bad_options_rejected(kw: dict[str, float]) -> None:
    with pytest.raises(ConfigError):
        WindowOptions(**kw)


# -- keyframe alignment ------------------------------------------------------------------------

GOP_1S = CutPoints(keyframes=tuple(float(k) for k in range(0, 200)))
"""A keyframe every second, with B-frames (only keyframes end a copy cleanly)."""


def test_start_moves_to_the_keyframe_nearest_the_preferred_pre_roll() -> None:
    keys = CutPoints(keyframes=(0.0, 7.3, 8.6, 20.0))
    (w,) = build_windows([(10.0, 16.0)], 100.0, WindowOptions(), keys)
    assert w.start == 8.6  # preferred 8.0; 7.3 is further away; both are within 0.5-3 s


def test_start_tie_goes_to_the_longer_clip() -> None:
    keys = CutPoints(keyframes=(7.5, 8.5), any_end=True)
    (w,) = build_windows([(10.0, 16.0)], 100.0, WindowOptions(), keys)
    assert w.start == 7.5


def test_default_slack_is_half_a_second_to_three_before_the_snap() -> None:
    for key, want in [(6.9, 8.0), (7.0, 7.0), (9.5, 9.5), (9.6, 8.0)]:
        keys = CutPoints(keyframes=(key,), any_end=True)
        (w,) = build_windows([(10.0, 16.0)], 100.0, WindowOptions(), keys)
        assert w.start == want, key


def test_no_keyframe_in_reach_keeps_the_preferred_window() -> None:
    keys = CutPoints(keyframes=(0.0, 8.0 + 8.0), any_end=False)  # GOP 8 s
    (w,) = build_windows([(10.0, 16.0)], 100.0, WindowOptions(), keys)
    assert (w.start, w.end) == (8.0, 18.0)


def test_without_b_frames_the_end_stays_where_preferred() -> None:
    keys = CutPoints(keyframes=GOP_1S.keyframes, any_end=True)
    (w,) = build_windows([(10.3, 16.4)], 100.0, WindowOptions(), keys)
    assert w.start == 8.0 and w.end == pytest.approx(18.4)


def test_with_b_frames_the_end_moves_onto_a_keyframe_after_the_whistle() -> None:
    (w,) = build_windows([(10.3, 16.4)], 100.0, WindowOptions(), GOP_1S)
    assert w.start == 8.0  # 8.3 preferred; 8.0 is nearer than 9.0
    assert w.end == 18.0  # 18.4 preferred; within 1-4 s after 16.4
    assert 16.4 + 1.0 <= w.end <= 16.4 + 4.0


def test_end_may_land_on_the_end_of_the_video() -> None:
    keys = CutPoints(keyframes=(0.0, 8.0, 40.0))
    (w,) = build_windows([(10.0, 16.0)], 18.7, WindowOptions(), keys)
    assert (w.start, w.end) == (8.0, 18.7)


def test_start_never_moves_past_the_snap() -> None:
    keys = CutPoints(keyframes=(10.2,), any_end=True)
    (w,) = build_windows([(10.0, 16.0)], 100.0, WindowOptions(pre=0.5), keys)
    assert w.start == 9.5  # 10.2 would cut the snap off


def test_end_never_cuts_into_the_play() -> None:
    keys = CutPoints(keyframes=(5.0, 15.8, 30.0))
    (w,) = build_windows([(6.0, 16.0)], 100.0, WindowOptions(post=0.5), keys)
    assert w.end >= 16.0


def test_length_limits_hold_after_alignment() -> None:
    keys = CutPoints(keyframes=(7.0, 47.6, 48.0))
    (w,) = build_windows([(10.0, 80.0)], 100.0, WindowOptions(max_len=40), keys)
    assert w.start == 7.0 and w.end - w.start <= 40.0
    assert w.end == 47.0  # 47.6 and 48.0 would make it longer than 40 s
    keys = CutPoints(keyframes=(9.5, 13.0), any_end=True)
    (w,) = build_windows([(10.0, 10.5)], 100.0, WindowOptions(pre=2, post=1, min_len=6), keys)
    assert w.end - w.start >= 6.0


def test_explicit_padding_moves_half_a_second_at_most() -> None:
    options = WindowOptions(pre=5.0, post=3.0, pre_slack=EXPLICIT_SLACK, post_slack=EXPLICIT_SLACK)
    (w,) = build_windows([(10.0, 16.0)], 100.0, options, CutPoints(keyframes=(4.6, 19.4)))
    assert (w.start, w.end) == (4.6, 19.4)
    (w,) = build_windows([(10.0, 16.0)], 100.0, options, CutPoints(keyframes=(4.4, 19.6)))
    assert (w.start, w.end) == (5.0, 19.0)  # both 0.6 s away: the padding as asked


def test_exact_slack_pins_the_boundaries() -> None:
    options = WindowOptions(pre_slack=EXACT, post_slack=EXACT)
    (w,) = build_windows([(10.3, 16.4)], 100.0, options, GOP_1S)
    assert (w.start, w.end) == (pytest.approx(8.3), pytest.approx(18.4))


def test_default_options_give_the_issue_ranges() -> None:
    o = WindowOptions()
    assert (o.pre - o.pre_slack.shorter, o.pre + o.pre_slack.longer) == (0.5, 3.0)
    assert (o.post - o.post_slack.shorter, o.post + o.post_slack.longer) == (1.0, 4.0)
    assert o.pre_slack == DEFAULT_PRE_SLACK and o.post_slack == DEFAULT_POST_SLACK


def test_negative_slack_rejected() -> None:
    with pytest.raises(ConfigError):
        Slack(longer=-1.0)


def test_merged_duplicates_are_aligned_too() -> None:
    (w,) = build_windows([(10.0, 16.0), (10.5, 17.0)], 100.0, WindowOptions(), GOP_1S)
    assert (w.start, w.end) == (8.0, 19.0)
