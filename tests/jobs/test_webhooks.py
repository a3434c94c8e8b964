"""Standard Webhooks signing and the background sender with retries."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from cutups.errors import ConfigError
from cutups.jobs.models import JobStatus
from cutups.jobs.store import MemoryJobStore
from cutups.jobs.webhooks import WebhookSender, decode_secret, payload, sign, verify
from cutups.settings import Settings
from tests.sources.fileserver import QuietServer

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def test_standard_webhooks_published_vector() -> None:
    # The test vector of the Standard Webhooks reference libraries.
    body = b'{"test": 2432232314}'
    assert sign(SECRET, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body) == (
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    )


def test_signature_computed_independently() -> None:
    key = b"0123456789abcdef0123456789abcdef"
    secret = "whsec_" + base64.b64encode(key).decode()
    body = b'{"job_id":"abc","status":"completed"}'
    expected = base64.b64encode(
        hmac.new(key, b"msg_1.1700000000." + body, hashlib.sha256).digest()
    ).decode()
    assert sign(secret, "msg_1", 1700000000, body) == f"v1,{expected}"


def test_verify_checks_signature_and_timestamp() -> None:
    body = b"{}"
    now = int(time.time())
    headers = {
        "webhook-id": "msg_x",
        "webhook-timestamp": str(now),
        "webhook-signature": "v1,bogus " + sign(SECRET, "msg_x", now, body),
    }
    assert verify(SECRET, headers, body)
    assert not verify(SECRET, headers, b"{ }")
    old = {
        **headers,
        "webhook-timestamp": str(now - 3600),
        "webhook-signature": sign(SECRET, "msg_x", now - 3600, body),
    }
    assert not verify(SECRET, old, body)
    assert not verify(SECRET, {}, body)


def test_bad_secrets_are_refused() -> None:
    with pytest.raises(ConfigError):
        decode_secret("whsec_not base64!")


class Receiver:
    """Answers with the next status from ``statuses`` (200 when they run out)."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = statuses
        self.calls: list[tuple[dict[str, str], bytes]] = []
        self.got = threading.Event()


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    rec = Receiver([500, 503])

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            return None

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            rec.calls.append(({k.lower(): v for k, v in self.headers.items()}, body))
            status = rec.statuses.pop(0) if rec.statuses else 200
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()
            if status == 200:
                rec.got.set()

    server = QuietServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield rec, f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()
    server.server_close()


def test_sender_retries_with_backoff_and_logs_every_attempt(
    receiver: tuple[Receiver, str], tmp_path: Path
) -> None:
    rec, url = receiver
    settings = Settings(
        webhook_secret=SECRET,
        webhook_hmac_secret="legacy-secret",
        allow_private_urls=True,  # type: ignore[call-arg]
        webhook_backoff_seconds=0.05,
        webhook_max_attempts=5,
    )
    store = MemoryJobStore()
    job, _ = store.create({"video_url": "https://x.test/v.mp4", "webhook_url": url})
    store.claim("w", 30)
    store.finish(job.id, JobStatus.COMPLETED, worker_id="w", result={"manifest_url": "/m"})
    sender = WebhookSender(store, settings, lambda: "http://cutups.test")
    sender.start()  # picks up the pending delivery by itself
    try:
        assert rec.got.wait(10)
        deadline = time.time() + 5
        while (store.get(job.id).webhook_state != "delivered") and time.time() < deadline:  # type: ignore[union-attr]
            time.sleep(0.02)
    finally:
        sender.stop()
    done = store.get(job.id)
    assert done is not None and done.webhook_state == "delivered"
    assert [(w["attempt"], w["status_code"], w["ok"]) for w in done.webhooks] == [
        (1, 500, False),
        (2, 503, False),
        (3, 200, True),
    ]
    assert all("retry_in" in w for w in done.webhooks[:2])
    ids = {headers["webhook-id"] for headers, _ in rec.calls}
    assert ids == {f"msg_{job.id}_completed"}  # one message id across retries
    headers, body = rec.calls[-1]
    assert verify(SECRET, headers, body)
    legacy = hmac.new(b"legacy-secret", body, hashlib.sha256).hexdigest()
    assert headers["x-webhook-signature"] == f"sha256={legacy}"  # the predecessor's header
    sent = json.loads(body)
    assert sent == payload(done, "http://cutups.test")
    assert sent["result"] == {"manifest_url": "http://cutups.test/m"}
    assert sent["status"] == "completed" and sent["job_id"] == job.id


def test_sender_gives_up_on_a_refused_url(tmp_path: Path) -> None:
    settings = Settings(allow_private_urls=False)  # type: ignore[call-arg]
    store = MemoryJobStore()
    job, _ = store.create(
        {"video_url": "https://x.test/v.mp4", "webhook_url": "http://127.0.0.1:9/hook"}
    )
    store.request_cancel(job.id)
    sender = WebhookSender(store, settings, lambda: "http://cutups.test")
    sender.start()
    try:
        deadline = time.time() + 5
        while store.get(job.id).webhook_state == "pending" and time.time() < deadline:  # type: ignore[union-attr]
            time.sleep(0.02)
    finally:
        sender.stop()
    got = store.get(job.id)
    assert got is not None and got.webhook_state == "failed"
    assert "loopback" in got.webhooks[0]["error"] and len(got.webhooks) == 1


def test_a_try_another_process_made_is_not_sent_again(
    receiver: tuple[Receiver, str], tmp_path: Path
) -> None:
    """Two senders (a worker and a restarted API) both queue a pending delivery: one POST."""
    rec, url = receiver
    rec.statuses.clear()
    settings = Settings(allow_private_urls=True, webhook_backoff_seconds=0.05)  # type: ignore[call-arg]
    store = MemoryJobStore()
    job, _ = store.create({"video_url": "https://x.test/v.mp4", "webhook_url": url})
    store.claim("w", 30)
    store.finish(job.id, JobStatus.COMPLETED, worker_id="w", result={"manifest_url": "/m"})
    first = WebhookSender(store, settings, lambda: "http://cutups.test")
    first.start()
    try:
        assert rec.got.wait(10)
        deadline = time.time() + 5
        while store.get(job.id).webhook_state != "delivered" and time.time() < deadline:  # type: ignore[union-attr]
            time.sleep(0.02)
        late = WebhookSender(store, settings, lambda: "http://cutups.test")
        late.enqueue(job.id, attempt=1)  # as a restarted process that listed it as pending
        late.start()
        time.sleep(0.5)
        late.stop()
    finally:
        first.stop()
    assert len(rec.calls) == 1
