"""yt-dlp's own HTTP requests, made through the SSRF guard.

yt-dlp does its networking itself: extractor pages and APIs, redirects, the file, HLS/DASH
playlists and every fragment all go through its request director (``YoutubeDL.urlopen``).
:class:`GuardedYoutubeDL` gives that director one request handler only, :class:`GuardedRH`,
which sends each request with an httpx client from :class:`~cutups.sources.guard.Guard`: every
connection (the first URL, each redirect hop, each fragment host) resolves its name once,
is refused unless every address is public, and goes to the checked address; no proxy is used
(yt-dlp's ``proxy`` is set to none and the handler supports no proxy scheme, so a request that
asks for one fails instead of leaving unchecked).

What stays outside the handler, and how it is closed:

* ffmpeg as a *downloader* (live HLS, streams the native downloader cannot take) would open the
  URL itself: its inputs get ``-protocol_whitelist file,crypto,data``, so it cannot open a
  network URL at all and such formats fail. ffmpeg merging the downloaded parts reads local
  files only.
* Other external downloaders are never chosen (``external_downloader: native``); WebSocket
  formats have no handler and fail; ``rtmp`` formats need rtmpdump, which is not installed.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Iterable
from typing import Any

import httpx
from yt_dlp import YoutubeDL
from yt_dlp.networking.common import Request, RequestHandler, Response
from yt_dlp.networking.exceptions import HTTPError, RequestError, TransportError

from cutups.sources.guard import Guard
from cutups.sources.ssrf import PrivateAddressError

__all__ = ["NETWORK_OPTIONS", "GuardedRH", "GuardedYoutubeDL"]

MAX_REDIRECTS = 10

NETWORK_OPTIONS: dict[str, Any] = {
    "proxy": "",  # none, not even from the environment
    "external_downloader": {"default": "native"},
    "external_downloader_args": {"ffmpeg_i": ["-protocol_whitelist", "file,crypto,data"]},
}
"""``YoutubeDL`` parameters that keep its downloads inside :class:`GuardedRH`."""


class _Body(io.RawIOBase):
    """An httpx response body as a file yt-dlp reads with ``read(n)``."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__()
        self._response = response
        self._chunks = response.iter_bytes()
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._pending = chunk
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size

    def close(self) -> None:
        self._response.close()
        super().close()


class _Response(Response):  # type: ignore[misc]
    def __init__(self, response: httpx.Response) -> None:
        super().__init__(
            fp=_Body(response),
            url=str(response.url),
            headers=response.headers,
            status=response.status_code,
            reason=response.reason_phrase or None,
        )


class GuardedRH(RequestHandler):  # type: ignore[misc]
    """yt-dlp request handler: httpx through a :class:`Guard`, redirects followed by httpx
    (each hop a new, checked connection), cookies in yt-dlp's jar.

    Arguments:
        guard: the connection policy.
        on_refused: told each refusal (the source reports it instead of yt-dlp's wording).
        kwargs: what yt-dlp gives every handler (logger, headers, cookiejar, timeout...).
    """

    _SUPPORTED_URL_SCHEMES = ("http", "https")
    _SUPPORTED_PROXY_SCHEMES = ()
    _SUPPORTED_FEATURES = ()

    def __init__(
        self, *, guard: Guard, on_refused: Callable[[PrivateAddressError], None], **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self._guard = guard
        self._on_refused = on_refused
        self._clients: dict[int, httpx.Client] = {}

    def _check_extensions(self, extensions: dict[str, Any]) -> None:
        super()._check_extensions(extensions)
        for supported in ("cookiejar", "timeout", "legacy_ssl", "keep_header_casing"):
            extensions.pop(supported, None)

    def _client(self, request: Request) -> httpx.Client:
        jar = self._get_cookiejar(request)
        client = self._clients.get(id(jar))
        if client is None:
            transport = self._guard.transport(verify=self._make_sslcontext())
            client = self._guard.client(
                transport=transport, cookies=jar, follow_redirects=True, max_redirects=MAX_REDIRECTS
            )
            self._clients[id(jar)] = client
        return client

    def _send(self, request: Request) -> Response:
        client = self._client(request)
        built = client.build_request(
            request.method or ("POST" if request.data is not None else "GET"),
            request.url,
            headers=self._get_headers(request),
            content=_content(request.data),
            timeout=self._calculate_timeout(request),
        )
        try:
            response = client.send(built, stream=True)
        except PrivateAddressError as exc:
            self._on_refused(exc)
            raise RequestError(exc.message, cause=exc) from exc
        except httpx.TooManyRedirects as exc:
            raise RequestError(f"more than {MAX_REDIRECTS} redirects", cause=exc) from exc
        except httpx.TransportError as exc:
            raise TransportError(cause=exc) from exc
        except httpx.HTTPError as exc:
            raise RequestError(cause=exc) from exc
        answer = _Response(response)
        if not 200 <= answer.status < 300:
            raise HTTPError(answer)
        return answer

    def close(self) -> None:
        for client in self._clients.values():
            client.close()
        self._clients.clear()


def _content(data: Any) -> bytes | Iterable[bytes] | None:
    """yt-dlp's request body (bytes, a file or an iterable of bytes) as httpx takes it."""
    if data is None or isinstance(data, bytes):
        return data
    if hasattr(data, "read"):
        return bytes(data.read())
    return b"".join(data)


class GuardedYoutubeDL(YoutubeDL):  # type: ignore[misc]
    """``YoutubeDL`` whose only request handler is :class:`GuardedRH`.

    Arguments:
        params: yt-dlp's parameters (merge :data:`NETWORK_OPTIONS` in).
        guard: the connection policy for every request.
        on_refused: told each refused connection.
    """

    def __init__(
        self,
        params: dict[str, Any],
        *,
        guard: Guard,
        on_refused: Callable[[PrivateAddressError], None],
    ) -> None:
        self._guard = guard
        self._on_refused = on_refused
        super().__init__(params)

    def build_request_director(self, handlers: Any, preferences: Any = None) -> Any:
        guarded = functools.partial(GuardedRH, guard=self._guard, on_refused=self._on_refused)
        return super().build_request_director([guarded], preferences)
