"""The game-simulation state machine behind :func:`cutups_testkit.game.simulate`."""

from __future__ import annotations

from fractions import Fraction

from cutups_testkit.game import (
    GameSpec,
    SimGame,
    seconds_to_ticks,
)
from cutups_testkit.gamestate import GameState
from cutups_testkit.kicks import extra_point, field_goal, kickoff, punt
from cutups_testkit.plays import Outcome, Situation, scrimmage

__all__ = ["run_game"]

_ORD = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th"}


class _Engine(GameState):
    """Plays a game out: one :meth:`step` per snap, periods, overtime."""

    # ---- one step: dead time, then a snap ---------------------------------------------------
    def step(self) -> None:
        kick = self.need in ("kickoff", "xp")
        if self.need == "xp":
            self._advance(self._dead(30, 50), False)
        else:
            self._dead_time(kick)
        if self.expired and self.need != "xp":
            return
        if self.need == "kickoff":
            self._do_kickoff()
        elif self.need == "xp":
            self._do_xp()
        else:
            if not self.ot and self.rng.random() < self.spec.presnap_penalty_rate:
                self._presnap_foul()
                if self.expired:
                    return
            self._do_scrimmage()

    def _snap(self, out: Outcome, st: bool, before: dict[bool, int] | None = None) -> int:
        ts = self.t
        c0 = self.clock
        live = seconds_to_ticks(out.live_s)
        ran = self._advance(live, out.timed)
        if ran < live:
            # The clock ran out during the play: the ball stays live until the whistle (a
            # play snapped with 0.5 s left is not over 0.5 s later), with the clock at 0:00.
            self._advance(live - ran, False)
        ppa = None
        if not st and out.play_type != "Penalty":
            ppa = round(
                float(out.yards - 0.45 * self.dist) / 7.5 + float(self.rng.normal(0, 0.25)), 6
            )
        self._row("play", out, ts, self.t, c0, st=st, before=before, ppa=ppa)
        return ts

    def _do_kickoff(self) -> None:
        self._new_drive()
        self.ytg, self.down, self.dist = 65, 0, 0
        out = kickoff(self.rng, self._situation())
        self._snap(out, True)
        self._turnover(out.new_ytg or 75)
        self.after = "kickoff"
        self.need = "scrimmage"

    def _do_xp(self) -> None:
        self.ytg, self.down, self.dist = 3, 0, 0
        before = dict(self.score)
        out = extra_point(self.rng, self._situation())
        self.score[self.poss] += out.points
        self._snap(out, True, before)
        self._after_score()

    def _after_score(self) -> None:
        if self.ot:
            self.need = "end_possession"
            return
        self.need = "kickoff"
        self.after = "kick_after_score"

    def _turnover(self, new_ytg: int) -> None:
        self.poss = not self.poss
        self.ytg, self.down, self.dist = new_ytg, 1, min(10, new_ytg)
        self.after = "possession"

    def _do_scrimmage(self) -> None:
        sit = self._situation()
        force_miss = self.ot and self.period >= 8
        if self.down == 4 and not sit.hurry:
            if self.ytg <= 35 or (self.ot and self.ytg <= 40):
                if not (self.dist <= 2 and self.ytg <= 45 and self.rng.random() < 0.35):
                    return self._kick_fg(sit, force_miss)
            elif not self.ot and not (
                self.dist <= 1 and self.ytg <= 55 and self.rng.random() < 0.4
            ):
                return self._punt(sit)
        out = scrimmage(self.rng, sit)
        before = dict(self.score)
        self.score[self.poss] += out.points
        self._snap(out, False, before)
        if out.touchdown:
            self.ytg = 0
            self.need, self.after = "xp", "score"
            return
        if out.turnover:
            self._turnover(out.new_ytg or 75)
            self.need = "end_possession" if self.ot else "scrimmage"
            if not self.ot:
                self._new_drive()
            return
        if out.play_type == "Penalty":
            self.ytg -= out.yards
            if out.auto_first:
                self.down, self.dist = 1, min(10, self.ytg)
            else:
                self.dist = min(self.ytg, self.dist - out.yards)
            self.after = "penalty_run" if self.rows[-1].clock_end > 0 else "stop"
            return
        self.ytg -= out.yards
        stopped = out.stop in ("incomplete", "out_of_bounds")
        if out.yards >= self.dist:
            self.down, self.dist = 1, min(10, self.ytg)
            self.after = "stop" if stopped else "first_down"
        else:
            self.down += 1
            self.dist -= out.yards
            self.after = "stop" if stopped else "run"
            if self.down > 4:
                self._turnover(100 - self.ytg)
                self.need = "end_possession" if self.ot else "scrimmage"
                if not self.ot:
                    self._new_drive()

    def _punt(self, sit: Situation) -> None:
        out = punt(self.rng, sit)
        self._snap(out, True)
        self._turnover(out.new_ytg or 80)
        self._new_drive()

    def _kick_fg(self, sit: Situation, force_miss: bool) -> None:
        out = field_goal(self.rng, sit, force_miss=force_miss)
        before = dict(self.score)
        self.score[self.poss] += out.points
        self._snap(out, True, before)
        if out.points:
            self._after_score()
            return
        self._turnover(out.new_ytg or 80)
        self.need = "end_possession" if self.ot else "scrimmage"
        if not self.ot:
            self._new_drive()

    # ---- periods ----------------------------------------------------------------------------
    def end_period_row(self, play_type: str, text: str) -> None:
        self._mode(False)
        self._row("end_period", None, self.t, self.t, self.clock, play_type=play_type, text=text)
        self.play_no -= 1

    def regulation(self) -> None:
        for period in (1, 2, 3, 4):
            if period > 1:
                self._advance(self._secs(2, 4), False)
                self._break("half" if period == 3 else "quarter")
                self.period, self.clock, self.expired = (
                    period,
                    Fraction(self.spec.quarter_seconds),
                    False,
                )
                self._mode(False)
                self.after = "period"
            if period == 3:
                self.timeouts = {True: 3, False: 3}
                self.need = "kickoff"
                self.poss = self.first_receiver
            if period == 1:
                self._break("pregame")
                self.poss = not self.first_receiver  # kicking team
            while not self.expired or self.need == "xp":
                self.step()
            if period == 4:
                tied = self.score[True] == self.score[False]
                if tied and self.spec.overtime:
                    self.end_period_row("End of Regulation", "End of 4th Quarter")
                else:
                    self.end_period_row("End of Game", "End of 4th Quarter")
            elif period == 2:
                self.end_period_row("End of Half", "End of 2nd Quarter")
            else:
                self.end_period_row("End Period", f"End of {_ORD[period]} Quarter")

    def overtime(self) -> None:
        first = bool(self.rng.random() < 0.5)
        period = 5
        while self.score[True] == self.score[False] and period <= 9:
            self._advance(self._secs(2, 4), False)
            self._break("ot")
            self.period, self.clock, self.expired = period, Fraction(0), False
            self._mode(False)
            for team in (first, not first):
                self.poss = team
                self._new_drive()
                self.ytg, self.down, self.dist = 25, 1, 10
                self.after, self.need = "ot", "scrimmage"
                while self.need != "end_possession":
                    self.step()
                self.after = "ot"
            period += 1
        self.end_period_row("End of Game", "End of Game")

    def result(self) -> SimGame:
        self._advance(self._secs(3, 5), False)
        self._break("postgame")
        self._advance(seconds_to_ticks(2.0), False)
        self._close_phase()
        return SimGame(self.spec, tuple(self.rows), tuple(self.phases), tuple(self.breaks), self.t)


def run_game(spec: GameSpec) -> SimGame:
    """Simulate ``spec`` to the end of the game (see :func:`cutups_testkit.game.simulate`)."""
    eng = _Engine(spec)
    eng.regulation()
    if spec.overtime and eng.score[True] == eng.score[False]:
        eng.overtime()
    return eng.result()
