"""Face detection, tracks, mouth activity and shot cuts on generated media."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cutups.analysis.face_detect import FaceDetector
from cutups.analysis.face_model import FACE_MODEL, locate_face_model
from cutups.analysis.face_tracks import Detection, build_tracks
from cutups.analysis.faces import detect_faces
from cutups.errors import ConfigError, MediaError, ModelError
from cutups.media.ffmpeg import file_arg, run
from tests.shorts.media import SourceTruth
from tests.shorts.synthetic import box


def test_each_person_is_one_track_and_the_speaker_moves_their_mouth(
    drawn_podcast: SourceTruth,
) -> None:
    faces = detect_faces(drawn_podcast.path)
    assert faces.times.size == pytest.approx(drawn_podcast.duration * 5, abs=1)
    assert faces.cuts.size == 0
    by_person = sorted(faces.tracks, key=lambda t: t.boxes[0].cx)
    assert len(by_person) == 2
    for person, track in enumerate(by_person):
        subject = drawn_podcast.subjects[person]
        assert track.times.size == faces.times.size, "tracked at every sample"
        assert all(subject.x0 <= b.cx <= subject.x1 for b in track.boxes)
    for turn in drawn_podcast.turns:
        inside = (faces.times > turn.start + 0.3) & (faces.times < turn.end)
        speaking = by_person[turn.person].mouth_activity[inside].mean()
        silent = by_person[1 - turn.person].mouth_activity[inside].mean()
        assert speaking > 10 * max(silent, 0.1)


def test_spans_sample_only_their_time(drawn_podcast: SourceTruth) -> None:
    faces = detect_faces(drawn_podcast.path, 2.0, 4.0, rate=4)
    assert faces.times[0] == pytest.approx(2.0) and faces.times[-1] < 4.0
    assert len(faces.tracks) == 2


def test_a_shot_cut_ends_every_track(
    drawn_podcast: SourceTruth, screen_share: SourceTruth, tmp_path: Path
) -> None:
    joined = tmp_path / "cut.mp4"
    inputs = ["-t", "3", "-i", file_arg(drawn_podcast.path), "-t", "3", "-i"]
    graph = "[0:v][0:a][1:v][1:a]concat=n=2:v=1:a=1[v][a]"
    maps = ["-map", "[v]", "-map", "[a]"]
    source = file_arg(screen_share.path)
    run(
        [
            "ffmpeg",
            "-nostdin",
            "-v",
            "error",
            *inputs,
            source,
            "-filter_complex",
            graph,
            *maps,
            file_arg(joined),
        ]
    )
    faces = detect_faces(joined)
    assert faces.cuts.tolist() == [pytest.approx(3.0, abs=0.21)]
    assert all(t.end < 3.0 or t.start >= 3.0 for t in faces.tracks), "no track crosses the cut"
    assert len({t.id for t in faces.tracks}) == len(faces.tracks) == 3


def test_a_face_missed_for_a_sample_keeps_its_id() -> None:
    found = [[Detection(box(300), 1.0)] if i != 4 else [] for i in range(10)]
    tracks = build_tracks([i / 5 for i in range(10)], found, [False] * 10)
    assert len(tracks) == 1 and tracks[0].times.size == 10


def test_detections_that_flicker_are_not_tracks() -> None:
    found = [[Detection(box(300), 1.0)] if i == 3 else [] for i in range(10)]
    assert build_tracks([i / 5 for i in range(10)], found, [False] * 10) == ()


def test_no_face_anywhere(no_face: SourceTruth) -> None:
    faces = detect_faces(no_face.path)
    assert faces.tracks == ()
    assert faces.audio_db.max() > -30, "the tone is measured"


def test_the_model_file_is_checked(tmp_path: Path) -> None:
    assert locate_face_model().stat().st_size > 1_000_000
    altered = tmp_path / FACE_MODEL.name
    data = bytearray(locate_face_model().read_bytes())
    data[-1] ^= 0xFF
    altered.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="SHA-256"):
        FaceDetector(altered)
    with pytest.raises(ModelError, match="make install"):
        FaceDetector(tmp_path / "missing.tflite")


def test_bad_input_is_a_clear_error(tmp_path: Path) -> None:
    text = tmp_path / "notes.mp4"
    text.write_text("not a video\n" * 20)
    with pytest.raises(MediaError):
        detect_faces(text)
    with pytest.raises(ConfigError):
        detect_faces(text, rate=100)


def test_detector_finds_faces_in_a_plain_array(screen_share: SourceTruth) -> None:
    from cutups.media.sample import sample_frames

    [(_, image)] = sample_frames(screen_share.path, [1.0], width=1280, height=720, gray=False)
    faces = FaceDetector().detect(np.asarray(image))
    cam = screen_share.webcam
    assert cam is not None and len(faces) == 1
    assert cam.x0 < faces[0].cx < cam.x1 and cam.y0 < faces[0].cy < cam.y1
