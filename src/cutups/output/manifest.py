"""``manifest.json``: the predecessor's shape, extended.

Compatibility target (seed ``000``): top-level ``job_id``, ``source_url``, ``clips[]`` with
``id, start, end, duration, file, thumb, bucket, score``, plus ``buckets`` (clips grouped by
bucket), ``bucket_counts`` and ``detector_meta``. Cutups adds, without renaming anything:
each clip's ``snap``/``end_of_play``, ``evidence``, ``listed`` and play facts (``period``,
``clock``, ``down``, ``distance``, ...) flattened onto the clip, and its one-line ``summary``
(:func:`cutups.timeline.play_summary`, the same line the reel's chapters and the report show);
``complete`` (False while clips
are still being cut, for progressive results); ``reel``, ``archive``, ``report``; ``source`` facts.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from cutups.timeline import ClipPlan, Timeline

__all__ = [
    "MANIFEST_VERSION",
    "UNASSIGNED",
    "bucket_groups",
    "build_manifest",
    "clip_entry",
    "write_json_atomic",
]

MANIFEST_VERSION = 1
UNASSIGNED = "unassigned"
"""Bucket of clips whose team is unknown (no play-by-play given)."""
BUCKET_ORDER = ("team_offense", "opp_offense", "special_teams")


def clip_entry(clip: ClipPlan, *, duration: float | None = None) -> dict[str, Any]:
    """One clip as the manifest lists it."""
    entry: dict[str, Any] = {
        "id": clip.id,
        "start": round(clip.start, 3),
        "end": round(clip.end, 3),
        "duration": round(duration if duration is not None else clip.duration, 3),
        "file": f"clips/{clip.id}.mp4",
        "thumb": f"thumbs/{clip.id}.jpg",
        "bucket": clip.bucket,
        "score": round(clip.score, 1),
        "snap": round(clip.snap, 3),
        "end_of_play": round(clip.end_of_play, 3),
        "evidence": list(clip.evidence),
        "listed": clip.listed,
        "summary": clip.summary,
    }
    entry.update(clip.facts.to_dict())
    return entry


def build_manifest(
    timeline: Timeline,
    entries: Iterable[Mapping[str, Any]],
    *,
    job_id: str,
    source_url: str,
    complete: bool,
    source_facts: Mapping[str, Any] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The whole manifest, from the clips cut so far (``entries``) in timeline order."""
    clips = sorted(entries, key=lambda e: float(e["start"]))
    buckets = bucket_groups(clips)
    meta = dict(timeline.meta)
    accounting = meta.pop("pbp_accounting", None)
    manifest: dict[str, Any] = {
        "version": MANIFEST_VERSION,
        "job_id": job_id,
        "source_url": source_url,
        "recipe": timeline.recipe,
        "complete": complete,
        "clips_planned": len(timeline.clips),
        "clips": clips,
        "buckets": buckets,
        "bucket_counts": {k: len(v) for k, v in buckets.items()},
        "detector_meta": meta,
        "warnings": [w.to_dict() for w in timeline.warnings],
        "source": dict(source_facts or {}),
        "reel": "reel.mp4" if complete else None,
        "archive": "job.zip" if complete else None,
        "report": "report.html" if complete else None,
    }
    if accounting is not None:
        manifest["pbp_accounting"] = accounting
    manifest.update(extra or {})
    return manifest


def bucket_groups(clips: Iterable[Mapping[str, Any]]) -> dict[str, list[Mapping[str, Any]]]:
    """Manifest entries by bucket: the three named ones always, then any other seen."""
    buckets: dict[str, list[Mapping[str, Any]]] = {b: [] for b in BUCKET_ORDER}
    for clip in clips:
        buckets.setdefault(clip.get("bucket") or UNASSIGNED, []).append(clip)
    return buckets


def write_json_atomic(path: Path, data: Mapping[str, Any]) -> None:
    """Replace ``path`` in one step, so a reader never sees half a manifest."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=2))
    tmp.replace(path)
