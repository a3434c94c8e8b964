"""The layout chooser and its framings, on generated sources."""

from __future__ import annotations

import numpy as np
import pytest

from cutups.analysis.faces import detect_faces
from cutups.analysis.speaker import active_speaker
from cutups.recipes.shorts.framing import (
    FocusFraming,
    StackFraming,
    StaticFraming,
    output_size,
)
from cutups.recipes.shorts.layouts import choose_layout, frame_clip
from tests.shorts.media import SourceTruth


def _framing(source: SourceTruth, layout: str = "auto") -> object:
    faces = detect_faces(source.path)
    speaker = active_speaker(faces, np.ones(faces.times.size))
    return frame_clip(faces, speaker, source.fps, layout)  # type: ignore[arg-type]


def test_a_podcast_is_followed(drawn_podcast: SourceTruth) -> None:
    assert choose_layout(detect_faces(drawn_podcast.path)) == "focus"


def test_a_screen_share_stacks_the_screen_over_the_webcam_face(screen_share: SourceTruth) -> None:
    framing = _framing(screen_share)
    assert isinstance(framing, StackFraming)
    cam = screen_share.webcam
    assert cam is not None
    face = framing.face
    assert cam.x0 - 40 <= face.x and face.x + face.width <= cam.x1 + 40
    assert face.width / face.height == pytest.approx(9 / (16 * 0.45), rel=0.05)


def test_no_face_is_static_blur_and_centre_on_request(no_face: SourceTruth) -> None:
    framing = _framing(no_face)
    assert isinstance(framing, StaticFraming) and framing.mode == "blur"
    forced = _framing(no_face, "focus")
    assert isinstance(forced, StaticFraming), "nobody to follow: static whatever was asked"


def test_the_layout_can_be_forced(screen_share: SourceTruth) -> None:
    framing = _framing(screen_share, "focus")
    assert isinstance(framing, FocusFraming)
    cam = screen_share.webcam
    assert cam is not None
    left = framing.path.x_at(np.array([1.0]))[0]
    assert left <= cam.x0 and cam.x1 <= left + framing.path.width


@pytest.mark.parametrize(
    ("height", "size"), [(720, (404, 720)), (1080, (608, 1080)), (2160, (1080, 1920))]
)
def test_output_size_is_9_16_up_to_1080x1920(height: int, size: tuple[int, int]) -> None:
    assert output_size(height) == size
