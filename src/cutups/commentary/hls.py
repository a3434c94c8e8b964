"""An HLS event playlist (fMP4 segments, one init segment) that grows as chunks land.

Each chunk is split on its keyframes by ffmpeg's ``hls`` muxer (stream copy) into a private
folder; its segments are moved next to the playlist and listed, and the playlist is rewritten
atomically, so a player polling it sees whole segments only. The playlist is of type ``EVENT``
(segments are only ever added) and ends with ``#EXT-X-ENDLIST`` once :meth:`finish` is called.

The muxer starts every run's fragments at time 0 (it puts any offset in the init segment's
edit list instead), so each segment's ``tfdt`` (the fragment's start on the track's clock) is
moved by where its chunk sits in the stream: one init segment then serves every chunk, and the
timeline runs on without a discontinuity. Chunks share their encoder setup, so the first
chunk's init segment describes them all.
"""

from __future__ import annotations

import math
import shutil
import struct
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import m3u8

from cutups.commentary.chunks import AUDIO_RATE, ChunkFile
from cutups.errors import MediaError
from cutups.media.ffmpeg import ProcessRegistry, file_arg, run

__all__ = ["INIT_NAME", "PLAYLIST_NAME", "HlsEventPlaylist", "track_timescales"]

PLAYLIST_NAME = "stream.m3u8"
INIT_NAME = "init.mp4"
_CONTAINERS = {b"moov", b"trak", b"mdia", b"moof", b"traf"}


def _boxes(data: bytes | bytearray, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """``(type, offset, size)`` of each ISO-BMFF box between ``start`` and ``end``."""
    offset = start
    while offset + 8 <= end:
        size, kind = struct.unpack(">I4s", data[offset : offset + 8])
        if size < 8 or offset + size > end:
            raise MediaError(f"malformed MP4 box {kind!r} at {offset}")
        yield kind, offset, size
        offset += size


def _children(data: bytes | bytearray, kind: bytes) -> Iterator[tuple[int, int]]:
    """Offsets and sizes of every box of ``kind``, looking inside container boxes."""
    stack = [(0, len(data))]
    while stack:
        start, end = stack.pop()
        for found, offset, size in _boxes(data, start, end):
            if found == kind:
                yield offset, size
            if found in _CONTAINERS:
                stack.append((offset + 8, offset + size))


def track_timescales(init: bytes) -> dict[int, tuple[str, int]]:
    """Track id -> (handler ``"vide"``/``"soun"``, ticks per second), from an init segment."""
    tracks: dict[int, tuple[str, int]] = {}
    for trak, size in _children(init, b"trak"):
        box = init[trak : trak + size]
        track_id = handler = timescale = None
        for offset, _ in _children(box, b"tkhd"):
            track_id = struct.unpack(">I", box[offset + (28 if box[offset + 8] else 20) :][:4])[0]
        for offset, _ in _children(box, b"mdhd"):
            timescale = struct.unpack(">I", box[offset + (28 if box[offset + 8] else 20) :][:4])[0]
        for offset, _ in _children(box, b"hdlr"):
            handler = box[offset + 16 : offset + 20].decode("latin-1")
        if track_id is not None and handler and timescale:
            tracks[track_id] = (handler, timescale)
    return tracks


def _shift_fragments(segment: bytearray, shifts: Mapping[int, int]) -> None:
    """Add ``shifts[track id]`` ticks to every fragment's decode time (``tfdt``), in place."""
    for traf, size in _children(segment, b"traf"):
        track_id, tfdt = None, None
        for kind, offset, _ in _boxes(segment, traf + 8, traf + size):
            if kind == b"tfhd":
                track_id = struct.unpack(">I", segment[offset + 12 : offset + 16])[0]
            elif kind == b"tfdt":
                tfdt = offset
        if track_id is None or tfdt is None:
            raise MediaError("an HLS fragment without tfhd/tfdt")
        shift = shifts.get(track_id, 0)
        if segment[tfdt + 8] == 1:
            (value,) = struct.unpack(">Q", segment[tfdt + 12 : tfdt + 20])
            segment[tfdt + 12 : tfdt + 20] = struct.pack(">Q", value + shift)
        else:
            (value,) = struct.unpack(">I", segment[tfdt + 12 : tfdt + 16])
            if value + shift >= 1 << 32:
                raise MediaError("fragment time overflows a version-0 tfdt")
            segment[tfdt + 12 : tfdt + 16] = struct.pack(">I", value + shift)


@dataclass(frozen=True, slots=True)
class _Segment:
    name: str
    seconds: float


@dataclass
class HlsEventPlaylist:
    """The growing playlist in ``folder`` (``stream.m3u8``, ``init.mp4``, ``c0000_000.m4s``...)."""

    folder: Path
    segment_seconds: int = 4
    gop_seconds: int = 2
    registry: ProcessRegistry | None = None
    ffmpeg: str = "ffmpeg"
    _segments: list[_Segment] = field(default_factory=list)
    _tracks: dict[int, tuple[str, int]] = field(default_factory=dict)
    _video_at: Fraction = Fraction(0)
    _audio_samples: int = 0

    @property
    def path(self) -> Path:
        return self.folder / PLAYLIST_NAME

    @property
    def target_duration(self) -> int:
        """Fixed up front (an EVENT playlist may not change it): segments are cut at the
        first keyframe after ``segment_seconds``."""
        return math.ceil(self.segment_seconds + self.gop_seconds)

    def append(self, chunk: ChunkFile, index: int) -> list[Path]:
        """Split ``chunk`` into segments after those listed, and publish the playlist.

        Raises:
            FFmpegError: the split failed.
            MediaError: the muxer wrote something this code cannot read.
        """
        work = self.folder / f".split-{index:04d}"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        try:
            listed = self._split(chunk, index, work)
            moved = self._publish_segments(listed, work, video_ticks=self._video_at)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        self._video_at += chunk.seconds
        self._audio_samples += chunk.samples
        self._write(ended=False)
        return moved

    def finish(self) -> None:
        """Close the playlist (``#EXT-X-ENDLIST``): nothing more will be added."""
        self._write(ended=True)

    def _split(self, chunk: ChunkFile, index: int, work: Path) -> m3u8.M3U8:
        playlist = work / "index.m3u8"
        argv = [
            self.ffmpeg, "-nostdin", "-y", "-v", "error", "-i", file_arg(chunk.path),
            "-map", "0", "-c", "copy", "-f", "hls", "-hls_time", str(self.segment_seconds),
            "-hls_segment_type", "fmp4", "-hls_fmp4_init_filename", INIT_NAME,
            "-hls_segment_filename", str(work / f"c{index:04d}_%03d.m4s"),
            "-hls_playlist_type", "vod", "-fflags", "+bitexact", str(playlist),
        ]  # fmt: skip
        run(argv, registry=self.registry)
        return m3u8.load(str(playlist))

    def _publish_segments(
        self, listed: m3u8.M3U8, work: Path, *, video_ticks: Fraction
    ) -> list[Path]:
        init = (work / INIT_NAME).read_bytes()
        if not self._tracks:
            self._tracks = track_timescales(init)
            (self.folder / INIT_NAME).write_bytes(init)
        shifts = self._shifts(video_ticks)
        moved = []
        for segment in listed.segments:
            data = bytearray((work / segment.uri).read_bytes())
            _shift_fragments(data, shifts)
            target = self.folder / segment.uri
            target.write_bytes(bytes(data))
            self._segments.append(_Segment(segment.uri, float(segment.duration)))
            moved.append(target)
        return moved

    def _shifts(self, video_at: Fraction) -> dict[int, int]:
        """Ticks to add per track: the video by the frames before this chunk, audio by the
        samples before it (the two agree to within a sample)."""
        shifts = {}
        for track_id, (handler, scale) in self._tracks.items():
            if handler == "soun":
                shifts[track_id] = self._audio_samples * scale // AUDIO_RATE
            else:
                shifts[track_id] = round(video_at * scale)
        return shifts

    def _write(self, *, ended: bool) -> None:
        lines = [
            "#EXTM3U",
            "#EXT-X-VERSION:7",
            f"#EXT-X-TARGETDURATION:{self.target_duration}",
            "#EXT-X-MEDIA-SEQUENCE:0",
            "#EXT-X-PLAYLIST-TYPE:EVENT",
            "#EXT-X-INDEPENDENT-SEGMENTS",
            f'#EXT-X-MAP:URI="{INIT_NAME}"',
        ]
        for segment in self._segments:
            lines += [f"#EXTINF:{segment.seconds:.6f},", segment.name]
        if ended:
            lines.append("#EXT-X-ENDLIST")
        partial = self.path.with_name(f".{PLAYLIST_NAME}.partial")
        partial.write_text("\n".join(lines) + "\n")
        partial.replace(self.path)
