"""Every error the API answers has one shape: ``{"error": {"code", "message"}}``.

This module is the one place exceptions become HTTP answers:

=========================================  ======  ====================
exception                                   status  code
=========================================  ======  ====================
:class:`ApiError`                            (own)   (own)
request validation (pydantic)                422     invalid_request
unknown route / method                       404/405 not_found / ...
``InsufficientStorageError``                 507     insufficient_storage
``TooLargeError``                            413     too_large
``PrivateAddressError``                      422     private_url
other ``InputError`` (bad user input)        422     snake_case class name
``IdempotencyConflict``                      409     idempotency_conflict
``QueueFullError``                           429     queue_full (+ Retry-After)
the job store unreachable (database down)    503     store_unavailable (+ Retry-After)
anything else                                500     internal (logged; no details leak)
=========================================  ======  ====================
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from cutups.errors import InputError
from cutups.jobs.models import IdempotencyConflict, QueueFullError
from cutups.jobs.postgres_store import STORE_ERRORS, store_unreachable
from cutups.sources.ssrf import PrivateAddressError
from cutups.storage.layout import InsufficientStorageError
from cutups.storage.uploads import TooLargeError

__all__ = ["STORE_RETRY_AFTER", "ApiError", "error_body", "install_error_handlers"]

log = logging.getLogger(__name__)

STORE_RETRY_AFTER = "5"
"""Seconds a client is told to wait when the job store cannot be reached."""

_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "too_many_requests",
    500: "internal",
    503: "unavailable",
}


class ApiError(Exception):
    """An answer other than success, raised from a route."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    """The JSON body of every error answer."""
    return {"error": {"code": code, "message": message, **extra}}


def _respond(
    status: int, code: str, message: str, headers: Mapping[str, str] | None = None, **extra: Any
) -> JSONResponse:
    return JSONResponse(
        error_body(code, message, **extra), status_code=status, headers=dict(headers or {})
    )


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower().removesuffix("_error")


def _validation_message(errors: Sequence[Any]) -> str:
    parts = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ()) if p != "body"]
        msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        if err.get("type") == "extra_forbidden":
            msg = "unknown field (not part of this request; see /docs for the fields)"
        parts.append(f"{'.'.join(loc)}: {msg}" if loc else msg)
    return "; ".join(parts) or "invalid request"


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers that give every error the one shape."""

    @app.exception_handler(ApiError)
    async def _api(request: Request, exc: ApiError) -> JSONResponse:
        return _respond(exc.status, exc.code, exc.message, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        details = [
            {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg"))} for e in errors
        ]
        return _respond(422, "invalid_request", _validation_message(errors), details=details)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(exc.status_code, f"http_{exc.status_code}")
        message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
        return _respond(exc.status_code, code, message, exc.headers)

    @app.exception_handler(InputError)
    async def _input(request: Request, exc: InputError) -> JSONResponse:
        if isinstance(exc, InsufficientStorageError):
            return _respond(507, "insufficient_storage", exc.message)
        if isinstance(exc, TooLargeError):
            return _respond(413, "too_large", exc.message)
        if isinstance(exc, PrivateAddressError):
            return _respond(422, "private_url", exc.message)
        return _respond(422, _snake(type(exc).__name__), exc.message)

    @app.exception_handler(IdempotencyConflict)
    async def _conflict(request: Request, exc: IdempotencyConflict) -> JSONResponse:
        return _respond(
            409,
            "idempotency_conflict",
            f"Idempotency-Key {exc.key!r} was already used with a different body "
            f"(job {exc.job_id})",
        )

    @app.exception_handler(QueueFullError)
    async def _full(request: Request, exc: QueueFullError) -> JSONResponse:
        return _respond(429, "queue_full", str(exc), {"Retry-After": "30"})

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> JSONResponse:
        log.error("internal error on %s %s", request.method, request.url.path, exc_info=exc)
        return _respond(500, "internal", "internal error; the server log has the details")

    async def _store(request: Request, exc: Exception) -> JSONResponse:
        """A store error: 503 while the database cannot be reached (a restart, an outage: one
        log line each, no traceback), an internal error otherwise (a bad query is a bug)."""
        if not store_unreachable(exc):
            return await _internal(request, exc)
        log.warning(
            "the job store is unreachable (%s): %s %s answered 503",
            _first_line(exc),
            request.method,
            request.url.path,
        )
        return _respond(
            503,
            "store_unavailable",
            "the job store cannot be reached just now (database down or restarting); "
            f"retry in {STORE_RETRY_AFTER} s",
            {"Retry-After": STORE_RETRY_AFTER},
        )

    for error in STORE_ERRORS:
        app.add_exception_handler(error, _store)


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
