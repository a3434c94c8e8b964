from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

import cutups.media.reel as reel_module
from cutups.errors import ConfigError
from cutups.media.cut import CutSpec, cut_clip
from cutups.media.ffmpeg import run
from cutups.media.probe import probe
from cutups.media.reel import build_reel, chapters_metadata
from tests.media.barcode import audio_samples, beep_onsets, codes
from tests.media.conftest import Source


def chapters(path: Path) -> list[dict[str, object]]:
    out = run(["ffprobe", "-v", "error", "-show_chapters", "-of", "json", str(path)]).stdout
    found = json.loads(out)["chapters"]
    assert isinstance(found, list)
    return found


def make_clips(src: Source, spans: list[tuple[int, int]], out: Path) -> list[Path]:
    info = probe(src.path)
    return [
        cut_clip(info, CutSpec(src.time(a), src.time(b), out / f"{src.path.stem}_{a}.mp4")).output
        for a, b in spans
    ]


def test_clips_of_one_source_join_without_reencoding(ntsc: Source, tmp_path: Path) -> None:
    spans = [(50, 150), (200, 260), (10, 40)]
    clips = make_clips(ntsc, spans, tmp_path)
    titles = ["1st & 10 at OSU 25", "Run; 4 yds", "Punt = 42 yds"]
    result = build_reel(clips, tmp_path / "reel" / "reel.mp4", chapters=titles)
    assert result.method == "copy"
    total = sum(probe(c, keyframes=False).duration for c in clips)
    assert result.duration == pytest.approx(total, abs=0.1)
    # Every frame of every clip, in order, and nothing else.
    assert codes(result.output) == [n for a, b in spans for n in range(a, b)]
    info = probe(result.output, keyframes=False)
    assert info.audio is not None
    assert info.audio.duration == pytest.approx(info.video.duration, abs=0.05)
    found = chapters(result.output)
    assert [c["tags"]["title"] for c in found] == titles  # type: ignore[index]
    ends = [float(str(c["end_time"])) for c in found]
    lengths = [(b - a) * 1001 / 30000 for a, b in spans]
    assert ends == pytest.approx([sum(lengths[: i + 1]) for i in range(3)], abs=0.002)


def test_mixed_clips_are_normalised(
    ntsc: Source, ntsc60: Source, silent: Source, tmp_path: Path
) -> None:
    clips = (
        make_clips(ntsc, [(50, 110)], tmp_path)
        + make_clips(ntsc60, [(100, 220)], tmp_path)
        + make_clips(silent, [(0, 45)], tmp_path)
    )
    result = build_reel(clips, tmp_path / "mixed.mp4")
    assert result.method == "reencode"
    total = sum(probe(c, keyframes=False).duration for c in clips)
    assert result.duration == pytest.approx(total, abs=0.1)
    info = probe(result.output, keyframes=False)
    assert (info.video.width, info.video.height) == (320, 180)
    assert info.audio is not None  # the silent clip got silence, not a hole
    assert [c["tags"]["title"] for c in chapters(result.output)] == [  # type: ignore[index]
        "Clip 1",
        "Clip 2",
        "Clip 3",
    ]
    # Same-rate clips keep every frame (the fps filter used to drop each one's last frame), the
    # 59.94 fps clip keeps every other one.
    found = codes(result.output)
    assert found[:60] == list(range(50, 110))
    assert found[-45:] == list(range(0, 45))
    assert len(found) == 60 + 60 + 45


def test_reel_without_audio(silent: Source, tmp_path: Path) -> None:
    clips = make_clips(silent, [(0, 30), (60, 100)], tmp_path)
    result = build_reel(clips, tmp_path / "quiet.mp4")
    assert result.method == "copy"
    assert probe(result.output, keyframes=False).audio is None
    assert codes(result.output) == list(range(0, 30)) + list(range(60, 100))
    assert len(chapters(result.output)) == 2


def test_reel_arguments(tmp_path: Path, silent: Source) -> None:
    with pytest.raises(ConfigError, match="at least one"):
        build_reel([], tmp_path / "r.mp4")
    with pytest.raises(ConfigError, match="2 chapter titles for 1 clips"):
        build_reel([silent.path], tmp_path / "r.mp4", chapters=["a", "b"])


def test_chapter_metadata_escaping_and_rounding() -> None:
    text = chapters_metadata(["a=b;c#d\\e", "x\ny"], [1.0005, 2.0005])
    assert text.splitlines() == [
        ";FFMETADATA1",
        "[CHAPTER]",
        "TIMEBASE=1/1000",
        "START=0",
        "END=1000",
        "title=a\\=b\\;c\\#d\\\\e",
        "[CHAPTER]",
        "TIMEBASE=1/1000",
        "START=1000",
        "END=3001",
        "title=x\\",
        "y",
    ]


def test_copied_clips_join_in_process_with_audio_in_sync(
    ntsc: Source, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spans = [(48, 96), (144, 240), (240, 336)]  # keyframe-aligned: pure copies
    clips = make_clips(ntsc, spans, tmp_path)

    def no_ffmpeg(*args: object, **kwargs: object) -> None:
        raise AssertionError("ffmpeg ran for a reel of copies")

    monkeypatch.setattr(reel_module, "run", no_ffmpeg)
    result = build_reel(clips, tmp_path / "reel.mp4", chapters=["a", "b", "c"])
    assert result.method == "copy"
    assert codes(result.output) == [n for a, b in spans for n in range(a, b)]
    info = probe(result.output, keyframes=False)
    lengths = [(b - a) * 1001 / 30000 for a, b in spans]
    assert info.video.duration == pytest.approx(sum(lengths), abs=1e-3)
    assert info.audio is not None
    assert info.audio.duration == pytest.approx(info.video.duration, abs=0.012)
    assert [c["tags"]["title"] for c in chapters(result.output)] == ["a", "b", "c"]  # type: ignore[index]
    # Every beep (the source beeps on each whole second) where that clip puts it, to within
    # half an AAC frame: audio is laid end to end and re-anchored at each join.
    samples, rate = audio_samples(result.output)
    want: list[float] = []
    offset = 0.0
    for (a, b), length in zip(spans, lengths, strict=True):
        start, end = ntsc.time(a), ntsc.time(b)
        want += [offset + n - start for n in range(math.ceil(start), math.ceil(end))]
        offset += length
    assert beep_onsets(samples, rate) == pytest.approx(want, abs=0.012)


def test_copies_and_smart_cuts_join_with_in_band_parameter_sets(
    ntsc: Source, tmp_path: Path
) -> None:
    spans = [(48, 96), (50, 150), (144, 192)]  # copy, head + copy + tail, copy
    clips = make_clips(ntsc, spans, tmp_path)
    result = build_reel(clips, tmp_path / "reel.mp4")
    assert result.method == "copy"
    assert codes(result.output) == [n for a, b in spans for n in range(a, b)]


def test_in_process_join_failure_falls_back_to_ffmpeg(
    ntsc: Source, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spans = [(48, 96), (144, 192)]
    clips = make_clips(ntsc, spans, tmp_path)

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("join exploded")

    monkeypatch.setattr(reel_module, "join_copies", broken)
    result = build_reel(clips, tmp_path / "reel.mp4", chapters=["a", "b"])
    assert result.method == "copy"
    assert codes(result.output) == [n for a, b in spans for n in range(a, b)]
    assert len(chapters(result.output)) == 2


def test_known_durations_spare_probing_every_clip(
    ntsc: Source, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spans = [(48, 96), (144, 192)]
    clips = make_clips(ntsc, spans, tmp_path)
    probed: list[Path] = []
    real = reel_module.probe

    def counting(path: Path, **kwargs: bool) -> object:
        probed.append(Path(path))
        return real(path, **kwargs)

    monkeypatch.setattr(reel_module, "probe", counting)
    lengths = [(b - a) * 1001 / 30000 for a, b in spans]
    result = build_reel(clips, tmp_path / "reel.mp4", durations=lengths)
    assert result.method == "copy" and result.duration == pytest.approx(sum(lengths), abs=0.02)
    assert codes(result.output) == [n for a, b in spans for n in range(a, b)]
    assert len(probed) == 1  # the reel itself, checked against the sum


def test_clip_inside_one_gop_still_joins_by_copy(baseline: Source, tmp_path: Path) -> None:
    # Frames 5-20 have no keyframe, so that clip is re-encoded whole; it keeps the source's
    # profile (here Baseline, where x264 defaults to High), so the reel is still a copy.
    clips = make_clips(baseline, [(0, 30), (5, 20), (30, 60)], tmp_path)
    profiles = {probe(c, keyframes=False).video.profile for c in clips}
    assert len(profiles) == 1
    result = build_reel(clips, tmp_path / "reel.mp4")
    assert result.method == "copy"
    assert codes(result.output) == [*range(0, 30), *range(5, 20), *range(30, 60)]


def test_a_clip_titled_none_carries_on_the_chapter_before_it() -> None:
    text = chapters_metadata(["head", None, None, "next"], [2.0, 1.5, 0.25, 3.0])
    assert [line for line in text.splitlines() if line.startswith(("START", "END", "title"))] == [
        "START=0", "END=3750", "title=head", "START=3750", "END=6750", "title=next",
    ]  # fmt: skip


def test_the_first_clip_needs_a_chapter_title(tmp_path: Path, silent: Source) -> None:
    with pytest.raises(ConfigError, match="first clip's chapter"):
        build_reel([silent.path], tmp_path / "r.mp4", chapters=[None])
