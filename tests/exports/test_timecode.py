"""Timecodes: known drop-frame labels, every frame round-trips, and OpenTimelineIO agrees."""

from __future__ import annotations

from fractions import Fraction

import opentimelineio as otio
import pytest

from cutups.errors import ConfigError
from cutups.media.cutplan import FrameGrid
from cutups.output.exports.timecode import frame_at, from_timecode, to_timecode

NTSC30, NTSC60 = Fraction(30000, 1001), Fraction(60000, 1001)
RATES = [NTSC30, NTSC60, Fraction(25), Fraction(50), Fraction(24000, 1001)]


@pytest.mark.parametrize(
    ("frame", "rate", "label"),
    [
        (0, NTSC30, "00:00:00;00"),
        (1799, NTSC30, "00:00:59;29"),
        (1800, NTSC30, "00:01:00;02"),  # ;00 and ;01 are skipped at each minute...
        (17982, NTSC30, "00:10:00;00"),  # ...except every tenth
        (17981, NTSC30, "00:09:59;29"),
        (107892, NTSC30, "01:00:00;00"),
        (3600, NTSC60, "00:01:00;04"),
        (35964, NTSC60, "00:10:00;00"),
        (215784, NTSC60, "01:00:00;00"),
        (90000, Fraction(25), "01:00:00:00"),
        (1499, Fraction(25), "00:00:59:24"),
        (49, Fraction(50), "00:00:00:49"),
        (86400, Fraction(24000, 1001), "01:00:00:00"),  # 23.976 counts without drops
    ],
)
def test_known_labels(frame: int, rate: Fraction, label: str) -> None:
    assert to_timecode(frame, rate) == label
    assert from_timecode(label, rate) == frame


@pytest.mark.parametrize("rate", RATES, ids=str)
def test_every_frame_round_trips_and_matches_opentimelineio(rate: Fraction) -> None:
    # Past the first ten-minute block and the first hour, where drop-frame errors show.
    frames = [*range(0, 40000, 7), *range(107800, 108100), *range(215700, 216000)]
    for frame in frames:
        label = to_timecode(frame, rate)
        assert from_timecode(label, rate) == frame, label
        theirs = otio.opentime.to_timecode(otio.opentime.RationalTime(frame, float(rate)))
        assert label == theirs, frame


def test_non_drop_labels_at_ntsc_rates_on_request() -> None:
    assert to_timecode(1800, NTSC30, drop_frame=False) == "00:01:00:00"
    assert from_timecode("00:01:00:00", NTSC30) == 1800  # ':' reads as non-drop


@pytest.mark.parametrize(
    ("label", "rate", "why"),
    [
        ("00:01:00;00", NTSC30, "does not exist"),  # skipped by drop-frame
        ("00:01:00;03", NTSC60, "does not exist"),
        ("00:00:01;00", Fraction(25), "only at 29.97 and 59.94"),
        ("00:00:00:25", Fraction(25), "out of range"),
        ("00:60:00:00", Fraction(25), "out of range"),
        ("1:00:00", Fraction(25), "not a timecode"),
        ("", NTSC30, "not a timecode"),
    ],
)
def test_bad_labels_are_refused(label: str, rate: Fraction, why: str) -> None:
    with pytest.raises(ConfigError, match=why):
        from_timecode(label, rate)


def test_labels_that_exist_at_tenth_minutes_are_accepted() -> None:
    assert from_timecode("00:10:00;00", NTSC30) == 17982
    assert from_timecode("00:20:00;01", NTSC30) == 2 * 17982 + 1


def test_frame_at_is_the_cut_planners_grid() -> None:
    for rate in RATES:
        grid = FrameGrid(rate, Fraction(1, 90000), 0, 10**6)
        for n in range(0, 3000, 13):
            t = float(n / rate)
            assert frame_at(t, rate) == grid.index(t) == n
            assert frame_at(round(t, 3), rate) == n  # manifests keep milliseconds


def test_negative_frames_and_rates_are_refused() -> None:
    with pytest.raises(ConfigError):
        to_timecode(-1, NTSC30)
    with pytest.raises(ConfigError):
        to_timecode(0, Fraction(0))
