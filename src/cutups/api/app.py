"""The FastAPI app, built by a factory: no settings, store or threads at import time.

::

    app = create_app(settings)                    # owns its service: started with the app
    app = create_app(settings, service=service)   # the caller starts and stops the service
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.concurrency import run_in_threadpool
from starlette.types import Scope

from cutups import __version__
from cutups.api.deps import require_api_key
from cutups.api.errors import install_error_handlers
from cutups.api.feeds import EventFeeds
from cutups.api.limits import BodyLimit, BodyLimitMiddleware
from cutups.api.reads import StoreReads, read_threads
from cutups.api.routes import (
    ai_clipping,
    events,
    exports,
    health,
    jobs,
    models_health,
    recipes,
    stream,
    uploads,
)
from cutups.api.routes import metrics as metrics_route
from cutups.api.routes.uploads import MULTIPART_OVERHEAD
from cutups.api.snapshots import JobSnapshots
from cutups.api.status_polls import StatusPollMiddleware
from cutups.jobs.service import Service
from cutups.settings import Settings
from cutups.web import router as web_router

__all__ = ["create_app"]

DESCRIPTION = """\
Turn a football broadcast into one clip per play.

Submit a job (`POST /jobs`) with a video URL, a presigned URL or an `upload_id` from
`POST /upload`; then poll `GET /jobs/{id}`, wait for the webhook, or follow
`GET /jobs/{id}/events` (Server-Sent Events). Clips can be fetched as soon as each is cut.
A completed job exports to film tools and editors (`GET /jobs/{id}/export?format=`) and makes
playlists by query (`POST /jobs/{id}/playlists`).
The seed's clipping-worker API (`/ai-clipping/jobs`) runs the `shorts` recipe.
With `CUTUPS_API_KEYS` set, send `Authorization: Bearer <key>` (not needed for `/health`).
"""


def _body_limits(settings: Settings) -> Callable[[Scope], BodyLimit]:
    """The body limit of each request: uploads have their own (see routes/uploads.py)."""
    upload = BodyLimit(settings.max_upload_bytes + MULTIPART_OVERHEAD, "CUTUPS_MAX_UPLOAD_BYTES")
    other = BodyLimit(settings.max_body_bytes, "CUTUPS_MAX_BODY_BYTES")

    def limit_for(scope: Scope) -> BodyLimit:
        return upload if scope.get("path") == "/upload" else other

    return limit_for


def create_app(
    settings: Settings, *, service: Service | None = None, workers: int | None = None
) -> FastAPI:
    """The API over a job service.

    Arguments:
        settings: the server's settings.
        service: a service the caller starts and stops; None builds one that starts and stops
            with the app (its lifespan).
        workers: worker threads of the built service (default ``max_concurrency``).
    """
    owned = service is None
    svc = service or Service(settings, workers=workers)
    reads = StoreReads(read_threads(settings))
    snapshots = JobSnapshots(lambda: svc.store, reads, settings.status_max_age)
    feeds = EventFeeds(lambda: svc.store, reads, on_events=snapshots.changed)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if owned:
            await run_in_threadpool(svc.start)
        try:
            yield
        finally:
            snapshots.close()
            feeds.close()
            reads.close()
            if owned:
                await run_in_threadpool(svc.stop)

    app = FastAPI(title="Cutups", version=__version__, description=DESCRIPTION, lifespan=lifespan)
    app.state.service = svc
    app.state.reads = reads
    app.state.feeds = feeds
    app.state.snapshots = snapshots
    app.add_middleware(BodyLimitMiddleware, limit_for=_body_limits(settings))
    app.add_middleware(StatusPollMiddleware, service=svc, snapshots=snapshots)  # outermost
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(models_health.router)
    app.include_router(metrics_route.router)
    protected = [Depends(require_api_key)]
    app.include_router(jobs.router, dependencies=protected)
    app.include_router(recipes.router, dependencies=protected)
    app.include_router(events.router, dependencies=protected)
    app.include_router(stream.router, dependencies=protected)
    app.include_router(exports.router, dependencies=protected)
    app.include_router(uploads.router, dependencies=protected)
    app.include_router(ai_clipping.router, dependencies=protected)  # the seed's shorts API
    app.include_router(ai_clipping.links_router)  # signed links: the signature is the key
    app.include_router(web_router)  # the web page (GET /, /static/*): no data, no key needed
    return app
