"""Outcome of a single snap or kick: type, yards, duration and play text.

The probabilities are calibrated by eye against 2024 CFBD play-by-play (about 45 % rushes, 35 %
passes, the rest kicks, penalties and timeouts; 60 % completions; 5-8 % sacks; 2-3 %
interceptions) and are deliberately simple: the tests need plausible games, not a model of
football.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cutups_testkit.playtext import spot, yds
from cutups_testkit.teams import Roster

__all__ = ["Outcome", "Side", "Situation", "pick", "presnap_penalty", "scrimmage"]


@dataclass(frozen=True, slots=True)
class Side:
    """One team as the play sampler needs it."""

    name: str
    abbr: str
    roster: Roster


@dataclass(frozen=True, slots=True)
class Situation:
    """Where the ball is before a play, from the offense's point of view."""

    ytg: int
    down: int
    distance: int
    off: Side
    deff: Side
    hurry: bool = False


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one play did.

    Attributes:
        play_type: CFBD play type.
        yards: yards gained by the offense (scrimmage plays, penalties); return yards for kicks.
        live_s: seconds from snap (or kick) to whistle.
        text: play text.
        stop: why the clock stops after the whistle ("incomplete", "out_of_bounds", "score",
            "possession", "penalty") or None when it keeps running.
        touchdown: the play scored a touchdown for the offense.
        turnover: possession changes to the defense (interception, fumble, punt, missed FG).
        new_ytg: after a turnover or kick, the receiving team's yards to goal.
        points: points scored by the offense (FG 3, XP 1, TD 6).
        auto_first: penalty that gives the offense a first down.
        replay_down: the down is replayed (offensive penalty).
        big: a big play (crowd surges louder).
        timed: the game clock runs during the play.
    """

    play_type: str
    yards: int
    live_s: float
    text: str
    stop: str | None = None
    touchdown: bool = False
    turnover: bool = False
    new_ytg: int | None = None
    points: int = 0
    auto_first: bool = False
    replay_down: bool = False
    big: bool = False
    timed: bool = True


def pick(rng: np.random.Generator, names: tuple[str, ...]) -> str:
    return names[int(rng.integers(len(names)))]


def _gain(rng: np.random.Generator, median: float, big_p: float) -> int:
    r = float(rng.random())
    if r < big_p:
        return int(rng.integers(18, 70))
    return max(1, round(float(rng.lognormal(np.log(median), 0.65))))


def _after(s: Situation, gain: int) -> str:
    return spot(s.ytg - gain, s.off.abbr, s.deff.abbr)


def _first(s: Situation, gain: int) -> str:
    return " for a 1ST down" if gain >= s.distance and gain < s.ytg else ""


def scrimmage(rng: np.random.Generator, s: Situation) -> Outcome:
    """A run or pass (with sacks, interceptions, fumbles and live-ball penalties)."""
    o, d = s.off, s.deff
    if rng.random() < 0.035:
        return _live_penalty(rng, s)
    pass_p = {
        1: 0.42,
        2: 0.45 + 0.03 * (s.distance - 6),
        3: 0.78 if s.distance >= 5 else 0.42,
        4: 0.6,
    }[s.down]
    if s.hurry:
        pass_p = 0.8
    if rng.random() >= min(0.9, max(0.2, pass_p)):
        rb = pick(rng, o.roster.rbs) if rng.random() < 0.85 else o.roster.qb
        r = float(rng.random())
        gain = -int(rng.integers(1, 5)) if r < 0.1 else 0 if r < 0.17 else _gain(rng, 3.8, 0.035)
        gain = min(gain, s.ytg)
        if gain == s.ytg:
            return Outcome(
                "Rushing Touchdown",
                gain,
                3.0 + gain / 7.5 + float(rng.random()),
                f"{rb} run for {gain} yd{'s' * (gain != 1)} for a TD",
                stop="score",
                touchdown=True,
                points=6,
                big=True,
            )
        if rng.random() < 0.012:
            dn = pick(rng, d.roster.defenders)
            spot_txt = _after(s, gain)
            return Outcome(
                "Fumble Recovery (Opponent)",
                gain,
                4.0 + float(rng.random()) * 3,
                f"{rb} run {yds(gain)} to the {spot_txt} {rb} fumble recovered by "
                f"{d.abbr} {dn} at the {spot_txt}",
                stop="possession",
                turnover=True,
                new_ytg=100 - (s.ytg - gain),
                big=True,
            )
        oob = rng.random() < 0.13
        text = f"{rb} run {yds(gain)} to the {_after(s, gain)}{_first(s, gain)}"
        return Outcome(
            "Rush",
            gain,
            3.5 + max(gain, 0) / 8 + float(rng.random()) * 2.5,
            text,
            stop="out_of_bounds" if oob else None,
            big=gain >= 15,
        )
    qb = o.roster.qb
    wr = pick(rng, o.roster.receivers)
    r = float(rng.random())
    if r < 0.065:
        loss = -int(rng.integers(2, 11))
        loss = max(loss, -(99 - s.ytg))
        dn = pick(rng, d.roster.defenders)
        return Outcome(
            "Sack",
            loss,
            3.0 + float(rng.random()) * 2.5,
            f"{qb} sacked by {dn} {yds(loss)} to the {_after(s, loss)}",
        )
    if r < 0.09:
        db = pick(rng, d.roster.defenders)
        air = min(s.ytg - 1, int(rng.integers(8, 35)))
        ret = int(rng.integers(0, 25))
        new_ytg = min(99, max(1, 100 - (s.ytg - air) + ret))
        return Outcome(
            "Pass Interception Return",
            0,
            6.0 + float(rng.random()) * 5,
            f"{qb} pass intercepted {db} return for {ret} yds to the "
            f"{spot(new_ytg, d.abbr, o.abbr)}",
            stop="possession",
            turnover=True,
            new_ytg=new_ytg,
            big=True,
        )
    if r < 0.09 + 0.36:
        return Outcome(
            "Pass Incompletion",
            0,
            3.2 + float(rng.random()) * 3.5,
            f"{qb} pass incomplete to {wr}",
            stop="incomplete",
        )
    gain = min(_gain(rng, 8.5, 0.08), s.ytg)
    if gain == s.ytg:
        return Outcome(
            "Passing Touchdown",
            gain,
            3.5 + gain / 8 + float(rng.random()) * 2,
            f"{qb} pass complete to {wr} for {gain} yd{'s' * (gain != 1)} for a TD",
            stop="score",
            touchdown=True,
            points=6,
            big=True,
        )
    oob = rng.random() < 0.2
    return Outcome(
        "Pass Reception",
        gain,
        4.0 + gain / 9 + float(rng.random()) * 2.5,
        f"{qb} pass complete to {wr} {yds(gain)} to the {_after(s, gain)}{_first(s, gain)}",
        stop="out_of_bounds" if oob else None,
        big=gain >= 20,
    )


def _live_penalty(rng: np.random.Generator, s: Situation) -> Outcome:
    o, d = s.off, s.deff
    if rng.random() < 0.55 and s.ytg <= 89:
        who = pick(rng, o.roster.linemen)
        pen = -min(10, (100 - s.ytg) // 2) if s.ytg >= 80 else -10
        return Outcome(
            "Penalty",
            pen,
            4.0 + float(rng.random()) * 3,
            f"{o.name} Penalty, Offensive Holding ({who}) ({pen} Yards) to the {_after(s, pen)}",
            stop="penalty",
            replay_down=True,
        )
    who = pick(rng, d.roster.defenders)
    pen = min(15, max(1, s.ytg // 2) if s.ytg <= 15 else 15)
    return Outcome(
        "Penalty",
        pen,
        4.5 + float(rng.random()) * 3,
        f"{d.name} Penalty, Pass Interference ({who}) ({pen} Yards) to the {_after(s, pen)}",
        stop="penalty",
        auto_first=True,
    )


def presnap_penalty(rng: np.random.Generator, s: Situation) -> tuple[str, Outcome]:
    """A dead-ball foul before the snap: (kind, outcome). Kind is "false_start", "offside" or
    "delay_of_game"; only the first two show players moving."""
    o, d = s.off, s.deff
    r = float(rng.random())
    if r < 0.6 or s.ytg <= 6:
        who = pick(rng, o.roster.linemen)
        pen = -5 if s.ytg <= 94 else -((100 - s.ytg) // 2)
        return "false_start", Outcome(
            "Penalty",
            pen,
            0.0,
            f"{o.name} Penalty, False Start ({who}) ({pen} Yards) to the {_after(s, pen)}",
            stop="penalty",
            replay_down=True,
        )
    if r < 0.85:
        pen = 5
        return "offside", Outcome(
            "Penalty",
            pen,
            0.0,
            f"{d.name} Penalty, Offside ({pen} Yards) to the {_after(s, pen)}",
            stop="penalty",
            replay_down=True,
        )
    pen = -5 if s.ytg <= 94 else -((100 - s.ytg) // 2)
    return "delay_of_game", Outcome(
        "Penalty",
        pen,
        0.0,
        f"{o.name} Penalty, Delay of Game ({pen} Yards) to the {_after(s, pen)}",
        stop="penalty",
        replay_down=True,
    )
