"""A file uploaded through ``POST /upload``, referenced as ``upload:<id>``."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

from cutups.errors import SourceError
from cutups.sources.base import Fetched, FetchProgress, Source

__all__ = ["UploadSource", "upload_url"]

SCHEME = "upload:"


def upload_url(upload_id: str) -> str:
    """The source URL of an upload."""
    return f"{SCHEME}{upload_id}"


class UploadSource(Source):
    """An upload on this machine (linked into the job's folder, never copied twice), or one
    the client sent straight to the bucket (downloaded from it)."""

    NAME = "upload"

    @classmethod
    def suitable(cls, url: str) -> bool:
        return url.startswith(SCHEME)

    def _fetch(
        self, url: str, dest: Path, on_progress: FetchProgress, cancel: threading.Event
    ) -> Fetched:
        upload_id = url[len(SCHEME) :].lstrip("/")
        uploads = self.ctx.uploads
        path = uploads.path(upload_id) if uploads is not None else None
        if path is None:
            return self._from_bucket(upload_id, dest, on_progress)
        dest.unlink(missing_ok=True)
        try:
            # A hard link keeps the job's copy alive if the upload expires meanwhile.
            os.link(path, dest)
        except OSError:
            shutil.copyfile(path, dest)
        size = dest.stat().st_size
        on_progress(size, size)
        return Fetched(path=dest, size=size, handler=self.NAME)

    def _from_bucket(self, upload_id: str, dest: Path, on_progress: FetchProgress) -> Fetched:
        remote = self.ctx.remote_uploads
        size = remote.fetch(upload_id, dest, on_progress) if remote is not None else None
        if size is None:
            hours = self.ctx.settings.upload_ttl_hours
            raise SourceError(
                f"upload {upload_id!r} not found (uploads are kept {hours:g} h); upload again"
            )
        return Fetched(path=dest, size=size, handler=self.NAME)
