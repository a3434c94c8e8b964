"""``/ai-clipping/jobs``: the seed's clipping-worker API (seed ``003``) as a thin adapter.

======================================  ==========================================================
``POST /ai-clipping/jobs``               a shorts job from the seed's body (202); the same
                                         ``external_job_id`` again answers the same job (200)
``GET /ai-clipping/jobs/{id}``           status, progress_percent, current_stage,
                                         current_message; ``output`` once completed
``GET /ai-clipping/jobs?status=&limit=`` shorts jobs, newest first (without ``output``)
``DELETE /ai-clipping/jobs/{id}``        cancel (409 once it completed or failed)
``GET /ai-clipping/jobs/{id}/F``         ``transcript.json`` or ``plan.json``
======================================  ==========================================================

Jobs are ordinary jobs (``recipe: "shorts"``): ``/jobs/{id}`` shows them too, and the web page.
Clip, transcript and plan links (``s3_url``, ``transcript_url``, ``plan_url``) are the API's
URLs (signed when the server wants an API key), or presigned S3 URLs with S3 storage. The
mapping of names and statuses is :mod:`cutups.api.clipping`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, RedirectResponse

from cutups.api.clipping import (
    PROCESSING,
    ClippingAccepted,
    ClippingJob,
    ClippingJobCreate,
    ClippingJobs,
    SeedStatus,
    clipping_job,
    options_errors,
    seed_status,
    shorts_request,
)
from cutups.api.deps import BaseUrl, ServiceDep, job_or_404
from cutups.api.errors import ApiError
from cutups.api.routes.jobs import cancel_job, validate_submission
from cutups.api.signed_links import signed_query, valid_signature
from cutups.jobs.models import Job, JobStatus
from cutups.jobs.service import Service
from cutups.settings import Settings
from cutups.storage.artifacts import ArtifactStore
from cutups.storage.s3 import S3Artifacts

__all__ = ["links_router", "output_links", "router"]

router = APIRouter(prefix="/ai-clipping/jobs", tags=["ai-clipping"])
links_router = APIRouter(prefix="/ai-clipping/links", tags=["ai-clipping"])
"""Signed links (no API key needed): include without the key dependency."""

_FILES = ("transcript.json", "plan.json")
_LINKED = re.compile(r"clips/[A-Za-z0-9_-]{1,64}\.mp4|transcript\.json|plan\.json")  # fullmatch
_PAGE = 200
_DEFAULT_MINUTES = 5
_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"description": "no such shorts job"},
    401: {"description": "API key missing or wrong"},
}


def _shorts_job(svc: Service, job_id: str) -> Job:
    job = job_or_404(svc, job_id)
    if job.request.get("recipe") != "shorts":
        raise ApiError(404, "not_found", f"job {job_id!r} is not an ai-clipping (shorts) job")
    return job


def _link(svc: Service, job: Job, base: str) -> Callable[[str], str]:
    return output_links(svc.artifacts, svc.settings, job.id, base)


def output_links(
    store: ArtifactStore, settings: Settings, job_id: str, base: str
) -> Callable[[str], str]:
    """``name`` (``clips/short-01.mp4``, ``transcript.json``, ``plan.json``) → a URL that
    fetches it with no header: presigned with S3 storage (every one of them is uploaded beside
    the clips), signed (:mod:`~cutups.api.signed_links`) when the server wants an API key, else
    the API's own."""

    def link(name: str) -> str:
        if isinstance(store, S3Artifacts):
            return store.presign(job_id, name)
        if settings.api_keys:
            query = signed_query(settings.api_keys, job_id, name, settings.s3_presign_seconds)
            return f"{base}/ai-clipping/links/{job_id}/{name}{query}"
        if name.startswith("clips/"):
            return f"{base}/jobs/{job_id}/clips/{PurePosixPath(name).stem}"
        return f"{base}/ai-clipping/jobs/{job_id}/{name}"

    return link


def _manifest(svc: Service, job: Job) -> dict[str, Any] | None:
    """The completed job's manifest, from this server's disk or from S3."""
    path = svc.layout.out_dir(job.id) / "manifest.json"
    store = svc.artifacts
    if not path.is_file() and not (
        isinstance(store, S3Artifacts) and store.download(job.id, "manifest.json", path)
    ):
        return None
    manifest: dict[str, Any] = json.loads(path.read_text())
    return manifest


def _estimate_minutes(svc: Service) -> int:
    """Minutes a job takes here: the mean of the last completed shorts jobs, times the jobs
    queued ahead per worker plus one (5 minutes a job before any has run)."""
    done = [
        j.finished_at - j.started_at
        for j in svc.store.list(status=JobStatus.COMPLETED, limit=50)
        if j.request.get("recipe") == "shorts" and j.started_at and j.finished_at
    ][:10]
    per_job = sum(done) / len(done) / 60 if done else _DEFAULT_MINUTES
    ahead = svc.store.queue_depth() / max(1, svc.workers)
    return max(1, round(per_job * (1 + ahead)))


@router.post(
    "",
    status_code=202,
    response_model=ClippingAccepted,
    responses={
        200: {"description": "the same external_job_id and body: the existing job"},
        409: {"description": "external_job_id reused with another body"},
        422: {"description": "invalid request; the message names the fields"},
        429: {"description": "queue full; see Retry-After"},
    },
)
def submit(body: ClippingJobCreate, response: Response, svc: ServiceDep) -> ClippingAccepted:
    """Submit a video to cut into shorts (the seed's body). Answers 202."""
    bad = options_errors(body.options())
    if bad:
        where = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in bad)
        raise ApiError(422, "invalid_request", where)
    request = shorts_request(body)
    validate_submission(svc, request)
    key = f"ai-clipping:{body.external_job_id}" if body.external_job_id else None
    job, created = svc.submit(request, idempotency_key=key)
    response.status_code = 202 if created else 200
    return ClippingAccepted(
        job_id=job.id,
        status=seed_status(job),
        message="Job queued for processing" if created else "Job already submitted",
        estimated_processing_minutes=_estimate_minutes(svc),
    )


def _matching(svc: Service, status: SeedStatus | None, limit: int) -> list[Job]:
    """Shorts jobs with the seed's ``status``, newest first, scanning the store page by page."""
    stored = {"accepted": JobStatus.QUEUED, **{s: JobStatus.PROCESSING for s in PROCESSING}}
    wanted = JobStatus(stored.get(status, status)) if status else None
    found: list[Job] = []
    offset = 0
    while len(found) < limit:
        page = svc.store.list(status=wanted, limit=_PAGE, offset=offset)
        found += [
            j
            for j in page
            if j.request.get("recipe") == "shorts" and (status is None or seed_status(j) == status)
        ]
        if len(page) < _PAGE:
            break
        offset += _PAGE
    return found[:limit]


@router.get("", response_model=ClippingJobs, response_model_exclude_none=True)
def list_jobs(
    svc: ServiceDep,
    base: BaseUrl,
    status: SeedStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> ClippingJobs:
    """Shorts jobs, newest first, by the seed's status; ``GET /ai-clipping/jobs/{id}`` has
    each one's ``output``."""
    jobs = [clipping_job(j, None, _link(svc, j, base)) for j in _matching(svc, status, limit)]
    return ClippingJobs(jobs=jobs, count=len(jobs))


@router.get(
    "/{job_id}", response_model=ClippingJob, response_model_exclude_none=True, responses=_ERRORS
)
def get_job(job_id: str, svc: ServiceDep, base: BaseUrl) -> ClippingJob:
    """Poll a job: status, progress_percent, current_stage, current_message; ``output`` (the
    clips with working links, transcript and plan URLs) once completed."""
    job = _shorts_job(svc, job_id)
    manifest = _manifest(svc, job) if job.status is JobStatus.COMPLETED else None
    return clipping_job(job, manifest, _link(svc, job, base))


@router.delete(
    "/{job_id}",
    response_model=ClippingJob,
    response_model_exclude_none=True,
    responses={**_ERRORS, 409: {"description": "the job already completed or failed"}},
)
async def cancel(job_id: str, svc: ServiceDep, base: BaseUrl) -> ClippingJob:
    """Cancel a job: a queued one ends at once, a running one within seconds (waited for)."""
    await run_in_threadpool(_shorts_job, svc, job_id)
    await cancel_job(job_id, svc)
    job = await run_in_threadpool(_shorts_job, svc, job_id)
    return clipping_job(job, None, _link(svc, job, base))


@router.get("/{job_id}/{name}", response_class=FileResponse, responses=_ERRORS)
def get_file(job_id: str, name: str, svc: ServiceDep) -> Response:
    """The job's ``transcript.json`` (every word with its times) or ``plan.json``."""
    job = _shorts_job(svc, job_id)
    if name not in _FILES:
        raise ApiError(404, "not_found", f"no file {name!r}; one of: {', '.join(_FILES)}")
    path: Path = svc.layout.out_dir(job.id) / name
    if path.is_file():
        return FileResponse(path, media_type="application/json")
    store = svc.artifacts
    if isinstance(store, S3Artifacts) and store.exists(job.id, name):
        return RedirectResponse(store.presign(job.id, name), status_code=302)
    raise ApiError(404, "not_found", f"the job has no {name} (it is {seed_status(job)})")


@links_router.get(
    "/{job_id}/{name:path}",
    response_class=FileResponse,
    responses={403: {"description": "the signature is wrong or the link expired"}},
)
def signed_file(
    job_id: str,
    name: str,
    svc: ServiceDep,
    expires: Annotated[int, Query(ge=0, le=2**53)],
    signature: Annotated[str, Query(max_length=128)],
) -> FileResponse:
    """A clip, transcript or plan by a signed link from an ``/ai-clipping`` answer: no API key
    needed, until it expires."""
    keys = svc.settings.api_keys
    if not keys or not valid_signature(keys, job_id, name, expires, signature):
        raise ApiError(403, "forbidden", "the link's signature is wrong or it has expired")
    job = _shorts_job(svc, job_id)
    path = svc.layout.out_dir(job.id) / name
    if not _LINKED.fullmatch(name) or not path.is_file():
        raise ApiError(404, "not_found", f"the job has no {name}")
    media = "video/mp4" if name.endswith(".mp4") else "application/json"
    return FileResponse(path, media_type=media)
