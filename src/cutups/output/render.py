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
from cutups.media.reel import ReelResult, build_reel
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
    layout = _Layout.made(out_dir)
    manifests = _Manifests(layout.manifest, timeline, job_id, source_url, _source_facts(info))
    listing = _Listing(manifests, len(timeline.clips), progress, on_clip)
    listing.publish(complete=False)
    tools = _Tools(registry, ffmpeg)
    cuts = _cut_clips(timeline, info, layout, listing, tools, jobs=jobs, resume=resume)
    listing.publish(complete=False)  # every clip listed before the reel is made
    reel = _make_reel(timeline, cuts, layout, tools, progress)
    manifest = _final_manifest(listing, layout, cuts, reel)
    report = write_report(manifest, out_dir)
    archive = _write_archive(timeline, layout, report, reel, progress)
    return RenderResult(
        out_dir=out_dir,
        manifest_path=layout.manifest,
        manifest=manifest,
        cuts=tuple(cuts),
        reel=reel.output if reel else None,
        archive=archive,
        report=report,
    )


# -- the stages of render_timeline, in the order it runs them ---------------------------------


@dataclass(frozen=True, slots=True)
class _Layout:
    """Where one render writes its files (see the module docs)."""

    out_dir: Path
    clips: Path
    thumbs: Path
    manifest: Path

    @classmethod
    def made(cls, out_dir: Path) -> _Layout:
        """The layout of ``out_dir``, its ``clips/`` and ``thumbs/`` folders created."""
        layout = cls(out_dir, out_dir / "clips", out_dir / "thumbs", out_dir / "manifest.json")
        layout.clips.mkdir(parents=True, exist_ok=True)
        layout.thumbs.mkdir(parents=True, exist_ok=True)
        return layout

    def clip(self, clip: ClipPlan) -> Path:
        return self.clips / f"{clip.id}.mp4"

    def thumb(self, clip: ClipPlan) -> Path:
        return self.thumbs / f"{clip.id}.jpg"

    def marker(self, clip: ClipPlan) -> Path:
        """Written once a clip and its thumbnail are complete (what ``resume`` trusts)."""
        return self.clips / f".{clip.id}.done.json"


@dataclass(frozen=True, slots=True)
class _Tools:
    """How ffmpeg runs: its executable and the registry a cancel kills it through."""

    registry: ProcessRegistry | None
    ffmpeg: str


def _source_facts(info: MediaInfo) -> dict[str, Any]:
    return {
        "duration": round(info.duration, 3),
        "fps": str(info.video.frame_rate),
        "width": info.video.width,
        "height": info.video.height,
        "has_audio": info.has_audio,
    }


@dataclass(frozen=True, slots=True)
class _Manifests:
    """Everything the manifest says besides its clips; writes it (atomically)."""

    path: Path
    """``manifest.json`` in the output folder."""
    timeline: Timeline
    job_id: str
    source_url: str
    """Where the source came from, as the job was given it."""
    source_facts: Mapping[str, Any]
    """The source's duration, frame rate, size and whether it has audio."""

    def write(
        self,
        entries: list[dict[str, Any]],
        *,
        complete: bool,
        extra: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        manifest = build_manifest(
            self.timeline,
            entries,
            job_id=self.job_id,
            source_url=self.source_url,
            complete=complete,
            source_facts=self.source_facts,
            extra=extra,
        )
        write_json_atomic(self.path, manifest)
        return manifest


class _Listing:
    """The clips finished so far, and the in-progress manifest that lists them.

    Clips are added from ``cut_many``'s ``on_done`` and from a resume's scan; the lock keeps
    the entries and the throttled rewrites consistent whichever thread adds them.
    """

    def __init__(
        self,
        manifests: _Manifests,
        planned: int,
        progress: ProgressFn | None,
        on_clip: Callable[[Mapping[str, Any]], None] | None,
    ) -> None:
        self._manifests = manifests
        self._total = max(1, planned)
        self._progress = progress
        self._on_clip = on_clip
        self._entries: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        self._last_publish = -PUBLISH_EVERY

    def publish(self, *, complete: bool, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Rewrite the manifest with every clip added so far; return it."""
        return self._manifests.write(list(self._entries.values()), complete=complete, extra=extra)

    def count(self) -> int:
        with self._lock:
            return len(self._entries)

    def report(self, detail: str) -> None:
        """Tell ``progress`` how far cutting is."""
        if self._progress:
            self._progress("cutting", self.count() / self._total, detail)

    def add(self, clip: ClipPlan, duration: float) -> None:
        entry = clip_entry(clip, duration=duration)
        with self._lock:
            self._entries[clip.id] = entry
            count = len(self._entries)
            now = time.monotonic()
            # The whole manifest is rewritten each time: at most every PUBLISH_EVERY seconds,
            # or 150 clips would write 150 ever longer manifests (seconds of JSON). The
            # rest is published once the batch is cut.
            if now - self._last_publish >= PUBLISH_EVERY:
                self.publish(complete=False)
                self._last_publish = now
        if self._progress:
            self._progress("cutting", count / self._total, f"cut clip {count}/{self._total}")
        if self._on_clip:
            self._on_clip(entry)


def _cut_clips(
    timeline: Timeline,
    info: MediaInfo,
    layout: _Layout,
    listing: _Listing,
    tools: _Tools,
    *,
    jobs: int,
    resume: bool,
) -> list[CutResult]:
    """Every clip of the timeline and its thumbnail, in timeline order (kept ones resumed)."""
    by_path = {layout.clip(c): c for c in timeline.clips}
    # The source opened once per thread, for cuts and stills alike (a 3-hour MP4's index takes
    # 0.3 s to read); closed once the clips are cut.
    readers = Readers()

    def done(result: CutResult) -> None:
        clip = by_path[result.output]
        thumbnail(
            info,
            keyframe_near(info, clip.snap),
            layout.thumb(clip),
            registry=tools.registry,
            ffmpeg=tools.ffmpeg,
            readers=readers,
        )
        layout.marker(clip).write_text(_marker_text(result))
        listing.add(clip, result.duration)

    finished = _resumed(timeline, layout, listing) if resume else {}
    specs = [
        CutSpec(start=c.start, end=c.end, output=layout.clip(c))
        for c in timeline.clips
        if c.id not in finished
    ]
    # The stage starts now, not when the first clip lands.
    listing.report(f"cutting {len(specs)} clips")
    try:
        cut = cut_many(
            info,
            specs,
            jobs=jobs,
            on_done=done,
            registry=tools.registry,
            ffmpeg=tools.ffmpeg,
            readers=readers,
        )
    finally:
        readers.close()
    fresh = {r.output: r for r in cut}
    return [finished.get(c.id) or fresh[layout.clip(c)] for c in timeline.clips]


def _marker_text(result: CutResult) -> str:
    """A finished clip's facts, from which a resumed render rebuilds its :class:`CutResult`."""
    return json.dumps(
        {
            "start": result.start,
            "end": result.end,
            "duration": result.duration,
            "frames": result.frames,
            "method": result.method,
            "reencoded_frames": result.reencoded_frames,
        }
    )


def _resumed(timeline: Timeline, layout: _Layout, listing: _Listing) -> dict[str, CutResult]:
    """Clips an earlier run finished (clip and marker both there), listed as done again."""
    finished: dict[str, CutResult] = {}
    for clip in timeline.clips:
        path = layout.clip(clip)
        if layout.marker(clip).exists() and path.exists():
            facts = json.loads(layout.marker(clip).read_text())
            finished[clip.id] = CutResult(output=path, **facts)
            listing.add(clip, finished[clip.id].duration)
    return finished


def _make_reel(
    timeline: Timeline,
    cuts: list[CutResult],
    layout: _Layout,
    tools: _Tools,
    progress: ProgressFn | None,
) -> ReelResult | None:
    """The clips back to back with a chapter each; None when there is no clip."""
    if progress:
        progress("packaging", 0.0, "building the reel")
    if not cuts:
        return None
    return build_reel(
        [c.output for c in cuts],
        layout.out_dir / "reel.mp4",
        chapters=[chapter_title(c, n + 1) for n, c in enumerate(timeline.clips)],
        registry=tools.registry,
        ffmpeg=tools.ffmpeg,
        durations=[c.duration for c in cuts],
    )


def _final_manifest(
    listing: _Listing, layout: _Layout, cuts: list[CutResult], reel: ReelResult | None
) -> dict[str, Any]:
    """The manifest with ``complete: true``, how the reel and the clips were made."""
    extra = {
        "reel_method": reel.method if reel else None,
        "cut_methods": dict(Counter(c.method for c in cuts)),
    }
    manifest = listing.publish(complete=True, extra=extra)
    if reel is None:
        manifest["reel"] = None
        write_json_atomic(layout.manifest, manifest)
    return manifest


def _write_archive(
    timeline: Timeline,
    layout: _Layout,
    report: Path,
    reel: ReelResult | None,
    progress: ProgressFn | None,
) -> Path:
    """``job.zip``: the manifest, report, reel, every clip and every thumbnail."""
    if progress:
        progress("packaging", 0.6, "writing the ZIP")
    files: dict[str, Path] = {"manifest.json": layout.manifest, "report.html": report}
    if reel is not None:
        files["reel.mp4"] = reel.output
    for clip in timeline.clips:
        files[f"clips/{clip.id}.mp4"] = layout.clip(clip)
        files[f"thumbs/{clip.id}.jpg"] = layout.thumb(clip)
    archive = write_zip(layout.out_dir / "job.zip", files)
    if progress:
        progress("packaging", 1.0, "done")
    return archive
