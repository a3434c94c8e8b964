"""Snapping word edges that border a pause onto the sound (pure)."""

from __future__ import annotations

import numpy as np

from cutups.speech.onsets import LEAD, refine_word_times, split_at_short_pauses, voiced_ticks
from cutups.speech.transcript import Word


def _voiced(spans: list[tuple[float, float]], seconds: float = 6.0) -> np.ndarray:
    levels = np.full(int(seconds * 100), -70.0, np.float32)
    for start, end in spans:
        levels[int(start * 100) : int(end * 100)] = -20.0
    voiced = voiced_ticks(levels)
    assert voiced is not None
    return voiced


def test_edges_next_to_pauses_move_onto_the_sound() -> None:
    # true sound: "hello" 1.00-1.40, "there" 1.40-1.90 (continuous), pause, "again" 3.00-3.50
    voiced = _voiced([(1.0, 1.9), (3.0, 3.5)])
    early = [
        Word(start=0.82, end=1.35, text="hello"),  # starts 180 ms early
        Word(start=1.35, end=1.75, text="there"),  # ends 150 ms early
        Word(start=2.80, end=3.30, text="again"),  # both edges early
    ]
    hello, there, again = refine_word_times(early, voiced)
    # inside speech: no pause to snap to, so the shared edge only loses Whisper's usual lead
    assert hello.start == 1.0 and hello.end == round(1.35 + LEAD, 3)
    assert there.start == round(1.35 + LEAD, 3) and there.end == 1.9
    assert again.start == 3.0 and again.end == 3.5


def test_continuous_speech_moves_only_the_shared_edge_and_flat_audio_nothing() -> None:
    voiced = _voiced([(0.5, 5.5)])
    words = [Word(start=1.0, end=1.4, text="in"), Word(start=1.4, end=1.8, text="speech")]
    inside, speech = refine_word_times(words, voiced)
    assert (inside.start, inside.end, speech.start, speech.end) == (1.0, 1.44, 1.44, 1.8)
    apart = [words[0], Word(start=1.6, end=1.9, text="apart")]  # not touching: kept
    assert refine_word_times(apart, voiced) == apart
    assert voiced_ticks(np.full(500, -30.0, np.float32)) is None  # no contrast: no snapping
    assert voiced_ticks(np.zeros(0, np.float32)) is None


def test_touching_words_are_split_at_the_short_pause_between_them() -> None:
    # "stop" 1.00-1.50 with a 30 ms closure at 1.20, a 60 ms pause, "now" 1.56-2.00;
    # Whisper makes them touch at 1.40, 160 ms before "now" is heard.
    voiced = _voiced([(1.0, 1.2), (1.23, 1.5), (1.56, 2.0)])
    words = [Word(start=1.0, end=1.4, text="stop"), Word(start=1.4, end=1.95, text="now")]
    stop, now = split_at_short_pauses(words, voiced)
    assert stop.end == 1.5 and now.start == 1.56  # the pause, not the closure inside "stop"
    assert refine_word_times(words, voiced)[1].start == 1.56
