"""Job outputs in S3 (or anything speaking its API: MinIO, Ceph, R2...), with plain boto3.

``CUTUPS_STORAGE_BACKEND=s3`` with ``CUTUPS_S3_BUCKET`` (it must exist), optionally
``CUTUPS_S3_ENDPOINT_URL`` (MinIO and friends) and ``CUTUPS_S3_PREFIX``; credentials and region
come from the standard AWS environment (``AWS_ACCESS_KEY_ID``..., profiles, instance roles).

Files go up **as they are produced**: each clip and its thumbnail when the pipeline reports the
clip (:meth:`S3Artifacts.clip_ready`), the manifest, reel, report and ZIP when the job completes
(:meth:`S3Artifacts.publish`, which also uploads anything an earlier attempt did not). Keys::

    <prefix>/jobs/<job id>/manifest.json, job.zip, reel.mp4, report.html
    <prefix>/jobs/<job id>/transcript.json, plan.json      shorts jobs
    <prefix>/jobs/<job id>/clips/<clip id>.mp4, thumbs/<clip id>.jpg
    <prefix>/jobs/<job id>/checkpoint/...       while it runs (cutups.storage.checkpoints)
    <prefix>/uploads/<upload id>/data, meta.json   direct uploads (cutups.storage.direct_uploads)

The job's result keeps the API's URLs (``/jobs/<id>/download``...); the API answers them with a
302 to a presigned URL made **fresh on every request** (:meth:`S3Artifacts.presign`), so a link
given out once never expires.

Tested against moto's S3 emulator (``moto_server``), not real AWS or MinIO.
"""

from __future__ import annotations

import logging
import mimetypes
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3  # type: ignore[import-untyped]
from botocore.config import Config  # type: ignore[import-untyped]
from botocore.exceptions import (  # type: ignore[import-untyped]
    BotoCoreError,
    ClientError,
)

from cutups.errors import ConfigError, ExternalServiceError
from cutups.settings import Settings
from cutups.storage.artifacts import LocalArtifacts
from cutups.storage.layout import DataLayout

__all__ = [
    "S3Artifacts",
    "StorageUsage",
    "StoredObject",
    "artifacts_for",
    "bucket_errors",
]

log = logging.getLogger(__name__)

_TOP = (
    "manifest.json",
    "job.zip",
    "reel.mp4",
    "report.html",
    "timeline.json",
    "transcript.json",  # shorts: every word with its times (the seed's transcript_url)
    "plan.json",  # shorts: the planned clips (the seed's plan_url)
)


def _uncounted(*_: int) -> None:
    return None


@dataclass(frozen=True, slots=True)
class StoredObject:
    """One object in the bucket, as a listing shows it."""

    key: str
    size: int
    modified: float
    """Unix time of its last write."""


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
        return self.root_key(f"jobs/{job_id}/{name.lstrip('/')}")

    def root_key(self, path: str) -> str:
        """The object key of ``path`` under the prefix (``uploads/<id>/data``)."""
        return f"{self.prefix}/{path}" if self.prefix else path

    # -- writing --------------------------------------------------------------------------------
    def upload(self, job_id: str, path: Path, name: str) -> None:
        """Put one file (overwriting: the same name always holds the same output)."""
        self.put_file(path, self.key(job_id, name))

    def put_file(self, path: Path, key: str) -> None:
        """Put one local file under ``key``."""
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        self._usage.request()
        self._s3.upload_file(str(path), self.bucket, key, ExtraArgs={"ContentType": content_type})
        self._usage.uploaded(path.stat().st_size)

    def put_bytes(self, data: bytes, key: str, content_type: str = "application/json") -> None:
        """Put a small object (metadata) from memory."""
        self._usage.request()
        self._s3.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType=content_type)
        self._usage.uploaded(len(data))

    def delete(self, keys: Iterable[str]) -> int:
        """Delete objects (1,000 per request, as S3 allows); returns how many were asked."""
        batch = [{"Key": k} for k in keys]
        for start in range(0, len(batch), 1000):
            self._usage.request()
            self._s3.delete_objects(
                Bucket=self.bucket, Delete={"Objects": batch[start : start + 1000], "Quiet": True}
            )
        return len(batch)

    def clip_ready(self, job_id: str, out_dir: Path, entry: Mapping[str, Any]) -> None:
        """A clip (and its thumbnail) is finished: upload both now (a commentary play's
        ``chunks`` too: a fast start's first play comes in more than one)."""
        names = [entry.get("file"), entry.get("thumb"), *(entry.get("chunks") or ())]
        for name in dict.fromkeys(names):
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
        return {o.key: o.size for o in self.objects(self.key(job_id, ""))}

    def objects(self, prefix: str) -> list[StoredObject]:
        """Every object whose key starts with ``prefix``."""
        found: list[StoredObject] = []
        paginator = self._s3.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            self._usage.request()
            for obj in page.get("Contents", ()):
                modified = obj["LastModified"].timestamp()
                found.append(StoredObject(str(obj["Key"]), int(obj["Size"]), modified))
        return found

    # -- reading --------------------------------------------------------------------------------
    def exists(self, job_id: str, name: str) -> bool:
        return self.size_of(self.key(job_id, name)) is not None

    def size_of(self, key: str) -> int | None:
        """The object's size in bytes; None when the bucket does not have it."""
        self._usage.request()
        try:
            head = self._s3.head_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if _missing(exc):
                return None
            raise
        return int(head["ContentLength"])

    def get_bytes(self, key: str) -> bytes | None:
        """A small object's content (metadata); None when the bucket does not have it."""
        self._usage.request()
        try:
            body = self._s3.get_object(Bucket=self.bucket, Key=key)["Body"]
        except ClientError as exc:
            if _missing(exc):
                return None
            raise
        with body:
            data: bytes = body.read()
        return data

    def download(self, job_id: str, name: str, path: Path) -> bool:
        """Copy the job's file ``name`` to ``path``; False when the bucket does not have it."""
        return self.get_file(self.key(job_id, name), path)

    def get_file(self, key: str, path: Path, on_bytes: Callable[[int], None] | None = None) -> bool:
        """Copy the object ``key`` to ``path`` (whole or not at all); False when it is missing.

        ``on_bytes`` is called with each chunk's size as it arrives (boto3's ``Callback``)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.part")
        self._usage.request()
        try:
            self._s3.download_file(self.bucket, key, str(partial), Callback=on_bytes)
        except ClientError as exc:
            partial.unlink(missing_ok=True)
            if _missing(exc):
                return False
            raise
        partial.replace(path)
        return True

    def presign_put(self, key: str, expires: int) -> str:
        """A presigned PUT URL for ``key``, valid ``expires`` seconds: the client uploads
        straight to the bucket with it, no credentials needed."""
        url: str = self._s3.generate_presigned_url(
            "put_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=expires
        )
        return url

    def presign(self, job_id: str, name: str, *, download_as: str | None = None) -> str:
        """A presigned GET URL for the job's file, valid ``s3_presign_seconds`` from now."""
        params: dict[str, Any] = {"Bucket": self.bucket, "Key": self.key(job_id, name)}
        if download_as:
            params["ResponseContentDisposition"] = f'attachment; filename="{download_as}"'
        url: str = self._s3.generate_presigned_url(
            "get_object", Params=params, ExpiresIn=self.expires
        )
        return url


@contextmanager
def bucket_errors(what: str) -> Iterator[None]:
    """Turn the object store's failures inside the block into one readable
    :class:`~cutups.errors.ExternalServiceError` (``what`` says what was being done)."""
    try:
        yield
    except (BotoCoreError, ClientError) as exc:
        message = f"{what}: the object store failed ({exc})"
        raise ExternalServiceError(message, service="s3") from exc


def _missing(exc: ClientError) -> bool:
    """True when S3 answered that the object (or its key) does not exist."""
    code = str(exc.response.get("Error", {}).get("Code", ""))
    return code in ("404", "NoSuchKey", "NotFound")


def artifacts_for(
    settings: Settings, layout: DataLayout, *, usage: StorageUsage | None = None
) -> LocalArtifacts | S3Artifacts:
    """The artifact store the settings ask for (local by default)."""
    if settings.storage_backend == "s3":
        return S3Artifacts(settings, usage=usage)
    return LocalArtifacts(layout)
