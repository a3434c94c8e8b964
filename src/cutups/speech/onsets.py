"""Word times snapped to the sound where speech starts after (or stops before) a pause.

Whisper's word timestamps come from attention weights and run early: measured on speech with
known sentence times, sentence onsets were 150-200 ms early (up to 460 ms) and ends about 100 ms
early, which puts captions visibly ahead of the voice and can clip a word's end. Where a word
borders a pause the audio itself says where the sound starts and stops, so each such edge is moved
to the first (last) voiced 10 ms tick near the estimate. Between two words that Whisper makes
touch (its usual way: a word starts where the previous one ended, ~150 ms before it is heard),
a short pause of at least 30 ms just after the shared edge splits them there
(:func:`split_at_short_pauses`). Where no such pause is found (connected speech), the shared
edge moves :data:`LEAD` later: Whisper's starts run early there too.

Measured on the 26-sentence espeak talk spoken in one go per sentence (word starts from
espeak-ng's word events; ``benchmarks/shorts_accuracy.py``), Whisper ``base`` word starts inside
sentences are a median 45 ms early (5th-95th percentile -165 ms to +24 ms). Caption onsets
(rounded to 25 fps frames) within 100 ms of the true start, all 252 words: 79 % raw, 85 % with
the pause snapping, 89 % with the 40 ms lead too (odd and even sentences alike: 85 -> 89 %,
84 -> 89 %); on the same talk spoken word by word the lead changes nothing (92 %). A shorter
split search (0.2 s) gains 1.6 points on connected speech but loses 2.8 word by word.

Tried on the same talk and not adopted (captions within 100 ms, 92.1 % as shipped; word by word,
89.7 % scored as one span, checked alongside): snapping connected edges to the nearest or strongest
spectral-flux onset within 30-80 ms (79-92 %: phoneme onsets come every 60-100 ms, so snapping
cannot fix Whisper's 100-300 ms misses); faster-whisper's DTW median filter width 1-15 (90.9-92.1
%), VAD off, VAD at 500 ms silences or 10 s chunks (88.1-90.9 %); spreading a run of touching words
by letter count (no gain at 25 %, worse beyond); averaging with the ``tiny.en`` model's starts (a
median 107 ms late, errors correlated 0.54 with ``base``'s: no narrower); ignoring short silences
far after the estimate or ending before Whisper's start (+0.4-1.2 points connected, word by word
down to 86.6 %), or unless a stop letter borders them (word by word 62-72 %); a 50 ms-per-letter
minimum for the word before a shared edge (+0.8 points, but down to 85 % at 60 ms: tuned to
espeak's pace). Whisper's large misses inside sentences (37 of 221 starts over 120 ms early) follow
a previous word it made too short (51 ms per letter against 80 ms), which no local acoustic cue
here recovered.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from cutups.media.audio import SpeechAudio
from cutups.speech.loudness import loudness_db
from cutups.speech.transcript import Segment, Transcript, Word

__all__ = [
    "refine_transcript",
    "refine_word_times",
    "sound_onset",
    "split_at_short_pauses",
    "voiced_ticks",
    "voiced_ticks_of",
]

TICK_RATE = 100.0
"""Ticks per second of the voicing signal (10 ms)."""
SEARCH_BEFORE = 0.25
"""Seconds before an estimated edge where the search starts."""
SEARCH_AFTER = 0.5
"""Seconds after an estimated edge the search may move it."""
SPLIT_BEFORE = 0.1
"""Seconds before a shared edge where a pause between touching words may start."""
SPLIT_AFTER = 0.3
"""Seconds after a shared edge where that pause may start (Whisper's edges run early)."""
SPLIT_MIN_TICKS = 3
"""Unvoiced ticks that make a pause between words (shorter: a stop consonant's closure)."""
LEAD = 0.04
"""Seconds a shared edge between touching words moves later when no pause is found near it
(about Whisper's median lead inside sentences, 45 ms)."""
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


def sound_onset(voiced: NDArray[np.bool_], estimate: float, lo: float, hi: float) -> float:
    """The first voiced tick in ``[lo, hi]`` (timeline seconds) when that stretch starts in a
    pause; else ``estimate`` (speech already under way, or no sound there)."""
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


def _longest_pause(voiced: NDArray[np.bool_], lo: float, hi: float) -> tuple[float, float] | None:
    """The longest run of >= SPLIT_MIN_TICKS unvoiced ticks starting in ``[lo, hi]`` and ending
    on a voiced tick, as seconds (start, end): a pause between words outlasts a stop
    consonant's closure inside one."""
    first, last = _tick(lo, voiced.size), _tick(hi, voiced.size)
    best: tuple[int, int] | None = None
    run = 0
    for tick in range(first, voiced.size):
        if not voiced[tick]:
            run += 1
            continue
        if run >= SPLIT_MIN_TICKS and (best is None or run > best[1] - best[0]):
            best = (tick - run, tick)
        run = 0
        if tick > last:
            break
    return None if best is None else (best[0] / TICK_RATE, best[1] / TICK_RATE)


def _lead_removed(before: Word, word: Word) -> tuple[Word, Word]:
    """Two touching words with their shared edge :data:`LEAD` later (kept inside ``word``)."""
    edge = round(min(word.start + LEAD, word.end - 0.05), 3)
    if edge <= word.start or word.start - before.end > 0.02:
        return before, word
    return before.model_copy(update={"end": edge}), word.model_copy(update={"start": edge})


def split_at_short_pauses(words: Sequence[Word], voiced: NDArray[np.bool_]) -> list[Word]:
    """``words`` where each pair that touches (or nearly) is split at a short pause just after
    the second's estimated start: the first ends where it starts, the second starts where it
    ends; a touching pair with no such pause gets its shared edge :data:`LEAD` later (pure)."""
    split = list(words)
    for i in range(1, len(split)):
        before, word = split[i - 1], split[i]
        if word.start - before.end > SPLIT_AFTER:
            continue  # a real pause: refine_word_times snaps both edges onto the sound
        lo = max(before.start + 0.05, word.start - SPLIT_BEFORE)
        hi = min(word.start + SPLIT_AFTER, word.end - 0.05)
        pause = _longest_pause(voiced, lo, hi) if hi > lo else None
        if pause is None:
            split[i - 1], split[i] = _lead_removed(before, word)
            continue
        split[i - 1] = before.model_copy(update={"end": round(pause[0], 3)})
        split[i] = word.model_copy(update={"start": round(pause[1], 3)})
    return split


def refine_word_times(words: Sequence[Word], voiced: NDArray[np.bool_]) -> list[Word]:
    """``words`` with edges that border a pause moved onto the sound (pure).

    Arguments:
        voiced: per 10 ms tick on the same timeline, from :func:`voiced_ticks`.
    """
    words = split_at_short_pauses(words, voiced)
    refined: list[Word] = []
    for i, word in enumerate(words):
        previous_end = refined[-1].end if refined else 0.0
        next_start = words[i + 1].start if i + 1 < len(words) else word.end + SEARCH_AFTER
        lo = max(previous_end, word.start - SEARCH_BEFORE)
        hi = max(min(next_start, word.start + SEARCH_AFTER), word.start)
        start = max(sound_onset(voiced, word.start, lo, hi), previous_end)
        estimate = max(word.end, start + 0.05)
        hi = max(min(next_start, estimate + SEARCH_AFTER), estimate)
        end = _offset(voiced, estimate, max(start, estimate - SEARCH_BEFORE), hi)
        end = max(end, start + 0.02)
        refined.append(word.model_copy(update={"start": round(start, 3), "end": round(end, 3)}))
    return refined


def voiced_ticks_of(audio: SpeechAudio) -> NDArray[np.bool_] | None:
    """Per 10 ms tick of the video timeline, whether ``audio`` is voiced (see
    :func:`voiced_ticks`)."""
    return voiced_ticks(loudness_db(audio.samples(), audio.rate, audio.offset, tick_rate=TICK_RATE))


def refine_transcript(transcript: Transcript, audio: SpeechAudio) -> Transcript:
    """The transcript with its word edges snapped to the sound (see the module doc)."""
    voiced = voiced_ticks_of(audio)
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
