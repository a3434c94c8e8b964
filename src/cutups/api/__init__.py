"""The HTTP API (FastAPI; OpenAPI at ``/docs``), built by :func:`cutups.api.app.create_app`.

::

    POST /jobs                      submit (video_url | upload_id | presigned_url) → 202
    GET  /jobs                      list (?status=, limit/offset)
    GET  /jobs/{id}                 poll: status, stage, pct, eta_sec, detail, progress, result
    GET  /jobs/{id}/events          Server-Sent Events, Last-Event-ID replay
    GET  /jobs/{id}/manifest        the manifest so far (progressive)
    GET  /jobs/{id}/clips/{clip}    one clip as soon as it is cut (Range)
    GET  /jobs/{id}/thumbs/{clip}   its thumbnail
    GET  /jobs/{id}/download        the ZIP (409 until completed)
    GET  /jobs/{id}/files/{name}    reel.mp4, report.html
    POST /jobs/{id}/cancel          cancel (waits up to 10 s for the job to stop)
    POST /upload[?kind=pbp]         multipart ``file``, streamed to disk
    GET  /health, /health/ready     no auth

Errors are ``{"error": {"code", "message"}}`` everywhere (:mod:`cutups.api.errors`).
"""

from __future__ import annotations

from cutups.extras import require_extra

require_extra("service", __name__)
