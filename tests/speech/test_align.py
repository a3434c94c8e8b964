"""The forced aligner re-times words against the sound (real espeak speech, known word times)."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from cutups.errors import ModelError
from cutups.media.audio import SpeechAudio, extract_speech
from cutups.speech import align
from cutups.speech.align import ALIGNER, PlacedWord, align_transcript
from cutups.speech.transcript import Segment, Transcript, Word
from tests.shorts.accuracy import RATE, TrueWord, _connected_audio
from tests.speech.talk import TALK

SENTENCES = TALK[:3]


@pytest.fixture(scope="module")
def spoken(tmp_path_factory: pytest.TempPathFactory) -> tuple[SpeechAudio, list[TrueWord]]:
    """Three sentences, each spoken in one go, as the 16 kHz speech audio the recipes use."""
    folder = tmp_path_factory.mktemp("align")
    samples, words = _connected_audio(SENTENCES)
    wav = folder / "talk.wav"
    with wave.open(str(wav), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(samples.tobytes())
    return extract_speech(wav, folder / "speech.f32"), words


def _transcript(words: list[TrueWord], shifts: np.ndarray, language: str = "en") -> Transcript:
    """A recogniser's transcript of ``words``: right words, each start moved by its shift (the
    way Whisper's attention-based times err), one segment per sentence."""
    timed = [
        Word(text=w.text, start=max(0.0, w.start + s), end=max(0.0, w.start + s, w.end + s))
        for w, s in zip(words, shifts, strict=True)
    ]
    segments = []
    for n in sorted({w.sentence for w in words}):
        mine = tuple(t for t, w in zip(timed, words, strict=True) if w.sentence == n)
        text = " ".join(w.text for w in mine)
        segments.append(Segment(start=mine[0].start, end=mine[-1].end, text=text, words=mine))
    return Transcript(
        language=language,
        language_probability=1.0,
        duration=words[-1].end + 1,
        engine="test",
        segments=tuple(segments),
    )


def _whisper_like_shifts(count: int) -> np.ndarray:
    return np.random.default_rng(7).uniform(-0.3, 0.2, count)


def test_aligned_starts_are_within_60_ms_of_the_spoken_ones(
    spoken: tuple[SpeechAudio, list[TrueWord]],
) -> None:
    audio, truth = spoken
    shifts = _whisper_like_shifts(len(truth))
    before = _transcript(truth, shifts)
    after = align_transcript(before, audio)
    errors = np.array([w.start - t.start for w, t in zip(after.words, truth, strict=True)])
    assert np.mean(np.abs(shifts) <= 0.06) < 0.3  # the times it was given were mostly wrong
    assert np.mean(np.abs(errors) <= 0.06) >= 0.95, np.round(errors, 3)
    assert np.max(np.abs(errors)) <= 0.15
    assert after.engine == f"test+{ALIGNER}"
    for a, b in zip(after.words, after.words[1:], strict=False):
        assert a.start <= a.end <= b.start
    assert [s.text for s in after.segments] == [s.text for s in before.segments]


def test_another_language_and_an_unknown_word_keep_their_times(
    spoken: tuple[SpeechAudio, list[TrueWord]],
) -> None:
    audio, truth = spoken
    shifts = _whisper_like_shifts(len(truth))
    german = _transcript(truth, shifts, language="de")
    assert align_transcript(german, audio) == german
    garbled = [TrueWord("Qzxv" if k == 4 else w.text, w.start, w.end, w.sentence)
               for k, w in enumerate(truth)]  # fmt: skip
    given = _transcript(garbled, shifts)
    after = align_transcript(given, audio)
    # Not in the dictionary: its time is kept (only pushed past its aligned neighbour's end).
    assert after.words[4].start == max(given.words[4].start, after.words[3].end)
    first = [k for k, w in enumerate(truth) if w.sentence == 0 and k != 4]
    errors = np.array([after.words[k].start - truth[k].start for k in first])
    assert np.mean(np.abs(errors) <= 0.06) >= 0.8, np.round(errors, 3)  # its neighbours are not


def test_a_word_placed_too_far_from_the_recogniser_keeps_its_time() -> None:
    words = [Word(text="one", start=1.0, end=1.3), Word(text="two", start=1.3, end=1.6)]
    placed = [PlacedWord(0, 1.05, 1.25), PlacedWord(1, 2.5, 2.8)]
    retimed = align._retimed(words, placed, offset=0.0)
    assert (retimed[0].start, retimed[0].end) == (1.05, 1.25)
    assert retimed[1] == words[1]


def test_a_model_file_that_differs_from_its_pin_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    tampered = align.PinnedFile(align._DICTIONARY.package, align._DICTIONARY.path, "0" * 64)
    monkeypatch.setattr(align, "_DICTIONARY", tampered)
    align._model_paths.cache_clear()
    try:
        with pytest.raises(ModelError, match="pinned SHA-256"):
            align._decoder()
    finally:
        align._model_paths.cache_clear()


def test_the_shipped_model_matches_its_pins() -> None:
    model, dictionary = align._model_paths()
    assert (model / "mdef").is_file() and dictionary.name == "cmudict-en-us.dict"


def test_audio_offset_puts_aligned_times_on_the_video_timeline(
    spoken: tuple[SpeechAudio, list[TrueWord]], tmp_path: Path
) -> None:
    audio, truth = spoken
    late = SpeechAudio(audio.path, audio.rate, offset=0.5)  # audio starts 0.5 s into the video
    moved = [TrueWord(w.text, w.start + 0.5, w.end + 0.5, w.sentence) for w in truth]
    after = align_transcript(_transcript(moved, _whisper_like_shifts(len(moved))), late)
    errors = np.array([w.start - t.start for w, t in zip(after.words, moved, strict=True)])
    assert np.mean(np.abs(errors) <= 0.06) >= 0.95


def test_a_window_too_short_for_any_word_places_nothing(
    spoken: tuple[SpeechAudio, list[TrueWord]],
) -> None:
    audio, truth = spoken
    words = [Word(text=w.text, start=w.start, end=w.end) for w in truth[:3]]
    samples = audio.samples()
    decoder = align._decoder()
    assert align.aligned_words(decoder, samples, words, 1.0, 1.01) == []
    assert align.aligned_words(decoder, samples, words, 5.0, 5.0) == []
    placed = align.aligned_words(decoder, samples, words, 0.0, truth[3].start)
    assert [p.index for p in placed] == [0, 1, 2]


def test_a_start_after_a_pause_is_moved_onto_the_sound() -> None:
    voiced = np.zeros(300, bool)  # 10 ms ticks
    voiced[100:130] = voiced[160:200] = voiced[200:240] = True
    words = [
        Word(text="one", start=1.04, end=1.3),  # sound from 1.00, after silence: moved
        Word(text="two", start=1.55, end=2.0),  # sound from 1.60 after a pause: moved
        Word(text="three", start=2.02, end=2.4),  # touches "two": speech under way, kept
    ]
    snapped = align._snapped_onsets(words, voiced, previous_end=-1.0)
    assert [w.start for w in snapped] == [1.0, 1.6, 2.02]
    assert [w.end for w in snapped] == [1.3, 2.0, 2.4]


def test_a_last_word_cut_off_by_the_end_of_the_file_leaves_the_others_aligned(
    spoken: tuple[SpeechAudio, list[TrueWord]], tmp_path: Path
) -> None:
    audio, truth = spoken
    cut = tmp_path / "cut.f32"
    end = int((truth[-1].start + 0.06) * audio.rate)  # 60 ms into the last word
    audio.samples()[:end].tofile(cut)
    shifts = _whisper_like_shifts(len(truth))
    after = align_transcript(_transcript(truth, shifts), SpeechAudio(cut, audio.rate, 0.0))
    last = [k for k, w in enumerate(truth) if w.sentence == truth[-1].sentence][:-1]
    errors = np.array([after.words[k].start - truth[k].start for k in last])
    assert np.mean(np.abs(errors) <= 0.06) >= 0.9, np.round(errors, 3)
