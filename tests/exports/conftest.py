"""Finished plays jobs over barcode videos, where every frame shows its own number.

The plays are planned by hand (known frames, known facts) and rendered by the real renderer
(:func:`cutups.output.render.render_timeline`: cuts, thumbnails, reel, manifest), so an export's
cut points can be checked against the frames each clip really holds. One job at 29.97 fps and
one at 25 fps; the sources run past one minute so drop-frame timecode skips labels in them.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import pytest

from cutups.media.probe import probe
from cutups.output.render import render_timeline
from cutups.timeline import ClipPlan, PlayFacts, Timeline
from tests.media.barcode import codes, make_video

TEAM, OPPONENT = "Michigan", "Ohio State"
SOURCE_FRAMES = 2400
RATES = {"29.97": Fraction(30000, 1001), "25": Fraction(25)}


@dataclass(frozen=True)
class PlannedPlay:
    first: int
    end: int
    snap: int
    bucket: str
    facts: PlayFacts


def _facts(offense: str, **kw: object) -> PlayFacts:
    defense = OPPONENT if offense == TEAM else TEAM
    return PlayFacts(offense=offense, defense=defense, **kw)  # type: ignore[arg-type]


PLAYS = (
    PlannedPlay(
        30,
        240,
        90,
        "team_offense",
        _facts(
            TEAM,
            period=1,
            clock="14:40",
            down=1,
            distance=10,
            yards_to_goal=75,
            yards_gained=4,
            play_type="Rush",
            offense_score=0,
            defense_score=0,
            text="Smith run for 4 yds to the MICH 29",
        ),
    ),
    PlannedPlay(
        300,
        540,
        360,
        "team_offense",
        _facts(
            TEAM,
            period=1,
            clock="14:05",
            down=2,
            distance=6,
            yards_to_goal=71,
            yards_gained=12,
            play_type="Pass Reception",
            offense_score=0,
            defense_score=0,
        ),
    ),
    PlannedPlay(
        600,
        780,
        650,
        "opp_offense",
        _facts(
            OPPONENT,
            period=1,
            clock="12:30",
            down=1,
            distance=10,
            yards_to_goal=40,
            yards_gained=0,
            play_type="Pass Incompletion",
            offense_score=0,
            defense_score=7,
        ),
    ),
    PlannedPlay(  # spans frame 1800: 00:01:00;02 in drop-frame
        1740,
        1950,
        1790,
        "team_offense",
        _facts(
            TEAM,
            period=2,
            clock="9:12",
            down=3,
            distance=8,
            yards_to_goal=45,
            yards_gained=9,
            play_type="Pass Reception",
            offense_score=7,
            defense_score=3,
            text='Jones pass complete to "Lee" for 9 yds, PENALTY OSU holding',
        ),
    ),
    PlannedPlay(
        2010,
        2250,
        2070,
        "special_teams",
        _facts(
            TEAM,
            period=2,
            clock="7:01",
            down=4,
            distance=2,
            yards_to_goal=60,
            play_type="Punt",
            offense_score=7,
            defense_score=3,
        ),
    ),
    PlannedPlay(
        2280,
        2390,
        2300,
        "special_teams",
        _facts(
            OPPONENT, period=3, clock="15:00", play_type="Kickoff", offense_score=3, defense_score=7
        ),
    ),
)


@dataclass(frozen=True)
class RenderedJob:
    """A finished job's output folder and the truth it was made from."""

    out: Path
    source: Path
    rate: Fraction
    plays: tuple[PlannedPlay, ...] = PLAYS


def render_job(source: Path, rate: Fraction, out: Path) -> RenderedJob:
    info = probe(source)
    clips = tuple(
        ClipPlan(
            id=f"clip_{n}",
            start=float(p.first / rate),
            end=float(p.end / rate),
            snap=float(p.snap / rate),
            end_of_play=float((p.end - 30) / rate),
            bucket=p.bucket,
            score=80.0 + n,
            evidence=("motion_onset",),
            listed=True,
            facts=p.facts,
        )
        for n, p in enumerate(PLAYS)
    )
    timeline = Timeline(
        recipe="plays",
        source=str(source),
        duration=info.duration,
        clips=clips,
        meta={"team": TEAM},
    )
    render_timeline(timeline, info, out, job_id=f"job{rate.numerator}", source_url=str(source))
    return RenderedJob(out, source, rate)


@pytest.fixture(scope="session", params=list(RATES), ids=list(RATES))
def rendered(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> RenderedJob:
    """A finished job at each rate (29.97 and 25 fps)."""
    rate = RATES[request.param]
    root = tmp_path_factory.mktemp(f"exports-{request.param}")
    source = make_video(root / "game.mp4", rate=rate, frames=SOURCE_FRAMES, gop=30)
    return render_job(source, rate, root / "out")


@functools.cache
def frames_in(clip: Path) -> list[int]:
    """The source frame numbers a clip shows, decoded once per session."""
    return codes(clip)
