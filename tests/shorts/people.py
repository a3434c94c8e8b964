"""People for the shorts test media: a real talking-head clip, or a face drawn in numpy.

A :class:`Person` is a loop of frames and its audio; the generator (``media.py``) plays a person
only during their turns and freezes them otherwise, so who moves their mouth is known.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFilter

__all__ = ["SAMPLE_RATE", "Person", "drawn_person", "real_person", "talking_heads_dir"]

SAMPLE_RATE = 48_000
_CLIPS = Path("shared") / "datasets" / "talking-heads"
"""Five real talking-head clips (5-7 s, square) in ``shared/`` beside the repository (or
beside a folder holding it, for work trees)."""


@dataclass(frozen=True, slots=True)
class Person:
    """A loop of ``frames`` (N, side, side, 3) at ``fps`` and mono ``audio`` at SAMPLE_RATE."""

    frames: NDArray[np.uint8]
    fps: float
    audio: NDArray[np.float32]

    def frame_at(self, playhead: float) -> NDArray[np.uint8]:
        return self.frames[int(playhead * self.fps) % len(self.frames)]

    def audio_at(self, playhead: float, count: int) -> NDArray[np.float32]:
        start = int(playhead * SAMPLE_RATE)
        idx = (start + np.arange(count)) % self.audio.size
        return self.audio[idx]


def talking_heads_dir() -> Path | None:
    """Where the real clips are, or None when ``shared`` is absent."""
    found = (p / _CLIPS for p in Path(__file__).resolve().parents)
    return next((folder for folder in found if (folder / "face_1.mp4").is_file()), None)


def real_person(clip: Path, side: int) -> Person:
    """A real clip, scaled to ``side`` x ``side``, with its audio as mono."""
    with av.open(str(clip)) as container:
        stream = container.streams.video[0]
        fps = float(stream.average_rate or 25)
        frames = [
            f.reformat(width=side, height=side, format="rgb24").to_ndarray()
            for f in container.decode(stream)
        ]
    with av.open(str(clip)) as container:
        resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
        chunks = [
            r.to_ndarray().reshape(-1)
            for frame in container.decode(audio=0)
            for r in resampler.resample(frame)
        ]
    # The clip's audio and pictures are one take: trim the longer to the shorter.
    audio = np.concatenate(chunks).astype(np.float32)[: int(len(frames) / fps * SAMPLE_RATE)]
    return Person(np.stack(frames), fps, audio)


def _draw_face(side: int, mouth_open: float, skin: tuple[int, int, int]) -> NDArray[np.uint8]:
    """A frontal face the real detector finds (checked: scores ~0.93), mouth ``mouth_open``."""
    image = Image.new("RGB", (side, side), (90, 110, 100))
    d = ImageDraw.Draw(image)
    cx, cy, s = side / 2, side * 0.42, side * 0.2
    d.ellipse([cx - 0.62 * s, cy - 0.95 * s, cx + 0.62 * s, cy + 0.6 * s], fill=(60, 40, 30))
    d.rectangle([cx - 0.3 * s, cy + 0.5 * s, cx + 0.3 * s, cy + 1.2 * s], fill=skin)
    d.ellipse([cx - 1.2 * s, cy + 1.0 * s, cx + 1.2 * s, cy + 2.4 * s], fill=(40, 60, 110))
    d.ellipse([cx - 0.55 * s, cy - 0.7 * s, cx + 0.55 * s, cy + 0.8 * s], fill=skin)
    for ex in (-0.22, 0.22):
        d.ellipse(
            [cx + (ex - 0.11) * s, cy - 0.17 * s, cx + (ex + 0.11) * s, cy - 0.03 * s],
            fill=(250, 250, 250),
        )
        d.ellipse(
            [cx + (ex - 0.05) * s, cy - 0.15 * s, cx + (ex + 0.05) * s, cy - 0.05 * s],
            fill=(40, 30, 20),
        )
        d.line(
            [cx + (ex - 0.13) * s, cy - 0.27 * s, cx + (ex + 0.12) * s, cy - 0.29 * s],
            fill=(60, 40, 30),
            width=max(2, int(s * 0.05)),
        )
    d.polygon(
        [(cx, cy - 0.05 * s), (cx - 0.09 * s, cy + 0.25 * s), (cx + 0.09 * s, cy + 0.25 * s)],
        fill=(skin[0] - 30, skin[1] - 35, skin[2] - 30),
    )
    h = (0.03 + 0.14 * mouth_open) * s
    d.ellipse(
        [cx - 0.2 * s, cy + 0.45 * s - h, cx + 0.2 * s, cy + 0.45 * s + h], fill=(120, 30, 40)
    )
    return np.asarray(image.filter(ImageFilter.GaussianBlur(1.0)))


def drawn_person(side: int, seed: int, seconds: float = 3.0, fps: float = 25.0) -> Person:
    """A drawn face whose mouth opens and closes at syllable rate, with speech-like audio:
    noise in the voice band, loud while the mouth is open."""
    rng = np.random.default_rng(seed)
    n = int(seconds * fps)
    t = np.arange(n) / fps
    opening = np.abs(np.sin(2 * np.pi * (3.0 + seed % 3 * 0.4) * t + rng.uniform(0, 3)))
    skin = [(225, 180, 150), (190, 140, 105), (235, 195, 170)][seed % 3]
    # Eight mouth shapes are enough, and drawing each once keeps the generator quick.
    shapes = np.stack([_draw_face(side, level / 7, skin) for level in range(8)])
    frames = shapes[np.round(opening * 7).astype(np.intp)]
    samples = int(seconds * SAMPLE_RATE)
    noise = np.convolve(rng.standard_normal(samples), np.ones(12) / 12, mode="same")
    envelope = np.interp(np.arange(samples) / SAMPLE_RATE, t, opening)
    audio = (0.3 * noise / noise.std() * envelope).astype(np.float32)
    return Person(frames, fps, audio)
