"""Plays as the video is decoded: the detector run over a growing prefix of the signals.

:func:`~cutups.analysis.plays.detect_plays` looks at a whole video. Fed a prefix (the first
``n`` ticks), it finds the same plays as over the whole video everywhere the prefix's end
cannot reach back, so a play is announced once it lies before the *settled* tick:

- ``GUARD_SECONDS`` before the prefix's end: running medians (<= 1.1 s), the end-of-play
  search (``settle_sec``) and the evidence window after the whistle (2 s) all look ahead;
- before a wipe still waiting for its partner: two wipes up to ``replay_max_sec`` apart
  bracket a replay, which hides every play between them, so a play after an unpaired wipe
  waits until the partner has come or can no longer come;
- at the end of the video everything is settled.

Plays are announced in order and never withdrawn. Two inputs are not final: the motion noise
floor is a percentile over the live shots seen so far (the whole video's in the batch
detector), and the typical play's motion, against which a steady drift is dropped, is the
median over the plays found so far (and measured only from the eighth on): on a video whose
compression noise changes a lot, or with a drifting aerial among its first plays, the two can
differ; on the generated suite they are equal (tested).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from cutups.analysis.clock_model import ClockReading
from cutups.analysis.plays import DetectedPlay, DetectorParams, detect_plays
from cutups.analysis.segments import SegmentParams, wipes
from cutups.analysis.signals import Signals

__all__ = ["GUARD_SECONDS", "PlayFeed", "settled_tick"]

GUARD_SECONDS = 3.0


def settled_tick(signals: Signals, params: SegmentParams, *, final: bool) -> int:
    """The tick before which the detector's view of ``signals`` (a prefix) is final."""
    n = signals.n_ticks
    if final:
        return n
    rate = float(signals.rate)
    settled = n - int(GUARD_SECONDS * rate)
    found = wipes(signals, params)
    # The same greedy pairing as replay_spans; an unpaired last wipe may still open a replay.
    i = 0
    while i + 1 < len(found):
        (a, _), (_, d) = found[i], found[i + 1]
        i += 2 if (d - a) / rate <= params.replay_max_sec else 1
    pending = [a for a, _ in found[i:]]
    # A run of change touching the end may yet grow into a wipe.
    cut = signals["cut"]
    k = n
    while k > 0 and cut[k - 1] >= params.wipe_level:
        k -= 1
    if k < n:
        pending.append(k)
    for a in pending:
        if (n - a) / rate <= params.replay_max_sec:
            settled = min(settled, a)
    return max(0, settled)


@dataclass
class PlayFeed:
    """Feed it prefixes of one video's signals, longer each time; it answers the plays that
    became final, in order, each once."""

    params: DetectorParams = field(default_factory=DetectorParams)
    announced: list[DetectedPlay] = field(default_factory=list)
    settled: float = 0.0
    """Seconds of the video before which every play has been announced."""

    def feed(
        self, prefix: Signals, readings: Sequence[ClockReading] = (), *, final: bool = False
    ) -> list[DetectedPlay]:
        """The plays of ``prefix`` that are final now and were not announced before.

        ``final``: the prefix is the whole video."""
        rate = float(prefix.rate)
        until = settled_tick(prefix, self.params.segments, final=final) / rate
        after = self.announced[-1].snap if self.announced else -1.0
        fresh = [
            p
            for p in detect_plays(prefix, self.params, readings)
            if p.snap > after and (final or p.end < until)
        ]
        self.announced.extend(fresh)
        self.settled = max(self.settled, prefix.duration if final else until)
        return fresh
