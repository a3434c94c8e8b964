from __future__ import annotations

from pathlib import Path

from cutups.timeline import ClipPlan, PlayFacts, Timeline


def test_timeline_round_trips_through_json(tmp_path: Path) -> None:
    clip = ClipPlan(
        id="clip_0",
        start=1.0,
        end=9.5,
        snap=3.0,
        end_of_play=7.5,
        bucket="team_offense",
        score=88.0,
        evidence=("motion_onset", "whistle"),
        listed=True,
        facts=PlayFacts(
            period=2, clock="4:31", down=3, distance=7, play_type="Rush", text="run for 8"
        ),
    )
    timeline = Timeline(
        recipe="plays", source="game.mp4", duration=100.0, clips=(clip,), meta={"detector": "x"}
    )
    path = tmp_path / "t.json"
    timeline.save(path)
    again = Timeline.load(path)
    assert again == timeline
    assert again.clips[0].duration == 8.5
    assert "yard_line" not in again.clips[0].to_dict()["facts"]  # unknown facts are omitted
