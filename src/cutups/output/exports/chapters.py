"""Chapters of the reel (ffmetadata and WebVTT) and an M3U playlist of the clips.

The reel lays the clips back to back, so a play's chapter spans its clip's frames from the
running total; both chapter formats come from :func:`cutups.media.reel.reel_chapters`, the
same millisecond arithmetic the reel's own chapters are written with.

- ffmetadata: ``ffmpeg -i reel.mp4 -i chapters.txt -map_metadata 1 -map_chapters 1 -c copy``.
- WebVTT: a ``<track kind="chapters">`` for the reel in a web page.
- M3U: the clips in order with their lengths and titles (UTF-8, ``#EXTM3U``).
"""

from __future__ import annotations

from cutups.media.reel import chapters_metadata, reel_chapters
from cutups.output.exports.model import ExportJob

__all__ = ["ffmetadata_chapters", "m3u_playlist", "webvtt_chapters"]


def ffmetadata_chapters(job: ExportJob) -> str:
    """An ffmetadata document with one chapter per play of the reel."""
    return chapters_metadata(*_titles_and_lengths(job))


def webvtt_chapters(job: ExportJob) -> str:
    """A WebVTT chapters track for the reel: one cue per play."""
    lines = ["WEBVTT", ""]
    for n, chapter in enumerate(reel_chapters(*_titles_and_lengths(job)), start=1):
        title = " ".join(chapter.title.split()).replace("-->", "->")
        lines += [str(n), f"{_vtt_time(chapter.start_ms)} --> {_vtt_time(chapter.end_ms)}", title]
        lines.append("")
    return "\n".join(lines)


def m3u_playlist(job: ExportJob) -> str:
    """An extended M3U of the clips."""
    lines = ["#EXTM3U", "#EXTENC: UTF-8", f"#PLAYLIST:{_one_line(job.name)}"]
    for play in job.plays:
        seconds = float(play.frames / job.fps)
        lines += [f"#EXTINF:{seconds:.3f},{_one_line(play.title)}", job.link(play)]
    return "\n".join(lines) + "\n"


def _titles_and_lengths(job: ExportJob) -> tuple[list[str], list[float]]:
    return [p.title for p in job.plays], [float(p.frames / job.fps) for p in job.plays]


def _vtt_time(ms: int) -> str:
    seconds, millis = divmod(ms, 1000)
    minutes, secs = divmod(seconds, 60)
    hours, mins = divmod(minutes, 60)
    return f"{hours:02d}:{mins:02d}:{secs:02d}.{millis:03d}"


def _one_line(text: str) -> str:
    return " ".join(text.split())
