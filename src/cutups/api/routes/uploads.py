"""``POST /upload``: a multipart upload streamed straight to disk, then checked.

The body is parsed as it arrives (python-multipart's streaming parser), and the ``file`` part's
bytes go to the uploads folder chunk by chunk: nothing is buffered in memory or spooled to /tmp
first, the size limit (``CUTUPS_MAX_UPLOAD_BYTES``) is enforced while reading, and a declared
``Content-Length`` over the limit is refused before reading at all. A video upload is probed
before its id is handed out (415 if it is not video); a play-by-play upload (``?kind=pbp``)
is parsed (422 if unreadable).

With S3 configured, a JSON body (``{"filename": "game.mp4", "size": 123}``) asks for a
**direct upload** instead (seed 001): the answer is an ``upload_id`` and an ephemeral presigned
``upload_url`` (one hour); the client PUTs the file straight to the bucket, and the workers read
it from there (:mod:`cutups.storage.direct_uploads`). The multipart form works as before; in
distributed mode its video is copied to the bucket too, for workers on other machines.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import ClientDisconnect

from cutups.api.deps import ServiceDep
from cutups.api.errors import ApiError
from cutups.api.schemas import DirectUploadCreate, DirectUploadPublic, UploadPublic
from cutups.errors import ExternalServiceError, MediaError, PbpError
from cutups.jobs.service import Service
from cutups.media.probe import probe
from cutups.pbp.load import MAX_INPUT_BYTES, load_pbp
from cutups.storage.layout import ensure_free, human_bytes
from cutups.storage.uploads import TooLargeError, UploadWriter

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

__all__ = ["MULTIPART_OVERHEAD", "router"]

router = APIRouter(tags=["uploads"])
log = logging.getLogger(__name__)

FIELD = "file"
MULTIPART_OVERHEAD = 64 * 1024
"""Room for the multipart framing around the file, over the file's own limit."""
_DIRECT_BODY_LIMIT = 16 * 1024

_OPENAPI = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": [FIELD],
                    "properties": {FIELD: {"type": "string", "format": "binary"}},
                }
            },
            "application/json": {"schema": DirectUploadCreate.model_json_schema()},
        },
    }
}


class _FilePart:
    """Multipart callbacks that send the ``file`` part to an upload writer."""

    def __init__(self, writer: UploadWriter) -> None:
        self.writer = writer
        self.found = False
        self._headers: dict[bytes, bytes] = {}
        self._field = b""
        self._value = b""
        self._active = False

    def callbacks(self) -> MultipartCallbacks:
        return {
            "on_part_begin": self._begin,
            "on_header_field": self._hfield,
            "on_header_value": self._hvalue,
            "on_header_end": self._hend,
            "on_headers_finished": self._headers_done,
            "on_part_data": self._data,
            "on_part_end": self._end,
        }

    def _begin(self) -> None:
        self._headers, self._active = {}, False

    def _hfield(self, data: bytes, start: int, end: int) -> None:
        self._field += data[start:end]

    def _hvalue(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def _hend(self) -> None:
        self._headers[self._field.lower()] = self._value
        self._field, self._value = b"", b""

    def _headers_done(self) -> None:
        _, params = parse_options_header(self._headers.get(b"content-disposition", b""))
        if params.get(b"name") == FIELD.encode() and not self.found:
            self._active = self.found = True
            self.writer.filename = params.get(b"filename", b"").decode("utf-8", "replace")[:255]

    def _data(self, data: bytes, start: int, end: int) -> None:
        if self._active:
            self.writer.write(data[start:end])

    def _end(self) -> None:
        self._active = False


def _boundary(request: Request) -> bytes:
    kind, params = parse_options_header(request.headers.get("content-type", ""))
    if kind != b"multipart/form-data" or not params.get(b"boundary"):
        raise ApiError(
            415,
            "unsupported_media_type",
            f"send multipart/form-data with the file in the field {FIELD!r}",
        )
    return params[b"boundary"]


async def _receive(request: Request, writer: UploadWriter) -> None:
    part = _FilePart(writer)
    parser = MultipartParser(_boundary(request), part.callbacks())
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
    except MultipartParseError as exc:
        raise ApiError(422, "invalid_request", f"malformed multipart body: {exc}") from None
    except ClientDisconnect:
        # Nobody is left to answer: one line in the log, not an internal error's traceback.
        log.info("upload abandoned: the client disconnected after %s", human_bytes(writer.size))
        raise ApiError(400, "client_disconnected", "the client disconnected mid-upload") from None
    if not part.found:
        raise ApiError(422, "invalid_request", f"no {FIELD!r} field in the form")
    if writer.size == 0:
        raise ApiError(422, "empty_upload", "the uploaded file is empty")


def _check(writer: UploadWriter, max_seconds: float = float("inf")) -> dict[str, Any]:
    """Probe (video) or parse (play-by-play) the finished upload; its facts for the answer."""
    name = writer.filename or "the upload"
    if writer.kind == "pbp":
        try:
            game = load_pbp(writer.path)
        except PbpError as exc:
            raise ApiError(422, "pbp", f"{name}: {exc.message}") from None
        return {"plays": len(game.plays)}
    try:
        info = probe(writer.path, keyframes=False)
    except MediaError as exc:
        message = exc.message.replace(str(writer.path), name)
        raise ApiError(415, "unsupported_media_type", f"not a usable video: {message}") from None
    if info.duration > max_seconds:
        raise ApiError(
            413,
            "video_too_long",
            f"{name} is {info.duration / 3600:.1f} h long, over the limit of "
            f"{max_seconds / 3600:.1f} h (CUTUPS_MAX_VIDEO_SECONDS)",
        )
    return {
        "duration": round(info.duration, 3),
        "width": info.video.width,
        "height": info.video.height,
        "fps": float(info.video.frame_rate),
        "has_audio": info.has_audio,
        "format": info.format_name,
    }


def _is_json(request: Request) -> bool:
    kind, _ = parse_options_header(request.headers.get("content-type", ""))
    return bool(kind == b"application/json")


async def _small_body(request: Request) -> bytes:
    """The JSON body of a direct-upload request, refused past a few KB (the route's own body
    limit is the upload limit, meant for files)."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > _DIRECT_BODY_LIMIT:
            raise TooLargeError(f"a direct-upload request is at most {_DIRECT_BODY_LIMIT} bytes")
    return body


async def _direct(request: Request, svc: Service) -> DirectUploadPublic:
    """Announce a direct upload: its id and presigned PUT URL."""
    try:
        body = DirectUploadCreate.model_validate_json(await _small_body(request))
    except ValidationError as exc:
        raise RequestValidationError(exc.errors(include_url=False)) from None
    bucket = svc.bucket_uploads
    if bucket is None:
        raise ApiError(
            422,
            "direct_upload_unavailable",
            "direct uploads need S3 storage (CUTUPS_STORAGE_BACKEND=s3); send the file as "
            f"multipart/form-data in the field {FIELD!r}",
        )
    if body.size is not None and body.size > bucket.max_bytes:
        raise TooLargeError(f"upload is {body.size} bytes, over the limit of {bucket.max_bytes}")
    try:
        made = await run_in_threadpool(bucket.begin, body.filename)
    except ExternalServiceError as exc:
        raise ApiError(503, "storage_unavailable", exc.message) from None
    return DirectUploadPublic(
        upload_id=made.upload_id,
        kind="video",
        filename=made.filename,
        upload_url=made.upload_url,
        expires_in=bucket.url_seconds,
        expires_at=made.expires_at,
        max_bytes=made.max_bytes,
    )


async def _share(svc: Service, upload_id: str, filename: str, writer: UploadWriter) -> None:
    """Distributed mode with S3: copy a video upload to the bucket, where any worker reads it
    (they need not share this server's disk)."""
    bucket = svc.bucket_uploads
    if bucket is None or not svc.settings.distributed or writer.kind != "video":
        return
    try:
        await run_in_threadpool(bucket.adopt, upload_id, filename, writer.path)
    except ExternalServiceError as exc:
        raise ApiError(503, "storage_unavailable", exc.message) from None


@router.post(
    "/upload",
    status_code=201,
    response_model=UploadPublic | DirectUploadPublic,
    openapi_extra=_OPENAPI,
    responses={
        413: {"description": "over the size limit"},
        415: {"description": "not a video"},
        503: {"description": "direct upload: the object store failed"},
        507: {"description": "not enough disk"},
    },
)
async def upload(
    request: Request,
    svc: ServiceDep,
    kind: Annotated[Literal["video", "pbp"], Query(description="video, or play-by-play")] = "video",
) -> UploadPublic | DirectUploadPublic:
    """Upload a file (multipart field ``file``) to use as ``upload_id`` / ``pbp_upload_id``;
    or, with S3 and a JSON body, get a presigned URL to PUT the video straight to the bucket."""
    if _is_json(request):
        if kind != "video":
            raise ApiError(422, "invalid_request", "direct uploads are for videos only")
        return await _direct(request, svc)
    settings = svc.settings
    limit = (
        settings.max_upload_bytes
        if kind == "video"
        else min(settings.max_upload_bytes, MAX_INPUT_BYTES)
    )
    declared = request.headers.get("content-length", "")
    length = int(declared) if declared.isdigit() else 0
    if length > limit + MULTIPART_OVERHEAD:
        raise TooLargeError(f"upload is {length} bytes, over the limit of {limit} bytes")
    ensure_free(svc.uploads.root, length, settings.min_free_bytes)
    writer = svc.uploads.begin(kind, max_bytes=limit, reserve=settings.min_free_bytes)
    try:
        await _receive(request, writer)
        writer.close_file()
        media = await run_in_threadpool(_check, writer, settings.max_video_seconds)
        info = writer.commit(media)
        await _share(svc, info.upload_id, info.filename, writer)
    except BaseException:
        writer.abort()
        raise
    return UploadPublic(
        upload_id=info.upload_id,
        kind=info.kind,
        filename=info.filename,
        size=info.size,
        media=info.media,
    )
