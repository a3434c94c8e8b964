"""The four play-by-play exports of the tiny broadcast."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

from cutups_testkit import GeneratedBroadcast, simulate
from cutups_testkit.rowids import folded_extra_points, jittered_clocks
from cutups_testkit.spec import BroadcastSpec


def _spec(tiny: GeneratedBroadcast) -> BroadcastSpec:
    return BroadcastSpec.from_dict(tiny.truth.spec)


def test_cfbd_v1_rows(tiny: GeneratedBroadcast) -> None:
    spec = _spec(tiny)
    game = simulate(spec.game)
    folded = folded_extra_points(game, spec.fold_extra_points)
    rows = json.loads(tiny.pbp["cfbd_json"].read_text())
    ids = [r["id"] for r in rows]
    assert ids != sorted(ids), "rows must come unsorted, like the real API"
    rows.sort(key=lambda r: r["id"])
    listed = [r for r in game.rows if r.seq not in folded]
    assert len(rows) == len(listed)
    assert [r["play_type"] for r in rows] == [r.play_type for r in listed]
    types = {r["play_type"] for r in rows}
    assert {"Timeout", "End Period", "End of Half", "End of Game"} & types
    assert any(r.kind == "presnap_penalty" for r in game.rows) or "Penalty" in types
    for key in ("drive_id", "offense_conference", "yard_line", "wallclock", "ppa", "clock"):
        assert key in rows[0]
    assert all(r["game_id"] == tiny.truth.game_id for r in rows)


def test_clocks_are_end_of_play(tiny: GeneratedBroadcast) -> None:
    spec = _spec(tiny)
    game = simulate(spec.game)
    jitter = jittered_clocks(game, spec.pbp_clock_jitter)
    rows = {r["id"]: r for r in json.loads(tiny.pbp["cfbd_json"].read_text())}
    checked = 0
    for p in tiny.truth.plays:
        if not p.listed:
            assert p.play_id not in rows and p.folded_into in rows
            continue
        r = rows[p.play_id]
        listed = r["clock"]["minutes"] * 60 + r["clock"]["seconds"]
        seq = (p.play_id % 10**7) // 100 - 1  # ids encode the row's sequence number
        assert game.rows[seq].text == p.text
        assert listed == math.floor(p.clock_at_end + 1e-9) + jitter.get(seq, 0)
        checked += 1
    assert checked >= 2


def test_v2_csv_and_espn_parse(tiny: GeneratedBroadcast) -> None:
    v1 = json.loads(tiny.pbp["cfbd_json"].read_text())
    v2 = json.loads(tiny.pbp["cfbd_v2_json"].read_text())
    assert len(v1) == len(v2)
    assert {"driveId", "yardsToGoal", "playType", "playText", "offenseTimeouts"} <= set(v2[0])
    with open(tiny.pbp["cfbd_csv"], newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(v1)
    assert rows[0]["clock"].count(":") == 1
    espn = json.loads(tiny.pbp["espn_json"].read_text())
    assert espn["header"]["id"] == str(tiny.truth.game_id)
    comps = espn["header"]["competitions"][0]["competitors"]
    assert {c["homeAway"] for c in comps} == {"home", "away"}
    plays = [p for d in espn["drives"]["previous"] for p in d["plays"]]
    assert len(plays) == len(v1)
    seqs = [int(p["sequenceNumber"]) for p in plays]
    assert seqs == sorted(seqs)
    assert {"type", "clock", "start", "end", "statYardage", "wallclock"} <= set(plays[0])


def test_wallclock_modes(tmp_path: Path) -> None:
    from dataclasses import replace

    from cutups_testkit import presets
    from cutups_testkit.broadcast import plan_broadcast
    from cutups_testkit.pbp_export import export_pbp

    base = presets.tiny()
    game = simulate(base.game)
    seen = {}
    for mode in ("real", "absent", "placeholder", "off_by_day"):
        spec = replace(base, wallclock=mode)
        d = tmp_path / mode
        d.mkdir()
        rows = json.loads(
            export_pbp(game, plan_broadcast(game, spec), spec, d)["cfbd_json"].read_text()
        )
        seen[mode] = sorted(rows, key=lambda r: r["id"])
    real = [r["wallclock"] for r in seen["real"]]
    assert real == sorted(real) and len(set(real)) > len(real) // 2
    assert all(r["wallclock"] is None for r in seen["absent"])
    assert len({r["wallclock"] for r in seen["placeholder"]}) == 1
    off = [r["wallclock"] for r in seen["off_by_day"]]
    assert off[0][:10] < real[0][:10] and off[0][10:] == real[0][10:]
