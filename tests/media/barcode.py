"""Videos whose every frame shows its own index, and the code to read it back.

The top band of each frame is a 16-bit barcode of the frame number N: 16 columns, black for 0
and white for 1, least significant bit on the left. Each bit is a full-height block, so the code
survives H.264 at any sane quality and downscaling to a few pixels per bit. Below it runs
``testsrc2`` so the encoder sees real motion. Audio is a 1 kHz beep for the first 100 ms of
every whole second, so A/V sync can be read back as well.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt

from cutups.media.ffmpeg import command, file_arg, run

BITS = 16
BAR_ROWS = 48
"""Rows of the barcode band in a 180-row frame."""
HEIGHT = 180
WIDTH = 320
BEEP_SECONDS = 0.1


def make_video(
    path: Path,
    *,
    rate: Fraction,
    frames: int,
    gop: int = 48,
    audio: bool = True,
    x264: tuple[str, ...] = (),
    fmt: str = "mp4",
) -> Path:
    """Encode ``frames`` barcode frames at ``rate`` with a keyframe every ``gop`` frames."""
    seconds = float(frames / rate)
    r = f"{rate.numerator}/{rate.denominator}"
    graph = (
        f"color=c=black:s={BITS}x2:r={r}:d={seconds},format=gray,"
        r"geq=lum='255*mod(floor(N/pow(2\,X))\,2)',"
        f"scale={WIDTH}:{BAR_ROWS}:flags=neighbor,setsar=1,format=yuv420p[bar];"
        f"testsrc2=s={WIDTH}x{HEIGHT - BAR_ROWS}:r={r}:d={seconds},setsar=1[pic];"
        "[bar][pic]vstack,format=yuv420p[v]"
    )
    maps = ["-map", "[v]"]
    if audio:
        graph += (
            f";aevalsrc='0.5*sin(2*PI*1000*t)*lt(mod(t\\,1)\\,{BEEP_SECONDS})'"
            f":s=48000:d={seconds}[a]"
        )
        maps += ["-map", "[a]", "-c:a", "aac", "-b:a", "96k"]
    run(
        command(
            "ffmpeg",
            "-filter_complex",
            graph,
            *maps,
            "-frames:v",
            str(frames),
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-g",
            str(gop),
            "-keyint_min",
            str(gop),
            "-sc_threshold",
            "0",
            *x264,
            "-f",
            fmt,
            file_arg(path),
            loglevel="error",
        )
    )
    return path


def read_code(image: npt.NDArray[np.uint8]) -> int:
    """The frame number shown in ``image`` (gray ``(H, W)`` or RGB ``(H, W, 3)``, any size)."""
    gray = image.mean(axis=2) if image.ndim == 3 else image.astype(np.float64)
    h, w = gray.shape
    band = max(1, round(h * BAR_ROWS / HEIGHT))
    rows = gray[round(band * 0.2) : max(round(band * 0.2) + 1, round(band * 0.8))]
    value = 0
    for bit in range(BITS):
        lo = int((bit + 0.3) * w / BITS)
        hi = max(lo + 1, int((bit + 0.7) * w / BITS))
        if rows[:, lo:hi].mean() > 128:
            value |= 1 << bit
    return value


def codes(path: Path) -> list[int]:
    """Frame numbers of every frame of ``path``, in display order."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        return [
            read_code(f.to_ndarray(format="gray").astype(np.uint8))
            for f in container.decode(stream)
        ]


def audio_samples(path: Path) -> tuple[npt.NDArray[np.float32], int]:
    """The first audio stream of ``path`` as mono float32, and its sample rate."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        rate = stream.codec_context.sample_rate
        resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
        parts = [
            out.to_ndarray().reshape(-1)
            for frame in container.decode(stream)
            for out in resampler.resample(frame)
        ]
        parts += [out.to_ndarray().reshape(-1) for out in resampler.resample(None)]
    return np.concatenate(parts).astype(np.float32), rate


def beep_onsets(samples: npt.NDArray[np.float32], rate: int) -> list[float]:
    """Seconds at which beeps start (envelope crossing half the beep's amplitude)."""
    block = rate // 1000  # 1 ms envelope
    n = samples.size // block
    env = np.abs(samples[: n * block]).reshape(n, block).max(axis=1)
    loud = env > 0.25
    starts = np.flatnonzero(loud[1:] & ~loud[:-1]) + 1
    out: list[float] = []
    for s in starts:
        # refine to the sample: first sample in the block above the threshold
        seg = np.abs(samples[s * block : (s + 1) * block])
        out.append((s * block + int(np.argmax(seg > 0.25))) / rate)
    return out
