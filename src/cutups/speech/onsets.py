"""Word times snapped to the sound where speech starts after (or stops before) a pause.

Whisper's word timestamps come from attention weights and run early: measured on speech with
known sentence times, sentence onsets were 150-200 ms early (up to 460 ms) and ends about 100 ms
early, which puts captions visibly ahead of the voice and can clip a word's end. Where a word
borders a pause the audio itself says where the sound starts and stops, so each such edge is moved
to the first (last) voiced 10 ms tick near the estimate. Words inside continuous speech keep
Whisper's times: there is no silence to snap to.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from cutups.media.audio import SpeechAudio
from cutups.speech.loudness import loudness_db
from cutups.speech.transcript import Segment, Transcript, Word

__all__ = ["refine_transcript", "refine_word_times", "voiced_ticks"]

TICK_RATE = 100.0
"""Ticks per second of the voicing signal (10 ms)."""
SEARCH_BEFORE = 0.25
"""Seconds before an estimated edge where the search starts."""
SEARCH_AFTER = 0.5
"""Seconds after an estimated edge the search may move it."""
MIN_CONTRAST_DB = 15.0
"""Speech must be this much louder than the quiet parts, else nothing is snapped (noisy audio)."""


def voiced_ticks(levels: NDArray[np.float32]) -> NDArray[np.bool_] | None:
    """Per tick: louder than 30 % of the way from the quiet floor to the speech level; None when
    the audio has too little contrast to tell (pure)."""
    if levels.size == 0:
        return None
    clipped = np.maximum(levels, -90.0)
    floor, speech = np.percentile(clipped, [10, 90])
    if speech - floor < MIN_CONTRAST_DB:
        return None
    return np.asarray(clipped >= floor + 0.3 * (speech - floor))


def _tick(t: float, size: int) -> int:
    return min(max(round(t * TICK_RATE), 0), size - 1)


def _onset(voiced: NDArray[np.bool_], estimate: float, lo: float, hi: float) -> float:
    first, last = _tick(lo, voiced.size), _tick(hi, voiced.size)
    if voiced[first] or last <= first:
        return estimate  # speech already under way: no pause to snap to
    hits = np.flatnonzero(voiced[first : last + 1])
    return (first + int(hits[0])) / TICK_RATE if hits.size else estimate


def _offset(voiced: NDArray[np.bool_], estimate: float, lo: float, hi: float) -> float:
    first, last = _tick(lo, voiced.size), _tick(hi, voiced.size)
    if voiced[last] or last <= first:
        return estimate  # the next sound follows straight on
    hits = np.flatnonzero(voiced[first : last + 1])
    return (first + int(hits[-1]) + 1) / TICK_RATE if hits.size else estimate


def refine_word_times(words: Sequence[Word], voiced: NDArray[np.bool_]) -> list[Word]:
    """``words`` with edges that border a pause moved onto the sound (pure).

    Arguments:
        voiced: per 10 ms tick on the same timeline, from :func:`voiced_ticks`.
    """
    refined: list[Word] = []
    for i, word in enumerate(words):
        previous_end = refined[-1].end if refined else 0.0
        next_start = words[i + 1].start if i + 1 < len(words) else word.end + SEARCH_AFTER
        lo = max(previous_end, word.start - SEARCH_BEFORE)
        hi = max(min(next_start, word.start + SEARCH_AFTER), word.start)
        start = max(_onset(voiced, word.start, lo, hi), previous_end)
        estimate = max(word.end, start + 0.05)
        hi = max(min(next_start, estimate + SEARCH_AFTER), estimate)
        end = _offset(voiced, estimate, max(start, estimate - SEARCH_BEFORE), hi)
        end = max(end, start + 0.02)
        refined.append(word.model_copy(update={"start": round(start, 3), "end": round(end, 3)}))
    return refined


def refine_transcript(transcript: Transcript, audio: SpeechAudio) -> Transcript:
    """The transcript with its word edges snapped to the sound (see the module doc)."""
    levels = loudness_db(audio.samples(), audio.rate, audio.offset, tick_rate=TICK_RATE)
    voiced = voiced_ticks(levels)
    if voiced is None or not transcript.segments:
        return transcript
    words = iter(refine_word_times(transcript.words, voiced))
    segments = []
    for segment in transcript.segments:
        mine = tuple(next(words) for _ in segment.words)
        segments.append(
            Segment(start=mine[0].start, end=mine[-1].end, text=segment.text, words=mine)
        )
    return transcript.model_copy(update={"segments": tuple(segments)})
