"""The one-line play summary: formatted once by the engine, and the manifest, the reel's
chapters and ``report.html`` all show that same line."""

from __future__ import annotations

import html
import json
from fractions import Fraction
from pathlib import Path

import pytest

from cutups.media.ffmpeg import run
from cutups.media.probe import probe
from cutups.output.render import render_timeline
from cutups.timeline import ClipPlan, PlayFacts, Timeline, clock_text, play_summary
from tests.media.barcode import make_video


@pytest.mark.parametrize(
    ("facts", "snap", "expected"),
    [
        (
            PlayFacts(
                period=1,
                clock="3:00",
                down=3,
                distance=7,
                yards_to_goal=35,
                offense="Michigan",
                defense="Ohio State",
                play_type="Pass Reception",
            ),
            10.0,
            "Q1 3:00 · 3rd & 7 at Ohio State 35 · Pass Reception",
        ),
        (
            PlayFacts(
                period=2,
                clock="0:41",
                down=1,
                distance=10,
                yards_to_goal=75,
                offense="Michigan",
                play_type="Rush",
            ),
            0.0,
            "Q2 0:41 · 1st & 10 at Michigan 25 · Rush",
        ),
        (PlayFacts(period=4, down=2, distance=5, yards_to_goal=50), 0.0, "Q4 · 2nd & 5 at the 50"),
        (PlayFacts(down=4, distance=2, yards_to_goal=20), 0.0, "4th & 2 at opp 20"),
        (PlayFacts(down=1, distance=10, yards_to_goal=80), 0.0, "1st & 10 at own 20"),
        (
            PlayFacts(period=3, clock="12:10", down=3, distance=4, yards_to_goal=4),
            0.0,
            "Q3 12:10 · 3rd & Goal at opp 4",
        ),
        (PlayFacts(period=5, clock="0:00", down=1, distance=10), 0.0, "OT 0:00 · 1st & 10"),
        (PlayFacts(period=6, play_type="Field Goal Good"), 0.0, "2OT · Field Goal Good"),
        (PlayFacts(period=1, clock="15:00", play_type="Kickoff"), 0.0, "Q1 15:00 · Kickoff"),
        (PlayFacts(down=2), 0.0, "2nd & ?"),
        (PlayFacts(), 75.4, "Play at 1:15"),
        (PlayFacts(), 3725.0, "Play at 1:02:05"),
    ],
)
def test_play_summary(facts: PlayFacts, snap: float, expected: str) -> None:
    assert play_summary(facts, snap) == expected


def test_clip_summary_is_the_formatter() -> None:
    clip = ClipPlan(id="c", start=1, end=5, snap=2.4, end_of_play=4, facts=PlayFacts(period=7))
    assert clip.summary == "3OT" == play_summary(clip.facts, clip.snap)
    assert clock_text(-3) == "0:00" and clock_text(59.5) == "1:00"


def _timeline() -> Timeline:
    facts = [
        PlayFacts(
            period=1,
            clock="14:22",
            down=1,
            distance=10,
            yards_to_goal=75,
            offense="Michigan",
            defense="Ohio State",
            play_type="Rush",
            text="<b>run</b>",
        ),
        PlayFacts(),
        PlayFacts(period=5, clock="0:00", down=3, distance=3, yards_to_goal=3, play_type="Pass"),
    ]
    clips = tuple(
        ClipPlan(
            id=f"clip_{i}",
            start=3.0 * i,
            end=3.0 * i + 2.5,
            snap=3.0 * i + 1,
            end_of_play=3.0 * i + 2,
            bucket="team_offense",
            score=80,
            facts=f,
        )
        for i, f in enumerate(facts)
    )
    return Timeline(recipe="plays", source="g.mp4", duration=10.0, clips=clips)


def test_manifest_chapters_and_report_show_the_same_line(tmp_path: Path) -> None:
    video = make_video(tmp_path / "src.mp4", rate=Fraction(25), frames=250, gop=25)
    timeline = _timeline()
    result = render_timeline(
        timeline, probe(video), tmp_path / "out", job_id="j", source_url="g.mp4", jobs=1
    )
    summaries = [c.summary for c in timeline.clips]
    assert summaries == [
        "Q1 14:22 · 1st & 10 at Michigan 25 · Rush",
        "Play at 0:04",
        "OT 0:00 · 3rd & Goal at opp 3 · Pass",
    ]
    manifest = json.loads(result.manifest_path.read_text())
    assert [c["summary"] for c in manifest["clips"]] == summaries
    probed = run(["ffprobe", "-v", "error", "-show_chapters", "-of", "json", str(result.reel)])
    titles = [c["tags"]["title"] for c in json.loads(probed.stdout)["chapters"]]
    assert titles == [f"{n}. {s}" for n, s in enumerate(summaries, 1)]
    report = result.report.read_text()
    assert all(html.escape(s) in report for s in summaries)
