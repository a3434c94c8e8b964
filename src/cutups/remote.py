"""GET (or POST) JSON from a remote service with a disk cache, bounded retries and one error type.

Shared by the CFBD and ESPN clients, and by the OpenAI-compatible clients (the cloud transcriber,
the LLM planner), which POST without the cache. Every failure becomes an
:class:`~cutups.errors.ExternalServiceError` naming the service and the HTTP status:

* 401/403: the credentials were refused (not retried: a wrong key stays wrong);
* 404 and other 4xx: not retried;
* 429: retried after ``Retry-After`` (seconds or an HTTP date), capped at ``max_wait``;
* 5xx, timeouts, connection errors: retried with exponential backoff;
* a 2xx body that is not JSON.

Successful answers are cached as files named by a hash of the URL and parameters, so a second
identical call makes no request. The transport is the test seam (httpx's ``transport=``).

:class:`JsonClient` is the clients' common base: it checks the base URL, builds the
:class:`JsonService` and closes it (also as a context manager); a client adds its endpoints.
"""

from __future__ import annotations

import contextlib
import email.utils
import hashlib
import json
import logging
import os
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar, Self

import httpx

from cutups.errors import ConfigError, ExternalServiceError

__all__ = ["JsonClient", "JsonService", "RetryPolicy"]

log = logging.getLogger(__name__)

_USER_AGENT = "cutups/0.1 (+play-by-play)"


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard to try before giving up.

    Attributes:
        max_retries: Retries after the first attempt (so ``max_retries + 1`` requests at most).
        backoff: Seconds before the first retry; doubled for each further retry.
        max_wait: Cap on any single wait, ``Retry-After`` included, in seconds.
    """

    max_retries: int = 3
    backoff: float = 0.5
    max_wait: float = 30.0

    def __post_init__(self) -> None:
        if self.max_retries < 0 or self.backoff < 0 or self.max_wait < 0:
            raise ConfigError("retry policy values must not be negative")


class JsonService:
    """A JSON-over-HTTP GETter for one service.

    Arguments:
        service: Short name for errors and the cache folder ("cfbd").
        label: Name shown to users ("CFBD").
        base_url: Service root; request paths are appended to it.
        headers: Sent with every request (authorization goes here).
        cache_dir: Folder for cached answers; ``None`` disables the cache.
        auth_hint: Sentence appended when the service answers 401/403.
        transport: httpx transport (tests); ``None`` for the real network.
        timeout: Seconds for connect and for each read.
        retry: Retry policy.
        sleep: Called to wait between retries (tests may pass a recorder).
    """

    def __init__(
        self,
        *,
        service: str,
        label: str,
        base_url: str,
        headers: Mapping[str, str] | None = None,
        cache_dir: Path | None = None,
        auth_hint: str = "",
        transport: httpx.BaseTransport | None = None,
        timeout: float = 20.0,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.service = service
        self.label = label
        self.base_url = base_url.rstrip("/")
        self.cache_dir = cache_dir / "pbp-http" / service if cache_dir is not None else None
        self.auth_hint = auth_hint
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        self._sends_key = any(name.lower() == "authorization" for name in headers or {})
        self._client = httpx.Client(
            base_url=self.base_url,
            headers={"User-Agent": _USER_AGENT, "Accept": "application/json", **(headers or {})},
            transport=transport,
            timeout=timeout,
            follow_redirects=True,
        )

    def close(self) -> None:
        """Release the connection pool."""
        self._client.close()

    def get(
        self,
        path: str,
        params: Mapping[str, str | int],
        *,
        refresh: bool = False,
        cacheable: Callable[[Any], bool] | None = None,
    ) -> Any:
        """GET ``path`` with ``params`` and return the decoded JSON.

        Arguments:
            path: Path below the base URL ("/plays").
            params: Query parameters.
            refresh: Skip the cache read (the answer is still written to it).
            cacheable: Decides from the decoded answer whether to cache it (a live game's
                summary should not be); ``None`` caches every success.

        Returns:
            The decoded JSON value.

        Raises:
            ExternalServiceError: The service failed or answered something that is not JSON.
        """
        cache_file = self._cache_file(path, params)
        if cache_file is not None and not refresh:
            cached = _read_cache(cache_file)
            if cached is not None:
                log.debug("%s cache hit for %s %s", self.label, path, dict(params))
                return cached[0]
        body, value = self._fetch(
            lambda: self._client.get(path, params=dict(params)), f"GET {path} {dict(params)}"
        )
        if cache_file is not None and (cacheable is None or cacheable(value)):
            _write_cache(cache_file, body)
        return value

    def _cache_file(self, path: str, params: Mapping[str, str | int]) -> Path | None:
        if self.cache_dir is None:
            return None
        identity = json.dumps(
            [self.base_url + "/" + path.lstrip("/"), sorted((k, str(v)) for k, v in params.items())]
        )
        return self.cache_dir / f"{hashlib.sha256(identity.encode()).hexdigest()[:40]}.json"

    def post(
        self,
        path: str,
        *,
        json_body: Mapping[str, Any] | None = None,
        data: Mapping[str, str | list[str]] | None = None,
        files: Mapping[str, tuple[str, bytes, str]] | None = None,
    ) -> Any:
        """POST JSON (``json_body``) or a multipart form (``data`` + ``files``) to ``path`` and
        return the decoded JSON answer; never cached, retried like :meth:`get`.

        Raises:
            ExternalServiceError: The service failed or answered something that is not JSON.
        """
        _, value = self._fetch(
            lambda: self._client.post(path, json=json_body, data=data, files=files),
            f"POST {path}",
        )
        return value

    def _fetch(self, send: Callable[[], httpx.Response], what: str) -> tuple[bytes, Any]:
        failure: ExternalServiceError | None = None
        for attempt in range(self.retry.max_retries + 1):
            wait = self.retry.backoff * 2**attempt
            try:
                log.debug("%s %s (attempt %d)", self.label, what, attempt + 1)
                response = send()
            except httpx.TimeoutException:
                failure = self._error(f"{self.label} did not answer within {self.timeout:g} s")
            except httpx.TransportError as exc:
                failure = self._error(f"{self.label} is unreachable ({type(exc).__name__}: {exc})")
            else:
                status = response.status_code
                if 200 <= status < 300:
                    return response.content, self._decode(response)
                failure = self._status_error(response)
                if status == 429:
                    wait = _retry_after(response) or wait
                elif status < 500:
                    raise failure
            if attempt < self.retry.max_retries:
                self._sleep(min(max(wait, 0.0), self.retry.max_wait))
        assert failure is not None  # the loop runs at least once and only ends on failure
        raise failure

    def _decode(self, response: httpx.Response) -> Any:
        try:
            return json.loads(response.content)
        except (ValueError, RecursionError) as exc:
            kind = response.headers.get("content-type", "unknown type")
            raise self._error(
                f"{self.label} answered HTTP {response.status_code} with non-JSON ({kind})",
                response.status_code,
            ) from exc

    def _status_error(self, response: httpx.Response) -> ExternalServiceError:
        status = response.status_code
        if status in (401, 403):
            refused = "rejected the API key" if self._sends_key else "refused the request"
            message = f"{self.label} {refused} (HTTP {status})"
            return self._error(
                f"{message}; {self.auth_hint}" if self.auth_hint else message, status
            )
        if status == 404:
            return self._error(
                f"{self.label} has no {response.request.url.path} (HTTP 404)", status
            )
        if status == 429:
            return self._error(f"{self.label} is rate-limiting us (HTTP 429); try later", status)
        return self._error(f"{self.label} answered HTTP {status}", status)

    def _error(self, message: str, status: int | None = None) -> ExternalServiceError:
        return ExternalServiceError(message, service=self.service, status=status)


class JsonClient:
    """Base of a service's client: its :class:`JsonService` as ``self._http``, closed with it.

    A subclass names the service (:attr:`SERVICE`, :attr:`LABEL`), says how to configure its
    base URL (:attr:`NO_BASE_URL`) and adds its endpoints.

    Arguments:
        base_url: Service root; required.
        cache_dir: Where answers are cached; ``None`` disables the cache.
        transport: httpx transport, for tests.
        timeout: Seconds per connect/read.
        retry: Retry policy for 429/5xx/timeouts.
        sleep: Waits between retries.
        headers: Sent with every request (a subclass's credentials).
        auth_hint: Appended to the error when the service answers 401/403.

    Raises:
        ConfigError: No base URL (the message is :attr:`NO_BASE_URL`).
    """

    SERVICE: ClassVar[str]
    """Short name for errors and the cache folder ("cfbd")."""
    LABEL: ClassVar[str]
    """Name shown to users ("CFBD")."""
    NO_BASE_URL: ClassVar[str]
    """The :class:`~cutups.errors.ConfigError` message when no base URL is configured."""

    def __init__(
        self,
        base_url: str | None,
        cache_dir: Path | None = None,
        transport: httpx.BaseTransport | None = None,
        *,
        timeout: float = 20.0,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        headers: Mapping[str, str] | None = None,
        auth_hint: str = "",
    ) -> None:
        if not base_url or not base_url.strip():
            raise ConfigError(self.NO_BASE_URL)
        self._http = JsonService(
            service=self.SERVICE,
            label=self.LABEL,
            base_url=base_url.strip(),
            headers=headers,
            cache_dir=cache_dir,
            auth_hint=auth_hint,
            transport=transport,
            timeout=timeout,
            retry=retry,
            sleep=sleep,
        )

    def close(self) -> None:
        """Release network resources."""
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _retry_after(response: httpx.Response) -> float | None:
    """Seconds the service asks us to wait, from ``Retry-After`` (seconds or an HTTP date)."""
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _read_cache(file: Path) -> tuple[Any] | None:
    """The cached value in a 1-tuple (a cached ``null`` is still a hit), or None on a miss."""
    try:
        return (json.loads(file.read_bytes()),)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, RecursionError) as exc:
        # A torn or foreign file: refetch rather than fail; the write will replace it.
        log.warning("ignoring unreadable cache file %s: %s", file, exc)
        return None


def _write_cache(file: Path, body: bytes) -> None:
    # The cache only saves requests: failing to write it must not fail the call.
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=file.parent, prefix=".tmp-", suffix=".json")
    except OSError as exc:
        log.warning("could not cache %s: %s", file, exc)
        return
    try:
        # Write then rename, so a concurrent reader never sees half a file.
        with os.fdopen(fd, "wb") as out:
            out.write(body)
        os.replace(tmp, file)
    except OSError as exc:
        log.warning("could not cache %s: %s", file, exc)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
