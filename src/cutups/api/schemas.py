"""Request and response bodies (the seed's contract, plus ours), documented for OpenAPI."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from cutups.jobs.models import Job
from cutups.jobs.spec import SOURCE_FIELDS
from cutups.jobs.webhooks import absolute

__all__ = [
    "DirectUploadCreate",
    "DirectUploadPublic",
    "JobAccepted",
    "JobCreate",
    "JobPublic",
    "JobsPublic",
    "RecipePublic",
    "UploadPublic",
    "job_public",
]


class JobCreate(BaseModel):
    """A job: a recipe, exactly one video source, optional webhook, options and play-by-play.

    ``options`` are the recipe's own (``GET /recipes`` lists each recipe's JSON schema); for
    ``plays`` they are the seed's names. Exactly one source, the recipe and its options are
    checked by :meth:`cutups.jobs.spec.JobSpec.from_request` (422 naming what is wrong).
    Unknown fields are refused (422 naming them): a misspelt field would otherwise run a job
    that ignores it. Every field of the seed's contract has its own name here.
    """

    model_config = ConfigDict(extra="forbid")

    recipe: str = Field("plays", max_length=64, description="a recipe name (GET /recipes)")
    video_url: str | None = Field(None, max_length=8192, description="http(s), YouTube, Drive...")
    upload_id: str | None = Field(None, max_length=64, description="from POST /upload")
    presigned_url: str | None = Field(None, max_length=8192, description="S3-style presigned GET")
    webhook_url: str | None = Field(None, max_length=2048)
    options: dict[str, Any] = Field(
        default_factory=dict, description="the recipe's options (see GET /recipes)"
    )
    cfbd: dict[str, Any] | None = Field(
        None, description="the seed's top-level form of options.cfbd (plays)"
    )
    pbp: list[Any] | dict[str, Any] | None = Field(
        None, description="play-by-play inline: CFBD /plays JSON or an ESPN summary"
    )
    pbp_upload_id: str | None = Field(None, max_length=64, description="POST /upload?kind=pbp")

    @model_validator(mode="after")
    def _one_pbp(self) -> JobCreate:
        if self.pbp is not None and self.pbp_upload_id:
            raise ValueError("give play-by-play either inline (pbp) or as pbp_upload_id, not both")
        return self


class RecipePublic(BaseModel):
    """A recipe the service runs, with the JSON schema of its ``options``."""

    name: str
    title: str
    uses_pbp: bool
    options_schema: dict[str, Any]


class JobAccepted(BaseModel):
    job_id: str
    status: str


class WebhookLog(BaseModel):
    state: str | None
    deliveries: list[dict[str, Any]]


class JobPublic(BaseModel):
    """A job as ``GET /jobs/{id}`` shows it (the seed's fields first)."""

    job_id: str
    status: Literal["queued", "processing", "completed", "failed", "canceled"]
    stage: str | None
    pct: float
    eta_sec: float | None
    detail: str
    progress: dict[str, Any]
    error: str | None
    error_code: str | None = None
    result: dict[str, Any] | None
    created: float
    last_heartbeat_at: float | None
    updated: float
    started_at: float | None
    finished_at: float | None
    attempts: int
    cancel_requested: bool
    source: dict[str, str]
    recipe: str = "plays"
    """The recipe the job runs (``GET /recipes``)."""
    options: dict[str, Any]
    checkpoints: dict[str, Any]
    """Finished stages a resumed attempt starts from (server paths left out)."""
    webhooks: WebhookLog | None
    links: dict[str, str]
    warnings: list[dict[str, str]] = []
    """What made the result worse than it could be, each with what it costs (see manifest)."""


class JobsPublic(BaseModel):
    data: list[JobPublic]
    count: int
    limit: int
    offset: int
    next_offset: int | None


class UploadPublic(BaseModel):
    upload_id: str
    kind: Literal["video", "pbp"]
    filename: str
    size: int
    media: dict[str, Any]


class DirectUploadCreate(BaseModel):
    """``POST /upload`` with a JSON body (S3 only): ask for a URL to upload straight to the
    bucket instead of sending the file to the server."""

    model_config = ConfigDict(extra="forbid")

    filename: str = Field("", max_length=255)
    kind: Literal["video"] = "video"
    """Direct uploads are videos; play-by-play is small enough for the multipart form."""
    size: int | None = Field(None, ge=1)
    """The file's size, if known: refused at once when over the limit."""


class DirectUploadPublic(BaseModel):
    """Where to ``PUT`` the file (the raw bytes as the body), and until when."""

    upload_id: str
    kind: Literal["video"]
    filename: str
    upload_url: str
    method: Literal["PUT"] = "PUT"
    expires_in: int
    """Seconds the URL works (``CUTUPS_S3_UPLOAD_URL_SECONDS``, one hour by default)."""
    expires_at: float
    max_bytes: int


def job_public(job: Job, base_url: str) -> JobPublic:
    """The public view of a job; result URLs made absolute with ``base_url``."""
    result = None
    if job.result is not None:
        result = {k: absolute(base_url, v) for k, v in job.result.items()}
    kind = next((k for k in SOURCE_FIELDS if job.request.get(k)), "video_url")
    links = {
        "self": f"{base_url}/jobs/{job.id}",
        "events": f"{base_url}/jobs/{job.id}/events",
        "manifest": f"{base_url}/jobs/{job.id}/manifest",
        "cancel": f"{base_url}/jobs/{job.id}/cancel",
    }
    webhooks = None
    if job.webhook_url:
        webhooks = WebhookLog(state=job.webhook_state, deliveries=[dict(w) for w in job.webhooks])
    return JobPublic(
        job_id=job.id,
        status=job.status.value,
        stage=job.stage.value if job.stage else None,
        pct=round(job.pct, 2),
        eta_sec=job.eta_sec,
        detail=job.detail,
        progress=dict(job.progress),
        error=job.error,
        error_code=job.error_code,
        result=result,
        created=job.created,
        last_heartbeat_at=job.last_heartbeat_at,
        updated=job.updated,
        started_at=job.started_at,
        finished_at=job.finished_at,
        attempts=job.attempts,
        cancel_requested=job.cancel_requested,
        source={"kind": kind, "value": str(job.request.get(kind, ""))},
        recipe=str(job.request.get("recipe") or "plays"),
        options=dict(job.request.get("options") or {}),
        checkpoints={
            name: {k: v for k, v in dict(data).items() if k != "path"}
            for name, data in job.checkpoints.items()
        },
        webhooks=webhooks,
        links=links,
        warnings=list((job.result or {}).get("warnings") or ()),
    )
