"""Getting a job's video onto this machine: an ordered registry of source handlers.

Like yt-dlp's extractor list, handlers are tried in order and the first whose ``suitable(url)``
says yes fetches it; the generic HTTP handler comes last::

    upload:<id>           UploadSource         a file sent to POST /upload
    drive.google.com/...  GoogleDriveSource    share links, with Drive's confirmation dance
    ...?X-Amz-Signature=  PresignedUrlSource   S3-style presigned URLs (clearer errors)
    youtube.com/...       YtDlpSource          any site yt-dlp has an extractor for
    http(s)://...         HttpSource           anything else: streamed, resumed with Range

Usage::

    handler = source_for(url)(FetchContext(settings, uploads))
    fetched = handler.fetch(url, work_dir / "source.mp4", on_progress, cancel)
"""

from __future__ import annotations

from cutups.extras import require_extra

require_extra("service", __name__)

from cutups.errors import SourceError
from cutups.sources.base import FetchContext, Fetched, FetchProgress, Source
from cutups.sources.gdrive import GoogleDriveSource
from cutups.sources.http import HttpSource
from cutups.sources.s3 import PresignedUrlSource
from cutups.sources.upload import UploadSource, upload_url
from cutups.sources.ytdlp import YtDlpSource

__all__ = [
    "SOURCES",
    "FetchContext",
    "FetchProgress",
    "Fetched",
    "GoogleDriveSource",
    "HttpSource",
    "PresignedUrlSource",
    "Source",
    "UploadSource",
    "YtDlpSource",
    "check_fetchable",
    "source_for",
    "upload_url",
]

SOURCES: tuple[type[Source], ...] = (
    UploadSource,
    GoogleDriveSource,
    PresignedUrlSource,
    YtDlpSource,
    HttpSource,
)
"""Every handler, in the order they are asked; the generic one last."""

_names = [s.NAME for s in SOURCES]
assert len(set(_names)) == len(_names), f"duplicate source names: {_names}"


def source_for(url: str) -> type[Source]:
    """The first handler that takes ``url``.

    Raises:
        SourceError: no handler does (not a URL, or an unsupported scheme).
    """
    for source in SOURCES:
        if source.suitable(url):
            return source
    raise SourceError(
        f"cannot fetch {url[:80]!r}: give an http(s) URL, a YouTube/Drive link, or an upload_id"
    )


def check_fetchable(url: str) -> None:
    """Raise :class:`SourceError` unless some handler takes ``url``, without picking which.

    What a submission checks. The handlers are asked last to first: the generic one, last in
    the order, takes every http(s) URL, so an ordinary URL is answered at once, where
    :func:`source_for` would first match it against yt-dlp's ~1,800 site extractors (~20 ms of
    CPU a URL, which made every ``POST /jobs`` cost that much). The worker picks the handler.
    """
    if not any(source.suitable(url) for source in reversed(SOURCES)):
        source_for(url)  # raises the one error message
