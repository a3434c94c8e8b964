from __future__ import annotations

import pytest

from cutups.errors import ConfigError
from cutups.recipes.windows import WindowOptions, build_windows


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
