"""Active speaker (pure): the moving mouth during speech wins, not the largest face."""

from __future__ import annotations

import numpy as np
import pytest

from cutups.analysis.speaker import NOBODY, active_speaker
from tests.shorts.synthetic import analysis, grid, track


def _talks(start: float, end: float, level: float = 4.0) -> object:
    return lambda t: level * (0.6 + 0.4 * np.sin(7 * t) ** 2) if start <= t < end else 0.05


def test_the_small_face_that_talks_beats_the_big_still_one() -> None:
    times = grid(8)
    big = track(0, times, lambda t: 300, lambda t: 0.05, size=300)
    small = track(1, times, lambda t: 900, _talks(0, 8), size=80)  # type: ignore[arg-type]
    result = active_speaker(analysis(8, big, small), np.ones(times.size))
    assert (result.track == 1).mean() > 0.95


def test_turns_are_found_where_they_change() -> None:
    times = grid(10)
    a = track(0, times, lambda t: 300, _talks(0, 4))  # type: ignore[arg-type]
    b = track(1, times, lambda t: 900, _talks(4, 10))  # type: ignore[arg-type]
    result = active_speaker(analysis(10, a, b), np.ones(times.size))
    first_b = int(np.argmax(result.track == 1))
    assert result.change_time(first_b) == pytest.approx(4.0, abs=0.25)
    assert set(result.track[:first_b].tolist()) == {0}
    assert set(result.track[first_b:].tolist()) == {1}


def test_a_face_moving_in_silence_counts_for_less() -> None:
    """Track 1 chews throughout (moves in the 4 s of silence too); track 0 moves only while
    there is speech: the speech is track 0's even though track 1 moves a little more."""
    times = grid(12)
    speech = (times < 8).astype(np.float64)
    talker = track(0, times, lambda t: 300, _talks(0, 8, 3.0))  # type: ignore[arg-type]
    chewer = track(1, times, lambda t: 900, lambda t: 3.5)
    result = active_speaker(analysis(12, talker, chewer), speech)
    assert (result.track[times < 8] == 0).mean() > 0.9


def test_no_face_is_nobody() -> None:
    result = active_speaker(analysis(3), np.ones(15))
    assert set(result.track.tolist()) == {NOBODY}


def test_speech_must_be_on_the_faces_timebase() -> None:
    with pytest.raises(ValueError, match="samples"):
        active_speaker(analysis(3), np.ones(7))
