"""The seed's clipping-worker API (``/ai-clipping/jobs``, seed 003) against real servers.

The seed's client pattern, unchanged: submit a video URL (served here by a local HTTP server),
poll ``GET /ai-clipping/jobs/{id}`` until it completes, fetch each clip by its ``s3_url`` and
check it is a 9:16 video as long as the job says. The talk is two drawn people speaking espeak
sentences in turns (:mod:`tests.shorts.talk_media`). Also: 422s naming the fields, list and
filter by the seed's statuses, cancel with DELETE, API keys, ``/health/models``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from cutups.api.clipping import SEED_STATUSES
from cutups.api.routes.models_health import ModelFile
from cutups.api.signed_links import signed_query, valid_signature
from cutups.media.probe import probe
from tests.api.conftest import Server, server_env, start_server
from tests.shorts.talk_media import fresh_shorts_cache, make_talk_podcast
from tests.sources.fileserver import FileServer, Route, serve_files
from tests.speech.talk import TALK, wer

KEY = "clip-key-7d1e"
AUTH = {"Authorization": f"Bearer {KEY}"}
SEED_BODY = {
    "max_clips": 2,
    "duration_ranges": ["short"],
    "target_platform": "tiktok",
    "include_captions": True,
    "caption_style": {
        "font_family": "Lato Black",
        "font_size": 60,
        "primary_color": "FFFFFF",
        "highlight_color": "FFD700",
        "position": "center",
    },
    "external_job_id": "uuid-from-api-1",
    "owner_user_id": "user-123",
}


@pytest.fixture(scope="module")
def talk_files(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FileServer]:
    """A local HTTP server with a 45-second talk at /talk.mp4."""
    talk = make_talk_podcast(tmp_path_factory.mktemp("clipping-talk"), sentences=TALK[:10])
    with serve_files() as files:
        files.add("/talk.mp4", Route(talk))
        yield files


@pytest.fixture(scope="module")
def clip_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One worker and an API key: the client sends it, clip links need none (signed)."""
    root = tmp_path_factory.mktemp("clipping-server")
    env = server_env(fresh_shorts_cache(tmp_path_factory), {"CUTUPS_API_KEYS": KEY})
    srv = start_server(root / "data", root / "server.log", env, workers=1, headers=AUTH)
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def idle_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """No workers (jobs stay accepted), API keys required, the tiny Whisper model chosen."""
    root = tmp_path_factory.mktemp("clipping-idle")
    env = server_env(
        fresh_shorts_cache(tmp_path_factory),
        {"CUTUPS_API_KEYS": KEY, "CUTUPS_SPEECH_MODEL": "whisper-tiny.en"},
    )
    srv = start_server(
        root / "data", root / "server.log", env, workers=0,
        headers=AUTH,
    )  # fmt: skip
    yield srv
    srv.stop()


def poll_job(base: str, job_id: str, timeout: float = 300) -> tuple[dict[str, Any], list[Any]]:
    """The seed's pollJobCompletion, in a loop: the final answer and every one seen before."""
    seen: list[Any] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job: dict[str, Any] = httpx.get(f"{base}/ai-clipping/jobs/{job_id}", headers=AUTH).json()
        if job["status"] in ("completed", "failed", "canceled"):
            return job, seen
        seen.append((job["status"], job["current_stage"], job["progress_percent"]))
        time.sleep(0.3)
    raise AssertionError(f"job {job_id} did not finish: {seen[-3:]}")


@pytest.fixture(scope="module")
def finished(clip_server: Server, talk_files: FileServer) -> tuple[dict[str, Any], list[Any]]:
    body = {"video_url": talk_files.url("/talk.mp4"), **SEED_BODY}
    answer = httpx.post(f"{clip_server.url}/ai-clipping/jobs", json=body, headers=AUTH)
    assert answer.status_code == 202, answer.text
    accepted = answer.json()
    assert accepted["status"] == "accepted" and accepted["message"] == "Job queued for processing"
    assert accepted["estimated_processing_minutes"] >= 1
    job, seen = poll_job(clip_server.url, accepted["job_id"])
    assert job["job_id"] == accepted["job_id"]
    return job, seen


def test_the_seed_client_submits_polls_and_fetches_playable_vertical_clips(
    finished: tuple[dict[str, Any], list[Any]], tmp_path: Path
) -> None:
    job, seen = finished
    assert job["status"] == "completed", job
    assert job["progress_percent"] == 100 and job["current_stage"] == "completed"
    assert job["external_job_id"] == "uuid-from-api-1" and job["owner_user_id"] == "user-123"
    for status, stage, pct in seen:
        assert status in SEED_STATUSES and stage == status and 0 <= pct <= 100
    pcts = [pct for _, _, pct in seen]
    assert pcts == sorted(pcts)
    assert {"transcribing", "rendering"} <= {status for status, _, _ in seen}, seen
    output = job["output"]
    assert output["job_id"] == job["job_id"] and output["source_video_title"] == "talk"
    clips = output["clips"]
    assert 1 <= output["total_clips"] == len(clips) <= 2
    assert output["processing_time_seconds"] > 0
    for index, clip in enumerate(clips):
        assert clip["clip_index"] == index
        assert 0 <= clip["virality_score"] <= 1 and clip["layout_type"] == "talking_head"
        assert clip["summary"] and clip["tags"] and clip["reasons"]
        assert 15_000 <= clip["duration_ms"] <= 31_000
        assert abs(clip["end_time_ms"] - clip["start_time_ms"] - clip["duration_ms"]) <= 80
        fetched = httpx.get(clip["s3_url"], follow_redirects=True)  # no key: a signed link
        assert fetched.status_code == 200 and fetched.headers["content-type"] == "video/mp4"
        local = tmp_path / f"clip_{index}.mp4"
        local.write_bytes(fetched.content)
        info = probe(local, keyframes=False)
        assert info.video.width / info.video.height == pytest.approx(9 / 16, abs=0.01)
        assert info.has_audio
        assert info.duration == pytest.approx(clip["duration_ms"] / 1000, abs=0.1)


def test_the_transcript_and_plan_urls_answer_json(
    finished: tuple[dict[str, Any], list[Any]],
) -> None:
    output = finished[0]["output"]
    transcript = httpx.get(output["transcript_url"]).json()
    words = [w for s in transcript["segments"] for w in s["words"]]
    assert len(words) > 50 and all(w["start"] <= w["end"] for w in words)
    heard = " ".join(w["text"] for w in words)
    assert wer(" ".join(TALK[:10]), heard) <= 0.15, heard
    plan = httpx.get(output["plan_url"]).json()
    assert len(plan["clips"]) == output["total_clips"]
    starts = sorted(round(c["start"] * 1000) for c in plan["clips"])
    assert starts == sorted(c["start_time_ms"] for c in output["clips"])


def test_the_same_external_job_id_answers_the_same_job(
    clip_server: Server, talk_files: FileServer, finished: tuple[dict[str, Any], list[Any]]
) -> None:
    body = {"video_url": talk_files.url("/talk.mp4"), **SEED_BODY}
    again = httpx.post(f"{clip_server.url}/ai-clipping/jobs", json=body, headers=AUTH)
    assert again.status_code == 200 and again.json()["job_id"] == finished[0]["job_id"]
    assert again.json()["status"] == "completed"
    other = httpx.post(
        f"{clip_server.url}/ai-clipping/jobs", json={**body, "max_clips": 1}, headers=AUTH
    )
    assert other.status_code == 409 and other.json()["error"]["code"] == "idempotency_conflict"


def test_signed_links_refuse_a_changed_signature_file_or_expiry(
    finished: tuple[dict[str, Any], list[Any]],
) -> None:
    url = finished[0]["output"]["clips"][0]["s3_url"]
    assert "/ai-clipping/links/" in url and "signature=" in url
    path, _, query = url.partition("?")
    params = dict(p.split("=") for p in query.split("&"))
    forged = f"{params['signature'][:-1]}{'0' if params['signature'][-1] != '0' else '1'}"
    for changed in (
        f"{path}?expires={params['expires']}&signature={forged}",
        f"{path}?expires={int(params['expires']) + 1}&signature={params['signature']}",
        f"{path.rsplit('/', 1)[0]}/short-99.mp4?{query}",
        f"{path.split('/clips/')[0]}/plan.json?{query}",
    ):
        answer = httpx.get(changed)
        assert answer.status_code == 403 and answer.json()["error"]["code"] == "forbidden"
    assert httpx.get(path).status_code == 422  # no signature at all


def test_a_link_signature_expires() -> None:
    keys = ("k",)
    query = signed_query(keys, "job1", "plan.json", 60, now=1000.0)
    params = dict(p.split("=") for p in query.lstrip("?").split("&"))
    expires, signature = int(params["expires"]), params["signature"]
    assert valid_signature(keys, "job1", "plan.json", expires, signature, now=1059.0)
    assert not valid_signature(keys, "job1", "plan.json", expires, signature, now=1061.0)
    assert not valid_signature(("other",), "job1", "plan.json", expires, signature, now=1000.0)


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"youtubeUrl": "x", "clipCount": 2}, ["youtubeUrl: unknown field", "clipCount: unknown"]),
        ({"duration_ranges": ["tiny"]}, ["duration_ranges.0: Input should be 'short'"]),
        ({"max_clips": 0}, ["max_clips: Input should be greater than or equal to 1"]),
        ({"target_platform": "vine"}, ["target_platform: Input should be 'tiktok'"]),
        ({"caption_style": {"font_colour": "red"}}, ["caption_style.font_colour: Extra inputs"]),
        ({"caption_style": {"primary_color": "red"}}, ["caption_style.primary_color: Value"]),
        ({"video_url": "ftp://example.com/a.mp4"}, ["ftp"]),
    ],
)
def test_bad_submissions_are_422_naming_the_seed_fields(
    idle_server: Server, change: dict[str, Any], named: list[str]
) -> None:
    body = {"video_url": "https://example.com/talk.mp4", **change}
    with idle_server.client() as client:
        answer = client.post("/ai-clipping/jobs", json=body)
    assert answer.status_code == 422, answer.text
    message = answer.json()["error"]["message"]
    for part in named:
        assert part in message, message


def test_a_missing_video_url_is_named(idle_server: Server) -> None:
    with idle_server.client() as client:
        answer = client.post("/ai-clipping/jobs", json={"max_clips": 2})
    assert answer.status_code == 422 and "video_url: Field required" in answer.text


def test_routes_need_the_api_key_like_the_others(idle_server: Server) -> None:
    for method, path in (("POST", "/ai-clipping/jobs"), ("GET", "/ai-clipping/jobs")):
        answer = httpx.request(method, f"{idle_server.url}{path}", json={})
        assert answer.status_code == 401, (path, answer.text)
    models = httpx.get(f"{idle_server.url}/health/models", timeout=120)  # hashes every model
    assert models.status_code == 200  # no key needed, as /health


def test_list_filter_and_cancel_with_delete(idle_server: Server) -> None:
    with idle_server.client() as client:
        ids = [
            client.post(
                "/ai-clipping/jobs", json={"video_url": f"https://example.com/{n}.mp4"}
            ).json()["job_id"]
            for n in range(3)
        ]
        plays = client.post("/jobs", json={"video_url": "https://example.com/game.mp4"})
        assert plays.status_code == 202
        listed = client.get("/ai-clipping/jobs", params={"status": "accepted", "limit": 2}).json()
        assert [j["job_id"] for j in listed["jobs"]] == ids[::-1][:2] and listed["count"] == 2
        assert all(j["current_message"] == "Job queued for processing" for j in listed["jobs"])
        everything = client.get("/ai-clipping/jobs").json()["jobs"]
        assert plays.json()["job_id"] not in {j["job_id"] for j in everything}
        assert client.get(f"/ai-clipping/jobs/{plays.json()['job_id']}").status_code == 404

        gone = client.delete(f"/ai-clipping/jobs/{ids[0]}")
        assert gone.status_code == 200 and gone.json()["status"] == "canceled"
        canceled = client.get("/ai-clipping/jobs", params={"status": "canceled"}).json()["jobs"]
        assert [j["job_id"] for j in canceled] == [ids[0]]
        assert client.get(f"/ai-clipping/jobs/{ids[0]}").json()["status"] == "canceled"
        assert client.get("/ai-clipping/jobs", params={"status": "paused"}).status_code == 422
        assert client.delete("/ai-clipping/jobs/0123456789abcdef").status_code == 404
        files = client.get(f"/ai-clipping/jobs/{ids[1]}/transcript.json")
        assert files.status_code == 404 and "accepted" in files.json()["error"]["message"]


def test_health_models_reports_each_model_checked(clip_server: Server, idle_server: Server) -> None:
    started = time.monotonic()
    answer = httpx.get(f"{clip_server.url}/health/models", timeout=120)
    first = time.monotonic() - started
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["ok"] is True and body["failing"] == []
    whisper = {m["name"]: m for m in body["models"]["whisper"]}
    assert whisper["whisper-base"]["required"] and whisper["whisper-base"]["verified"]
    assert not whisper["whisper-tiny.en"]["required"]
    assert len(whisper["whisper-base"]["files"]) == 5
    face = body["models"]["face_detector"][0]
    assert face["required"] and face["verified"] and len(face["files"][0]["sha256"]) == 64
    aligner = body["models"]["aligner"][0]
    assert aligner["required"] and aligner["verified"] and len(aligner["files"]) == 8
    voice = body["models"]["piper_voice"][0]
    assert voice["required"] is False and voice["present"] is True
    started = time.monotonic()
    assert httpx.get(f"{clip_server.url}/health/models").json() == body
    print(f"\n/health/models: first {first:.2f} s, again {time.monotonic() - started:.2f} s")
    # Another server, another configured model: that one becomes the required one.
    again = httpx.get(f"{idle_server.url}/health/models", timeout=120).json()
    tiny = {m["name"]: m for m in again["models"]["whisper"]}
    assert tiny["whisper-tiny.en"]["required"] and not tiny["whisper-base"]["required"]


def test_a_model_file_that_differs_from_its_pin_is_not_verified(tmp_path: Path) -> None:
    altered = tmp_path / "model.bin"
    altered.write_bytes(b"not the model")
    checked = ModelFile("model.bin", altered, "0" * 64).check()
    assert checked["present"] and not checked["verified"]
    missing = ModelFile("pkg/model.bin", None, "0" * 64).check()
    assert not missing["present"] and not missing["verified"]
