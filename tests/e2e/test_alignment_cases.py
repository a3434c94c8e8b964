"""Play-by-play alignment on generated broadcasts: a recording spanning halftime that starts late
and ends early, with listed clocks a few seconds off, and play-by-play of another game."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from cutups.cli import main
from cutups.evaluate import evaluate
from cutups.pipeline import PlaysJob, run_plays
from cutups.recipes.plays_recipe import PlaysOptions
from cutups.settings import Settings
from cutups_testkit import (
    LOOKS,
    TEAMS,
    BroadcastSpec,
    GameSpec,
    GeneratedBroadcast,
    generate_cached,
    plan,
)


def _halftime_spec() -> BroadcastSpec:
    base = BroadcastSpec(
        game=GameSpec(seed=5, home=TEAMS["MICH"], away=TEAMS["TEX"], quarter_seconds=150),
        look=LOOKS["team_topright_480p30_shortgop"],
        commercial_scale=0.05,
        halftime_seconds=30.0,
        replay_rate=0.3,
        pregame_seconds=3.0,
        pbp_clock_jitter=4,
    )
    _, _, whole = plan(base)
    q2 = [p for p in whole.plays if p.period == 2]
    q3 = [p for p in whole.plays if p.period == 3]
    # Start late (four plays before halftime) and end early (four plays into the third quarter).
    start = max(0.0, q2[-4].snap - 12.0)
    end = q3[3].whistle + 8.0
    return dataclasses.replace(base, start_at=round(start, 3), end_at=round(end, 3))


@pytest.fixture(scope="module")
def halftime(render_cache: Path) -> GeneratedBroadcast:
    return generate_cached(_halftime_spec(), render_cache)


@pytest.mark.parametrize("shape", ["cfbd_json", "espn_json"])
def test_recording_across_halftime_late_start_early_end(
    halftime: GeneratedBroadcast, shape: str, settings: Settings, tmp_path: Path
) -> None:
    truth = halftime.truth
    assert {p.period for p in truth.plays} == {2, 3}
    job = PlaysJob(
        source=halftime.video,
        out_dir=tmp_path / "out",
        pbp=Path(halftime.pbp[shape]),
        options=PlaysOptions(team="MICH"),
    )
    manifest = run_plays(job, settings).manifest
    report = evaluate(truth, manifest["clips"], team="Michigan")
    assert report.recall == 1.0, report.lines()
    assert report.precision == 1.0, report.lines()
    assert report.bucket_accuracy == 1.0
    accounting = manifest["pbp_accounting"]
    outside = {r["period"] for r in accounting if r["status"] == "outside_recording"}
    assert {1, 4} <= outside  # the quarters the recording never shows
    matched = [r for r in accounting if r["status"] == "matched"]
    assert {r["period"] for r in matched} == {2, 3}
    assert all(c["listed"] is not None for c in manifest["clips"])


def test_play_by_play_of_another_game_is_refused(
    tiny: GeneratedBroadcast,
    halftime: GeneratedBroadcast,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(
        [
            "run",
            str(halftime.video),
            "--out",
            str(tmp_path / "o"),
            "--pbp",
            str(tiny.pbp["cfbd_json"]),
            "--team",
            "Michigan",
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and "does not match this video" in err
    assert (
        not (tmp_path / "o" / "manifest.json").exists()
        or json.loads((tmp_path / "o" / "manifest.json").read_text())["clips"] == []
    )
