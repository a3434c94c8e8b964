"""The CLI's contract: exit 2 with one line for bad input, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cutups.cli import main
from cutups.recipes.windows import WindowOptions


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def _make_mp4(path: Path, seconds: int = 3) -> Path:
    subprocess.run(
        [
            "ffmpeg",
            "-nostdin",
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"testsrc2=size=320x180:rate=30000/1001:duration={seconds}",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=440:duration={seconds}",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-c:a",
            "aac",
            "-shortest",
            str(path),
        ],
        check=True,
    )
    return path


@pytest.fixture(scope="module")
def bad_inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("bad")
    good = _make_mp4(root / "good.mp4")
    truncated = root / "truncated.mp4"
    data = good.read_bytes()
    truncated.write_bytes(data[: len(data) * 6 // 10])
    empty = root / "empty.mp4"
    empty.write_bytes(b"")
    text = root / "notes.mp4"
    text.write_text("this is not a video\n" * 50)
    return {"truncated": truncated, "empty": empty, "text": text, "missing": root / "nope.mp4"}


@pytest.mark.parametrize("kind", ["missing", "empty", "text", "truncated"])
def test_bad_video_exits_2_with_one_line(
    kind: str, bad_inputs: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(["run", str(bad_inputs[kind]), "--out", str(tmp_path / "o")], capsys)
    assert code == 2
    lines = [ln for ln in err.strip().splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("cutups: error:"), err
    assert "Traceback" not in err


def test_bad_option_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["run", "x.mp4", "--out", "o", "--pre", "-3"])
    assert exc.value.code == 2


def test_missing_pbp_file_is_input_error(
    bad_inputs: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    video = _make_mp4(tmp_path / "v.mp4", 1)
    code, _, err = _run(
        ["run", str(video), "--out", str(tmp_path / "o"), "--pbp", str(tmp_path / "none.json")],
        capsys,
    )
    assert code == 2 and "play-by-play" in err


def test_help_teaches_with_examples() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "cutups.cli", "--help"], capture_output=True, text=True, check=True
    )
    assert "examples:" in proc.stdout and "cutups run game.mp4" in proc.stdout


def test_no_command_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run([], capsys)
    assert code == 2 and "COMMAND" in out


def test_padding_chosen_by_the_user_moves_half_a_second_at_most(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from cutups.cli import _build_parser
    from cutups.recipes.flags import option_values
    from cutups.recipes.plays_recipe import PlaysOptions
    from cutups.recipes.windows import DEFAULT_POST_SLACK, DEFAULT_PRE_SLACK, EXPLICIT_SLACK
    from cutups.settings import Settings

    for name in ("PLAY_PRE_PAD_SEC", "PLAY_POST_PAD_SEC", "CUTUPS_PLAY_PRE_PAD_SEC"):
        monkeypatch.delenv(name, raising=False)
    parse = _build_parser().parse_args

    def windows(argv: list[str]) -> WindowOptions:
        options = PlaysOptions(**option_values(parse(argv), PlaysOptions))
        return options.params(Settings()).windows

    default = windows(["run", "x.mp4", "--out", "o"])
    assert (default.pre_slack, default.post_slack) == (DEFAULT_PRE_SLACK, DEFAULT_POST_SLACK)
    flagged = windows(["run", "x.mp4", "--out", "o", "--pre", "5"])
    assert flagged.pre == 5.0 and flagged.pre_slack == EXPLICIT_SLACK
    assert flagged.post_slack == DEFAULT_POST_SLACK
    monkeypatch.setenv("PLAY_POST_PAD_SEC", "3")
    from_env = windows(["run", "x.mp4", "--out", "o"])
    assert from_env.post == 3.0 and from_env.post_slack == EXPLICIT_SLACK


def test_zero_clips_is_a_warning_not_silence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    video = _make_mp4(tmp_path / "testcard.mp4", 8)
    code, out, err = _run(["run", str(video), "--out", str(tmp_path / "o")], capsys)
    assert code == 0 and out.startswith("0 clips in")
    assert "warning: no scorebug was found in the video: plays were found from the field" in err
    assert "warning: no plays were found: the job produced no clips" in err
    manifest = json.loads((tmp_path / "o" / "manifest.json").read_text())
    assert [w["code"] for w in manifest["warnings"]] == ["no_scorebug", "little_field", "no_clips"]
    assert "the playing field was recognised in only 0% of the video" in err
