"""The play-by-play data model: a :class:`Game` of :class:`Play` rows between two :class:`Team`.

Everything here is a frozen, slotted dataclass with no I/O: the parsers (:mod:`cutups.pbp.cfbd`,
:mod:`cutups.pbp.espn`) build these, and the aligner and the recipes read them. No source's dicts
or column names leak past this module.

Clocks are seconds remaining in the period *as the source lists them*. For CFBD and ESPN since
about 2005 that is the clock at the *end* of the play, which :attr:`Game.clock_at` records so the
aligner knows whether to look before or after the listed time.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from cutups.pbp.wallclock import wallclock_usable

__all__ = ["Bucket", "ClockAt", "Game", "Play", "PlayKind", "Source", "Team", "format_clock"]

ClockAt = Literal["end", "snap"]
"""Whether a listed clock is the clock when the play ended (CFBD/ESPN) or when it was snapped."""

Source = Literal["cfbd_json_v1", "cfbd_json_v2", "cfbd_csv", "espn_summary"]
"""The format a :class:`Game` was parsed from."""

Bucket = Literal["team_offense", "opp_offense", "special_teams"]
"""Where a play's clip goes, from the chosen team's point of view."""


class PlayKind(enum.Enum):
    """Whether a row is a play that has a clip, and which sort."""

    SNAP = "snap"
    """A scrimmage play with a snap: rush, pass, sack, fumble, interception, touchdown, 2-pt try,
    and a penalty row whose play ran (the foul was live-ball, or the text describes the play)."""
    KICK = "kick"
    """Kickoff, punt, field goal or extra point, with its return or block: special teams."""
    NOT_A_PLAY = "not_a_play"
    """No snap on the field: timeout, end of period/half/game, coin toss, dead-ball penalty."""


@dataclass(frozen=True, slots=True)
class Team:
    """One of the two teams in a game.

    Attributes:
        name: The school as the feed names it in ``offense``/``defense`` ("Texas A&M").
        abbr: Short code ("TAMU") when the source gives one (ESPN does, CFBD does not).
        mascot: "Aggies", when known.
        id: The source's team id (ESPN), when known.
        aliases: Other spellings the source uses for this team ("Texas A&M Aggies").
    """

    name: str
    abbr: str | None = None
    mascot: str | None = None
    id: str | None = None
    aliases: tuple[str, ...] = ()

    @property
    def display_name(self) -> str:
        """Name and mascot ("Michigan Wolverines"), or the name alone when no mascot is known."""
        return f"{self.name} {self.mascot}" if self.mascot else self.name


def format_clock(seconds: float | None) -> str:
    """``M:SS`` for a clock in seconds (``125.0`` -> ``"2:05"``); ``"-:--"`` when unknown."""
    if seconds is None:
        return "-:--"
    whole = max(0, int(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


@dataclass(frozen=True, slots=True)
class Play:
    """One row of play-by-play, normalized.

    Attributes:
        row_id: The source's row id (CFBD ``id``, ESPN play ``id``).
        sort_key: Game-order key, increasing along :attr:`Game.plays`: the numeric row id (CFBD)
            or ``sequenceNumber`` (ESPN), else the row's position in game order.
        game_id: The source's game id, when given.
        drive: 1-based drive number within the game, when known.
        period: 1-4 for quarters, 5+ for overtime periods.
        clock: Seconds remaining in the period as listed (see :attr:`Game.clock_at`); overtime
            rows read 0.
        offense: Team name with the ball as the source lists it. Kickoff rows name the *kicking*
            team (CFBD and ESPN both do), so do not read possession from kick rows.
        defense: The other team.
        offense_score: Offense's score as listed on the row (0 when the source has none).
        defense_score: Defense's score as listed on the row (0 when the source has none).
        home_score: Home score, when the source says who is home.
        away_score: Away score, when the source says who is home.
        down: 1-4, or None for kicks and non-plays.
        distance: Yards to go for a first down.
        yard_line: The source's absolute yard line, passed through unchanged.
        yards_to_goal: Yards from the line of scrimmage to the offense's goal line.
        yards_gained: Yards gained on the play as listed.
        play_type: Play type in CFBD's vocabulary ("Rush", "Pass Reception", "Kickoff", ...).
        raw_type: Play type exactly as the source wrote it.
        text: The play's description.
        wallclock: Time of day the source stamped on the row (UTC), placeholders dropped and
            whole-day slips mended (:mod:`~cutups.pbp.wallclock`); check
            :attr:`Game.wallclock_usable` before trusting it.
        kind: Snap, kick or not a play (see :mod:`cutups.pbp.classify`).
    """

    row_id: str
    sort_key: int
    game_id: str | None
    drive: int | None
    period: int
    clock: float | None
    offense: str
    defense: str
    offense_score: int
    defense_score: int
    home_score: int | None
    away_score: int | None
    down: int | None
    distance: int | None
    yard_line: int | None
    yards_to_goal: int | None
    yards_gained: int | None
    play_type: str
    raw_type: str
    text: str
    wallclock: datetime | None
    kind: PlayKind

    @property
    def clock_display(self) -> str:
        """The listed clock as ``M:SS`` (``"-:--"`` when the row has none)."""
        return format_clock(self.clock)

    @property
    def special_teams(self) -> bool:
        """Kickoffs, punts, field goals and extra points, with their returns and blocks."""
        return self.kind is PlayKind.KICK

    @property
    def is_play(self) -> bool:
        """Whether the row stands for action on the field that has a clip (snap or kick)."""
        return self.kind is not PlayKind.NOT_A_PLAY

    @property
    def overtime(self) -> bool:
        """Whether the row is in an overtime period (clocks there all read 0:00)."""
        return self.period > 4


@dataclass(frozen=True, slots=True)
class Game:
    """A parsed game: two teams and their plays in game order.

    Attributes:
        game_id: The source's game id ("401628319"), or None when the source gives none.
        home: Home team. When :attr:`home_away_known` is False (CFBD CSV dumps carry no home/away
            fields) this is simply the first team seen in game order, *not* necessarily home.
        away: The other team.
        plays: Every row, sorted in game order, non-plays included (filter on :attr:`Play.kind`).
        source: The format the game was parsed from.
        clock_at: Whether listed clocks are end-of-play (``"end"``) or snap (``"snap"``) times.
        home_away_known: Whether :attr:`home` and :attr:`away` really are home and away.
    """

    game_id: str | None
    home: Team
    away: Team
    plays: tuple[Play, ...]
    source: Source
    clock_at: ClockAt = "end"
    home_away_known: bool = True

    @property
    def teams(self) -> tuple[Team, Team]:
        """``(home, away)``."""
        return (self.home, self.away)

    @property
    def wallclock_usable(self) -> bool:
        """Whether the rows' wallclocks look like real times of day (see :mod:`~.wallclock`)."""
        return wallclock_usable([p.wallclock for p in self.plays])

    def team_named(self, name: str) -> Team | None:
        """The team whose :attr:`Team.name` is exactly ``name``, if any."""
        for team in self.teams:
            if team.name == name:
                return team
        return None

    def opponent(self, team: Team) -> Team:
        """The other team of the two."""
        return self.away if team == self.home else self.home
