"""Simulation state, play-by-play rows and the dead time between plays.

Base of the game engine (:mod:`cutups_testkit.engine`): who has the ball where, the rows
written so far, and what happens between a whistle and the next snap (the play clock,
timeouts, pre-snap fouls).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from cutups_testkit.game import BreakPoint, GameSpec, RowKind, SimRow, seconds_to_ticks
from cutups_testkit.gameclock import GameClock
from cutups_testkit.plays import Outcome, Side, Situation, presnap_penalty
from cutups_testkit.playtext import clock_text
from cutups_testkit.teams import make_roster

__all__ = ["GameState"]


class GameState(GameClock):
    """Everything the engine tracks, plus rows and dead-time mechanics."""

    def __init__(self, spec: GameSpec) -> None:
        self.spec = spec
        self.rng = np.random.default_rng([spec.seed, 0x6A3E])
        self.sides = {
            True: Side(spec.home.name, spec.home.abbr, make_roster(self.rng)),
            False: Side(spec.away.name, spec.away.abbr, make_roster(self.rng)),
        }
        self.rows: list[SimRow] = []
        GameClock.__init__(self, spec.quarter_seconds)
        self.breaks: list[BreakPoint] = []
        self.score = {True: 0, False: 0}
        self.timeouts = {True: 3, False: 3}
        self.poss = True  # True: home has the ball
        self.ytg, self.down, self.dist = 75, 1, 10
        self.need = "kickoff"
        self.after = "start"
        self.drive = 0
        self.play_no = 0
        self.first_receiver = bool(self.rng.random() < 0.5)

    def _secs(self, lo: float, hi: float) -> int:
        return seconds_to_ticks(float(self.rng.uniform(lo, hi)))

    def _dead(self, lo: float, hi: float) -> int:
        """Dead time between plays, scaled by the game's tempo (never under 8 s)."""
        return seconds_to_ticks(max(8.0, float(self.rng.uniform(lo, hi)) * self.spec.tempo))

    # ---- rows -------------------------------------------------------------------------------
    def _row(
        self,
        kind: RowKind,
        out: Outcome | None,
        t_snap: int,
        t_whistle: int,
        clock_start: Fraction,
        *,
        play_type: str = "",
        text: str = "",
        st: bool = False,
        decoy: str | None = None,
        before: dict[bool, int] | None = None,
        ppa: float | None = None,
    ) -> SimRow:
        b = before or dict(self.score)
        self.play_no += 1
        row = SimRow(
            seq=len(self.rows),
            kind=kind,
            play_type=out.play_type if out else play_type,
            text=out.text if out else text,
            period=self.period,
            clock_start=clock_start,
            clock_end=self.clock,
            t_snap=t_snap,
            t_whistle=t_whistle,
            offense_home=self.poss,
            down=self.down,
            distance=self.dist,
            yards_to_goal=self.ytg,
            yards_gained=out.yards if out else 0,
            home_before=b[True],
            away_before=b[False],
            home_after=self.score[True],
            away_after=self.score[False],
            drive_number=self.drive,
            play_number=self.play_no,
            offense_timeouts=self.timeouts[self.poss],
            defense_timeouts=self.timeouts[not self.poss],
            special_teams=st,
            scoring=bool(out and out.points),
            big=bool(out and out.big),
            timed=bool(out is None or out.timed),
            stop=out.stop if out else None,
            decoy=decoy,
            ppa=ppa,
        )
        self.rows.append(row)
        return row

    def _break(self, reason: str) -> None:
        self.breaks.append(BreakPoint(self.t, reason, len(self.rows) - 1))

    def _new_drive(self) -> None:
        self.drive += 1
        self.play_no = 0

    def _situation(self) -> Situation:
        late = self.period in (2, 4) and self.clock < 150
        trailing = self.score[self.poss] < self.score[not self.poss]
        return Situation(
            self.ytg,
            self.down,
            self.dist,
            self.sides[self.poss],
            self.sides[not self.poss],
            hurry=late and trailing,
        )

    # ---- dead time before a snap ------------------------------------------------------------
    def _dead_time(self, kick: bool) -> None:
        """Play out the dead time before the next snap (ends early if the period expires)."""
        sit = self._situation()
        after = self.after
        run_gap = (
            self._dead(15, 21)
            if sit.hurry
            else seconds_to_ticks(
                max(8.0, float(self.rng.triangular(15, 29, 38)) * self.spec.tempo)
            )
        )
        if after in ("run", "first_down"):
            # The clock keeps running (after a brief stop on first downs) until the snap.
            if after == "first_down":
                self._advance(self._secs(3, 6), False)
            total = run_gap
            if not self._maybe_timeout(running=True):
                self._advance(total, True)
            return
        if after == "penalty_run":
            self._advance(self._secs(12, 20), False)
            self._advance(self._secs(10, 20), True)
            return
        lo, hi, reason = {
            "start": (15, 22, ""),
            "stop": (18, 34, ""),
            "penalty": (20, 34, ""),
            "score": (35, 55, ""),
            "kick_after_score": (8, 14, "score"),
            "possession": (8, 14, "possession"),
            "kickoff": (8, 14, "kickoff"),
            "period": (6, 10, ""),
            "ot": (8, 12, "ot"),
        }.get(after, (18, 34, ""))
        self._advance(self._secs(lo, hi) if reason else self._dead(lo, hi), False)
        if reason:
            self._break(reason)
            self._advance(self._dead(18, 32), False)
        if not kick:
            self._maybe_timeout(running=False)

    def _maybe_timeout(self, *, running: bool) -> bool:
        if self.ot:
            return False
        late = self.period in (2, 4) and self.clock < 120
        d_trail = self.score[not self.poss] < self.score[self.poss]
        caller: bool | None = None
        if (
            late
            and running
            and d_trail
            and self.timeouts[not self.poss]
            and self.rng.random() < 0.6
        ):
            caller = not self.poss
        elif (
            late
            and running
            and not d_trail
            and self.timeouts[self.poss]
            and self.score[self.poss] < self.score[not self.poss]
            and self.rng.random() < 0.4
        ):
            caller = self.poss
        elif self.rng.random() < self.spec.timeout_rate:
            caller = bool(self.rng.random() < 0.5)
            if not self.timeouts[caller]:
                caller = None
        if caller is None:
            return False
        self._advance(self._secs(4, 9), running)
        if self.expired:
            return True
        self.timeouts[caller] -= 1
        name = self.sides[caller].name
        secs = int(self.clock)
        self._mode(False)
        self._row(
            "timeout",
            None,
            self.t,
            self.t,
            self.clock,
            play_type="Timeout",
            text=f"Timeout {name}, clock {clock_text(secs)}",
        )
        self.play_no -= 1  # timeouts do not count as plays of the drive
        self._advance(self._secs(3, 5), False)
        self._break("timeout")
        self._advance(self._secs(34, 50), False)
        return True

    def _presnap_foul(self) -> None:
        kind, out = presnap_penalty(self.rng, self._situation())
        ts = self.t
        tw = ts + self._secs(0.4, 0.9)
        clock0 = self.clock
        self._mode(False)
        self.t = tw
        self._row("presnap_penalty", out, ts, tw, clock0, decoy=kind)
        self.play_no -= 1
        self.ytg -= out.yards
        self.dist = max(1, self.dist - out.yards)
        if self.dist > self.ytg:
            self.dist = self.ytg
        self._advance(self._secs(14, 22), False)
        self._advance(self._secs(10, 18), self.after in ("run", "first_down", "penalty_run"))
