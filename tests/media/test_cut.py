from __future__ import annotations

import dataclasses
import logging
import math
import threading
from fractions import Fraction
from pathlib import Path
from typing import Any

import av.error
import pytest

import cutups.media.cut as cut_module
from cutups.errors import CanceledError, ConfigError, CutError, FFmpegError
from cutups.media.cut import CutResult, CutSpec, cut_clip, cut_many
from cutups.media.ffmpeg import ProcessRegistry
from cutups.media.probe import MediaInfo, probe
from cutups.media.remux import Written
from tests.media.barcode import audio_samples, beep_onsets, codes
from tests.media.conftest import Source


@pytest.fixture(scope="module")
def infos(
    ntsc: Source, ntsc60: Source, silent: Source, baseline: Source, transport: Source
) -> dict[str, tuple[Source, MediaInfo]]:
    return {
        name: (src, probe(src.path))
        for name, src in [
            ("ntsc", ntsc),
            ("ntsc60", ntsc60),
            ("silent", silent),
            ("baseline", baseline),
            ("transport", transport),
        ]
    }


def cut(
    src: Source, info: MediaInfo, first: int, end: int, out: Path, **kwargs: object
) -> CutResult:
    spec = CutSpec(src.time(first), src.time(end), out / f"clip_{first}_{end}.mp4")
    return cut_clip(info, spec, **kwargs)  # type: ignore[arg-type]


def assert_exact(result: CutResult, src: Source, first: int, end: int) -> None:
    """The clip holds exactly source frames [first, end), with audio as long as its video."""
    assert codes(result.output) == list(range(first, end))
    info = probe(result.output, keyframes=False)
    frames = end - first
    assert info.video.frame_count == frames == result.frames
    assert info.video.frame_rate == src.rate
    assert info.video.duration == pytest.approx(float(frames / src.rate), abs=1e-3)
    assert result.start == pytest.approx(src.time(first))
    assert result.end == pytest.approx(src.time(end))
    assert result.duration == pytest.approx(float(frames / src.rate))
    if src.audio:
        assert info.audio is not None
        assert info.audio.duration == pytest.approx(info.video.duration, abs=0.05)
    else:
        assert info.audio is None


@pytest.mark.parametrize("name", ["ntsc", "ntsc60"])
@pytest.mark.parametrize(
    ("first", "end", "method"),
    [
        pytest.param(48, 96, "copy", id="keyframe-to-keyframe"),
        pytest.param(50, 150, "smart", id="head-copy-tail"),
        pytest.param(48, 103, "smart", id="keyframe-start-odd-end"),
        pytest.param(95, 101, "smart", id="straddles-a-keyframe"),
        pytest.param(10, 30, "reencode", id="inside-one-gop"),
    ],
)
def test_clip_holds_exactly_the_asked_frames(
    infos: dict[str, tuple[Source, MediaInfo]],
    tmp_path: Path,
    name: str,
    first: int,
    end: int,
    method: str,
) -> None:
    src, info = infos[name]
    result = cut(src, info, first, end, tmp_path)
    assert result.method == method
    assert_exact(result, src, first, end)


@pytest.mark.parametrize("name", ["ntsc", "transport"])
def test_audio_stays_in_sync(
    infos: dict[str, tuple[Source, MediaInfo]], tmp_path: Path, name: str
) -> None:
    src, info = infos[name]
    result = cut(src, info, 50, 200, tmp_path)
    assert result.method == "smart"
    assert_exact(result, src, 50, 200)
    samples, rate = audio_samples(result.output)
    start = src.time(50)
    # The source beeps at every whole second; in the clip they must sit at n - start.
    want = [n - start for n in range(2, 7)]
    got = beep_onsets(samples, rate)
    assert len(got) == len(want)
    assert got == pytest.approx(want, abs=0.010)


def test_source_without_audio(infos: dict[str, tuple[Source, MediaInfo]], tmp_path: Path) -> None:
    src, info = infos["silent"]
    result = cut(src, info, 20, 70, tmp_path)
    assert result.method == "smart"
    assert_exact(result, src, 20, 70)


def test_source_without_b_frames(
    infos: dict[str, tuple[Source, MediaInfo]], tmp_path: Path
) -> None:
    src, info = infos["baseline"]
    assert info.video.reorder_delay == 0
    result = cut(src, info, 31, 77, tmp_path)
    assert result.method == "smart"
    assert_exact(result, src, 31, 77)


def test_end_past_the_video_is_clamped(
    infos: dict[str, tuple[Source, MediaInfo]], tmp_path: Path
) -> None:
    src, info = infos["ntsc"]
    result = cut_clip(info, CutSpec(src.time(330), 99.0, tmp_path / "last.mp4"))
    assert_exact(result, src, 330, 360)


def test_span_outside_the_video(infos: dict[str, tuple[Source, MediaInfo]], tmp_path: Path) -> None:
    _, info = infos["ntsc"]
    with pytest.raises(ConfigError, match="holds no frame"):
        cut_clip(info, CutSpec(50.0, 60.0, tmp_path / "none.mp4"))
    with pytest.raises(ConfigError):
        cut_clip(info, CutSpec(3.0, 3.0, tmp_path / "empty.mp4"))


def test_failed_fast_path_falls_back_to_reencode(
    infos: dict[str, tuple[Source, MediaInfo]], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    src, info = infos["ntsc"]
    # A plain stream copy from a non-keyframe start starts at the keyframe before it, which
    # verification catches.
    with caplog.at_level(logging.WARNING, logger="cutups.media.cut"):
        result = cut(src, info, 60, 130, tmp_path, force="copy")
    assert result.method == "reencode"
    assert_exact(result, src, 60, 130)
    assert any("re-encoding" in r.getMessage() for r in caplog.records)


def test_join_failure_falls_back(
    infos: dict[str, tuple[Source, MediaInfo]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src, info = infos["ntsc60"]

    def broken_join(*args: object, **kwargs: object) -> None:
        raise FFmpegError("concat exploded")

    monkeypatch.setattr(cut_module, "_join", broken_join)
    result = cut(src, info, 50, 120, tmp_path)
    assert result.method == "reencode"
    assert_exact(result, src, 50, 120)


def test_forced_reencode(infos: dict[str, tuple[Source, MediaInfo]], tmp_path: Path) -> None:
    src, info = infos["ntsc"]
    result = cut(src, info, 48, 96, tmp_path, force="reencode")
    assert result.method == "reencode"
    assert_exact(result, src, 48, 96)


def test_cut_error_when_nothing_verifies(
    infos: dict[str, tuple[Source, MediaInfo]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src, info = infos["ntsc"]
    monkeypatch.setattr(cut_module, "verify_clip", lambda *a, **k: "it is all wrong")
    with pytest.raises(CutError, match="it is all wrong"):
        cut(src, info, 50, 80, tmp_path, force="reencode")
    assert list(tmp_path.iterdir()) == []  # no clip, no leftover work files


def test_canceled_registry(infos: dict[str, tuple[Source, MediaInfo]], tmp_path: Path) -> None:
    src, info = infos["ntsc"]
    registry = ProcessRegistry()
    registry.cancel()
    with pytest.raises(CanceledError):
        cut(src, info, 50, 80, tmp_path, registry=registry)


def test_cut_many_keeps_order_and_reports_progressively(
    infos: dict[str, tuple[Source, MediaInfo]], tmp_path: Path
) -> None:
    src, info = infos["ntsc"]
    spans = [(200, 260), (10, 40), (96, 144)]
    specs = [CutSpec(src.time(a), src.time(b), tmp_path / f"{a}.mp4") for a, b in spans]
    done: list[CutResult] = []
    results = cut_many(info, specs, jobs=2, on_done=done.append)
    assert [r.output for r in results] == [s.output for s in specs]
    assert sorted(r.output.name for r in done) == sorted(s.output.name for s in specs)
    for (a, b), r in zip(spans, results, strict=True):
        assert codes(r.output)[0] == a
        assert r.frames == b - a


def test_cut_many_runs_jobs_in_parallel(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, infos: dict[str, tuple[Source, MediaInfo]]
) -> None:
    _, info = infos["ntsc"]
    lock = threading.Lock()
    active, peak = 0, 0
    others_reported = threading.Event()
    finished: list[float] = []

    def fake_cut(source: MediaInfo, spec: CutSpec, **kwargs: object) -> CutResult:
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        if spec.start == 0:  # the first one finishes last, however loaded the machine
            assert others_reported.wait(timeout=30)
        with lock:
            active -= 1
        return CutResult(spec.output, spec.start, spec.end, 1.0, 30, "copy")

    def report(result: CutResult) -> None:
        # Released only once the other four were reported, so no two futures finish together.
        finished.append(result.start)
        if len(finished) == 4:
            others_reported.set()

    monkeypatch.setattr(cut_module, "cut_clip", fake_cut)
    specs = [CutSpec(float(i), i + 1.0, tmp_path / f"{i}.mp4") for i in range(5)]
    results = cut_many(info, specs, jobs=2, on_done=report)
    assert peak == 2
    assert [r.start for r in results] == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert finished[-1] == 0.0  # reported when done, not in input order


def test_cut_many_raises_the_first_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, infos: dict[str, tuple[Source, MediaInfo]]
) -> None:
    _, info = infos["ntsc"]

    def fake_cut(source: MediaInfo, spec: CutSpec, **kwargs: object) -> CutResult:
        if spec.start == 2:
            raise CutError("clip 2 broke")
        return CutResult(spec.output, spec.start, spec.end, 1.0, 30, "copy")

    monkeypatch.setattr(cut_module, "cut_clip", fake_cut)
    specs = [CutSpec(float(i), i + 1.0, tmp_path / f"{i}.mp4") for i in range(4)]
    with pytest.raises(CutError, match="clip 2 broke"):
        cut_many(info, specs, jobs=1)


def test_frame_grid_matches_probe(infos: dict[str, tuple[Source, MediaInfo]]) -> None:
    from cutups.media.cutplan import FrameGrid

    src, info = infos["transport"]
    grid = FrameGrid.of(info)
    assert grid.fps == Fraction(30000, 1001) and grid.count == src.frames
    assert info.seek_offset == pytest.approx(info.video.start_time - info.start_time)


# -- keyframe-aligned clips: pure stream copies, in-process ----------------------------------


def no_ffmpeg(*args: object, **kwargs: object) -> None:
    raise AssertionError("ffmpeg ran for a clip that needs none")


@pytest.mark.parametrize(
    ("name", "first", "end"),
    [
        pytest.param("ntsc", 48, 96, id="b-frames-keyframe-to-keyframe"),
        pytest.param("ntsc", 0, 144, id="from-the-first-frame"),
        pytest.param("ntsc", 288, 360, id="to-the-last-frame"),
        pytest.param("baseline", 30, 77, id="no-b-frames-any-end"),
        pytest.param("silent", 48, 120, id="no-audio"),
    ],
)
def test_keyframe_aligned_clip_is_a_pure_copy(
    infos: dict[str, tuple[Source, MediaInfo]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    first: int,
    end: int,
) -> None:
    src, info = infos[name]
    monkeypatch.setattr(cut_module, "run", no_ffmpeg)
    result = cut(src, info, first, end, tmp_path)
    assert result.method == "copy" and result.reencoded_frames == 0
    assert_exact(result, src, first, end)


@pytest.mark.parametrize("name", ["ntsc", "baseline"])
def test_copied_audio_starts_on_the_first_frame_to_the_sample(
    infos: dict[str, tuple[Source, MediaInfo]], tmp_path: Path, name: str
) -> None:
    src, info = infos[name]
    first, end = src.gop * 2, src.frames - 2
    result = cut(src, info, first, end, tmp_path)
    assert result.method == "copy"
    samples, rate = audio_samples(result.output)
    start = src.time(first)
    # The source beeps at every whole second; in the clip they must sit at n - start.
    want = [n - start for n in range(math.ceil(start), math.ceil(src.time(end)))]
    got = beep_onsets(samples, rate)
    # The edit list trims the pre-roll, so onsets match to the sample (not to a frame).
    assert got == pytest.approx(want, abs=0.002)


def test_windows_from_probed_keyframes_cut_without_reencoding(
    infos: dict[str, tuple[Source, MediaInfo]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cutups.recipes.plays_recipe import cut_points
    from cutups.recipes.windows import WindowOptions, build_windows

    src, info = infos["ntsc"]  # B-frames, a keyframe every 1.6 s
    plays = [(3.4, 5.0), (7.9, 9.1)]
    windows = build_windows(plays, float(src.duration), WindowOptions(), cut_points(info))
    monkeypatch.setattr(cut_module, "run", no_ffmpeg)
    for n, w in enumerate(windows):
        result = cut_clip(info, CutSpec(w.start, w.end, tmp_path / f"{n}.mp4"))
        assert result.method == "copy" and result.reencoded_frames == 0
        first, end = round(w.start * src.rate), round(w.end * src.rate)
        assert first % src.gop == 0 and (end % src.gop == 0 or end == src.frames)
        assert_exact(result, src, first, end)


def test_smart_cut_counts_its_reencoded_frames(
    infos: dict[str, tuple[Source, MediaInfo]], tmp_path: Path
) -> None:
    src, info = infos["ntsc"]
    result = cut(src, info, 40, 96, tmp_path)
    assert result.method == "smart" and result.reencoded_frames == 8  # the head, 40-47
    assert cut(src, info, 10, 30, tmp_path).reencoded_frames == 20


def test_failed_in_process_copy_falls_back_to_ffmpeg(
    infos: dict[str, tuple[Source, MediaInfo]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    src, info = infos["ntsc"]

    def broken(*args: object, **kwargs: object) -> None:
        raise av.error.InvalidDataError(1094995529, "muxer exploded")

    monkeypatch.setattr(cut_module, "write_clip", broken)
    with caplog.at_level(logging.WARNING, logger="cutups.media.cut"):
        result = cut(src, info, 48, 96, tmp_path)
    assert result.method == "copy"  # ffmpeg's copy this time
    assert_exact(result, src, 48, 96)
    assert any("cutting with ffmpeg" in r.getMessage() for r in caplog.records)


def test_transport_streams_copy_with_ffmpeg(
    infos: dict[str, tuple[Source, MediaInfo]], tmp_path: Path
) -> None:
    src, info = infos["transport"]
    result = cut(src, info, 48, 96, tmp_path)
    assert result.method == "copy" and result.reencoded_frames == 0
    assert_exact(result, src, 48, 96)


def test_in_process_copy_is_checked_by_what_it_wrote(
    infos: dict[str, tuple[Source, MediaInfo]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src, info = infos["ntsc"]
    real = cut_module.write_clip

    def short(*args: Any, **kwargs: Any) -> Written:
        written = real(*args, **kwargs)
        return dataclasses.replace(written, video_packets=written.video_packets - 5)

    monkeypatch.setattr(cut_module, "write_clip", short)
    result = cut(src, info, 48, 96, tmp_path)  # rejected, so ffmpeg cuts it
    assert result.method == "copy"
    assert_exact(result, src, 48, 96)
