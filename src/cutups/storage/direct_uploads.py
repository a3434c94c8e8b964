"""Source-direct uploads (seed 001): the client PUTs the video straight into the bucket.

With S3 configured, ``POST /upload`` with a JSON body hands out an ``upload_id`` and an
ephemeral presigned PUT URL (``CUTUPS_S3_UPLOAD_URL_SECONDS``, one hour by default); the file
never passes through the API server, and a worker on any machine reads it from the bucket. In
distributed mode a video sent to the server as multipart is copied there too
(:meth:`BucketUploads.adopt`), so no worker needs the server's disk::

    <prefix>/uploads/<upload id>/meta.json   kind, file name, limits: written when the URL is made
    <prefix>/uploads/<upload id>/data        the video, PUT by the client

The bucket is reached with the service's own credentials at its configured endpoint, never by a
URL from a request, so this is not an outbound request the SSRF guard has to judge (a job's
``presigned_url`` source is, and is fetched through the guard).

Uploads expire like local ones: :meth:`BucketUploads.expire` (run by the watchdog) deletes an
upload ``upload_ttl_hours`` after it was announced, and one never uploaded an hour after its URL
has expired. A bucket lifecycle rule on ``<prefix>/uploads/`` does the same job and may be
added by the operator; moto, which the tests run against, stores such rules but never applies
them, so the sweep is what the tests check.

A presigned PUT cannot bound the size of what is sent: the limit
(``CUTUPS_MAX_UPLOAD_BYTES``) is checked when a job names the upload and again before a worker
downloads it.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cutups.settings import Settings
from cutups.storage.artifacts import ArtifactStore
from cutups.storage.layout import valid_id
from cutups.storage.s3 import S3Artifacts, bucket_errors
from cutups.storage.uploads import TooLargeError, UploadInfo

__all__ = ["BucketUploads", "DirectUpload", "bucket_uploads_for"]

_META = "meta.json"
_DATA = "data"
_PUT_GRACE = 3600.0
"""An announced upload without its file is kept this long past its URL's expiry: a PUT
started just before the expiry may still be arriving (S3 shows an object only once complete)."""


@dataclass(frozen=True, slots=True)
class DirectUpload:
    """An announced upload: where to PUT the file, until when."""

    upload_id: str
    filename: str
    upload_url: str
    expires_at: float
    """Unix time the URL stops working."""
    max_bytes: int


class BucketUploads:
    """Video uploads in the ``uploads/`` folder of the service's bucket."""

    def __init__(self, bucket: S3Artifacts, settings: Settings) -> None:
        self.bucket = bucket
        self.url_seconds = settings.s3_upload_url_seconds
        self.keep_seconds = settings.upload_ttl_hours * 3600
        self.max_bytes = settings.max_upload_bytes

    def key(self, upload_id: str, name: str) -> str:
        return self.bucket.root_key(f"uploads/{upload_id}/{name}")

    def begin(self, filename: str) -> DirectUpload:
        """Announce an upload and make its presigned PUT URL."""
        upload_id = uuid.uuid4().hex
        now = time.time()
        meta = {
            "upload_id": upload_id,
            "kind": "video",
            "filename": filename,
            "created": now,
            "url_expires": now + self.url_seconds,
        }
        with bucket_errors("announcing the upload"):
            self.bucket.put_bytes(json.dumps(meta).encode(), self.key(upload_id, _META))
            url = self.bucket.presign_put(self.key(upload_id, _DATA), self.url_seconds)
        return DirectUpload(upload_id, filename, url, now + self.url_seconds, self.max_bytes)

    def adopt(self, upload_id: str, filename: str, path: Path) -> None:
        """Copy an upload the server received itself to the bucket (distributed mode: the
        workers may not share the server's disk)."""
        with bucket_errors("copying the upload to the bucket"):
            self.bucket.put_file(path, self.key(upload_id, _DATA))
            meta = {
                "upload_id": upload_id,
                "kind": "video",
                "filename": filename,
                "created": time.time(),
            }
            self.bucket.put_bytes(json.dumps(meta).encode(), self.key(upload_id, _META))

    def announced(self, upload_id: str) -> bool:
        """True when the upload was announced (its file may not be there yet)."""
        return valid_id(upload_id) and self._meta(upload_id) is not None

    def info(self, upload_id: str) -> UploadInfo | None:
        """The upload, once its file is in the bucket; None otherwise."""
        if not valid_id(upload_id):
            return None
        meta = self._meta(upload_id)
        if meta is None:
            return None
        with bucket_errors("looking up the upload"):
            size = self.bucket.size_of(self.key(upload_id, _DATA))
        if size is None:
            return None
        return UploadInfo(upload_id, "video", str(meta["filename"]), size, meta["created"], {})

    def fetch(
        self, upload_id: str, dest: Path, on_progress: Callable[[int, int | None], None]
    ) -> int | None:
        """Download the upload to ``dest``; None when there is no such upload.

        Raises:
            TooLargeError: the file sent is over ``CUTUPS_MAX_UPLOAD_BYTES``.
        """
        info = self.info(upload_id)
        if info is None:
            return None
        if info.size > self.max_bytes:
            raise TooLargeError(f"the upload is larger than the limit of {self.max_bytes} bytes")
        received = 0

        def counted(n: int) -> None:
            nonlocal received
            received += n
            on_progress(received, info.size)

        with bucket_errors("reading the upload from the bucket"):
            found = self.bucket.get_file(self.key(upload_id, _DATA), dest, counted)
        if not found:
            return None
        return dest.stat().st_size

    def expire(self, now: float | None = None) -> list[str]:
        """Delete uploads past their time: kept ``upload_ttl_hours``, and one whose file never
        came an hour after its URL expired. Returns their ids."""
        now = time.time() if now is None else now
        groups: dict[str, dict[str, float]] = {}
        root = self.bucket.root_key("uploads/")
        with bucket_errors("listing uploads"):
            objects = self.bucket.objects(root)
        for obj in objects:
            upload_id, _, name = obj.key.removeprefix(root).partition("/")
            groups.setdefault(upload_id, {})[name] = obj.modified
        gone = [
            upload_id
            for upload_id, names in groups.items()
            if _expired(names, now, self.keep_seconds, self.url_seconds)
        ]
        doomed = {f"{root}{u}/" for u in gone}
        with bucket_errors("deleting expired uploads"):
            self.bucket.delete(o.key for o in objects if o.key.startswith(tuple(doomed)))
        return gone

    def _meta(self, upload_id: str) -> dict[str, Any] | None:
        with bucket_errors("looking up the upload"):
            raw = self.bucket.get_bytes(self.key(upload_id, _META))
        if raw is None:
            return None
        try:
            meta = json.loads(raw)
        except ValueError:
            return None
        return meta if isinstance(meta, dict) else None


def _expired(names: dict[str, float], now: float, keep: float, url_seconds: float) -> bool:
    """Announced (or, failing a meta.json, written) longer ago than the upload may live."""
    born = names.get(_META, min(names.values()))
    limit = keep if _DATA in names else url_seconds + _PUT_GRACE
    return now - born > limit


def bucket_uploads_for(settings: Settings, artifacts: ArtifactStore) -> BucketUploads | None:
    """Direct uploads when outputs go to S3; None in local mode (uploads go to the server)."""
    if isinstance(artifacts, S3Artifacts):
        return BucketUploads(artifacts, settings)
    return None
