"""The virtual camera (pure): shot rules, and a steady path within a shot."""

from __future__ import annotations

import numpy as np
import pytest

from cutups.analysis.speaker import ActiveSpeaker
from cutups.recipes.shorts.camera import Shot, follow, plan_shots, simplify
from cutups.recipes.shorts.framing_metrics import (
    SpeechTurn,
    Subject,
    back_and_forth,
    min_hold,
    p95_speed,
    speaker_in_crop_share,
)
from tests.shorts.synthetic import RATE, analysis, grid, track


def _speaker(labels: list[tuple[int, float]]) -> ActiveSpeaker:
    """Labels as (track, seconds) runs on the 5 Hz grid."""
    track_ids = np.concatenate([np.full(round(s * RATE), t) for t, s in labels]).astype(np.int64)
    times = np.arange(track_ids.size) / RATE
    return ActiveSpeaker(times, RATE, track_ids, np.ones(track_ids.size, bool))


def _switches(shots: list[Shot]) -> list[float]:
    return [s.start for s in shots[1:]]


def test_a_short_interjection_gets_no_shot() -> None:
    shots = plan_shots(_speaker([(0, 4), (1, 0.6), (0, 4)]), 8.6)
    assert [s.track for s in shots] == [0]


def test_a_turn_a_little_short_of_the_hold_is_stretched() -> None:
    shots = plan_shots(_speaker([(0, 4), (1, 1.2), (0, 4)]), 9.2)
    assert [s.track for s in shots] == [0, 1, 0]
    assert shots[1].end - shots[1].start >= 1.5
    assert shots[2].start - (4 + 1.2) <= 0.7, "the switch back may be late, but not by much"


def test_rapid_alternation_never_switches_back_within_a_second() -> None:
    shots = plan_shots(_speaker([(0, 0.8), (1, 0.8)] * 8 + [(0, 3)]), 15.8)
    gaps = np.diff([0.0, *_switches(shots), 15.8])
    assert gaps.min() >= 1.5


def test_nobody_speaking_keeps_the_shot() -> None:
    shots = plan_shots(_speaker([(0, 3), (-1, 2), (1, 3)]), 8)
    assert [s.track for s in shots] == [0, 1]


def _path_for(centre: object, seconds: float = 10.0, fps: float = 25.0) -> object:
    times = grid(seconds)
    face = track(0, times, centre, lambda t: 3.0)  # type: ignore[arg-type]
    faces = analysis(seconds, face)
    return follow(faces, [Shot(0.0, seconds, 0)], fps), faces


def test_a_jittery_face_inside_the_dead_zone_holds_the_camera_still() -> None:
    path, _ = _path_for(lambda t: 640 + 12 * np.sin(9 * t))  # type: ignore[misc]
    xs = path.x_at(np.arange(250) / 25)
    assert np.ptp(xs) < 1.0


def test_a_walking_face_is_followed_within_the_speed_limit() -> None:
    """The face walks 500 px in 10 s (2 px a frame, more than the limit of 1.9)."""
    path, _ = _path_for(lambda t: 300 + 50 * t)  # type: ignore[misc]
    assert p95_speed(path, 0, 10, 25) <= 0.002
    times = np.arange(250) / 25
    centre = path.x_at(times) + path.width / 2
    face = 300 + 50 * times
    assert np.abs(centre - face).max() < path.width / 2 - 60, "the face never leaves the crop"


def test_framing_metrics_on_a_known_path() -> None:
    from cutups.recipes.shorts.framing import CropKey, CropPath

    path = CropPath(
        1280, 720, 404, 720, 0, (CropKey(0, 100), CropKey(3, 100), CropKey(3, 700)), (3.0,)
    )
    turns = [SpeechTurn(0, 0, 3.2), SpeechTurn(1, 3.2, 6)]
    subjects = [Subject(150, 400), Subject(750, 1000)]
    assert speaker_in_crop_share(path, turns, subjects, 25) == pytest.approx(1 - 5 / 150)
    assert min_hold(path, 0, 6) == 3.0
    assert back_and_forth(path) == 0
    assert p95_speed(path, 0, 6, 25) == 0.0


def test_simplify_keeps_the_path_within_tolerance() -> None:
    times = np.arange(500) / 25
    xs = 200 + 80 * np.sin(times / 3)
    keys = simplify(times, xs, 0.5)
    assert len(keys) < 60
    back = np.interp(times, [k.t for k in keys], [k.x for k in keys])
    assert np.abs(back - xs).max() <= 0.51
