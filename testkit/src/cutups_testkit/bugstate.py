"""What the scorebug shows at any broadcast frame (clock, scores, down, play clock, timeouts).

The clock comes straight from the game's clock phases through the frame map, so it is exact
for every frame; everything else changes a moment after the whistle, as on TV.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from fractions import Fraction

from cutups.truth import format_clock
from cutups_testkit.broadcast import Plan
from cutups_testkit.game import SimGame, SimRow
from cutups_testkit.scorebug import BugState

__all__ = ["BugClock", "period_text"]

_ORD = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th"}


def period_text(period: int) -> str:
    """Period as the scorebug writes it ("1st" ... "4th", "OT", "2OT", ...)."""
    if period <= 4:
        return _ORD[period]
    return "OT" if period == 5 else f"{period - 4}OT"


def _down_text(row: SimRow) -> str:
    if row.kind != "play" or row.down == 0:
        return "KICKOFF" if row.play_type.startswith("Kickoff") else ""
    dist = "Goal" if row.distance >= row.yards_to_goal else str(row.distance)
    return f"{_ORD[min(row.down, 4)]} & {dist}"


class BugClock:
    """Computes :class:`BugState` for broadcast frames of one plan.

    ``play_clock_last`` > 0 shows the play clock only in its last that many seconds;
    ``flags`` makes the state flash "FLAG" (every half second) after each foul.
    """

    def __init__(
        self,
        game: SimGame,
        plan: Plan,
        tenths: bool,
        *,
        play_clock_last: int = 0,
        flags: bool = False,
    ) -> None:
        self.game, self.plan, self.tenths = game, plan, tenths
        self.play_clock_last = play_clock_last
        fps = plan.fps
        self._flags = _flag_windows(game, plan) if flags else []
        self.fps = fps
        rows = [r for r in game.rows if r.kind in ("play", "presnap_penalty", "timeout")]
        # state changes shortly after each row; shows the *next* row's down & distance
        self._frames: list[int] = []
        self._rows: list[tuple[SimRow, SimRow | None]] = []
        delay = round(2 * fps)
        for i, r in enumerate(rows):
            nxt = next((x for x in rows[i + 1 :] if x.kind == "play"), None)
            self._frames.append(plan.fmap.frame(r.t_whistle) + (delay if i else 0))
            self._rows.append((r, nxt))
        self._first = next((r for r in rows if r.kind == "play"), None)
        scenes = [s for s in plan.scenes]
        self._snaps = [s.snap for s in scenes]
        self._whistles = [s.whistle for s in scenes]

    def clock_value(self, frame: int) -> tuple[int, Fraction]:
        """(period, live game clock) at ``frame``."""
        tick = self.plan.fmap.tick(frame)
        ph = self.game.phase_at(math.floor(tick))
        if ph.running:
            from cutups_testkit.game import TICK

            value = max(Fraction(0), ph.clock_start - (tick - ph.start) * TICK)
        else:
            value = ph.clock_start
        return ph.period, value

    def _play_clock(self, frame: int) -> str:
        i = bisect_right(self._snaps, frame) - 1  # last snap at or before frame
        if i >= 0 and frame < self._whistles[i]:
            return ""  # live ball
        w = self._whistles[i] if i >= 0 else 0
        nxt = self._snaps[i + 1] if i + 1 < len(self._snaps) else frame + 1
        fps = float(self.fps)
        if (nxt - w) / fps <= 39:
            v = 40 - int((frame - w) / fps)
        else:
            ready = nxt - round(22 * fps)
            if frame < ready:
                return ""
            v = 25 - int((frame - ready) / fps)
        if self.play_clock_last and v > self.play_clock_last:
            return ""
        return f":{max(0, v):02d}"

    def flag(self, frame: int) -> bool:
        """Whether the bug shows "FLAG" at ``frame`` (flashing: on for half a second, off for
        half a second, from the flag until a few seconds after the whistle)."""
        half = max(1, round(self.fps / 2))
        for a, b in self._flags:
            if a <= frame < b:
                return (frame - a) // half % 2 == 0
        return False

    def state(self, frame: int) -> BugState:
        """Everything the scorebug shows at ``frame``."""
        period, value = self.clock_value(frame)
        j = bisect_right(self._frames, frame) - 1
        if j >= 0:
            row, nxt = self._rows[j]
            home, away = row.home_after, row.away_after
        else:
            nxt = self._first
            home = away = 0
        down = _down_text(nxt) if nxt is not None else ""
        if nxt is not None:
            h_to = nxt.offense_timeouts if nxt.offense_home else nxt.defense_timeouts
            a_to = nxt.defense_timeouts if nxt.offense_home else nxt.offense_timeouts
        else:
            h_to = a_to = 0
        return BugState(
            away,
            home,
            period_text(period),
            format_clock(float(value), tenths=self.tenths, period=period),
            self._play_clock(frame),
            down,
            a_to,
            h_to,
            self.flag(frame) if self._flags else False,
        )


def _flag_windows(game: SimGame, plan: Plan) -> list[tuple[int, int]]:
    """Frames [start, end) in which a flag is on the field: from mid-play (live fouls) or just
    after the foul (dead-ball fouls) until 6 s after the whistle."""
    rows = {r.seq: r for r in game.rows}
    after = round(6 * plan.fps)
    out: list[tuple[int, int]] = []
    for sc in plan.scenes:
        row = rows[sc.seq]
        if row.kind == "presnap_penalty":
            out.append((sc.snap + round(plan.fps / 3), sc.whistle + after))
        elif row.play_type == "Penalty":
            out.append(((sc.snap + sc.whistle) // 2, sc.whistle + after))
    return out
