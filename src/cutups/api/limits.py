"""Request bodies have a size limit: 413 before reading a body that says it is too large, and
as soon as a streamed (chunked) body passes the limit.

FastAPI reads a JSON body whole before validating it, so without a limit a 40 MB body costs
the server its size several times over (bytes, text, parsed objects). The middleware wraps the
ASGI ``receive``: it counts the bytes as they arrive and, past the limit, stops the request;
whatever the route would have answered then is replaced by one 413 answer. ``POST /upload`` has
its own, much larger limit (``CUTUPS_MAX_UPLOAD_BYTES``, enforced again by the route while it
streams to disk); every other route gets ``CUTUPS_MAX_BODY_BYTES``.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cutups.api.errors import error_body

__all__ = ["BodyLimit", "BodyLimitMiddleware"]


@dataclass(frozen=True, slots=True)
class BodyLimit:
    """The largest body a request may send, and the setting that says so."""

    bytes: int
    setting: str


class _TooLarge(Exception):
    """Raised into the app from ``receive`` once the body passes the limit."""


class BodyLimitMiddleware:
    """Refuse request bodies over ``limit_for(scope)`` with 413 (``too_large``)."""

    def __init__(self, app: ASGIApp, limit_for: Callable[[Scope], BodyLimit]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope)
        declared = dict(scope.get("headers") or ()).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit.bytes:
            await _refuse(send, limit)  # the body is never read
            return
        state = {"received": 0, "refused": False, "started": False}

        async def counted() -> Message:
            if state["refused"]:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                state["received"] += len(message.get("body", b""))
                if state["received"] > limit.bytes:
                    state["refused"] = True
                    raise _TooLarge
            return message

        async def answer(message: Message) -> None:
            if state["refused"]:
                return  # the route's answer to a cut-off body: ours goes instead
            state["started"] = True
            await send(message)

        with contextlib.suppress(_TooLarge):  # the app let it through: answered below
            await self.app(scope, counted, answer)
        if state["refused"] and not state["started"]:
            await _refuse(send, limit)


async def _refuse(send: Send, limit: BodyLimit) -> None:
    body = json.dumps(
        error_body(
            "too_large",
            f"the request body is over the limit of {limit.bytes} bytes ({limit.setting})",
        )
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
