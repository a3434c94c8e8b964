"""One commentary chunk: a play's span of the source, its audio ducked under the voice.

Every chunk is encoded with the same :class:`EncoderSetup` (libx264 with a fixed GOP, no
scene-cut keyframes and no B-frames, AAC stereo at 48 kHz, bit-exact muxing), so the chunks
join into the final video by stream copy and split into HLS segments on their keyframes.
Without B-frames every frame is decoded when it is shown: with them, a chunk's first decode
time lay two frames before the end of the chunk it follows, and Chromium's Media Source
dropped the frames shown there (a two-frame gap in ``buffered`` that stopped playback).

Each chunk is a whole number of frames, and its audio is trimmed or padded to exactly the
samples those frames last, so no join adds drift: the only slack is the AAC padding of a
chunk's last packet.

The original audio is lowered by ``duck_db`` while the voice speaks (with quarter-second ramps)
and at full level elsewhere; a source without audio gets silence under the voice.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from cutups.media.ffmpeg import ProcessRegistry, file_arg, run
from cutups.media.probe import MediaInfo

__all__ = [
    "AUDIO_RATE",
    "RAMP",
    "ChunkFile",
    "ChunkSpec",
    "EncoderSetup",
    "frame_span",
    "render_chunk",
]

AUDIO_RATE = 48_000
RAMP = 0.25
"""Seconds over which the original audio dips under the voice and comes back."""


@dataclass(frozen=True, slots=True)
class EncoderSetup:
    """The one encoder configuration every chunk of a job shares."""

    frame_rate: Fraction
    width: int
    height: int
    gop_seconds: int = 2
    crf: int = 21
    preset: str = "veryfast"
    audio_bitrate: str = "128k"

    @classmethod
    def for_source(cls, info: MediaInfo) -> EncoderSetup:
        """The setup for ``info``'s frame rate and size (even dimensions, as 4:2:0 needs)."""
        v = info.video
        return cls(frame_rate=v.frame_rate, width=v.width // 2 * 2, height=v.height // 2 * 2)

    @property
    def gop(self) -> int:
        """Frames between keyframes: fixed, so HLS segments and joins fall on them."""
        return max(1, round(self.gop_seconds * self.frame_rate))

    def output_args(self) -> list[str]:
        # -bf 0: decode order is display order, so chunks meet in MSE without a gap.
        rate = f"{self.frame_rate.numerator}/{self.frame_rate.denominator}"
        return [
            "-c:v", "libx264", "-preset", self.preset, "-crf", str(self.crf),
            "-profile:v", "high", "-bf", "0", "-pix_fmt", "yuv420p", "-r", rate,
            "-g", str(self.gop), "-keyint_min", str(self.gop), "-sc_threshold", "0",
            "-c:a", "aac", "-b:a", self.audio_bitrate, "-ar", str(AUDIO_RATE), "-ac", "2",
            "-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact",
            "-map_metadata", "-1", "-map_chapters", "-1", "-movflags", "+faststart",
        ]  # fmt: skip

    def samples(self, frames: int) -> int:
        """Audio samples lasting exactly as long as ``frames`` video frames (to the sample)."""
        return round(frames / self.frame_rate * AUDIO_RATE)


def frame_span(start: float, end: float, frame_rate: Fraction) -> tuple[int, int]:
    """``(first frame, frame count)`` of the frames shown from ``start`` to ``end`` seconds."""
    first = max(0, round(Fraction(start) * frame_rate))
    last = max(first + 1, round(Fraction(end) * frame_rate))
    return first, last - first


@dataclass(frozen=True, slots=True)
class ChunkSpec:
    """What one chunk holds."""

    index: int
    first_frame: int
    frames: int
    voice: Path | None = None
    """The voiced line (WAV), or None for a chunk without commentary."""
    voice_at: float = 0.0
    """Seconds from the chunk's start to the first word (negative: the voice began in the chunk
    before, and this one holds the rest of it)."""
    voice_seconds: float = 0.0
    duck_db: float = -12.0


@dataclass(frozen=True, slots=True)
class ChunkFile:
    """A finished chunk."""

    path: Path
    frames: int
    samples: int
    frame_rate: Fraction

    @property
    def seconds(self) -> Fraction:
        return self.frames / self.frame_rate


def _duck(spec: ChunkSpec) -> str:
    """A ``volume`` filter lowering the original audio under the voice."""
    if spec.voice is None or spec.duck_db >= 0:
        return "anull"
    gain = 10 ** (spec.duck_db / 20)
    start = spec.voice_at - RAMP
    end = spec.voice_at + spec.voice_seconds + RAMP
    depth = f"clip(min((t-{start:.3f})/{RAMP},({end:.3f}-t)/{RAMP}),0,1)"
    return f"volume=volume='1-{1 - gain:.4f}*{depth}':eval=frame"


def _filters(spec: ChunkSpec, setup: EncoderSetup, has_audio: bool) -> str:
    samples = setup.samples(spec.frames)
    stereo = f"aresample={AUDIO_RATE},aformat=sample_fmts=fltp:channel_layouts=stereo"
    video = (
        f"[0:v]trim=end_frame={spec.frames},setpts=PTS-STARTPTS,"
        f"scale={setup.width}:{setup.height},format=yuv420p[v]"
    )
    background = f"[0:a]{stereo},asetpts=PTS-STARTPTS" if has_audio else f"[1:a]{stereo}"
    graph = [video, f"{background},{_duck(spec)}[bg]"]
    exact = f"apad,atrim=end_sample={samples}"
    if spec.voice is None:
        graph.append(f"[bg]{exact}[a]")
    else:
        delay = round(spec.voice_at * 1000)  # ms
        # A chunk that starts after the voice began (a fast start's pieces) hears the rest of it.
        skip = f"atrim=start_sample={-delay * AUDIO_RATE // 1000},asetpts=PTS-STARTPTS"
        shift = f"adelay={delay}:all=1" if delay >= 0 else skip
        voice_input = 2 if not has_audio else 1
        graph.append(f"[{voice_input}:a]{stereo},{shift}[voice]")
        graph.append(f"[bg][voice]amix=inputs=2:duration=first:normalize=0,{exact}[a]")
    return ";".join(graph)


def render_chunk(
    info: MediaInfo,
    spec: ChunkSpec,
    setup: EncoderSetup,
    output: Path,
    *,
    registry: ProcessRegistry | None = None,
    ffmpeg: str = "ffmpeg",
) -> ChunkFile:
    """Encode one chunk into ``output`` (written under a temporary name, then renamed).

    Raises:
        FFmpegError: ffmpeg failed (its last stderr line says why).
        CanceledError: the registry was canceled meanwhile.
    """
    start = spec.first_frame / info.video.frame_rate + Fraction(info.seek_offset)
    seconds = spec.frames / info.video.frame_rate
    inputs = ["-ss", f"{float(start):.6f}", "-i", file_arg(info.path)]
    if not info.has_audio:
        # Silence exactly as long as the chunk (plus a frame) under the voice.
        inputs += ["-f", "lavfi", "-t", f"{math.ceil(seconds) + 1}",
                   "-i", f"anullsrc=r={AUDIO_RATE}:cl=stereo"]  # fmt: skip
    if spec.voice is not None:
        inputs += ["-i", file_arg(spec.voice)]
    partial = output.with_name(f".{output.name}.partial.mp4")
    graph = _filters(spec, setup, info.has_audio)
    argv = [ffmpeg, "-nostdin", "-y", "-v", "error", *inputs, "-filter_complex", graph,
            "-map", "[v]", "-map", "[a]", *setup.output_args(), file_arg(partial)]  # fmt: skip
    run(argv, registry=registry)
    partial.replace(output)
    return ChunkFile(output, spec.frames, setup.samples(spec.frames), setup.frame_rate)
