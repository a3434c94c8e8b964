"""``cutups export`` and ``cutups playlist``: files on success, exit 2 with one line otherwise."""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio
import pytest

from cutups.cli import main
from cutups.output.exports import FORMATS
from tests.exports.conftest import RenderedJob


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_export_writes_one_format_or_all(
    rendered: RenderedJob, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "game.edl"
    code, out, _ = _run(
        ["export", str(rendered.out), "--format", "edl", "--out", str(target)], capsys
    )
    assert code == 0 and out.strip() == str(target)
    timeline = otio.adapters.read_from_string(
        target.read_text(), "cmx_3600", rate=float(rendered.rate)
    )
    assert len(list(timeline.tracks[0].find_clips())) == len(rendered.plays)

    code, out, _ = _run(
        ["export", str(rendered.out), "--format", "all", "--out", str(tmp_path / "all")], capsys
    )
    assert code == 0
    assert sorted(Path(line).name for line in out.split()) == sorted(
        f.filename for f in FORMATS.values()
    )


def test_playlist_builds_a_folder(
    rendered: RenderedJob, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_dir = tmp_path / "kicks"
    code, out, err = _run(
        ["playlist", str(rendered.out), "--where", "odk = K", "--out", str(out_dir)], capsys
    )
    assert code == 0, err
    assert out.startswith("2 plays, ") and "(copy)" in out
    assert (out_dir / "reel.mp4").is_file() and (out_dir / "breakdown.csv").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export", "{job}", "--format", "avid"], "unknown export format 'avid'; choose one of"),
        (["export", "{tmp}", "--format", "csv"], "is not a finished job's folder"),
        (["playlist", "{job}", "--where", "down >= 3rd", "--out", "{tmp}/p"], "column 9"),
        (["playlist", "{job}", "--where", "odk = D and down = 4", "--out", "{tmp}/p"], "no play"),
        (["playlist", "{job}", "--out", "{tmp}/p"], "--where"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    rendered: RenderedJob,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    argv = [a.format(job=rendered.out, tmp=tmp_path) for a in args]
    try:
        code, _, err = _run(argv, capsys)
    except SystemExit as exc:  # argparse's own errors
        code, err = int(str(exc.code)), capsys.readouterr().err
    assert code == 2
    assert message in err
    assert "Traceback" not in err
    assert (
        err.rstrip("\n").splitlines()[-1].startswith(("cutups: error:", "cutups playlist: error:"))
    )
