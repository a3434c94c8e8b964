"""The acceptance measures themselves, on generated media whose errors are known.

``benchmarks/shorts_accuracy.py`` reports shorts' numbers with these; here each measure must
find an error that was put there on purpose, and report none where there is none.
"""

from __future__ import annotations

import itertools
import math
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest

from cutups.output.captions import CaptionStyle
from cutups.speech.transcript import Word
from tests.shorts.accuracy import (
    SENTENCE_GAP,
    TrueWord,
    WordTalk,
    av_offsets,
    caption_onsets,
    connected_talk,
    cut_errors,
    matched_onset_errors,
    word_by_word_talk,
)
from tests.speech.talk import TALK


@pytest.fixture(scope="module")
def marked_talk(tmp_path_factory: pytest.TempPathFactory) -> WordTalk:
    return word_by_word_talk(TALK[:3], tmp_path_factory.mktemp("marked-talk"))


def test_the_talk_knows_its_words_and_marks(marked_talk: WordTalk) -> None:
    words = marked_talk.words
    assert [w.text for w in words[:3]] == ["Why", "do", "most"]
    assert {w.sentence for w in words} == {0, 1, 2} and len(marked_talk.marks) == 2
    assert all(a.end < b.start for a, b in itertools.pairwise(words))


def test_av_offset_is_zero_in_sync_and_found_when_the_sound_is_late(
    marked_talk: WordTalk, tmp_path: Path
) -> None:
    in_sync = av_offsets(marked_talk.path)
    assert len(in_sync) == 2 and max(abs(o) for o in in_sync) <= 0.010
    late = tmp_path / "late.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(marked_talk.path), "-itsoffset", "0.08",
         "-i", str(marked_talk.path), "-map", "0:v", "-map", "1:a", "-c", "copy", str(late)],
        check=True,
    )  # fmt: skip
    assert [round(o, 2) for o in av_offsets(late)] == [0.08, 0.08]


def test_cut_errors_name_a_cut_word_and_a_mid_sentence_end(marked_talk: WordTalk) -> None:
    words = marked_talk.words
    first_sentence = [w for w in words if w.sentence == 0]
    clean = (first_sentence[0].start - 0.05, first_sentence[-1].end + 0.05)
    assert cut_errors([clean], words) == []
    through = (clean[0], (words[3].start + words[3].end) / 2)
    early_end = (clean[0], words[3].end + 0.01)
    found = cut_errors([through, early_end], words)
    assert "cuts through ['people']" in found[0] and "ends mid-sentence after 'people'" in found[1]


def test_caption_onsets_are_the_words_starts_and_misses_are_counted() -> None:
    spoken = [
        Word(start=1.0 + i, end=1.5 + i, text=t) for i, t in enumerate(["ask", "not", "what"])
    ]
    shown = caption_onsets(spoken, 0.5, 4.0, CaptionStyle())
    assert shown == [("ask", 1.0), ("not", 2.0), ("what", 3.0)]
    truth = [TrueWord("ask", 1.05, 1.5, 0), TrueWord("never", 1.6, 1.9, 0),
             TrueWord("not", 2.0, 2.4, 0), TrueWord("what", 2.8, 3.3, 0)]  # fmt: skip
    errors = matched_onset_errors(shown, truth)
    assert (
        errors[1] is None and errors[0] == pytest.approx(0.05) and errors[3] == pytest.approx(0.2)
    )
    # on screen: the first 25 fps frame of the clip (from 0.5 s) at or after each onset
    late = [Word(start=1.01, end=1.5, text="ask"), Word(start=2.04, end=2.5, text="not")]
    framed = caption_onsets(late, 0.5, 4.0, CaptionStyle(), fps=25)
    assert [round(t, 3) for _, t in framed] == [1.02, 2.06]


def test_connected_talk_words_start_where_espeak_says_and_touch(tmp_path: Path) -> None:
    talk = connected_talk(TALK[:2], tmp_path)
    words = talk.words
    assert [w.text for w in words[:3]] == ["Why", "do", "most"]
    assert {w.sentence for w in words} == {0, 1} and len(talk.marks) == 1
    assert all(a.start < a.end <= b.start + 1e-9 for a, b in itertools.pairwise(words))
    inside = [b.start - a.end for a, b in itertools.pairwise(words) if a.sentence == b.sentence]
    assert max(inside) < 0.05  # connected: no pauses between words inside a sentence
    gaps = [b.start - a.end for a, b in itertools.pairwise(words) if a.sentence != b.sentence]
    assert gaps == [pytest.approx(SENTENCE_GAP, abs=0.01)]
    assert av_offsets(talk.path) == pytest.approx([0.0], abs=0.01)


def _sound_delays(talk: WordTalk, folder: Path) -> dict[str, float]:
    """Per word: seconds from its true start to its first sample above espeak's silence."""
    with wave.open(str(folder / "talk.wav")) as w:
        rate = w.getframerate()
        samples = np.frombuffer(w.readframes(w.getnframes()), "<i2")
    delays = {}
    for word in talk.words:
        at = round(word.start * rate)
        loud = np.flatnonzero(np.abs(samples[at : round(word.end * rate)]) > 300)
        delays[word.text] = loud[0] / rate if loud.size else math.inf
    return delays


def test_connected_word_starts_are_on_the_word_not_on_the_pause_before_it(
    tmp_path: Path,
) -> None:
    # The reference itself: espeak's word event marks where the word's first phoneme starts.
    # After the comma the pause (~170 ms) lies before "and", whose sound starts at its event;
    # "talent" opens with the silent closure of its /t/ (~50 ms before the burst), as a forced
    # aligner would place it. Over the whole 26-sentence talk: median 0 ms from event to sound,
    # 95th percentile 50 ms, every delay >= 40 ms a word opening with a voiceless stop.
    talk = connected_talk(TALK[3:4], tmp_path)  # "It is not talent, and it is not money."
    delays = _sound_delays(talk, tmp_path)
    words = {w.text: w for w in talk.words}
    assert words["and"].start - words["talent"].end > 0.1 and delays["and"] < 0.01
    assert 0.03 < delays["talent"] < 0.07
    assert max(delays.values()) < 0.07
