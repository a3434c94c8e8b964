"""Buckets: special teams first, then whose offense it is."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from cutups.pbp import Bucket, Game, Play, PlayKind, Team, bucket_for, load_pbp, match_team

FIXTURES = Path(__file__).parent / "fixtures"


def play(play_type: str, offense: str, kind: PlayKind, text: str = "") -> Play:
    defense = "Texas" if offense == "Michigan" else "Michigan"
    return Play(
        row_id="1", sort_key=1, game_id=None, drive=1, period=1, clock=600.0,
        offense=offense, defense=defense, offense_score=0, defense_score=0,
        home_score=None, away_score=None, down=1, distance=10, yard_line=None,
        yards_to_goal=75, yards_gained=0, play_type=play_type, raw_type=play_type,
        text=text, wallclock=None, kind=kind,
    )  # fmt: skip


MICHIGAN = Team("Michigan")


@pytest.mark.parametrize(
    ("the_play", "bucket"),
    [
        pytest.param(play("Rush", "Michigan", PlayKind.SNAP), "team_offense", id="our-rush"),
        pytest.param(play("Sack", "Texas", PlayKind.SNAP), "opp_offense", id="their-sack"),
        pytest.param(play("Kickoff", "Michigan", PlayKind.KICK), "special_teams", id="our-kickoff"),
        pytest.param(
            play("Kickoff Return (Offense)", "Texas", PlayKind.KICK),
            "special_teams",
            id="their-kickoff-our-return",
        ),
        pytest.param(play("Punt", "Texas", PlayKind.KICK), "special_teams", id="their-punt"),
        pytest.param(
            play("Field Goal Good", "Michigan", PlayKind.KICK), "special_teams", id="our-fg"
        ),
        pytest.param(
            play("Extra Point Good", "Texas", PlayKind.KICK), "special_teams", id="their-xp"
        ),
        pytest.param(
            play("Penalty", "Texas", PlayKind.KICK, "punt ..., PENALTY"),
            "special_teams",
            id="penalty-on-a-punt",
        ),
        pytest.param(
            play("Penalty", "Michigan", PlayKind.SNAP), "team_offense", id="our-live-penalty"
        ),
        pytest.param(
            play("Timeout", "Texas", PlayKind.NOT_A_PLAY),
            "opp_offense",
            id="non-play-still-bucketed",
        ),
    ],
)
def test_bucket_for(the_play: Play, bucket: Bucket) -> None:
    assert bucket_for(the_play, MICHIGAN) == bucket


def test_offense_compared_loosely() -> None:
    shouting = play("Rush", "MICHIGAN", PlayKind.SNAP)
    assert bucket_for(shouting, MICHIGAN) == "team_offense"
    espn_team = Team("Georgia", "UGA", "Bulldogs", "61", ("Georgia Bulldogs",))
    assert bucket_for(play("Rush", "Georgia Bulldogs", PlayKind.SNAP), espn_team) == "team_offense"


def test_fixture_game_buckets() -> None:
    game: Game = load_pbp(FIXTURES / "cfbd_plays_v1.json")
    texas = match_team("texas", game)
    counts = Counter(bucket_for(p, texas) for p in game.plays if p.is_play)
    # Texas: rush, the pass-interference play, sack. Michigan: TD pass, OT rush, OT TD.
    assert counts == {"special_teams": 3, "team_offense": 3, "opp_offense": 3}
    ours = {p.play_type for p in game.plays if p.is_play and bucket_for(p, texas) == "team_offense"}
    assert ours == {
        "Rush",
        "Penalty",
        "Sack",
    }
    michigan = match_team("UM", game)
    mirrored = Counter(bucket_for(p, michigan) for p in game.plays if p.is_play)
    assert mirrored == counts
