"""Per-tick signals of an imaginary broadcast with known plays, for detector tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from cutups.analysis.signals import Signals

RATE = 10


@dataclass
class SignalScript:
    """Build signals segment by segment; remembers where the true plays are."""

    seed: int = 0
    arrays: dict[str, list[float]] = field(
        default_factory=lambda: {
            k: []
            for k in (
                "motion",
                "pan",
                "cut",
                "green",
                "bug",
                "bug_change",
                "whistle",
                "crowd",
                "rms",
            )
        }
    )
    plays: list[tuple[float, float]] = field(default_factory=list)

    @property
    def now(self) -> float:
        return len(self.arrays["motion"]) / RATE

    def _add(
        self,
        seconds: float,
        *,
        motion: float,
        green: float,
        bug: float,
        whistle: float = 0.0,
        crowd: float = -30.0,
        change: float = 0.0,
    ) -> None:
        n = round(seconds * RATE)
        rng = np.random.default_rng(self.seed + len(self.arrays["motion"]))
        a = self.arrays
        a["cut"] += [0.8] + [0.02] * (n - 1)
        a["motion"] += list(np.abs(motion + rng.normal(0, 0.02 + motion * 0.1, n)))
        a["pan"] += [0.0] * n
        a["green"] += [green] * n
        a["bug"] += [bug] * n
        a["bug_change"] += [change if i % 10 == 0 else 0.0 for i in range(n)]
        a["whistle"] += [whistle] * n
        a["crowd"] += [crowd] * n
        a["rms"] += [crowd + 5] * n

    def closeup(self, seconds: float = 4.0) -> None:
        self._add(seconds, motion=3.0, green=0.05, bug=0.9)

    def commercial(self, seconds: float = 10.0, green: float = 0.7) -> None:
        self._add(seconds, motion=6.0, green=green, bug=0.0, crowd=-20)

    def replay(self, seconds: float = 6.0) -> None:
        """A re-run of a play: same motion as live, but the bug hidden."""
        self._add(1.0, motion=0.02, green=0.6, bug=0.0)
        self._add(seconds, motion=5.0, green=0.6, bug=0.0)

    def wipe(self) -> None:
        """A replay transition: the picture changes gradually over four ticks."""
        a = self.arrays
        for key, value in (
            ("cut", 0.9),
            ("motion", 0.0),
            ("pan", 0.0),
            ("green", 0.3),
            ("bug", 0.5),
            ("bug_change", 0.2),
            ("whistle", 0.0),
            ("crowd", -30.0),
            ("rms", -25.0),
        ):
            a[key] += [value] * 4

    def frozen_replay(self, seconds: float = 6.0) -> None:
        """A replay behind wipes with the bug still on screen (frozen), as some networks do."""
        self.wipe()
        self._add(1.0, motion=0.02, green=0.6, bug=0.95)
        self.arrays["cut"][-10] = 0.02  # no hard cut after the wipe: same shot continues
        self._add(seconds, motion=5.0, green=0.6, bug=0.95)
        self.arrays["cut"][-int(seconds * RATE)] = 0.02
        self.wipe()

    def play(
        self,
        length: float = 6.0,
        *,
        lineup: float = 3.0,
        whistle: bool = True,
        level: float = 4.0,
        set_motion: float = 0.02,
    ) -> None:
        """Walk to the line, hold still, snap, play, whistle, slow down — one wide shot.

        ``level``: the play's motion; ``set_motion``: the motion of the set moment before the
        snap (one man moving: a kicker's run-up, a receiver in motion)."""
        n_lineup = int(lineup * RATE)
        n_still = 10
        n_play = int(length * RATE)
        a = self.arrays
        rng = np.random.default_rng(self.seed + len(a["motion"]))
        # Walking to the line (~0.8 %), set (~0), the play (~4 %), stopped at the whistle.
        motion = np.concatenate(
            [
                np.full(n_lineup, 0.8),
                np.full(n_still, set_motion),
                np.full(n_play, level),
                np.full(15, 0.02),
            ]
        ) + rng.normal(0, 0.02, n_lineup + n_still + n_play + 15)
        start = self.now
        n = len(motion)
        a["cut"] += [0.8] + [0.02] * (n - 1)
        a["motion"] += list(np.abs(motion))
        a["pan"] += [0.0] * (n_lineup + n_still) + [4.0] * n_play + [0.0] * 15
        a["green"] += [0.6] * n
        a["bug"] += [0.95] * n
        a["bug_change"] += [0.1 if i % 10 == 0 else 0.0 for i in range(n)]
        w = [0.0] * n
        if whistle:
            end_i = n_lineup + n_still + n_play
            for i in range(end_i, min(n, end_i + 4)):
                w[i] = 25.0
        a["whistle"] += w
        a["crowd"] += [-30.0] * (n_lineup + n_still) + [-22.0] * n_play + [-28.0] * 15
        a["rms"] += [-25.0] * n
        snap = start + (n_lineup + n_still) / RATE
        self.plays.append((snap, snap + length))

    def signals(self) -> Signals:
        arrays = {k: np.asarray(v, dtype=np.float32) for k, v in self.arrays.items()}
        return Signals(rate=Fraction(RATE), duration=len(arrays["motion"]) / RATE, arrays=arrays)
