"""Test media with known truth for the shorts vision stages.

* :func:`make_podcast`: two or three people side by side; each moves (and is heard) only in its
  own turns and is a still frame of itself otherwise. People are real talking heads
  (``shared/datasets/talking-heads``) or faces drawn in numpy (:mod:`tests.shorts.people`).
* :func:`make_screen_share`: a slide deck with a webcam corner holding one person.
* :func:`make_no_face`: moving shapes, no face anywhere.

Encoded with PyAV (libx264 + AAC), frame by frame, so memory stays flat.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw

from tests.shorts.people import SAMPLE_RATE, Person

__all__ = ["Box", "SourceTruth", "Turn", "make_no_face", "make_podcast", "make_screen_share"]

FPS = 25


@dataclass(frozen=True, slots=True)
class Turn:
    person: int
    start: float
    end: float


@dataclass(frozen=True, slots=True)
class Box:
    x0: int
    y0: int
    x1: int
    y1: int


@dataclass(frozen=True, slots=True)
class SourceTruth:
    """What a generated source contains."""

    path: Path
    width: int
    height: int
    fps: int
    duration: float
    turns: tuple[Turn, ...]
    """Who speaks when (nobody outside them)."""
    subjects: tuple[Box, ...]
    """Per person, the part of the frame the face is in (the middle of its tile)."""
    webcam: Box | None = None


Frame = NDArray[np.uint8]


def _encode(
    path: Path,
    size: tuple[int, int],
    duration: float,
    frame_at: Callable[[int], Frame],
    audio_at: Callable[[int, int], NDArray[np.float32]],
) -> None:
    """Write ``duration`` seconds: video from ``frame_at(i)``, audio from ``audio_at(start, n)``."""
    with av.open(str(path), "w") as out:
        video = out.add_stream("libx264", rate=FPS, options={"preset": "ultrafast", "crf": "20"})
        video.width, video.height, video.pix_fmt = size[0], size[1], "yuv420p"
        audio = out.add_stream("aac", rate=SAMPLE_RATE, layout="mono")
        n_frames = round(duration * FPS)
        per_frame = SAMPLE_RATE // FPS
        for i in range(n_frames):
            frame = av.VideoFrame.from_ndarray(frame_at(i), format="rgb24")
            frame.pts, frame.time_base = i, Fraction(1, FPS)
            out.mux(video.encode(frame))
            chunk = audio_at(i * per_frame, per_frame).astype(np.float32).reshape(1, -1)
            sound = av.AudioFrame.from_ndarray(chunk, format="flt", layout="mono")
            sound.sample_rate, sound.pts = SAMPLE_RATE, i * per_frame
            sound.time_base = Fraction(1, SAMPLE_RATE)
            out.mux(audio.encode(sound))
        out.mux(video.encode(None))
        out.mux(audio.encode(None))


class _Players:
    """Each person's playhead advances only while they speak, so pictures and voice match."""

    def __init__(self, people: Sequence[Person], turns: Sequence[Turn]) -> None:
        self.people, self.turns = people, turns

    def playhead(self, person: int, t: float) -> float:
        return sum(
            max(0.0, min(t, turn.end) - turn.start) for turn in self.turns if turn.person == person
        )

    def speaker(self, t: float) -> int | None:
        return next((turn.person for turn in self.turns if turn.start <= t < turn.end), None)

    def frame(self, person: int, t: float) -> Frame:
        return self.people[person].frame_at(self.playhead(person, t))

    def audio(self, start: int, count: int) -> NDArray[np.float32]:
        t = start / SAMPLE_RATE
        who = self.speaker(t)
        if who is None:
            return np.zeros(count, np.float32)
        return self.people[who].audio_at(self.playhead(who, t), count)


def make_podcast(
    path: Path,
    people: Sequence[Person],
    turns: Sequence[Turn],
    *,
    size: tuple[int, int] = (1280, 720),
) -> SourceTruth:
    """People side by side in square tiles, centred vertically on a dark background."""
    width, height = size
    side = min(width // len(people), height) // 2 * 2
    if any(p.frames.shape[1] != side for p in people):
        raise ValueError(f"people must be {side}x{side} for {len(people)} tiles in {size}")
    pitch, top = width // len(people), (height - side) // 2
    lefts = [i * pitch + (pitch - side) // 2 for i in range(len(people))]
    players = _Players(people, turns)
    duration = max(turn.end for turn in turns) + 0.5

    def frame_at(i: int) -> Frame:
        canvas = np.full((height, width, 3), 24, np.uint8)
        for p, left in enumerate(lefts):
            canvas[top : top + side, left : left + side] = players.frame(p, i / FPS)
        return canvas

    _encode(path, size, duration, frame_at, players.audio)
    subjects = tuple(
        Box(left + int(0.3 * side), top, left + int(0.7 * side), top + side) for left in lefts
    )
    return SourceTruth(path, width, height, FPS, duration, tuple(turns), subjects)


def _slide(width: int, height: int, index: int) -> Frame:
    """A slide: a title bar, bullet lines and a chart, different on every slide."""
    rng = np.random.default_rng(index)
    image = Image.new("RGB", (width, height), (245, 245, 240))
    d = ImageDraw.Draw(image)
    d.rectangle([0, 0, width, height // 8], fill=(30, 60, 120))
    for k in range(5):
        y = height // 5 + k * height // 10
        d.rectangle(
            [width // 12, y, width // 12 + int(rng.uniform(0.3, 0.5) * width), y + 12],
            fill=(60, 60, 60),
        )
    for k in range(6):
        bar = int(rng.uniform(0.1, 0.4) * height)
        x = width * 2 // 3 + k * width // 40
        d.rectangle(
            [x, height * 7 // 8 - bar, x + width // 60, height * 7 // 8], fill=(200, 80, 40)
        )
    return np.asarray(image)


def make_screen_share(
    path: Path, person: Person, *, seconds: float = 6.0, size: tuple[int, int] = (1280, 720)
) -> SourceTruth:
    """Slides changing every 3 s, the person speaking throughout in the bottom-right corner."""
    width, height = size
    side = person.frames.shape[1]
    cam = Box(width - side - 16, height - side - 16, width - 16, height - 16)
    slides = [_slide(width, height, k) for k in range(int(seconds // 3) + 1)]
    turns = (Turn(0, 0.0, seconds),)
    players = _Players([person], turns)

    def frame_at(i: int) -> Frame:
        canvas = slides[int(i / FPS // 3)].copy()
        canvas[cam.y0 : cam.y1, cam.x0 : cam.x1] = players.frame(0, i / FPS)
        return canvas

    _encode(path, size, seconds, frame_at, players.audio)
    return SourceTruth(path, width, height, FPS, seconds, turns, (cam,), webcam=cam)


def make_no_face(
    path: Path, *, seconds: float = 4.0, size: tuple[int, int] = (1280, 720)
) -> SourceTruth:
    """Coloured shapes drifting over a gradient, with a tone: no face anywhere."""
    width, height = size
    ramp = np.linspace(40, 200, width, dtype=np.float32)[None, :, None]
    base = np.broadcast_to(ramp, (height, width, 3)).astype(np.uint8)

    def frame_at(i: int) -> Frame:
        image = Image.fromarray(base.copy())
        d = ImageDraw.Draw(image)
        for k in range(4):
            x = (i * (3 + k) * 4 + k * 300) % width
            d.rectangle([x, 100 + k * 130, x + 120, 180 + k * 130], fill=(60 * k, 200 - 40 * k, 90))
        return np.asarray(image)

    def tone(start: int, count: int) -> NDArray[np.float32]:
        t = (start + np.arange(count)) / SAMPLE_RATE
        return (0.2 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)

    _encode(path, size, seconds, frame_at, tone)
    return SourceTruth(path, width, height, FPS, seconds, (), ())
