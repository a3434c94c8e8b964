"""The simulated game: every play-by-play row, the game clock, and where TV may insert time.

Pure and deterministic given :attr:`GameSpec.seed`. Time is counted in *ticks* of 1001/30000 s
(one frame at 29.97 fps, two at 59.94), so every snap, whistle and clock change falls exactly on
a frame at both broadcast frame rates. Ticks here are "game time": the broadcast later inserts
commercials, halftime and other stoppages only at :class:`BreakPoint` s, where the clock is
stopped, so the clock never disagrees with the video.

College clock rules, simplified: the clock runs during every timed play (not during tries or
touchback kickoffs); after the whistle it stops on incompletions, out of bounds, scores,
changes of possession, timeouts and penalties (restarting on the snap, or on the ready signal
after a penalty) and briefly on first downs (restarting when the ball is set). The play clock
bounds running-clock gaps to roughly 15-38 s.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from cutups_testkit.teams import TEAMS, TeamSpec

__all__ = [
    "TICK",
    "BreakPoint",
    "ClockPhase",
    "GameSpec",
    "RowKind",
    "SimGame",
    "SimRow",
    "seconds_to_ticks",
    "simulate",
]

TICK = Fraction(1001, 30000)
"""Length of one game-time tick in seconds (one 29.97 fps frame)."""

RowKind = Literal["play", "presnap_penalty", "timeout", "end_period"]


def seconds_to_ticks(seconds: float) -> int:
    """Whole ticks closest to ``seconds`` (at least 1)."""
    return max(1, round(seconds * 30000 / 1001))


@dataclass(frozen=True, slots=True)
class GameSpec:
    """What game to simulate.

    Attributes:
        seed: seed for every random choice of the game.
        home: home team.
        away: away team.
        quarter_seconds: length of a quarter on the game clock, in seconds.
        overtime: play overtime periods if regulation ends tied.
        presnap_penalty_rate: probability that a scrimmage snap is preceded by a dead-ball foul
            (false start, offside, delay of game).
        timeout_rate: probability of a timeout before a snap outside late-game situations.
        tempo: multiplies dead time between plays (0.6 = hurry-up all game; short demos).
    """

    seed: int
    home: TeamSpec = TEAMS["MICH"]
    away: TeamSpec = TEAMS["TEX"]
    quarter_seconds: int = 900
    overtime: bool = False
    presnap_penalty_rate: float = 0.035
    timeout_rate: float = 0.012
    tempo: float = 1.0

    @property
    def game_id(self) -> int:
        """Game id used in the play-by-play export (9 digits, like ESPN/CFBD ids)."""
        return 409_000_000 + (self.seed * 7919) % 1_000_000


@dataclass(frozen=True, slots=True)
class SimRow:
    """One play-by-play row (a play, a pre-snap foul, a timeout or an end-of-period marker).

    Times are game ticks (see module docs); clocks are game-clock seconds remaining. For plays,
    ``t_snap`` is the snap (for kicks: the kick) and ``t_whistle`` the end of the play. For a
    pre-snap foul ``t_snap`` is the moment the offender moves (no snap happens) and
    ``t_whistle`` the official's whistle; for timeouts and end-of-period rows both equal the
    moment of the row. Scores are before the row; ``home_after``/``away_after`` after it.
    """

    seq: int
    kind: RowKind
    play_type: str
    text: str
    period: int
    clock_start: Fraction
    clock_end: Fraction
    t_snap: int
    t_whistle: int
    offense_home: bool
    down: int
    distance: int
    yards_to_goal: int
    yards_gained: int
    home_before: int
    away_before: int
    home_after: int
    away_after: int
    drive_number: int
    play_number: int
    offense_timeouts: int
    defense_timeouts: int
    special_teams: bool = False
    scoring: bool = False
    big: bool = False
    timed: bool = True
    stop: str | None = None
    decoy: str | None = None
    ppa: float | None = None

    @property
    def yard_line(self) -> int:
        """Ball position measured from the home team's goal line (0-100), as ESPN reports it."""
        return 100 - self.yards_to_goal if self.offense_home else self.yards_to_goal


@dataclass(frozen=True, slots=True)
class ClockPhase:
    """A stretch of game time in which the game clock either runs or stands still.

    ``start``/``end`` are game ticks; ``clock_start`` is the clock (seconds) at ``start``.
    In overtime (period >= 5) the clock is never running and reads 0.
    """

    start: int
    end: int
    period: int
    clock_start: Fraction
    running: bool

    def clock_at(self, tick: int) -> Fraction:
        """Clock value at game tick ``tick`` (clamped at zero)."""
        if not self.running:
            return self.clock_start
        return max(Fraction(0), self.clock_start - (tick - self.start) * TICK)


@dataclass(frozen=True, slots=True)
class BreakPoint:
    """A moment, with the clock stopped, where the broadcast may insert time.

    ``reason`` is "quarter", "half", "score", "timeout", "possession", "kickoff", "ot",
    "pregame" or "postgame"; ``after_seq`` is the last row before it.
    """

    tick: int
    reason: str
    after_seq: int


@dataclass(frozen=True, slots=True)
class SimGame:
    """A whole simulated game: rows in game order, clock phases and break points."""

    spec: GameSpec
    rows: tuple[SimRow, ...]
    phases: tuple[ClockPhase, ...]
    breaks: tuple[BreakPoint, ...]
    end_tick: int

    @property
    def plays(self) -> tuple[SimRow, ...]:
        """Rows that are real snaps or kicks."""
        return tuple(r for r in self.rows if r.kind == "play")

    def phase_at(self, tick: int) -> ClockPhase:
        """The clock phase containing ``tick`` (the last one for ticks past the end)."""
        lo, hi = 0, len(self.phases) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.phases[mid].start <= tick:
                lo = mid
            else:
                hi = mid - 1
        return self.phases[lo]

    def team(self, home: bool) -> TeamSpec:
        """Home or away team."""
        return self.spec.home if home else self.spec.away


def simulate(spec: GameSpec) -> SimGame:
    """Simulate a whole game from ``spec`` (pure, deterministic)."""
    from cutups_testkit.engine import run_game

    return run_game(spec)
