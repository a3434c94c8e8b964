"""``cutups-testkit``: generate and list samples; ``cutups eval`` reads the truth it writes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cutups.cli import main as cutups_main
from cutups_testkit import LOOKS, GeneratedBroadcast, plan, presets
from cutups_testkit.cli import main, preset_spec


def test_generate_into_a_cache_reuses_the_render(
    broadcast: GeneratedBroadcast, capsys: pytest.CaptureFixture[str]
) -> None:
    cache_root = broadcast.video.parent.parent  # conftest's generate_cached root
    assert main(["generate", str(cache_root), "--preset", "tiny", "--cache"]) == 0
    out = capsys.readouterr().out
    assert f"video: {broadcast.video}" in out
    assert f"truth: {broadcast.truth_path}" in out
    assert f"plays: {len(broadcast.truth.plays)}" in out


def test_presets_and_looks() -> None:
    assert preset_spec("tiny", None, 1, 10) == presets.tiny()
    demo_720 = preset_spec("demo", "team_topcenter_720p30", 1, 10)
    assert demo_720.look == LOOKS["team_topcenter_720p30"]
    assert demo_720.game == presets.demo().game
    assert preset_spec("minutes", None, 3, 5).end_at == 300.0


def test_looks_and_bad_look(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["looks"]) == 0
    assert capsys.readouterr().out.split() == list(LOOKS)
    with pytest.raises(SystemExit) as exc:
        main(["generate", "out", "--look", "no_such_look"])
    assert exc.value.code == 2


def test_module_and_help() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "cutups_testkit", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "cutups-testkit demo" in proc.stdout and "generate" in proc.stdout


def test_cutups_eval_scores_against_the_generators_truth(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    truth = plan(presets.tiny())[2]  # no rendering: the truth alone
    truth_path = tmp_path / "truth.json"
    truth.save(truth_path)
    first, replay = truth.plays[0], truth.replays[0]
    clips = [  # one clip on the first play, one inside the replay
        {"id": "a", "snap": first.snap + 0.1, "end_of_play": first.whistle},
        {"id": "b", "snap": replay.start + 1.0, "end_of_play": replay.end - 0.5},
    ]
    for clip in clips:
        clip["start"], clip["end"] = clip["snap"] - 1.0, clip["end_of_play"] + 1.0
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"clips": clips}))
    assert cutups_main(["eval", str(truth_path), str(manifest), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["matched"], report["plays"], report["clips"]) == (1, len(truth.plays), 2)
    assert report["false_in_replay_or_ad"] == 1 and report["extra"] == ["b"]


def test_cutups_eval_refuses_a_manifest_as_truth(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"clips": []}))
    assert cutups_main(["eval", str(manifest), str(manifest)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "is not a Cutups truth file" in err[0]
