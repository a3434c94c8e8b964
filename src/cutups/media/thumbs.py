"""JPEG stills of exact frames, one or hundreds at a time.

Usage::

    thumbnail("game.mp4", 754.2, Path("play-012.jpg"))
    thumbnails(info, [t.start for t in plays], [out / f"{i}.jpg" for i in range(len(plays))])

The still is the frame at ``t`` on the same grid as cuts (the first frame at or after ``t``
minus half a frame; see :mod:`cutups.media.cutplan`), so a clip's thumbnail at its start shows
its first frame. Frames are picked by pts after a coarse seek, as in :mod:`cutups.media.cut`.

Pass a :class:`~cutups.media.probe.MediaInfo` probed with keyframes to seek exactly to the
keyframe before each time; given a path, the file is probed without the keyframe scan and each
seek backs off :data:`SEEK_BACK_UNKNOWN_GOP` seconds instead (exact for MP4, whose seeks land on
a keyframe before the target; for MPEG-TS it assumes GOPs shorter than that).
"""

from __future__ import annotations

import bisect
import logging
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from cutups.errors import FFmpegError
from cutups.media.cutplan import FrameGrid
from cutups.media.ffmpeg import ProcessRegistry, file_arg, run
from cutups.media.probe import MediaInfo, probe

__all__ = ["JPEG_QUALITY", "PER_PROCESS", "SEEK_BACK_UNKNOWN_GOP", "thumbnail", "thumbnails"]

log = logging.getLogger(__name__)

JPEG_QUALITY = 3
"""ffmpeg ``-q:v`` for MJPEG: 2 (best) .. 31 (worst)."""
PER_PROCESS = 8
"""Stills made by one ffmpeg run (one input per still, each seeking on its own): amortises
process start-up without holding many decoders open at once."""
SEEK_BACK_UNKNOWN_GOP = 3.0
"""Seconds to seek before ``t`` when keyframe times are unknown."""
_SEEK_BACK = 0.5


def thumbnail(
    source_path: str | Path | MediaInfo,
    t: float,
    output: Path,
    *,
    width: int = 320,
    registry: ProcessRegistry | None = None,
    ffmpeg: str = "ffmpeg",
) -> Path:
    """Write the frame at ``t`` seconds as a JPEG ``width`` pixels wide; return ``output``.

    The height keeps the display aspect ratio (non-square pixels are honoured) and is even.

    Raises:
        MediaError: the source is not usable video.
        FFmpegError: ffmpeg failed or wrote nothing.
    """
    return thumbnails(source_path, [t], [output], width=width, registry=registry, ffmpeg=ffmpeg)[0]


def thumbnails(
    source_path: str | Path | MediaInfo,
    times: Sequence[float],
    outputs: Sequence[Path],
    *,
    width: int = 320,
    registry: ProcessRegistry | None = None,
    ffmpeg: str = "ffmpeg",
    jobs: int = 0,
) -> list[Path]:
    """Write one JPEG per time; ``PER_PROCESS`` stills per ffmpeg run, ``jobs`` runs at once.

    Arguments:
        source_path: the video, or its MediaInfo (with keyframes for exact seeks).
        times: seconds from the first frame; clamped to the video.
        outputs: one path per time (parent directories are created).
        width: pixels.
        registry: records the ffmpeg processes so a cancel can kill them.
        ffmpeg: the ffmpeg executable.
        jobs: ffmpeg runs at once; 0 means one per CPU core.

    Returns:
        ``outputs`` as a list, every file written.

    Raises:
        ValueError: ``times`` and ``outputs`` differ in length, or ``width`` is not positive.
        MediaError: the source is not usable video.
        FFmpegError: ffmpeg failed or a still was not written.
    """
    if len(times) != len(outputs):
        raise ValueError(f"{len(times)} times but {len(outputs)} outputs")
    if width <= 0:
        raise ValueError(f"width must be positive, got {width}")
    info = (
        source_path if isinstance(source_path, MediaInfo) else probe(source_path, keyframes=False)
    )
    grid = FrameGrid.of(info)
    last = max(0, grid.count - 1)
    work = [
        (min(max(0, grid.index(t)), last), Path(out)) for t, out in zip(times, outputs, strict=True)
    ]
    for _, out in work:
        out.parent.mkdir(parents=True, exist_ok=True)
    chunks = [work[i : i + PER_PROCESS] for i in range(0, len(work), PER_PROCESS)]

    def one(chunk: list[tuple[int, Path]]) -> None:
        run(_argv(info, grid, chunk, width, ffmpeg), registry=registry)
        for index, out in chunk:
            if not out.is_file() or out.stat().st_size == 0:
                raise FFmpegError(f"no still written for frame {index} ({out.name})")

    workers = min(len(chunks), jobs or os.cpu_count() or 1) or 1
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="cutups-thumb") as pool:
        for _ in pool.map(one, chunks):
            pass
    return [out for _, out in work]


def _argv(
    info: MediaInfo, grid: FrameGrid, chunk: list[tuple[int, Path]], width: int, ffmpeg: str
) -> list[str]:
    inputs: list[str] = []
    outputs: list[str] = []
    for n, (index, out) in enumerate(chunk):
        inputs += ["-noaccurate_seek", "-ss", _seek(info, grid, index), "-i", file_arg(info.path)]
        # Pick the frame by pts (exact) and scale to display aspect; ``dar`` includes the SAR.
        vf = (
            f"trim=start_pts={grid.pts_at_or_after(index)},scale={width}:trunc(ow/dar/2)*2,setsar=1"
        )
        outputs += [
            "-map",
            f"{n}:{info.video.index}",
            "-vf",
            vf,
            "-frames:v",
            "1",
            "-q:v",
            str(JPEG_QUALITY),
            "-update",
            "1",
            "-f",
            "image2",
            file_arg(out),
        ]
    return [
        ffmpeg,
        "-hide_banner",
        "-nostdin",
        "-y",
        "-loglevel",
        "error",
        "-copyts",
        *inputs,
        *outputs,
    ]


def _seek(info: MediaInfo, grid: FrameGrid, index: int) -> str:
    t = float(grid.time(index))
    if info.keyframes:
        at = bisect.bisect_right(info.keyframes, t + 1e-6)
        base = (info.keyframes[at - 1] if at else 0.0) - _SEEK_BACK
    else:
        base = t - SEEK_BACK_UNKNOWN_GOP
    return f"{max(0.0, base + info.seek_offset):.6f}"
