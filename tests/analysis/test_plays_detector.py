from __future__ import annotations

import pytest

from cutups.analysis.plays import detect_plays
from tests.analysis.synthetic import SignalScript


def _broadcast() -> SignalScript:
    s = SignalScript()
    s.closeup()
    s.play(6.0)
    s.closeup()
    s.replay()
    s.closeup(3)
    s.play(4.0, whistle=False)
    s.commercial(12, green=0.8)  # a lawn ad: green and moving, but no scorebug
    s.closeup()
    s.play(9.0)
    s.closeup()
    return s


def test_every_play_found_once_and_nothing_else() -> None:
    script = _broadcast()
    found = detect_plays(script.signals())
    assert len(found) == len(script.plays)
    for play, (snap, end) in zip(found, script.plays, strict=True):
        assert play.snap == pytest.approx(snap, abs=0.3)
        assert play.end == pytest.approx(end, abs=1.6)


def test_replays_and_commercials_never_produce_plays() -> None:
    s = SignalScript()
    s.closeup()
    s.replay(8)
    s.commercial(20, green=0.9)
    s.replay(5)
    s.closeup()
    assert detect_plays(s.signals()) == []


def test_whistle_is_recorded_as_evidence() -> None:
    s = SignalScript()
    s.closeup()
    s.play(6.0, whistle=True)
    s.closeup()
    (play,) = detect_plays(s.signals())
    assert "whistle" in play.evidence
    assert play.end_reason == "whistle"
