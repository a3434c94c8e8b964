"""Uploaded files: written in chunks straight into the data dir, size-limited, then checked.

An upload is ``DATA/uploads/<id>/data`` plus ``meta.json``. Video uploads are probed before the
id is handed out; play-by-play uploads are parsed. Anything that fails is deleted at once.
Uploads are kept until ``upload_ttl_hours`` old (several jobs may use one), then the watchdog
deletes them.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Literal, Protocol

from cutups.errors import InputError
from cutups.storage.layout import ensure_free, remove_tree, valid_id

__all__ = [
    "RemoteUploads",
    "TooLargeError",
    "UploadInfo",
    "UploadKind",
    "UploadStore",
    "UploadWriter",
]

UploadKind = Literal["video", "pbp"]


class TooLargeError(InputError):
    """An upload over the size limit (HTTP 413)."""


@dataclass(frozen=True, slots=True)
class UploadInfo:
    """What ``meta.json`` says about an upload."""

    upload_id: str
    kind: UploadKind
    filename: str
    size: int
    created: float
    media: dict[str, Any]


class RemoteUploads(Protocol):
    """Uploads kept elsewhere than this machine's data dir (a bucket the client uploaded
    straight to: :class:`cutups.storage.direct_uploads.BucketUploads`)."""

    def info(self, upload_id: str) -> UploadInfo | None:
        """The finished upload with that id, or None (unknown, or not uploaded yet)."""
        ...

    def fetch(
        self, upload_id: str, dest: Path, on_progress: Callable[[int, int | None], None]
    ) -> int | None:
        """Copy the upload to ``dest``; its size, or None when there is no such upload."""
        ...


class UploadWriter:
    """Receives one upload chunk by chunk; :meth:`commit` or :meth:`abort` ends it."""

    def __init__(self, store: UploadStore, kind: UploadKind, max_bytes: int, reserve: int) -> None:
        self.upload_id = uuid.uuid4().hex
        self.kind = kind
        self.dir = store.root / self.upload_id
        self.dir.mkdir(parents=True)
        self.path = self.dir / "data"
        self.size = 0
        self.filename = ""
        self._max = max_bytes
        self._reserve = reserve
        self._file: BinaryIO | None = self.path.open("wb")
        self._since_check = 0

    def write(self, chunk: bytes) -> None:
        """Append bytes; raise :class:`TooLargeError` past the limit."""
        if self._file is None:
            raise RuntimeError("upload already closed")
        self.size += len(chunk)
        if self.size > self._max:
            raise TooLargeError(f"upload is larger than the limit of {self._max} bytes")
        self._since_check += len(chunk)
        if self._since_check >= 64 * 1024 * 1024:  # re-check the disk every 64 MB
            self._since_check = 0
            ensure_free(self.dir, 0, self._reserve)
        self._file.write(chunk)

    def commit(self, media: dict[str, Any]) -> UploadInfo:
        """Close the file and record its metadata; the upload is usable from now on."""
        self._close()
        info = UploadInfo(self.upload_id, self.kind, self.filename, self.size, time.time(), media)
        meta = {
            "upload_id": info.upload_id,
            "kind": info.kind,
            "filename": info.filename,
            "size": info.size,
            "created": info.created,
            "media": info.media,
        }
        (self.dir / "meta.json").write_text(json.dumps(meta))
        return info

    def close_file(self) -> None:
        """Flush and close the data file (before probing it)."""
        self._close()

    def abort(self) -> None:
        """Throw the partial upload away."""
        self._close()
        remove_tree(self.dir)

    def _close(self) -> None:
        if self._file is not None:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            self._file = None


class UploadStore:
    """The uploads folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def begin(self, kind: UploadKind, *, max_bytes: int, reserve: int) -> UploadWriter:
        return UploadWriter(self, kind, max_bytes, reserve)

    def info(self, upload_id: str) -> UploadInfo | None:
        """The committed upload with that id, or None."""
        if not valid_id(upload_id):
            return None
        meta = self.root / upload_id / "meta.json"
        try:
            data = json.loads(meta.read_text())
        except (OSError, ValueError):
            return None
        return UploadInfo(
            data["upload_id"],
            data["kind"],
            data["filename"],
            data["size"],
            data["created"],
            data.get("media", {}),
        )

    def path(self, upload_id: str) -> Path | None:
        """The committed upload's file, or None."""
        if self.info(upload_id) is None:
            return None
        path = self.root / upload_id / "data"
        return path if path.exists() else None

    def expire(self, older_than: float) -> list[str]:
        """Delete uploads created before ``older_than`` (Unix time) and unfinished leftovers."""
        gone = []
        for d in self.root.iterdir() if self.root.exists() else ():
            info = self.info(d.name)
            data = d / "data"
            created = info.created if info else (data if data.exists() else d).stat().st_mtime
            if created < older_than:
                remove_tree(d)
                gone.append(d.name)
        return gone
