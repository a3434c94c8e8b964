"""The source interface: one small class per way of getting a video onto this machine.

A handler says whether it takes a URL (:meth:`Source.suitable`, a classmethod, like yt-dlp's
extractors) and fetches it (:meth:`Source.fetch`). The public ``fetch`` does the cross-cutting
work (cancel before start, turning library and OS errors into one readable
:class:`~cutups.errors.SourceError`); handlers write ``_fetch`` only.
"""

from __future__ import annotations

import errno
import logging
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import httpx

from cutups.errors import CanceledError, CutupsError, SourceError
from cutups.settings import Settings
from cutups.sources.guard import Guard
from cutups.storage.layout import InsufficientStorageError
from cutups.storage.uploads import RemoteUploads, UploadStore

__all__ = ["FetchContext", "FetchProgress", "Fetched", "Source"]

log = logging.getLogger(__name__)

FetchProgress = Callable[[int, int | None], None]
"""``(bytes so far, total bytes or None)``."""


@dataclass(frozen=True, slots=True)
class FetchContext:
    """What handlers may use: settings, the uploads folder, and the network's test seams."""

    settings: Settings
    uploads: UploadStore | None = None
    transport: httpx.BaseTransport | None = None
    """For tests only; None connects through :class:`~cutups.sources.guard.Guard`."""
    remote_uploads: RemoteUploads | None = None
    """Uploads in the bucket (S3 mode), for ids this machine's uploads folder lacks."""

    def guard(self, what: str) -> Guard:
        """The connection policy for fetching a URL ``what`` names ("video URL")."""
        return Guard(self.settings.allow_private_urls, what=what)


@dataclass(frozen=True, slots=True)
class Fetched:
    """A video on local disk."""

    path: Path
    size: int
    handler: str
    """The handler's NAME (``http``, ``yt-dlp``, ...)."""


class Source(ABC):
    """One way to fetch a video. Subclasses set ``NAME`` and write ``suitable`` and ``_fetch``."""

    NAME: ClassVar[str]

    def __init__(self, ctx: FetchContext) -> None:
        self.ctx = ctx

    @classmethod
    @abstractmethod
    def suitable(cls, url: str) -> bool:
        """True when this handler should fetch ``url``."""

    def fetch(
        self,
        url: str,
        dest: Path,
        on_progress: FetchProgress | None = None,
        cancel: threading.Event | None = None,
    ) -> Fetched:
        """Fetch ``url`` into ``dest`` (the handler may change its suffix; see the result).

        Raises:
            SourceError: the video cannot be fetched; the message says why, for the user.
            CanceledError: ``cancel`` was set.
        """
        if cancel is not None and cancel.is_set():
            raise CanceledError("canceled before the download started")
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            return self._fetch(url, dest, on_progress or _quiet, cancel or threading.Event())
        except (CanceledError, SourceError, InsufficientStorageError):
            raise
        except CutupsError:
            raise
        except httpx.TimeoutException as exc:
            raise SourceError(f"the download timed out ({type(exc).__name__})") from exc
        except httpx.HTTPError as exc:
            raise SourceError(f"the download failed: {exc or type(exc).__name__}") from exc
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                raise InsufficientStorageError("the disk filled up during the download") from exc
            raise

    @abstractmethod
    def _fetch(
        self, url: str, dest: Path, on_progress: FetchProgress, cancel: threading.Event
    ) -> Fetched:
        """Do the fetch; the base class handles error conversion."""


def _quiet(done: int, total: int | None) -> None:
    return None


def check_cancel(cancel: threading.Event) -> None:
    """Raise :class:`CanceledError` once ``cancel`` is set."""
    if cancel.is_set():
        raise CanceledError("canceled during the download")
