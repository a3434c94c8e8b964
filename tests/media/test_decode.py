from __future__ import annotations

import itertools
import math
import threading
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from av.audio.frame import AudioFrame

from cutups.errors import CanceledError, MediaError
from cutups.media._decoder import _continues
from cutups.media.decode import FrameRequest, Image, Samples, decode_once
from tests.media.barcode import BEEP_SECONDS, read_code
from tests.media.conftest import Source


@dataclass
class Frames:
    """Records every tick: (tick, t, frame number read from the image, image)."""

    request: FrameRequest
    ticks: list[tuple[int, float, int]] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    stop_at: int | None = None
    cancel: threading.Event | None = None

    def on_frame(self, tick: int, t: float, image: Image) -> None:
        self.ticks.append((tick, t, read_code(image)))
        self.images.append(image)
        if self.stop_at is not None and tick == self.stop_at:
            if self.cancel is not None:
                self.cancel.set()
            else:
                raise ValueError("consumer blew up")


@dataclass
class Audio:
    sample_rate: int
    chunks: list[tuple[float, Samples]] = field(default_factory=list)

    def on_audio(self, t: float, samples: Samples) -> None:
        self.chunks.append((t, samples))

    @property
    def samples(self) -> Samples:
        return np.concatenate([c for _, c in self.chunks])


def expected_ticks(src: Source, rate: Fraction) -> list[tuple[int, float, int]]:
    """Tick k shows the latest frame at or before k / rate, while k / rate < duration."""
    count = math.ceil(src.duration * rate)
    return [
        (k, float(Fraction(k) / rate), math.floor(Fraction(k) / rate * src.rate))
        for k in range(count)
    ]


def decode_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "cutups-decode"]


def test_ticks_frames_and_shapes(ntsc: Source) -> None:
    gray = Frames(FrameRequest(160, 90, Fraction(10), gray=True))
    rgb = Frames(FrameRequest(64, 36, Fraction(7)))
    stats = decode_once(ntsc.path, [gray, rgb])
    assert gray.ticks == expected_ticks(ntsc, Fraction(10))
    assert rgb.ticks == expected_ticks(ntsc, Fraction(7))
    assert {i.shape for i in gray.images} == {(90, 160)}
    assert {i.shape for i in rgb.images} == {(36, 64, 3)}
    assert all(i.dtype == np.uint8 and not i.flags.writeable for i in gray.images + rgb.images)
    # Two consumers, two rates, one decode of every frame.
    assert stats.frames_decoded == ntsc.frames
    assert stats.ticks_delivered == {0: len(gray.ticks), 1: len(rgb.ticks)}
    assert stats.duration == pytest.approx(float(ntsc.duration))
    assert stats.packets_skipped == 0


def test_rate_above_the_video_repeats_frames(ntsc60: Source) -> None:
    fast = Frames(FrameRequest(64, 36, Fraction(100), gray=True))
    decode_once(ntsc60.path, [fast])
    assert fast.ticks == expected_ticks(ntsc60, Fraction(100))
    numbers = [n for _, _, n in fast.ticks]
    assert len(set(numbers)) == ntsc60.frames  # every frame shown, some twice
    assert numbers == sorted(numbers)


def test_consumers_with_one_request_share_one_conversion(silent: Source) -> None:
    request = FrameRequest(80, 45, Fraction(5), gray=True)
    a, b = Frames(request), Frames(request)
    stats = decode_once(silent.path, [a, b])
    assert a.ticks == b.ticks == expected_ticks(silent, Fraction(5))
    assert all(x is y for x, y in zip(a.images, b.images, strict=True))
    assert stats.ticks_delivered == {0: len(a.ticks), 1: len(b.ticks)}


def test_audio_is_resampled_and_timed(ntsc: Source) -> None:
    frames = Frames(FrameRequest(32, 18, Fraction(1), gray=True))
    low, high = Audio(8000), Audio(16000)
    stats = decode_once(ntsc.path, [frames], [low, high])
    info = ntsc.info()
    assert info.audio is not None
    truth = info.audio.duration  # the generator's audio ends 44 ms before its video
    assert stats.audio_samples / 48000 == pytest.approx(truth, abs=0.03)
    for audio in (low, high):
        rate = audio.sample_rate
        samples = audio.samples
        assert samples.dtype == np.float32 and np.abs(samples).max() <= 1.0
        assert samples.size / rate == pytest.approx(truth, abs=0.03)
        # Chunks are contiguous and t is the time of their first sample.
        t0, n = audio.chunks[0][0], 0
        for t, chunk in audio.chunks:
            assert t == pytest.approx(t0 + n / rate, abs=1.5 / rate)
            n += chunk.size
        # The source beeps during the first 100 ms of every second.
        for second in range(1, 11):
            start = round(second * rate) - round(t0 * rate)
            beep = samples[start + rate // 100 : start + int(BEEP_SECONDS * rate) - rate // 100]
            gap = samples[start + int(0.3 * rate) : start + int(0.6 * rate)]
            assert np.sqrt(np.mean(beep**2)) > 0.2, f"no beep at {second} s ({rate} Hz)"
            assert np.sqrt(np.mean(gap**2)) < 0.02


def test_no_audio_stream_means_no_audio(silent: Source) -> None:
    audio = Audio(16000)
    stats = decode_once(silent.path, [Frames(FrameRequest(16, 9, Fraction(2)))], [audio])
    assert audio.chunks == [] and stats.audio_samples == 0


def test_progress_is_bounded_and_finishes(ntsc: Source) -> None:
    seen: list[float] = []
    decode_once(
        ntsc.path, [Frames(FrameRequest(16, 9, Fraction(30)))], [Audio(8000)], progress=seen.append
    )
    assert seen and seen[-1] == 1.0
    assert all(0.0 <= f <= 1.0 for f in seen) and seen == sorted(seen)


def test_cancel_stops_promptly(ntsc: Source) -> None:
    cancel = threading.Event()
    frames = Frames(FrameRequest(32, 18, Fraction(10)), stop_at=5, cancel=cancel)
    with pytest.raises(CanceledError):
        decode_once(ntsc.path, [frames], cancel=cancel)
    assert len(frames.ticks) < 20
    assert decode_threads() == []


def test_consumer_error_reaches_the_caller_and_thread_is_joined(ntsc: Source) -> None:
    frames = Frames(FrameRequest(32, 18, Fraction(10)), stop_at=3)
    with pytest.raises(ValueError, match="consumer blew up"):
        decode_once(ntsc.path, [frames])
    assert decode_threads() == []


def test_decode_thread_errors_are_raised_in_the_caller(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="no such file"):
        decode_once(tmp_path / "gone.mp4", [Frames(FrameRequest(16, 9, Fraction(1)))])
    assert decode_threads() == []


def test_corrupt_data_is_skipped(corrupt: Path, ntsc: Source) -> None:
    frames = Frames(FrameRequest(32, 18, Fraction(10), gray=True))
    stats = decode_once(corrupt, [frames])
    assert stats.packets_skipped > 0 or stats.frames_decoded < ntsc.frames  # damage was seen
    assert stats.frames_decoded > ntsc.frames * 0.8
    assert [k for k, _, _ in frames.ticks] == list(range(len(frames.ticks)))
    assert len(frames.ticks) == len(expected_ticks(ntsc, Fraction(10)))


def test_truncated_file_decodes_what_is_there(moov_at_front: Path, ntsc: Source) -> None:
    frames = Frames(FrameRequest(32, 18, Fraction(10), gray=True))
    stats = decode_once(moov_at_front, [frames])
    assert 0 < stats.frames_decoded < ntsc.frames
    assert len(frames.ticks) == math.ceil(stats.duration * 10 - 1e-9)
    assert stats.duration < float(ntsc.duration) * 0.7


def test_skip_nonref_decodes_fewer_frames_but_keeps_ticks(ntsc: Source) -> None:
    frames = Frames(FrameRequest(32, 18, Fraction(10), gray=True))
    stats = decode_once(ntsc.path, [frames], skip_nonref=True)
    assert stats.frames_decoded < ntsc.frames
    assert len(frames.ticks) == len(expected_ticks(ntsc, Fraction(10)))
    # Each tick shows a frame at or before its time, never one from the future.
    assert all(
        n <= exact
        for (_, _, n), (_, _, exact) in zip(
            frames.ticks, expected_ticks(ntsc, Fraction(10)), strict=True
        )
    )


def test_frame_request_validation() -> None:
    assert FrameRequest(16, 9, 10).rate == Fraction(10)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        FrameRequest(0, 9, Fraction(1))
    with pytest.raises(ValueError):
        FrameRequest(16, 9, Fraction(0))


@dataclass
class Images:
    request: FrameRequest
    images: list[Image] = field(default_factory=list)

    def on_frame(self, tick: int, t: float, image: Image) -> None:
        self.images.append(image)


@pytest.mark.parametrize("scaled", [False, True])
def test_crop_delivers_the_box_of_the_full_conversion(ntsc: Source, scaled: bool) -> None:
    info = ntsc.info()
    w, h = (
        (info.video.width // 2, info.video.height // 2)
        if scaled
        else (
            info.video.width,
            info.video.height,
        )
    )
    box = (w // 4, h // 3, w // 2 + 3, h // 2 + 1)
    full = Images(FrameRequest(w, h, Fraction(5), gray=True))
    crop = Images(FrameRequest(w, h, Fraction(5), gray=True, crop=box))
    decode_once(ntsc.path, [full, crop])
    assert len(crop.images) == len(full.images) > 0
    x0, y0, x1, y1 = box
    for whole, part in zip(full.images, crop.images, strict=True):
        assert part.shape == (y1 - y0, x1 - x0)
        expected = whole[y0:y1, x0:x1].astype(np.int16)
        if scaled:  # box-filtered from the native plane: close to swscale's AREA
            assert np.abs(part - expected).mean() < 3.0
        else:  # the luma plane itself: swscale's gray values, range stretch included
            assert np.array_equal(part, expected)


def test_crop_must_lie_inside_the_image() -> None:
    with pytest.raises(ValueError):
        FrameRequest(16, 9, Fraction(1), gray=True, crop=(10, 0, 17, 5))


@pytest.mark.parametrize("skip_nonref", [False, True])
def test_adjacent_spans_deliver_what_one_pass_does(ntsc: Source, skip_nonref: bool) -> None:
    rate = Fraction(10)
    whole_frames, whole_audio = Frames(FrameRequest(32, 18, rate, gray=True)), Audio(16000)
    decode_once(ntsc.path, [whole_frames], [whole_audio], skip_nonref=skip_nonref)
    # Cuts between keyframes (GOP 48 at 29.97: keyframes at 0, 1.6, 3.2 ... s), so each span
    # after the first starts by jumping to an earlier keyframe and decoding up to its start.
    cuts = [Fraction(0), Fraction(23, 10), Fraction(71, 10), None]
    parts = []
    for start, end in itertools.pairwise(cuts):
        frames, audio = Frames(FrameRequest(32, 18, rate, gray=True)), Audio(16000)
        stats = decode_once(
            ntsc.path, [frames], [audio], skip_nonref=skip_nonref, start=start, end=end
        )
        first = math.ceil(start * rate)
        assert frames.ticks[0][0] == first  # ticks keep their numbers and times
        assert frames.ticks[0][1] == pytest.approx(float(start))
        assert audio.chunks[0][0] == pytest.approx(float(start), abs=1e-6)
        if end is not None:
            assert stats.duration == pytest.approx(float(end))
        parts.append((frames, audio))
    assert [t for f, _ in parts for t in f.ticks] == whole_frames.ticks
    joined = np.concatenate([a.samples for _, a in parts])
    whole = whole_audio.samples
    assert joined.size == whole.size
    # The same sound: a span's resampler starts on another input sample than the whole pass's
    # (48 kHz -> 16 kHz keeps one sample in three), which shifts its output by a fraction of a
    # sample (< 63 us); loudness per 100 ms, what the analysers use, agrees to within 1 %, or
    # to within -54 dBFS where a beep's abrupt end rings into a silent block.
    blocks = whole.size // 1600 * 1600
    rms_joined = np.sqrt(np.mean(joined[:blocks].reshape(-1, 1600) ** 2, axis=1))
    rms_whole = np.sqrt(np.mean(whole[:blocks].reshape(-1, 1600) ** 2, axis=1))
    assert np.allclose(rms_joined, rms_whole, rtol=0.01, atol=0.002)


def test_a_span_to_the_end_and_a_span_in_the_middle(ntsc: Source) -> None:
    frames = Frames(FrameRequest(32, 18, Fraction(5), gray=True))
    decode_once(ntsc.path, [frames], start=Fraction(4), end=Fraction(6))
    assert [k for k, _, _ in frames.ticks] == list(range(20, 30))
    # Frame numbers read from the images: each tick shows the frame at its time.
    assert [n for _, _, n in frames.ticks] == [n for _, _, n in expected_ticks(ntsc, Fraction(5))][
        20:30
    ]
    with pytest.raises(ValueError, match="bad span"):
        decode_once(ntsc.path, [frames], start=Fraction(6), end=Fraction(4))


def _audio_frame(pts: int | None, samples: int, rate: int, time_base: Fraction) -> AudioFrame:
    frame = AudioFrame.from_ndarray(np.zeros((1, samples), np.float32), format="flt", layout="mono")
    frame.sample_rate, frame.pts, frame.time_base = rate, pts, time_base
    return frame


@pytest.mark.parametrize("time_base", [Fraction(1, 48000), Fraction(1, 90000), Fraction(1, 1000)])
def test_audio_frames_continue_only_when_the_next_starts_where_the_last_ended(
    time_base: Fraction,
) -> None:
    step = Fraction(1024, 48000) / time_base  # one frame's length in ticks of time_base
    first = _audio_frame(1000, 1024, 48000, time_base)
    follows = _audio_frame(1000 + round(step), 1024, 48000, time_base)
    assert _continues(first, follows)
    ticks_per_ms = 1 / (1000 * time_base)
    gap = _audio_frame(1000 + round(step + 5 * ticks_per_ms), 1024, 48000, time_base)
    assert not _continues(first, gap)
    assert not _continues(first, _audio_frame(1000 + round(step), 1024, 44100, time_base))
    assert _continues(
        _audio_frame(None, 1024, 48000, time_base), _audio_frame(None, 9, 48000, time_base)
    )
    assert not _continues(first, _audio_frame(None, 1024, 48000, time_base))
