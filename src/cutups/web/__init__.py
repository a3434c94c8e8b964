"""The web page: ``GET /`` and its static files (``GET /static/<name>``, ``/static/js/<name>``).

Plain HTML, CSS and native ES modules (``<script type="module">``, one file per part of the
page: API client, event stream, views...) shipped as package data (``cutups/web/static/*`` and
``static/js/*``): no build step, no CDN, no external fonts, so the page works offline.
``cutups serve`` includes :data:`router` next to the API; the page itself needs no API key (it
holds no data), and when ``CUTUPS_API_KEYS`` is set the user pastes a key into the page, which
sends it as ``Authorization: Bearer <key>`` on every API call.

Inside the page, routing is by URL hash, so a job view can be bookmarked::

    #/              submit a video
    #/jobs          the jobs list
    #/jobs/<id>     one job: live progress, clips, reel, downloads
    #/commentary/<id>   a commentary job's stream, playing from its first chunk

Every answer carries a strict Content-Security-Policy (same-origin scripts, styles, media and
connections only; ``blob:`` for media fetched with an API key).

This package depends on nothing of the API (the API includes it): a missing file is a plain
``HTTPException``, which the API's handlers turn into its one error shape.
"""

from __future__ import annotations

from cutups.extras import require_extra

require_extra("service", __name__)

import re
from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

__all__ = ["CSP", "STATIC_DIR", "SUBFOLDERS", "router"]

STATIC_DIR = Path(__file__).resolve().parent / "static"
"""Where the page's files live: the page, its CSS and icons; its modules in ``js/``."""
SUBFOLDERS = frozenset({"js"})
"""The only folders under :data:`STATIC_DIR` (each must be listed in the package data too)."""

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' blob: data:",
        "media-src 'self' blob:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".webmanifest": "application/manifest+json",
}
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")  # used with fullmatch
_HEADERS = {
    # Revalidate every time (ETag / Last-Modified make that a cheap 304): an upgraded server
    # never leaves a browser on a stale page.
    "Cache-Control": "no-cache",
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

router = APIRouter(include_in_schema=False)


def _file(name: str, folder: str | None = None) -> FileResponse:
    suffix = Path(name).suffix
    where = STATIC_DIR / folder if folder else STATIC_DIR
    path = where / name
    if (
        not _NAME.fullmatch(name)
        or suffix not in _TYPES
        or (folder is not None and folder not in SUBFOLDERS)
        or not path.is_file()
    ):
        shown = f"{folder}/{name}" if folder else name
        raise HTTPException(404, f"no static file {shown!r}")
    return FileResponse(path, media_type=_TYPES[suffix], headers=_HEADERS)


@router.get("/")
def index() -> FileResponse:
    """The page."""
    return _file("index.html")


@router.get("/static/{name}")
def static(name: str) -> FileResponse:
    """One of the page's files (CSS, icons)."""
    return _file(name)


@router.get("/static/{folder}/{name}")
def static_in_folder(folder: str, name: str) -> FileResponse:
    """One of the page's files in a subfolder (``js/``: its ES modules)."""
    return _file(name, folder)
