"""Google Drive share links: ``drive.google.com/file/d/<id>/view`` and friends.

A share link opens a viewer page, not the file. The file comes from
``/uc?export=download&id=<id>``; for files too large to virus-scan, Drive answers that with an
HTML warning page instead, and the download needs a confirmation: a ``download_warning`` cookie
(older Drive), a ``confirm=`` link, or a form with hidden fields (today's Drive, pointing at
``drive.usercontent.google.com``). :class:`GoogleDriveSource` handles all three. The host is
``CUTUPS_GDRIVE_BASE_URL`` so a local server can stand in for Drive in tests.
"""

from __future__ import annotations

import html
import re
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import httpx

from cutups.errors import SourceError
from cutups.sources.base import Fetched, FetchProgress
from cutups.sources.http import HttpSource

__all__ = ["GoogleDriveSource", "drive_file_id"]

_HOSTS = ("drive.google.com", "docs.google.com", "drive.usercontent.google.com")
_PATH_ID = re.compile(r"/file/d/([\w-]{10,})")
_CONFIRM = re.compile(r"confirm=([0-9A-Za-z_-]+)")
_MAX_PAGE = 2 * 1024 * 1024


def drive_file_id(url: str) -> str | None:
    """The file id in a Google Drive link, or None when ``url`` is not one."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or (parts.hostname or "") not in _HOSTS:
        return None
    match = _PATH_ID.search(parts.path)
    if match:
        return match.group(1)
    ids = parse_qs(parts.query).get("id")
    if ids and re.fullmatch(r"[\w-]{10,}", ids[0]):
        return ids[0]
    return None


class _Form(HTMLParser):
    """Finds the download form on Drive's warning page: its action and hidden inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and (a.get("id") == "download-form" or "download" in a.get("action", "")):
            self.action, self._inside = a.get("action"), True
        elif tag == "input" and self._inside and a.get("name"):
            self.fields[a["name"]] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._inside = False


class GoogleDriveSource(HttpSource):
    """Files shared on Google Drive ("Anyone with the link")."""

    NAME = "gdrive"
    what = "Google Drive link"

    @classmethod
    def suitable(cls, url: str) -> bool:
        return drive_file_id(url) is not None

    def status_error(self, response: httpx.Response) -> SourceError:
        if response.status_code in (401, 403, 404):
            return SourceError(
                "Google Drive would not hand out the file: share it with 'Anyone with the link' "
                f"(HTTP {response.status_code})"
            )
        return super().status_error(response)

    def _fetch(
        self, url: str, dest: Path, on_progress: FetchProgress, cancel: threading.Event
    ) -> Fetched:
        file_id = drive_file_id(url)
        if file_id is None:
            raise SourceError(f"not a Google Drive file link: {url[:80]}")
        base = self.ctx.settings.gdrive_base_url.rstrip("/")
        first = f"{base}/uc?{urlencode({'export': 'download', 'id': file_id})}"
        with self.client() as client:
            target = self._confirmed_url(client, first, file_id)
            size = self.download(client, target, dest, on_progress, cancel)
        return Fetched(path=dest, size=size, handler=self.NAME)

    def _confirmed_url(self, client: httpx.Client, url: str, file_id: str) -> str:
        """The URL that serves the file itself, after Drive's confirmation dance."""
        with self.open(client, url) as response:
            if response.status_code >= 400:
                raise self.status_error(response)
            kind = response.headers.get("content-type", "")
            if not kind.startswith("text/html"):
                return str(response.url)  # no warning page: the file itself
            page = b""
            for chunk in response.iter_bytes():
                page += chunk
                if len(page) > _MAX_PAGE:
                    break
            text = page.decode("utf-8", "replace")
            final_url = str(response.url)
        for name, value in client.cookies.items():
            if name.startswith("download_warning"):
                return f"{url}&{urlencode({'confirm': value})}"
        form = _Form()
        form.feed(text)
        if form.action:
            query = urlencode(form.fields or {"id": file_id, "export": "download", "confirm": "t"})
            return f"{urljoin(final_url, html.unescape(form.action))}?{query}"
        match = _CONFIRM.search(html.unescape(text))
        if match:
            return f"{url}&{urlencode({'confirm': match.group(1)})}"
        if "quota" in text.lower() or "too many users" in text.lower():
            raise SourceError(
                "Google Drive says too many people downloaded this file recently; try later, "
                "or download it yourself and upload it"
            )
        raise SourceError(
            "Google Drive answered with a web page instead of the file: share it with "
            "'Anyone with the link', or download it yourself and upload it"
        )
