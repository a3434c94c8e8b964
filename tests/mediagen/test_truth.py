"""Truth of the tiny broadcast is self-consistent, round-trips, and is deterministic."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction
from pathlib import Path

import pytest

from cutups.errors import InputError
from cutups.truth import format_clock, load_truth
from cutups_testkit import GeneratedBroadcast, Truth, plan, presets


def test_plays_sorted_inside_and_clear_of_replays_and_ads(tiny: GeneratedBroadcast) -> None:
    tr = tiny.truth
    assert 60 <= tr.video.duration <= 100
    assert 3 <= len(tr.plays) <= 4
    snaps = [p.snap for p in tr.plays]
    assert snaps == sorted(snaps)
    for p in tr.plays:
        assert 0 <= p.snap < p.whistle <= tr.video.duration
        for span in (*tr.replays, *tr.commercials):
            assert p.whistle <= span.start or p.snap >= span.end, (p.index, span)
        assert p.clock_at_end <= p.clock_at_snap
    assert tr.replays and tr.commercials
    by_index = {p.index: p for p in tr.plays}
    for r in tr.replays:
        assert r.of_play in by_index
        assert r.start >= by_index[r.of_play].whistle  # a replay follows its play
        later = [p.snap for p in tr.plays if p.index > r.of_play]
        assert not later or r.end <= min(later)


def test_frames_are_exact(tiny: GeneratedBroadcast) -> None:
    fps = Fraction(tiny.truth.video.fps)
    for p in tiny.truth.plays:
        assert abs(p.snap - float(p.snap_frame / fps)) < 1e-5
        assert abs(p.whistle - float(p.whistle_frame / fps)) < 1e-5


def test_segments_tile_the_video(tiny: GeneratedBroadcast) -> None:
    segs = tiny.truth.segments
    assert segs[0].start == 0
    assert abs(segs[-1].end - tiny.truth.video.duration) < 1e-5
    for a, b in itertools.pairwise(segs):
        assert abs(a.end - b.start) < 1e-5
    kinds = {s.kind for s in segs}
    assert {"wide", "commercial", "replay", "wipe"} <= kinds
    for s in segs:
        assert s.scorebug == (
            "live" if s.kind in ("wide", "closeup", "crowd", "sideline") else s.scorebug
        )
        if s.kind in ("commercial", "bumper", "studio", "wipe"):
            assert s.scorebug == "hidden"


def test_clock_track_agrees_with_plays(tiny: GeneratedBroadcast) -> None:
    tr = tiny.truth
    track = tr.clock_track
    assert abs(track[0].video_start) < 1e-6 and abs(track[-1].video_end - tr.video.duration) < 1e-5
    for p in tr.plays:
        c = tr.clock_segment_at(p.snap + 1e-4)
        assert c is not None and c.period == p.period
        assert abs(c.live_clock(p.snap) - p.clock_at_snap) < 2e-3
        c = tr.clock_segment_at(p.whistle - 1e-4)
        assert c is not None
        assert abs(c.live_clock(p.whistle) - p.clock_at_end) < 2e-3
    for c in track:  # commercials never show a clock, and the clock is stopped during them
        for ad in tr.commercials:
            if ad.start <= c.video_start < ad.end:
                assert c.shown == "hidden" and not c.running
    assert tr.displayed_clock(tr.commercials[0].start + 0.5) is None


def test_format_clock() -> None:
    assert format_clock(900, tenths=False, period=1) == "15:00"
    assert format_clock(899.97, tenths=False, period=1) == "14:59"
    assert format_clock(59.95, tenths=True, period=2) == "59.9"
    assert format_clock(59.95, tenths=False, period=2) == "0:59"
    assert format_clock(0, tenths=False, period=5) == ""


def test_roundtrip_and_determinism(tiny: GeneratedBroadcast) -> None:
    loaded = Truth.load(tiny.truth_path)
    assert loaded == tiny.truth
    again = plan(presets.tiny())[2]
    assert again.plays == tiny.truth.plays
    assert again.segments == tiny.truth.segments
    assert again.clock_track == tiny.truth.clock_track


def test_load_truth_reads_what_the_generator_wrote(tiny: GeneratedBroadcast) -> None:
    assert load_truth(tiny.truth_path) == tiny.truth


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("not json", "not a Cutups truth file"),
        ('{"version": 99}', "truth version 99"),
        ('{"version": 1}', "no 'scorebug'"),
        ("[1, 2]", "not a Cutups truth file"),
    ],
)
def test_load_truth_refuses_other_files(content: str, says: str, tmp_path: Path) -> None:
    path = tmp_path / "truth.json"
    path.write_text(content)
    with pytest.raises(InputError, match=says):
        load_truth(path)
    with pytest.raises(InputError, match="cannot read"):
        load_truth(tmp_path / "missing.json")


def test_displayed_clock_is_floor_of_live_clock(tiny: GeneratedBroadcast) -> None:
    tr = tiny.truth
    c = next(c for c in tr.clock_track if c.running and c.shown == "live")
    t = c.video_start + 0.5
    want = math.floor(c.live_clock(t) + 1e-9)
    assert tr.displayed_clock(t) == f"{want // 60}:{want % 60:02d}"
