"""The page's shorts view: a finished shorts job (submitted through the seed's
``/ai-clipping/jobs``) shows its clips in phone-shaped 9:16 players with their score, reasons,
title, summary and tags, and the talk's transcript with the clips' stretches marked; the plays
browser is not shown. At phone width the view fits."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.api.conftest import Server, server_env, start_server
from tests.shorts.talk_media import fresh_shorts_cache, make_talk_podcast
from tests.sources.fileserver import Route, serve_files
from tests.speech.talk import TALK
from tests.web.conftest import PHONE, no_horizontal_overflow, screenshot


@pytest.fixture(scope="module")
def shorts_job(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, dict[str, Any]]]:
    """A server and a completed shorts job on it (its ``/ai-clipping`` answer)."""
    talk = make_talk_podcast(tmp_path_factory.mktemp("page-talk"), sentences=TALK[:10])
    root = tmp_path_factory.mktemp("web-shorts")
    env = server_env(fresh_shorts_cache(tmp_path_factory))
    server = start_server(root / "data", root / "server.log", env, workers=1)
    try:
        with serve_files() as files:
            url = files.add("/talk.mp4", Route(talk))
            body = {"video_url": url, "max_clips": 2, "duration_ranges": ["short"]}
            job_id = httpx.post(f"{server.url}/ai-clipping/jobs", json=body).json()["job_id"]
            deadline = time.monotonic() + 300
            job: dict[str, Any] = {}
            while time.monotonic() < deadline:
                job = httpx.get(f"{server.url}/ai-clipping/jobs/{job_id}").json()
                if job["status"] in ("completed", "failed"):
                    break
                time.sleep(0.5)
        assert job.get("status") == "completed", f"{job}\n{server.log_tail()}"
        yield server, job
    finally:
        server.stop()


def _ratio(page: Page, selector: str) -> float:
    box = page.locator(selector).first.bounding_box()
    assert box is not None
    return float(box["width"] / box["height"])


def test_a_finished_shorts_job_shows_phone_players_scores_reasons_and_transcript(
    page: Page, shorts_job: tuple[Server, dict[str, Any]]
) -> None:
    server, job = shorts_job
    clips = job["output"]["clips"]
    page.goto(f"{server.url}/#/jobs/{job['job_id']}")
    section = page.locator("#shorts-section")
    expect(section).to_be_visible()
    expect(page.locator(".clips-section")).to_be_hidden()  # the plays browser stays away
    cards = page.locator("#shorts-list .short-card")
    expect(cards).to_have_count(len(clips))
    expect(page.locator("#shorts-count")).to_have_text(
        f"{len(clips)} short{'s' if len(clips) > 1 else ''}, best first"
    )
    best = max(clips, key=lambda c: c["virality_score"])
    first = cards.first
    score = round(best["virality_score"] * 100)
    expect(first.locator(".short-score")).to_have_text(f"Score {score}")
    expect(first.locator(".short-summary")).to_have_text(best["summary"])
    expect(first.locator(".short-reasons li")).to_have_count(len(best["reasons"]))
    expect(first.locator(".short-tags li")).to_have_count(len(best["tags"]))
    expect(first.locator(".short-title")).to_have_text(best["title"])

    # A phone-shaped player, and the clip in it is 9:16 and as long as the job says.
    assert _ratio(page, ".short-card .phone video") == pytest.approx(9 / 16, abs=0.01)
    page.wait_for_function(
        "() => { const v = document.querySelector('.short-card video'); return v.readyState >= 1; }"
    )
    width, height, duration = page.evaluate(
        "() => { const v = document.querySelector('.short-card video');"
        " return [v.videoWidth, v.videoHeight, v.duration]; }"
    )
    assert width / height == pytest.approx(9 / 16, abs=0.01)
    assert duration == pytest.approx(best["duration_ms"] / 1000, abs=0.15)

    # The transcript, the clips' stretches marked with their numbers.
    segments = page.locator("#shorts-transcript .seg")
    expect(segments.first).to_be_visible()
    assert segments.count() >= 5
    marked = page.locator("#shorts-transcript .seg.in-short")
    assert marked.count() >= 1
    numbers = {marked.nth(i).get_attribute("data-short") for i in range(marked.count())}
    assert numbers <= {str(c["clip_index"] + 1) for c in clips}
    expect(page.locator("#shorts-transcript")).to_contain_text("finish the project")
    screenshot(page, "shorts.png")


def test_without_api_keys_the_links_are_the_apis_own(shorts_job: tuple[Server, Any]) -> None:
    server, job = shorts_job
    clip = job["output"]["clips"][0]
    assert clip["s3_url"].startswith(f"{server.url}/jobs/{job['job_id']}/clips/short-")
    fetched = httpx.get(clip["s3_url"])
    assert fetched.status_code == 200 and fetched.headers["content-type"] == "video/mp4"
    assert job["output"]["plan_url"] == f"{server.url}/ai-clipping/jobs/{job['job_id']}/plan.json"
    assert httpx.get(job["output"]["plan_url"]).json()["clips"]


def test_the_shorts_view_fits_a_phone(
    browser: Browser, shorts_job: tuple[Server, dict[str, Any]]
) -> None:
    server, job = shorts_job
    ctx = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    try:
        page = ctx.new_page()
        page.goto(f"{server.url}/#/jobs/{job['job_id']}")
        expect(page.locator("#shorts-list .short-card").first).to_be_visible()
        assert _ratio(page, ".short-card .phone video") == pytest.approx(9 / 16, abs=0.01)
        no_horizontal_overflow(page)
    finally:
        ctx.close()


def test_a_plays_job_has_no_shorts_section(page: Page, shorts_job: tuple[Server, Any]) -> None:
    server, _ = shorts_job
    with server.client() as client:
        job_id = client.post("/jobs", json={"video_url": "https://example.com/game.mp4"}).json()[
            "job_id"
        ]
    page.goto(f"{server.url}/#/jobs/{job_id}")
    expect(page.locator("#job-sub")).to_contain_text("Plays recipe")
    expect(page.locator("#shorts-section")).to_be_hidden()
    expect(page.locator(".clips-section")).to_be_visible()
