"""The plays job end to end on a generated broadcast: the output folder's promises."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import av
import numpy as np
import pytest

from cutups.cli import main
from cutups.evaluate import evaluate
from cutups.media.probe import probe
from cutups.output.render import RenderResult
from cutups_testkit import GeneratedBroadcast


def _frame_at(path: Path, t: float) -> np.ndarray:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        for frame in container.decode(stream):
            if frame.time is not None and frame.time >= t - 1e-3:
                return frame.to_ndarray(format="gray").astype(np.int16)
    raise AssertionError(f"no frame at {t}")


def test_output_folder_is_complete(tiny_job: RenderResult) -> None:
    out = tiny_job.out_dir
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["complete"] is True and manifest["clips"]
    assert manifest["warnings"] == []  # a green field, a bug, its clock: nothing to warn of
    for clip in manifest["clips"]:
        assert (out / clip["file"]).exists() and (out / clip["thumb"]).exists()
    assert (out / "reel.mp4").exists() and (out / "report.html").exists()
    html = (out / "report.html").read_text()
    assert all(f'src="{c["file"]}"' in html for c in manifest["clips"])


def test_clip_durations_and_first_frames_match_the_manifest(
    tiny: GeneratedBroadcast, tiny_job: RenderResult
) -> None:
    manifest = tiny_job.manifest
    source = probe(tiny.video)
    fps = float(source.video.frame_rate)
    for clip in manifest["clips"]:
        path = tiny_job.out_dir / clip["file"]
        info = probe(path)
        assert info.duration == pytest.approx(clip["end"] - clip["start"], abs=0.1)
        first = _frame_at(path, 0.0)
        # The clip's first frame is the source frame at its start (to the frame grid).
        start_frame = round(clip["start"] * fps) / fps
        assert np.abs(first - _frame_at(tiny.video, start_frame)).mean() < 3.0


def test_reel_lasts_the_sum_of_the_clips_and_has_a_chapter_each(tiny_job: RenderResult) -> None:
    clips = tiny_job.manifest["clips"]
    reel = probe(tiny_job.out_dir / "reel.mp4")
    assert reel.duration == pytest.approx(sum(c["duration"] for c in clips), abs=0.1)
    with av.open(str(tiny_job.out_dir / "reel.mp4")) as container:
        assert len(container.chapters()) == len(clips)


def test_zip_holds_manifest_and_every_clip(tiny_job: RenderResult) -> None:
    with zipfile.ZipFile(tiny_job.out_dir / "job.zip") as archive:
        names = set(archive.namelist())
    assert "manifest.json" in names
    assert {c["file"] for c in tiny_job.manifest["clips"]} <= names


def test_every_play_found_with_facts_and_buckets(
    tiny: GeneratedBroadcast, tiny_job: RenderResult
) -> None:
    manifest = tiny_job.manifest
    report = evaluate(tiny.truth, manifest["clips"], team=tiny.truth.home.name)
    assert report.recall == 1.0 and report.precision == 1.0
    assert report.covered == report.matched
    assert report.bucket_accuracy == 1.0
    for clip in manifest["clips"]:
        assert clip["listed"] is True and clip["period"] and clip["play_type"]
    statuses = {row["status"] for row in manifest["pbp_accounting"]}
    assert statuses <= {"matched", "not_a_play", "outside_recording", "unmatched"}
    matched = [r for r in manifest["pbp_accounting"] if r["status"] == "matched"]
    assert len(matched) == len(tiny.truth.plays)


def test_eval_cli_prints_recall_and_precision(
    tiny: GeneratedBroadcast, tiny_job: RenderResult, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["eval", str(tiny.truth_path), str(tiny_job.manifest_path), "--team", tiny.truth.home.abbr]
    )
    out = capsys.readouterr().out
    assert code == 0 and "recall      100.0%" in out and "precision   100.0%" in out
