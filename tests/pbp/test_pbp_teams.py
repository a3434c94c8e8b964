"""Team matching: the user's spelling against a game's two teams, table-driven."""

from __future__ import annotations

import pytest

from cutups.errors import ConfigError
from cutups.pbp import Game, Team, match_team, normalize_name


def game(home: Team | str, away: Team | str) -> Game:
    """A game with no plays: matching only looks at the teams."""
    as_team = [t if isinstance(t, Team) else Team(name=t) for t in (home, away)]
    return Game(game_id=None, home=as_team[0], away=as_team[1], plays=(), source="cfbd_csv")


# CFBD games name schools only; ESPN games add abbreviation, mascot and display names.
MICH_TEX = game("Michigan", "Texas")
TEX_TTU = game("Texas", "Texas Tech")
TAMU_ND = game("Texas A&M", "Notre Dame")
MIA_MIAOH = game("Miami", "Miami (OH)")
MIAOH_OHIO = game("Miami (OH)", "Ohio")
OSU_MSU = game("Ohio State", "Michigan State")
MICH_MD = game("Michigan", "Maryland")
SJSU_BSU = game("San José State", "Boise State")
ESPN = game(
    Team("Georgia", "UGA", "Bulldogs", "61", ("Georgia Bulldogs",)),
    Team("Ohio State", "OSU", "Buckeyes", "194", ("Ohio State Buckeyes",)),
)
NOBODY = "no match"
AMBIGUOUS = "ambiguous"


@pytest.mark.parametrize(
    ("query", "the_game", "expected"),
    [
        pytest.param("Michigan", MICH_TEX, "Michigan", id="exact"),
        pytest.param("michigan", MICH_TEX, "Michigan", id="lowercase"),
        pytest.param("  MICHIGAN ", MICH_TEX, "Michigan", id="upper-and-spaces"),
        pytest.param("Michigan Wolverines", MICH_TEX, "Michigan", id="name-plus-mascot"),
        pytest.param("MICH", MICH_TEX, "Michigan", id="abbreviation"),
        pytest.param("UM", MICH_TEX, "Michigan", id="UM-unambiguous-here"),
        pytest.param("Wolverines", MICH_TEX, "Michigan", id="mascot"),
        pytest.param("Wolv", MICH_TEX, "Michigan", id="prefix"),
        pytest.param("Texa", MICH_TEX, "Texas", id="prefix-texas"),
        pytest.param("Longhorns", MICH_TEX, "Texas", id="mascot-texas"),
        pytest.param("Texas", TEX_TTU, "Texas", id="texas-exact-beats-texas-tech"),
        pytest.param("Tech", TEX_TTU, "Texas Tech", id="tech"),
        pytest.param("texas tech", TEX_TTU, "Texas Tech", id="texas-tech"),
        pytest.param("TTU", TEX_TTU, "Texas Tech", id="TTU"),
        pytest.param("Texas", TAMU_ND, NOBODY, id="texas-is-not-texas-a&m"),
        pytest.param("A&M", TAMU_ND, "Texas A&M", id="A&M"),
        pytest.param("Texas A and M", TAMU_ND, "Texas A&M", id="and-for-ampersand"),
        pytest.param("texas a&m aggies", TAMU_ND, "Texas A&M", id="with-mascot"),
        pytest.param("TAMU", TAMU_ND, "Texas A&M", id="TAMU"),
        pytest.param("Notre Dame Fighting Irish", TAMU_ND, NOBODY, id="unknown-extra-word"),
        pytest.param("Irish", TAMU_ND, "Notre Dame", id="irish"),
        pytest.param("Miami", MIA_MIAOH, "Miami", id="miami-exact"),
        pytest.param("Miami (OH)", MIA_MIAOH, "Miami (OH)", id="miami-oh"),
        pytest.param("Miami Ohio", MIA_MIAOH, "Miami (OH)", id="miami-ohio"),
        pytest.param("miami of ohio", MIA_MIAOH, "Miami (OH)", id="miami-of-ohio"),
        pytest.param("Miami", MIAOH_OHIO, NOBODY, id="miami-is-not-miami-oh"),
        pytest.param("RedHawks", MIAOH_OHIO, "Miami (OH)", id="redhawks"),
        pytest.param("Ohio", MIAOH_OHIO, "Ohio", id="ohio-exact"),
        pytest.param("UM", MICH_MD, AMBIGUOUS, id="UM-ambiguous"),
        pytest.param("Ohio St.", OSU_MSU, "Ohio State", id="st-dot"),
        pytest.param("Michigan St", OSU_MSU, "Michigan State", id="st"),
        pytest.param("State", OSU_MSU, AMBIGUOUS, id="state-ambiguous"),
        pytest.param("Michigan", OSU_MSU, NOBODY, id="michigan-is-not-michigan-state"),
        pytest.param("San Jose St", SJSU_BSU, "San José State", id="accent-and-st"),
        pytest.param("SAN JOSÉ STATE", SJSU_BSU, "San José State", id="accent-upper"),
        pytest.param("Georgia", ESPN, "Georgia", id="espn-name"),
        pytest.param("UGA", ESPN, "Georgia", id="espn-abbr"),
        pytest.param("Georgia Bulldogs", ESPN, "Georgia", id="espn-display-name"),
        pytest.param("bulldogs", ESPN, "Georgia", id="espn-mascot"),
        pytest.param("OSU", ESPN, "Ohio State", id="OSU-by-abbr"),
        pytest.param("buckeyes", ESPN, "Ohio State", id="buckeyes"),
        pytest.param("Alabama", ESPN, NOBODY, id="other-school"),
        pytest.param("", ESPN, NOBODY, id="empty"),
        pytest.param("!!!", ESPN, NOBODY, id="punctuation-only"),
    ],
)
def test_match_team(query: str, the_game: Game, expected: str) -> None:
    if expected in (NOBODY, AMBIGUOUS):
        with pytest.raises(ConfigError) as caught:
            match_team(query, the_game)
        message = str(caught.value)
        assert repr(the_game.home.name) in message and repr(the_game.away.name) in message
        assert ("ambiguous" in message) is (expected == AMBIGUOUS)
    else:
        assert match_team(query, the_game).name == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Texas A&M", "texas a and m", id="ampersand"),
        pytest.param("San José St.", "san jose state", id="accent-st"),
        pytest.param("St. Thomas", "saint thomas", id="leading-st"),
        pytest.param("Miami (OH)", "miami oh", id="parentheses"),
        pytest.param("  HAWAI'I  ", "hawai i", id="apostrophe"),
    ],
)
def test_normalize_name(text: str, expected: str) -> None:
    assert normalize_name(text) == expected
