"""Pairing rows with detections when no clock was read: order and the listed clocks' gaps."""

from __future__ import annotations

import pytest

from cutups.align.pbp_align import align_plays
from cutups.align.sequence import SequenceParams, pair_by_sequence, transition_cost
from cutups.analysis.clock_model import ClockModel
from cutups.errors import WrongGameError
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


def test_a_false_detection_too_soon_after_a_play_is_left_out() -> None:
    # A replay detected 12 s after play 2 ends, while the clock ran 26 s to play 3's end:
    # taking it for play 3 would have the clock run faster than the video.
    ends = sorted([*ENDS, 70.0])
    fit = pair_by_sequence(_rows(), _dets(ends), "end")
    by_row = dict(fit.pairs)
    assert [ends[by_row[i]] for i in range(len(CLOCKS))] == ENDS


def test_rows_outside_the_recording_are_left_out() -> None:
    # The recording starts at play 3: the first three rows have no play in it.
    ends = [e - 80.0 for e in ENDS[3:]]
    fit = pair_by_sequence(_rows(), _dets(ends), "end")
    assert [i for i, _ in fit.pairs] == [3, 4, 5, 6, 7]


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
