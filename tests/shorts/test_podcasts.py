"""The acceptance numbers on generated podcasts: faces -> speaker -> camera -> metrics."""

from __future__ import annotations

from cutups.analysis.faces import detect_faces
from cutups.analysis.speaker import active_speaker
from cutups.analysis.voice import voice_activity_from_energy
from cutups.recipes.shorts.framing import FocusFraming
from cutups.recipes.shorts.framing_metrics import SpeechTurn, Subject, framing_report
from cutups.recipes.shorts.layouts import frame_clip
from tests.shorts.media import SourceTruth


def test_the_camera_frames_whoever_speaks(podcast: SourceTruth) -> None:
    faces = detect_faces(podcast.path)
    assert len(faces.tracks) == len(podcast.subjects), "one track per person, no more"
    speech = voice_activity_from_energy(faces.audio_db)
    framing = frame_clip(faces, active_speaker(faces, speech), podcast.fps)
    assert isinstance(framing, FocusFraming)
    report = framing_report(
        framing.path,
        [SpeechTurn(t.person, t.start, t.end) for t in podcast.turns],
        [Subject(b.x0, b.x1) for b in podcast.subjects],
        0.0,
        podcast.duration,
        podcast.fps,
    )
    print(podcast.path.name, report)
    assert not report.failures(), report
    assert report.switches == len(podcast.turns) - 1
