"""Dependencies, declared once: the service, the settings, API-key auth, the public base URL.

The dependencies that do no I/O are ``async def``: FastAPI runs a plain ``def`` dependency in
the thread pool, and a hop there and back costs the event loop more than the work itself (under
64 concurrent status polls these hops were a third of the loop's time).
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from typing import Annotated

from fastapi import Depends, Request

from cutups.api.errors import ApiError
from cutups.api.snapshots import JobSnapshots
from cutups.jobs.models import Job
from cutups.jobs.service import Service
from cutups.settings import Settings
from cutups.storage.layout import valid_id

__all__ = [
    "BaseUrl",
    "ServiceDep",
    "SettingsDep",
    "SnapshotsDep",
    "base_url",
    "get_service",
    "get_snapshots",
    "job_or_404",
    "key_accepted",
    "require_api_key",
]


async def get_service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


ServiceDep = Annotated[Service, Depends(get_service)]


async def get_snapshots(request: Request) -> JobSnapshots:
    snapshots: JobSnapshots = request.app.state.snapshots
    return snapshots


SnapshotsDep = Annotated[JobSnapshots, Depends(get_snapshots)]
"""Jobs as status polls see them (see :mod:`cutups.api.snapshots`)."""


def job_or_404(svc: Service, job_id: str) -> Job:
    """The job called ``job_id``; a 404 answer when there is none."""
    job = svc.store.get(job_id) if valid_id(job_id) else None
    if job is None:
        raise ApiError(404, "not_found", f"no job {job_id!r}")
    return job


async def get_settings(service: ServiceDep) -> Settings:
    return service.settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


def key_accepted(keys: Sequence[str], authorization: str) -> bool:
    """True when no keys are set, or ``authorization`` is ``Bearer <one of them>``."""
    if not keys:
        return True
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return False
    # compare_digest against every key: no early exit that would leak which matched
    matches = [hmac.compare_digest(token.encode(), k.encode()) for k in keys]
    return any(matches)


async def require_api_key(request: Request, service: ServiceDep) -> None:
    """With ``CUTUPS_API_KEYS`` set, demand ``Authorization: Bearer <one of them>``."""
    if key_accepted(service.settings.api_keys, request.headers.get("authorization", "")):
        return
    raise ApiError(
        401,
        "unauthorized",
        "send Authorization: Bearer <API key>",
        headers={"WWW-Authenticate": "Bearer"},
    )


async def base_url(request: Request, service: ServiceDep) -> str:
    """Where clients reach us: CUTUPS_PUBLIC_URL, else the address this request came to."""
    return (service.settings.public_url or str(request.base_url)).rstrip("/")


BaseUrl = Annotated[str, Depends(base_url)]
