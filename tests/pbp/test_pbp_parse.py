"""Parsing each real feed shape from hand-made fixtures: order, teams, clocks, kinds, scores."""

from __future__ import annotations

import csv
import io
import json
import random
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from cutups.errors import ConfigError, PbpError, WrongGameError
from cutups.pbp import Game, PlayKind, load_pbp

FIXTURES = Path(__file__).parent / "fixtures"


def _json(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def _kinds(game: Game) -> dict[str, PlayKind]:
    return {p.text: p.kind for p in game.plays}


# -- CFBD JSON v1 -------------------------------------------------------------------------------


@pytest.fixture
def v1() -> Game:
    return load_pbp(FIXTURES / "cfbd_plays_v1.json")


def test_v1_detected_and_sorted_by_id(v1: Game) -> None:
    raw_ids = [row["id"] for row in _json("cfbd_plays_v1.json")]
    assert raw_ids != sorted(raw_ids, key=int), "the fixture must arrive shuffled"
    assert v1.source == "cfbd_json_v1"
    assert [p.row_id for p in v1.plays] == sorted(raw_ids, key=int)
    assert [p.sort_key for p in v1.plays] == sorted(int(i) for i in raw_ids)
    assert v1.game_id == "900000001"
    assert all(p.game_id == "900000001" for p in v1.plays)


def test_v1_teams_and_home_away(v1: Game) -> None:
    assert (v1.home.name, v1.away.name) == ("Michigan", "Texas")
    assert v1.home_away_known
    assert v1.opponent(v1.home) == v1.away
    assert v1.team_named("Texas") == v1.away
    assert v1.team_named("Nobody") is None


def test_v1_kickoff_names_kicking_team_as_offense(v1: Game) -> None:
    kickoff = v1.plays[0]
    assert kickoff.play_type == "Kickoff"
    assert (kickoff.offense, kickoff.defense) == ("Michigan", "Texas")
    assert kickoff.kind is PlayKind.KICK and kickoff.special_teams


def test_v1_clock_fields(v1: Game) -> None:
    first = v1.plays[0]
    assert first.clock == 900.0 and first.clock_display == "15:00"
    sack = next(p for p in v1.plays if p.play_type == "Sack")
    assert sack.clock == 13 * 60 + 2 and sack.clock_display == "13:02"
    assert v1.clock_at == "end"
    assert load_pbp(FIXTURES / "cfbd_plays_v1.json", clock_at="snap").clock_at == "snap"


def test_v1_overtime_rows_read_zero(v1: Game) -> None:
    overtime = [p for p in v1.plays if p.period == 5]
    assert len(overtime) == 3
    assert all(p.overtime and p.clock == 0.0 and p.clock_display == "0:00" for p in overtime)
    # Within overtime the id order is the game order even though every clock is equal.
    assert [p.play_type for p in overtime] == ["Rush", "Rushing Touchdown", "End of Game"]


def test_v1_kinds(v1: Game) -> None:
    snap, kick, none = PlayKind.SNAP, PlayKind.KICK, PlayKind.NOT_A_PLAY
    assert [(p.play_type, p.kind) for p in v1.plays] == [
        ("Kickoff", kick),
        ("Rush", snap),
        ("Penalty", snap),  # "pass incomplete ..., PENALTY ... NO PLAY": the play ran
        ("Timeout", none),
        ("Sack", snap),
        ("Punt", kick),
        ("Passing Touchdown", snap),
        ("Penalty", none),  # "Texas Penalty, False Start": no snap
        ("End Period", none),
        ("Field Goal Good", kick),
        ("End of Regulation", none),
        ("Rush", snap),
        ("Rushing Touchdown", snap),
        ("End of Game", none),
    ]


def test_v1_scores_drives_and_fields(v1: Game) -> None:
    field_goal = next(p for p in v1.plays if p.play_type == "Field Goal Good")
    assert field_goal.offense == "Texas"
    assert (field_goal.offense_score, field_goal.defense_score) == (0, 7)
    assert (field_goal.home_score, field_goal.away_score) == (7, 0)  # Michigan is home
    assert field_goal.drive == 3
    rush = next(p for p in v1.plays if p.play_type == "Rush")
    assert (rush.down, rush.distance, rush.yards_to_goal, rush.yards_gained) == (1, 10, 75, 4)
    assert rush.yard_line == 75
    assert rush.wallclock == datetime(2030, 9, 7, 19, 6, 2, tzinfo=UTC)
    end_period = next(p for p in v1.plays if p.play_type == "End Period")
    assert end_period.down is None  # CFBD writes 0 for "no down"


def test_v1_wallclock_usable(v1: Game) -> None:
    assert v1.wallclock_usable


# -- CFBD JSON v2 -------------------------------------------------------------------------------


def test_v2_camelcase() -> None:
    game = load_pbp((FIXTURES / "cfbd_plays_v2.json").read_bytes())
    assert game.source == "cfbd_json_v2"
    assert (game.home.name, game.away.name) == ("Texas A&M", "Notre Dame")
    assert len(game.plays) == 12
    assert [p.sort_key for p in game.plays] == sorted(p.sort_key for p in game.plays)
    kick_return = game.plays[0]
    assert kick_return.play_type == "Kickoff Return (Offense)"
    assert kick_return.offense == "Texas A&M" and kick_return.special_teams
    assert kick_return.yard_line == 35 and kick_return.yards_to_goal == 65
    assert kick_return.drive == 1
    kinds = {p.play_type: p.kind for p in game.plays}
    assert kinds["Extra Point Good"] is PlayKind.KICK
    assert kinds["Two Point Pass"] is PlayKind.SNAP
    assert kinds["Pass Interception Return"] is PlayKind.SNAP
    assert kinds["End of Half"] is PlayKind.NOT_A_PLAY
    holding = next(p for p in game.plays if "Defensive Holding" in p.text)
    assert holding.kind is PlayKind.SNAP  # a live-ball foul: the play ran
    assert game.wallclock_usable  # crosses midnight UTC, still one evening


def test_v2_home_away_scores() -> None:
    game = load_pbp(FIXTURES / "cfbd_plays_v2.json")
    two_point = next(p for p in game.plays if p.play_type == "Two Point Pass")
    assert two_point.offense == "Notre Dame"
    assert (two_point.home_score, two_point.away_score) == (7, 6)


# -- CFBD CSV -----------------------------------------------------------------------------------


@pytest.fixture
def csv_game() -> Game:
    return load_pbp(str(FIXTURES / "cfbd_plays.csv"))


def test_csv_detected_sorted_teams_inferred(csv_game: Game) -> None:
    assert csv_game.source == "cfbd_csv"
    assert not csv_game.home_away_known
    assert {csv_game.home.name, csv_game.away.name} == {"Vanderbilt", "Virginia Tech"}
    # First team seen in game order: the opening kickoff's kicking team.
    assert csv_game.home.name == "Vanderbilt"
    assert all(p.home_score is None and p.away_score is None for p in csv_game.plays)
    keys = [p.sort_key for p in csv_game.plays]
    assert keys == sorted(keys)
    assert csv_game.plays[0].play_type == "Kickoff"
    assert csv_game.plays[0].offense == "Vanderbilt"


def test_csv_clocks_never_increase_within_a_period(csv_game: Game) -> None:
    for a, b in zip(csv_game.plays, csv_game.plays[1:], strict=False):
        if a.period == b.period and a.clock is not None and b.clock is not None:
            assert b.clock <= a.clock, (a.text, b.text)


def test_csv_placeholder_wallclock_is_not_usable(csv_game: Game) -> None:
    assert all(p.wallclock is not None for p in csv_game.plays)
    assert not csv_game.wallclock_usable


def test_csv_drives_from_drive_ids(csv_game: Game) -> None:
    drives = [p.drive or 0 for p in csv_game.plays]
    assert drives[0] == 1
    assert drives == sorted(drives)
    assert len(set(drives)) == 6


def test_csv_kinds(csv_game: Game) -> None:
    kinds = _kinds(csv_game)
    assert kinds["Virginia Tech Penalty, Delay of Game (-5 Yards) to the VT 23"] is (
        PlayKind.NOT_A_PLAY
    )
    ran = next(t for t in kinds if t.startswith("Riley Dash run for 5 yds"))
    assert kinds[ran] is PlayKind.SNAP
    assert kinds["Timeout Vanderbilt, clock 13:55"] is PlayKind.NOT_A_PLAY
    assert kinds["End of 1st Quarter"] is PlayKind.NOT_A_PLAY
    assert kinds["Jesse Lace 42 yd FG GOOD"] is PlayKind.KICK
    overtime = [p for p in csv_game.plays if p.overtime]
    assert len(overtime) == 4 and all(p.clock == 0 for p in overtime)


def _csv_rows() -> list[dict[str, str]]:
    text = (FIXTURES / "cfbd_plays.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _to_csv(rows: list[dict[str, str]], columns: list[str]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def test_csv_tolerates_missing_and_extra_columns() -> None:
    rows = _csv_rows()
    for row in rows:
        row["home_team_color"] = "blue"
    keep = ["game_id", "period", "clock", "offense", "defense", "play_type", "play_text"]
    game = load_pbp(_to_csv(rows, [*keep, "home_team_color"]))
    assert len(game.plays) == len(rows)
    # Without ids the file order is kept.
    assert [p.text for p in game.plays] == [r["play_text"] for r in rows]
    assert all(p.wallclock is None and p.drive is None for p in game.plays)
    assert not game.wallclock_usable


def test_csv_camelcase_header_bom_and_cp1252() -> None:
    rows = _csv_rows()
    rows[1]["play_text"] = "Logan Punch kickoff for 65 yds — touché"
    columns = list(rows[0])
    camel = [
        "playText" if c == "play_text" else "playType" if c == "play_type" else c for c in columns
    ]
    renamed = [dict(zip(camel, r.values(), strict=True)) for r in rows]
    data = _to_csv(renamed, camel)
    game = load_pbp(b"\xef\xbb\xbf" + data)
    assert len(game.plays) == len(rows)
    legacy = _to_csv(rows, columns).decode().encode("cp1252")
    assert any("touché" in p.text for p in load_pbp(legacy).plays)


def test_csv_wrong_columns_is_pbp_error() -> None:
    with pytest.raises(PbpError, match="CSV without the columns period, offense, defense"):
        load_pbp(b"name,score\nAlice,3\nBob,4\n")


# -- ESPN summary -------------------------------------------------------------------------------


@pytest.fixture
def espn() -> Game:
    return load_pbp(FIXTURES / "espn_summary.json")


def test_espn_teams(espn: Game) -> None:
    assert espn.source == "espn_summary"
    assert espn.game_id == "900000004"
    home, away = espn.teams
    assert (home.name, home.abbr, home.mascot, home.id) == ("Georgia", "UGA", "Bulldogs", "61")
    assert (away.name, away.abbr, away.mascot, away.id) == ("Ohio State", "OSU", "Buckeyes", "194")
    assert "Georgia Bulldogs" in home.aliases
    assert all(p.game_id == "900000004" for p in espn.plays)
    assert home.display_name == "Georgia Bulldogs"
    assert espn.home_away_known


def test_espn_offense_from_start_team(espn: Game) -> None:
    kickoff = espn.plays[0]
    assert kickoff.play_type == "Kickoff" and kickoff.offense == "Georgia"  # the kicking team
    rush = espn.plays[1]
    assert (rush.offense, rush.defense) == ("Ohio State", "Georgia")
    assert rush.yards_to_goal == 75 and rush.yards_gained == 5
    timeout = next(p for p in espn.plays if p.play_type == "Timeout")
    assert timeout.offense == "Ohio State"  # no start.team: taken from the drive
    touchdown = next(p for p in espn.plays if p.play_type == "Passing Touchdown")
    assert (touchdown.offense_score, touchdown.defense_score) == (7, 0)
    assert (touchdown.home_score, touchdown.away_score) == (7, 0)
    assert touchdown.drive == 2


def test_espn_kinds_and_wallclock(espn: Game) -> None:
    kinds = _kinds(espn)
    assert kinds["OHIO ST Penalty, False Start (Kip Lineman) to the OhSt 25"] is (
        PlayKind.NOT_A_PLAY
    )
    dpi = next(t for t in kinds if "Defensive Pass Interference" in t)
    assert kinds[dpi] is PlayKind.SNAP
    assert kinds["End of 1st Quarter"] is PlayKind.NOT_A_PLAY
    assert espn.wallclock_usable


def test_espn_sorted_by_sequence_number() -> None:
    document = _json("espn_summary.json")
    for drive in document["drives"]["previous"]:
        random.Random(7).shuffle(drive["plays"])
    document["drives"]["previous"].reverse()
    game = load_pbp(document)
    keys = [p.sort_key for p in game.plays]
    assert keys == sorted(keys)
    assert game.plays[0].play_type == "Kickoff"


def test_espn_without_sequence_numbers_keeps_drive_order() -> None:
    document = _json("espn_summary.json")
    for drive in document["drives"]["previous"]:
        for play in drive["plays"]:
            del play["sequenceNumber"]
    game = load_pbp(document)
    assert game.plays[0].play_type == "Kickoff"
    assert game.plays[-1].play_type == "End of Game"


def test_espn_epoch_wallclocks_are_none() -> None:
    document = _json("espn_summary.json")
    for drive in document["drives"]["previous"]:
        for play in drive["plays"]:
            play["wallclock"] = "1970-01-01T00:00:00Z"
    game = load_pbp(json.dumps(document).encode())
    assert all(p.wallclock is None for p in game.plays)
    assert not game.wallclock_usable


def test_espn_day_slip_is_mended() -> None:
    document = _json("espn_summary.json")
    plays = document["drives"]["previous"][1]["plays"]
    plays[-1]["wallclock"] = "2029-12-31T04:20:00Z"  # one day early, as real feeds do
    game = load_pbp(document)
    assert game.plays[-1].wallclock == datetime(2030, 1, 1, 4, 20, tzinfo=UTC)
    assert game.wallclock_usable


# -- the entry point ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda p: p, id="Path"),
        pytest.param(str, id="str-path"),
        pytest.param(lambda p: p.read_bytes(), id="bytes"),
        pytest.param(lambda p: json.loads(p.read_text()), id="decoded"),
    ],
)
def test_every_input_form_gives_the_same_game(make: Any) -> None:
    path = FIXTURES / "cfbd_plays_v1.json"
    assert load_pbp(make(path)) == load_pbp(path)


def test_several_games_need_a_game_id() -> None:
    rows = _json("cfbd_plays_v1.json")
    other = [{**row, "game_id": 900000009, "id": "9" + row["id"][1:]} for row in rows]
    with pytest.raises(PbpError, match="plays of 2 games"):
        load_pbp(rows + other)
    game = load_pbp(rows + other, game_id="900000001")
    assert len(game.plays) == len(rows)
    with pytest.raises(WrongGameError, match="no plays of game 123"):
        load_pbp(rows, game_id="123")


def test_home_away_fields_that_disagree_with_the_plays_are_ignored() -> None:
    rows = [{**row, "home": "Ohio", "away": "Kent State"} for row in _json("cfbd_plays_v1.json")]
    game = load_pbp(rows)
    assert not game.home_away_known
    assert {game.home.name, game.away.name} == {"Michigan", "Texas"}


def test_duplicate_rows_are_dropped() -> None:
    rows = _json("cfbd_plays_v1.json")
    assert len(load_pbp(rows + rows[:3]).plays) == len(rows)


def test_bad_clock_at_is_config_error() -> None:
    with pytest.raises(ConfigError):
        load_pbp(FIXTURES / "cfbd_plays_v1.json", clock_at="start")  # type: ignore[arg-type]


def test_missing_file_is_pbp_error(tmp_path: Path) -> None:
    with pytest.raises(PbpError, match="cannot read"):
        load_pbp(tmp_path / "absent.json")
    with pytest.raises(PbpError, match="cannot read"):
        load_pbp(tmp_path)  # a directory
