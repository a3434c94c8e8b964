"""The page and recipes: the picker lists what ``GET /recipes`` lists, a recipe the page has
never heard of gets its options drawn from its schema and runs, a refused option is shown
next to its field; a finished job shows its warnings; a plays job builds playlists by query.

The server loads two recipes from the test suite (``CUTUPS_RECIPE_MODULES``), as any
installation adding its own would: ``every`` (tests/recipes/tiny_recipe.py) and ``sampler``
(tests/web/sampler_recipe.py, one option of each kind the page can draw).
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from cutups_testkit import GeneratedBroadcast
from tests.api.conftest import Server, server_env, start_server, wait_job
from tests.sources.fileserver import FileServer, Route
from tests.web.conftest import (
    PHONE,
    no_horizontal_overflow,
    screenshot,
    submit_by_api,
)

ROOT = Path(__file__).resolve().parents[2]
RECIPE_MODULES = "tests.recipes.tiny_recipe,tests.web.sampler_recipe"
JOB_URL = re.compile(r"#/jobs/[0-9a-f]{6,64}$")


@pytest.fixture(scope="module")
def recipe_server(tmp_path_factory: pytest.TempPathFactory, web_cache: Path) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("web-recipes")
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    env = server_env(web_cache, {"CUTUPS_RECIPE_MODULES": RECIPE_MODULES, "PYTHONPATH": path})
    srv = start_server(root / "data", root / "server.log", env, workers=2)
    yield srv
    srv.stop()


def _open_form(page: Page, server: Server, recipe: str, video_url: str) -> None:
    page.goto(f"{server.url}/")
    expect(page.locator("#recipe option")).not_to_have_count(1)  # GET /recipes has answered
    page.get_by_label("Recipe", exact=True).select_option(recipe)
    page.locator('label[for="source-url"]').click()
    page.get_by_label("Video link", exact=True).fill(video_url)


def _submitted_job(page: Page, server: Server) -> dict[str, object]:
    page.get_by_role("button", name="Cut it up").click()
    page.wait_for_url(JOB_URL, timeout=60_000)
    with server.client() as client:
        return wait_job(client, page.url.rsplit("/", 1)[-1], server=server)


def test_the_picker_lists_the_servers_recipes_and_runs_one_the_page_does_not_know(
    page: Page, recipe_server: Server, files: FileServer
) -> None:
    with recipe_server.client() as client:
        listed = [r["name"] for r in client.get("/recipes").json()]
    assert listed[0] == "plays" and {"every", "sampler"} <= set(listed)
    page.goto(f"{recipe_server.url}/")
    picker = page.get_by_label("Recipe", exact=True)
    expect(picker.locator("option")).to_have_text(listed)
    expect(picker).to_have_value("plays")
    expect(page.get_by_label("Before the snap")).to_be_visible()
    expect(page.get_by_label("Your team")).to_be_visible()

    _open_form(page, recipe_server, "every", files.url("/broadcast.mp4"))
    expect(page.get_by_role("heading", level=1)).to_have_text("New every job")
    expect(page.locator("#recipe-hint")).to_have_text("A clip every few seconds (test recipe)")
    for hidden in ("Before the snap", "Your team", "Play-by-play file"):
        expect(page.get_by_label(hidden)).to_be_hidden()
    expect(page.locator("#game-step")).to_be_hidden()  # every reads no play-by-play
    expect(page.get_by_label("Every", exact=True)).to_have_value("10")
    expect(page.get_by_label("Length", exact=True)).to_have_value("3")
    expect(page.locator("#ro-length-hint")).to_have_text(
        "Seconds per clip. More than 0 and at most 60. Default: 3."
    )
    page.get_by_label("Every", exact=True).fill("40")
    job = _submitted_job(page, recipe_server)
    assert job["status"] == "completed", job
    assert job["recipe"] == "every" and job["options"] == {"every": 40, "length": 3}
    expect(page.locator("#job-sub")).to_contain_text("Every recipe")
    expect(page.locator("#job-sub")).to_contain_text("every 40, length 3")
    assert isinstance(job["result"], dict) and job["result"]["clips"] > 1
    expect(page.locator("#clip-list .clip-card")).to_have_count(job["result"]["clips"])
    expect(page.locator("#reel-section")).to_be_visible()
    expect(page.locator("#playlist-section")).to_be_hidden()  # playlists are for plays


def test_every_kind_of_option_is_drawn_checked_and_sent(
    page: Page, recipe_server: Server, files: FileServer
) -> None:
    _open_form(page, recipe_server, "sampler", files.url("/broadcast.mp4"))
    expect(page.get_by_label("Count", exact=True)).to_have_value("3")
    expect(page.get_by_label("Prefix", exact=True)).to_have_value("sample")
    expect(page.get_by_label("From end", exact=True)).not_to_be_checked()
    expect(page.get_by_label("Spacing", exact=True)).to_have_value("0")  # "even", the first choice
    expect(page.get_by_label("sampled", exact=True)).to_be_checked()
    expect(page.get_by_label("picked", exact=True)).not_to_be_checked()
    tidy = page.get_by_label("Tidy", exact=True)  # a yes/no that may be unset: a choice
    expect(tidy.locator("option")).to_have_text(["Default", "true", "false"])
    expect(tidy).to_have_value("")
    screenshot(page, "submit-recipe.png")

    # out of range: the page says so, and nothing is sent
    page.get_by_label("Count", exact=True).fill("13")
    page.get_by_role("button", name="Cut it up").click()
    expect(page.locator("#ro-count-error")).to_have_text("Count: 1 to 12.")
    expect(page.get_by_label("Count", exact=True)).to_have_attribute("aria-invalid", "true")
    assert "#/jobs/" not in page.url

    page.get_by_label("Count", exact=True).fill("4")
    page.get_by_label("Prefix", exact=True).fill("web")
    page.get_by_label("From end", exact=True).check()
    page.get_by_label("Spacing", exact=True).select_option(label="packed")
    page.get_by_label("picked", exact=True).check()
    tidy.select_option(label="false")
    job = _submitted_job(page, recipe_server)
    assert job["status"] == "completed", job
    assert job["options"] == {
        "count": 4,
        "length": 2,
        "prefix": "web",
        "from_end": True,
        "spacing": "packed",
        "evidence": ["sampled", "picked"],
        "tidy": False,
    }
    cards = page.locator("#clip-list .clip-card")
    expect(cards).to_have_count(4)
    assert [cards.nth(i).get_attribute("data-clip-id") for i in range(4)] == [
        f"web_{n}" for n in range(4)
    ]


def test_an_option_the_server_refuses_is_shown_next_to_its_field(
    page: Page, recipe_server: Server, files: FileServer
) -> None:
    _open_form(page, recipe_server, "sampler", files.url("/broadcast.mp4"))
    # the pattern is checked by the server alone
    page.get_by_label("Prefix", exact=True).fill("Not OK!")
    page.get_by_role("button", name="Cut it up").click()
    error = page.locator("#ro-prefix-error")
    expect(error).to_contain_text("prefix: String should match pattern")
    expect(page.get_by_label("Prefix", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Prefix", exact=True)).to_be_focused()
    expect(page.locator("#submit-error")).to_contain_text("sampler options: prefix")
    expect(page.locator("#ro-count-error")).to_be_hidden()
    assert "#/jobs/" not in page.url
    page.get_by_label("Prefix", exact=True).fill("ok")  # editing the field clears its error
    page.get_by_label("Prefix", exact=True).blur()
    expect(error).to_be_hidden()


def _testcard(path: Path, seconds: int = 12) -> Path:
    """A lavfi test pattern with a tone: a video, but no football in it."""
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i",
         f"testsrc2=size=320x180:rate=25:duration={seconds}", "-f", "lavfi", "-i",
         f"sine=frequency=300:duration={seconds}", "-c:v", "libx264", "-preset", "ultrafast",
         "-c:a", "aac", "-shortest", str(path)],
        check=True,
    )  # fmt: skip
    return path


def test_a_finished_jobs_warnings_are_shown_at_the_top(
    page: Page, recipe_server: Server, files: FileServer, tmp_path: Path
) -> None:
    url = files.add("/testcard.mp4", Route(_testcard(tmp_path / "testcard.mp4")))
    with recipe_server.client() as client:
        job_id = client.post("/jobs", json={"video_url": url}).json()["job_id"]
        job = wait_job(client, job_id, server=recipe_server)
    assert [w["code"] for w in job["warnings"]] == ["no_scorebug", "little_field", "no_clips"]
    page.goto(f"{recipe_server.url}/#/jobs/{job_id}")
    notice = page.locator("#job-warnings")
    expect(notice).to_be_visible()
    lines = notice.locator("p")
    expect(lines).to_have_count(3)
    expect(lines.nth(0)).to_have_text(
        re.compile(r"^No scorebug was found in the video — plays were found from the field .*\.$")
    )
    expect(lines.nth(1)).to_contain_text("The playing field was recognised in only 0% of the")
    expect(lines.nth(2)).to_contain_text("No plays were found — the job produced no clips")
    expect(page.locator("#job-sub")).to_contain_text("Plays recipe")
    screenshot(page, "warnings.png")


def test_a_playlist_by_query_plays_in_the_reel_and_a_bad_query_shows_its_column(
    page: Page, recipe_server: Server, broadcast: GeneratedBroadcast
) -> None:
    job_id = submit_by_api(recipe_server, broadcast)
    with recipe_server.client() as client:
        wait_job(client, job_id, server=recipe_server)
        manifest = client.get(f"/jobs/{job_id}/manifest").json()
    page.goto(f"{recipe_server.url}/#/jobs/{job_id}")
    box = page.locator("#playlist-section")
    expect(box).to_be_visible()
    query = page.get_by_label("Plays where", exact=True)

    query.fill("odk = O and")
    page.get_by_role("button", name="Build playlist").click()
    error = page.locator("#playlist-error")
    expect(error).to_contain_text("Query, column 12: expected a field name")
    expect(error.locator(".query-caret")).to_have_text("odk = O and\n           ^")
    expect(query).to_have_attribute("aria-invalid", "true")

    offense = [c for c in manifest["clips"] if c.get("bucket") != "special_teams"]
    assert 0 < len(offense) < len(manifest["clips"]), manifest["clips"]
    query.fill("bucket != special_teams")
    page.get_by_role("button", name="Build playlist").click()
    expect(error).to_be_hidden()
    summary = page.locator("#playlist-summary")
    expect(summary).to_contain_text(f"{len(offense)} play")
    expect(page.locator("#playlist-files a")).to_have_count(9)  # the manifest and 8 exports
    href = page.locator("#playlist-files a").first.get_attribute("href")
    assert href and re.fullmatch(rf"jobs/{job_id}/playlists/[0-9a-f]{{16}}/manifest\.json", href)

    page.get_by_role("button", name="Play in the reel").click()
    expect(page.locator("#reel-what")).to_have_text("Playlist: bucket != special_teams")
    expect(page.locator("#chapters li")).to_have_count(len(offense))
    src = page.locator("#reel-video").get_attribute("src") or ""
    assert re.search(r"/playlists/[0-9a-f]{16}/reel\.mp4$", src), src
    page.wait_for_function("() => document.getElementById('reel-video').currentTime > 0.5")
    length = sum(float(c["duration"]) for c in offense)
    duration = page.evaluate("() => document.getElementById('reel-video').duration")
    assert abs(duration - length) < 0.5, (duration, length)
    screenshot(page, "playlist.png")

    page.get_by_role("button", name="Full reel").click()
    expect(page.locator("#chapters li")).to_have_count(len(manifest["clips"]))
    expect(page.locator("#reel-full")).to_be_hidden()


def test_the_recipe_form_and_a_playlist_fit_a_phone(
    browser: Browser, recipe_server: Server, broadcast: GeneratedBroadcast
) -> None:
    job_id = submit_by_api(recipe_server, broadcast)
    with recipe_server.client() as client:
        wait_job(client, job_id, server=recipe_server)
    ctx = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    try:
        page = ctx.new_page()
        page.goto(f"{recipe_server.url}/")
        expect(page.locator("#recipe option")).not_to_have_count(1)
        page.get_by_label("Recipe", exact=True).select_option("sampler")
        expect(page.get_by_label("Count", exact=True)).to_be_visible()
        no_horizontal_overflow(page)
        screenshot(page, "phone-recipe.png")
        page.goto(f"{recipe_server.url}/#/jobs/{job_id}")
        page.get_by_label("Plays where").fill("odk = O and")
        page.get_by_role("button", name="Build playlist").click()
        expect(page.locator("#playlist-error .query-caret")).to_be_visible()
        no_horizontal_overflow(page)
        page.get_by_role("button", name="odk = O and down = 3 and distance >= 7").click()
        page.get_by_role("button", name="Build playlist").click()
        expect(page.locator("#playlist-summary, #playlist-error").first).to_be_visible()
        no_horizontal_overflow(page)
    finally:
        ctx.close()
