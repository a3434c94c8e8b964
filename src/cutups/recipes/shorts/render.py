"""One short on disk: a single ffmpeg run per clip, its caption files, and its A/V check.

The run seeks to the clip (``-ss`` before ``-i``, so the filter's ``t`` is the clip's own time),
frames it (:func:`~cutups.recipes.shorts.render_filter.framing_filter`), burns the word-by-word
ASS captions with libass in the same graph, and encodes once (H.264 + AAC). The ``.srt`` and
``.vtt`` are written beside the clip. Afterwards ffprobe reads the output's streams: a clip whose
audio and video start or last more than :data:`MAX_AV_OFFSET` apart is an error, not a file.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cutups.errors import CutError
from cutups.media.ffmpeg import ProcessRegistry, command, file_arg, run
from cutups.media.probe import MediaInfo
from cutups.output.captions import CaptionStyle, ass_document, srt_document, vtt_document
from cutups.recipes.shorts.framing import Framing
from cutups.recipes.shorts.render_filter import framing_filter
from cutups.speech.transcript import Word

__all__ = [
    "DESIGN_SIZE",
    "MAX_AV_OFFSET",
    "ClipJob",
    "ClipOutput",
    "av_offset",
    "filter_path",
    "render_short",
    "words_between",
]

DESIGN_SIZE = (1080, 1920)
"""The canvas caption styles are measured on (font size, margins), whatever the output size."""
MAX_AV_OFFSET = 0.040
"""Seconds the audio and video of a clip may differ in start or duration."""
_FILTER_SPECIAL = "\\'[],;:"
X264_PRESET = "superfast"
"""Measured on 2 cores, 30 s of 1080x1920: ~25 % less CPU than ``veryfast`` (23 against 31
CPU-s), for files ~1.7x larger at the same CRF (~3 Mbit/s). The render is all that a re-render
with another caption style repeats, so its cost is what keeps that under 30 % of a first run."""
X264_CRF = "21"


@dataclass(frozen=True, slots=True)
class ClipJob:
    """What one short needs: its span of the source, its framing, its words and output size."""

    clip_id: str
    start: float
    end: float
    framing: Framing
    size: tuple[int, int]
    words: tuple[Word, ...]
    captions: bool
    style: CaptionStyle


@dataclass(frozen=True, slots=True)
class ClipOutput:
    video: Path
    srt: Path
    vtt: Path
    duration: float
    av_offset: float


def filter_path(path: Path) -> str:
    """``path`` as a filter option value inside ``-filter_complex`` (every level escaped)."""
    return "".join("\\" + c if c in _FILTER_SPECIAL else c for c in str(path))


def _captions(job: ClipJob, folder: Path) -> tuple[Path, Path, Path | None]:
    """Write ``.srt``, ``.vtt`` (always) and ``.ass`` (when burning captions)."""
    base = folder / job.clip_id
    srt, vtt = base.with_suffix(".srt"), base.with_suffix(".vtt")
    lines = job.style.max_words_per_line
    srt.write_text(srt_document(job.words, job.start, job.end, lines), encoding="utf-8")
    vtt.write_text(vtt_document(job.words, job.start, job.end, lines), encoding="utf-8")
    if not job.captions or not job.words:
        return srt, vtt, None
    ass = base.with_suffix(".ass")
    # Styles are sized for the seed's 1080x1920 canvas; libass scales it to the real output.
    width, height = DESIGN_SIZE
    document = ass_document(job.words, job.start, job.end, job.style, width=width, height=height)
    ass.write_text(document, encoding="utf-8")
    return srt, vtt, ass


def _argv(job: ClipJob, info: MediaInfo, ass: Path | None, dest: Path, ffmpeg: str) -> list[str]:
    graph = framing_filter(job.framing, job.size, job.start, out="framed")
    burn = f"ass=filename={filter_path(ass)}" if ass is not None else "null"
    graph += f";[framed]{burn}[vout]"
    seek = max(0.0, job.start + info.seek_offset)
    # A whole number of frames, so the video cannot end up to a frame away from the audio.
    fps = float(info.video.frame_rate)
    length = max(1, round((job.end - job.start) * fps)) / fps
    return command(
        ffmpeg,
        "-ss", f"{seek:.3f}", "-i", file_arg(info.path), "-t", f"{length:.6f}",
        "-filter_complex", graph, "-map", "[vout]", "-map", "0:a:0",
        "-c:v", "libx264", "-preset", X264_PRESET, "-crf", X264_CRF, "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-b:a", "128k", "-movflags", "+faststart",
        file_arg(dest),
    )  # fmt: skip


def av_offset(path: Path, ffprobe: str = "ffprobe") -> tuple[float, float]:
    """``(duration, offset)`` of a rendered clip: its video's duration, and the larger of the
    differences between its video and audio stream starts and durations (seconds)."""
    argv = [
        ffprobe, "-v", "error", "-show_entries", "stream=codec_type,start_time,duration",
        "-of", "json", file_arg(path),
    ]  # fmt: skip
    streams = json.loads(run(argv).stdout)["streams"]
    found = {s["codec_type"]: s for s in streams if s.get("codec_type") in ("video", "audio")}
    if set(found) != {"video", "audio"}:
        raise CutError(f"{path.name} lacks a stream: it has {', '.join(found) or 'none'}")
    v, a = found["video"], found["audio"]
    start = abs(float(v["start_time"]) - float(a["start_time"]))
    length = abs(float(v["duration"]) - float(a["duration"]))
    return float(v["duration"]), max(start, length)


def render_short(
    job: ClipJob,
    info: MediaInfo,
    folder: Path,
    *,
    ffmpeg: str = "ffmpeg",
    ffprobe: str = "ffprobe",
    registry: ProcessRegistry | None = None,
) -> ClipOutput:
    """Render ``job`` into ``folder/<id>.mp4`` (+ ``.srt``, ``.vtt``) in one ffmpeg run.

    Raises:
        FFmpegError: ffmpeg failed (its last line says why).
        CutError: the output's audio and video are more than :data:`MAX_AV_OFFSET` apart.
    """
    folder.mkdir(parents=True, exist_ok=True)
    srt, vtt, ass = _captions(job, folder)
    dest = folder / f"{job.clip_id}.mp4"
    run(_argv(job, info, ass, dest, ffmpeg), registry=registry)
    if ass is not None:
        ass.unlink(missing_ok=True)
    duration, offset = av_offset(dest, ffprobe)
    if offset > MAX_AV_OFFSET:
        raise CutError(
            f"clip {job.clip_id}: audio and video are {offset * 1000:.0f} ms apart "
            f"(at most {MAX_AV_OFFSET * 1000:.0f} ms allowed)"
        )
    return ClipOutput(dest, srt, vtt, duration, offset)


def words_between(words: Sequence[Word], start: float, end: float) -> tuple[Word, ...]:
    """The words spoken inside ``[start, end]``."""
    return tuple(w for w in words if w.start >= start - 1e-6 and w.end <= end + 1e-6)
