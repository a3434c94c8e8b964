"""Play text in the style of CFBD / ESPN play-by-play ("X run for 5 yds to the MICH 41")."""

from __future__ import annotations

__all__ = ["clock_text", "spot", "yds"]


def spot(yards_to_goal: int, own_abbr: str, opp_abbr: str) -> str:
    """Field position as play text writes it, for the team whose goal is ``yards_to_goal`` away.

    Arguments:
        yards_to_goal: yards from the ball to the opponent's goal line (1-99).
        own_abbr: abbreviation of the team ``yards_to_goal`` is measured for.
        opp_abbr: the other team's abbreviation.
    """
    if yards_to_goal == 50:
        return "50"
    if yards_to_goal > 50:
        return f"{own_abbr} {100 - yards_to_goal}"
    return f"{opp_abbr} {yards_to_goal}"


def yds(n: int) -> str:
    """``n`` yards the way play text writes gains ("for 7 yds", "for a loss of 3 yards")."""
    if n < 0:
        return f"for a loss of {-n} yard{'s' if n != -1 else ''}"
    if n == 0:
        return "for no gain"
    return f"for {n} yd{'s' if n != 1 else ''}"


def clock_text(seconds: int) -> str:
    """Game clock as timeout rows write it: ``MM:SS`` with a leading zero."""
    return f"{seconds // 60:02d}:{seconds % 60:02d}"
