"""Local transcription with the shipped model, on real and generated speech."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import numpy as np
import pytest

from cutups.errors import MediaError, NoAudioStreamError
from cutups.media.audio import extract_speech
from cutups.media.ffmpeg import run
from cutups.speech.local import LocalTranscriber, speech_windows
from cutups.speech.transcript import Transcript
from tests.speech.talk import datasets, speak, wer

JFK = datasets() / "speech" / "jfk.flac"
JFK_TEXT = (
    "And so my fellow Americans, ask not what your country can do for you, "
    "ask what you can do for your country."
)
FACES = sorted((datasets() / "talking-heads").glob("face_*.mp4")) if datasets().is_dir() else []
needs_shared = pytest.mark.skipif(not datasets().is_dir(), reason=f"no datasets at {datasets()}")


def _transcribe(transcriber: LocalTranscriber, source: Path, work: Path) -> Transcript:
    return transcriber.transcribe(extract_speech(source, work / f"{source.stem}.f32"))


def _check_words(transcript: Transcript) -> None:
    words = transcript.words
    assert all(w.start <= w.end <= transcript.duration + 0.05 for w in words)
    assert all(a.start <= b.start for a, b in itertools.pairwise(words))


@needs_shared
def test_jfk_word_error_rate_is_at_most_ten_percent(
    transcriber: LocalTranscriber, tmp_path: Path
) -> None:
    started = time.perf_counter()
    transcript = _transcribe(transcriber, JFK, tmp_path)
    elapsed = time.perf_counter() - started
    assert wer(JFK_TEXT, transcript.text) <= 0.10, transcript.text
    assert transcript.language == "en" and transcript.warnings == ()
    _check_words(transcript)
    # "country" is the last word: it ends near the end of the 11 s recording
    assert transcript.words[-1].text.lower().startswith("country")
    assert 9.0 < transcript.words[-1].end < 11.1
    print(f"jfk: 11.0 s of speech in {elapsed:.2f} s")


@needs_shared
@pytest.mark.parametrize("clip", FACES, ids=[f.stem for f in FACES])
def test_talking_heads_read_as_english_speech(
    transcriber: LocalTranscriber, clip: Path, tmp_path: Path
) -> None:
    transcript = _transcribe(transcriber, clip, tmp_path)
    assert transcript.language == "en" and transcript.warnings == ()
    assert len(transcript.words) >= 8, transcript.text
    assert sum(w.probability for w in transcript.words) / len(transcript.words) > 0.6
    _check_words(transcript)


def _silence(path: Path, seconds: float) -> Path:
    run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "anullsrc=r=48000:cl=stereo",
         "-t", str(seconds), "-c:a", "aac", str(path)])  # fmt: skip
    return path


def test_silence_is_an_empty_transcript_with_a_warning(
    transcriber: LocalTranscriber, tmp_path: Path
) -> None:
    transcript = _transcribe(transcriber, _silence(tmp_path / "quiet.m4a", 12), tmp_path)
    assert transcript.segments == () and transcript.words == ()
    assert transcript.warnings == ("no_speech",) and transcript.language is None
    assert transcript.duration == pytest.approx(12, abs=0.1)


def test_another_language_is_detected_and_reported(
    transcriber: LocalTranscriber, tmp_path: Path
) -> None:
    german = (
        "Guten Morgen, meine Damen und Herren.",
        "Heute sprechen wir über das Wetter in Berlin und über die Preise für Brot.",
    )
    talk = speak(german, tmp_path / "de.wav", voice="de")
    transcript = _transcribe(transcriber, talk.path, tmp_path)
    assert transcript.language == "de"
    assert transcript.warnings == ("other_language",)
    assert transcript.words


def test_a_file_without_audio_is_refused_clearly(
    transcriber: LocalTranscriber, tmp_path: Path
) -> None:
    video = tmp_path / "mute.mp4"
    run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "color=c=blue:s=64x64:r=10",
         "-t", "1", "-c:v", "libx264", str(video)])  # fmt: skip
    with pytest.raises(NoAudioStreamError, match="no audio stream"):
        extract_speech(video, tmp_path / "a.f32")
    (tmp_path / "junk.mp4").write_bytes(b"\x00not a video" * 100)
    with pytest.raises(MediaError):
        extract_speech(tmp_path / "junk.mp4", tmp_path / "b.f32")


def test_word_times_are_on_the_video_timeline_when_audio_starts_late(
    transcriber: LocalTranscriber, tmp_path: Path
) -> None:
    talk = speak(("Hello there, this is a test of the timeline.",), tmp_path / "s.wav")
    late = tmp_path / "late.mp4"
    run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "color=c=gray:s=64x64:r=25",
         "-itsoffset", "1.5", "-i", str(talk.path), "-map", "0:v", "-map", "1:a", "-t", "6",
         "-c:v", "libx264", "-c:a", "aac", str(late)])  # fmt: skip
    audio = extract_speech(late, tmp_path / "late.f32")
    assert audio.offset == pytest.approx(1.5, abs=0.05)
    transcript = transcriber.transcribe(audio)
    spoken = talk.times[0][0] + 1.5
    assert transcript.words[0].start == pytest.approx(spoken, abs=0.05)


def test_windows_cut_at_the_quietest_moment_near_each_boundary() -> None:
    rate = 100
    samples = np.ones(rate * 100, np.float32)
    samples[rate * 23 : rate * 23 + 20] = 0.0  # a pause at 23 s, within 30 s before 30 s
    windows = speech_windows(samples, rate, 30.0)
    assert windows[0] == (0, windows[1][0])
    assert 23 * rate <= windows[0][1] <= 23 * rate + 20
    assert windows[-1][1] == len(samples)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(windows))
    assert speech_windows(samples[:500], rate, 30.0) == [(0, 500)]
