"""The web page end to end: submit, watch a job live, browse and play clips, download, cancel.

Each test drives the page served at ``/`` by a real ``cutups serve`` in headless Chromium. The
main flow also writes the README's screenshots to ``docs/screenshots/``.
"""

from __future__ import annotations

import json
import re
import time
import zipfile
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, Page, expect

from cutups_testkit import GeneratedBroadcast
from tests.api.conftest import Server, wait_job
from tests.sources.fileserver import Route, serve_files
from tests.web.conftest import (
    PHONE,
    SCREENSHOTS,
    WEB_KEY,
    job_status,
    no_horizontal_overflow,
    screenshot,
    submit_by_api,
)

JOB_URL = re.compile(r"#/jobs/[0-9a-f]{6,64}$")


def _cards(page: Page) -> list[dict[str, Any]]:
    """Every clip card: id, bucket, visible."""
    cards: list[dict[str, Any]] = page.evaluate(
        """() => [...document.querySelectorAll('#clip-list .clip-card')].map(li => ({
            id: li.dataset.clipId, bucket: li.dataset.bucket,
            visible: !li.hidden && li.offsetParent !== null}))"""
    )
    return cards


def _visible_ids(page: Page) -> list[str]:
    return [c["id"] for c in _cards(page) if c["visible"]]


def _current_clip(page: Page) -> str | None:
    current = page.locator('.clip-btn[aria-current="true"]')
    if current.count() == 0:
        return None
    return current.locator("xpath=..").get_attribute("data-clip-id")


def _wait_thumbs_loaded(page: Page) -> None:
    page.wait_for_function(
        """() => {
            const imgs = [...document.querySelectorAll('#clip-list .clip-card:not([hidden]) img')];
            return imgs.length > 0 && imgs.every(i => i.complete && i.naturalWidth > 0);
        }"""
    )


def _settle_player(page: Page) -> None:
    """Play the selected clip a moment and pause: the player then shows a frame, not the
    controls' loading spinner (for screenshots)."""
    page.evaluate(
        """async () => {
            const v = document.getElementById('clip-video');
            v.muted = true;
            await v.play();
            while (v.currentTime < 0.3) await new Promise(r => setTimeout(r, 50));
            v.pause();
            v.muted = false;
        }"""
    )


def test_upload_watch_browse_play_and_download(
    page: Page,
    context: BrowserContext,
    web_server: Server,
    broadcast: GeneratedBroadcast,
    tmp_path: Path,
) -> None:
    page.goto(f"{web_server.url}/")
    expect(page.get_by_role("heading", name="Cut a game into plays")).to_be_visible()
    assert page.evaluate("document.title").startswith("New job")

    # -- submit: the video file, its play-by-play, the team; defaults for the clip options
    page.get_by_label("Video file").set_input_files(broadcast.video)
    page.get_by_label("Your team").fill(broadcast.truth.home.name)
    page.locator('label[for="pbp-file-choice"]').click()
    page.get_by_label("Play-by-play file").set_input_files(broadcast.pbp["cfbd_json"])
    for label, value in [
        ("Before the snap", "2"),
        ("After the whistle", "2"),
        ("Shortest clip", "4"),
        ("Longest clip", "40"),
    ]:
        expect(page.get_by_label(label)).to_have_value(value)
    screenshot(page, "submit.png")

    # Throttle the upload (Chromium's network emulation) so its progress bar can be watched.
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    throttle = {"offline": False, "latency": 0, "downloadThroughput": -1}
    cdp.send("Network.emulateNetworkConditions", {**throttle, "uploadThroughput": 4_000_000})
    page.get_by_role("button", name="Cut it up").click()
    page.wait_for_function(
        """() => {
            const bar = document.getElementById('upload-progress');
            return !document.getElementById('upload').hidden && bar.value > 0 && bar.value < 100;
        }"""
    )
    expect(page.locator("#upload-text")).to_contain_text(re.compile(r"\d+% · [\d.]+ MB of"))
    expect(page.locator("#upload-label")).to_contain_text("broadcast.mp4")

    # -- the live job view
    page.wait_for_url(JOB_URL, timeout=60_000)
    cdp.send("Network.emulateNetworkConditions", {**throttle, "uploadThroughput": -1})
    job_id = page.url.rsplit("/", 1)[-1]
    expect(page.locator("#job-id")).to_have_text(job_id)
    expect(page.locator("#job-title")).to_have_text("broadcast.mp4")
    first_pct = page.locator("#job-pct").inner_text()
    page.wait_for_function(
        "first => document.getElementById('job-pct').textContent !== first", arg=first_pct
    )
    assert re.fullmatch(r"\d{1,3}%", page.locator("#job-pct").inner_text())

    # A clip card shows up while the job is still running.
    page.wait_for_selector("#clip-list .clip-card", timeout=90_000)
    state = page.evaluate(
        """() => ({cards: document.querySelectorAll('#clip-list .clip-card').length,
                   status: document.getElementById('job-status').dataset.status})"""
    )
    assert state["cards"] >= 1 and state["status"] != "completed", state
    assert job_status(web_server, job_id) == "processing"
    _wait_thumbs_loaded(page)
    expect(page.locator("#job-stage")).not_to_have_text("Loading…")
    _settle_player(page)
    screenshot(page, "running.png")

    # -- completion: 100 %, every clip, the reel with its chapters, the downloads
    expect(page.locator("#job-status")).to_have_attribute(
        "data-status", "completed", timeout=90_000
    )
    expect(page.locator("#job-pct")).to_have_text("100%")
    with web_server.client() as client:
        finished = wait_job(client, job_id, server=web_server)
    assert finished["status"] == "completed"
    clip_count = finished["result"]["clips"]
    assert clip_count >= 2
    expect(page.locator("#clip-list .clip-card")).to_have_count(clip_count)
    expect(page.locator("#chapters button")).to_have_count(clip_count)
    expect(page.get_by_role("link", name="Download ZIP")).to_be_visible()
    cards = _cards(page)
    assert all(c["visible"] for c in cards)
    assert {c["bucket"] for c in cards} <= {"team_offense", "opp_offense", "special_teams"}

    # -- filter to one bucket: only its cards stay visible
    bucket = cards[-1]["bucket"]
    page.locator(f'label[for="bucket-{bucket}"]').click()
    page.wait_for_function(
        "b => [...document.querySelectorAll('#clip-list .clip-card')]"
        ".every(li => li.hidden === (li.dataset.bucket !== b))",
        arg=bucket,
    )
    after = _cards(page)
    assert [c["id"] for c in after if c["visible"]] == [
        c["id"] for c in after if c["bucket"] == bucket
    ]
    assert 0 < len(_visible_ids(page)) < clip_count
    expect(page.locator("#clips-count")).to_contain_text(f"Showing {len(_visible_ids(page))} of")
    page.get_by_role("button", name="Reset filters").click()
    expect(page.locator("#clip-list .clip-card:not([hidden])")).to_have_count(clip_count)

    # -- the confidence threshold hides clips scoring below it (generated clips score < 100)
    page.locator("#filter-conf").fill("100")
    expect(page.locator("#filter-conf-out")).to_have_text("100")
    expect(page.locator("#clip-list .clip-card:not([hidden])")).to_have_count(0)
    expect(page.locator("#clips-empty")).to_have_text("No clips match these filters.")
    page.locator("#filter-conf").fill("40")
    expect(page.locator("#clip-list .clip-card:not([hidden])")).to_have_count(clip_count)

    # -- play a clip; keyboard: →/k next, ←/j previous, Space play/pause
    ids = _visible_ids(page)
    page.locator(f'.clip-card[data-clip-id="{ids[0]}"] .clip-btn').click()
    page.wait_for_function(
        "() => { const v = document.getElementById('clip-video');"
        " return v.currentTime > 0 && !v.paused; }"
    )
    assert page.evaluate("document.getElementById('clip-video').src").endswith(f"/clips/{ids[0]}")
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "id => document.getElementById('clip-video').src.endsWith('/clips/' + id)", arg=ids[1]
    )
    assert _current_clip(page) == ids[1]
    expect(page.locator("#now-playing")).to_have_text(f"Clip 2 of {clip_count}")
    page.keyboard.press("j")
    page.wait_for_function(
        "id => document.getElementById('clip-video').src.endsWith('/clips/' + id)", arg=ids[0]
    )
    page.keyboard.press("k")
    page.wait_for_function(
        "id => document.getElementById('clip-video').src.endsWith('/clips/' + id)", arg=ids[1]
    )
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(
        "id => document.getElementById('clip-video').src.endsWith('/clips/' + id)", arg=ids[0]
    )
    page.wait_for_function("() => document.getElementById('clip-video').currentTime > 0.3")
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("Space")
    page.wait_for_function("() => document.getElementById('clip-video').paused")
    page.keyboard.press("Space")
    page.wait_for_function("() => !document.getElementById('clip-video').paused")
    page.keyboard.press("Space")
    page.wait_for_function("() => document.getElementById('clip-video').paused")
    # a focused video keeps its own Space, but ←/→ still change clips
    page.locator("#clip-video").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "id => document.getElementById('clip-video').src.endsWith('/clips/' + id)", arg=ids[1]
    )
    page.locator(f'.clip-card[data-clip-id="{ids[0]}"] .clip-btn').click()
    page.wait_for_function(
        "id => { const v = document.getElementById('clip-video');"
        " return v.src.endsWith('/clips/' + id) && v.currentTime > 0.5; }",
        arg=ids[0],
    )
    # Space on the focused card of the playing clip pauses it
    page.locator(f'.clip-card[data-clip-id="{ids[0]}"] .clip-btn').press("Space")
    page.wait_for_function("() => document.getElementById('clip-video').paused")
    screenshot(page, "clips.png")

    # -- the reel: clicking a chapter seeks to that clip's place
    second = page.locator("#chapters button").nth(1)
    at = float(second.get_attribute("data-at") or "nan")
    assert at > 0
    second.click()
    page.wait_for_function(
        "at => { const r = document.getElementById('reel-video');"
        " return r.readyState > 0 && r.currentTime >= at - 0.05; }",
        arg=at,
    )
    expect(second).to_have_attribute("aria-current", "true")
    page.evaluate("document.getElementById('reel-video').pause()")

    # -- downloads: the ZIP (with its manifest) and one clip
    with page.expect_download() as zip_download:
        page.get_by_role("link", name="Download ZIP").click()
    zip_path = tmp_path / "job.zip"
    zip_download.value.save_as(zip_path)
    assert zip_download.value.suggested_filename == f"cutups-{job_id}.zip"
    with zipfile.ZipFile(zip_path) as archive:
        assert "manifest.json" in archive.namelist()
        listed = json.loads(archive.read("manifest.json"))
    assert listed["job_id"] == job_id and len(listed["clips"]) == clip_count
    with page.expect_download() as clip_download:
        page.get_by_role("link", name="Download clip").click()
    clip_path = tmp_path / "clip.mp4"
    clip_download.value.save_as(clip_path)
    assert clip_path.read_bytes()[4:8] == b"ftyp"

    # -- the jobs list shows it, completed, with its clip count
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Jobs").click()
    row = page.locator(f'.job-row[data-job-id="{job_id}"]')
    expect(row).to_be_visible()
    expect(row.locator(".status")).to_have_text("completed")
    expect(row).to_contain_text(f"{clip_count} clips")
    expect(row.get_by_role("button", name=re.compile("^Cancel"))).to_be_hidden()

    # -- the job view is bookmarkable: a fresh load of its URL shows the finished job
    page.goto(f"{web_server.url}/#/jobs/{job_id}")
    expect(page.locator("#job-status")).to_have_attribute("data-status", "completed")
    expect(page.locator("#clip-list .clip-card")).to_have_count(clip_count)


def test_cancel_a_running_job(
    page: Page, web_server: Server, broadcast: GeneratedBroadcast
) -> None:
    with serve_files() as files:
        files.add("/game.mp4", Route(broadcast.video))
        page.goto(f"{web_server.url}/")
        page.locator('label[for="source-url"]').click()
        page.get_by_label("Video link").fill(files.url("/game.mp4"))
        page.get_by_role("button", name="Cut it up").click()
        page.wait_for_url(JOB_URL)
        job_id = page.url.rsplit("/", 1)[-1]
        expect(page.locator("#job-title")).to_contain_text("game.mp4")
        expect(page.locator("#job-status")).to_have_attribute("data-status", "processing")
        cancel = page.get_by_role("button", name="Cancel job")
        expect(cancel).to_be_visible()
        page.once("dialog", lambda dialog: dialog.accept())
        cancel.click()
        expect(page.locator("#job-status")).to_have_attribute(
            "data-status", "canceled", timeout=20_000
        )
        expect(cancel).to_be_hidden()
        assert job_status(web_server, job_id) == "canceled"

        page.get_by_role("navigation", name="Main").get_by_role("link", name="Jobs").click()
        row = page.locator(f'.job-row[data-job-id="{job_id}"]')
        expect(row.locator(".status")).to_have_text("canceled")
        expect(row.get_by_role("button", name=re.compile("^Cancel"))).to_be_hidden()


def test_cancel_from_the_jobs_list(
    page: Page, web_server: Server, broadcast: GeneratedBroadcast
) -> None:
    with serve_files() as files:
        files.add("/list.mp4", Route(broadcast.video))
        with web_server.client() as client:
            answer = client.post("/jobs", json={"video_url": files.url("/list.mp4")})
        job_id = answer.json()["job_id"]
        page.goto(f"{web_server.url}/#/jobs")
        row = page.locator(f'.job-row[data-job-id="{job_id}"]')
        expect(row).to_be_visible()
        expect(row.get_by_role("link", name="list.mp4 (127.0.0.1)")).to_be_visible()
        cancel = row.get_by_role("button", name="Cancel list.mp4 (127.0.0.1)")
        expect(cancel).to_be_visible()
        assert job_status(web_server, job_id) in ("queued", "processing")
        page.once("dialog", lambda dialog: dialog.accept())
        cancel.click()
        expect(row.locator(".status")).to_have_text("canceled", timeout=20_000)
        expect(cancel).to_be_hidden()
        assert job_status(web_server, job_id) == "canceled"


def test_errors_are_shown_in_place(page: Page, web_server: Server, tmp_path: Path) -> None:
    page.goto(f"{web_server.url}/")
    page.get_by_role("button", name="Cut it up").click()
    expect(page.locator("#video-file-error")).to_have_text("Choose a video file.")
    expect(page.get_by_label("Video file")).to_be_focused()
    expect(page.get_by_label("Video file")).to_have_attribute("aria-invalid", "true")

    not_video = tmp_path / "notes.mp4"
    not_video.write_bytes(b"this is not a video at all\n" * 100)
    page.get_by_label("Video file").set_input_files(not_video)
    page.get_by_role("button", name="Cut it up").click()
    banner = page.locator("#submit-error")
    expect(banner).to_contain_text("not a usable video")
    expect(banner).to_contain_text("unsupported_media_type")
    expect(page.locator("#video-file-error")).to_contain_text("not a usable video")
    assert page.url.endswith("/") or page.url.endswith("#/")

    page.get_by_label("Shortest clip").fill("50")
    page.get_by_label("Longest clip").fill("10")
    page.get_by_role("button", name="Cut it up").click()
    expect(page.locator("#options-error")).to_contain_text("cannot be longer")

    page.get_by_label("Longest clip").fill("40")
    page.get_by_label("Shortest clip").fill("4")
    page.locator('label[for="source-url"]').click()
    page.get_by_label("Video link").fill("ftp://example.com/game.mp4")
    page.get_by_role("button", name="Cut it up").click()
    expect(page.locator("#video-url-error")).to_contain_text("http:// or https://")

    page.goto(f"{web_server.url}/#/jobs/0123456789ab")
    expect(page.locator("#banner")).to_contain_text("There is no job")


def test_phone_width_does_not_overflow(
    browser: Any, web_server: Server, broadcast: GeneratedBroadcast
) -> None:
    job_id = submit_by_api(web_server, broadcast)
    with web_server.client() as client:
        wait_job(client, job_id, server=web_server)
    ctx = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    try:
        page = ctx.new_page()
        for hash_ in ("#/", "#/jobs", f"#/jobs/{job_id}"):
            page.goto(f"{web_server.url}/{hash_}")
            if hash_ == "#/jobs":
                expect(page.locator(f'.job-row[data-job-id="{job_id}"]')).to_be_visible()
            if hash_.startswith("#/jobs/"):
                expect(page.locator("#job-status")).to_have_attribute("data-status", "completed")
                expect(page.locator("#reel-section")).to_be_visible()
                _wait_thumbs_loaded(page)
            no_horizontal_overflow(page)
        # the README's phone shot: the player and the first clip cards, below the sticky header
        page.evaluate(
            "window.scrollTo(0, document.getElementById('player').getBoundingClientRect().top"
            " + window.scrollY - 64)"
        )
        _settle_player(page)
        page.wait_for_timeout(600)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / "phone.png", animations="disabled")
        # The API-key panel opens without overflowing either.
        page.locator("#key-panel summary").click()
        expect(page.get_by_label("API key", exact=True)).to_be_visible()
        no_horizontal_overflow(page)
    finally:
        ctx.close()


def test_with_api_keys_the_pasted_key_is_sent(
    page: Page, keyed_server: Server, broadcast: GeneratedBroadcast
) -> None:
    authorized: list[str] = []
    page.on(
        "request",
        lambda req: (
            authorized.append(req.url)
            if req.headers.get("authorization") == f"Bearer {WEB_KEY}"
            else None
        ),
    )
    page.goto(f"{keyed_server.url}/#/jobs")
    expect(page.locator("#banner")).to_contain_text("needs an API key")
    expect(page.get_by_label("API key", exact=True)).to_be_focused()
    page.get_by_label("API key", exact=True).fill(WEB_KEY)
    page.get_by_role("button", name="Save key").click()
    expect(page.locator("#banner")).to_be_hidden()
    expect(page.locator("#jobs-empty")).to_be_visible()
    expect(page.locator("#key-summary")).to_have_text("API key saved")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="New job").click()
    page.get_by_label("Video file").set_input_files(broadcast.video)
    page.locator('label[for="pbp-file-choice"]').click()
    page.get_by_label("Play-by-play file").set_input_files(broadcast.pbp["cfbd_json"])
    page.get_by_label("Your team").fill(broadcast.truth.home.name)
    page.get_by_role("button", name="Cut it up").click()
    page.wait_for_url(JOB_URL, timeout=60_000)
    job_id = page.url.rsplit("/", 1)[-1]
    expect(page.locator("#job-status")).to_have_attribute(
        "data-status", "completed", timeout=90_000
    )
    # media behind the key arrive as blobs
    _wait_thumbs_loaded(page)
    assert page.evaluate(
        "[...document.querySelectorAll('#clip-list img')].every(i => i.src.startsWith('blob:'))"
    )
    page.locator("#clip-list .clip-btn").first.click()
    page.wait_for_function("() => document.getElementById('clip-video').currentTime > 0")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download ZIP").click()
    assert download.value.suggested_filename == f"cutups-{job_id}.zip"
    with zipfile.ZipFile(download.value.path()) as archive:
        assert "manifest.json" in archive.namelist()
    deadline = time.monotonic() + 5
    while not any(u.endswith(f"/jobs/{job_id}/events") for u in authorized):
        assert time.monotonic() < deadline, "the event stream was not read with the key"
        time.sleep(0.1)
    assert any("/upload" in u for u in authorized)


def test_every_control_has_a_label(page: Page, web_server: Server) -> None:
    page.goto(f"{web_server.url}/")
    unlabeled = page.evaluate(
        """() => [...document.querySelectorAll('input, select, textarea, button, a[href], video')]
            .filter(el => {
                if (el.ariaLabel || el.getAttribute('aria-labelledby')) return false;
                if (['INPUT', 'SELECT', 'TEXTAREA'].includes(el.tagName)) return !el.labels.length;
                if (el.tagName === 'VIDEO') return true;
                return !el.textContent.trim();
            })
            .map(el => el.outerHTML.slice(0, 120))"""
    )
    assert unlabeled == []
    # the live region for progress announcements, and the job's progress bar
    assert page.locator('#live[aria-live="polite"]').count() == 1
    assert page.locator('#job-meter[role="progressbar"]').count() == 1
