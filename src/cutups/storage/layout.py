"""Where the job service keeps things inside its data dir, and how much room is left.

::

    DATA/jobs.db                 the job store (SQLite, WAL)
    DATA/server.lock             held by the running server (one server per data dir)
    DATA/uploads/<id>/data       an uploaded file; meta.json beside it
    DATA/jobs/<id>/work/         the job's temporary files: the download, inline play-by-play
    DATA/jobs/<id>/out/          the job's output: manifest.json, clips/, thumbs/, reel, ZIP
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from cutups.errors import InputError

__all__ = ["DataLayout", "InsufficientStorageError", "ensure_free", "free_bytes", "human_bytes"]

_ID = re.compile(r"[0-9a-f]{6,64}")  # whole string only: fullmatch ($ allows a "\n")


class InsufficientStorageError(InputError):
    """Not enough free disk for a download or upload (HTTP 507 at the API)."""


def free_bytes(path: Path) -> int:
    """Bytes free for unprivileged use on the filesystem holding ``path`` (or its parent)."""
    probe = path
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    return shutil.disk_usage(probe).free


def human_bytes(n: float) -> str:
    """``1.5 GB``-style size."""
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if abs(n) < 1024 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TB"  # pragma: no cover


def ensure_free(path: Path, needed: int, reserve: int) -> None:
    """Raise :class:`InsufficientStorageError` unless ``needed`` bytes fit above ``reserve``."""
    free = free_bytes(path)
    if free - needed < reserve:
        raise InsufficientStorageError(
            f"not enough disk space: {human_bytes(needed)} needed, {human_bytes(free)} free "
            f"and {human_bytes(reserve)} kept in reserve (CUTUPS_MIN_FREE_BYTES)"
        )


@dataclass(frozen=True, slots=True)
class DataLayout:
    """Paths inside one data dir. Ids are checked, so no path ever leaves the data dir."""

    root: Path

    @property
    def db(self) -> Path:
        return self.root / "jobs.db"

    @property
    def lock(self) -> Path:
        return self.root / "server.lock"

    @property
    def uploads(self) -> Path:
        return self.root / "uploads"

    @property
    def jobs(self) -> Path:
        return self.root / "jobs"

    def job_dir(self, job_id: str) -> Path:
        return self.jobs / _checked(job_id)

    def work_dir(self, job_id: str) -> Path:
        """Temporary files of a job; removed when the job ends, whatever the outcome."""
        return self.job_dir(job_id) / "work"

    def out_dir(self, job_id: str) -> Path:
        """The job's outputs; kept when it completes, removed when it fails or is canceled."""
        return self.job_dir(job_id) / "out"

    def create(self) -> None:
        for d in (self.root, self.uploads, self.jobs):
            d.mkdir(parents=True, exist_ok=True)


def valid_id(value: str) -> bool:
    """True for the ids the service hands out (hex), so they are safe as path components."""
    return _ID.fullmatch(value) is not None


def _checked(value: str) -> str:
    if not valid_id(value):
        raise ValueError(f"not a valid id: {value!r}")
    return value


def remove_tree(path: Path) -> None:
    """Delete a folder and everything in it; a missing folder is fine."""
    shutil.rmtree(path, ignore_errors=True)
    if path.exists():  # pragma: no cover - rmtree ignored an error; try once more, loudly
        shutil.rmtree(path)


def fsync_dir(path: Path) -> None:
    """Make a rename inside ``path`` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
