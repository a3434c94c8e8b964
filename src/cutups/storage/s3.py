"""Job outputs in S3 (or anything speaking its API: MinIO, Ceph, R2...), with plain boto3.

``CUTUPS_STORAGE_BACKEND=s3`` with ``CUTUPS_S3_BUCKET`` (it must exist), optionally
``CUTUPS_S3_ENDPOINT_URL`` (MinIO and friends) and ``CUTUPS_S3_PREFIX``; credentials and region
come from the standard AWS environment (``AWS_ACCESS_KEY_ID``..., profiles, instance roles).

Files go up **as they are produced**: each clip and its thumbnail when the pipeline reports the
clip (:meth:`S3Artifacts.clip_ready`), the manifest, reel, report and ZIP when the job completes
(:meth:`S3Artifacts.publish`, which also uploads anything an earlier attempt did not). Keys::

    <prefix>/jobs/<job id>/manifest.json, job.zip, reel.mp4, report.html
    <prefix>/jobs/<job id>/clips/<clip id>.mp4, thumbs/<clip id>.jpg

The job's result keeps the API's URLs (``/jobs/<id>/download``...); the API answers them with a
302 to a presigned URL made **fresh on every request** (:meth:`S3Artifacts.presign`), so a link
given out once never expires.

Tested against moto's S3 emulator (``moto_server``), not real AWS or MinIO.
"""

from __future__ import annotations

import logging
import mimetypes
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3  # type: ignore[import-untyped]
from botocore.config import Config  # type: ignore[import-untyped]
from botocore.exceptions import (  # type: ignore[import-untyped]
    BotoCoreError,
    ClientError,
)

from cutups.errors import ConfigError
from cutups.settings import Settings
from cutups.storage.artifacts import LocalArtifacts
from cutups.storage.layout import DataLayout

__all__ = ["S3Artifacts", "StorageUsage", "artifacts_for"]

log = logging.getLogger(__name__)

_TOP = ("manifest.json", "job.zip", "reel.mp4", "report.html", "timeline.json")


def _uncounted(*_: int) -> None:
    return None


@dataclass(frozen=True, slots=True)
class StorageUsage:
    """Where :class:`S3Artifacts` reports what it does (the job service counts it in its
    metrics); by default nowhere. Storage knows nothing of the service that counts."""

    request: Callable[[], None] = _uncounted
    """One request to the object store."""
    uploaded: Callable[[int], None] = _uncounted
    """Bytes uploaded."""


class S3Artifacts:
    """An :class:`~cutups.storage.artifacts.ArtifactStore` in one S3 bucket.

    Arguments:
        settings: bucket, endpoint, prefix, presigned URL lifetime.
        client: a boto3 S3 client to use (default: one built from settings + AWS env).
        usage: where requests and uploaded bytes are counted.
    """

    def __init__(
        self, settings: Settings, client: Any | None = None, *, usage: StorageUsage | None = None
    ) -> None:
        if not settings.s3_bucket:
            raise ConfigError("CUTUPS_STORAGE_BACKEND=s3 needs CUTUPS_S3_BUCKET")
        self.bucket = settings.s3_bucket
        self.prefix = settings.s3_prefix.strip("/")
        self.expires = settings.s3_presign_seconds
        self._usage = usage or StorageUsage()
        self._s3 = client or boto3.client(
            "s3",
            endpoint_url=settings.s3_endpoint_url or None,
            config=Config(
                signature_version="s3v4",
                retries={"max_attempts": 5, "mode": "standard"},
                s3={"addressing_style": "path" if settings.s3_endpoint_url else "auto"},
            ),
        )

    # -- keys -----------------------------------------------------------------------------------
    def key(self, job_id: str, name: str) -> str:
        """The object key of the job's file ``name`` (``clips/clip_0.mp4``, ``job.zip``)."""
        base = f"jobs/{job_id}/{name.lstrip('/')}"
        return f"{self.prefix}/{base}" if self.prefix else base

    # -- writing --------------------------------------------------------------------------------
    def upload(self, job_id: str, path: Path, name: str) -> None:
        """Put one file (overwriting: the same name always holds the same output)."""
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        self._usage.request()
        self._s3.upload_file(
            str(path),
            self.bucket,
            self.key(job_id, name),
            ExtraArgs={"ContentType": content_type},
        )
        self._usage.uploaded(path.stat().st_size)

    def clip_ready(self, job_id: str, out_dir: Path, entry: Mapping[str, Any]) -> None:
        """A clip (and its thumbnail) is finished: upload both now."""
        for field in ("file", "thumb"):
            name = entry.get(field)
            if isinstance(name, str) and (out_dir / name).is_file():
                try:
                    self.upload(job_id, out_dir / name, name)
                except (BotoCoreError, ClientError, OSError):
                    # publish() uploads whatever is missing when the job completes
                    log.warning("uploading %s failed; retried at the end", name, exc_info=True)

    def publish(self, job_id: str, out_dir: Path) -> dict[str, str]:
        """Upload every output not in the bucket yet (same size), then the top-level files."""
        present = self._listing(job_id)
        for folder in ("clips", "thumbs"):
            d = out_dir / folder
            if not d.is_dir():
                continue
            for path in sorted(d.iterdir()):
                name = f"{folder}/{path.name}"
                if path.name.startswith(".") or not path.is_file():
                    continue
                if present.get(self.key(job_id, name)) != path.stat().st_size:
                    self.upload(job_id, path, name)
        for name in _TOP:
            if (out_dir / name).is_file():
                self.upload(job_id, out_dir / name, name)
        return {**LocalArtifacts.urls(job_id, out_dir), "storage": "s3"}

    def _listing(self, job_id: str) -> dict[str, int]:
        sizes: dict[str, int] = {}
        paginator = self._s3.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self.key(job_id, "")):
            self._usage.request()
            for obj in page.get("Contents", ()):
                sizes[str(obj["Key"])] = int(obj["Size"])
        return sizes

    # -- reading --------------------------------------------------------------------------------
    def exists(self, job_id: str, name: str) -> bool:
        self._usage.request()
        try:
            self._s3.head_object(Bucket=self.bucket, Key=self.key(job_id, name))
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", ""))
            if code in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def download(self, job_id: str, name: str, path: Path) -> bool:
        """Copy the job's file ``name`` to ``path``; False when the bucket does not have it."""
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.part")
        self._usage.request()
        try:
            self._s3.download_file(self.bucket, self.key(job_id, name), str(partial))
        except ClientError as exc:
            partial.unlink(missing_ok=True)
            code = str(exc.response.get("Error", {}).get("Code", ""))
            if code in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        partial.replace(path)
        return True

    def presign(self, job_id: str, name: str, *, download_as: str | None = None) -> str:
        """A presigned GET URL for the job's file, valid ``s3_presign_seconds`` from now."""
        params: dict[str, Any] = {"Bucket": self.bucket, "Key": self.key(job_id, name)}
        if download_as:
            params["ResponseContentDisposition"] = f'attachment; filename="{download_as}"'
        url: str = self._s3.generate_presigned_url(
            "get_object", Params=params, ExpiresIn=self.expires
        )
        return url


def artifacts_for(
    settings: Settings, layout: DataLayout, *, usage: StorageUsage | None = None
) -> LocalArtifacts | S3Artifacts:
    """The artifact store the settings ask for (local by default)."""
    if settings.storage_backend == "s3":
        return S3Artifacts(settings, usage=usage)
    return LocalArtifacts(layout)
