"""Test media for the media layer, generated once per session with ffmpeg lavfi.

Every video is a barcode video (see :mod:`tests.media.barcode`): frame N shows N, so a clip's
first frame can be checked against the source frame it must be.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import pytest

from cutups.media.ffmpeg import command, file_arg, run
from cutups.media.probe import MediaInfo, probe
from tests.media.barcode import make_video


@dataclass(frozen=True)
class Source:
    """A generated video and the truth about it."""

    path: Path
    rate: Fraction
    frames: int
    gop: int
    audio: bool

    @property
    def duration(self) -> Fraction:
        """Exact seconds of video."""
        return self.frames / self.rate

    def time(self, frame: int) -> float:
        """Seconds of ``frame``."""
        return float(frame / self.rate)

    def info(self) -> MediaInfo:
        return probe(self.path)


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
def ntsc(media_dir: Path) -> Source:
    """29.97 fps, keyframe every 48 frames, B-frames, beeping audio; 12 s."""
    rate = Fraction(30000, 1001)
    return Source(make_video(media_dir / "ntsc.mp4", rate=rate, frames=360), rate, 360, 48, True)


@pytest.fixture(scope="session")
def ntsc60(media_dir: Path) -> Source:
    """59.94 fps, keyframe every 48 frames, beeping audio; 6 s."""
    rate = Fraction(60000, 1001)
    return Source(make_video(media_dir / "ntsc60.mp4", rate=rate, frames=360), rate, 360, 48, True)


@pytest.fixture(scope="session")
def silent(media_dir: Path) -> Source:
    """29.97 fps without an audio stream; 4 s."""
    rate = Fraction(30000, 1001)
    path = make_video(media_dir / "silent.mp4", rate=rate, frames=120, audio=False)
    return Source(path, rate, 120, 48, False)


@pytest.fixture(scope="session")
def baseline(media_dir: Path) -> Source:
    """Baseline profile (no B-frames, decode order = display order), 25 fps, GOP 30; 4 s."""
    rate = Fraction(25)
    path = make_video(
        media_dir / "baseline.mp4", rate=rate, frames=100, gop=30, x264=("-profile:v", "baseline")
    )
    return Source(path, rate, 100, 30, True)


@pytest.fixture(scope="session")
def transport(media_dir: Path, ntsc: Source) -> Source:
    """``ntsc`` remuxed to MPEG-TS: 1/90000 time base, non-zero start, inexact seeking."""
    path = media_dir / "ntsc.ts"
    run(
        command(
            "ffmpeg",
            "-i",
            file_arg(ntsc.path),
            "-c",
            "copy",
            "-f",
            "mpegts",
            file_arg(path),
            loglevel="error",
        )
    )
    return Source(path, ntsc.rate, ntsc.frames, ntsc.gop, True)


@pytest.fixture(scope="session")
def open_gop(media_dir: Path) -> Source:
    """x264 with open GOPs: some I-frames have leading B-frames from the previous GOP."""
    rate = Fraction(30000, 1001)
    path = make_video(
        media_dir / "open_gop.mp4",
        rate=rate,
        frames=180,
        audio=False,
        x264=("-x264-params", "open_gop=1"),
    )
    return Source(path, rate, 180, 48, False)


@pytest.fixture(scope="session")
def audio_only(media_dir: Path) -> Path:
    path = media_dir / "audio.m4a"
    run(
        command(
            "ffmpeg",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:duration=2",
            "-c:a",
            "aac",
            file_arg(path),
            loglevel="error",
        )
    )
    return path


@pytest.fixture(scope="session")
def moov_at_end(media_dir: Path, silent: Source) -> Path:
    """The first 60 % of an MP4 whose moov atom is at the end: no index, unreadable."""
    return _truncate(silent.path, media_dir / "cut_moov_end.mp4")


@pytest.fixture(scope="session")
def moov_at_front(media_dir: Path, ntsc: Source) -> Path:
    """The first 60 % of a faststart MP4: opens, but the data stops early."""
    faststart = media_dir / "faststart.mp4"
    run(
        command(
            "ffmpeg",
            "-i",
            file_arg(ntsc.path),
            "-c",
            "copy",
            "-movflags",
            "+faststart",
            file_arg(faststart),
            loglevel="error",
        )
    )
    return _truncate(faststart, media_dir / "cut_moov_front.mp4")


def _truncate(src: Path, dst: Path, fraction: float = 0.6) -> Path:
    data = src.read_bytes()
    dst.write_bytes(data[: int(len(data) * fraction)])
    return dst


@pytest.fixture
def corrupt(tmp_path: Path, ntsc: Source) -> Path:
    """``ntsc`` with a burst of garbage over the video data in the middle of the file."""
    path = tmp_path / "corrupt.mp4"
    shutil.copyfile(ntsc.path, path)
    size = path.stat().st_size
    with open(path, "r+b") as fh:
        fh.seek(size // 2)
        fh.write(bytes((i * 37 + 11) % 256 for i in range(4096)))
    return path
