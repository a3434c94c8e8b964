"""Plays found while the video is decoded are the batch detector's plays, each announced once,
in order, and only once the video decoded so far can no longer change it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from cutups.analysis.incremental import PlayFeed
from cutups.analysis.plays import DetectedPlay, detect_plays
from cutups.analysis.runner import analyse
from cutups.analysis.signals import Signals
from cutups.analysis.windowed import analyse_windows, window_spans
from cutups.media.probe import probe
from cutups_testkit import GeneratedBroadcast
from tests.analysis.synthetic import SignalScript


def _prefix(signals: Signals, ticks: int) -> Signals:
    arrays = {name: values[:ticks] for name, values in signals.arrays.items()}
    return Signals(signals.rate, (ticks + 0.5) / float(signals.rate), arrays)


def _fed(signals: Signals, step: int) -> tuple[list[DetectedPlay], list[tuple[int, float]]]:
    """Every play the feed announced over prefixes ``step`` ticks apart, and when: (prefix
    ticks, seconds settled) at each announcement."""
    feed, when = PlayFeed(), []
    for ticks in range(step, signals.n_ticks + step, step):
        final = ticks >= signals.n_ticks
        fresh = feed.feed(_prefix(signals, min(ticks, signals.n_ticks)), final=final)
        when += [(ticks, feed.settled)] * len(fresh)
    return feed.announced, when


def _script() -> SignalScript:
    s = SignalScript()
    s.closeup()
    s.play(6.0)
    s.closeup()
    s.replay()  # wipes in and out: a play after the first wipe must wait for the second
    s.closeup(3)
    s.play(4.0, whistle=False)
    s.commercial(12, green=0.8)
    s.closeup()
    s.play(9.0)
    s.closeup()
    return s


@pytest.mark.parametrize("step", [1, 7, 50])
def test_prefix_by_prefix_the_feed_announces_exactly_the_batch_plays(step: int) -> None:
    signals = _script().signals()
    batch = detect_plays(signals)
    announced, when = _fed(signals, step)
    assert announced == batch and len(batch) == 3
    for play, (ticks, settled) in zip(announced, when, strict=True):
        assert play.end < settled <= ticks / float(signals.rate) + 1e-9
    # Not all at the end: the first play is announced long before the video is over.
    assert when[0][0] < signals.n_ticks / 2


def test_a_play_after_an_unpaired_wipe_waits_for_its_partner() -> None:
    s = SignalScript()
    s.closeup()
    s.play(6.0)
    s.closeup()
    signals = s.signals()
    # Put a wipe (several ticks of gradual change) just before the play's snap.
    snap = int(detect_plays(signals)[0].snap * 10)
    cut = signals["cut"].copy()
    cut[snap - 25 : snap - 21] = 0.25
    wiped = replace(signals, arrays={**signals.arrays, "cut": cut})
    feed = PlayFeed()
    assert feed.feed(_prefix(wiped, wiped.n_ticks - 1)) == []
    assert feed.settled <= (snap - 25) / 10
    assert feed.feed(wiped, final=True) == detect_plays(wiped)


def test_windows_start_small_then_double() -> None:
    spans = window_spans(1500, 100, 600, 400)
    assert [(s.start, s.end) for s in spans] == [
        (0, 100), (100, 200), (200, 300), (300, 400), (400, 500), (500, 600), (600, 800),
        (800, 1200), (1200, 1500),
    ]  # fmt: skip
    assert [s.last for s in spans] == [False] * 8 + [True]


def test_decoded_in_windows_the_generated_broadcast_gives_the_batch_plays(
    broadcast: GeneratedBroadcast, cache_dir: Path
) -> None:
    info = probe(broadcast.video)
    batch = analyse(info, cache_dir=cache_dir)
    feed, prefixes = PlayFeed(), []
    for prefix in analyse_windows(info, first_seconds=5.0, ramp_seconds=30.0):
        prefixes.append(prefix.signals.duration)
        feed.feed(prefix.signals, prefix.readings, final=prefix.final)
        if prefix.final:
            last = prefix
    expected = detect_plays(batch.signals, None, batch.readings)
    assert feed.announced == expected and len(expected) == len(broadcast.truth.plays)
    assert len(prefixes) > 5 and last.signals.n_ticks == batch.signals.n_ticks
    # The windows' joined picture signals are the whole pass's.
    for name in ("motion", "green", "bug", "cut"):
        np.testing.assert_array_equal(last.signals[name], batch.signals[name])
