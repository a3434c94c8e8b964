"""Game time and the game clock while a game is being simulated."""

from __future__ import annotations

import math
from fractions import Fraction

from cutups_testkit.game import TICK, ClockPhase

__all__ = ["GameClock"]


class GameClock:
    """Game time in ticks, the period and its clock, and the :class:`ClockPhase` s so far.

    The clock only changes through :meth:`_advance`, which records a new phase whenever the
    clock starts or stops, so the phases always describe the clock exactly.
    """

    def __init__(self, quarter_seconds: int) -> None:
        self.phases: list[ClockPhase] = []
        self.t = 0
        self.period = 1
        self.clock = Fraction(quarter_seconds)
        self.expired = False
        self._ph_start = 0
        self._ph_clock = self.clock
        self._ph_running = False
        self._ph_period = 1

    @property
    def ot(self) -> bool:
        return self.period >= 5

    def _mode(self, running: bool) -> None:
        running = running and not self.ot
        if running == self._ph_running and self.period == self._ph_period:
            return
        self._close_phase()
        self._ph_start, self._ph_clock = self.t, self.clock
        self._ph_running, self._ph_period = running, self.period

    def _close_phase(self) -> None:
        if self.t > self._ph_start:
            self.phases.append(
                ClockPhase(
                    self._ph_start, self.t, self._ph_period, self._ph_clock, self._ph_running
                )
            )

    def _advance(self, ticks: int, running: bool) -> int:
        """Advance game time by ``ticks`` (fewer if a running clock hits zero)."""
        if ticks <= 0:
            return 0
        self._mode(running)
        if running and not self.ot:
            left = math.ceil(self.clock / TICK)
            if ticks >= left:
                ticks, self.clock, self.expired = left, Fraction(0), True
            else:
                self.clock -= ticks * TICK
        self.t += ticks
        return ticks
