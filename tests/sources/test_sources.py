"""Source handlers against a local HTTP server: routing, Range resume, Drive, S3, yt-dlp."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from cutups.errors import CanceledError, SourceError
from cutups.settings import Settings
from cutups.sources import (
    SOURCES,
    FetchContext,
    GoogleDriveSource,
    HttpSource,
    PresignedUrlSource,
    UploadSource,
    YtDlpSource,
    check_fetchable,
    source_for,
)
from cutups.sources.gdrive import drive_file_id
from cutups.sources.ssrf import PrivateAddressError
from cutups.sources.ytdlp import explain
from cutups.storage.layout import InsufficientStorageError
from cutups.storage.uploads import UploadStore
from tests.sources.fileserver import FileServer, Route, serve_files

PAYLOAD = bytes(range(256)) * 4096  # 1 MiB of non-trivial bytes


@pytest.fixture
def files() -> Iterator[FileServer]:
    with serve_files() as server:
        yield server


def settings(**kw: object) -> Settings:
    base: dict[str, object] = {
        "allow_private_urls": True,
        "download_retries": 3,
        "min_free_bytes": 0,
    }
    base.update(kw)
    return Settings(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("url", "handler"),
    [
        ("upload:0123456789abcdef", UploadSource),
        ("https://drive.google.com/file/d/1AbCdEfGhIjKlMnOp/view?usp=sharing", GoogleDriveSource),
        ("https://drive.google.com/open?id=1AbCdEfGhIjKlMnOp", GoogleDriveSource),
        ("https://drive.google.com/uc?export=download&id=1AbCdEfGhIjKlMnOp", GoogleDriveSource),
        (
            "https://bucket.s3.amazonaws.com/game.mp4?X-Amz-Algorithm=AWS4-HMAC-SHA256"
            "&X-Amz-Credential=AKIA%2F20240101&X-Amz-Signature=abcdef",
            PresignedUrlSource,
        ),
        (
            "https://minio.example.org/b/game.mp4?X-Amz-Signature=abc&X-Amz-Expires=60",
            PresignedUrlSource,
        ),
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", YtDlpSource),
        ("https://youtu.be/dQw4w9WgXcQ", YtDlpSource),
        ("https://vimeo.com/76979871", YtDlpSource),
        ("https://example.com/videos/game.mp4", HttpSource),
        ("http://127.0.0.1:8000/game.mp4", HttpSource),
        ("https://bucket.s3.amazonaws.com/game.mp4", HttpSource),  # not presigned: plain GET
    ],
)
def test_routing(url: str, handler: type) -> None:
    assert source_for(url) is handler


@pytest.mark.parametrize("url", ["ftp://example.com/a.mp4", "file:///etc/passwd", "game.mp4", ""])
def test_unroutable_urls_are_refused(url: str) -> None:
    with pytest.raises(SourceError):
        source_for(url)
    with pytest.raises(SourceError):
        check_fetchable(url)


def test_a_submission_checks_its_url_without_asking_every_extractor() -> None:
    """``check_fetchable`` agrees with the registry but answers an ordinary URL at once: each
    ``POST /jobs`` used to match its URL against all of yt-dlp's extractors (~20 ms)."""
    urls = [f"https://videos.example.com/game{n}.mp4" for n in range(20)]
    urls += ["https://www.youtube.com/watch?v=dQw4w9WgXcQ", "upload:abc123"]
    for url in urls:
        check_fetchable(url)  # every one is fetchable
    started = time.process_time()
    for url in urls[:20]:
        check_fetchable(url)
    assert (time.process_time() - started) / 20 < 0.002


def test_registry_order_has_the_generic_handler_last() -> None:
    assert SOURCES[-1] is HttpSource
    assert len({s.NAME for s in SOURCES}) == len(SOURCES)


def test_drive_ids() -> None:
    assert drive_file_id("https://drive.google.com/file/d/1AbCdEfGhIjKlMnOp/view") == (
        "1AbCdEfGhIjKlMnOp"
    )
    assert drive_file_id("https://example.com/file/d/1AbCdEfGhIjKlMnOp/view") is None
    assert drive_file_id("https://drive.google.com/drive/folders/xyz") is None


def test_http_download_resumes_with_range_after_a_drop(files: FileServer, tmp_path: Path) -> None:
    url = files.add("/game.mp4", Route(PAYLOAD, drop_after=300_000, drops=1))
    seen: list[int] = []
    got = HttpSource(FetchContext(settings())).fetch(
        url, tmp_path / "source.mp4", lambda done, total: seen.append(done)
    )
    assert got.path.read_bytes() == PAYLOAD and got.size == len(PAYLOAD)
    assert [h.range for h in files.hits] == [None, "bytes=300000-"]
    assert files.hits[1].headers.get("If-Range") == '"v1"'
    assert seen[-1] == len(PAYLOAD) and seen == sorted(seen)
    assert not (tmp_path / "source.mp4.part").exists()


def test_http_download_restarts_when_the_server_ignores_range(
    files: FileServer, tmp_path: Path
) -> None:
    url = files.add("/game.mp4", Route(PAYLOAD, drop_after=100_000, drops=2, ranges=False))
    got = HttpSource(FetchContext(settings())).fetch(url, tmp_path / "source.mp4")
    assert got.path.read_bytes() == PAYLOAD
    assert files.count("/game.mp4") == 3


def test_http_download_gives_up_after_its_retries(files: FileServer, tmp_path: Path) -> None:
    url = files.add("/game.mp4", Route(PAYLOAD, drop_after=1000, drops=99, ranges=False))
    with pytest.raises(SourceError, match="kept breaking off"):
        HttpSource(FetchContext(settings(download_retries=2))).fetch(url, tmp_path / "s.mp4")
    assert files.count("/game.mp4") == 3


def test_http_download_resumes_a_part_left_by_a_previous_server(
    files: FileServer, tmp_path: Path
) -> None:
    url = files.add("/game.mp4", Route(PAYLOAD))
    (tmp_path / "s.mp4.part").write_bytes(PAYLOAD[:500_000])
    (tmp_path / "s.mp4.part.json").write_text(
        json.dumps({"url": url, "total": len(PAYLOAD), "validator": '"v1"'})
    )
    got = HttpSource(FetchContext(settings())).fetch(url, tmp_path / "s.mp4")
    assert got.path.read_bytes() == PAYLOAD
    assert [h.range for h in files.hits] == ["bytes=500000-"]


@pytest.mark.parametrize(
    ("route", "message"),
    [
        (Route(status=404), "404 Not Found"),
        (Route(status=403), "refused access"),
        (Route(b"<html>hi</html>", content_type="text/html; charset=utf-8"), "web page"),
    ],
)
def test_http_errors_are_readable(
    files: FileServer, tmp_path: Path, route: Route, message: str
) -> None:
    url = files.add("/x.mp4", route)
    with pytest.raises(SourceError, match=message):
        HttpSource(FetchContext(settings())).fetch(url, tmp_path / "s.mp4")


def test_http_download_checks_size_and_disk(files: FileServer, tmp_path: Path) -> None:
    url = files.add("/game.mp4", Route(PAYLOAD))
    with pytest.raises(SourceError, match="over the download limit"):
        HttpSource(FetchContext(settings(max_download_bytes=1000))).fetch(url, tmp_path / "a.mp4")
    with pytest.raises(InsufficientStorageError, match="not enough disk space"):
        HttpSource(FetchContext(settings(min_free_bytes=10**18))).fetch(url, tmp_path / "b.mp4")


def test_http_download_stops_on_cancel(files: FileServer, tmp_path: Path) -> None:
    url = files.add("/game.mp4", Route(PAYLOAD * 8))
    cancel = threading.Event()

    def progress(done: int, total: int | None) -> None:
        if done > 2_000_000:
            cancel.set()

    with pytest.raises(CanceledError):
        HttpSource(FetchContext(settings())).fetch(url, tmp_path / "s.mp4", progress, cancel)


def test_redirects_are_followed_and_each_hop_is_checked(files: FileServer, tmp_path: Path) -> None:
    target = files.add("/real.mp4", Route(PAYLOAD))
    url = files.add("/short", Route(location="/real.mp4"))
    got = HttpSource(FetchContext(settings())).fetch(url, tmp_path / "s.mp4")
    assert got.path.read_bytes() == PAYLOAD and files.count("/real.mp4") == 1
    assert target.endswith("/real.mp4")

    # A public address redirecting into the server's network is refused at the hop. The
    # transport is httpx's MockTransport (no network); the redirect logic is ours.
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "http://169.254.169.254/latest/meta"})

    ctx = FetchContext(settings(allow_private_urls=False), transport=httpx.MockTransport(answer))
    with pytest.raises(PrivateAddressError, match=r"169\.254\.169\.254"):
        HttpSource(ctx).fetch("http://93.184.216.34/game.mp4", tmp_path / "t.mp4")


def test_private_urls_are_refused_without_the_setting(tmp_path: Path) -> None:
    ctx = FetchContext(settings(allow_private_urls=False))
    with pytest.raises(PrivateAddressError, match="loopback"):
        HttpSource(ctx).fetch("http://127.0.0.1:9/game.mp4", tmp_path / "s.mp4")


@pytest.mark.parametrize("variant", ["form", "cookie", "link"])
def test_google_drive_confirmation_dance(files: FileServer, tmp_path: Path, variant: str) -> None:
    file_id = "1AbCdEfGhIjKlMnOpQrS"
    warning = "Google Drive can't scan this file for viruses."
    if variant == "form":
        page = (
            f'<html><body>{warning}<form id="download-form" action="{files.base}/download" '
            f'method="get"><input type="hidden" name="id" value="{file_id}">'
            '<input type="hidden" name="export" value="download">'
            '<input type="hidden" name="confirm" value="t">'
            '<input type="hidden" name="uuid" value="u-1"></form></body></html>'
        )
        files.add("/uc", Route(page.encode(), content_type="text/html; charset=utf-8"))
        files.add("/download", Route(PAYLOAD))
    elif variant == "cookie":
        files.add(
            "/uc",
            Route(
                f"<html>{warning}</html>".encode(),
                content_type="text/html",
                headers={"Set-Cookie": "download_warning_123=TOKEN9; Path=/"},
            ),
        )
        files.add(f"/uc?export=download&id={file_id}&confirm=TOKEN9", Route(PAYLOAD))
    else:
        page = f'<html>{warning} <a href="/uc?export=download&amp;confirm=AbC-1&amp;id={file_id}">'
        files.add("/uc", Route(page.encode(), content_type="text/html"))
        files.add(f"/uc?export=download&id={file_id}&confirm=AbC-1", Route(PAYLOAD))
    ctx = FetchContext(settings(gdrive_base_url=files.base))
    share = f"https://drive.google.com/file/d/{file_id}/view?usp=sharing"
    got = GoogleDriveSource(ctx).fetch(share, tmp_path / "s.mp4")
    assert got.path.read_bytes() == PAYLOAD and got.handler == "gdrive"
    assert files.hits[0].path == f"/uc?export=download&id={file_id}"


def test_google_drive_refusals_are_explained(files: FileServer, tmp_path: Path) -> None:
    files.add("/uc", Route(b"<html>Sign in</html>", content_type="text/html"))
    ctx = FetchContext(settings(gdrive_base_url=files.base))
    with pytest.raises(SourceError, match="Anyone with the link"):
        GoogleDriveSource(ctx).fetch(
            "https://drive.google.com/file/d/1AbCdEfGhIjK/view", tmp_path / "s.mp4"
        )


def test_presigned_url_errors(files: FileServer, tmp_path: Path) -> None:
    files.add(
        "/b/game.mp4",
        Route(
            b"<Error><Code>AccessDenied</Code></Error>", status=403, content_type="application/xml"
        ),
    )
    url = files.url("/b/game.mp4?X-Amz-Signature=abc&X-Amz-Expires=60")
    with pytest.raises(SourceError, match="expired, or the link was changed"):
        PresignedUrlSource(FetchContext(settings())).fetch(url, tmp_path / "s.mp4")


def test_upload_source_links_the_upload(tmp_path: Path) -> None:
    store = UploadStore(tmp_path / "uploads")
    writer = store.begin("video", max_bytes=10**6, reserve=0)
    writer.write(b"video bytes")
    info = writer.commit({})
    ctx = FetchContext(settings(), uploads=store)
    got = UploadSource(ctx).fetch(f"upload:{info.upload_id}", tmp_path / "job" / "source.mp4")
    assert got.path.read_bytes() == b"video bytes"
    assert os.stat(got.path).st_ino == os.stat(store.path(info.upload_id) or "").st_ino
    with pytest.raises(SourceError, match="not found"):
        UploadSource(ctx).fetch("upload:ffffffffffff", tmp_path / "job" / "other.mp4")


def test_ytdlp_generic_extractor_fetches_from_a_local_server(
    files: FileServer, tmp_path: Path
) -> None:
    url = files.add("/clip.mp4", Route(PAYLOAD))
    got = YtDlpSource(FetchContext(settings())).fetch(url, tmp_path / "source.mp4")
    assert got.path.read_bytes() == PAYLOAD and got.handler == "yt-dlp"
    assert got.path.parent == tmp_path


def test_ytdlp_failures_become_source_errors(files: FileServer, tmp_path: Path) -> None:
    url = files.url("/missing.mp4")
    with pytest.raises(SourceError, match="unavailable"):
        YtDlpSource(FetchContext(settings())).fetch(url, tmp_path / "source.mp4")


@pytest.mark.parametrize(
    ("message", "advice"),
    [
        ("ERROR: [youtube] abc: Sign in to confirm you\u2019re not a bot", "signed-in viewer"),
        ("ERROR: [youtube] abc: Private video. Sign in if you've been granted access", "signed-in"),
        ("ERROR: Unsupported URL: https://example.com/page", "no site handler"),
        ("ERROR: [youtube] abc: Video unavailable", "unavailable"),
        ("ERROR: [vimeo] 1: This video is DRM protected", "DRM"),
        ("ERROR: something new", "yt-dlp could not download the video: something new"),
    ],
)
def test_ytdlp_error_messages(message: str, advice: str) -> None:
    assert advice in explain(message)
