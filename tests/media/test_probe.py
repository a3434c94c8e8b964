from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import pytest

from cutups.errors import MediaError, NoVideoStreamError
from cutups.media.probe import probe
from tests.media.conftest import Source


def test_facts_of_a_2997_video(ntsc: Source) -> None:
    info = probe(ntsc.path)
    v = info.video
    assert v.frame_rate == Fraction(30000, 1001)
    assert (v.codec, v.width, v.height, v.pix_fmt) == ("h264", 320, 180, "yuv420p")
    assert v.frame_count == 360
    assert v.duration == pytest.approx(float(ntsc.duration), abs=1e-6)
    assert v.sample_aspect_ratio == 1
    assert v.reorder_delay > 0  # x264 veryfast uses B-frames
    assert info.has_audio and info.audio is not None
    assert (info.audio.codec, info.audio.sample_rate, info.audio.channels) == ("aac", 48000, 1)
    assert info.size_bytes == ntsc.path.stat().st_size
    assert not info.truncated


def test_keyframes_every_gop(ntsc: Source, ntsc60: Source) -> None:
    for src in (ntsc, ntsc60):
        info = probe(src.path)
        expected = [float(k * src.gop / src.rate) for k in range(-(-src.frames // src.gop))]
        assert info.keyframes == pytest.approx(expected, abs=1e-9)


def test_frame_reordering_is_seen_by_the_keyframe_scan(ntsc: Source, baseline: Source) -> None:
    assert probe(ntsc.path).video.reorders is True  # B-frames
    assert probe(baseline.path).video.reorders is False  # decode order is display order
    assert probe(ntsc.path, keyframes=False).video.reorders is None


def test_5994_rate_is_exact(ntsc60: Source) -> None:
    assert probe(ntsc60.path).video.frame_rate == Fraction(60000, 1001)


def test_no_audio_and_no_keyframe_scan(silent: Source) -> None:
    info = probe(silent.path, keyframes=False)
    assert not info.has_audio and info.audio is None
    assert info.keyframes == ()
    assert info.video.frame_count == 120


def test_transport_stream_timeline(transport: Source) -> None:
    info = probe(transport.path)
    assert info.video.time_base == Fraction(1, 90000)
    assert info.start_time > 0  # MPEG-TS starts its clock at 1.4 s
    assert info.keyframes[:3] == pytest.approx([0.0, 48 * 1001 / 30000, 96 * 1001 / 30000])
    assert info.video.frame_count == 360


def test_open_gop_keyframes_are_left_out(open_gop: Source) -> None:
    with av.open(str(open_gop.path)) as container:
        stream = container.streams.video[0]
        flagged = [
            float(p.pts * p.time_base)
            for p in container.demux(stream)
            if p.is_keyframe and p.pts is not None
        ]
    keys = probe(open_gop.path).keyframes
    assert 0.0 in keys
    assert set(keys) < set(flagged), "open-GOP I-frames must not be offered as cut points"


def test_image_is_rejected(media_dir: Path) -> None:
    from cutups.media.ffmpeg import file_arg, run

    png = media_dir / "still.png"
    run(
        [
            "ffmpeg",
            "-nostdin",
            "-y",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=s=64x64",
            "-frames:v",
            "1",
            file_arg(png),
        ]
    )
    with pytest.raises(MediaError, match="still image"):
        probe(png)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        pytest.param(lambda d: d / "missing.mp4", "no such file", id="missing"),
        pytest.param(lambda d: _write(d / "empty.mp4", b""), "empty file", id="zero-length"),
        pytest.param(
            lambda d: _write(d / "notes.txt", b"first down\n" * 50), "not a video", id="text"
        ),
        pytest.param(
            lambda d: _write(d / "plays.json", b'{"plays": [1, 2, 3]}'), "not a", id="json"
        ),
        pytest.param(lambda d: d, "directory", id="directory"),
    ],
)
def test_unusable_files(tmp_path: Path, make: object, message: str) -> None:
    assert callable(make)
    path = make(tmp_path)
    with pytest.raises(MediaError, match=message) as caught:
        probe(path)
    _one_line(caught.value)


def test_truncated_mp4_without_index(moov_at_end: Path) -> None:
    with pytest.raises(MediaError, match="not a readable video file") as caught:
        probe(moov_at_end)
    _one_line(caught.value)


def test_truncated_mp4_with_index_reports_what_is_there(moov_at_front: Path, ntsc: Source) -> None:
    info = probe(moov_at_front)
    assert info.truncated
    assert 0.3 * float(ntsc.duration) < info.duration < 0.7 * float(ntsc.duration)
    assert info.video.frame_count is not None and info.video.frame_count < ntsc.frames
    # The cheap index check (no packet scan) sees it too, to within a few frames.
    quick = probe(moov_at_front, keyframes=False)
    assert quick.truncated
    assert quick.duration == pytest.approx(info.duration, abs=0.3)


def test_audio_only_has_no_video(audio_only: Path) -> None:
    with pytest.raises(NoVideoStreamError, match="no video stream") as caught:
        probe(audio_only)
    _one_line(caught.value)
    assert caught.value.expected  # the user's input, not our bug


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _one_line(exc: BaseException) -> None:
    text = str(exc)
    assert text and "\n" not in text and "Traceback" not in text
    assert exc.__cause__ is None or isinstance(exc.__cause__, MediaError)


def test_a_file_cut_inside_its_index_is_read_or_refused_never_crashes(
    moov_at_front: Path, tmp_path: Path
) -> None:
    # Cut short inside its index, an MP4 can list an audio track whose codec was never read
    # (no codec context): probing it raised AttributeError, and an upload of it got a 500.
    whole = (moov_at_front.parent / "faststart.mp4").read_bytes()
    moov = whole.index(b"moov") - 4
    size = int.from_bytes(whole[moov : moov + 4], "big")
    cut = tmp_path / "cut.mp4"
    outcomes: set[object] = set()
    for end in range(moov + 8, moov + size, 5):
        cut.write_bytes(whole[:end])
        try:
            outcomes.add(probe(cut, keyframes=False).has_audio)
        except MediaError:
            outcomes.add("refused")
    assert False in outcomes  # some cuts keep the video but lose the audio track: no audio
