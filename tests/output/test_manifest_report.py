from __future__ import annotations

import json
from pathlib import Path

from cutups.output.manifest import build_manifest, clip_entry, write_json_atomic
from cutups.output.report import render_report
from cutups.timeline import ClipPlan, PlayFacts, Timeline


def _timeline() -> Timeline:
    clips = (
        ClipPlan(
            id="clip_0",
            start=1,
            end=9,
            snap=3,
            end_of_play=7,
            bucket="team_offense",
            score=90,
            facts=PlayFacts(
                period=1,
                clock="14:22",
                down=1,
                distance=10,
                play_type="Rush",
                text="<b>run</b> for 4",
            ),
        ),
        ClipPlan(id="clip_1", start=20, end=30, snap=22, end_of_play=28, bucket="special_teams"),
        ClipPlan(id="clip_2", start=40, end=50, snap=42, end_of_play=48, bucket=None),
    )
    return Timeline(recipe="plays", source="g.mp4", duration=60, clips=clips, meta={"k": 1})


def test_manifest_has_the_seed_shape_and_groups_buckets() -> None:
    t = _timeline()
    entries = [clip_entry(c) for c in reversed(t.clips)]
    m = build_manifest(t, entries, job_id="j1", source_url="g.mp4", complete=True)
    assert [c["id"] for c in m["clips"]] == ["clip_0", "clip_1", "clip_2"]  # time order
    first = m["clips"][0]
    for key in ("id", "start", "end", "duration", "file", "thumb", "bucket", "score"):
        assert key in first
    assert first["file"] == "clips/clip_0.mp4" and first["thumb"] == "thumbs/clip_0.jpg"
    assert first["period"] == 1 and first["down"] == 1 and first["play_type"] == "Rush"
    assert m["bucket_counts"] == {
        "team_offense": 1,
        "opp_offense": 0,
        "special_teams": 1,
        "unassigned": 1,
    }
    assert m["buckets"]["special_teams"][0]["id"] == "clip_1"
    assert m["detector_meta"] == {"k": 1}


def test_partial_manifest_says_incomplete_and_has_no_archive() -> None:
    t = _timeline()
    m = build_manifest(t, [clip_entry(t.clips[0])], job_id="j", source_url="", complete=False)
    assert m["complete"] is False and m["archive"] is None and m["clips_planned"] == 3


def test_atomic_write_leaves_no_temp_files(tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    write_json_atomic(path, {"a": 1})
    write_json_atomic(path, {"a": 2})
    assert json.loads(path.read_text()) == {"a": 2}
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"]


def test_report_is_self_contained_and_escapes_text(tmp_path: Path) -> None:
    t = _timeline()
    (tmp_path / "thumbs").mkdir()
    (tmp_path / "thumbs" / "clip_0.jpg").write_bytes(b"\xff\xd8jpegbytes")
    m = build_manifest(
        t, [clip_entry(c) for c in t.clips], job_id="j", source_url="g.mp4", complete=True
    )
    page = render_report(m, tmp_path)
    assert page.count("<article") == 3
    assert 'src="clips/clip_1.mp4"' in page
    assert "data:image/jpeg;base64," in page
    assert "<b>run</b>" not in page and "&lt;b&gt;run&lt;/b&gt;" in page
    assert "Q1 14:22 · 1st &amp; 10 · Rush" in page
    assert "Play at 0:22" in page  # clip_1: no play-by-play, its snap in the video
    assert "http://" not in page and "https://" not in page  # nothing fetched from the network


def test_report_of_a_manifest_without_summaries_formats_the_same_line(tmp_path: Path) -> None:
    t = _timeline()
    entries = [clip_entry(c) for c in t.clips]
    assert [e["summary"] for e in entries] == [c.summary for c in t.clips]
    old = [{k: v for k, v in e.items() if k != "summary"} for e in entries]
    m = build_manifest(t, old, job_id="j", source_url="g.mp4", complete=True)
    assert render_report(m, tmp_path) == render_report(
        build_manifest(t, entries, job_id="j", source_url="g.mp4", complete=True), tmp_path
    )
