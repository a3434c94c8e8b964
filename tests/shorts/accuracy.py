"""Acceptance measures for shorts against known truth (issue 19), shared by tests and benchmark.

- :func:`word_by_word_talk`: the espeak talk of tests/speech, every word synthesised on its own
  and joined with short gaps, so every word's (start, end) is known exactly; a flash (one bright
  frame) and a quiet beep (40 ms at 12 kHz, -41 dBFS: out of the 16 kHz speech analysis) sit
  together in the middle of every pause between sentences, so each clip carries its own marks.
- :func:`connected_talk`: the same talk spoken a sentence at a time (words run together, as
  people speak), each word's start from espeak-ng's own word events
  (:mod:`tests.shorts.espeak_words`), its end the last sound before the next word.
- :func:`cut_errors`: clips that do not start at a sentence's first word or end after its last,
  or that cut through a word (against the true word times).
- :func:`caption_onsets`: each captioned word's on-screen start, read from the ASS document the
  renderer burns (``ass_document`` on the clip's transcript words, as ``render_short`` does).
- :func:`av_offsets`: flash times in a rendered clip's picture against beep times in its sound.
"""

from __future__ import annotations

import difflib
import itertools
import math
import re
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cutups.output.captions import CaptionStyle, ass_document, caption_lines
from cutups.speech.transcript import Word
from tests.shorts.espeak_words import speak_sentence
from tests.speech.talk import normalised_words

__all__ = [
    "TrueWord",
    "WordTalk",
    "av_offsets",
    "caption_onsets",
    "connected_talk",
    "cut_errors",
    "matched_onset_errors",
    "matched_onset_offsets",
    "word_by_word_talk",
]

WORD_GAP = 0.06
SENTENCE_GAP = 0.9
BEEP_HZ = 12000.0
"""Above what speech analysis hears (16 kHz audio): the marks cannot move word edges."""
BEEP_SECONDS = 0.04
RATE = 48000
FPS = 25


@dataclass(frozen=True)
class TrueWord:
    text: str
    start: float
    end: float
    sentence: int


@dataclass(frozen=True)
class WordTalk:
    path: Path
    words: tuple[TrueWord, ...]
    marks: tuple[float, ...]
    """Seconds of each flash+beep (on a frame boundary)."""
    duration: float


_LOUD = 300
"""int16 level above which espeak's output is sound, not its silence."""


def _to_file_rate(data: np.ndarray, rate: int) -> np.ndarray:
    """To the file's rate, so the beep can sit above the speech band."""
    at = np.arange(round(data.size * RATE / rate)) * rate / RATE
    resampled: np.ndarray = np.interp(at, np.arange(data.size), data).astype(np.int16)
    return resampled


def _espeak_word(text: str, dest: Path) -> np.ndarray:
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "165", "-w", str(dest), text], check=True)
    with wave.open(str(dest)) as w:
        rate = w.getframerate()
        data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    loud = np.flatnonzero(np.abs(data) > _LOUD)
    data = data[loud[0] : loud[-1] + 1] if loud.size else data[:0]
    return _to_file_rate(data, rate)


def _connected_sentence(text: str, at: float, sentence: int) -> tuple[np.ndarray, list[TrueWord]]:
    """One sentence spoken whole, trimmed to its sound, its words placed from ``at`` seconds."""
    spoken = speak_sentence(text)
    data, rate = spoken.samples, spoken.rate
    loud = np.flatnonzero(np.abs(data) > _LOUD)
    first, last = int(loud[0]), int(loud[-1]) + 1
    starts = [max(first, sample) for _, sample in spoken.words] + [last]
    words = []
    for (word, _), begin, following in zip(spoken.words, starts, starts[1:], strict=False):
        inside = np.flatnonzero(np.abs(data[begin:following]) > _LOUD)
        end = begin + (int(inside[-1]) + 1 if inside.size else 0)
        words.append(
            TrueWord(word, at + (begin - first) / rate, at + (end - first) / rate, sentence)
        )
    return _to_file_rate(data[first:last], rate), words


def _connected_audio(sentences: tuple[str, ...]) -> tuple[np.ndarray, list[TrueWord]]:
    pieces: list[np.ndarray] = [np.zeros(int(0.5 * RATE), np.int16)]
    words: list[TrueWord] = []
    t = 0.5
    for n, sentence in enumerate(sentences):
        sound, spoken = _connected_sentence(sentence, t, n)
        words += spoken
        pieces += [sound, np.zeros(int(SENTENCE_GAP * RATE), np.int16)]
        t += (sound.size + int(SENTENCE_GAP * RATE)) / RATE
    return np.concatenate(pieces), words


def _talk_audio(sentences: tuple[str, ...], folder: Path) -> tuple[np.ndarray, list[TrueWord]]:
    pieces: list[np.ndarray] = [np.zeros(int(0.5 * RATE), np.int16)]
    words, t = [], 0.5
    for n, sentence in enumerate(sentences):
        for text in sentence.split():
            sound = _espeak_word(text, folder / "word.wav")
            words.append(TrueWord(text, t, t + len(sound) / RATE, n))
            pieces += [sound, np.zeros(int(WORD_GAP * RATE), np.int16)]
            t += (len(sound) + int(WORD_GAP * RATE)) / RATE
        pieces.append(np.zeros(int(SENTENCE_GAP * RATE), np.int16))
        t += int(SENTENCE_GAP * RATE) / RATE
    return np.concatenate(pieces), words


def _mark_times(words: list[TrueWord]) -> list[float]:
    """One mark per pause between sentences, on a frame boundary near its middle."""
    pauses = [(a.end, b.start) for a, b in itertools.pairwise(words) if a.sentence != b.sentence]
    return [round((end + start) / 2 * FPS) / FPS for end, start in pauses]


def word_by_word_talk(sentences: tuple[str, ...], folder: Path) -> WordTalk:
    """A 640x360 25 fps talk with known word times and flash+beep marks (needs espeak-ng)."""
    samples, words = _talk_audio(sentences, folder)
    return _marked_talk(samples, words, folder)


def connected_talk(sentences: tuple[str, ...], folder: Path) -> WordTalk:
    """The same, each sentence spoken in one go (needs libespeak-ng)."""
    samples, words = _connected_audio(sentences)
    return _marked_talk(samples, words, folder)


def _marked_talk(samples: np.ndarray, words: list[TrueWord], folder: Path) -> WordTalk:
    marks = _mark_times(words)
    beep = np.arange(int(BEEP_SECONDS * RATE)) / RATE
    tone = (300 * np.sin(2 * np.pi * BEEP_HZ * beep)).astype(np.int16)
    for mark in marks:
        at = round(mark * RATE)
        samples[at : at + tone.size] = tone
    wav = folder / "talk.wav"
    with wave.open(str(wav), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(samples.astype("<i2").tobytes())
    duration = samples.size / RATE
    flashes = "+".join(f"eq(n,{round(m * FPS)})" for m in marks) or "0"  # one sentence: none
    dest = folder / "talk.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi",
         "-i", f"testsrc2=size=640x360:rate={FPS}:d={duration:.3f}", "-i", str(wav),
         "-vf", f"lutyuv=y=val*0.5,drawbox=c=white:t=fill:enable='{flashes}'",
         "-c:v", "libx264", "-preset", "veryfast", "-g", "50",
         "-c:a", "aac", "-ar", "48000", "-shortest", str(dest)],
        check=True,
    )  # fmt: skip
    return WordTalk(dest, tuple(words), tuple(marks), duration)


def cut_errors(clips: list[tuple[float, float]], words: tuple[TrueWord, ...]) -> list[str]:
    """What is wrong with each clip's cut points, against the true words (empty: all clean)."""
    errors = []
    firsts = {w.sentence: w for w in reversed(words)}
    lasts = {w.sentence: w for w in words}
    for start, end in clips:
        cut = [w.text for w in words if w.start < start < w.end or w.start < end < w.end]
        inside = [w for w in words if start <= w.start and w.end <= end]
        if cut:
            errors.append(f"{start:.2f}-{end:.2f} cuts through {cut}")
        elif not inside:
            errors.append(f"{start:.2f}-{end:.2f} holds no word")
        elif firsts[inside[0].sentence] is not inside[0]:
            errors.append(f"{start:.2f}-{end:.2f} starts mid-sentence at {inside[0].text!r}")
        elif lasts[inside[-1].sentence] is not inside[-1]:
            errors.append(f"{start:.2f}-{end:.2f} ends mid-sentence after {inside[-1].text!r}")
    return errors


_DIALOGUE = re.compile(r"^Dialogue: 0,(\d+):(\d+):(\d+)\.(\d+),", re.M)


def caption_onsets(
    words: list[Word], start: float, end: float, style: CaptionStyle, fps: float | None = None
) -> list[tuple[str, float]]:
    """Each captioned word and when it lights up, on the source's clock (word-by-word ASS).

    With ``fps``, when it is first on screen: libass draws an event from the first frame at or
    after its start, and the clip's frames fall every ``1/fps`` from the clip's start."""
    document = ass_document(words, start, end, style)
    shown = [
        int(h) * 3600 + int(m) * 60 + int(s) + int(cs) / 100
        for h, m, s, cs in _DIALOGUE.findall(document)
    ]
    if fps is not None:
        shown = [math.ceil(t * fps - 1e-6) / fps for t in shown]
    said = [w.text for line in caption_lines(words, start, end, style.max_words_per_line)
            for w in line.words]  # fmt: skip
    assert len(said) == len(shown), (len(said), len(shown))
    return [(text, start + t) for text, t in zip(said, shown, strict=True)]


def matched_onset_offsets(
    shown: list[tuple[str, float]], truth: list[TrueWord]
) -> list[float | None]:
    """Per true word: caption onset - spoken onset (negative: the caption is early), None when
    no caption word matches it (a misheard or missing word)."""
    keys = [" ".join(normalised_words(text)) for text, _ in shown]
    true_keys = [" ".join(normalised_words(w.text)) for w in truth]
    offsets: list[float | None] = [None] * len(truth)
    matcher = difflib.SequenceMatcher(a=true_keys, b=keys, autojunk=False)
    for a, b, size in matcher.get_matching_blocks():
        for k in range(size):
            offsets[a + k] = shown[b + k][1] - truth[a + k].start
    return offsets


def matched_onset_errors(
    shown: list[tuple[str, float]], truth: list[TrueWord]
) -> list[float | None]:
    """Per true word: |caption onset - spoken onset|, None when no caption word matches it."""
    return [None if o is None else abs(o) for o in matched_onset_offsets(shown, truth)]


def _decoded(path: Path, args: list[str]) -> bytes:
    argv = ["ffmpeg", "-v", "error", "-i", str(path), *args, "-"]
    return subprocess.run(argv, capture_output=True, check=True).stdout


def _flashes(path: Path) -> list[float]:
    raw = _decoded(path, ["-vf", "scale=32:32,format=gray", "-vsync", "passthrough",
                          "-f", "rawvideo"])  # fmt: skip
    frames = np.frombuffer(raw, np.uint8).reshape(-1, 32 * 32).mean(axis=1)
    times = _frame_times(path)
    level = np.median(frames)
    bright = np.flatnonzero(frames > level + 0.5 * (frames.max() - level))
    return [times[i] for i in bright if frames.max() - level > 40]


def _frame_times(path: Path) -> list[float]:
    argv = ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
            "frame=best_effort_timestamp_time", "-of", "csv=p=0", str(path)]  # fmt: skip
    out = subprocess.run(argv, capture_output=True, check=True, text=True).stdout
    return [float(line.strip(",")) for line in out.split()]


def _audio_start(path: Path) -> float:
    argv = ["ffprobe", "-v", "error", "-select_streams", "a:0", "-show_entries",
            "stream=start_time", "-of", "csv=p=0", str(path)]  # fmt: skip
    return float(subprocess.run(argv, capture_output=True, check=True, text=True).stdout)


def _beeps(path: Path, rate: int = 48000) -> list[float]:
    """Beep onsets on the file's clock (the decoded sound starts at the stream's start)."""
    start = _audio_start(path)
    raw = _decoded(path, ["-map", "0:a:0", "-ac", "1", "-ar", str(rate), "-f", "f32le"])
    samples = np.frombuffer(raw, "<f4")
    hop = rate // 400  # 2.5 ms
    t = np.arange(hop * 4) / rate
    probe = np.exp(-2j * np.pi * BEEP_HZ * t) * np.hanning(t.size)
    frames = np.lib.stride_tricks.sliding_window_view(samples, t.size)[::hop]
    power = np.abs(frames @ probe)
    loud = power > 0.5 * power.max() if power.size and power.max() > 0.3 else np.zeros(0, bool)
    onsets = np.flatnonzero(loud[1:] & ~loud[:-1]) + 1
    # The window centre crosses the onset half a window after the window starts.
    return [start + float(i * hop / rate + t.size / rate / 2) for i in onsets]


def av_offsets(path: Path) -> list[float]:
    """Seconds each beep lags its flash in a rendered clip (negative: sound first)."""
    beeps = _beeps(path)
    offsets = []
    for flash in _flashes(path):
        if beeps:
            nearest = min(beeps, key=lambda b: abs(b - flash))
            if abs(nearest - flash) < 0.5:
                offsets.append(nearest - flash)
    return offsets
