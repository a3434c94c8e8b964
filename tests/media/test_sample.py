"""Sampling a few frames by seeking: each sample shows the frame at its time."""

from __future__ import annotations

import math

from cutups.media.sample import sample_frames
from tests.media.barcode import read_code
from tests.media.conftest import Source


def test_samples_show_the_frame_at_each_time(ntsc: Source) -> None:
    times = [0.0, 2.5, 7.3, 11.0]
    got = sample_frames(ntsc.path, times, width=160, height=90)
    assert [t for t, _ in got] == times
    for t, image in got:
        assert read_code(image) == math.ceil(t * ntsc.rate - 1e-9)


def test_rgb_samples_have_three_channels(ntsc: Source) -> None:
    got = sample_frames(ntsc.path, [1.0, 5.0], width=64, height=36, gray=False)
    assert [image.shape for _, image in got] == [(36, 64, 3), (36, 64, 3)]


def test_reference_only_samples_land_on_a_reference_frame_just_after_each_time(
    ntsc: Source,
) -> None:
    times = [round(0.37 * k, 2) for k in range(30)]
    got = sample_frames(ntsc.path, times, width=160, height=90, reference_only=True)
    assert [t for t, _ in got] == times
    shown = [read_code(image) for _, image in got]
    exact = [math.ceil(t * ntsc.rate - 1e-9) for t in times]
    # B-frames are skipped, so a sample may be a few frames late, never early; with B-frames
    # in the stream some sample does land late (otherwise nothing was skipped).
    assert all(0 <= s - e <= 3 for s, e in zip(shown, exact, strict=True))
    assert shown != exact
