"""A finished job for coaches' tools: exports and playlists by query.

======================================  ===========================================================
``GET /jobs/{id}/export?format=F``      the export as a download (``Content-Disposition``): csv,
                                        sportscode, otio, fcpxml, edl, ffmetadata, vtt, m3u
``POST /jobs/{id}/playlists``           ``{"where": "odk = O and down = 3"}``: builds the
                                        playlist (201), or finds the one built for the same
                                        query (200); answers its plays and URLs
``GET /jobs/{id}/playlists/{pid}/F``    its ``reel.mp4``, ``manifest.json``, exports, clips
======================================  ===========================================================

A playlist is built synchronously (a reel by stream copy takes about as long as reading its
clips) into the job's output folder, under ``playlists/<pid>``; ``pid`` is derived from the
query's canonical form, so equal queries share one. With S3 storage the job's manifest and
the chosen clips are fetched from the bucket when this server does not have them (a worker on
another machine cut them); playlists stay on this server's disk.

Errors: 409 ``not_ready`` before the job completes; 422 ``unknown_format``, ``bad_query`` (the
message names the column), ``no_match``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import shutil
import uuid
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field

from cutups.api.deps import BaseUrl, ServiceDep, job_or_404
from cutups.api.errors import ApiError
from cutups.errors import ConfigError, QueryError
from cutups.jobs.models import Job, JobStatus
from cutups.jobs.service import Service
from cutups.output.exports import FORMATS, ExportFormat, ExportJob, load_export_job
from cutups.output.playlist import build_playlist, select_plays
from cutups.output.query import parse_query
from cutups.storage.s3 import S3Artifacts

__all__ = ["PlaylistCreate", "PlaylistPublic", "router"]

router = APIRouter(prefix="/jobs", tags=["exports"])

_PLAYLIST_ID = re.compile(r"[0-9a-f]{16}")  # these two: fullmatch
_PLAYLIST_FILES = re.compile(r"clips/[\w-]{1,64}\.mp4|thumbs/[\w-]{1,64}\.jpg")
_MEDIA_TYPES = {
    "reel.mp4": "video/mp4",
    "manifest.json": "application/json",
    **{f.filename: f.media_type for f in FORMATS.values()},
}
_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"description": "no such job"},
    409: {"description": "the job has not completed"},
    422: {"description": "unknown format, bad query, or no play matches"},
}


class PlaylistCreate(BaseModel):
    """Which plays: a query (see the README's query language)."""

    model_config = ConfigDict(extra="forbid")

    where: str = Field(..., min_length=1, max_length=2000, examples=["odk = O and down = 3"])


class PlaylistPublic(BaseModel):
    """A built playlist."""

    playlist_id: str
    job_id: str
    where: str
    plays: list[int] = Field(description="the chosen plays' numbers in the job")
    clip_ids: list[str]
    duration: float = Field(description="seconds of the reel")
    reel_url: str
    manifest_url: str
    exports: dict[str, str] = Field(description="format name -> URL")


@router.get("/{job_id}/export", responses=_ERRORS)
def export(
    job_id: str,
    svc: ServiceDep,
    base: BaseUrl,
    format_name: Annotated[str, Query(alias="format", description=", ".join(FORMATS))],
) -> Response:
    """A finished job's plays in one export format, as a file to download."""
    fmt = _format(format_name)
    job, out = _finished(svc, job_id)
    text = fmt.render(_export_job(out, job, base))
    filename = f"cutups-{job.id}-{fmt.filename}"
    return Response(
        text.encode("utf-8"),
        media_type=fmt.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


@router.post("/{job_id}/playlists", response_model=PlaylistPublic, responses=_ERRORS)
def create_playlist(
    job_id: str, body: PlaylistCreate, svc: ServiceDep, base: BaseUrl, response: Response
) -> PlaylistPublic:
    """Build the playlist of the plays matching ``where`` (201), or find it (200)."""
    try:
        query = parse_query(body.where)
    except QueryError as exc:
        raise ApiError(422, "bad_query", exc.message) from None
    job, out = _finished(svc, job_id)
    try:
        _, chosen = select_plays(load_export_job(out), body.where)
    except ConfigError as exc:
        raise ApiError(422, "no_match", exc.message) from None
    playlist_id = hashlib.sha256(query.canonical.encode()).hexdigest()[:16]
    folder = out / "playlists" / playlist_id
    response.status_code = 200
    if not (folder / "manifest.json").is_file():
        for play in chosen:
            _local(svc, job, out, play.file)
            _local(svc, job, out, f"thumbs/{play.clip.id}.jpg", required=False)
        _build(out, body.where, folder, name=f"cutups-{job.id}-{playlist_id}")
        response.status_code = 201
    return _playlist_public(job, folder, base)


@router.get("/{job_id}/playlists/{playlist_id}/{name:path}", responses=_ERRORS)
def get_playlist_file(job_id: str, playlist_id: str, name: str, svc: ServiceDep) -> FileResponse:
    """A playlist's reel, manifest, exports, clips (``clips/<id>.mp4``) and thumbnails."""
    job = job_or_404(svc, job_id)
    folder = svc.layout.out_dir(job.id) / "playlists" / playlist_id
    allowed = name in _MEDIA_TYPES or _PLAYLIST_FILES.fullmatch(name)
    if not _PLAYLIST_ID.fullmatch(playlist_id) or not allowed or not (folder / name).is_file():
        raise ApiError(404, "not_found", f"playlist {playlist_id!r} has no {name!r}")
    media_type = _MEDIA_TYPES.get(name, "video/mp4" if name.endswith(".mp4") else "image/jpeg")
    return FileResponse(folder / name, media_type=media_type)


def _format(name: str) -> ExportFormat:
    fmt = FORMATS.get(name)
    if fmt is None:
        raise ApiError(
            422, "unknown_format", f"unknown export format {name!r}; one of: {', '.join(FORMATS)}"
        )
    return fmt


def _finished(svc: Service, job_id: str) -> tuple[Job, Path]:
    """A completed job and its output folder, with the manifest in it (fetched if remote)."""
    job = job_or_404(svc, job_id)
    if job.status is not JobStatus.COMPLETED:
        raise ApiError(
            409, "not_ready", f"exports exist once the job completes (it is {job.status.value})"
        )
    out = svc.layout.out_dir(job.id)
    if not _local(svc, job, out, "manifest.json", required=False):
        raise ApiError(404, "no_manifest", "the completed job has no manifest")
    return job, out


def _local(svc: Service, job: Job, out: Path, name: str, *, required: bool = True) -> bool:
    """Make sure the job's file ``name`` is in ``out``, from S3 when it is only there."""
    if (out / name).is_file():
        return True
    store = svc.artifacts
    if isinstance(store, S3Artifacts) and store.download(job.id, name, out / name):
        return True
    if required:
        raise ApiError(404, "not_found", f"the job's {name} is missing")
    return False


def _export_job(out: Path, job: Job, base: str) -> ExportJob:
    """The job to export, its clips linked by the API's URLs."""
    return dataclasses.replace(
        load_export_job(out),
        name=f"cutups-{job.id}",
        link_template=f"{base}/jobs/{job.id}/clips/{{id}}",
    )


def _build(out: Path, where: str, folder: Path, *, name: str) -> None:
    """Build into a private folder, then move it into place (equal requests may race)."""
    partial = folder.with_name(f".{folder.name}.{uuid.uuid4().hex[:8]}")
    try:
        build_playlist(out, where, partial, name=name)
        try:
            partial.rename(folder)
        except OSError:  # another request built it first: keep theirs
            if not (folder / "manifest.json").is_file():
                raise
    finally:
        shutil.rmtree(partial, ignore_errors=True)


def _playlist_public(job: Job, folder: Path, base: str) -> PlaylistPublic:
    manifest = json.loads((folder / "manifest.json").read_text())
    here = f"{base}/jobs/{job.id}/playlists/{folder.name}"
    clips = manifest["clips"]
    return PlaylistPublic(
        playlist_id=folder.name,
        job_id=job.id,
        where=manifest["playlist"]["where"],
        plays=manifest["playlist"]["plays"],
        clip_ids=[c["id"] for c in clips],
        duration=round(sum(float(c["duration"]) for c in clips), 3),
        reel_url=f"{here}/reel.mp4",
        manifest_url=f"{here}/manifest.json",
        exports={f.name: f"{here}/{f.filename}" for f in FORMATS.values()},
    )
