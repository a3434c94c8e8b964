"""Test speech with known truth: sentences spoken by espeak-ng, joined with known pauses.

Every sentence is synthesised on its own and the pieces are joined with a fixed silence, so the
sentence boundaries (and their times) are known exactly, whatever the recogniser punctuates.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from cutups.speech.local import LocalOptions, LocalTranscriber

__all__ = [
    "TALK",
    "SpokenTalk",
    "datasets",
    "normalised_words",
    "shipped_transcriber",
    "speak",
    "wer",
]

TALK = (
    "Why do most people never finish the projects they start?",
    "I spent ten years studying this question with hundreds of students.",
    "And the answer surprised me more than anything else in my career.",
    "It is not talent, and it is not money.",
    "The biggest mistake is waiting for motivation before you begin.",
    "So here are three things that actually work.",
    "First, make the task so small that you cannot fail.",
    "Second, do it at the same time every single day.",
    "Third, tell a friend what you promised to do.",
    "But there is one more secret that nobody talks about.",
    "You have to forgive yourself when you miss a day.",
    "Most people quit the moment their streak is broken.",
    "Have you ever done that yourself?",
    "I certainly have, many times, with running and with writing.",
    "Because guilt feels like progress, but it is only noise.",
    "The habit matters more than any single day ever could.",
    "Now let me tell you about the garden behind my house.",
    "Every spring I plant tomatoes, beans and a few sunflowers.",
    "The soil is heavy clay, so the work is slow at first.",
    "After a few weeks the first green shoots appear.",
    "My daughter counts them every morning before school.",
    "Gardening taught me patience in a way nothing else did.",
    "You cannot rush a tomato, no matter how hard you try.",
    "Then the summer comes and everything grows at once.",
    "That is when the real work of watering begins.",
    "Thank you all for listening to this little story today.",
)
"""Sentences with hooks, a list, questions and emphasis, some starting with "and", "so", "but"."""

GAP = 0.8
"""Seconds of silence between sentences."""


@dataclass(frozen=True)
class SpokenTalk:
    path: Path
    sentences: tuple[str, ...]
    times: tuple[tuple[float, float], ...]
    """Each sentence's (start, end) in the file, from the synthesiser's own audio."""
    duration: float

    @property
    def text(self) -> str:
        return " ".join(self.sentences)


def datasets() -> Path:
    """``CUTUPS_SHARED_DATASETS``, or ``shared/datasets`` beside the repository (or beside
    the folder holding it: a git worktree under ``/work/wt``)."""
    configured = os.environ.get("CUTUPS_SHARED_DATASETS")
    if configured:
        return Path(configured)
    repo = Path(__file__).resolve().parents[2]
    found = [p / "shared" / "datasets" for p in (repo.parent, repo.parent.parent)]
    return next((p for p in found if p.is_dir()), found[0])


def shipped_transcriber(tmp_path_factory: pytest.TempPathFactory) -> LocalTranscriber:
    """The default model, joined once per machine in pytest's temp root (hash-checked on every
    load), on 2 threads."""
    cache = tmp_path_factory.getbasetemp().parent / "speech-model-cache"
    return LocalTranscriber(LocalOptions(threads=2), cache)


def _espeak(text: str, dest: Path, voice: str) -> tuple[np.ndarray, int]:
    subprocess.run(["espeak-ng", "-v", voice, "-s", "165", "-w", str(dest), text], check=True)
    with wave.open(str(dest)) as w:
        rate = w.getframerate()
        data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    return data, rate


def speak(sentences: tuple[str, ...], dest: Path, *, voice: str = "en-us") -> SpokenTalk:
    """Synthesise ``sentences`` into one WAV file at ``dest`` (skips without espeak-ng)."""
    assert shutil.which("espeak-ng"), "espeak-ng is not installed (make install)"
    pieces, times, t = [], [], 0.0
    rate = 22050
    for i, sentence in enumerate(sentences):
        data, rate = _espeak(sentence, dest.with_suffix(f".{i}.wav"), voice)
        loud = np.flatnonzero(np.abs(data) > 300)
        times.append((t + loud[0] / rate, t + (loud[-1] + 1) / rate))
        pieces += [data, np.zeros(int(GAP * rate), np.int16)]
        t += (len(data) + int(GAP * rate)) / rate
    with wave.open(str(dest), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(np.concatenate(pieces).astype("<i2").tobytes())
    return SpokenTalk(dest, sentences, tuple(times), t)


def normalised_words(text: str) -> list[str]:
    return re.sub(r"[^a-z0-9' ]", " ", text.lower().replace("-", " ")).split()


def wer(reference: str, hypothesis: str) -> float:
    """Word error rate: edit distance over words / reference length."""
    ref, hyp = normalised_words(reference), normalised_words(hypothesis)
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        previous, row[0] = row[:], i
        for j, h in enumerate(hyp, 1):
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (r != h))
    return row[len(hyp)] / max(1, len(ref))
