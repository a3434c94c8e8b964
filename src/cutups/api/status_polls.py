"""Status polls straight from the snapshots: ``GET /jobs/{id}`` answered before the framework.

Profiled under 64 concurrent polls, the route's own work (a snapshot look-up) was 5 % of the
event loop's time and FastAPI's machinery around it 40 %: the middleware stack, matching the
path against every route, solving the dependencies, building the request and base URL. This
middleware answers a poll it can answer fully (an authorised ``GET /jobs/{id}`` of a job that
exists) from :class:`~cutups.api.snapshots.JobSnapshots` and hands everything else to the app
unchanged: a missing job, a wrong key, a store that fails are answered by the route and the
app's error handlers (404, 401, 503), so there is one place for each answer. The route stays
what the OpenAPI schema documents, and both give the same bytes.
"""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from cutups.api.deps import key_accepted
from cutups.api.snapshots import JobSnapshots
from cutups.jobs.service import Service

__all__ = ["StatusPollMiddleware"]

_POLL = re.compile(r"/jobs/([^/]+)")  # used with fullmatch; the id is checked by the snapshots
_MAX_HOSTS = 64
"""Base URLs remembered (by the Host a client names); the memo restarts when full."""


class StatusPollMiddleware:
    """Answer authorised ``GET /jobs/{id}`` polls from ``snapshots``; pass the rest on."""

    def __init__(self, app: ASGIApp, service: Service, snapshots: JobSnapshots) -> None:
        self.app = app
        self._service = service  # its settings decide, as for the route
        self._snapshots = snapshots
        self._bases: dict[tuple[object, ...], str] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        poll = _POLL.fullmatch(scope["path"]) if scope["type"] == "http" else None
        if poll is None or scope["method"] != "GET" or scope.get("root_path"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        body = None
        keys = self._service.settings.api_keys
        if key_accepted(keys, headers.get(b"authorization", b"").decode("latin-1")):
            try:
                body = await self._snapshots.body(poll.group(1), self._base_url(scope, headers))
            except Exception:  # the store failed: the route meets it again and answers it
                body = None
        if body is None:
            await self.app(scope, receive, send)
            return
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-length", str(len(body)).encode()),
                    (b"content-type", b"application/json"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    def _base_url(self, scope: Scope, headers: dict[bytes, bytes]) -> str:
        """What :func:`cutups.api.deps.base_url` answers for this request, remembered."""
        public_url = self._service.settings.public_url
        if public_url:
            return public_url.rstrip("/")
        key = (scope.get("scheme"), headers.get(b"host"), scope.get("server"))
        base = self._bases.get(key)
        if base is None:
            if len(self._bases) >= _MAX_HOSTS:
                self._bases.clear()
            base = self._bases[key] = str(Request(scope).base_url).rstrip("/")
        return base
