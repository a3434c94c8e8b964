"""``/jobs``: submit, list, poll, cancel, and read a job's outputs (also while it runs)."""

from __future__ import annotations

import asyncio
import json
import re
import time
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse

from cutups.api.deps import BaseUrl, ServiceDep, SnapshotsDep
from cutups.api.deps import job_or_404 as _job
from cutups.api.errors import ApiError
from cutups.api.schemas import JobAccepted, JobCreate, JobPublic, JobsPublic, job_public
from cutups.errors import ExternalServiceError, InputError, PbpError, SourceError
from cutups.jobs.models import Job, JobStatus
from cutups.jobs.service import Service
from cutups.jobs.spec import JobSpec
from cutups.pbp.load import load_pbp
from cutups.sources import check_fetchable
from cutups.sources.ssrf import check_url
from cutups.storage.uploads import TooLargeError

__all__ = ["router", "validate_submission"]

router = APIRouter(prefix="/jobs", tags=["jobs"])

_CLIP_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")  # used with fullmatch
_FILES = {
    "reel.mp4": "video/mp4",
    "report.html": "text/html",
    "manifest.json": "application/json",
    "job.zip": "application/zip",
}
_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"description": "no such job"},
    401: {"description": "API key missing or wrong"},
}


def validate_submission(svc: Service, request: dict[str, Any]) -> None:
    """Everything about a submission that can be checked before queuing it (422 otherwise)."""
    settings = svc.settings
    spec = JobSpec.from_request(request)
    spec.check(settings)
    allow = settings.allow_private_urls
    if spec.source_kind == "upload_id":
        _check_upload(svc, spec.source)
    else:
        what = "presigned URL" if spec.source_kind == "presigned_url" else "video URL"
        check_url(spec.source, allow_private=allow, what=what, require_resolution=False)
        check_fetchable(spec.source)
    if spec.webhook_url:
        check_url(
            spec.webhook_url, allow_private=allow, what="webhook URL", require_resolution=False
        )
    if spec.pbp is not None:
        try:
            load_pbp(spec.pbp)  # validates the file; clock semantics are settled when aligning
        except PbpError as exc:
            raise PbpError(f"pbp (inline play-by-play): {exc.message}") from None
    if spec.pbp_upload_id and svc.uploads.path(spec.pbp_upload_id) is None:
        raise InputError(f"pbp_upload_id {spec.pbp_upload_id!r} is not an upload on this server")


def _check_upload(svc: Service, upload_id: str) -> None:
    """The video upload exists: on this server, or sent straight to the bucket (S3)."""
    info = svc.uploads.info(upload_id)
    if info is not None and info.kind == "video":
        return
    bucket = svc.bucket_uploads
    if info is None and bucket is not None:
        try:
            info = bucket.info(upload_id)
            announced = info is not None or bucket.announced(upload_id)
        except ExternalServiceError as exc:
            raise ApiError(503, "storage_unavailable", exc.message) from None
        if info is None and announced:
            raise SourceError(
                f"upload_id {upload_id!r} has no file yet: PUT it to its upload_url first"
            )
        if info is not None and info.size > bucket.max_bytes:
            raise TooLargeError(
                f"upload {upload_id!r} is {info.size} bytes, over the limit of {bucket.max_bytes}"
            )
        if info is not None and info.size > 0:
            return
    raise SourceError(f"upload_id {upload_id!r} is not a video upload on this server")


@router.post(
    "",
    status_code=202,
    response_model=JobAccepted,
    responses={
        200: {"description": "the same Idempotency-Key and body: the existing job"},
        409: {"description": "Idempotency-Key reused with another body"},
        422: {"description": "invalid request"},
        429: {"description": "queue full; see Retry-After"},
    },
)
def create_job(
    body: JobCreate,
    response: Response,
    svc: ServiceDep,
    base: BaseUrl,
    idempotency_key: Annotated[str | None, Header(max_length=255)] = None,
) -> JobAccepted:
    """Submit a job: exactly one of video_url, upload_id, presigned_url. Answers 202."""
    request = body.model_dump(mode="json", exclude_none=True)
    validate_submission(svc, request)
    job, created = svc.submit(request, idempotency_key=idempotency_key)
    response.status_code = 202 if created else 200
    response.headers["Location"] = f"{base}/jobs/{job.id}"
    return JobAccepted(job_id=job.id, status=job.status.value)


@router.get("", response_model=JobsPublic)
def list_jobs(
    svc: ServiceDep,
    base: BaseUrl,
    status: JobStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=2**53)] = 0,
) -> JobsPublic:
    """Jobs, newest first; filter by status, page with limit/offset (see next_offset)."""
    jobs = svc.store.list(status=status, limit=limit, offset=offset)
    count = svc.store.count(status=status)
    more = offset + len(jobs) < count
    return JobsPublic(
        data=[job_public(j, base) for j in jobs],
        count=count,
        limit=limit,
        offset=offset,
        next_offset=offset + len(jobs) if more else None,
    )


@router.get("/{job_id}", response_model=JobPublic, responses=_ERRORS)
async def get_job(job_id: str, snapshots: SnapshotsDep, base: BaseUrl) -> Response:
    """Poll a job: status, stage, pct, eta_sec, detail, progress, error, result."""
    # Every client's hot path: answered from the job's snapshot (cutups.api.snapshots), its
    # JSON made once per change instead of validated again against response_model.
    body = await snapshots.body(job_id, base)
    if body is None:
        raise ApiError(404, "not_found", f"no job {job_id!r}")
    return Response(body, media_type="application/json")


@router.post("/{job_id}/cancel", response_model=JobAccepted, responses=_ERRORS)
async def cancel_job(job_id: str, svc: ServiceDep) -> JobAccepted:
    """Cancel: a queued job ends at once; a running one stops within seconds (waited for)."""
    job = await run_in_threadpool(_job, svc, job_id)
    if job.status in (JobStatus.COMPLETED, JobStatus.FAILED):
        raise ApiError(409, "already_finished", f"the job has already {job.status.value}")
    await run_in_threadpool(svc.cancel, job_id)
    deadline = time.monotonic() + 10.0
    while True:
        job = await run_in_threadpool(_job, svc, job_id)
        if job.terminal or time.monotonic() > deadline:
            return JobAccepted(job_id=job.id, status=job.status.value)
        await asyncio.sleep(0.1)


def _out(svc: Service, job: Job) -> Path:
    return svc.layout.out_dir(job.id)


def _s3_redirect(
    svc: Service, job: Job, name: str, *, download_as: str | None = None
) -> RedirectResponse | None:
    """With S3 storage: a 302 to a presigned URL made now, if the object is there."""
    from cutups.storage.s3 import S3Artifacts

    store = svc.artifacts
    if not isinstance(store, S3Artifacts) or not store.exists(job.id, name):
        return None
    url = store.presign(job.id, name, download_as=download_as)
    return RedirectResponse(url, status_code=302, headers={"Cache-Control": "no-store"})


@router.get("/{job_id}/manifest", responses=_ERRORS)
def get_manifest(job_id: str, svc: ServiceDep, base: BaseUrl) -> Response:
    """The manifest as it stands: while the job runs it lists the clips cut so far.

    With S3 storage, a completed job's manifest is a 302 to a fresh presigned URL."""
    job = _job(svc, job_id)
    if job.status is JobStatus.COMPLETED and (moved := _s3_redirect(svc, job, "manifest.json")):
        return moved
    path = _out(svc, job) / "manifest.json"
    try:
        manifest = json.loads(path.read_text())
    except (OSError, ValueError):
        if job.terminal:
            raise ApiError(404, "no_manifest", f"the job {job.status.value}: no manifest") from None
        raise ApiError(
            409,
            "not_ready",
            "no manifest yet: the job has not planned its clips",
            headers={"Retry-After": "5"},
        ) from None
    for clip in manifest.get("clips", ()):
        clip["url"] = f"{base}/jobs/{job.id}/clips/{clip['id']}"
        clip["thumb_url"] = f"{base}/jobs/{job.id}/thumbs/{clip['id']}"
    return JSONResponse(manifest, headers={"Cache-Control": "no-store"})


@router.get("/{job_id}/download", response_class=FileResponse, responses=_ERRORS)
def download(job_id: str, svc: ServiceDep) -> Response:
    """The ZIP (manifest, clips, thumbnails, reel, report); 409 until the job completes.

    With S3 storage: a 302 to a presigned URL, made fresh on every request (links never expire).
    """
    job = _job(svc, job_id)
    if job.status is JobStatus.COMPLETED and (
        moved := _s3_redirect(svc, job, "job.zip", download_as=f"cutups-{job.id}.zip")
    ):
        return moved
    path = _out(svc, job) / "job.zip"
    if job.status is not JobStatus.COMPLETED or not path.is_file():
        raise ApiError(
            409,
            "not_ready",
            f"the archive exists once the job completes (it is {job.status.value})",
        )
    return FileResponse(path, media_type="application/zip", filename=f"cutups-{job.id}.zip")


def _clip_asset(
    svc: Service, job_id: str, clip_id: str, folder: str, suffix: str, media_type: str
) -> Response:
    """A finished clip's file in ``folder`` (with S3 storage, a 302 to a presigned URL)."""
    if _CLIP_ID.fullmatch(clip_id) and (
        moved := _s3_redirect(svc, _job(svc, job_id), f"{folder}/{clip_id}{suffix}")
    ):
        return moved
    job = _job(svc, job_id)
    clips = _out(svc, job) / "clips"
    path = _out(svc, job) / folder / f"{clip_id}{suffix}"
    # The pipeline writes clips/.<id>.done.json once a clip and its thumbnail are finished.
    if not _CLIP_ID.fullmatch(clip_id) or not (clips / f".{clip_id}.done.json").is_file():
        raise ApiError(404, "not_found", f"clip {clip_id!r} is not cut (yet)")
    if not path.is_file():
        raise ApiError(404, "not_found", f"clip {clip_id!r} has no {folder[:-1]}")
    return FileResponse(path, media_type=media_type)


@router.get("/{job_id}/clips/{clip_id}", response_class=FileResponse, responses=_ERRORS)
def get_clip(job_id: str, clip_id: str, svc: ServiceDep) -> Response:
    """One clip (MP4, with HTTP Range), as soon as it is cut; 404 before (S3: a 302)."""
    return _clip_asset(svc, job_id, clip_id, "clips", ".mp4", "video/mp4")


@router.get("/{job_id}/thumbs/{clip_id}", response_class=FileResponse, responses=_ERRORS)
def get_thumb(job_id: str, clip_id: str, svc: ServiceDep) -> Response:
    """One clip's thumbnail (JPEG); with S3 storage, a 302 to a presigned URL."""
    return _clip_asset(svc, job_id, clip_id, "thumbs", ".jpg", "image/jpeg")


@router.get("/{job_id}/files/{name}", response_class=FileResponse, responses=_ERRORS)
def get_file(job_id: str, name: str, svc: ServiceDep) -> FileResponse:
    """A finished job's other outputs: reel.mp4, report.html, manifest.json, job.zip."""
    job = _job(svc, job_id)
    path = _out(svc, job) / name
    if name not in _FILES:
        raise ApiError(404, "not_found", f"no output called {name!r}")
    if job.status is not JobStatus.COMPLETED or not path.is_file():
        raise ApiError(409, "not_ready", f"{name} exists once the job completes")
    return FileResponse(path, media_type=_FILES[name])
