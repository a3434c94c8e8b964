"""Generated media for the commentary tests (ffmpeg lavfi; nothing downloaded)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt

from cutups.commentary.speech import Speech
from cutups.media.ffmpeg import file_arg, run


def make_source(path: Path, seconds: float, *, audio: bool = True) -> Path:
    """A 640x360 29.97 fps H.264 video with a steady 440 Hz tone at 44.1 kHz (so chunks must
    resample to 48 kHz), GOP 60."""
    inputs = ["-f", "lavfi", "-i", f"testsrc2=size=640x360:rate=30000/1001:duration={seconds}"]
    if audio:
        inputs += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=44100:duration={seconds}"]
    codecs = ["-c:v", "libx264", "-preset", "ultrafast", "-g", "60", "-pix_fmt", "yuv420p"]
    if audio:
        codecs += ["-c:a", "aac", "-ac", "2"]
    run(["ffmpeg", "-nostdin", "-y", "-v", "error", *inputs, *codecs, file_arg(path)])
    return path


def decode_audio(path: Path) -> npt.NDArray[np.float32]:
    """The file's audio as mono float samples at 48 kHz."""
    out = run(["ffmpeg", "-nostdin", "-v", "error", "-i", file_arg(path), "-ac", "1", "-ar",
               "48000", "-f", "f32le", "pipe:1"]).stdout  # fmt: skip
    return np.frombuffer(out, dtype="<f4")


def rms_db(samples: npt.NDArray[np.float32], start: float, end: float) -> float:
    part = samples[int(start * 48_000) : int(end * 48_000)]
    return float(20 * np.log10(np.sqrt(np.mean(part.astype(np.float64) ** 2)) + 1e-9))


def silence(seconds: float) -> Speech:
    return Speech(np.zeros(int(seconds * 22_050), dtype=np.float32), 22_050, "test")


def tone(seconds: float, frequency: float = 1000.0) -> Speech:
    t = np.arange(int(seconds * 22_050)) / 22_050
    return Speech((0.5 * np.sin(2 * np.pi * frequency * t)).astype(np.float32), 22_050, "test")
