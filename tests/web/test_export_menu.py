"""The finished job's Export menu: a link per format of ``GET /jobs/{id}/export``; a server
that refuses one (or has no such endpoint) has its error shown in the menu, not a broken file."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from cutups_testkit import GeneratedBroadcast
from tests.api.conftest import Server, wait_job
from tests.web.conftest import submit_by_api

FORMATS = ["csv", "sportscode", "otio", "fcpxml", "edl", "ffmetadata", "vtt", "m3u"]


def test_export_menu_of_a_finished_job(
    page: Page, web_server: Server, broadcast: GeneratedBroadcast
) -> None:
    job_id = submit_by_api(web_server, broadcast)
    page.goto(f"{web_server.url}/#/jobs/{job_id}")
    menu = page.locator("#job-export")
    expect(page.locator("#job-status")).to_have_attribute("data-status", "processing")
    expect(menu).to_be_hidden()  # nothing to export before the job completes
    with web_server.client() as client:
        wait_job(client, job_id, server=web_server)
    expect(page.locator("#job-status")).to_have_attribute("data-status", "completed")
    menu.locator("summary").click()
    links = menu.get_by_role("link")
    expect(links).to_have_count(len(FORMATS))
    hrefs = [links.nth(i).get_attribute("href") for i in range(len(FORMATS))]
    assert hrefs == [f"jobs/{job_id}/export?format={f}" for f in FORMATS]

    status = page.evaluate("href => fetch(href).then(r => r.status)", hrefs[0])
    csv = menu.get_by_role("link", name="CSV spreadsheet")
    if status in (400, 404):  # the server has no such export: its answer, in the menu
        csv.click()
        expect(page.locator("#export-error")).to_contain_text("Could not export CSV spreadsheet: ")
        expect(menu).to_have_attribute("open", "")
        page.keyboard.press("Escape")
        expect(menu).not_to_have_attribute("open", "")
    else:
        assert status == 200
        with page.expect_download() as download:
            csv.click()
        assert download.value.suggested_filename.endswith(".csv")
        expect(page.locator("#export-error")).to_be_hidden()
