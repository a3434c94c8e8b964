"""Webhooks: the seed's payload, signed the Standard Webhooks way, delivered in the background.

Signing (https://www.standardwebhooks.com/, when ``CUTUPS_WEBHOOK_SECRET=whsec_<base64>``)::

    webhook-id:        msg_<job id>_<status>       the same on every retry (receivers dedupe)
    webhook-timestamp: <unix seconds>              of this attempt
    webhook-signature: v1,<base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}"))>

where ``key`` is the base64-decoded part of the secret after ``whsec_``.

Delivery runs on one background thread with a schedule, so a slow or dead receiver never holds
up a job: up to ``webhook_max_attempts`` tries, exponential backoff (``webhook_backoff_seconds``
doubling, capped at 60 s) with full jitter. Each try is recorded in the job's delivery log; a
job whose webhook is still due when the server stops is picked up again at the next start.
"""

from __future__ import annotations

import base64
import hashlib
import heapq
import hmac
import json
import logging
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from cutups.errors import ConfigError, CutupsError
from cutups.jobs.logs import job_context
from cutups.jobs.metrics import api_call
from cutups.jobs.models import Job
from cutups.jobs.store import JobStore
from cutups.settings import Settings
from cutups.sources.guard import Guard
from cutups.sources.ssrf import check_url

__all__ = [
    "WebhookSender",
    "decode_secret",
    "legacy_signature",
    "message_id",
    "payload",
    "sign",
    "signature_headers",
    "verify",
]

log = logging.getLogger(__name__)

MAX_BACKOFF = 60.0


def decode_secret(secret: str) -> bytes:
    """The HMAC key of a ``whsec_<base64>`` secret.

    Raises:
        ConfigError: not in that form.
    """
    text = secret.strip()
    if text.startswith("whsec_"):
        text = text[len("whsec_") :]
    try:
        key = base64.b64decode(text, validate=True)
    except ValueError:
        raise ConfigError("CUTUPS_WEBHOOK_SECRET must be whsec_ followed by base64") from None
    if not key:
        raise ConfigError("CUTUPS_WEBHOOK_SECRET is empty")
    return key


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` value: ``v1,<base64 HMAC-SHA256>``."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(decode_secret(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def verify(
    secret: str, headers: Mapping[str, str], body: bytes, *, tolerance: float = 300.0
) -> bool:
    """Check a delivery the way a receiver should (any of the space-separated signatures)."""
    try:
        msg_id = headers["webhook-id"]
        timestamp = int(headers["webhook-timestamp"])
        given = headers["webhook-signature"].split()
    except (KeyError, ValueError):
        return False
    if abs(time.time() - timestamp) > tolerance:
        return False
    expected = sign(secret, msg_id, timestamp, body)
    return any(hmac.compare_digest(expected, sig) for sig in given)


def message_id(job: Job) -> str:
    """Stable per job and outcome, so retries (and restarts) reuse it."""
    return f"msg_{job.id}_{job.status.value}"


def payload(job: Job, base_url: str) -> dict[str, Any]:
    """The seed's webhook body, plus ``error`` and the finish time."""
    result = None
    if job.result is not None:
        result = {k: absolute(base_url, v) for k, v in job.result.items() if k.endswith("_url")}
        result.update({k: v for k, v in job.result.items() if not k.endswith("_url")})
    return {
        "job_id": job.id,
        "status": job.status.value,
        "stage": job.stage.value if job.stage is not None else None,
        "pct": job.pct,
        "result": result,
        "error": job.error,
        "created": job.created,
        "finished_at": job.finished_at,
    }


def absolute(base_url: str, value: Any) -> Any:
    """``/jobs/x/manifest`` → ``http://host:port/jobs/x/manifest``; other values unchanged."""
    if isinstance(value, str) and value.startswith("/"):
        return base_url.rstrip("/") + value
    return value


def legacy_signature(secret: str, body: bytes) -> str:
    """The predecessor's ``X-Webhook-Signature`` value: ``sha256=<hex HMAC of the body>``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_headers(
    secret: str | None, msg_id: str, body: bytes, legacy_secret: str | None = None
) -> dict[str, str]:
    """The Standard Webhooks headers for one attempt (unsigned: id and timestamp only)."""
    timestamp = int(time.time())
    headers = {
        "content-type": "application/json",
        "user-agent": "cutups-webhooks",
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
    }
    if secret:
        headers["webhook-signature"] = sign(secret, msg_id, timestamp, body)
    if legacy_secret:
        headers["x-webhook-signature"] = legacy_signature(legacy_secret, body)
    return headers


@dataclass(order=True)
class _Due:
    at: float
    seq: int
    job_id: str = field(compare=False)
    attempt: int = field(compare=False, default=1)


class WebhookSender:
    """Delivers webhooks from one background thread, retrying on a schedule.

    Arguments:
        store: where jobs and delivery logs are.
        settings: secret, retries, timeouts, SSRF policy.
        base_url: makes result URLs absolute.
        transport: httpx transport seam (tests); None connects through the SSRF guard.
    """

    def __init__(
        self,
        store: JobStore,
        settings: Settings,
        base_url: Callable[[], str],
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._store = store
        self._settings = settings
        self._base_url = base_url
        # The guard resolves the receiver's name once per connection and connects to that
        # checked address: a DNS answer that changes after the URL was accepted cannot turn
        # the webhook towards the server's own network. No redirects, no proxies.
        guard = Guard(settings.allow_private_urls, what="webhook URL")
        self._client = guard.client(
            transport=transport, timeout=settings.webhook_timeout, follow_redirects=False
        )
        self._heap: list[_Due] = []
        self._seq = 0
        self._cond = threading.Condition()
        self._stopping = False
        self._thread: threading.Thread | None = None
        if settings.webhook_secret:
            decode_secret(settings.webhook_secret)  # fail at start-up, not at the first job

    def start(self) -> None:
        """Start the thread and queue every delivery left over from an earlier run."""
        self._thread = threading.Thread(target=self._run, name="cutups-webhooks", daemon=True)
        self._thread.start()
        for job in self._store.pending_webhooks():
            self.enqueue(job.id, attempt=len(job.webhooks) + 1)

    def stop(self, timeout: float = 5.0) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)
        self._client.close()

    def enqueue(self, job_id: str, *, attempt: int = 1, delay: float = 0.0) -> None:
        """Deliver the webhook of finished job ``job_id`` (now, or after ``delay`` seconds)."""
        with self._cond:
            self._seq += 1
            heapq.heappush(self._heap, _Due(time.monotonic() + delay, self._seq, job_id, attempt))
            self._cond.notify_all()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stopping and (
                    not self._heap or self._heap[0].at > time.monotonic()
                ):
                    wait = self._heap[0].at - time.monotonic() if self._heap else None
                    self._cond.wait(wait)
                if self._stopping:
                    return
                due = heapq.heappop(self._heap)
            try:
                self._deliver(due)
            except Exception:  # never let one bad delivery stop the thread
                log.exception("webhook delivery crashed", extra={"job_id": due.job_id})

    def backoff(self, attempt: int) -> float:
        """Seconds before try ``attempt + 1``: exponential with full jitter, capped."""
        ceiling = min(MAX_BACKOFF, self._settings.webhook_backoff_seconds * 2 ** (attempt - 1))
        return random.uniform(ceiling / 2, ceiling)

    def _deliver(self, due: _Due) -> None:
        job = self._store.get(due.job_id)
        if job is None or not job.terminal or not job.webhook_url:
            return
        if job.webhook_state != "pending" or len(job.webhooks) >= due.attempt:
            # Another process made this try already (a worker or API that restarted queues
            # every pending delivery it finds, including one being sent elsewhere just then).
            return
        with job_context(job.id):
            entry, done = self._attempt(job, due.attempt)
            last = due.attempt >= self._settings.webhook_max_attempts
            state = "delivered" if entry.get("ok") else ("failed" if done or last else "pending")
            delay = self.backoff(due.attempt)
            if state == "pending":
                entry["retry_in"] = round(delay, 2)
            self._store.set_webhook(job.id, state, entry)
            if state == "pending":
                log.info(
                    "webhook attempt %d failed (%s); retrying in %.1f s",
                    due.attempt,
                    entry.get("error") or entry.get("status_code"),
                    delay,
                )
                self.enqueue(job.id, attempt=due.attempt + 1, delay=delay)
            elif state == "failed":
                log.warning("webhook gave up after %d attempts", due.attempt)

    def _attempt(self, job: Job, attempt: int) -> tuple[dict[str, Any], bool]:
        """One POST; returns the log entry and whether retrying is pointless."""
        url = job.webhook_url or ""
        body = json.dumps(payload(job, self._base_url()), separators=(",", ":")).encode()
        msg_id = message_id(job)
        entry: dict[str, Any] = {"attempt": attempt, "at": time.time(), "webhook_id": msg_id}
        try:
            allow = self._settings.allow_private_urls
            check_url(url, allow_private=allow, what="webhook URL", resolver=None)
            headers = signature_headers(
                self._settings.webhook_secret, msg_id, body, self._settings.webhook_hmac_secret
            )
            started = time.monotonic()
            api_call("webhook")
            response = self._client.post(url, content=body, headers=headers)
            entry["status_code"] = response.status_code
            entry["ms"] = round((time.monotonic() - started) * 1000)
        except CutupsError as exc:
            entry.update(ok=False, error=exc.message)
            return entry, True  # a refused URL will not get better
        except httpx.HTTPError as exc:
            entry.update(ok=False, error=f"{type(exc).__name__}: {exc}"[:300])
            return entry, False
        code = response.status_code
        entry["ok"] = 200 <= code < 300
        # 4xx (but timeouts/conflicts/rate limits) means the receiver will refuse again.
        permanent = 400 <= code < 500 and code not in (408, 409, 425, 429)
        return entry, permanent
