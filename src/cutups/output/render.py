"""Render a :class:`~cutups.timeline.Timeline` into the output folder.

Layout (seed-compatible)::

    DIR/manifest.json   DIR/clips/<id>.mp4   DIR/thumbs/<id>.jpg
    DIR/reel.mp4        DIR/job.zip          DIR/report.html

Clips are cut in parallel; the manifest is rewritten (atomically) as clips land (at most every
:data:`PUBLISH_EVERY` seconds; ``on_clip`` hears of each one at once), with ``complete: false``,
so a client can list and download clips before the job ends. Each clip's still is the keyframe
just before its snap when one is within a second (:func:`~cutups.media.thumbs.keyframe_near`),
else the snap's own frame. The reel,
report and ZIP come last, then the final manifest with ``complete: true``.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cutups.media.cut import CutResult, CutSpec, cut_many
from cutups.media.ffmpeg import ProcessRegistry
from cutups.media.package import write_zip
from cutups.media.probe import MediaInfo
from cutups.media.reel import build_reel
from cutups.media.remux import Readers
from cutups.media.thumbs import keyframe_near, thumbnail
from cutups.output.manifest import build_manifest, clip_entry, write_json_atomic
from cutups.output.report import write_report
from cutups.timeline import ClipPlan, Timeline

__all__ = ["ProgressFn", "RenderResult", "chapter_title", "render_timeline"]

ProgressFn = Callable[[str, float, str], None]
"""``(stage, fraction 0-1, detail)``."""

PUBLISH_EVERY = 0.5
"""Seconds between rewrites of the in-progress manifest while clips are cut."""


@dataclass(frozen=True, slots=True)
class RenderResult:
    """Where everything went."""

    out_dir: Path
    manifest_path: Path
    manifest: Mapping[str, Any]
    cuts: tuple[CutResult, ...]
    reel: Path | None
    archive: Path
    report: Path


def chapter_title(clip: ClipPlan, number: int) -> str:
    """A reel chapter name: the clip's number and its one-line summary (as in the manifest)."""
    return f"{number}. {clip.summary}"


def render_timeline(
    timeline: Timeline,
    info: MediaInfo,
    out_dir: Path,
    *,
    job_id: str,
    source_url: str,
    jobs: int = 0,
    progress: ProgressFn | None = None,
    registry: ProcessRegistry | None = None,
    ffmpeg: str = "ffmpeg",
    on_clip: Callable[[Mapping[str, Any]], None] | None = None,
    resume: bool = False,
) -> RenderResult:
    """Cut every clip, then write thumbnails, reel, report, ZIP and manifest into ``out_dir``.

    With ``resume``, clips finished by an earlier, interrupted run of the same timeline (each
    leaves a ``clips/.<id>.done.json`` marker once its clip and thumbnail are complete) are kept
    as they are and not cut again.
    """
    clips_dir, thumbs_dir = out_dir / "clips", out_dir / "thumbs"
    clips_dir.mkdir(parents=True, exist_ok=True)
    thumbs_dir.mkdir(parents=True, exist_ok=True)
    manifest_path = out_dir / "manifest.json"
    source_facts = {
        "duration": round(info.duration, 3),
        "fps": str(info.video.frame_rate),
        "width": info.video.width,
        "height": info.video.height,
        "has_audio": info.has_audio,
    }
    by_path = {clips_dir / f"{c.id}.mp4": c for c in timeline.clips}
    entries: dict[str, dict[str, Any]] = {}
    lock = threading.Lock()
    total = max(1, len(timeline.clips))
    # The source opened once per thread, for cuts and stills alike (a 3-hour MP4's index takes
    # 0.3 s to read); closed once the clips are cut.
    readers = Readers()

    def publish(complete: bool, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
        manifest = build_manifest(
            timeline,
            list(entries.values()),
            job_id=job_id,
            source_url=source_url,
            complete=complete,
            source_facts=source_facts,
            extra=extra,
        )
        write_json_atomic(manifest_path, manifest)
        return manifest

    def marker(clip: ClipPlan) -> Path:
        return clips_dir / f".{clip.id}.done.json"

    def done(result: CutResult, *, resumed: bool = False) -> None:
        clip = by_path[result.output]
        if not resumed:
            thumbnail(
                info,
                keyframe_near(info, clip.snap),
                thumbs_dir / f"{clip.id}.jpg",
                registry=registry,
                ffmpeg=ffmpeg,
                readers=readers,
            )
            marker(clip).write_text(
                json.dumps(
                    {
                        "start": result.start,
                        "end": result.end,
                        "duration": result.duration,
                        "frames": result.frames,
                        "method": result.method,
                        "reencoded_frames": result.reencoded_frames,
                    }
                )
            )
        entry = clip_entry(clip, duration=result.duration)
        with lock:
            entries[clip.id] = entry
            count = len(entries)
            now = time.monotonic()
            # The whole manifest is rewritten each time: at most every PUBLISH_EVERY seconds,
            # or 150 clips would write 150 ever longer manifests (seconds of JSON). The
            # rest is published once the batch is cut.
            if now - last_publish[0] >= PUBLISH_EVERY:
                publish(complete=False)
                last_publish[0] = now
        if progress:
            progress("cutting", count / total, f"cut clip {count}/{total}")
        if on_clip:
            on_clip(entry)

    last_publish = [-PUBLISH_EVERY]

    def count_done() -> int:
        with lock:
            return len(entries)

    publish(complete=False)
    finished: dict[str, CutResult] = {}
    if resume:
        for clip in timeline.clips:
            path = clips_dir / f"{clip.id}.mp4"
            if marker(clip).exists() and path.exists():
                facts = json.loads(marker(clip).read_text())
                finished[clip.id] = CutResult(output=path, **facts)
                done(finished[clip.id], resumed=True)
    specs = [
        CutSpec(start=c.start, end=c.end, output=clips_dir / f"{c.id}.mp4")
        for c in timeline.clips
        if c.id not in finished
    ]
    if progress:
        # The stage starts now, not when the first clip lands.
        progress("cutting", count_done() / total, f"cutting {len(specs)} clips")
    try:
        fresh = {
            r.output: r
            for r in cut_many(
                info,
                specs,
                jobs=jobs,
                on_done=done,
                registry=registry,
                ffmpeg=ffmpeg,
                readers=readers,
            )
        }
    finally:
        readers.close()
    publish(complete=False)  # every clip listed before the reel is made
    cuts = [finished.get(c.id) or fresh[clips_dir / f"{c.id}.mp4"] for c in timeline.clips]

    if progress:
        progress("packaging", 0.0, "building the reel")
    reel_path: Path | None = None
    reel_method = None
    if cuts:
        titles = [chapter_title(c, n + 1) for n, c in enumerate(timeline.clips)]
        reel = build_reel(
            [c.output for c in cuts],
            out_dir / "reel.mp4",
            chapters=titles,
            registry=registry,
            ffmpeg=ffmpeg,
            durations=[c.duration for c in cuts],
        )
        reel_path, reel_method = reel.output, reel.method
    extra = {"reel_method": reel_method, "cut_methods": dict(Counter(c.method for c in cuts))}
    manifest = publish(complete=True, extra=extra)
    if reel_path is None:
        manifest["reel"] = None
        write_json_atomic(manifest_path, manifest)
    report = write_report(manifest, out_dir)
    if progress:
        progress("packaging", 0.6, "writing the ZIP")
    files: dict[str, Path] = {"manifest.json": manifest_path, "report.html": report}
    if reel_path is not None:
        files["reel.mp4"] = reel_path
    for clip in timeline.clips:
        files[f"clips/{clip.id}.mp4"] = clips_dir / f"{clip.id}.mp4"
        files[f"thumbs/{clip.id}.jpg"] = thumbs_dir / f"{clip.id}.jpg"
    archive = write_zip(out_dir / "job.zip", files)
    if progress:
        progress("packaging", 1.0, "done")
    return RenderResult(
        out_dir=out_dir,
        manifest_path=manifest_path,
        manifest=manifest,
        cuts=tuple(cuts),
        reel=reel_path,
        archive=archive,
        report=report,
    )
