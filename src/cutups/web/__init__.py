"""The web page: ``GET /`` and its static files (``GET /static/<name>``).

Plain HTML, CSS and vanilla JavaScript shipped as package data (``cutups/web/static/*``): no
build step, no CDN, no external fonts, so the page works offline. ``cutups serve`` includes
:data:`router` next to the API; the page itself needs no API key (it holds no data), and when
``CUTUPS_API_KEYS`` is set the user pastes a key into the page, which sends it as
``Authorization: Bearer <key>`` on every API call.

Inside the page, routing is by URL hash, so a job view can be bookmarked::

    #/              submit a video
    #/jobs          the jobs list
    #/jobs/<id>     one job: live progress, clips, reel, downloads

Every answer carries a strict Content-Security-Policy (same-origin scripts, styles, media and
connections only; ``blob:`` for media fetched with an API key).
"""

from __future__ import annotations

from cutups.extras import require_extra

require_extra("service", __name__)

import re
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from cutups.api.errors import ApiError

__all__ = ["CSP", "STATIC_DIR", "router"]

STATIC_DIR = Path(__file__).resolve().parent / "static"
"""Where the page's files live (flat: no subfolders, as package data ships ``static/*``)."""

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
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
_HEADERS = {
    # Revalidate every time (ETag / Last-Modified make that a cheap 304): an upgraded server
    # never leaves a browser on a stale page.
    "Cache-Control": "no-cache",
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

router = APIRouter(include_in_schema=False)


def _file(name: str) -> FileResponse:
    suffix = Path(name).suffix
    path = STATIC_DIR / name
    if not _NAME.match(name) or suffix not in _TYPES or not path.is_file():
        raise ApiError(404, "not_found", f"no static file {name!r}")
    return FileResponse(path, media_type=_TYPES[suffix], headers=_HEADERS)


@router.get("/")
def index() -> FileResponse:
    """The page."""
    return _file("index.html")


@router.get("/static/{name}")
def static(name: str) -> FileResponse:
    """One of the page's files (CSS, JavaScript, icons)."""
    return _file(name)
