"""A talk to cut into shorts, with known sentences: two drawn people taking turns sentence by
sentence over espeak speech (:mod:`tests.speech.talk`). Used by the recipe's tests, the
``/ai-clipping`` API tests and the page's shorts view."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.shorts.media import Turn, make_podcast
from tests.shorts.people import drawn_person
from tests.speech.talk import TALK, speak

__all__ = ["fresh_shorts_cache", "make_talk_podcast"]


def make_talk_podcast(
    folder: Path, *, size: tuple[int, int] = (640, 360), sentences: tuple[str, ...] = TALK
) -> Path:
    """``folder/talk.mp4``: the sentences spoken in turns by two drawn people side by side."""
    spoken = speak(sentences, folder / "talk.wav")
    starts = [start for start, _ in spoken.times]
    ends = [*starts[1:], spoken.duration]
    turns = [Turn(n % 2, s, e) for n, (s, e) in enumerate(zip(starts, ends, strict=True))]
    side = min(size[0] // 2, size[1]) // 2 * 2
    people = [drawn_person(side, seed) for seed in range(2)]
    pictures = folder / "pictures.mp4"
    make_podcast(pictures, people, turns, size=size)
    talk = folder / "talk.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-i", str(pictures), "-i", str(spoken.path),
         "-map", "0:v", "-map", "1:a", "-c:v", "copy", "-c:a", "aac", "-ar", "48000",
         "-shortest", str(talk)],
        check=True,
    )  # fmt: skip
    return talk


def fresh_shorts_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh cache folder sharing the speech model joined once per machine."""
    cache = tmp_path_factory.mktemp("shorts-cache")
    shared = tmp_path_factory.getbasetemp().parent / "speech-model-cache" / "speech-models"
    shared.mkdir(parents=True, exist_ok=True)
    (cache / "speech-models").symlink_to(shared, target_is_directory=True)
    return cache
