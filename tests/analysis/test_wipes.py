"""Wipes into and out of replays, found from the picture's change alone (no scorebug)."""

from __future__ import annotations

import numpy as np
import pytest

from cutups.analysis.plays import detect_plays
from cutups.analysis.segments import SegmentParams, replay_spans, wipes

from .synthetic import RATE, SignalScript


def _wipe_with_held_frame(s: SignalScript) -> None:
    """A five-tick animated wipe whose middle frame is held (barely changes the picture)."""
    s.wipe()
    s.arrays["cut"][-4:] = [0.8, 0.8, 0.11, 0.8]
    s.arrays["cut"].append(0.8)
    for key in s.arrays:
        if key != "cut":
            s.arrays[key].append(s.arrays[key][-1])


def test_a_wipe_holding_a_frame_is_one_wipe_and_its_replay_is_not_a_play() -> None:
    """Without a bug, a replay is told by the wipes around it: one low tick inside the wipe
    out must not split it into two runs too short to count, and the play right after it stays."""
    s = SignalScript(seed=3)
    s.play(6.0)
    s.closeup(3.0)
    _wipe_with_held_frame(s)
    after_wipe_in = len(s.arrays["cut"])
    s.replay(6.0)
    _wipe_with_held_frame(s)
    after_wipe_out = len(s.arrays["cut"])
    s.closeup(2.0)
    for k in (after_wipe_in, after_wipe_out):  # the wipe ends on the new shot: no hard cut
        s.arrays["cut"][k] = 0.02
    s.play(5.0)
    signals = s.signals()
    assert len(wipes(signals, SegmentParams())) == 2
    found = detect_plays(signals, scorebug=False)
    assert [round(p.snap, 1) for p in found] == [round(a, 1) for a, _ in s.plays]


def test_two_hard_cuts_a_tick_apart_are_not_a_wipe() -> None:
    cut = np.full(60, 0.02, np.float32)
    cut[[20, 22]] = 0.9
    s = SignalScript()
    s.closeup(6.0)
    s.arrays["cut"] = list(cut)
    assert wipes(s.signals(), SegmentParams()) == []
    assert len(cut) == 6 * RATE


@pytest.mark.parametrize(
    "ticks",
    [(0.86, 0.18, 0.85), (0.16, 1.0, 1.26)],
    ids=["logo-wipe-soft-middle", "bands-wipe-soft-start"],
)
def test_a_short_wipe_with_one_soft_frame_is_a_wipe(ticks: tuple[float, ...]) -> None:
    # Measured on the pill and red-turf looks (seed 53): three ticks, one of them changing the
    # picture by less than a hard cut does, but far more than a held shot.
    cut = np.full(60, 0.02, np.float32)
    cut[20:23] = ticks
    s = SignalScript()
    s.closeup(6.0)
    s.arrays["cut"] = list(cut)
    assert wipes(s.signals(), SegmentParams()) == [(20, 23)]


def test_a_hard_cut_into_a_fast_pan_is_not_a_wipe() -> None:
    cut = np.full(60, 0.02, np.float32)
    cut[20:24] = (0.9, 0.18, 0.16, 0.12)  # one big change, then a camera panning fast
    s = SignalScript()
    s.closeup(6.0)
    s.arrays["cut"] = list(cut)
    assert wipes(s.signals(), SegmentParams()) == []


def _graphic_then_two_replays() -> SignalScript:
    """A play; a full-screen graphic whose animated entrance passes for a wipe; a replay behind
    its wipes; a play; a second replay; a play (the bug off throughout)."""
    s = SignalScript(seed=5)
    s.play(6.0)
    s.wipe()  # the graphic sliding in
    s.closeup(3.0)  # the graphic: no field in view
    for _ in range(2):
        s.wipe()
        s.replay(6.0)
        s.wipe()
        s.closeup(1.0)
        s.play(6.0)
    return s


def test_a_graphic_entering_like_a_wipe_does_not_shift_the_replay_pairs() -> None:
    signals = _graphic_then_two_replays().signals()
    assert len(wipes(signals, SegmentParams())) == 5
    spans = replay_spans(signals, SegmentParams())
    assert len(spans) == 2
    assert all(float(signals["green"][a:b].mean()) > 0.5 for a, b in spans)


def test_the_plays_between_replays_survive_a_graphic_entering_like_a_wipe() -> None:
    script = _graphic_then_two_replays()
    found = detect_plays(script.signals(), scorebug=False)
    assert [round(p.snap, 1) for p in found] == [round(a, 1) for a, _ in script.plays]


def test_a_graphic_entering_before_a_live_play_does_not_pair_with_the_replay_after_it() -> None:
    # The purple look's twin (seed 41): a graphic slid in, then the extra point was played in a
    # long wide shot, then its replay. The graphic's entrance and the replay's wipe in held
    # enough field between them to pass for a replay: the live play was dropped and the replay
    # clipped. A replay starts on the field; the graphic does not.
    s = SignalScript(seed=7)
    s.play(6.0)
    s.closeup(1.0)
    s.wipe()  # the graphic sliding in
    s.closeup(2.0)  # the graphic: no field in view
    s.play(6.0, lineup=6.0)
    s.wipe()
    s.replay(6.0)
    s.wipe()
    s.closeup(1.0)
    s.play(6.0)
    signals = s.signals()
    assert len(wipes(signals, SegmentParams())) == 3
    spans = replay_spans(signals, SegmentParams())
    assert len(spans) == 1 and float(signals["green"][spans[0][0] + 4 : spans[0][1]].mean()) > 0.5
    found = detect_plays(signals, scorebug=False)
    assert [round(p.snap, 1) for p in found] == [round(a, 1) for a, _ in s.plays]
