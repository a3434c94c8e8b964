"""Joining clips into one reel with a chapter per clip.

Usage::

    result = build_reel(clip_paths, Path("reel.mp4"), chapters=[p.title for p in plays])

Clips cut from one source by :mod:`cutups.media.cut` share codec parameters, so they are
joined by stream copy (``method == "copy"``) and the reel is made in about the time it takes to
read the clips. MP4 clips with AAC audio (or none) are joined in-process, audio included
(:func:`cutups.media.join.join_copies`: packets laid end to end, in sync to within half an
AAC frame at every join, never drifting); re-encoding the audio instead cost 1 s of CPU per
85 s of reel, 30 s for a 3-hour game. Other clips, or if that join fails, go through the concat
demuxer with the video copied and the audio re-encoded (decoding and ``aresample=async=1``
give one continuous track locked to the video). Clips that differ (size, frame rate, pixel
format, codec, or audio layout) are first re-encoded one by one to the first clip's video
parameters, then joined that way (``method == "reencode"``); one at a time, so a 150-clip reel
never holds 150 decoders open.

Each clip gets one chapter (``[CHAPTER]`` blocks of an ffmetadata file, 1/1000 time base)
spanning exactly its place in the reel; a clip titled None carries on the chapter before it (a
play sent in several clips is one chapter). The reel's duration is checked against the sum of the
clips' durations (within :data:`DURATION_TOLERANCE`).
"""

from __future__ import annotations

import dataclasses
import logging
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Literal

import av.error

from cutups.errors import ConfigError, CutError, MediaError
from cutups.media.ffmpeg import ProcessRegistry, command, file_arg, run
from cutups.media.join import ReelChapter, join_copies
from cutups.media.probe import AudioStreamInfo, MediaInfo, probe

__all__ = ["DURATION_TOLERANCE", "ReelResult", "build_reel", "chapters_metadata", "reel_chapters"]

log = logging.getLogger(__name__)

DURATION_TOLERANCE = 0.1
"""Seconds the reel may differ from the sum of its clips."""
_AUDIO_BITRATE = "192k"
_X264 = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "17"]


@dataclass(frozen=True, slots=True)
class ReelResult:
    """A finished, verified reel."""

    output: Path
    duration: float
    """Seconds."""
    method: Literal["copy", "reencode"]
    """``copy``: clips' video joined as is; ``reencode``: clips were normalised first."""


def build_reel(
    clips: Sequence[Path],
    output: Path,
    *,
    chapters: Sequence[str | None] | None = None,
    registry: ProcessRegistry | None = None,
    ffmpeg: str = "ffmpeg",
    workdir: Path | None = None,
    durations: Sequence[float] | None = None,
) -> ReelResult:
    """Concatenate ``clips`` into ``output`` (MP4) with one chapter per clip.

    Arguments:
        clips: the clips, in reel order.
        output: the reel (parent directories are created; written atomically).
        chapters: one title per clip; default ``"Clip 1"``, ``"Clip 2"``, ... None: the clip
            carries on the chapter before it (never the first clip).
        registry: records the ffmpeg processes so a cancel can kill them.
        ffmpeg: the ffmpeg executable.
        workdir: where intermediate files go (a private temporary directory is made inside it);
            default is next to the output.
        durations: each clip's seconds of video, when the caller knows them (as
            :class:`~cutups.media.cut.CutResult` does): clips of one source are then joined
            without probing each one first. The reel is checked against their sum.

    Returns:
        The :class:`ReelResult`.

    Raises:
        ConfigError: no clips, a title count that does not match, or a first title None.
        MediaError: a clip is not usable video.
        CutError: the reel's duration does not match the clips'.
    """
    titles = _titles(clips, chapters, durations)
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cutups-reel-", dir=workdir or output.parent) as tmp:
        work = Path(tmp)
        partial = work / "reel.mp4"
        expected, method = _join(
            clips, titles, durations, work, partial, registry, ffmpeg, name=output.name
        )
        reel = _checked(partial, expected)
        shutil.move(partial, output)
    return ReelResult(output=output, duration=reel.duration, method=method)


def _titles(
    clips: Sequence[Path], chapters: Sequence[str | None] | None, durations: Sequence[float] | None
) -> list[str | None]:
    """One chapter title per clip (default ``"Clip N"``); ConfigError for mismatched counts."""
    if not clips:
        raise ConfigError("a reel needs at least one clip")
    titles: list[str | None] = (
        [f"Clip {i + 1}" for i in range(len(clips))] if chapters is None else list(chapters)
    )
    if len(titles) != len(clips):
        raise ConfigError(f"{len(titles)} chapter titles for {len(clips)} clips")
    if titles[0] is None:
        raise ConfigError("the first clip's chapter needs a title")
    if durations is not None and len(durations) != len(clips):
        raise ConfigError(f"{len(durations)} durations for {len(clips)} clips")
    return titles


def _join(
    clips: Sequence[Path],
    titles: Sequence[str | None],
    durations: Sequence[float] | None,
    work: Path,
    out: Path,
    registry: ProcessRegistry | None,
    ffmpeg: str,
    *,
    name: str,
) -> tuple[float, Literal["copy", "reencode"]]:
    """Join the clips into ``out``; return the seconds of video it should hold, and the method.

    With known durations the clips are joined in-process without probing them; otherwise (or
    if that fails) they are probed, normalised first when they differ, and joined in-process
    or by ffmpeg. ``name``: the reel's, for the log.
    """
    if durations is not None and _join_in_process(clips, titles, durations, out):
        return sum(durations), "copy"
    method: Literal["copy", "reencode"] = "copy"
    infos = [probe(c, keyframes=False) for c in clips]
    if len({_signature(i) for i in infos}) > 1:
        method = "reencode"
        log.info("reel %s: clips differ, normalising %d clips", name, len(infos))
        infos = _normalise(infos, work, registry, ffmpeg)
    lengths = [i.video.duration for i in infos]
    if method == "reencode" or not _join_in_process([i.path for i in infos], titles, lengths, out):
        _concat(infos, titles, work, out, registry, ffmpeg)
    return sum(lengths), method


def _checked(reel_path: Path, expected: float) -> MediaInfo:
    """The joined reel, probed; CutError when its video does not last ``expected`` seconds."""
    # Video against video: clips are placed by their video's length, and a container's
    # duration also counts audio that may run a few milliseconds past it.
    reel = probe(reel_path, keyframes=False)
    if abs(reel.video.duration - expected) > DURATION_TOLERANCE:
        raise CutError(
            f"reel's video lasts {reel.video.duration:.3f} s "
            f"but its clips add up to {expected:.3f} s"
        )
    return reel


def chapters_metadata(titles: Sequence[str | None], durations: Sequence[float]) -> str:
    """An ffmetadata document with one chapter per (title, duration in seconds), back to back
    (see :func:`reel_chapters`)."""
    lines = [";FFMETADATA1"]
    for c in reel_chapters(titles, durations):
        lines += [
            "[CHAPTER]",
            "TIMEBASE=1/1000",
            f"START={c.start_ms}",
            f"END={c.end_ms}",
            f"title={_escape(c.title)}",
        ]
    return "\n".join(lines) + "\n"


def reel_chapters(titles: Sequence[str | None], durations: Sequence[float]) -> list[ReelChapter]:
    """One chapter per titled clip, back to back, in milliseconds; a clip titled None lengthens
    the chapter before it."""
    chapters: list[ReelChapter] = []
    start = 0
    elapsed = 0.0
    for title, duration in zip(titles, durations, strict=True):
        elapsed += duration
        end = round(elapsed * 1000)  # from the running total, so rounding never accumulates
        if title is None and chapters:
            chapters[-1] = dataclasses.replace(chapters[-1], end_ms=end)
        else:
            chapters.append(ReelChapter(start, end, title or ""))
        start = end
    return chapters


def _join_in_process(
    clips: Sequence[Path], titles: Sequence[str | None], durations: Sequence[float], out: Path
) -> bool:
    """Join by stream copy in-process; False when these clips need the ffmpeg path instead."""
    try:
        join_copies(clips, out, reel_chapters(titles, durations))
    except ValueError as exc:  # clips this join does not take: expected, not a failure
        log.info("joining %d clips with ffmpeg: %s", len(clips), exc)
    except (MediaError, av.error.FFmpegError) as exc:
        log.warning("joining %d clips in-process failed (%s); using ffmpeg", len(clips), exc)
    else:
        return True
    out.unlink(missing_ok=True)
    return False


def _escape(text: str) -> str:
    """ffmetadata escaping: ``=``, ``;``, ``#``, ``\\`` and newlines get a backslash."""
    out = []
    for ch in text:
        if ch in "=;#\\\n":
            out.append("\\")
        out.append(ch)
    return "".join(out)


def _signature(info: MediaInfo) -> tuple[object, ...]:
    """What must be equal for clips to be joined without re-encoding."""
    v, a = info.video, info.audio
    audio = (a.codec, a.sample_rate, a.channels) if a is not None else None
    return (
        v.codec,
        v.width,
        v.height,
        v.pix_fmt,
        v.frame_rate,
        v.time_base,
        v.sample_aspect_ratio,
        v.profile,
        audio,
    )


def _concat(
    infos: Sequence[MediaInfo],
    titles: Sequence[str | None],
    work: Path,
    out: Path,
    registry: ProcessRegistry | None,
    ffmpeg: str,
) -> None:
    listing, meta = _concat_inputs(infos, titles, work)
    # -copyts: the first clip's AAC priming packet has a negative pts, and without it ffmpeg
    # shifts the whole reel by those 21 ms, so the video would start late.
    run(
        command(
            ffmpeg,
            "-copyts",
            "-f",
            "concat",
            "-safe",
            "0",
            "-i",
            file_arg(listing),
            "-f",
            "ffmetadata",
            "-i",
            file_arg(meta),
            "-map",
            "0:v:0",
            "-c:v",
            "copy",
            *_concat_audio(infos),
            "-map_metadata",
            "1",
            "-map_chapters",
            "1",
            "-movflags",
            "+faststart",
            "-f",
            "mp4",
            file_arg(out),
        ),
        registry=registry,
    )


def _concat_inputs(
    infos: Sequence[MediaInfo], titles: Sequence[str | None], work: Path
) -> tuple[Path, Path]:
    """Write the concat demuxer's listing and the chapters' ffmetadata into ``work``."""
    listing = work / "clips.txt"
    lines = ["ffconcat version 1.0"]
    for info in infos:
        path = str(info.path.resolve()).replace("'", "'\\''")
        # The video's own length places the next clip: container durations include audio that
        # may run a frame longer, which would open a gap in the video at every join.
        lines += [f"file 'file:{path}'", f"duration {info.video.duration:.6f}"]
    listing.write_text("\n".join(lines) + "\n", encoding="utf-8")
    meta = work / "chapters.txt"
    meta.write_text(chapters_metadata(titles, [i.video.duration for i in infos]), encoding="utf-8")
    return listing, meta


def _concat_audio(infos: Sequence[MediaInfo]) -> list[str]:
    """The concat run's audio arguments: none when the first clip has no audio."""
    if infos[0].audio is None:
        return []
    # Each clip's last AAC frame decodes with its padding (up to 21 ms), overlapping the
    # next clip; trimming overlaps above 1 ms keeps the audio from drifting ahead by that
    # much per clip (the default threshold, 100 ms, let 7 clips drift 114 ms).
    return [
        "-map",
        "0:a:0",
        "-af",
        "aresample=async=1:min_hard_comp=0.001:first_pts=0",
        "-c:a",
        "aac",
        "-b:a",
        _AUDIO_BITRATE,
    ]


def _normalise(
    infos: Sequence[MediaInfo], work: Path, registry: ProcessRegistry | None, ffmpeg: str
) -> list[MediaInfo]:
    """Re-encode every clip to the first clip's size and rate, with a common audio layout."""
    target = _Target.of(infos)
    out: list[MediaInfo] = []
    for n, info in enumerate(infos):
        path = work / f"norm{n:04d}.mp4"
        run(_normalise_argv(info, target, path, ffmpeg), registry=registry)
        made = probe(path, keyframes=False)
        # A new frame rate may move the end by part of a frame, never by more.
        if abs(made.video.duration - info.video.duration) > 1 / target.rate + 0.01:
            raise CutError(
                f"normalising {info.path.name} changed its length from "
                f"{info.video.duration:.3f} s to {made.video.duration:.3f} s"
            )
        out.append(made)
    return out


@dataclass(frozen=True, slots=True)
class _Target:
    """What :func:`_normalise` re-encodes every clip to."""

    width: int
    """The first clip's width, made even."""
    height: int
    """The first clip's height, made even."""
    rate: Fraction
    """The first clip's frame rate."""
    audio: AudioStreamInfo | None
    """The first audio any clip has (its sample rate is kept), None when none has any."""

    @classmethod
    def of(cls, infos: Sequence[MediaInfo]) -> _Target:
        first = infos[0].video
        width, height = first.width + first.width % 2, first.height + first.height % 2
        with_audio = next((i.audio for i in infos if i.audio is not None), None)
        return cls(width, height, first.frame_rate, with_audio)

    @property
    def video_filter(self) -> str:
        width, height = self.width, self.height
        return (
            f"scale={width}:{height}:force_original_aspect_ratio=decrease,"
            # eof_action=pass: by default fps drops the last frame of a clip whose frames do
            # not fall exactly on its grid, a frame per clip (8 of 25 clips of one reel).
            f"pad={width}:{height}:(ow-iw)/2:(oh-ih)/2,setsar=1,"
            f"fps={_rate(self.rate)}:eof_action=pass,"
            "format=yuv420p"
        )


def _normalise_argv(info: MediaInfo, target: _Target, out: Path, ffmpeg: str) -> list[str]:
    inputs = ["-i", file_arg(info.path)]
    maps = ["-map", f"0:{info.video.index}"]
    audio: list[str] = []
    if target.audio is not None:
        if info.audio is None:
            # Silence of the clip's length keeps every clip's audio and video aligned.
            inputs += [
                "-f",
                "lavfi",
                "-t",
                f"{info.video.duration:.6f}",
                "-i",
                f"anullsrc=r={target.audio.sample_rate}:cl=stereo",
            ]
            maps += ["-map", "1:a:0"]
        else:
            maps += ["-map", f"0:{info.audio.index}"]
        audio = ["-c:a", "aac", "-b:a", _AUDIO_BITRATE]
        audio += ["-ar", str(target.audio.sample_rate), "-ac", "2"]
    return command(
        ffmpeg,
        *inputs,
        *maps,
        "-vf",
        target.video_filter,
        *_X264,
        *audio,
        "-map_metadata",
        "-1",
        "-f",
        "mp4",
        file_arg(out),
    )


def _rate(rate: Fraction) -> str:
    return f"{rate.numerator}/{rate.denominator}"
