"""Kicks: punts, field goals, extra points and kickoffs (see :mod:`cutups_testkit.plays`)."""

from __future__ import annotations

import numpy as np

from cutups_testkit.plays import Outcome, Situation, pick
from cutups_testkit.playtext import spot

__all__ = ["extra_point", "field_goal", "kickoff", "punt"]


def punt(rng: np.random.Generator, s: Situation) -> Outcome:
    """A punt from the offense's position; ``new_ytg`` is for the receiving team."""
    p = s.off.roster.punter
    gross = int(rng.integers(34, 52))
    land = s.ytg - gross  # receiving team's own-goal distance measured from the punting side
    if land <= 0:
        return Outcome(
            "Punt",
            0,
            7.0 + float(rng.random()) * 2,
            f"{p} punt for {s.ytg} yds , touchback",
            stop="possession",
            turnover=True,
            new_ytg=80,
        )
    r = float(rng.random())
    recv_ytg = 100 - land
    kr = pick(rng, s.deff.roster.returners)
    if r < 0.4:
        return Outcome(
            "Punt",
            0,
            6.5 + float(rng.random()) * 2,
            f"{p} punt for {gross} yds , {kr} fair catch at the "
            f"{spot(recv_ytg, s.deff.abbr, s.off.abbr)}",
            stop="possession",
            turnover=True,
            new_ytg=recv_ytg,
        )
    if r < 0.55:
        return Outcome(
            "Punt",
            0,
            7.0 + float(rng.random()) * 2,
            f"{p} punt for {gross} yds, downed at the {spot(recv_ytg, s.deff.abbr, s.off.abbr)}",
            stop="possession",
            turnover=True,
            new_ytg=recv_ytg,
        )
    ret = int(
        min(recv_ytg - 1, int(rng.integers(0, 16) if rng.random() < 0.93 else rng.integers(20, 45)))
    )
    new_ytg = recv_ytg - ret
    return Outcome(
        "Punt",
        0,
        8.5 + ret / 7 + float(rng.random()) * 2,
        f"{p} punt for {gross} yds , {kr} returns for {ret} yds to the "
        f"{spot(new_ytg, s.deff.abbr, s.off.abbr)}",
        stop="possession",
        turnover=True,
        new_ytg=new_ytg,
        big=ret >= 20,
    )


def field_goal(rng: np.random.Generator, s: Situation, *, force_miss: bool = False) -> Outcome:
    """A field goal attempt from ``s.ytg`` (kick distance = ytg + 17)."""
    k = s.off.roster.kicker
    dist = s.ytg + 17
    p_good = float(np.clip(1.02 - 0.011 * (dist - 18) - 0.0002 * (dist - 18) ** 2, 0.2, 0.98))
    if rng.random() < p_good and not force_miss:
        return Outcome(
            "Field Goal Good",
            0,
            3.0 + float(rng.random()),
            f"{k} {dist} yd FG GOOD",
            stop="score",
            points=3,
            big=dist >= 45,
        )
    new_ytg = max(80, 100 - (s.ytg + 7))
    return Outcome(
        "Field Goal Missed",
        0,
        3.0 + float(rng.random()),
        f"{k} {dist} yd FG MISSED",
        stop="possession",
        turnover=True,
        new_ytg=new_ytg,
    )


def extra_point(rng: np.random.Generator, s: Situation) -> Outcome:
    """The kick after a touchdown; untimed."""
    k = s.off.roster.kicker
    if rng.random() < 0.95:
        return Outcome(
            "Extra Point Good",
            0,
            2.8 + float(rng.random()) * 0.8,
            f"{k} extra point GOOD",
            stop="score",
            points=1,
            timed=False,
        )
    return Outcome(
        "Extra Point Missed",
        0,
        2.8 + float(rng.random()) * 0.8,
        f"{k} extra point MISSED",
        stop="score",
        timed=False,
    )


def kickoff(rng: np.random.Generator, s: Situation) -> Outcome:
    """A kickoff from the kicking team's 35 (``s.off`` kicks); ``new_ytg`` for the receivers."""
    k = s.off.roster.kicker
    dist = int(rng.integers(55, 66))
    if rng.random() < 0.55:
        return Outcome(
            "Kickoff",
            0,
            4.0 + float(rng.random()) * 1.5,
            f"{k} kickoff for {dist} yds for a touchback",
            stop="possession",
            turnover=True,
            new_ytg=75,
            timed=False,
        )
    kr = pick(rng, s.deff.roster.returners)
    catch_ytg = 100 - (65 - dist)  # receiving team's distance to goal where the ball is caught
    ret = int(rng.integers(12, 32) if rng.random() < 0.95 else rng.integers(35, 60))
    new_ytg = min(99, catch_ytg) - ret
    return Outcome(
        "Kickoff Return (Offense)",
        ret,
        8.0 + ret / 8 + float(rng.random()) * 2,
        f"{k} kickoff for {dist} yds , {kr} return for {ret} yds to the "
        f"{spot(new_ytg, s.deff.abbr, s.off.abbr)}",
        stop="possession",
        turnover=True,
        new_ytg=new_ytg,
        big=ret >= 35,
    )
