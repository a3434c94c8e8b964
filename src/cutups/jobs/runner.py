"""Running one claimed job: fetch the video once, run the plays pipeline, settle the outcome.

Every stage leaves a checkpoint, so a job whose worker died resumes where it was::

    download   the fetched file's path and size: a later attempt reuses it, no re-download
    pbp        play-by-play fetched from CFBD, saved in the work dir
    analysis   ``out/timeline.json`` saved by the pipeline: no re-analysis (resume=True)
    clips      clips finished so far (the pipeline's ``clips/.<id>.done.json`` markers):
               not cut again

and the job's event log says what each attempt did (``attempt`` lists what it resumed from;
``stage`` marks each stage that actually ran; ``clip_ready`` says whether a clip was cut by this
attempt or carried over).

With S3 configured the plan, the analysis-cache entries and each finished clip's marker are
also copied to the bucket as they are made (:mod:`cutups.storage.checkpoints`), and an attempt
on a machine that lacks them pulls them back first: a job resumes on any worker, with no
shared disk (the download is fetched again from its URL, or from the bucket for an upload).

Outcomes follow one ladder (:func:`settle`): lease lost → leave the job to its new owner;
server shutdown → hand it back to the queue, files kept; the store unreachable → no outcome (the
lease runs out and the job resumes); cancel → ``canceled``, files removed;
over the time limit → ``failed``; a :class:`~cutups.errors.CutupsError` → ``failed`` with its
one-line message; anything else → ``failed`` as an internal error, logged with its traceback.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from cutups.cores import cores
from cutups.errors import (
    CanceledError,
    ConfigError,
    CutupsError,
    ExternalServiceError,
    PbpError,
    SourceError,
)
from cutups.jobs.logs import job_context
from cutups.jobs.metrics import CountingTransport
from cutups.jobs.models import Job, JobStatus
from cutups.jobs.progress import ProgressTracker, Reading
from cutups.jobs.spec import JobSpec
from cutups.jobs.store import JobStore
from cutups.media.ffmpeg import ProcessRegistry
from cutups.pbp.request import CfbdRequest
from cutups.pipeline import run_recipe
from cutups.recipes.base import RunContext
from cutups.settings import Settings
from cutups.sources import FetchContext, Fetched, PresignedUrlSource, Source, source_for
from cutups.storage.artifacts import ArtifactStore
from cutups.storage.checkpoints import JobCheckpoints, Restored, checkpoints_for
from cutups.storage.direct_uploads import bucket_uploads_for
from cutups.storage.layout import DataLayout, ensure_free, remove_tree
from cutups.storage.uploads import RemoteUploads, UploadStore

__all__ = ["JobRun", "Runtime", "execute", "settle"]

log = logging.getLogger(__name__)

_MARKER = re.compile(r"\.(.+)\.done\.json")  # used with fullmatch


@dataclass
class Runtime:
    """What running a job needs from the service."""

    settings: Settings
    store: JobStore
    layout: DataLayout
    uploads: UploadStore
    artifacts: ArtifactStore
    on_finished: Callable[[Job], None] = lambda job: None
    """Called with every job this worker finished (webhooks)."""
    transport: httpx.BaseTransport | None = None
    workers: int = 1
    """Jobs running at once: parallel cuts are shared out between them."""
    checkpoints: JobCheckpoints = field(init=False)
    """Where checkpoints outlive this machine: the bucket when ``artifacts`` is S3."""
    remote_uploads: RemoteUploads | None = field(init=False)
    """Uploads sent straight to the bucket (S3 only)."""

    def __post_init__(self) -> None:
        self.checkpoints = checkpoints_for(self.artifacts)
        self.remote_uploads = bucket_uploads_for(self.settings, self.artifacts)

    def pipeline_settings(self) -> Settings:
        """The settings a job runs with: ``jobs`` (parallel cuts) split between the workers."""
        if self.settings.jobs:
            return self.settings
        share = max(1, cores() // max(1, self.workers))
        return self.settings.model_copy(update={"jobs": share})


@dataclass
class JobRun:
    """One attempt at one job, and how to stop it."""

    job: Job
    worker_id: str
    cancel: threading.Event = field(default_factory=threading.Event)
    registry: ProcessRegistry = field(default_factory=ProcessRegistry)
    reason: str | None = None
    """Why it was stopped: ``cancel``, ``shutdown``, ``lost`` (lease) or ``timeout``."""
    done: threading.Event = field(default_factory=threading.Event)

    def stop(self, reason: str) -> None:
        """Stop the work now: analysis sees the event, running ffmpeg processes are killed."""
        if self.reason is None:
            self.reason = reason
        self.cancel.set()
        self.registry.cancel()


class _Reporter:
    """Pipeline callbacks → the store: stage events, throttled progress, clip events."""

    def __init__(self, run: JobRun, rt: Runtime, resumed_clips: set[str], plan_saved: bool) -> None:
        self.run = run
        self.rt = rt
        self.job_id = run.job.id
        self.attempt = run.job.attempts
        self.tracker = ProgressTracker(run.job.pct)
        self.resumed_clips = resumed_clips
        self.plan_saved = plan_saved
        self.clips_done: list[str] = []
        self.extra: dict[str, Any] = {"attempt": self.attempt}
        self._lock = threading.Lock()
        self._last_write = 0.0
        self._last_event = 0.0
        self._analysis_saved = "analysis" in run.job.checkpoints
        self._started = time.time()
        self.detail: str | None = None
        self.reading: Reading | None = None

    def check(self) -> None:
        if self.run.reason is not None:
            raise CanceledError(f"stopped ({self.run.reason})")

    def event(self, type: str, data: Mapping[str, Any]) -> None:
        self.rt.store.append_event(self.job_id, type, data)

    def note(self, **progress: Any) -> None:
        with self._lock:
            self.extra.update(progress)
            self._write(force=True)

    def checkpoint(self, name: str, data: Mapping[str, Any]) -> None:
        data = {**data, "attempt": self.attempt}
        if not self.rt.store.checkpoint(self.job_id, self.run.worker_id, name, data):
            self.run.stop("lost")
            self.check()
        self.event("checkpoint", {"name": name, **data})

    def progress(self, stage: str, fraction: float, detail: str) -> None:
        """The pipeline's ``(stage, fraction, detail)`` callback."""
        self.check()
        reading = self.tracker.update(stage, fraction)
        with self._lock:
            self.detail = detail
            self.reading = reading
            if reading.stage_changed:
                data = {
                    "stage": reading.stage.value,
                    "pipeline_stage": stage,
                    "attempt": self.attempt,
                    "detail": detail,
                }
                self.event("stage", data)
                log.info("stage %s: %s", stage, detail)
            self._write(force=reading.stage_changed or fraction >= 1.0)
            now = time.monotonic()
            if reading.stage_changed or now - self._last_event >= 1.0:
                self._last_event = now
                self.event(
                    "progress",
                    {
                        "stage": reading.stage.value,
                        "pct": reading.pct,
                        "eta_sec": reading.eta_sec,
                        "detail": detail,
                    },
                )
        if stage == "probing" and fraction >= 1.0 and not self.plan_saved:
            # The pipeline analyses next (no saved timeline); say so now, not at its first report.
            self.progress("analysing", 0.0, "decoding once for every analyser")
        if stage in ("cutting", "packaging") and not self._analysis_saved:
            self._analysis_saved = True
            planned = self._planned()
            self.note(clips_planned=planned)
            out_dir, entries = self.rt.layout.out_dir(self.job_id), self._analysis_entries()
            _best_effort(
                "copying the plan to the bucket",
                lambda: self.rt.checkpoints.save_plan(self.job_id, out_dir, entries),
            )
            self.checkpoint("analysis", {"timeline": "out/timeline.json", "clips": planned})

    def _analysis_entries(self) -> list[Path]:
        """The analysis-cache entries this attempt wrote. The cache is keyed inside the
        recipe, so they are found by time: a job running beside this one may add one of its
        own, which costs an upload, never a wrong result (entries are keyed by content)."""
        folder = self.rt.settings.cache_dir / "analysis"
        entries = folder.glob("*.npz") if folder.is_dir() else ()
        return sorted(p for p in entries if p.stat().st_mtime >= self._started - 1.0)

    def _planned(self) -> int | None:
        path = self.rt.layout.out_dir(self.job_id) / "timeline.json"
        try:
            return len(json.loads(path.read_text())["clips"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _write(self, *, force: bool) -> None:
        now = time.monotonic()
        if not force and now - self._last_write < 0.5:
            return
        self._last_write = now
        reading = self.reading
        ok = self.rt.store.update_progress(
            self.job_id,
            self.run.worker_id,
            stage=reading.stage if reading else None,
            pct=reading.pct if reading else None,
            eta_sec=reading.eta_sec if reading else None,
            detail=self.detail,
            progress=dict(self.extra),
        )
        if not ok:
            self.run.stop("lost")

    def clip(self, entry: Mapping[str, Any]) -> None:
        """The pipeline's ``on_clip``: one clip is cut (or carried over) and listed."""
        clip_id = str(entry["id"])
        resumed = clip_id in self.resumed_clips
        self.event("clip_ready", {"clip": dict(entry), "resumed": resumed, "attempt": self.attempt})
        with self._lock:
            self.clips_done.append(clip_id)
            self.extra["clips_done"] = len(self.clips_done)
            self._write(force=True)
            done = {"done": sorted(self.clips_done), "attempt": self.attempt}
        if not self.rt.store.checkpoint(self.job_id, self.run.worker_id, "clips", done):
            self.run.stop("lost")
        if not resumed:  # S3: upload the clip and its thumbnail now (carried-over ones are up)
            out_dir = self.rt.layout.out_dir(self.job_id)
            self.rt.artifacts.clip_ready(self.job_id, out_dir, entry)
            _best_effort(
                f"copying clip {clip_id}'s checkpoint to the bucket",
                lambda: self.rt.checkpoints.save_clip(self.job_id, out_dir, clip_id),
            )
        delay = self.rt.settings.test_cut_delay
        if delay and not resumed:
            # TEST ONLY (CUTUPS_TEST_CUT_DELAY): hold the job here so tests can interrupt it
            # mid-cutting. It changes when clips are reported, never what is cut.
            self.run.cancel.wait(delay)
        self.check()

    def stream_event(self, body: Mapping[str, Any]) -> None:
        """A streaming recipe's event (commentary: ``chunk_ready``...) into the job's log, its
        files as URLs of ``GET /jobs/{id}/stream/...``."""
        data = dict(body)
        kind = str(data.pop("type"))
        for key in ("file", "final_video", "playlist"):
            if data.get(key):
                data["url" if key == "file" else key] = f"/jobs/{self.job_id}/stream/{data[key]}"
        self.event(kind, data)

    def download(self, done: int, total: int | None) -> None:
        self.check()
        with self._lock:
            self.extra["downloaded_mb"] = round(done / 1e6, 1)
            if total:
                self.extra["download_total_mb"] = round(total / 1e6, 1)
        detail = f"downloaded {done / 1e6:.1f} MB" + (f" of {total / 1e6:.1f}" if total else "")
        self.progress("downloading", done / total if total else 0.0, detail)


def _best_effort(what: str, action: Callable[[], object]) -> None:
    """Run a checkpoint copy: it lets another machine resume, so failing it costs that
    machine time (it redoes the work), never this job."""
    try:
        action()
    except (ExternalServiceError, OSError) as exc:
        log.warning("%s failed (%s); a resume elsewhere would redo that work", what, exc)


def _restore(job: Job, rt: Runtime) -> Restored:
    """Pull the checkpoints of an earlier attempt (maybe on another machine) into this one's
    data dir; the first attempt has none."""
    if not job.checkpoints.keys() & {"analysis", "clips"}:
        return Restored()
    try:
        return rt.checkpoints.restore(job.id, rt.layout.out_dir(job.id), rt.settings.cache_dir)
    except (ExternalServiceError, OSError) as exc:
        log.warning("restoring the checkpoints failed (%s); the job starts over", exc)
        return Restored()


def _finished_clips(out_dir: Path) -> set[str]:
    clips = out_dir / "clips"
    if not clips.is_dir():
        return set()
    return {m.group(1) for p in clips.iterdir() if (m := _MARKER.fullmatch(p.name))}


def _handler(spec: JobSpec) -> type[Source]:
    if spec.source_kind == "presigned_url":
        return PresignedUrlSource
    return source_for(spec.source_url)


def _acquire_video(run: JobRun, rt: Runtime, spec: JobSpec, rep: _Reporter) -> Path:
    """The job's one download: reused from the checkpoint when a previous attempt finished it."""
    saved = run.job.checkpoints.get("download")
    if saved:
        path = Path(saved["path"])
        if path.is_file() and path.stat().st_size == saved["size"]:
            log.info("reusing the download from attempt %s", saved.get("attempt"))
            return path
    work = rt.layout.work_dir(run.job.id)
    work.mkdir(parents=True, exist_ok=True)
    ensure_free(work, 0, rt.settings.min_free_bytes)
    handler = _handler(spec)
    rep.progress("downloading", 0.0, f"fetching the video ({handler.NAME})")
    context = FetchContext(rt.settings, rt.uploads, rt.transport, rt.remote_uploads)
    fetched: Fetched = handler(context).fetch(
        spec.source_url, work / "source.mp4", rep.download, run.cancel
    )
    rep.checkpoint(
        "download", {"path": str(fetched.path), "size": fetched.size, "handler": fetched.handler}
    )
    return fetched.path


def _acquire_pbp(run: JobRun, rt: Runtime, spec: JobSpec, rep: _Reporter) -> Path | None:
    """Play-by-play: inline, uploaded, or fetched from CFBD (falling back to vision only)."""
    work = rt.layout.work_dir(run.job.id)
    work.mkdir(parents=True, exist_ok=True)
    if spec.pbp is not None:
        path = work / "pbp.json"
        path.write_text(json.dumps(spec.pbp))
        return path
    if spec.pbp_upload_id:
        uploaded = rt.uploads.path(spec.pbp_upload_id)
        if uploaded is None:
            raise SourceError(f"play-by-play upload {spec.pbp_upload_id!r} not found")
        return uploaded
    if not spec.wants_cfbd:
        return None
    saved = run.job.checkpoints.get("pbp")
    if saved and Path(saved["path"]).is_file():
        return Path(saved["path"])
    rep.note(cfbd_requested=True, cfbd_state="fetching")
    try:
        rows = _cfbd_rows(rt.settings, spec.cfbd or CfbdRequest(), rt.transport)
    except (ConfigError, ExternalServiceError, PbpError) as exc:
        # The seed's fallback: without play-by-play the job still runs, from the video alone.
        log.warning("CFBD play-by-play unavailable, continuing from the video alone: %s", exc)
        rep.note(cfbd_state=f"unavailable: {exc.message}")
        return None
    path = work / "pbp.json"
    path.write_text(json.dumps(rows))
    rep.note(cfbd_state="ready", cfbd_plays=len(rows))
    rep.checkpoint("pbp", {"path": str(path), "rows": len(rows)})
    return path


def _cfbd_rows(
    settings: Settings, cfbd: CfbdRequest, transport: httpx.BaseTransport | None
) -> list[dict[str, Any]]:
    from cutups.pbp._values import first, to_str
    from cutups.pbp.cfbd_client import CfbdClient

    counted = CountingTransport("cfbd", transport)
    with CfbdClient.from_settings(settings, transport=counted) as client:
        game_id = cfbd.game_id
        if game_id:
            info = client.game(game_id)
            rows = client.plays(info.season, info.week, info.home, info.season_type)
            return [r for r in rows if to_str(first(r, "gameId", "game_id")) == info.game_id]
        if cfbd.season is None or cfbd.week is None:
            raise ConfigError("cfbd needs game_id, or season and week (and team)")
        return client.plays(cfbd.season, cfbd.week, cfbd.team, cfbd.season_type)


def _work(run: JobRun, rt: Runtime) -> dict[str, Any]:
    job = run.job
    spec = JobSpec.from_request(job.request)
    out_dir = rt.layout.out_dir(job.id)
    restored = _restore(job, rt)
    resumed_clips = _finished_clips(out_dir)
    plan_saved = (out_dir / "timeline.json").is_file()
    rep = _Reporter(run, rt, resumed_clips, plan_saved)
    saved = job.checkpoints.get("download")
    resumed = {
        "download": bool(saved and Path(saved["path"]).is_file()),
        "analysis": plan_saved,
        "clips": sorted(resumed_clips),
        "from_bucket": {
            "plan": restored.plan,
            "analysis": restored.analysis,
            "clips": len(restored.clips),
        },
    }
    rep.event("attempt", {"attempt": job.attempts, "worker_id": run.worker_id, "resumed": resumed})
    log.info(
        "attempt %d (resuming: %s)",
        job.attempts,
        ", ".join(k for k, v in resumed.items() if v) or "nothing",
    )
    spec.check(rt.settings)
    source = _acquire_video(run, rt, spec, rep)
    pbp = _acquire_pbp(run, rt, spec, rep)
    rep.check()
    shown_url = spec.source if spec.source_kind != "upload_id" else spec.source_url
    ctx = RunContext(
        settings=rt.pipeline_settings(),
        out_dir=out_dir,
        job_id=job.id,
        progress=rep.progress,
        cancel=run.cancel,
        registry=run.registry,
        on_clip=rep.clip,
        on_event=rep.stream_event,
        resume=True,
    )
    result = run_recipe(
        spec.recipe,
        spec.options,
        source,
        ctx,
        pbp=pbp,
        source_url=shown_url,
        max_seconds=rt.settings.max_video_seconds,
    )
    rep.check()
    manifest = result.manifest
    warnings = list(manifest.get("warnings") or ())
    for warning in warnings:
        log.warning("%s: %s", warning["message"], warning["cost"])
        rep.event("warning", warning)
    return {
        **rt.artifacts.publish(job.id, out_dir),
        "clips": len(manifest.get("clips", ())),
        "bucket_counts": dict(manifest.get("bucket_counts", {})),
        "warnings": warnings,
    }


def execute(run: JobRun, rt: Runtime) -> Job | None:
    """Run a claimed job to its end (or until stopped); return the job as finished, if it was."""
    with job_context(run.job.id):
        try:
            result = _work(run, rt)
        except Exception as exc:  # every outcome is decided in one place: settle()
            return settle(run, rt, exc)
        return settle(run, rt, None, result)


def _code(exc: BaseException) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(exc).__name__).lower()


def settle(
    run: JobRun, rt: Runtime, exc: BaseException | None, result: Mapping[str, Any] | None = None
) -> Job | None:
    """Record how the attempt ended (the ladder in the module docstring)."""
    job, store, worker = run.job, rt.store, run.worker_id
    if run.reason == "lost":
        log.warning("lost the lease on the job; leaving it to its new owner")
        return None
    if run.reason == "shutdown":
        store.release(job.id, worker)
        log.info("server stopping: job handed back to the queue, files kept for resuming")
        return None
    if exc is not None and store.unreachable(exc):
        # Not the job's fault: the store went away mid-write (a database restart). Record no
        # outcome; the lease runs out and the job resumes from its checkpoints.
        log.warning("the job store was unreachable (%s); the job resumes when its lease ends", exc)
        return None
    status, error, code = JobStatus.COMPLETED, None, None
    if run.reason == "cancel":
        status, error, code = JobStatus.CANCELED, "canceled by request", "canceled"
    elif run.reason == "timeout":
        hours = rt.settings.job_ttl_hours
        status, error, code = (
            JobStatus.FAILED,
            f"the job ran over {hours:g} h and was stopped",
            "timeout",
        )
    elif isinstance(exc, CutupsError):
        status, error, code = JobStatus.FAILED, _message(exc), _code(exc)
        if exc.expected:
            log.warning("job failed: %s", error)
        else:
            log.warning("job failed: %s", error, exc_info=exc)
    elif exc is not None:
        log.exception("internal error in the job", exc_info=exc)
        status, error, code = (
            JobStatus.FAILED,
            f"internal error: {type(exc).__name__}: {exc}",
            "internal",
        )
    if error is not None:
        error = _scrub(error, rt, job.id)
    done = store.finish(
        job.id,
        status,
        worker_id=worker,
        result=result if status is JobStatus.COMPLETED else None,
        error=error,
        error_code=code,
    )
    if done is None:
        return None
    remove_tree(rt.layout.work_dir(job.id))  # the download and other temporary files
    _best_effort("deleting the job's checkpoints", lambda: rt.checkpoints.drop(job.id))
    if status is not JobStatus.COMPLETED:
        remove_tree(rt.layout.job_dir(job.id))  # partial outputs too
    log.info("job %s", status.value, extra={"error": error} if error else None)
    rt.on_finished(done)
    return done


def _scrub(error: str, rt: Runtime, job_id: str) -> str:
    """Server paths out of a message: users see file names, not the data dir's layout."""
    for folder in (rt.layout.work_dir(job_id), rt.layout.out_dir(job_id)):
        error = error.replace(f"{folder}/", "")
    return error.replace(str(rt.layout.root), "<data>")


def _message(exc: CutupsError) -> str:
    if isinstance(exc, SourceError) and not exc.message.lower().startswith("download"):
        return f"download failed: {exc.message}"
    return exc.message
