"""The web page's acceptance tests: the real page in headless Chromium (Playwright for Python)
against real ``python -m cutups.cli serve`` processes on 127.0.0.1.

The servers are started the way the service tests start theirs (``tests/api/conftest.py``):
own data dir, a session-wide analysis cache, JSON logs in ``<tmp>/server.log``. Their jobs pause
after each clip (``CUTUPS_TEST_CUT_DELAY``) so clips are seen arriving before a job completes.

Chromium is the system one (``/usr/bin/chromium``): Playwright never downloads a browser here.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, sync_playwright

from cutups_testkit import GeneratedBroadcast
from tests.api.conftest import TERMINAL, Server, server_env, start_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
# The README's screenshots are refreshed with CUTUPS_UPDATE_SCREENSHOTS=1 (make screenshots);
# an ordinary test run still takes them, into a scratch folder, so the tree stays clean.
SCREENSHOTS = (
    Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    if os.environ.get("CUTUPS_UPDATE_SCREENSHOTS") == "1"
    else Path(tempfile.gettempdir()) / "cutups-screenshots"
)
WEB_KEY = "web-test-key-3f9c"
CUT_DELAY = "2"


@pytest.fixture(scope="session")
def web_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("web-signal-cache")


@pytest.fixture(scope="session")
def web_server(tmp_path_factory: pytest.TempPathFactory, web_cache: Path) -> Iterator[Server]:
    """No API keys, private URLs allowed, a pause after each clip."""
    root = tmp_path_factory.mktemp("web-server")
    env = server_env(web_cache, {"CUTUPS_TEST_CUT_DELAY": CUT_DELAY})
    srv = start_server(root / "data", root / "server.log", env, workers=2)
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def keyed_server(tmp_path_factory: pytest.TempPathFactory, web_cache: Path) -> Iterator[Server]:
    """``CUTUPS_API_KEYS`` set: the page must send the pasted key."""
    root = tmp_path_factory.mktemp("web-keyed")
    env = server_env(web_cache, {"CUTUPS_API_KEYS": f"other-key,{WEB_KEY}"})
    srv = start_server(
        root / "data",
        root / "server.log",
        env,
        workers=1,
        headers={"Authorization": f"Bearer {WEB_KEY}"},
    )
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    ctx = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    """A desktop-width page; fails the test on any uncaught JavaScript error."""
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))

    def console(msg: ConsoleMessage) -> None:
        # Failed loads (a 401 before the key is pasted, a 409) are the API's answers, not bugs.
        if msg.type == "error" and "Failed to load resource" not in msg.text:
            errors.append(f"console: {msg.text}")

    pg.on("console", console)
    yield pg
    assert not errors, errors


def submit_by_api(server: Server, broadcast: GeneratedBroadcast) -> str:
    """Upload the broadcast and its play-by-play with httpx and submit a job; its id."""
    with server.client() as client:
        with broadcast.video.open("rb") as video:
            up = client.post("/upload", files={"file": ("broadcast.mp4", video, "video/mp4")})
        assert up.status_code == 201, up.text
        pbp_path = broadcast.pbp["cfbd_json"]
        with pbp_path.open("rb") as pbp:
            pbp_up = client.post(
                "/upload?kind=pbp", files={"file": (pbp_path.name, pbp, "application/json")}
            )
        assert pbp_up.status_code == 201, pbp_up.text
        body = {
            "upload_id": up.json()["upload_id"],
            "pbp_upload_id": pbp_up.json()["upload_id"],
            "options": {"team": broadcast.truth.home.name},
        }
        answer = client.post("/jobs", json=body)
        assert answer.status_code == 202, answer.text
        return str(answer.json()["job_id"])


def screenshot(page: Page, name: str) -> None:
    """A full-page screenshot for the README, taken from the top (the header is sticky)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(600)  # let the video controls' loading spinner fade out
    page.screenshot(path=SCREENSHOTS / name, full_page=True, animations="disabled")


def no_horizontal_overflow(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url}: the page is {width}px wide at phone width"


def job_status(server: Server, job_id: str) -> str:
    return str(httpx.get(f"{server.url}/jobs/{job_id}", headers=server.headers).json()["status"])


__all__ = ["TERMINAL", "job_status", "no_horizontal_overflow", "screenshot", "submit_by_api"]
