"""Play-by-play: read CFBD and ESPN feeds into one model, match teams, bucket plays.

Typical use::

    from cutups.pbp import bucket_for, load_pbp, match_team

    game = load_pbp(Path("401628319.csv"))
    team = match_team("Alabama", game)
    for play in game.plays:
        if play.is_play:
            print(play.period, play.clock_display, bucket_for(play, team), play.text)

The HTTP clients (:class:`CfbdClient`, :class:`EspnClient`) are off unless configured; files and
bytes need no network.
"""

from __future__ import annotations

from cutups.pbp.buckets import bucket_for
from cutups.pbp.cfbd_client import CfbdClient, CfbdGameInfo
from cutups.pbp.classify import classify, normalize_play_type
from cutups.pbp.espn_client import EspnClient
from cutups.pbp.load import PbpInput, load_pbp
from cutups.pbp.model import Bucket, ClockAt, Game, Play, PlayKind, Source, Team, format_clock
from cutups.pbp.teams import match_team, normalize_name
from cutups.pbp.wallclock import wallclock_usable

__all__ = [
    "Bucket",
    "CfbdClient",
    "CfbdGameInfo",
    "ClockAt",
    "EspnClient",
    "Game",
    "PbpInput",
    "Play",
    "PlayKind",
    "Source",
    "Team",
    "bucket_for",
    "classify",
    "format_clock",
    "load_pbp",
    "match_team",
    "normalize_name",
    "normalize_play_type",
    "wallclock_usable",
]
