"""Request and response bodies (the seed's contract, plus ours), documented for OpenAPI."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from cutups.jobs.models import Job
from cutups.jobs.spec import SOURCE_FIELDS
from cutups.jobs.webhooks import absolute

__all__ = [
    "CfbdRequest",
    "JobAccepted",
    "JobCreate",
    "JobOptions",
    "JobPublic",
    "JobsPublic",
    "UploadPublic",
    "job_public",
]

Bucket = Literal["team_offense", "opp_offense", "special_teams"]


class CfbdRequest(BaseModel):
    """Fetch the game's play-by-play from CollegeFootballData (needs CUTUPS_CFBD_API_KEY)."""

    model_config = ConfigDict(extra="ignore")

    use_cfbd: bool = False
    game_id: int | str | None = Field(None, description="CFBD game id (preferred)")
    season: int | None = Field(None, ge=1869, le=2100)
    week: int | None = Field(None, ge=0, le=30)
    team: str | None = Field(None, max_length=100)
    season_type: Literal["regular", "postseason", "both"] = "regular"


class JobOptions(BaseModel):
    """How to cut. Unset values take the server's defaults (CUTUPS_PLAY_*)."""

    model_config = ConfigDict(extra="ignore")

    play_padding_pre: float | None = Field(None, ge=0, le=30, description="seconds before the snap")
    play_padding_post: float | None = Field(
        None, ge=0, le=30, description="seconds after the whistle"
    )
    min_duration: float | None = Field(None, gt=0, le=120, description="shortest clip, seconds")
    max_duration: float | None = Field(None, gt=0, le=600, description="longest clip, seconds")
    scene_thresh: float | None = Field(
        None, ge=0, le=1, description="accepted for compatibility with the seed; recorded, unused"
    )
    team: str | None = Field(None, max_length=100, description="whose offense is team_offense")
    only: list[Bucket] = Field(default_factory=list, description="keep only these buckets")
    cfbd: CfbdRequest | None = None


class JobCreate(BaseModel):
    """A job: exactly one video source, optional webhook, options and play-by-play."""

    model_config = ConfigDict(extra="ignore")

    video_url: str | None = Field(None, max_length=8192, description="http(s), YouTube, Drive...")
    upload_id: str | None = Field(None, max_length=64, description="from POST /upload")
    presigned_url: str | None = Field(None, max_length=8192, description="S3-style presigned GET")
    webhook_url: str | None = Field(None, max_length=2048)
    options: JobOptions = Field(default_factory=JobOptions)
    cfbd: CfbdRequest | None = Field(None, description="the seed's top-level form of options.cfbd")
    pbp: list[Any] | dict[str, Any] | None = Field(
        None, description="play-by-play inline: CFBD /plays JSON or an ESPN summary"
    )
    pbp_upload_id: str | None = Field(None, max_length=64, description="POST /upload?kind=pbp")

    @model_validator(mode="after")
    def _one_source(self) -> JobCreate:
        given = [name for name in SOURCE_FIELDS if getattr(self, name)]
        if len(given) != 1:
            got = "none" if not given else " and ".join(given)
            raise ValueError(
                f"give exactly one video source: video_url, upload_id or presigned_url (got {got})"
            )
        if self.pbp is not None and self.pbp_upload_id:
            raise ValueError("give play-by-play either inline (pbp) or as pbp_upload_id, not both")
        return self


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
    options: dict[str, Any]
    checkpoints: dict[str, Any]
    """Finished stages a resumed attempt starts from (server paths left out)."""
    webhooks: WebhookLog | None
    links: dict[str, str]


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
        options=dict(job.request.get("options") or {}),
        checkpoints={
            name: {k: v for k, v in dict(data).items() if k != "path"}
            for name, data in job.checkpoints.items()
        },
        webhooks=webhooks,
        links=links,
    )
