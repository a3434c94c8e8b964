"""The cut planner on made-up decode orders: no ffmpeg, no files."""

from __future__ import annotations

from fractions import Fraction

import pytest

from cutups.media.cutplan import FrameGrid, PacketWindow, Segment, plan_segments

NTSC = FrameGrid(Fraction(30000, 1001), Fraction(1, 30000), 0, 1000)


def pyramid(first: int, count: int) -> tuple[int, ...]:
    """Decode order of x264's B-pyramid mini-GOPs (I0 P4 B2 b1 b3 P8 B6 b5 b7 ...)."""
    order = [first]
    for base in range(first, first + count - 1, 4):
        order += [base + 4, base + 2, base + 1, base + 3]
    return tuple(i for i in order if i < first + count)


@pytest.mark.parametrize(
    ("t", "frame"),
    [
        (0.0, 0),
        (1001 / 30000, 1),
        (1.6016, 48),
        (1.6016 - 0.016, 48),
        (1.6016 + 0.016, 48),
        (1.6016 + 0.017, 49),
        (1.6016 - 0.017, 47),
    ],
)
def test_times_snap_to_the_nearest_frame(t: float, frame: int) -> None:
    assert NTSC.index(t) == frame


def test_pts_threshold_survives_coarse_time_bases() -> None:
    grid = FrameGrid(Fraction(30000, 1001), Fraction(1, 1000), 0, 1000)  # MKV: 1 ms ticks
    pts = [round(i * 1001 / 30) for i in range(100)]  # 0, 33, 67, 100, ...
    for i in range(1, 99):
        assert pts[i - 1] < grid.pts_at_or_after(i) <= pts[i]


def test_start_on_keyframe_and_clean_end_is_pure_copy() -> None:
    window = PacketWindow(pyramid(48, 80), 2002, reached_eof=False)
    # 48 + 4k + 1 ends after an anchor: decode order agrees there.
    assert plan_segments(48, 97, [0, 48, 96], window) == [Segment("copy", 48, 97, 49)]


def test_head_copy_and_tail() -> None:
    window = PacketWindow(pyramid(48, 120), 2002, reached_eof=False)
    segments = plan_segments(40, 103, [0, 48, 96, 144], window)
    assert segments == [
        Segment("encode", 40, 48),
        Segment("copy", 48, 101, 53),
        Segment("encode", 101, 103),
    ]
    assert sum(s.frames for s in segments or []) == 103 - 40


def test_no_reordering_copies_to_the_exact_end() -> None:
    window = PacketWindow(tuple(range(60, 130)), 0, reached_eof=False)
    assert plan_segments(31, 77, [0, 30, 60, 90], window) == [
        Segment("encode", 31, 60),
        Segment("copy", 60, 77, 17),
    ]


def test_end_of_stream_is_a_clean_end() -> None:
    window = PacketWindow(pyramid(96, 24), 2002, reached_eof=True)  # frames 96..119, then EOF
    assert plan_segments(96, 120, [0, 48, 96], window) == [Segment("copy", 96, 120, 24)]


def test_nothing_to_copy() -> None:
    window = PacketWindow(pyramid(48, 40), 2002, reached_eof=False)
    assert plan_segments(10, 40, [0, 48], window) is None  # no keyframe inside
    assert plan_segments(10, 60, [0, 48], None) is None
    wrong_start = PacketWindow(pyramid(50, 40), 2002, reached_eof=False)
    assert plan_segments(10, 80, [0, 48], wrong_start) is None


def test_packets_that_are_not_one_frame_each_are_refused() -> None:
    duplicated = PacketWindow((48, 52, 50, 50, 51, 49, 53), 2002, reached_eof=True)
    assert plan_segments(48, 54, [48], duplicated) is None
    # Leading pictures of an open GOP would show frames from before the keyframe.
    leading = PacketWindow((48, 46, 47, 52, 50, 49, 51, 53), 2002, reached_eof=True)
    assert plan_segments(48, 54, [48], leading) is None
