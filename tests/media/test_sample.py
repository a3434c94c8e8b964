"""Sampling a few frames by seeking: exact frames, or just the keyframes the seeks land on."""

from __future__ import annotations

import math

from cutups.media.sample import sample_frames
from tests.media.barcode import read_code
from tests.media.conftest import Source


def test_exact_samples_show_the_frame_at_each_time(ntsc: Source) -> None:
    times = [0.0, 2.5, 7.3, 11.0]
    got = sample_frames(ntsc.path, times, width=160, height=90)
    assert [t for t, _ in got] == times
    for t, image in got:
        assert read_code(image) == math.ceil(t * ntsc.rate - 1e-9)


def test_keyframe_samples_show_the_keyframe_at_or_before_each_time(ntsc: Source) -> None:
    times = [0.0, 2.5, 7.3, 11.0]
    got = sample_frames(ntsc.path, times, width=160, height=90, gray=False, exact=False)
    assert [t for t, _ in got] == times
    for t, image in got:
        frame = read_code(image)
        assert image.shape == (90, 160, 3)
        assert frame % ntsc.gop == 0  # a keyframe: nothing decoded past it
        assert frame <= t * ntsc.rate < frame + ntsc.gop
