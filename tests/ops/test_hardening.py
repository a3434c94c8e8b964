"""Hardening: schema-driven API fuzzing, upload fuzzing, the video length limit.

* schemathesis generates requests from the app's own OpenAPI schema, for every route (the event
  stream included), and runs them in-process (ASGI); no answer may be a 5xx
  (``not_a_server_error``). Bounded: 25 examples per operation. hypothesis covers what the
  schema cannot reach: event cursors on a job that exists, and the routes left out of the schema
  (the page, static files, /metrics).
* All the while, DNS rebinds (:mod:`tests.sources.rebinding`): every name answers a public
  address to its first lookup and 127.0.0.1 after (one test's names flip on every lookup), and
  every connection the process makes is recorded (none leaves loopback). A worker runs what
  gets queued, so downloads and webhooks meet the rebinding names; no connection may reach a
  refused address.
* hypothesis throws random bytes and truncated MP4s at ``POST /upload``: 2xx or 4xx, never 5xx.
* a video longer than ``CUTUPS_MAX_VIDEO_SECONDS`` is refused after probing, with a clear error.

Private URLs are refused, as in production.
"""

from __future__ import annotations

import shutil
import tempfile
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

from cutups.api.app import create_app
from cutups.jobs.models import Job, JobStatus
from cutups.jobs.service import Service
from cutups.settings import Settings
from cutups_testkit import GeneratedBroadcast
from tests.sources.rebinding import Connections, RebindingResolver, rebinding_dns, recorded_network

with warnings.catch_warnings():  # starlette asks for `httpx2`; the installed httpx works
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _settings(root: Path, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "CUTUPS_DATA_DIR": root,
        "CUTUPS_MIN_FREE_BYTES": 0,
        "CUTUPS_MAX_UPLOAD_BYTES": 2_000_000,
        "CUTUPS_CACHE_DIR": root / "cache",
    }
    return Settings(**{**values, **extra})


_ROOT = Path(tempfile.mkdtemp(prefix="cutups-fuzz-"))
# One worker: a job that gets queued is run (its download refused), so its event stream ends;
# a stream of a job that never ends would hold its call open.
_SERVICE = Service(_settings(_ROOT, CUTUPS_WEBHOOK_BACKOFF_SECONDS=0.05), workers=1)
_APP = create_app(_SERVICE.settings, service=_SERVICE)
schema = schemathesis.openapi.from_asgi("/openapi.json", _APP)


@pytest.fixture(scope="module")
def network() -> Iterator[tuple[RebindingResolver, Connections]]:
    """Rebinding DNS for every name, and the record of every connection, for the module."""
    with (
        pytest.MonkeyPatch.context() as patch,
        recorded_network() as connections,
        rebinding_dns(patch, covers=lambda host: True) as dns,
    ):
        yield dns, connections


@pytest.fixture(scope="module", autouse=True)
def app(network: tuple[RebindingResolver, Connections]) -> Iterator[FastAPI]:
    """The fuzzed app; its service runs for this module only."""
    _SERVICE.start()
    yield _APP
    _SERVICE.stop()
    shutil.rmtree(_ROOT, ignore_errors=True)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_api_never_answers_5xx(case: Any) -> None:
    response = case.call(timeout=30)
    case.validate_response(response, checks=[not_a_server_error])


def _settled(job_id: str, timeout: float = 30.0, *, require_webhook: bool = True) -> Job:
    """The job once it has ended and (``require_webhook``) its webhook is settled."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = _SERVICE.store.get(job_id)
        if job is None or not job.terminal:
            pass
        elif not require_webhook or job.webhook_state not in (None, "pending"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not settle")


def test_rebinding_names_never_reach_a_refused_address(
    network: tuple[RebindingResolver, Connections],
) -> None:
    dns, connections = network
    body = {
        "video_url": "http://video.rebinding.test:8080/game.mp4",
        "webhook_url": "http://hooks.rebinding.test:9000/hook",
    }
    with TestClient(_APP) as client:
        accepted = client.post("/jobs", json=body)
        assert accepted.status_code == 202, accepted.text  # both names answered public
        job = _settled(accepted.json()["job_id"])
        with client.stream("GET", f"/jobs/{job.id}/events") as stream:
            assert stream.status_code == 200 and "event: failed" in stream.read().decode()
    assert job.status.value == "failed" and "video.rebinding.test, which resolves" in str(job.error)
    assert job.webhook_state == "failed"
    assert "hooks.rebinding.test, which resolves" in job.webhooks[-1]["error"]
    assert dns.lookups["video.rebinding.test"] >= 2 and dns.lookups["hooks.rebinding.test"] >= 2
    assert connections.inside() == []


def test_a_resolver_that_changes_its_answer_on_every_lookup_is_held_off(
    network: tuple[RebindingResolver, Connections], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Public, inside, public, ...: whichever lookup the checks see, no connection goes
    inside (a connection to the public answer fails: the test network has no route)."""
    _, connections = network
    body = {
        "video_url": "http://video.flip.rebinding.test:8080/game.mp4",
        "webhook_url": "http://hooks.flip.rebinding.test:9000/hook",
    }
    flip = RebindingResolver(alternate=True)
    covers = lambda host: ".flip." in host  # noqa: E731
    with rebinding_dns(monkeypatch, covers=covers, resolver=flip), TestClient(_APP) as client:
        accepted = client.post("/jobs", json=body)
        assert accepted.status_code == 202, accepted.text
        job = _settled(accepted.json()["job_id"])
        events = client.get(f"/jobs/{job.id}/events", params={"after": 0})
        assert events.status_code == 200 and "event: failed" in events.text
    assert job.status is JobStatus.FAILED and job.webhook_state == "failed"
    assert flip.lookups["video.flip.rebinding.test"] >= 2
    assert flip.lookups["hooks.flip.rebinding.test"] >= 2
    assert connections.inside() == []


_HEADER_TEXT = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40)


@given(
    after=st.one_of(st.none(), st.integers(min_value=-(2**70), max_value=2**70)),
    last_event_id=st.one_of(st.none(), _HEADER_TEXT, st.integers(0, 2**70).map(str)),
)
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_event_cursors_on_a_real_job_never_5xx(
    after: int | None, last_event_id: str | None
) -> None:
    """The schema's fuzzing meets the event stream with made-up ids (404); here the cursors
    hit a job that exists and has ended: a replay (200), nothing after them (204) or 422."""
    job_id = _ended_job()
    headers = {} if last_event_id is None else {"Last-Event-ID": last_event_id}
    params = {} if after is None else {"after": after}
    with TestClient(_APP) as client:
        answer = client.get(f"/jobs/{job_id}/events", params=params, headers=headers)
    assert answer.status_code in (200, 204, 422), answer.text
    if answer.status_code == 200:
        assert answer.text.startswith("retry: ") and "event: failed" in answer.text


_SEGMENT = st.one_of(
    st.sampled_from(["..", ".", "%2e%2e", "..%2f", "%2F", "app.js", "js", "index.html", "%00"]),
    st.text(
        st.characters(min_codepoint=33, max_codepoint=126, exclude_characters="/?#"),
        min_size=1,
        max_size=20,
    ),
)


@given(folder=_SEGMENT, name=_SEGMENT)
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_routes_outside_the_schema_never_5xx(folder: str, name: str) -> None:
    """The page, its static files and /metrics are left out of the OpenAPI schema (so the
    schema's fuzzing never calls them): made-up and traversing paths are 2xx or 4xx here."""
    paths = ["/", "/metrics", f"/static/{name}", f"/static/{folder}/{name}"]
    with TestClient(_APP) as client:
        for path in paths:
            answer = client.get(path)
            assert answer.status_code < 500, (path, answer.status_code, answer.text[:200])


_ENDED: list[str] = []


def _ended_job() -> str:
    """A job of this module's service that has run and failed (its download is refused)."""
    if not _ENDED:
        job, _ = _SERVICE.submit({"video_url": "http://video.cursor.rebinding.test/game.mp4"})
        _ENDED.append(_settled(job.id, require_webhook=False).id)
    return _ENDED[0]


def test_no_fuzzed_request_reached_a_refused_address(
    network: tuple[RebindingResolver, Connections],
) -> None:
    """Runs after the fuzzing: what it queued has run, and nothing connected inside."""
    _, connections = network
    deadline = time.monotonic() + 60
    while _SERVICE.store.count(status=JobStatus.QUEUED) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _SERVICE.store.count(status=JobStatus.QUEUED) == 0
    assert connections.inside() == []


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(body=st.binary(max_size=4096), kind=st.sampled_from(["video", "pbp"]))
def test_random_uploads_are_refused_cleanly(app: FastAPI, body: bytes, kind: str) -> None:
    with TestClient(app) as client:
        r = client.post(f"/upload?kind={kind}", files={"file": ("x.bin", body)})
    assert r.status_code < 500, r.text
    if r.status_code >= 400:
        assert r.json()["error"]["message"]


@pytest.fixture(scope="module")
def mp4_head(broadcast: GeneratedBroadcast) -> bytes:
    with broadcast.video.open("rb") as f:
        return f.read(400_000)


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(cut=st.integers(min_value=0, max_value=400_000))
def test_truncated_mp4_uploads_never_5xx(app: FastAPI, mp4_head: bytes, cut: int) -> None:
    with TestClient(app) as client:
        r = client.post("/upload", files={"file": ("game.mp4", mp4_head[:cut], "video/mp4")})
    assert r.status_code < 500, r.text


def test_video_over_the_length_limit_is_refused(
    tmp_path: Path, broadcast: GeneratedBroadcast
) -> None:
    svc = Service(
        _settings(tmp_path, CUTUPS_MAX_VIDEO_SECONDS=30, CUTUPS_MAX_UPLOAD_BYTES=10**9),
        workers=0,
    )
    svc.start()
    try:
        with TestClient(create_app(svc.settings, service=svc)) as client:
            r = client.post(
                "/upload", files={"file": ("game.mp4", broadcast.video.read_bytes(), "video/mp4")}
            )
        assert r.status_code == 413
        assert r.json()["error"]["code"] == "video_too_long"
        assert "CUTUPS_MAX_VIDEO_SECONDS" in r.json()["error"]["message"]
    finally:
        svc.stop()


# -- play-by-play parsers: CSV text and ESPN-shaped JSON (bytes and CFBD rows: tests/pbp) -------
_cell = st.one_of(st.text(max_size=10), st.integers(-99, 999).map(str), st.just(""))
_CSV_HEADERS = [
    "period",
    "clock",
    "down",
    "distance",
    "yardLine",
    "playType",
    "playText",
    "offense",
    "defense",
    "yardsGained",
    "id",
]


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(
    rows=st.lists(
        st.lists(_cell, min_size=len(_CSV_HEADERS), max_size=len(_CSV_HEADERS)), max_size=6
    )
)
def test_csv_play_by_play_fuzz(rows: list[list[str]]) -> None:
    import csv
    import io as _io

    buf = _io.StringIO()
    w = csv.writer(buf)
    w.writerow(_CSV_HEADERS)
    w.writerows(rows)
    _pbp_outcome(buf.getvalue().encode())


_espn_play = st.fixed_dictionaries(
    {
        "id": _cell,
        "text": _cell,
        "period": st.one_of(st.integers(-2, 9), st.none(), _cell).map(lambda v: {"number": v}),
        "clock": _cell.map(lambda v: {"displayValue": v}),
        "type": _cell.map(lambda v: {"text": v}),
        "start": st.fixed_dictionaries({"down": st.integers(-1, 5), "distance": st.integers()}),
    }
)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(plays=st.lists(_espn_play, max_size=6))
def test_espn_shaped_play_by_play_fuzz(plays: list[dict[str, Any]]) -> None:
    _pbp_outcome({"drives": {"previous": [{"plays": plays}]}})


def _pbp_outcome(source: Any) -> None:
    """Parsing either works or raises the one expected, readable error."""
    from cutups.errors import PbpError
    from cutups.pbp.load import load_pbp

    try:
        load_pbp(source)
    except PbpError as exc:
        assert exc.message
