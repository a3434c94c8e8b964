"""Which bucket a play's clip goes in, from the chosen team's point of view."""

from __future__ import annotations

from cutups.pbp.model import Bucket, Play, Team
from cutups.pbp.teams import normalize_name

__all__ = ["bucket_for"]


def bucket_for(play: Play, team: Team) -> Bucket:
    """``special_teams``, ``team_offense`` or ``opp_offense`` for ``play`` as seen by ``team``.

    Special teams is decided first: kickoff rows name the *kicking* team as offense, so reading
    the offense on them would file the opponent's return under our offense.

    Arguments:
        play: A play of the game (callers usually skip :attr:`PlayKind.NOT_A_PLAY` rows, which
            are bucketed by the same rules for completeness).
        team: The chosen team, as returned by :func:`~cutups.pbp.teams.match_team`.

    Returns:
        The bucket name.
    """
    if play.special_teams:
        return "special_teams"
    offense = normalize_name(play.offense)
    names = {normalize_name(name) for name in (team.name, team.display_name, *team.aliases)}
    return "team_offense" if offense in names else "opp_offense"
