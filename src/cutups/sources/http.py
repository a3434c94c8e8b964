"""Plain HTTP(S) downloads: streamed to disk, resumed with ``Range`` after a dropped connection.

The generic handler, tried last. The body goes to ``<dest>.part`` in 1 MiB chunks; when the
connection drops, the next request asks for ``Range: bytes=<have>-`` (with ``If-Range`` so a
changed file restarts from zero instead of being spliced). What the server said about the file
(validator, total size) is kept beside the part file, so a download interrupted by a server
restart resumes too. Redirects are followed by hand, each hop passing the SSRF check; the client
connects only to addresses its guard resolved and checked (:mod:`cutups.sources.guard`).
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx

from cutups.errors import SourceError
from cutups.sources.base import Fetched, FetchProgress, Source, check_cancel
from cutups.sources.ssrf import check_url
from cutups.storage.layout import ensure_free, human_bytes

__all__ = ["HttpSource"]

log = logging.getLogger(__name__)

MAX_REDIRECTS = 10
_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)")
_REASONS = {
    401: "needs a login",
    403: "refused access (403 Forbidden)",
    404: "answered 404 Not Found: check the URL",
    410: "says the file is gone (410)",
}


class _Dropped(Exception):
    """The connection ended before the whole file arrived; resume with Range."""


@dataclass
class _State:
    """What we know about the remote file, kept across retries and restarts."""

    url: str
    have: int = 0
    total: int | None = None
    validator: str | None = None

    @classmethod
    def load(cls, meta: Path, part: Path, url: str) -> _State:
        state = cls(url=url)
        if part.exists() and meta.exists():
            try:
                saved = json.loads(meta.read_text())
            except ValueError:
                saved = {}
            if saved.get("url") == url:
                state.have = part.stat().st_size
                state.total = saved.get("total")
                state.validator = saved.get("validator")
        return state

    def save(self, meta: Path) -> None:
        meta.write_text(
            json.dumps({"url": self.url, "total": self.total, "validator": self.validator})
        )


class HttpSource(Source):
    """Any ``http://`` or ``https://`` URL that serves the video file itself."""

    NAME = "http"
    what = "video URL"

    @classmethod
    def suitable(cls, url: str) -> bool:
        return urlsplit(url).scheme in ("http", "https")

    # -- hooks for subclasses -------------------------------------------------------------------
    def status_error(self, response: httpx.Response) -> SourceError:
        """The error for a 4xx answer (subclasses give service-specific advice)."""
        reason = _REASONS.get(response.status_code, f"answered HTTP {response.status_code}")
        return SourceError(f"the {self.what} {reason}")

    # -- the download ---------------------------------------------------------------------------
    def _fetch(
        self, url: str, dest: Path, on_progress: FetchProgress, cancel: threading.Event
    ) -> Fetched:
        with self.client() as client:
            size = self.download(client, url, dest, on_progress, cancel)
        return Fetched(path=dest, size=size, handler=self.NAME)

    def client(self) -> httpx.Client:
        """A client that connects only to checked addresses, never through a proxy."""
        return self.ctx.guard(self.what).client(
            transport=self.ctx.transport,
            timeout=httpx.Timeout(30.0, connect=10.0),
            follow_redirects=False,
            headers={"User-Agent": "cutups", "Accept-Encoding": "identity"},
        )

    def download(
        self,
        client: httpx.Client,
        url: str,
        dest: Path,
        on_progress: FetchProgress,
        cancel: threading.Event,
    ) -> int:
        """Download ``url`` to ``dest``; return its size. Retries and resumes as needed."""
        settings = self.ctx.settings
        part, meta = dest.with_name(dest.name + ".part"), dest.with_name(dest.name + ".part.json")
        state = _State.load(meta, part, url)
        if state.have:
            log.info("resuming the download at %s", human_bytes(state.have))
        failures = 0
        while True:
            check_cancel(cancel)
            try:
                self._attempt(client, state, part, meta, on_progress, cancel)
                break
            except (_Dropped, httpx.TransportError) as exc:
                failures += 1
                if failures > settings.download_retries:
                    raise SourceError(
                        f"the download kept breaking off ({failures} tries, "
                        f"{human_bytes(state.have)} received): {exc}"
                    ) from exc
                delay = min(10.0, 0.5 * 2 ** (failures - 1))
                log.warning(
                    "download interrupted at %s (%s); retrying in %.1f s",
                    human_bytes(state.have),
                    exc,
                    delay,
                )
                if cancel.wait(delay):
                    check_cancel(cancel)
        part.replace(dest)
        meta.unlink(missing_ok=True)
        return state.have

    def _attempt(
        self,
        client: httpx.Client,
        state: _State,
        part: Path,
        meta: Path,
        on_progress: FetchProgress,
        cancel: threading.Event,
    ) -> None:
        headers = {}
        if state.have:
            headers["Range"] = f"bytes={state.have}-"
            if state.validator:
                headers["If-Range"] = state.validator
        with self.open(client, state.url, headers) as response:
            if response.status_code == 416 and state.have and state.have == state.total:
                return  # we already have all of it
            if response.status_code >= 400:
                if response.status_code >= 500 or response.status_code == 429:
                    raise _Dropped(f"the server answered HTTP {response.status_code}")
                raise self.status_error(response)
            self._check_content(response)
            start = self._start_of(response, state)
            mode = "ab" if start else "wb"
            if not start:
                state.have = 0
            self._check_space(part, state)
            state.save(meta)
            with part.open(mode) as out:
                for chunk in response.iter_raw():
                    check_cancel(cancel)
                    out.write(chunk)
                    state.have += len(chunk)
                    if state.have > self.ctx.settings.max_download_bytes:
                        raise SourceError(
                            f"the video is larger than the download limit of "
                            f"{human_bytes(self.ctx.settings.max_download_bytes)}"
                        )
                    on_progress(state.have, state.total)
        if state.total is not None and state.have < state.total:
            raise _Dropped(f"connection closed at {state.have} of {state.total} bytes")

    def _start_of(self, response: httpx.Response, state: _State) -> int:
        """Where this response's body starts; also learns the total size and validator."""
        state.validator = response.headers.get("etag") or response.headers.get("last-modified")
        if response.status_code == 206:
            match = _CONTENT_RANGE.match(response.headers.get("content-range", ""))
            if match is None or int(match.group(1)) != state.have:
                raise _Dropped("the server sent a range we did not ask for")
            if match.group(3) != "*":
                state.total = int(match.group(3))
            return state.have
        length = response.headers.get("content-length")
        state.total = int(length) if length and length.isdigit() else None
        return 0

    def _check_content(self, response: httpx.Response) -> None:
        kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind in ("text/html", "application/xhtml+xml"):
            raise SourceError(
                f"the {self.what} is a web page, not a video file; give the address of the file "
                "itself (or a YouTube/Drive link), or upload the video"
            )

    def _check_space(self, part: Path, state: _State) -> None:
        settings = self.ctx.settings
        if state.total is not None and state.total > settings.max_download_bytes:
            raise SourceError(
                f"the video is {human_bytes(state.total)}, over the download limit of "
                f"{human_bytes(settings.max_download_bytes)}"
            )
        remaining = (state.total - state.have) if state.total is not None else 0
        ensure_free(part.parent, max(0, remaining), settings.min_free_bytes)

    @contextlib.contextmanager
    def open(
        self, client: httpx.Client, url: str, headers: dict[str, str] | None = None
    ) -> Iterator[httpx.Response]:
        """GET ``url`` as a stream, following redirects with every hop checked.

        Each hop must parse and be http(s) (IP literals are checked here); the client's guard
        resolves names and checks the addresses when it connects.
        """
        allow = self.ctx.settings.allow_private_urls
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            check_url(current, allow_private=allow, what=self.what, resolver=None)
            request = client.build_request("GET", current, headers=headers)
            response = client.send(request, stream=True)
            try:
                if response.is_redirect and "location" in response.headers:
                    current = urljoin(current, response.headers["location"])
                    continue
                yield response
                return
            finally:
                response.close()
        raise SourceError(f"the {self.what} redirects more than {MAX_REDIRECTS} times")
