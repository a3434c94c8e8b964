"""The seed's ``/ai-clipping`` contract (seed ``003``) over Cutups' jobs: bodies and mapping.

The seed's clipping worker took ``POST /ai-clipping/jobs`` and answered polls with its own
names. Here a submission becomes an ordinary job (``recipe: "shorts"``) whose options are
:class:`~cutups.recipes.shorts.options.ShortsOptions`; a job is shown back in the seed's shape.
Everything in this module is pure (a job and its manifest in, the seed's answer out); the
routes live in :mod:`cutups.api.routes.ai_clipping`.

Names, the seed's on the left::

    max_clips         max_clips            duration_ranges   durations
    target_platform   platform             include_captions  captions
    caption_style     caption_style        (Cutups' extras: layout, keywords)

Status and ``current_stage`` follow the seed's pipeline stages::

    accepted → downloading → transcribing → planning → detecting → rendering → uploading
             → completed | failed | canceled

``virality_score`` is 0-1 as in the seed (the manifest's is 0-100); ``layout_type`` is the
seed's ``talking_head`` (Cutups' ``focus``) or ``screen_share`` (``stack``), and ``static``
when no face was found (a layout the seed did not have).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import PurePosixPath
from typing import Any, Literal
from urllib.parse import unquote, urlparse

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from cutups.jobs.models import Job, JobStatus, Stage
from cutups.recipes.shorts.options import ShortsOptions

__all__ = [
    "CUTUPS_NAMES",
    "PROCESSING",
    "SEED_STATUSES",
    "ClipOutput",
    "ClippingAccepted",
    "ClippingJob",
    "ClippingJobCreate",
    "ClippingJobs",
    "ClippingOutput",
    "SeedStatus",
    "clipping_job",
    "options_errors",
    "seed_status",
    "shorts_request",
    "source_title",
]

SeedStatus = Literal[
    "accepted",
    "downloading",
    "transcribing",
    "planning",
    "detecting",
    "rendering",
    "uploading",
    "completed",
    "failed",
    "canceled",
]
SEED_STATUSES: tuple[SeedStatus, ...] = (
    "accepted", "downloading", "transcribing", "planning", "detecting", "rendering",
    "uploading", "completed", "failed", "canceled",
)  # fmt: skip
PROCESSING: frozenset[SeedStatus] = frozenset(SEED_STATUSES[1:7])

CUTUPS_NAMES = {
    "max_clips": "max_clips",
    "duration_ranges": "durations",
    "target_platform": "platform",
    "include_captions": "captions",
    "caption_style": "caption_style",
    "layout": "layout",
    "keywords": "keywords",
}
"""The seed's option names → :class:`ShortsOptions`' field names."""
_SEED_NAMES = {cutups: seed for seed, cutups in CUTUPS_NAMES.items()}

_ENDED: dict[JobStatus, SeedStatus] = {
    JobStatus.COMPLETED: "completed",
    JobStatus.FAILED: "failed",
    JobStatus.CANCELED: "canceled",
}
_STAGES: dict[Stage, SeedStatus] = {
    Stage.DETECTING: "detecting",
    Stage.CUTTING: "rendering",
    Stage.PACKAGING: "uploading",
    Stage.COMPLETED: "uploading",
}
_LAYOUT_TYPES = {"focus": "talking_head", "stack": "screen_share", "static": "static"}


class ClippingJobCreate(BaseModel):
    """``POST /ai-clipping/jobs``: the seed's body. Left out, an option takes Cutups' default
    (5 clips, short and medium, tiktok, captions on). Unknown fields are refused (422)."""

    model_config = ConfigDict(extra="forbid")

    video_url: str = Field(..., min_length=1, max_length=8192, description="http(s), YouTube...")
    max_clips: int | None = Field(None, description="at most this many clips (1-50)")
    duration_ranges: list[str] | None = Field(
        None, description="short (15-30 s), medium (30-60 s), long (60-120 s)"
    )
    target_platform: str | None = Field(None, description="tiktok, shorts or reels")
    include_captions: bool | None = Field(None, description="burn word-by-word captions in")
    caption_style: dict[str, Any] | None = Field(
        None, description="the seed's CaptionStyle (font_family or font_name, colours...)"
    )
    external_job_id: str | None = Field(
        None, max_length=255, description="the caller's id; resubmitting it returns the same job"
    )
    owner_user_id: str | None = Field(None, max_length=255)
    layout: str | None = Field(None, description="Cutups: auto, focus, stack or static")
    keywords: list[str] | None = Field(None, description="Cutups: words that score higher")

    def options(self) -> dict[str, Any]:
        """The given options under :class:`ShortsOptions`' names."""
        given = self.model_dump(include=set(CUTUPS_NAMES), exclude_none=True)
        return {CUTUPS_NAMES[name]: value for name, value in given.items()}


def options_errors(options: Mapping[str, Any]) -> list[dict[str, Any]]:
    """What :class:`ShortsOptions` refuses in ``options``, located by the seed's names
    (``[]`` when they are fine)."""
    try:
        ShortsOptions.model_validate(dict(options))
    except ValidationError as exc:
        return [
            {"loc": _seed_loc(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors()
        ]
    return []


def _seed_loc(loc: tuple[int | str, ...]) -> list[int | str]:
    """A ShortsOptions error location under the seed's names (``durations.0`` →
    ``duration_ranges.0``)."""
    if not loc:
        return ["options"]
    return [_SEED_NAMES.get(str(loc[0]), str(loc[0])), *loc[1:]]


def shorts_request(body: ClippingJobCreate) -> dict[str, Any]:
    """The job request (as ``POST /jobs`` stores it) for a seed submission."""
    request: dict[str, Any] = {
        "recipe": "shorts",
        "video_url": body.video_url,
        "options": body.options(),
    }
    client = body.model_dump(include={"external_job_id", "owner_user_id"}, exclude_none=True)
    if client:
        request["ai_clipping"] = client
    return request


class ClippingAccepted(BaseModel):
    job_id: str
    status: SeedStatus
    message: str
    estimated_processing_minutes: int


class ClipOutput(BaseModel):
    """One clip in the seed's names (``s3_url``: a working link, local or presigned S3)."""

    clip_index: int
    s3_url: str
    duration_ms: int
    start_time_ms: int
    end_time_ms: int
    virality_score: float
    """0-1."""
    layout_type: str
    summary: str
    tags: list[str]
    title: str = ""
    reasons: list[str] = []


class ClippingOutput(BaseModel):
    job_id: str
    source_video_title: str
    total_clips: int
    clips: list[ClipOutput]
    transcript_url: str
    plan_url: str
    processing_time_seconds: float | None


class ClippingJob(BaseModel):
    """``GET /ai-clipping/jobs/{id}``: the seed's fields, then a few of Cutups'."""

    job_id: str
    status: SeedStatus
    progress_percent: int
    current_stage: SeedStatus
    current_message: str
    output: ClippingOutput | None = None
    error: str | None = None
    error_code: str | None = None
    external_job_id: str | None = None
    owner_user_id: str | None = None
    created_at: float
    warnings: list[dict[str, str]] = []


class ClippingJobs(BaseModel):
    jobs: list[ClippingJob]
    count: int


def seed_status(job: Job) -> SeedStatus:
    """The seed's status (and stage name) of a job."""
    if job.status is JobStatus.QUEUED:
        return "accepted"
    if job.status is not JobStatus.PROCESSING:
        return _ENDED[job.status]
    if job.stage is Stage.ANALYSING:
        # The shorts recipe's analyse step transcribes, plans, then looks for faces.
        if job.detail.startswith("faces"):
            return "detecting"
        return "planning" if job.detail.startswith("planning") else "transcribing"
    return _STAGES.get(job.stage, "downloading") if job.stage else "downloading"


def _message(job: Job, status: SeedStatus) -> str:
    planned, done = job.progress.get("clips_planned"), job.progress.get("clips_done", 0)
    if status == "rendering" and isinstance(planned, int) and planned:
        return f"Rendering clip {min(int(done) + 1, planned)} of {planned}"
    if status == "accepted":
        return "Job queued for processing"
    if status == "completed":
        return "Job completed"
    return job.error or job.detail or status.capitalize()


def source_title(request: Mapping[str, Any]) -> str:
    """A title for the source: its file name without the extension (the seed used yt-dlp's)."""
    url = str(request.get("video_url") or "")
    name = PurePosixPath(unquote(urlparse(url).path)).stem
    return name or url


def clipping_job(
    job: Job, manifest: Mapping[str, Any] | None, link: Callable[[str], str]
) -> ClippingJob:
    """A job in the seed's shape; ``output`` from its manifest once it completed.

    ``link(name)`` is a working URL of the job's output file ``name`` (``clips/x.mp4``,
    ``transcript.json``, ``plan.json``).
    """
    status = seed_status(job)
    client = dict(job.request.get("ai_clipping") or {})
    output = None
    if status == "completed" and manifest is not None:
        output = _output(job, manifest, link)
    return ClippingJob(
        job_id=job.id,
        status=status,
        progress_percent=100 if status == "completed" else int(job.pct),
        current_stage=status,
        current_message=_message(job, status),
        output=output,
        error=job.error,
        error_code=job.error_code,
        external_job_id=client.get("external_job_id"),
        owner_user_id=client.get("owner_user_id"),
        created_at=job.created,
        warnings=list((job.result or {}).get("warnings") or ()),
    )


def _clip(clip: Mapping[str, Any], link: Callable[[str], str]) -> ClipOutput:
    layout = str(clip.get("layout_type", "static"))
    return ClipOutput(
        clip_index=int(clip["clip_index"]) - 1,  # the seed counts from 0
        s3_url=link(str(clip["file"])),
        duration_ms=int(clip["duration_ms"]),
        start_time_ms=int(clip["start_time_ms"]),
        end_time_ms=int(clip["end_time_ms"]),
        virality_score=round(float(clip["virality_score"]) / 100, 3),
        layout_type=_LAYOUT_TYPES.get(layout, layout),
        summary=str(clip.get("summary", "")),
        tags=[str(t) for t in clip.get("tags", ())],
        title=str(clip.get("title", "")),
        reasons=[str(r) for r in clip.get("reasons", ())],
    )


def _output(job: Job, manifest: Mapping[str, Any], link: Callable[[str], str]) -> ClippingOutput:
    clips = [_clip(c, link) for c in manifest.get("clips", ())]
    took = None
    if job.started_at is not None and job.finished_at is not None:
        took = round(job.finished_at - job.started_at, 1)
    return ClippingOutput(
        job_id=job.id,
        source_video_title=source_title(job.request),
        total_clips=len(clips),
        clips=clips,
        transcript_url=link("transcript.json"),
        plan_url=link("plan.json"),
        processing_time_seconds=took,
    )
