from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from cutups.media.package import write_zip


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    src = tmp_path / "src"
    src.mkdir()
    contents = {
        "clip.mp4": bytes(range(256)) * 400,
        "thumb.JPG": b"\xff\xd8" + b"\x00" * 5000,
        "manifest.json": b'{"plays": []}' * 300,
        "index.html": b"<html><body>plays</body></html>" * 300,
    }
    for name, data in contents.items():
        (src / name).write_bytes(data)
    return {
        "clips/play-001.mp4": src / "clip.mp4",
        "thumbs/play-001.jpg": src / "thumb.JPG",
        "manifest.json": src / "manifest.json",
        "index.html": src / "index.html",
    }


def test_entries_content_and_compression(files: dict[str, Path], tmp_path: Path) -> None:
    out = write_zip(tmp_path / "out" / "job.zip", files)
    assert out == tmp_path / "out" / "job.zip"
    assert not (tmp_path / "out" / "job.zip.tmp").exists()
    with zipfile.ZipFile(out) as archive:
        assert archive.testzip() is None
        assert archive.namelist() == list(files)
        for name, path in files.items():
            assert archive.read(name) == path.read_bytes()
        kinds = {i.filename: i.compress_type for i in archive.infolist()}
    assert kinds == {
        "clips/play-001.mp4": zipfile.ZIP_STORED,
        "thumbs/play-001.jpg": zipfile.ZIP_STORED,
        "manifest.json": zipfile.ZIP_DEFLATED,
        "index.html": zipfile.ZIP_DEFLATED,
    }


def test_replaces_an_existing_archive(files: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "job.zip"
    out.write_bytes(b"old")
    write_zip(out, {"index.html": files["index.html"]})
    with zipfile.ZipFile(out) as archive:
        assert archive.namelist() == ["index.html"]


@pytest.mark.parametrize("name", ["/etc/passwd", "../up.mp4", "a/../../b", "", "."])
def test_unsafe_names_are_refused(files: dict[str, Path], tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError, match="bad archive name"):
        write_zip(tmp_path / "job.zip", {name: files["manifest.json"]})
    assert list(tmp_path.glob("job.zip*")) == []


def test_missing_source_writes_nothing(files: dict[str, Path], tmp_path: Path) -> None:
    broken = dict(files, **{"clips/gone.mp4": tmp_path / "gone.mp4"})
    with pytest.raises(FileNotFoundError, match=r"gone\.mp4"):
        write_zip(tmp_path / "job.zip", broken)
    assert list(tmp_path.glob("job.zip*")) == []


def test_media_package_exports() -> None:
    import cutups.media as media

    for name in media.__all__:
        assert hasattr(media, name), name
    from cutups.media.ffmpeg import file_arg, run

    assert media.run is run and media.file_arg is file_arg
