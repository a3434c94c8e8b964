"""Presigned object-storage URLs (S3, MinIO, R2, GCS): plain HTTP GETs with better errors.

A presigned URL is an ordinary download; what it adds is the ways it fails: it expires, and its
signature covers the exact URL, so an edited or re-encoded link is refused. Recognising it lets
the error say so instead of a bare "403".
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx

from cutups.errors import SourceError
from cutups.sources.http import HttpSource

__all__ = ["PresignedUrlSource", "is_presigned"]

_SIGNATURE_KEYS = ("x-amz-signature", "x-amz-credential", "x-goog-signature", "signature")


def is_presigned(url: str) -> bool:
    """True for an http(s) URL carrying an S3-style (or GCS) query-string signature."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return False
    keys = {k.lower() for k in parse_qs(parts.query)}
    host = (parts.hostname or "").lower()
    if "x-amz-signature" in keys or "x-goog-signature" in keys:
        return True
    return host.endswith("amazonaws.com") and bool(keys & set(_SIGNATURE_KEYS))


class PresignedUrlSource(HttpSource):
    """A presigned URL to an object in S3 or an S3-compatible store."""

    NAME = "s3"
    what = "presigned URL"

    @classmethod
    def suitable(cls, url: str) -> bool:
        return is_presigned(url)

    def status_error(self, response: httpx.Response) -> SourceError:
        body = _peek(response)
        if "ExpiredToken" in body or "Request has expired" in body:
            return SourceError("the presigned URL has expired: create a new one and submit again")
        if response.status_code == 403:
            return SourceError(
                "the presigned URL was refused (403): it has expired, or the link was changed "
                "after signing (its signature covers the exact URL)"
            )
        if response.status_code == 404 or "NoSuchKey" in body:
            return SourceError("the presigned URL points to an object that does not exist")
        return super().status_error(response)


def _peek(response: httpx.Response) -> str:
    """The start of an error body (S3 explains itself in XML)."""
    try:
        data = b""
        for chunk in response.iter_bytes():
            data += chunk
            if len(data) > 8192:
                break
        return data.decode("utf-8", "replace")
    except httpx.HTTPError:
        return ""
