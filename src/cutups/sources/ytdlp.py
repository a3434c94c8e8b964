"""YouTube and the other sites yt-dlp knows, through yt-dlp's Python API.

:meth:`YtDlpSource.suitable` asks yt-dlp's own extractors, minus its generic one: a plain file
URL goes to :class:`~cutups.sources.http.HttpSource`, which resumes and checks addresses more
carefully. The handler can still fetch any URL yt-dlp's generic extractor understands when
called directly.

Every request yt-dlp makes (pages, redirects, the file, playlists and fragments) goes through
the SSRF guard (:mod:`cutups.sources.ytdlp_net`), so its later hops are checked like the first.

yt-dlp's failures arrive as ``DownloadError`` with a message like
``ERROR: [youtube] abc: Sign in to confirm you're not a bot``; :func:`explain` turns those into
one line a user can act on.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cutups.errors import CanceledError, SourceError
from cutups.sources.base import Fetched, FetchProgress, Source
from cutups.sources.ssrf import PrivateAddressError, check_url
from cutups.storage.layout import ensure_free, human_bytes

__all__ = ["YtDlpSource", "explain"]

log = logging.getLogger(__name__)

_ADVICE: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), advice)
    for pattern, advice in (
        (r"unsupported url", "no site handler knows this URL; give a direct video file URL"),
        (
            r"sign in|login required|confirm you.re not a bot|consent|cookies",
            "the site wants a signed-in viewer; download the video yourself and upload it",
        ),
        (r"private video|members[- ]only|premium", "the video is private or for members only"),
        (r"drm", "the video is DRM-protected, which Cutups cannot read"),
        (
            r"geo|not available in your country",
            "the video is not available from this server's location",
        ),
        (
            r"video unavailable|has been removed|does not exist|404",
            "the video is unavailable (removed, or a wrong URL)",
        ),
        (r"live event|is live|premieres", "the video is a live stream that has not ended"),
        (r"max[-_ ]?filesize|larger than max", "the video is over the download limit"),
    )
)


def explain(message: str) -> str:
    """A yt-dlp error message as one readable line with advice."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", message).strip()
    text = re.sub(r"^ERROR:\s*", "", text)
    for pattern, advice in _ADVICE:
        if pattern.search(text):
            return f"{advice} (yt-dlp: {text[:200]})"
    return f"yt-dlp could not download the video: {text[:300]}"


@functools.cache
def _site_extractors() -> tuple[Any, ...]:
    from yt_dlp.extractor import gen_extractor_classes

    return tuple(ie for ie in gen_extractor_classes() if ie.ie_key() != "Generic")


class _Canceled(Exception):
    """Raised from yt-dlp's progress hook to stop the download."""


class _Logger:
    """yt-dlp's messages into our log; its errors become our exceptions, so log them low."""

    def debug(self, msg: str) -> None:
        if not msg.startswith("[debug] "):
            log.debug("yt-dlp: %s", msg)

    def info(self, msg: str) -> None:
        log.debug("yt-dlp: %s", msg)

    def warning(self, msg: str) -> None:
        log.info("yt-dlp warning: %s", msg)

    def error(self, msg: str) -> None:
        log.info("yt-dlp error: %s", msg)


class YtDlpSource(Source):
    """Sites with a yt-dlp extractor: YouTube, Vimeo, Twitch VODs, Hudl public links, ..."""

    NAME = "yt-dlp"

    @classmethod
    def suitable(cls, url: str) -> bool:
        if urlsplit(url).scheme not in ("http", "https"):
            return False
        return any(ie.suitable(url) for ie in _site_extractors())

    def options(self, dest: Path, hook: Any) -> dict[str, Any]:
        """The ``YoutubeDL`` parameters: one MP4 into the job's folder, quiet, bounded."""
        from cutups.sources.ytdlp_net import NETWORK_OPTIONS  # imports yt-dlp: only when used

        settings = self.ctx.settings
        return {
            "outtmpl": str(dest.with_suffix("")) + ".%(ext)s",
            "format": "bv*[ext=mp4]+ba[ext=m4a]/b[ext=mp4]/bv*+ba/b",
            "merge_output_format": "mp4",
            "noplaylist": True,
            "quiet": True,
            "no_warnings": True,
            "noprogress": True,
            "logger": _Logger(),
            "progress_hooks": [hook],
            "retries": settings.download_retries,
            "fragment_retries": settings.download_retries,
            "continuedl": True,
            "max_filesize": settings.max_download_bytes,
            "socket_timeout": 30,
            "ffmpeg_location": settings.ffmpeg if "/" in settings.ffmpeg else None,
            "cachedir": False,
            **NETWORK_OPTIONS,
        }

    def _fetch(
        self, url: str, dest: Path, on_progress: FetchProgress, cancel: threading.Event
    ) -> Fetched:
        from yt_dlp.utils import YoutubeDLError

        from cutups.sources.ytdlp_net import GuardedYoutubeDL

        settings = self.ctx.settings
        check_url(url, allow_private=settings.allow_private_urls, what="video URL", resolver=None)
        ensure_free(dest.parent, 0, settings.min_free_bytes)
        refused: list[PrivateAddressError] = []

        def hook(status: dict[str, Any]) -> None:
            if cancel.is_set():
                raise _Canceled
            done = int(status.get("downloaded_bytes") or 0)
            total = status.get("total_bytes") or status.get("total_bytes_estimate")
            on_progress(done, int(total) if total else None)

        try:
            guard = self.ctx.guard("video URL")
            params = self.options(dest, hook)
            with GuardedYoutubeDL(params, guard=guard, on_refused=refused.append) as ydl:
                info = ydl.extract_info(url, download=True)
                path = self._output(ydl, info, dest)
        except _Canceled:
            raise CanceledError("canceled during the download") from None
        except YoutubeDLError as exc:  # DownloadError, and network errors it lets through
            if cancel.is_set() or isinstance(getattr(exc, "exc_info", (None, None))[1], _Canceled):
                raise CanceledError("canceled during the download") from None
            if refused:  # a hop pointed inside: say so, not yt-dlp's "unable to download"
                raise refused[0] from None
            raise SourceError(explain(str(exc))) from None
        if path is None or not path.exists():
            raise SourceError(explain("the download produced no file"))
        size = path.stat().st_size
        log.info("yt-dlp fetched %s (%s)", path.name, human_bytes(size))
        return Fetched(path=path, size=size, handler=self.NAME)

    @staticmethod
    def _output(ydl: Any, info: dict[str, Any] | None, dest: Path) -> Path | None:
        if not info:
            return None
        for item in info.get("requested_downloads") or ():
            if item.get("filepath"):
                return Path(item["filepath"])
        candidates = sorted(dest.parent.glob(dest.with_suffix("").name + ".*"))
        finished = [p for p in candidates if not p.name.endswith((".part", ".ytdl"))]
        return finished[0] if finished else None
