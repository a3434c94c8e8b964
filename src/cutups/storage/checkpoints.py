"""A job's checkpoints kept where any worker can read them, so a job resumes on any machine.

A worker keeps a job's progress in its data dir (the saved plan ``out/timeline.json``, the
analysis cache's ``.npz`` entries, finished clips with their ``clips/.<id>.done.json``
markers). On one machine that is enough; with S3 configured the job may resume on a worker
that shares no disk with the first, so the same files also go to the bucket as they are made::

    <prefix>/jobs/<id>/checkpoint/timeline.json          the plan (analysis is not redone)
    <prefix>/jobs/<id>/checkpoint/analysis/<key>.npz     analysis-cache entries of the job
    <prefix>/jobs/<id>/checkpoint/clips/<clip>.done.json a finished clip's marker
    <prefix>/jobs/<id>/clips/<clip>.mp4, thumbs/<clip>.jpg   the clip itself (published output)

A resumed attempt whose data dir lacks them pulls them back (:meth:`JobCheckpoints.restore`)
before the pipeline starts; the pipeline then resumes as it does on one machine. A clip is
restored only when its marker, clip and thumbnail are all in the bucket. The source is not
copied (seed 001: no originals in storage): an upload is already in the bucket, and a URL is
in the job's request, fetched again.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from cutups.storage.artifacts import ArtifactStore
from cutups.storage.s3 import S3Artifacts, bucket_errors

__all__ = [
    "BucketCheckpoints",
    "JobCheckpoints",
    "NoCheckpoints",
    "Restored",
    "checkpoints_for",
]

log = logging.getLogger(__name__)

PLAN = "timeline.json"
_MARKER_SUFFIX = ".done.json"
_CLIP_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")  # fullmatch: a clip id is a safe file name


@dataclass(frozen=True, slots=True)
class Restored:
    """What :meth:`JobCheckpoints.restore` brought back to this machine."""

    plan: bool = False
    """The plan was pulled (it was not on this machine)."""
    analysis: int = 0
    """Analysis-cache entries in the bucket (pulled unless this machine had them)."""
    clips: tuple[str, ...] = ()
    """Finished clips pulled."""


class JobCheckpoints(Protocol):
    """Where a job's checkpoints outlive the machine that made them."""

    def save_plan(self, job_id: str, out_dir: Path, analysis: list[Path]) -> None:
        """The plan is saved (``out_dir/timeline.json``), made from these cache entries."""
        ...

    def save_clip(self, job_id: str, out_dir: Path, clip_id: str) -> None:
        """A clip, its thumbnail and its marker are finished in ``out_dir``."""
        ...

    def restore(self, job_id: str, out_dir: Path, cache_dir: Path) -> Restored:
        """Bring the job's checkpoints to this machine (what is already here is kept)."""
        ...

    def drop(self, job_id: str) -> None:
        """The job ended: its checkpoints are no longer needed."""
        ...


class NoCheckpoints:
    """Local storage: the data dir itself is the checkpoint, nothing to copy."""

    def save_plan(self, job_id: str, out_dir: Path, analysis: list[Path]) -> None:
        return None

    def save_clip(self, job_id: str, out_dir: Path, clip_id: str) -> None:
        return None

    def restore(self, job_id: str, out_dir: Path, cache_dir: Path) -> Restored:
        return Restored()

    def drop(self, job_id: str) -> None:
        return None


class BucketCheckpoints:
    """Checkpoints in the job's folder of the S3 bucket (see the module docs)."""

    def __init__(self, bucket: S3Artifacts) -> None:
        self.bucket = bucket

    def save_plan(self, job_id: str, out_dir: Path, analysis: list[Path]) -> None:
        with bucket_errors("saving the plan's checkpoint"):
            for entry in analysis:  # before the plan: a plan in the bucket has its analysis
                self.bucket.upload(job_id, entry, f"checkpoint/analysis/{entry.name}")
            self.bucket.upload(job_id, out_dir / PLAN, f"checkpoint/{PLAN}")

    def save_clip(self, job_id: str, out_dir: Path, clip_id: str) -> None:
        marker = out_dir / "clips" / f".{clip_id}{_MARKER_SUFFIX}"
        with bucket_errors(f"saving clip {clip_id}'s checkpoint"):
            self.bucket.upload(job_id, marker, f"checkpoint/clips/{clip_id}{_MARKER_SUFFIX}")

    def restore(self, job_id: str, out_dir: Path, cache_dir: Path) -> Restored:
        with bucket_errors("restoring the job's checkpoints"):
            return self._restore(job_id, out_dir, cache_dir)

    def _restore(self, job_id: str, out_dir: Path, cache_dir: Path) -> Restored:
        root = self.bucket.key(job_id, "")
        present = {o.key.removeprefix(root): o.size for o in self.bucket.objects(root)}
        entries = [n for n in present if n.startswith("checkpoint/analysis/")]
        for name in entries:
            target = cache_dir / "analysis" / name.rsplit("/", 1)[1]
            if not target.exists():
                self.bucket.download(job_id, name, target)
        plan = out_dir / PLAN
        pull_plan = f"checkpoint/{PLAN}" in present and not plan.exists()
        if pull_plan:
            self.bucket.download(job_id, f"checkpoint/{PLAN}", plan)
        clips = [c for c in _markers(present) if self._restore_clip(job_id, out_dir, c, present)]
        restored = Restored(pull_plan, len(entries), tuple(clips))
        log.info(
            "checkpoints from the bucket: plan %s, %d analysis entries, %d clips pulled",
            "pulled" if restored.plan else "not needed",
            restored.analysis,
            len(restored.clips),
        )
        return restored

    def _restore_clip(
        self, job_id: str, out_dir: Path, clip_id: str, present: dict[str, int]
    ) -> bool:
        """One finished clip back into ``out_dir``, its marker last (what resuming trusts);
        False when it is here already or not complete in the bucket (then it is cut again)."""
        files = (f"clips/{clip_id}.mp4", f"thumbs/{clip_id}.jpg")
        marker = out_dir / "clips" / f".{clip_id}{_MARKER_SUFFIX}"
        if marker.exists() or not all(name in present for name in files):
            return False
        for name in files:
            self.bucket.download(job_id, name, out_dir / name)
        self.bucket.download(job_id, f"checkpoint/clips/{clip_id}{_MARKER_SUFFIX}", marker)
        return True

    def drop(self, job_id: str) -> None:
        with bucket_errors("deleting the job's checkpoints"):
            objects = self.bucket.objects(self.bucket.key(job_id, "checkpoint/"))
            self.bucket.delete(o.key for o in objects)


def _markers(present: dict[str, int]) -> list[str]:
    prefix = "checkpoint/clips/"
    return sorted(
        n.removeprefix(prefix).removesuffix(_MARKER_SUFFIX)
        for n in present
        if n.startswith(prefix)
        and n.endswith(_MARKER_SUFFIX)
        and _CLIP_ID.fullmatch(n.removeprefix(prefix).removesuffix(_MARKER_SUFFIX))
    )


def checkpoints_for(artifacts: ArtifactStore) -> JobCheckpoints:
    """Checkpoints in the bucket when outputs go to S3; otherwise the data dir is enough."""
    if isinstance(artifacts, S3Artifacts):
        return BucketCheckpoints(artifacts)
    return NoCheckpoints()
