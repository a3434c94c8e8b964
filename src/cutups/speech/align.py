"""Word times from a forced aligner: the recognised words placed again against the sound.

Whisper's word times come from its attention weights: even after snapping edges next to pauses
(:mod:`cutups.speech.onsets`) only ~92 % of caption onsets land within 100 ms of the voice on the
26-sentence espeak talk, and no setting of Whisper's closes the gap. A forced aligner knows the
words already and only asks *where* each one's phones are: pocketsphinx's US English acoustic
model (an HMM over 10 ms frames, shipped inside the pinned ``pocketsphinx`` wheel with its
dictionary; every file's SHA-256 is checked before use) places each word of a Whisper segment
inside that segment's stretch of audio.

Measured on the espeak talk (``benchmarks/shorts_accuracy.py``; 246 words matched to the truth):
word starts within 100 ms 92.3 % (Whisper + snapping) -> 100 % of the aligned words (5th-95th
percentile -19 ms to +48 ms), for ~1 s of CPU per 100 s of speech.

Where the aligner cannot be trusted the Whisper time stays: a word outside the dictionary (the
known words on either side are aligned as separate runs that stop at it), a word the aligner
leaves out (the rest of the segment is aligned again from the last word it placed), and a word it
places more than :data:`MAX_SHIFT` from Whisper's estimate. The model is English:
other languages are left as they are.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from cutups.media.audio import SPEECH_RATE, SpeechAudio
from cutups.speech.models import PinnedFile
from cutups.speech.onsets import sound_onset, voiced_ticks_of
from cutups.speech.transcript import Segment, Transcript, Word

__all__ = [
    "ALIGNER",
    "ALIGNER_FILES",
    "MAX_SHIFT",
    "PlacedWord",
    "align_transcript",
    "aligned_words",
    "spoken_form",
]

ALIGNER = "pocketsphinx-en-us"
"""Named in ``Transcript.engine`` after the recogniser when the times come from the aligner."""

MAX_SHIFT = 0.6
"""Seconds an aligned word may move from Whisper's time (its misses reach ~0.5 s); farther means
the aligner lost its place, so Whisper's time is kept."""

WINDOW_BEFORE = 0.3
"""Seconds of audio before a segment's first word given to the aligner (bounded by the previous
segment): Whisper's segment starts run early or late by a few hundred ms."""
WINDOW_AFTER = 1.5
"""Seconds after a segment's last word (bounded by the next segment): its end can be too early,
and a window that stops inside the last word makes the aligner drop it."""

FRAME = 0.01
"""Seconds per aligner frame."""
PAUSE = 0.03
"""Seconds between words from which the second word's start is snapped onto the sound."""
SNAP_REACH = 0.1
"""Seconds either side of an aligned start searched for the sound's onset after a pause."""
MIN_AUDIO = 0.05
"""Seconds of audio below which a run is not aligned (nothing fits; empty audio crashes it)."""
RETRIES = 3
"""Times the rest of a segment is aligned again after the aligner stopped short."""
EDGE = 0.15
"""Seconds a run of known words may reach into a neighbouring unknown word's recognised span
(Whisper's edges err by about that much)."""

_PACKAGE = "pocketsphinx"
_MODEL_DIR = "model/en-us/en-us"
_DICTIONARY = PinnedFile(
    _PACKAGE,
    "model/en-us/cmudict-en-us.dict",
    "cb01cf8b6a47f5a97ed46b01e96ea8a924d07d1abfd770f787836013df8537da",
)
_MODEL_SHA256 = {
    "feat.params": "c982c5f75e2a30c34d2c9ef1f6b129a5a00e67e3e927565076b58664cc2404c9",
    "mdef": "2360f9a86889c1cfee8bd618a0269387911e5fb2920a594f506b18b8c79683b0",
    "means": "832019e32cac12eb318964f96f469034acb12d0348eeddc3831831a100cb4dd4",
    "noisedict": "7295b07df2c204c4f87c6782b6be1a3859d7006d4e3864181c955d6dab105a33",
    "sendump": "8c9564c0d5bef69ca9d9bf1014abe162f071644cf02cf1fa8a483c3dc165a7a8",
    "transition_matrices": "c1f7f28ea43177be734be1f88bd7f1b9a853d0e660f8599c67c6eaeca8bb539a",
    "variances": "b00d696f85e96834fc10f8e5f06428d8c4db6bffdbe5845b6f69bf6efbc48fa5",
}
"""The acoustic model's files and their SHA-256, as shipped in ``pocketsphinx`` 5.0.4."""
_ACOUSTIC_MODEL = tuple(
    PinnedFile(_PACKAGE, f"{_MODEL_DIR}/{name}", sha) for name, sha in _MODEL_SHA256.items()
)
ALIGNER_FILES = (*_ACOUSTIC_MODEL, _DICTIONARY)
"""Every file the aligner loads (``GET /health/models`` checks them too)."""

_SPOKEN = re.compile(r"[^a-z']")
_NOT_WORDS = frozenset({"<s>", "</s>", "<sil>", "(NULL)"})


@dataclass(frozen=True, slots=True)
class PlacedWord:
    """A word of the segment (by index) where the aligner put it, in seconds of the timeline."""

    index: int
    start: float
    end: float


@functools.lru_cache(maxsize=1)
def _model_paths() -> tuple[Path, Path]:
    """The acoustic model's folder and the dictionary, every file checked against its hash.

    Raises:
        ModelError: the package is missing or a file differs from the pinned one.
    """
    model = [pinned.verified() for pinned in _ACOUSTIC_MODEL]
    return model[0].parent, _DICTIONARY.verified()


def _decoder() -> Any:
    """A fresh decoder (0.1 s to load; one per transcript keeps threads apart)."""
    from pocketsphinx import Decoder  # imported here: only the shorts recipe needs it

    model, dictionary = _model_paths()
    return Decoder(
        hmm=str(model),
        dict=str(dictionary),
        lm=None,
        samprate=SPEECH_RATE,
        loglevel="FATAL",
        # Stretches of digital silence (all-zero samples) leave the aligner without any path at
        # some frame phases; a least-significant-bit dither, seeded so runs repeat, prevents it.
        dither=True,
        seed=1,
    )


def spoken_form(text: str) -> str:
    """A word as the dictionary spells it: lower case, letters and apostrophes only."""
    return _SPOKEN.sub("", text.lower())


def _pcm16(samples: NDArray[np.float32], lo: float, hi: float) -> bytes:
    clipped = np.clip(samples[int(lo * SPEECH_RATE) : int(hi * SPEECH_RATE)], -1.0, 1.0)
    return (clipped * 32767).astype(np.int16).tobytes()


def _align_once(
    decoder: Any, samples: NDArray[np.float32], tokens: Sequence[str], lo: float, hi: float
) -> list[tuple[float, float]]:
    """Where the aligner puts the leading words of ``tokens`` inside ``[lo, hi)`` (audio seconds).

    It may stop short (a word it could not fit is absorbed into silence): only the words it
    placed, in order, come back."""
    pcm = _pcm16(samples, lo, hi)
    if len(pcm) < MIN_AUDIO * SPEECH_RATE * 2:  # 2 bytes a sample
        return []
    decoder.set_align_text(" ".join(tokens))
    decoder.start_utt()
    decoder.process_raw(pcm, full_utt=True)
    decoder.end_utt()
    placed: list[tuple[float, float]] = []
    for found in decoder.seg() or ():  # None when it found no path at all
        name = str(found.word).split("(")[0]  # "the(2)": the dictionary's second pronunciation
        if found.word in _NOT_WORDS or name.startswith("["):
            continue
        if len(placed) == len(tokens) or name != tokens[len(placed)]:
            break
        placed.append((lo + found.start_frame * FRAME, lo + (found.end_frame + 1) * FRAME))
    return placed


def aligned_words(
    decoder: Any,
    samples: NDArray[np.float32],
    words: Sequence[Word],
    lo: float,
    hi: float,
    offset: float = 0.0,
) -> list[PlacedWord]:
    """The words of one segment placed inside ``[lo, hi)`` (audio seconds; ``offset``: the
    words' timeline minus the audio's), each with its index; words the aligner could not place
    are missing.

    Words outside the dictionary are never placed: the known words between them are aligned as
    runs, each bounded by its unknown neighbours' recognised times (give or take :data:`EDGE`).
    A run that does not align at all is tried once more without its last word."""
    tokens = [spoken_form(w.text) for w in words]
    known = [bool(t) and decoder.lookup_word(t) is not None for t in tokens]
    placed: list[PlacedWord] = []
    for first, last in _runs(known):
        run_lo = lo if first == 0 else max(lo, words[first - 1].end - offset - EDGE)
        run_hi = hi if last == len(words) else min(hi, words[last].start - offset + EDGE)
        found = _aligned_run(decoder, samples, tokens, first, last, run_lo, run_hi)
        if not found and last - first > 1:
            # No path at all: mostly a last word cut off by the end of the file or misheard.
            # The others are aligned in the same stretch; it keeps its time.
            found = _aligned_run(decoder, samples, tokens, first, last - 1, run_lo, run_hi)
        placed += found
    return placed


def _runs(known: Sequence[bool]) -> list[tuple[int, int]]:
    """``[first, last)`` index ranges of consecutive known words."""
    runs: list[tuple[int, int]] = []
    for k, ok in enumerate(known):
        if ok and (not runs or runs[-1][1] != k):
            runs.append((k, k + 1))
        elif ok:
            runs[-1] = (runs[-1][0], k + 1)
    return runs


def _aligned_run(
    decoder: Any,
    samples: NDArray[np.float32],
    tokens: Sequence[str],
    first: int,
    last: int,
    lo: float,
    hi: float,
) -> list[PlacedWord]:
    """``tokens[first:last]`` placed inside ``[lo, hi)``; when the aligner stops short, the rest
    is aligned again from the last word it placed (up to :data:`RETRIES` times)."""
    placed: list[PlacedWord] = []
    for _ in range(RETRIES + 1):
        start = first + len(placed)
        found = _align_once(decoder, samples, tokens[start:last], lo, hi)
        placed += [PlacedWord(start + k, s, e) for k, (s, e) in enumerate(found)]
        if not found or start + len(found) == last:
            break
        lo = placed[-1].end
    return placed


def _retimed(
    words: Sequence[Word], placed: Sequence[PlacedWord], offset: float
) -> tuple[Word, ...]:
    """The segment's words with the trusted aligned times (audio seconds + ``offset``)."""
    out = list(words)
    for p in placed:
        word = words[p.index]
        start, end = p.start + offset, p.end + offset
        if abs(start - word.start) <= MAX_SHIFT and abs(end - word.end) <= MAX_SHIFT:
            out[p.index] = word.model_copy(update={"start": round(start, 3), "end": round(end, 3)})
    return tuple(_ordered(out))


def _ordered(words: list[Word]) -> list[Word]:
    """Mixed aligned and kept times never overlap: a word starts at or after the last one."""
    for k in range(1, len(words)):
        before, word = words[k - 1], words[k]
        if word.start < before.end:
            start = before.end
            words[k] = word.model_copy(update={"start": start, "end": max(word.end, start)})
    return words


def _snapped_onsets(
    words: Sequence[Word], voiced: NDArray[np.bool_], previous_end: float
) -> tuple[Word, ...]:
    """Starts after a pause moved onto the sound. The aligner's frames and minimum phone lengths
    put such a start up to ~50 ms off (words spoken apart, 60 ms gaps: 95th percentile +54 ->
    +14 ms), where the loudness shows the onset to the 10 ms tick."""
    out: list[Word] = []
    for word in words:
        if word.start - previous_end >= PAUSE:
            lo = max(previous_end, word.start - SNAP_REACH)
            start = round(
                sound_onset(voiced, word.start, lo, min(word.end, word.start + SNAP_REACH)), 3
            )
            word = word.model_copy(update={"start": start, "end": max(word.end, start)})
        out.append(word)
        previous_end = word.end
    return tuple(out)


def align_transcript(transcript: Transcript, audio: SpeechAudio) -> Transcript:
    """``transcript`` with its English words re-timed by the forced aligner (see the module doc).

    Raises:
        ModelError: the aligner's package is missing or a model file fails its hash check.
    """
    if transcript.language != "en" or not transcript.segments or audio.rate != SPEECH_RATE:
        return transcript
    decoder = _decoder()
    voiced = voiced_ticks_of(audio)
    samples = audio.samples()
    segments: list[Segment] = []
    for k, segment in enumerate(transcript.segments):
        if not segment.words:
            segments.append(segment)
            continue
        previous_end = segments[-1].end if segments else None
        lo, hi = _window(transcript.segments, k, previous_end, audio)
        placed = aligned_words(decoder, samples, segment.words, lo, hi, audio.offset)
        words = _retimed(segment.words, placed, audio.offset) if placed else segment.words
        if voiced is not None:
            words = _snapped_onsets(words, voiced, -1.0 if previous_end is None else previous_end)
        segments.append(segment.model_copy(update={
            "start": words[0].start, "end": words[-1].end, "words": words}))  # fmt: skip
    return transcript.model_copy(
        update={"segments": tuple(segments), "engine": f"{transcript.engine}+{ALIGNER}"}
    )


def _window(
    segments: Sequence[Segment], k: int, previous_end: float | None, audio: SpeechAudio
) -> tuple[float, float]:
    """Audio seconds searched for segment ``k``'s words: from a little before its first word
    (not before the previous segment's end) to a while after its last (not past the next
    segment's start)."""
    segment = segments[k]
    lo = segment.start - WINDOW_BEFORE
    if previous_end is not None:
        lo = max(lo, previous_end)
    hi = segment.end + WINDOW_AFTER
    if k + 1 < len(segments):
        hi = min(hi, segments[k + 1].start)
    return max(0.0, lo - audio.offset), min(audio.duration, hi - audio.offset)
