"""Every export read back by a real reader lands on the frames its clips hold.

The jobs' sources are barcode videos (frame N shows N), so the truth is read from the clips
themselves: a play's first source frame is the code of its clip's first frame.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio
import pytest

from cutups.errors import ConfigError
from cutups.media.ffmpeg import run
from cutups.media.probe import probe
from cutups.output.exports import FORMATS, ExportJob, export_format, load_export_job
from cutups.output.exports.breakdown import COLUMNS
from cutups.output.exports.timecode import frame_at, from_timecode
from tests.exports.conftest import TEAM, RenderedJob, frames_in


def _job(rendered: RenderedJob) -> ExportJob:
    return load_export_job(rendered.out)


def _manifest(rendered: RenderedJob) -> dict[str, object]:
    data = json.loads((rendered.out / "manifest.json").read_text())
    assert isinstance(data, dict)
    return data


def test_plays_sit_on_the_frames_their_clips_hold(rendered: RenderedJob) -> None:
    job = _job(rendered)
    assert job.fps == rendered.rate
    for play, planned in zip(job.plays, rendered.plays, strict=True):
        shown = frames_in(rendered.out / play.file)
        assert (play.first_frame, play.frames) == (shown[0], len(shown))
        assert shown == list(range(planned.first, planned.end))
        assert play.snap_frame == planned.snap


def test_otio_reads_back_the_same_cuts(rendered: RenderedJob) -> None:
    job = _job(rendered)
    timeline = otio.adapters.read_from_string(FORMATS["otio"].render(job), "otio_json")
    video, audio = timeline.tracks
    assert (video.kind, audio.kind) == ("Video", "Audio")
    record = 0
    for clip, play in zip(video.find_clips(), job.plays, strict=True):
        shown = frames_in(rendered.out / play.file)
        rng = clip.source_range
        assert rng.start_time.rate == pytest.approx(float(rendered.rate))
        assert (rng.start_time.value, rng.duration.value) == (shown[0], len(shown))
        assert clip.media_reference.target_url == rendered.source.resolve().as_uri()
        assert clip.metadata["cutups"]["id"] == play.clip.id
        (marker,) = clip.markers
        assert marker.marked_range.start_time.value == play.snap_frame
        assert video.range_of_child(clip).start_time.value == record  # back to back
        record += len(shown)
    assert [c.source_range for c in audio.find_clips()] == [
        c.source_range for c in video.find_clips()
    ]


def test_edl_cut_points_are_the_clips_frames(rendered: RenderedJob) -> None:
    job = _job(rendered)
    text = FORMATS["edl"].render(job)
    drop = rendered.rate == Fraction(30000, 1001)
    assert ("FCM: DROP FRAME" if drop else "FCM: NON-DROP FRAME") in text
    # The real reader: OpenTimelineIO's CMX 3600 adapter.
    timeline = otio.adapters.read_from_string(text, "cmx_3600", rate=float(rendered.rate))
    assert [t.name for t in timeline.tracks] == ["V", "A1", "A2"]
    clips = list(timeline.tracks[0].find_clips())
    assert len(clips) == len(job.plays)
    for clip, play in zip(clips, job.plays, strict=True):
        shown = frames_in(rendered.out / play.file)
        rng = clip.source_range
        assert round(rng.start_time.value) == shown[0]
        assert round(rng.duration.value) == len(shown)
        assert clip.name == rendered.source.name
        assert clip.media_reference.target_url == rendered.source.resolve().as_uri()
        comments = " ".join(clip.metadata["cmx_3600"]["comments"])
        assert f"DN {play.facts.down}" in comments if play.facts.down else True
    # Locators, read strictly: the adapter only matches colon-separated LOC timecodes, so
    # drop-frame ones (';', as OTIO itself writes them) are checked here.
    locs = re.findall(r"^\* LOC: (\S+) (\w+)\s+(.*)$", text, flags=re.MULTILINE)
    assert [from_timecode(tc, rendered.rate) for tc, _, _ in locs] == [
        p.snap_frame for p in job.plays
    ]
    assert [colour for _, colour, _ in locs] == ["BLUE", "BLUE", "RED", "BLUE", "YELLOW", "YELLOW"]
    if not drop:  # where the adapter does read them, its markers agree
        markers = [m.marked_range.start_time.value for c in clips for m in c.markers]
        assert markers == [p.snap_frame for p in job.plays]
    # The record side starts at 01:00:00:00 and is the reel.
    events = re.findall(r"^\d{3}\s+AX\s+AA/V\s+C\s+(\S+) (\S+) (\S+) (\S+)$", text, re.MULTILINE)
    record = [
        (from_timecode(a, rendered.rate), from_timecode(b, rendered.rate)) for *_, a, b in events
    ]
    start = from_timecode("01:00:00;00" if drop else "01:00:00:00", rendered.rate)
    lengths = [p.frames for p in job.plays]
    assert record[0][0] == start and all(
        b - a == n for (a, b), n in zip(record, lengths, strict=True)
    )


def _fraction(text: str) -> Fraction:
    assert text.endswith("s"), text
    return Fraction(text[:-1])


def test_fcpxml_cut_points_are_the_clips_frames(rendered: RenderedJob) -> None:
    job = _job(rendered)
    text = FORMATS["fcpxml"].render(job)
    root = ET.fromstring(text)
    frame = _fraction(root.find("resources/format").get("frameDuration"))  # type: ignore[union-attr]
    assert frame == 1 / rendered.rate
    sequence = root.find("library/event/project/sequence")
    assert sequence is not None
    assert sequence.get("tcFormat") == ("DF" if rendered.rate.denominator == 1001 else "NDF")
    clips = sequence.findall("spine/asset-clip")
    offset = Fraction(0)
    for element, play in zip(clips, job.plays, strict=True):
        shown = frames_in(rendered.out / play.file)
        start, duration = (
            _fraction(element.get("start", "")),
            _fraction(element.get("duration", "")),
        )
        # Strictly: every time is a whole number of frames, and those are the clip's.
        assert (start / frame, duration / frame) == (shown[0], len(shown))
        assert _fraction(element.get("offset", "")) == offset
        marker = element.find("marker")
        assert marker is not None and _fraction(marker.get("start", "")) / frame == play.snap_frame
        offset += duration
    # The real reader: OpenTimelineIO's FCP X XML adapter. It counts frames at the whole-number
    # rate (29 for 29.97) in floating point and truncates (1740/25 s reads as frame 1739), so
    # its times are within one frame; the exact check is the strict reading above.
    collection = otio.adapters.read_from_string(text, "fcpx_xml")
    (timeline,) = list(collection)
    read = list(timeline.tracks[0].find_clips())
    assert [c.name for c in read] == [p.title for p in job.plays]
    tolerance = 1.0001 / int(rendered.rate)
    for clip, play in zip(read, job.plays, strict=True):
        assert clip.media_reference.target_url == rendered.source.resolve().as_uri()
        start = clip.source_range.start_time.to_seconds()
        assert start == pytest.approx(float(play.first_frame / rendered.rate), abs=tolerance)
        assert [m.name for m in clip.markers] == [play.title]


def test_sportscode_xml_parses_back_to_the_plays(rendered: RenderedJob) -> None:
    job = _job(rendered)
    root = ET.fromstring(FORMATS["sportscode"].render(job))
    instances = root.findall("ALL_INSTANCES/instance")
    manifest = _manifest(rendered)
    clips = manifest["clips"]
    assert isinstance(clips, list)
    odk = {"team_offense": "O", "opp_offense": "D", "special_teams": "K"}
    for instance, clip, play in zip(instances, clips, job.plays, strict=True):
        shown = frames_in(rendered.out / play.file)
        start, end = float(instance.findtext("start", "")), float(instance.findtext("end", ""))
        assert (frame_at(start, rendered.rate), frame_at(end, rendered.rate)) == (
            shown[0],
            shown[-1] + 1,
        )
        labels = {
            label.findtext("group"): label.findtext("text") for label in instance.iter("label")
        }
        assert labels["ODK"] == odk[clip["bucket"]]
        assert (
            instance.findtext("code")
            == {"O": "Offense", "D": "Defense", "K": "Special Teams"}[labels["ODK"]]
        )
        assert labels["QTR"] == str(clip["period"])
        assert labels.get("DN") == (str(clip["down"]) if "down" in clip else None)
        assert labels.get("DIST") == (str(clip["distance"]) if "distance" in clip else None)
        assert labels["CLIP"] == clip["file"]
    rows = [row.findtext("code") for row in root.findall("ROWS/row")]
    assert rows == ["Offense", "Defense", "Special Teams"]


def test_breakdown_csv_parses_back_to_the_plays(rendered: RenderedJob) -> None:
    job = _job(rendered)
    text = FORMATS["csv"].render(job)
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert list(rows[0]) == list(COLUMNS)
    clips = _manifest(rendered)["clips"]
    assert isinstance(clips, list)
    for n, (row, clip, play) in enumerate(zip(rows, clips, job.plays, strict=True), start=1):
        shown = frames_in(rendered.out / play.file)
        assert row["PLAY #"] == str(n)
        assert row["CLIP"] == clip["file"]
        assert from_timecode(row["START TC"], rendered.rate) == shown[0]
        assert from_timecode(row["END TC"], rendered.rate) == shown[-1] + 1
        assert row["QTR"] == str(clip["period"])
        assert row["DN"] == str(clip.get("down", ""))
        assert row["GN/LS"] == str(clip.get("yards_gained", ""))
        assert row["OFF TEAM"] == clip["offense"]
        assert float(row["CONFIDENCE"]) == clip["score"]
    by_number = {r["PLAY #"]: r for r in rows}
    assert [by_number[n]["YARD LN"] for n in "1234"] == ["-25", "-29", "40", "45"]
    assert by_number["4"]["RESULT"] == "Complete, Penalty"
    assert by_number["4"]["ODK"] == "O" and by_number["3"]["ODK"] == "D"
    # The chosen team punts; the opponent kicks off to it.
    assert (by_number["5"]["PLAY TYPE"], by_number["6"]["PLAY TYPE"]) == ("Punt", "KO Rec")
    assert job.team == TEAM


def _reel_chapters(reel: Path) -> list[tuple[float, float, str]]:
    out = run(["ffprobe", "-v", "error", "-show_chapters", "-of", "json", str(reel)]).stdout
    return [
        (float(c["start_time"]), float(c["end_time"]), c["tags"]["title"])
        for c in json.loads(out)["chapters"]
    ]


def test_chapters_are_the_reels(rendered: RenderedJob) -> None:
    job = _job(rendered)
    truth = _reel_chapters(rendered.out / "reel.mp4")
    meta = FORMATS["ffmetadata"].render(job)
    blocks = re.findall(r"START=(\d+)\nEND=(\d+)\ntitle=(.*)", meta)
    assert [(int(a) / 1000, int(b) / 1000, t) for a, b, t in blocks] == [
        (pytest.approx(a, abs=0.0015), pytest.approx(b, abs=0.0015), t) for a, b, t in truth
    ]
    vtt = FORMATS["vtt"].render(job)
    assert vtt.startswith("WEBVTT\n")
    cues = re.findall(r"(\d\d):(\d\d):(\d\d)\.(\d{3}) --> (\d\d):(\d\d):(\d\d)\.(\d{3})\n(.+)", vtt)
    seconds = [
        (int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000, title)
        for h, m, s, ms, *_, title in cues
    ]
    assert seconds == [(pytest.approx(a, abs=0.0015), t) for a, _, t in truth]


def test_m3u_lists_every_clip_with_its_length(rendered: RenderedJob) -> None:
    job = _job(rendered)
    lines = FORMATS["m3u"].render(job).splitlines()
    assert lines[0] == "#EXTM3U"
    entries = [
        (lines[i], lines[i + 1]) for i, line in enumerate(lines) if line.startswith("#EXTINF")
    ]
    assert [path for _, path in entries] == [p.file for p in job.plays]
    for info, path in entries:
        seconds = float(info.split(":", 1)[1].split(",", 1)[0])
        assert seconds == pytest.approx(probe(rendered.out / path).video.duration, abs=0.001)


def test_unknown_formats_and_unfinished_jobs_are_refused(
    rendered: RenderedJob, tmp_path: Path
) -> None:
    with pytest.raises(ConfigError, match="unknown export format 'avid'; choose one of: csv"):
        export_format("avid")
    manifest = _manifest(rendered)
    with pytest.raises(ConfigError, match="has not finished"):
        ExportJob.from_manifest({**manifest, "complete": False})
    with pytest.raises(ConfigError, match="not a finished job's folder"):
        load_export_job(tmp_path)


def test_a_job_without_play_by_play_exports_every_format() -> None:
    from cutups.output.manifest import build_manifest, clip_entry
    from cutups.timeline import ClipPlan, Timeline

    clips = [
        ClipPlan(
            id=f"c{n}",
            start=10.0 * n,
            end=10.0 * n + 6,
            snap=10.0 * n + 2,
            end_of_play=10.0 * n + 5,
            score=50.0,
        )
        for n in range(3)
    ]
    timeline = Timeline("plays", "https://example.com/game.mp4", 40.0, tuple(clips))
    manifest = build_manifest(
        timeline,
        [clip_entry(c) for c in clips],
        job_id="j",
        complete=True,
        source_url="https://example.com/game.mp4",
        source_facts={"fps": "60000/1001"},
    )
    job = ExportJob.from_manifest(manifest)
    assert [p.odk for p in job.plays] == [None, None, None]
    for fmt in FORMATS.values():
        assert fmt.render(job), fmt.name
    rows = list(csv.DictReader(io.StringIO(FORMATS["csv"].render(job), newline="")))
    # 10 s is frame 599 at 59.94 fps, 20 s frame 1199: the labels count 60 a second.
    assert [r["START TC"] for r in rows] == ["00:00:00;00", "00:00:09;59", "00:00:19;59"]
    assert {r["ODK"] for r in rows} == {""}
    edl = FORMATS["edl"].render(job)
    assert "* FROM FILE: https://example.com/game.mp4" in edl and "GREEN" in edl
