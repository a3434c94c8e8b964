"""Where a finished job's files are published, as the seed's storage protocol.

The seed had ``LocalStorage``/``S3Storage`` with ``put``/``get_url``/``exists``. The embedded
service serves outputs itself, so :class:`LocalArtifacts` only maps a job's files to the API's
URLs; :class:`cutups.storage.s3.S3Artifacts` uploads as clips are produced and the API
redirects to fresh presigned URLs.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from cutups.storage.layout import DataLayout

__all__ = ["ArtifactStore", "LocalArtifacts"]


class ArtifactStore(Protocol):
    """Publishes a job's outputs and says where clients get them."""

    def publish(self, job_id: str, out_dir: Path) -> dict[str, str]:
        """Make the outputs reachable; return ``manifest_url``, ``archive_url`` and friends."""
        ...

    def exists(self, job_id: str, name: str) -> bool:
        """True when the job has the output file ``name`` (``manifest.json``, ``job.zip``)."""
        ...

    def clip_ready(self, job_id: str, out_dir: Path, entry: Mapping[str, Any]) -> None:
        """One clip and its thumbnail are finished (``entry`` is its manifest entry)."""
        ...


class LocalArtifacts:
    """Outputs stay in the data dir and the API serves them.

    URLs are relative to the service (``/jobs/<id>/manifest``); the API makes them absolute
    with the public URL when it answers.
    """

    def __init__(self, layout: DataLayout) -> None:
        self._layout = layout

    def publish(self, job_id: str, out_dir: Path) -> dict[str, str]:
        return self.urls(job_id, out_dir)

    def clip_ready(self, job_id: str, out_dir: Path, entry: Mapping[str, Any]) -> None:
        """Nothing to do: the API serves clips from the data dir as soon as they are cut."""

    @staticmethod
    def urls(job_id: str, out_dir: Path) -> dict[str, str]:
        """The API's URLs for a job's outputs (relative to the service)."""
        urls = {
            "manifest_url": f"/jobs/{job_id}/manifest",
            "archive_url": f"/jobs/{job_id}/download",
        }
        if (out_dir / "reel.mp4").exists():
            urls["reel_url"] = f"/jobs/{job_id}/files/reel.mp4"
        if (out_dir / "report.html").exists():
            urls["report_url"] = f"/jobs/{job_id}/files/report.html"
        return urls

    def exists(self, job_id: str, name: str) -> bool:
        return (self._layout.out_dir(job_id) / name).is_file()
