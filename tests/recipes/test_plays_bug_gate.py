"""The plays recipe leans on the located scorebug only when its clock was read (issue 18).

A box whose clock never reads may be no bug at all but an overlay that persists as well (a
watermark, a team graphic): it must not decide which wide shots are live.
"""

from __future__ import annotations

import numpy as np

from cutups.analysis.clock_model import ClockModel, ClockReading, fit_clock_model
from cutups.analysis.location import ScorebugLocation
from cutups.analysis.result import Analysis
from cutups.recipes.plays import PlaysParams, bug_gates_live_shots, plan_plays
from tests.analysis.synthetic import SignalScript


def _game_with_an_overlay_boxed() -> tuple[SignalScript, Analysis]:
    """Two plays; the box located is never shown as the bug in them (all its signals 0)."""
    s = SignalScript()
    s.closeup()
    s.play(6.0)
    s.closeup()
    s.play(7.0)
    s.closeup()
    signals = s.signals()
    zero = signals["bug"] * 0
    blind = type(signals)(signals.rate, signals.duration, {**signals.arrays, "bug": zero})
    box = ScorebugLocation(
        0.05, 0.9, 0.1, 0.04, np.zeros((14, 64), np.uint8), np.ones((14, 64), bool), 1.0
    )
    return s, Analysis(signals=blind, scorebug=box, readings=(), clock=ClockModel(()))


def test_a_box_whose_clock_is_never_read_costs_no_plays() -> None:
    s, analysis = _game_with_an_overlay_boxed()
    assert not bug_gates_live_shots(analysis)
    timeline = plan_plays(analysis, source="game.mp4", options=PlaysParams())
    assert timeline.meta["detector"] == "vision_v1_field_only"
    assert len(timeline.clips) == len(s.plays) == 2


def test_a_bug_whose_clock_reads_still_decides_what_is_live() -> None:
    # The same box with its clock read: trusted, and in these plays it never shows.
    _, unread = _game_with_an_overlay_boxed()
    readings = tuple(ClockReading(1.0 + i, 1, 900.0 - i) for i in range(5))
    analysis = Analysis(
        signals=unread.signals,
        scorebug=unread.scorebug,
        readings=readings,
        clock=fit_clock_model(readings),
    )
    assert bug_gates_live_shots(analysis)
    timeline = plan_plays(analysis, source="game.mp4", options=PlaysParams())
    assert timeline.meta["detector"] == "vision_v1"
    assert timeline.clips == ()
