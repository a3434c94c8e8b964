"""Looks, presets, 59.94 fps timing and the render cache."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import av
import pytest

from cutups_testkit import LOOKS, TEAMS, generate_cached, plan, presets
from cutups_testkit.looks import CLASSIC_LOOKS
from cutups_testkit.scorebug import BugState, Scorebug, bug_layout


def test_at_least_eight_distinct_classic_looks() -> None:
    LOOKS = CLASSIC_LOOKS  # network looks: test_network.py
    assert len(LOOKS) >= 8
    assert {lk.anchor for lk in LOOKS.values()} >= {
        "top-left",
        "top-right",
        "bottom-left",
        "bottom-center",
        "top-center",
    }
    assert {lk.fps for lk in LOOKS.values()} == {Fraction(30000, 1001), Fraction(60000, 1001)}
    assert {(lk.width, lk.height) for lk in LOOKS.values()} == {(854, 480), (1280, 720)}
    assert {lk.layout for lk in LOOKS.values()} == {"bar", "box"}
    assert {lk.replay_bug for lk in LOOKS.values()} == {"hidden", "frozen"}
    assert len({lk.font for lk in LOOKS.values()}) >= 5
    assert min(lk.gop for lk in LOOKS.values()) <= 30 < 250 == max(lk.gop for lk in LOOKS.values())


@pytest.mark.parametrize("name", sorted(CLASSIC_LOOKS))
def test_scorebug_layout_fits(name: str) -> None:
    lk = LOOKS[name]
    lay = bug_layout(lk)
    assert lay.x >= 0 and lay.y >= 0
    assert lay.x + lay.w <= lk.width and lay.y + lay.h <= lk.height
    for fx, fy, fw, fh in lay.fields.values():
        assert fx >= 0 and fy >= 0 and fx + fw <= lay.w and fy + fh <= lay.h
    bug = Scorebug(lk, TEAMS["MICH"], TEAMS["TEX"])
    a = bug.render(BugState(7, 14, "2nd", "12:34", ":25", "3rd & 7", 2, 3))
    b = bug.render(BugState(7, 14, "2nd", "12:33", ":24", "3rd & 7", 2, 3))
    assert (a.width, a.height) == (lay.w, lay.h)
    cx, cy, cw, ch = lay.fields["clock"]
    assert (a.y[cy : cy + ch, cx : cx + cw] != b.y[cy : cy + ch, cx : cx + cw]).any()


def test_suite_has_every_hard_case() -> None:
    spec = presets.suite("box_topleft_480p30", 0)
    tr = plan(spec)[2]
    assert 480 <= tr.video.duration <= 720
    assert 15 <= len(tr.plays) <= 21
    assert presets.hard_cases(tr) >= set(presets.HARD_CASES)


def test_demo_contents() -> None:
    tr = plan(presets.demo())[2]
    assert 240 <= tr.video.duration <= 360 and 10 <= len(tr.plays) <= 13
    assert tr.video.width == 1280 and tr.video.fps == "30000/1001"
    assert {
        "kickoff",
        "touchdown",
        "extra_point",
        "replay",
        "commercial",
        "incompletion",
        "quarter_change",
        "kick_or_punt",
    } <= presets.hard_cases(tr)


def test_full_game_is_about_three_hours() -> None:
    tr = plan(presets.full_game())[2]
    assert 2.2 * 3600 <= tr.video.duration <= 3.6 * 3600
    assert 130 <= len(tr.plays) <= 230
    assert len(tr.commercials) >= 12
    assert plan(presets.minutes(7))[2].video.duration == pytest.approx(420, abs=0.05)


def test_59_94_fps_truth_is_frame_exact() -> None:
    spec = replace(presets.tiny(), look=LOOKS["dark_topright_720p60_longgop"])
    tr = plan(spec)[2]
    fps = Fraction(60000, 1001)
    assert tr.video.frames == round(tr.video.duration * fps)
    for p in tr.plays:
        assert abs(p.snap * fps - p.snap_frame) < 1e-3
    running = [c for c in tr.clock_track if c.running and c.shown == "live"]
    assert running


def test_generate_cached_reuses_and_is_atomic(tmp_path: Path) -> None:
    base = replace(
        presets.tiny(), look=LOOKS["serif_bottomcenter_480p60"], start_at=None, end_at=None
    )
    first = plan(base)[2].plays[0]
    spec = replace(base, start_at=first.snap - 1.0, end_at=first.snap + 2.0)
    a = generate_cached(spec, tmp_path)
    assert a.video.parent.name == spec.key()
    mtime = a.video.stat().st_mtime_ns
    b = generate_cached(spec, tmp_path)
    assert b.video.stat().st_mtime_ns == mtime and b.truth == a.truth
    assert [p.name for p in tmp_path.iterdir()] == [spec.key()]
    with av.open(str(a.video)) as c:
        vs = c.streams.video[0]
        assert vs.average_rate == Fraction(60000, 1001)
        assert sum(1 for _ in c.decode(video=0)) == a.truth.video.frames
    assert a.truth.plays and a.truth.plays[0].snap == pytest.approx(1.0, abs=0.02)


def test_frozen_replay_bug_keeps_the_clock_of_the_replay_start() -> None:
    spec = replace(presets.tiny(), look=LOOKS["bar_bottom_720p30"])
    tr = plan(spec)[2]
    frozen = [c for c in tr.clock_track if c.shown == "frozen"]
    assert frozen
    for r in tr.replays:
        seg = next(s for s in tr.segments if s.kind == "replay" and r.start <= s.start < r.end)
        assert seg.scorebug == "frozen"
        c = tr.clock_segment_at(seg.start + 1e-4)
        assert c is not None and c.frozen_clock is not None
        live = tr.clock_segment_at(seg.start - 1e-4)
        assert live is not None
        assert abs(live.live_clock(seg.start) - c.frozen_clock) < 2e-3
        assert tr.displayed_clock(seg.end - 0.05) == tr.displayed_clock(seg.start + 0.05)
