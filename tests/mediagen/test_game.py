"""Game simulation: clock, scores, downs, play mix, overtime."""

from __future__ import annotations

import collections
import itertools

import pytest

from cutups_testkit import GameSpec, simulate
from cutups_testkit.game import TICK, SimGame

SEEDS = (0, 1, 2, 3, 4)


@pytest.fixture(scope="module")
def games() -> list[SimGame]:
    return [simulate(GameSpec(seed=s, overtime=True)) for s in SEEDS]


def test_clock_never_increases_within_a_period(games: list[SimGame]) -> None:
    for g in games:
        last: dict[int, float] = {}
        for r in g.rows:
            assert r.clock_end <= r.clock_start
            if r.period in last:
                assert r.clock_start <= last[r.period] + 1e-9
            last[r.period] = float(r.clock_end)
            if r.period >= 5:
                assert r.clock_start == 0
        for ph in g.phases:
            assert ph.end > ph.start
            if ph.running:
                assert ph.period <= 4


def test_phases_are_contiguous_and_match_rows(games: list[SimGame]) -> None:
    for g in games:
        for a, b in zip(g.phases, g.phases[1:], strict=False):
            assert a.end == b.start
            if a.period == b.period:
                assert abs(a.clock_at(a.end) - b.clock_start) < TICK
        for r in g.rows:
            if r.kind == "play":
                assert g.phase_at(r.t_snap).clock_at(r.t_snap) == r.clock_start
                ph = g.phase_at(r.t_whistle - 1)
                assert ph.clock_at(r.t_whistle) == r.clock_end


def test_scores_add_up(games: list[SimGame]) -> None:
    pts = {
        "Passing Touchdown": 6,
        "Rushing Touchdown": 6,
        "Field Goal Good": 3,
        "Extra Point Good": 1,
    }
    for g in games:
        home = away = 0
        for r in g.rows:
            assert (r.home_before, r.away_before) == (home, away)
            p = pts.get(r.play_type, 0)
            if r.offense_home:
                home += p
            else:
                away += p
            assert (r.home_after, r.away_after) == (home, away)
        if g.spec.overtime:
            assert home != away


def test_downs_reset_after_first_downs(games: list[SimGame]) -> None:
    for g in games:
        scrim = [r for r in g.rows if r.kind == "play" and not r.special_teams]
        for a, b in itertools.pairwise(scrim):
            assert 1 <= b.down <= 4
            fouls = [r for r in g.rows[a.seq + 1 : b.seq] if r.kind == "presnap_penalty"]
            if (
                a.offense_home != b.offense_home
                or a.play_type == "Penalty"
                or fouls
                or a.period != b.period
            ):
                continue
            if a.play_type in ("Rush", "Pass Reception") and a.yards_gained >= a.distance:
                assert (b.down, b.distance) == (1, min(10, b.yards_to_goal)), (a, b)
            elif (
                a.play_type in ("Rush", "Pass Reception", "Pass Incompletion", "Sack")
                and a.down < 4
            ):
                assert b.down == a.down + 1
                assert b.distance == a.distance - a.yards_gained


def test_play_mix_is_realistic(games: list[SimGame]) -> None:
    c: collections.Counter[str] = collections.Counter()
    for g in games:
        c.update(r.play_type for r in g.rows)
    total = sum(c.values())
    rush = (c["Rush"] + c["Rushing Touchdown"]) / total
    passes = (
        sum(
            c[k]
            for k in (
                "Pass Reception",
                "Pass Incompletion",
                "Passing Touchdown",
                "Sack",
                "Pass Interception Return",
            )
        )
        / total
    )
    assert 0.33 <= rush <= 0.52, rush
    assert 0.28 <= passes <= 0.45, passes
    for k in ("Punt", "Kickoff", "Timeout", "Penalty", "End Period", "End of Half"):
        assert c[k] > 0, k
    per_game = total / len(games)
    assert 140 <= per_game <= 230, per_game


def test_running_gaps_are_play_clock_bounded(games: list[SimGame]) -> None:
    for g in games:
        plays = [r for r in g.rows if r.kind == "play"]
        for a, b in itertools.pairwise(plays):
            if a.period != b.period or b.seq != a.seq + 1:
                continue
            gap = float((b.t_snap - a.t_whistle) * TICK)
            ran = float(a.clock_end - b.clock_start)
            if a.stop is None and ran > 0:  # the clock kept running: play clock bounds the gap
                assert 8 <= gap <= 44, (a, b, gap)


def test_a_play_outlives_the_clock_running_out() -> None:
    """The ball stays live after 0:00: a play snapped with a second left lasts its full length."""
    crossed = []
    for seed in range(12):
        g = simulate(GameSpec(seed=seed, quarter_seconds=120))
        for r in g.rows:
            if r.kind != "play" or r.t_whistle == r.t_snap:
                continue
            live = float((r.t_whistle - r.t_snap) * TICK)
            assert live >= 1.0, (seed, r.play_type, live)
            if r.clock_end == 0 and r.clock_start > 0 and float(r.clock_start) < live:
                crossed.append(live)
    assert len(crossed) >= 3, crossed


def test_deterministic() -> None:
    assert simulate(GameSpec(seed=7)) == simulate(GameSpec(seed=7))
    assert simulate(GameSpec(seed=7)) != simulate(GameSpec(seed=8))


def test_overtime_rows_list_no_clock() -> None:
    for seed in range(60):
        g = simulate(GameSpec(seed=seed, quarter_seconds=120, overtime=True))
        ot = [r for r in g.rows if r.period >= 5]
        if ot:
            assert all(r.clock_start == 0 and r.clock_end == 0 for r in ot)
            assert g.rows[-1].home_after != g.rows[-1].away_after
            assert any(r.play_type == "End of Regulation" for r in g.rows)
            return
    pytest.fail("no overtime game in 60 seeds of short games")
