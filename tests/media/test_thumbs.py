from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import cutups.media.thumbs as thumbs_module
from cutups.errors import MediaError
from cutups.media.probe import probe
from cutups.media.remux import Readers
from cutups.media.thumbs import PER_PROCESS, thumbnail, thumbnails
from tests.media.barcode import read_code
from tests.media.conftest import Source


def shown(path: Path) -> tuple[int, tuple[int, int]]:
    """The frame number in a still, and its (width, height)."""
    with Image.open(path) as img:
        assert img.format == "JPEG"
        return read_code(np.asarray(img.convert("L"))), img.size


def test_one_still_is_the_exact_frame(ntsc: Source, tmp_path: Path) -> None:
    out = thumbnail(ntsc.path, ntsc.time(95), tmp_path / "a" / "one.jpg")
    assert out == tmp_path / "a" / "one.jpg"
    assert shown(out) == (95, (320, 180))


def test_width_keeps_the_aspect(ntsc60: Source, tmp_path: Path) -> None:
    out = thumbnail(ntsc60.path, ntsc60.time(200), tmp_path / "small.jpg", width=160)
    assert shown(out) == (200, (160, 90))


def test_many_stills_in_few_processes(ntsc: Source, tmp_path: Path) -> None:
    frames = [0, 1, 47, 48, 49, 95, 96, 150, 222, 300, 347, 359]
    assert len(frames) > PER_PROCESS  # more than one ffmpeg run
    times = [ntsc.time(f) + 0.004 for f in frames]  # a few ms off still means that frame
    outputs = [tmp_path / f"{i:02d}.jpg" for i in range(len(frames))]
    last = tmp_path / "end.jpg"
    written = thumbnails(probe(ntsc.path), [*times, 60.0], [*outputs, last])
    assert written == [*outputs, last]
    assert [shown(p)[0] for p in written] == [*frames, ntsc.frames - 1]


def test_transport_stream_stills(transport: Source, tmp_path: Path) -> None:
    outputs = [tmp_path / f"{f}.jpg" for f in (10, 100, 250)]
    thumbnails(transport.path, [transport.time(f) for f in (10, 100, 250)], outputs)
    assert [shown(p)[0] for p in outputs] == [10, 100, 250]


def test_bad_arguments(ntsc: Source, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="2 times but 1 outputs"):
        thumbnails(ntsc.path, [1.0, 2.0], [tmp_path / "x.jpg"])
    with pytest.raises(ValueError, match="width"):
        thumbnail(ntsc.path, 1.0, tmp_path / "x.jpg", width=0)
    with pytest.raises(MediaError, match="no such file"):
        thumbnail(tmp_path / "missing.mp4", 1.0, tmp_path / "x.jpg")


def test_stills_are_made_in_process(
    ntsc: Source, transport: Source, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_ffmpeg(*args: object, **kwargs: object) -> None:
        raise AssertionError("ffmpeg ran for a still")

    monkeypatch.setattr(thumbs_module, "run", no_ffmpeg)
    frames = [0, 47, 48, 100, 359]
    with Readers() as readers:
        for src in (ntsc, transport):
            outputs = [tmp_path / f"{src.path.suffix[1:]}{f}.jpg" for f in frames]
            info = probe(src.path)
            thumbnails(info, [src.time(f) for f in frames], outputs, readers=readers)
            assert [shown(p) for p in outputs] == [(f, (320, 180)) for f in frames]


def test_failed_in_process_still_falls_back_to_ffmpeg(
    ntsc: Source, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("decoder exploded")

    monkeypatch.setattr(thumbs_module, "_still", broken)
    out = thumbnail(ntsc.path, ntsc.time(123), tmp_path / "x.jpg")
    assert shown(out) == (123, (320, 180))
