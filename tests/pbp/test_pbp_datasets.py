"""Extra checks on the real third-party feeds in ``../shared/datasets``, when that folder exists.

Nothing here is copied into the repository; the tests skip when the data is absent. Set
``CUTUPS_SHARED_DATASETS`` to point elsewhere.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest

from cutups.pbp import Game, PlayKind, bucket_for, load_pbp, match_team


def _datasets() -> Path:
    configured = os.environ.get("CUTUPS_SHARED_DATASETS")
    if configured:
        return Path(configured)
    return Path(__file__).parents[2] / ".." / "shared" / "datasets"


DATASETS = _datasets()
CSV_FILES = sorted((DATASETS / "cfbd-plays").glob("*.csv")) if DATASETS.is_dir() else []
ESPN_FILES = sorted((DATASETS / "espn-summary").glob("*.json")) if DATASETS.is_dir() else []

pytestmark = pytest.mark.skipif(
    not (CSV_FILES or ESPN_FILES), reason=f"no real datasets at {DATASETS}"
)


def _ids(files: list[Path]) -> list[str]:
    return [f.stem for f in files]


@pytest.fixture(params=CSV_FILES + ESPN_FILES, ids=_ids(CSV_FILES + ESPN_FILES))
def real_game(request: pytest.FixtureRequest) -> Game:
    path: Path = request.param
    return load_pbp(path)


def test_parses_with_two_teams(real_game: Game) -> None:
    assert real_game.game_id
    assert real_game.home.name != real_game.away.name
    offenses = {p.offense for p in real_game.plays}
    assert offenses == {real_game.home.name, real_game.away.name}


def test_clocks_never_increase_within_a_period(real_game: Game) -> None:
    for a, b in zip(real_game.plays, real_game.plays[1:], strict=False):
        if a.period != b.period or a.overtime or a.clock is None or b.clock is None:
            continue
        assert b.clock <= a.clock, f"{a.period} {a.clock_display} -> {b.clock_display}: {b.text}"


def test_overtime_rows_read_zero(real_game: Game) -> None:
    assert all(p.clock == 0 for p in real_game.plays if p.overtime)


def test_plausible_play_counts(real_game: Game) -> None:
    kinds = Counter(p.kind for p in real_game.plays)
    assert kinds[PlayKind.SNAP] + kinds[PlayKind.KICK] > 100
    assert 8 <= kinds[PlayKind.KICK] <= 45
    assert 3 <= kinds[PlayKind.NOT_A_PLAY] <= 40
    # Every period-end and timeout row is a non-play.
    for play in real_game.plays:
        if play.play_type in ("Timeout", "End Period", "End of Half", "End of Game"):
            assert play.kind is PlayKind.NOT_A_PLAY


def test_kickoffs_name_the_kicking_team_and_bucket_as_special_teams(real_game: Game) -> None:
    team = match_team(real_game.home.name, real_game)
    kickoffs = [p for p in real_game.plays if p.play_type.startswith("Kickoff")]
    assert kickoffs
    assert all(bucket_for(p, team) == "special_teams" for p in kickoffs)
    buckets = Counter(bucket_for(p, team) for p in real_game.plays if p.is_play)
    assert buckets["team_offense"] > 40 and buckets["opp_offense"] > 40


@pytest.mark.parametrize("path", CSV_FILES, ids=_ids(CSV_FILES))
def test_csv_dumps_have_unknown_home_away(path: Path) -> None:
    game = load_pbp(path)
    assert game.source == "cfbd_csv" and not game.home_away_known


def test_wallclock_verdicts() -> None:
    verdicts = {p.stem: load_pbp(p).wallclock_usable for p in CSV_FILES + ESPN_FILES}
    # 401628347's stamps are mostly stale repeats; every other game's are usable (one ESPN
    # game needs its one-day slip mended first).
    expected = {stem: stem != "401628347" for stem in verdicts}
    assert verdicts == expected
