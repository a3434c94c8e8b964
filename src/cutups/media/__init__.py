"""The media layer: probing, one-pass decoding, frame-exact cutting, stills, reels, packaging.

Everything that touches video files goes through here. Times are seconds from the first video
frame (see :mod:`cutups.media.probe`); ffmpeg runs only through :func:`cutups.media.ffmpeg.run`,
and stream copies that need no ffmpeg run in-process with PyAV.

Modules:

- :mod:`~cutups.media.probe`: :func:`probe` a file into a frozen :class:`MediaInfo`.
- :mod:`~cutups.media.decode`: :func:`decode_once` feeds many analysis consumers from one pass.
- :mod:`~cutups.media.cut`: :func:`cut_clip` / :func:`cut_many`, verified frame-exact clips.
- :mod:`~cutups.media.cutplan`: the pure planning behind cuts (frame grid, copy spans).
- :mod:`~cutups.media.remux`: pure stream copies in-process (PyAV), sources opened once per thread.
- :mod:`~cutups.media.thumbs`: :func:`thumbnail` / :func:`thumbnails`, JPEG stills.
- :mod:`~cutups.media.reel`: :func:`build_reel`, clips joined with chapters.
- :mod:`~cutups.media.join`: joining clips of one source by stream copy, in-process.
- :mod:`~cutups.media.package`: :func:`write_zip`, the download archive.
- :mod:`~cutups.media.ffmpeg`: running ffmpeg/ffprobe.
"""

from __future__ import annotations

from cutups.media.cut import CutMethod, CutResult, CutSpec, cut_clip, cut_many, verify_clip
from cutups.media.decode import (
    AudioConsumer,
    DecodeStats,
    FrameConsumer,
    FrameRequest,
    decode_once,
)
from cutups.media.ffmpeg import ProcessRegistry, RunResult, file_arg, run
from cutups.media.package import write_zip
from cutups.media.probe import AudioStreamInfo, MediaInfo, VideoStreamInfo, probe
from cutups.media.reel import ReelResult, build_reel
from cutups.media.thumbs import thumbnail, thumbnails

__all__ = [
    "AudioConsumer",
    "AudioStreamInfo",
    "CutMethod",
    "CutResult",
    "CutSpec",
    "DecodeStats",
    "FrameConsumer",
    "FrameRequest",
    "MediaInfo",
    "ProcessRegistry",
    "ReelResult",
    "RunResult",
    "VideoStreamInfo",
    "build_reel",
    "cut_clip",
    "cut_many",
    "decode_once",
    "file_arg",
    "probe",
    "run",
    "thumbnail",
    "thumbnails",
    "verify_clip",
    "write_zip",
]
