"""Playlists: the plays of a finished job that match a query, as their own output folder.

::

    result = build_playlist(Path("out/game"), "odk = O and down = 3 and distance >= 7",
                            Path("out/game/playlists/third-and-long"))

The folder holds the chosen clips (hard links to the job's, copies across file systems), their
thumbnails, ``reel.mp4`` (the clips joined by stream copy, a chapter per play, checked to last
the sum of its clips), ``manifest.json`` (the job's manifest with only those clips, and a
``playlist`` entry saying which query chose them) and every export of
:mod:`cutups.output.exports` for those plays (EDL, FCPXML and OTIO still cut the source video;
chapters and M3U describe the playlist's reel and clips).
"""

from __future__ import annotations

import errno
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cutups.errors import ConfigError
from cutups.media.ffmpeg import ProcessRegistry
from cutups.media.reel import ReelResult, build_reel
from cutups.output.exports import ExportJob, ExportPlay, load_export_job, write_exports
from cutups.output.exports.model import read_manifest
from cutups.output.manifest import bucket_groups, write_json_atomic
from cutups.output.query import Query, parse_query

__all__ = ["PlaylistResult", "build_playlist", "select_plays"]


@dataclass(frozen=True, slots=True)
class PlaylistResult:
    """A finished playlist folder."""

    out_dir: Path
    query: Query
    plays: tuple[ExportPlay, ...]
    reel: ReelResult
    manifest_path: Path
    exports: tuple[Path, ...]

    @property
    def duration(self) -> float:
        """Seconds of the reel."""
        return self.reel.duration


def select_plays(job: ExportJob, where: str) -> tuple[Query, list[ExportPlay]]:
    """Parse ``where`` and pick the job's plays it matches.

    Raises:
        QueryError: the query does not parse.
        ConfigError: it matches no play.
    """
    query = parse_query(where)
    chosen = query.select(job.plays)
    if not chosen:
        raise ConfigError(f"no play of the job's {len(job.plays)} matches {where!r}")
    return query, chosen


def build_playlist(
    job_dir: Path,
    where: str,
    out_dir: Path,
    *,
    name: str | None = None,
    registry: ProcessRegistry | None = None,
    ffmpeg: str = "ffmpeg",
) -> PlaylistResult:
    """Build the playlist of the plays in finished job ``job_dir`` that ``where`` matches.

    ``name`` titles its exports (the EDL's title, the FCPXML project); default: the folder's.

    Raises:
        QueryError: the query does not parse.
        ConfigError: not a finished job's folder, or no play matches.
        CutError: the reel does not last as long as its clips.
    """
    parse_query(where)  # a bad query fails before anything is read
    manifest = read_manifest(job_dir)
    job = load_export_job(job_dir)
    query, chosen = select_plays(job, where)
    playlist = job.subset(chosen, name=name or out_dir.resolve().name)
    out_dir.mkdir(parents=True, exist_ok=True)
    for play in chosen:
        _link(job_dir / play.file, out_dir / play.file)
        thumb = f"thumbs/{play.clip.id}.jpg"
        if (job_dir / thumb).is_file():
            _link(job_dir / thumb, out_dir / thumb)
    reel = build_reel(
        [out_dir / p.file for p in chosen],
        out_dir / "reel.mp4",
        chapters=[p.title for p in chosen],
        registry=registry,
        ffmpeg=ffmpeg,
        durations=[float(p.frames / job.fps) for p in chosen],
    )
    manifest_path = out_dir / "manifest.json"
    write_json_atomic(manifest_path, _subset_manifest(manifest, query, chosen, reel))
    exports = write_exports(playlist, out_dir)
    return PlaylistResult(out_dir, query, tuple(chosen), reel, manifest_path, tuple(exports))


def _subset_manifest(
    manifest: dict[str, Any], query: Query, chosen: list[ExportPlay], reel: ReelResult
) -> dict[str, Any]:
    """The job's manifest with only the chosen clips, and how they were chosen."""
    ids = {p.clip.id for p in chosen}
    clips = [c for c in manifest.get("clips", ()) if c.get("id") in ids]
    buckets = bucket_groups(clips)
    return {
        **manifest,
        "clips": clips,
        "clips_planned": len(clips),
        "buckets": buckets,
        "bucket_counts": {k: len(v) for k, v in buckets.items()},
        "reel": "reel.mp4",
        "reel_method": reel.method,
        "archive": None,
        "report": None,
        "playlist": {
            "where": query.text,
            "canonical": query.canonical,
            "job_id": manifest.get("job_id"),
            "plays": [p.number for p in chosen],
        },
    }


def _link(source: Path, target: Path) -> None:
    """``target`` becomes ``source``'s file: a hard link, or a copy across file systems."""
    if not source.is_file():
        raise ConfigError(f"the job's clip {source} is missing")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    try:
        os.link(source, target)
    except OSError as exc:
        if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP):
            raise
        shutil.copy2(source, target)
