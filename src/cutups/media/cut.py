"""Frame-exact clips, re-encoding only the frames that must be ("smart cut").

Usage::

    info = probe("game.mp4")
    result = cut_clip(info, CutSpec(start=754.2, end=768.9, output=Path("play-012.mp4")))
    result.method        # "copy", "smart" or "reencode"
    result.reencoded_frames  # 0 for a pure stream copy

**Guarantees.** The clip's first frame is the source frame at ``start`` and it holds exactly
the frames of ``[start, end)`` after snapping both to the frame grid (see
:mod:`cutups.media.cutplan`), with audio cut to the same span, so it stays in sync.
Every output is probed afterwards (:func:`verify_clip`). If the fast path fails or its output
does not check out, the clip is re-encoded whole and checked again, and only then does
:class:`~cutups.errors.CutError` come up.

**Pure copies, in-process.** A clip that starts on a keyframe and ends on a clean end (the
plays recipe places windows so, see :mod:`cutups.recipes.windows`) is one copy segment. For
MP4/MOV sources with AAC audio it is written by :mod:`cutups.media.remux` with PyAV from the
packets already read for planning: video and audio copied, no ffmpeg process at all, the source
opened once per thread (:class:`~cutups.media.remux.Readers`). If that fails or does not verify,
the ffmpeg path below runs, then the re-encode.

**Otherwise** (each step is a separate ffmpeg run; the Debian ffmpeg 5.1 CLI does the cutting,
PyAV only reads packet timestamps):

1. *Head*: frames before the first keyframe are re-encoded with libx264, matching the source's
   profile, level, pixel format, size and time base so the joined stream stays one valid
   stream. Frames are picked by exact pts with ``-copyts`` and ``trim=start_pts/end_pts``
   rather than by ``-ss``, because ffmpeg seeks MP4 by *decode* time and can land one keyframe
   late when the start is just before a keyframe.
2. *Copy*: from the keyframe on, packets are stream-copied. The count of packets
   (``-frames:v``) is taken from a demux of the source, ending at a "clean end" where decode
   order and display order agree; ``-t`` cannot do this, as it stops on decode time and leaves
   2-3 stray B-frame anchors past the end.
3. *Tail*: the few frames after the clean end (at most a B-frame run) are re-encoded.
4. *Join*: the concat demuxer joins the pieces with ``-c copy`` (its ``auto_convert`` puts each
   piece's SPS/PPS in-band, so the differing x264 and source parameter sets both decode), and
   the same run encodes the clip's audio from the source with sample-exact ``atrim`` (audio is
   cheap; re-encoding it over the whole span is what guarantees sync).

Decode-order timestamps must rise across the joins, one frame at a time: the copied part's
decode times run ahead of its presentation times by the source's B-frame delay, so re-encoded
pieces are made without B-frames and their decode times are shifted by exactly that delay
(``setts`` bitstream filter). Without the shift on the tail, one sample would "last" three
frames in the MP4's decode timing, which skews the average frame rate players and FFmpeg report.

The final run does *not* use ``-avoid_negative_ts make_zero``: on the joined stream it shifts
video and audio by the B-frame delay and the MP4 muxer then writes a 2-frame empty edit at the
start (measured: +22 ms duration, start at 66 ms). Negative decode times are legal in MP4.
"""

from __future__ import annotations

import bisect
import logging
import shutil
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import nullcontext
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Literal

import av.error

from cutups.cores import cores, side_by_side
from cutups.errors import CanceledError, ConfigError, CutError, FFmpegError, MediaError
from cutups.media.cutplan import FrameGrid, Segment, plan_segments, read_packet_window
from cutups.media.ffmpeg import ProcessRegistry, command, file_arg, run
from cutups.media.probe import MediaInfo, probe
from cutups.media.remux import Readers, Written, copyable, read_span, write_clip

__all__ = [
    "AUDIO_BITRATE_PER_CHANNEL",
    "X264_CRF",
    "X264_PRESET",
    "CutMethod",
    "CutResult",
    "CutSpec",
    "cut_clip",
    "cut_many",
    "verify_clip",
]

log = logging.getLogger(__name__)

CutMethod = Literal["copy", "smart", "reencode"]

X264_PRESET = "veryfast"
"""libx264 speed preset for re-encoded frames: heads are short, whole clips are the fallback."""
X264_CRF = 17
"""libx264 quality; visually lossless next to broadcast-bitrate copied frames."""
AUDIO_BITRATE_PER_CHANNEL = 96_000
"""AAC bits per second per channel (capped at 320 kb/s)."""
_SEEK_BACK = 0.5
"""Seconds before the keyframe preceding a re-encoded span that ffmpeg is told to seek to, so
that even an inexact seek (MPEG-TS) lands before it; frames are then picked by pts."""
_DURATION_SLACK = 0.010
"""Seconds of rounding allowed on top of one frame when checking a clip's duration."""
_AV_SYNC_TOLERANCE = 0.050
"""Seconds audio and video of a clip may differ in length."""
_SMART_CODECS = frozenset({"h264"})
_SMART_PIX_FMTS = frozenset({"yuv420p", "yuvj420p"})


class _NotSpliceable(ValueError):
    """The clip cannot be copied in part (no keyframe inside, unsupported codec): re-encode it."""


class _InProcessFailed(ValueError):
    """Reading or writing the in-process copy failed: cut with ffmpeg instead."""


_X264_PROFILES = {
    "Constrained Baseline": "baseline",
    "Baseline": "baseline",
    "Main": "main",
    "High": "high",
}


@dataclass(frozen=True, slots=True)
class CutSpec:
    """One clip to cut."""

    start: float
    """Seconds from the source's first frame; snapped to the frame grid."""
    end: float
    """Seconds, exclusive; snapped the same way. Past the end of the video means its end."""
    output: Path
    """Where the MP4 goes (parent directories are created)."""


@dataclass(frozen=True, slots=True)
class CutResult:
    """A verified clip."""

    output: Path
    start: float
    """Seconds of the clip's first frame in the source (after snapping)."""
    end: float
    """Seconds just past its last frame in the source."""
    duration: float
    """Seconds of video in the clip."""
    frames: int
    """Video frames in the clip."""
    method: CutMethod
    """``copy``: video stream-copied whole; ``smart``: partly re-encoded; ``reencode``: whole."""
    reencoded_frames: int = 0
    """Video frames that were decoded and encoded anew (0 for a pure stream copy)."""


@dataclass(frozen=True, slots=True)
class _Outcome:
    """What the fast path did."""

    method: CutMethod
    reencoded_frames: int
    in_process: bool
    """Written by :func:`~cutups.media.remux.write_clip` rather than by ffmpeg."""
    written: Written | None = None
    """What :func:`~cutups.media.remux.write_clip` wrote: verification by construction, since
    every packet and timestamp was chosen here (probing each clip again cost more than the
    copy). None for ffmpeg's outputs, which are probed."""


def _seconds(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def cut_clip(
    source: MediaInfo,
    spec: CutSpec,
    *,
    registry: ProcessRegistry | None = None,
    ffmpeg: str = "ffmpeg",
    workdir: Path | None = None,
    force: CutMethod | None = None,
    threads: int = 0,
    readers: Readers | None = None,
) -> CutResult:
    """Cut one verified clip out of ``source``.

    Arguments:
        source: the probed source; needs its keyframes (``probe(..., keyframes=True)``).
        spec: the span and the output path.
        registry: records the ffmpeg processes so a job cancel can kill them.
        ffmpeg: the ffmpeg executable.
        workdir: where intermediate pieces go (a private temporary directory is made inside
            it and removed); default is next to the output.
        force: try this method first instead of choosing: ``"copy"`` stream-copies from the
            nearest keyframe at or before the start even when that is not the start (verification
            then fails and the fallback runs, which is how tests exercise it), ``"smart"`` and
            ``"reencode"`` pick those paths. The fallback and verification still apply.
        threads: libx264 threads (0 lets x264 decide); :func:`cut_many` divides the cores.
        readers: open source containers to reuse (:func:`cut_many` shares one per thread);
            default: the source is opened for this clip alone.

    Returns:
        The :class:`CutResult`.

    Raises:
        ConfigError: the span holds no frame of the video.
        CutError: neither the fast path nor the re-encode produced a clip that verifies.
        CanceledError: the registry was canceled.
    """
    grid = FrameGrid.of(source)
    first, end = _frames(source, grid, spec)
    own = readers is None
    job = _Job(
        source,
        grid,
        first,
        end,
        spec.output,
        ffmpeg,
        registry,
        threads,
        readers or Readers(),
        workdir,
    )
    try:
        return _cut(job, spec, force)
    finally:
        if own:
            job.readers.close()


def _frames(source: MediaInfo, grid: FrameGrid, spec: CutSpec) -> tuple[int, int]:
    """The span's frames ``[first, end)`` on the grid; ConfigError when it holds none."""
    first = max(0, grid.index(spec.start))
    end = min(grid.count, grid.index(spec.end))
    if end <= first:
        raise ConfigError(
            f"cut {spec.start:.3f}-{spec.end:.3f} s holds no frame of {source.path.name} "
            f"(video is {source.video.duration:.3f} s)"
        )
    return first, end


def _cut(job: _Job, spec: CutSpec, force: CutMethod | None) -> CutResult:
    """Fast path (in-process copy, then ffmpeg pieces), verified; else re-encode whole."""
    source = job.source
    spec.output.parent.mkdir(parents=True, exist_ok=True)
    parent = job.workdir or spec.output.parent
    with tempfile.TemporaryDirectory(prefix="cutups-cut-", dir=parent) as tmp:
        work = Path(tmp)
        if force != "reencode":
            in_process = force is None and copyable(source)
            while True:
                retry_with_ffmpeg = False
                try:
                    outcome = _fast_cut(job, work, forced=force, in_process=in_process)
                    reason = (
                        _verdict(
                            float(outcome.written.video_seconds),
                            outcome.written.video_packets,
                            _seconds(outcome.written.audio_seconds),
                            frame=job.grid.frame_duration,
                            frames=job.frames,
                            duration=job.duration,
                            has_audio=source.has_audio,
                        )
                        if outcome.written is not None
                        else verify_clip(
                            job.partial(work), job.frames, job.duration, source.has_audio
                        )
                    )
                    if reason is None:
                        return job.finish(work, outcome.method, outcome.reencoded_frames)
                    retry_with_ffmpeg = outcome.in_process
                except _NotSpliceable as exc:
                    log.debug("re-encoding %s whole: %s", spec.output.name, exc)
                    break
                except _InProcessFailed as exc:
                    reason, retry_with_ffmpeg = str(exc), True
                except (FFmpegError, MediaError, ValueError) as exc:
                    reason = f"{type(exc).__name__}: {exc}"
                if in_process and retry_with_ffmpeg:
                    log.warning("copy of %s failed (%s); cutting with ffmpeg", spec.output, reason)
                    in_process = False
                    continue
                log.warning("fast cut of %s failed (%s); re-encoding it", spec.output, reason)
                break
        _reencode(job, work)
        reason = verify_clip(job.partial(work), job.frames, job.duration, source.has_audio)
        if reason is not None:
            raise CutError(f"cut {spec.output.name} failed verification: {reason}")
        return job.finish(work, "reencode", job.frames)


def cut_many(
    source: MediaInfo,
    specs: Sequence[CutSpec],
    *,
    jobs: int = 0,
    on_done: Callable[[CutResult], None] | None = None,
    registry: ProcessRegistry | None = None,
    ffmpeg: str = "ffmpeg",
    workdir: Path | None = None,
    readers: Readers | None = None,
) -> list[CutResult]:
    """Cut many clips in parallel; results come back in the order of ``specs``.

    Arguments:
        source: the probed source.
        specs: the clips.
        jobs: clips cut at once; 0 means one per CPU core. libx264 threads are divided
            between them so the machine is not oversubscribed.
        on_done: called with each result as it finishes (in completion order, on the calling
            thread), so callers can show clips before the whole batch is done.
        registry: as for :func:`cut_clip`; canceling it stops every running clip.
        ffmpeg: the ffmpeg executable.
        workdir: as for :func:`cut_clip`.
        readers: open containers to reuse, one per thread (default: a set for this batch).

    Raises:
        The first error any clip raised (clips not yet started are skipped, running ones are
        allowed to finish).
    """
    if jobs < 0:
        raise ConfigError(f"jobs must be 0 or more, got {jobs}")
    workers = side_by_side(jobs)
    threads = max(1, cores() // workers)
    with (
        Readers() if readers is None else nullcontext(readers) as shared,
        ThreadPoolExecutor(max_workers=workers, thread_name_prefix="cutups-cut") as pool,
    ):
        futures: dict[Future[CutResult], int] = {
            pool.submit(
                cut_clip,
                source,
                spec,
                registry=registry,
                ffmpeg=ffmpeg,
                workdir=workdir,
                threads=threads,
                readers=shared,
            ): i
            for i, spec in enumerate(specs)
        }
        return _in_order(futures, on_done)


def _in_order(
    futures: dict[Future[CutResult], int], on_done: Callable[[CutResult], None] | None
) -> list[CutResult]:
    """The results of ``futures`` (each mapped to its place) in that order, ``on_done`` told of
    each as it lands; the first error cancels the clips not yet started and is raised."""
    results: list[CutResult | None] = [None] * len(futures)
    pending = set(futures)
    while pending:
        # FIRST_COMPLETED, not FIRST_EXCEPTION: the latter waits for everything when
        # nothing fails, and on_done would no longer be progressive.
        done, pending = wait(pending, return_when=FIRST_COMPLETED)
        for future in done:
            error = future.exception()
            if error is not None:
                for other in pending:
                    other.cancel()
                raise error
            result = future.result()
            results[futures[future]] = result
            if on_done is not None:
                on_done(result)
    return [r for r in results if r is not None]


def verify_clip(path: Path, frames: int, duration: Fraction, has_audio: bool) -> str | None:
    """Check a finished clip; return what is wrong with it, or None when it is right.

    Checks: video duration within one frame (+10 ms) of ``duration``; frame count within one of
    ``frames``; when ``has_audio``, an audio stream whose length is within 50 ms of the video's.
    """
    try:
        info = probe(path, keyframes=False)
    except MediaError as exc:
        return f"output unreadable: {exc}"
    return _verdict(
        info.video.duration,
        info.video.frame_count,
        None if info.audio is None else info.audio.duration,
        frame=1 / info.video.frame_rate,
        frames=frames,
        duration=duration,
        has_audio=has_audio,
    )


def _verdict(
    video: float,
    count: int | None,
    audio: float | None,
    *,
    frame: Fraction,
    frames: int,
    duration: Fraction,
    has_audio: bool,
) -> str | None:
    """:func:`verify_clip`'s checks on a clip's measured seconds of video, frames and audio."""
    if abs(video - float(duration)) > float(frame) + _DURATION_SLACK:
        return f"video lasts {video:.3f} s, expected {float(duration):.3f} s"
    if count is None or abs(count - frames) > 1:
        return f"{count} frames, expected {frames}"
    if has_audio:
        if audio is None:
            return "audio missing"
        if abs(audio - video) > _AV_SYNC_TOLERANCE:
            return f"audio lasts {audio:.3f} s, video {video:.3f} s"
    return None


# -- one clip ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Job:
    source: MediaInfo
    grid: FrameGrid
    first: int
    end: int
    output: Path
    ffmpeg: str
    registry: ProcessRegistry | None
    threads: int
    readers: Readers
    workdir: Path | None

    @property
    def frames(self) -> int:
        return self.end - self.first

    @property
    def duration(self) -> Fraction:
        return self.frames / self.grid.fps

    def partial(self, work: Path) -> Path:
        return work / "clip.mp4"

    def finish(self, work: Path, method: CutMethod, reencoded: int) -> CutResult:
        """Move the verified clip into place (atomically when on the same filesystem)."""
        shutil.move(self.partial(work), self.output)
        return CutResult(
            output=self.output,
            start=float(self.grid.time(self.first)),
            end=float(self.grid.time(self.end)),
            duration=float(self.duration),
            frames=self.frames,
            method=method,
            reencoded_frames=reencoded,
        )

    def ffmpeg_cmd(self, *args: str) -> list[str]:
        return command(self.ffmpeg, *args)

    def run(self, argv: list[str]) -> str:
        if self.registry is not None and self.registry.canceled:
            raise CanceledError("canceled before ffmpeg started")
        return run(argv, registry=self.registry).stderr

    def seek_before(self, index: int) -> str:
        """``-ss`` value safely before frame ``index`` and the keyframe it decodes from."""
        t = float(self.grid.time(index))
        keys = self.source.keyframes
        at = bisect.bisect_right(keys, t + 1e-6)
        base = keys[at - 1] if at else t - 10.0  # unknown GOP: be generous
        return f"{max(0.0, base + self.source.seek_offset - _SEEK_BACK):.6f}"

    def x264_args(self, *, match_source: bool) -> list[str]:
        v = self.source.video
        args = ["-c:v", "libx264", "-preset", X264_PRESET, "-crf", str(X264_CRF)]
        if match_source:
            profile = _X264_PROFILES.get(v.profile or "")
            if profile:
                args += ["-profile:v", profile]
            if v.level and v.level >= 10:
                args += ["-level:v", f"{v.level // 10}.{v.level % 10}"]
            args += ["-pix_fmt", v.pix_fmt]
        else:
            args += ["-pix_fmt", "yuvj420p" if v.pix_fmt == "yuvj420p" else "yuv420p"]
        if self.threads > 0:
            args += ["-threads", str(self.threads)]
        return args

    def timing_args(self) -> list[str]:
        """Keep the source's time base so pieces join without rescaling."""
        tb = self.source.video.time_base
        return [
            "-fps_mode",
            "passthrough",
            "-enc_time_base:v",
            f"{tb.numerator}/{tb.denominator}",
            "-video_track_timescale",
            str(tb.denominator),
        ]

    def video_trim(self, first: int, end: int) -> str:
        return (
            f"trim=start_pts={self.grid.pts_at_or_after(first)}"
            f":end_pts={self.grid.pts_at_or_after(end)},setpts=PTS-STARTPTS"
        )

    def audio_args(self) -> list[str]:
        """Encode the clip's audio span, sample-exact, padded with silence if the track is short.

        Times are on the container clock because the audio input is read with ``-copyts``.
        """
        audio = self.source.audio
        if audio is None:
            return []
        start = float(self.grid.absolute(self.first))
        end = float(self.grid.absolute(self.end))
        samples = round(self.duration * audio.sample_rate)
        chain = (
            f"atrim=start={start:.6f}:end={end:.6f},asetpts=PTS-{start:.6f}/TB,"
            f"aresample=async=1:first_pts=0,apad=whole_len={samples},"
            f"atrim=end_sample={samples}"
        )
        bitrate = min(320_000, AUDIO_BITRATE_PER_CHANNEL * max(1, audio.channels))
        return ["-af", chain, "-c:a", "aac", "-b:a", str(bitrate)]


def _fast_cut(job: _Job, work: Path, *, forced: CutMethod | None, in_process: bool) -> _Outcome:
    """Copy where possible, re-encode the rest, join, add audio.

    With ``in_process``, the packets are read once with PyAV for planning, and a clip that is
    one copy segment is written from them (:mod:`cutups.media.remux`): no ffmpeg at all.

    Raises:
        _NotSpliceable: the clip cannot be partly copied; not a failure.
        _InProcessFailed: the in-process read or write failed.
        ValueError: the plan or the join went wrong.
        FFmpegError: an ffmpeg step failed.
    """
    src = job.source
    if job.registry is not None and job.registry.canceled:
        raise CanceledError("canceled before the cut started")
    if forced == "copy":
        whole = Segment("copy", job.first, job.end, job.frames)
        _copy(job, whole, work / "piece0.mp4", exact=False)
        _join(job, work, ["piece0.mp4"], [whole])
        return _Outcome("copy", 0, in_process=False)
    grid = job.grid
    # bisect on the probe's times: a 3-hour broadcast has ~20 000 keyframes.
    half = float(grid.frame_duration / 2)
    at = bisect.bisect_left(src.keyframes, float(grid.time(job.first)) - half)
    k1 = grid.index(src.keyframes[at]) if at < len(src.keyframes) else None
    if k1 is None or k1 >= job.end:
        raise _NotSpliceable("no keyframe inside the clip")
    span = None
    if in_process:
        try:
            span = read_span(job.readers.get(src.path), src, grid, k1, job.end)
        except (MediaError, av.error.FFmpegError) as exc:
            raise _InProcessFailed(f"copy: reading {src.path.name} failed: {exc}") from exc
    window = span.window if span is not None else read_packet_window(src, grid, k1, job.end)
    segments = plan_segments(job.first, job.end, [k1], window)
    if segments is None:
        raise ValueError("no clean copy span in the clip")
    log.debug("cut %s: %s", job.output.name, segments)
    if span is not None and len(segments) == 1:
        try:
            written = write_clip(span, segments[0].packets, job.partial(work))
        except (OSError, ValueError, av.error.FFmpegError) as exc:
            raise _InProcessFailed(f"copy: writing {job.output.name} failed: {exc}") from exc
        return _Outcome("copy", 0, in_process=True, written=written)
    if not _spliceable(src):
        raise _NotSpliceable(f"cannot splice {src.video.codec}/{src.video.pix_fmt}")
    names: list[str] = []
    for i, seg in enumerate(segments):
        name = f"piece{i}.mp4"
        if seg.kind == "copy":
            _copy(job, seg, work / name, exact=True)
        else:
            _encode_piece(job, seg, work / name, dts_shift=window.reorder_ticks)
        names.append(name)
    _join(job, work, names, segments)
    reencoded = sum(seg.frames for seg in segments if seg.kind == "encode")
    return _Outcome("copy" if len(segments) == 1 else "smart", reencoded, in_process=False)


def _encode_piece(job: _Job, seg: Segment, out: Path, *, dts_shift: int) -> None:
    """Re-encode source frames ``[seg.first, seg.end)`` as a video-only piece."""
    bsf = ["-bsf:v", f"setts=dts=DTS-{dts_shift}"] if dts_shift > 0 else []
    argv = job.ffmpeg_cmd(
        "-copyts",
        "-noaccurate_seek",
        "-ss",
        job.seek_before(seg.first),
        "-i",
        file_arg(job.source.path),
        "-map",
        f"0:{job.source.video.index}",
        "-an",
        "-sn",
        "-dn",
        "-map_metadata",
        "-1",
        "-vf",
        job.video_trim(seg.first, seg.end),
        *job.timing_args(),
        *job.x264_args(match_source=True),
        # No B-frames: decode order equals display order, so the only delay is the shift above.
        "-bf",
        "0",
        *bsf,
        "-f",
        "mp4",
        file_arg(out),
    )
    job.run(argv)


def _copy(job: _Job, seg: Segment, out: Path, *, exact: bool) -> None:
    """Stream-copy ``seg.packets`` video packets starting at the keyframe ``seg.first``.

    ``-ss`` lands on the keyframe at or before its argument, so a quarter frame past the
    keyframe makes rounding harmless; the packet before it starts no earlier.
    """
    t = job.grid.time(seg.first) + (job.grid.frame_duration / 4 if exact else 0)
    # Exact: a packet count from the plan. Otherwise (forced copy) a plain duration, which is
    # only right when the span happens to start on a keyframe; verification decides.
    limit = ["-frames:v", str(seg.packets)] if exact else ["-t", f"{float(job.duration):.6f}"]
    argv = job.ffmpeg_cmd(
        "-ss",
        f"{float(t) + job.source.seek_offset:.6f}",
        "-i",
        file_arg(job.source.path),
        "-map",
        f"0:{job.source.video.index}",
        "-c",
        "copy",
        "-map_metadata",
        "-1",
        *limit,
        "-avoid_negative_ts",
        "make_zero",
        "-f",
        "mp4",
        file_arg(out),
    )
    job.run(argv)


def _join(job: _Job, work: Path, names: list[str], segments: list[Segment]) -> None:
    """Concatenate the pieces (stream copy) and encode the audio span in the same run."""
    listing = work / "pieces.txt"
    lines = ["ffconcat version 1.0"]
    for name, seg in zip(names, segments, strict=True):
        path = str((work / name).resolve()).replace("'", "'\\''")
        lines.append(f"file 'file:{path}'")
        # Explicit durations place each piece exactly, whatever its container rounding.
        lines.append(f"duration {float(seg.frames / job.grid.fps):.6f}")
    listing.write_text("\n".join(lines) + "\n", encoding="utf-8")
    src = job.source
    audio_in: list[str] = []
    audio_map: list[str] = []
    if src.audio is not None:
        audio_in = ["-noaccurate_seek", "-ss", job.seek_before(job.first), "-i", file_arg(src.path)]
        audio_map = ["-map", f"1:{src.audio.index}", *job.audio_args()]
    argv = job.ffmpeg_cmd(
        "-f",
        "concat",
        "-safe",
        "0",
        "-i",
        file_arg(listing),
        "-copyts",
        *audio_in,
        "-map",
        "0:v:0",
        "-c:v",
        "copy",
        *audio_map,
        "-map_metadata",
        "-1",
        "-movflags",
        "+faststart",
        "-f",
        "mp4",
        file_arg(job.partial(work)),
    )
    stderr = job.run(argv)
    if "Non-monotonous DTS" in stderr or "non monotonically increasing dts" in stderr:
        # ffmpeg "fixes" these by nudging timestamps, which can reorder frames: not a clip
        # we want to keep even if its counts look right.
        raise ValueError("pieces did not join cleanly (non-monotonic DTS)")


def _spliceable(source: MediaInfo) -> bool:
    """Whether libx264 can make frames that join this source's stream (codec and pixels)."""
    return source.video.codec in _SMART_CODECS and source.video.pix_fmt in _SMART_PIX_FMTS


def _reencode(job: _Job, work: Path) -> None:
    """The fallback: decode the span and encode video and audio anew, in one run."""
    src = job.source
    audio = ["-map", f"0:{src.audio.index}", *job.audio_args()] if src.audio is not None else []
    argv = job.ffmpeg_cmd(
        "-copyts",
        "-noaccurate_seek",
        "-ss",
        job.seek_before(job.first),
        "-i",
        file_arg(src.path),
        "-map",
        f"0:{src.video.index}",
        "-vf",
        job.video_trim(job.first, job.end),
        *job.timing_args(),
        # A whole re-encode of an ordinary H.264 source (a short clip between two far-apart
        # keyframes) keeps its profile and level, so reels still join it by stream copy; a
        # High-profile clip among Main ones sent a 25-clip reel down the slow re-encode path.
        *job.x264_args(match_source=_spliceable(src)),
        *audio,
        "-sn",
        "-dn",
        "-map_metadata",
        "-1",
        "-movflags",
        "+faststart",
        "-f",
        "mp4",
        file_arg(job.partial(work)),
    )
    job.run(argv)
