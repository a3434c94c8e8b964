"""Progress mapping and ETA smoothing; reading stored requests."""

from __future__ import annotations

import pytest

from cutups.errors import ConfigError
from cutups.jobs.models import Stage
from cutups.jobs.progress import ProgressTracker
from cutups.jobs.spec import JobSpec
from cutups.recipes.plays_recipe import PlaysOptions
from cutups.recipes.windows import DEFAULT_POST_SLACK, DEFAULT_PRE_SLACK, EXPLICIT_SLACK
from cutups.settings import Settings


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def test_stages_map_and_pct_never_goes_down() -> None:
    clock = Clock()
    tracker = ProgressTracker(clock=clock)
    steps = [
        ("downloading", 0.5),
        ("probing", 1.0),
        ("analysing", 0.5),
        ("detecting", 1.0),
        ("cutting", 0.5),
        ("packaging", 1.0),
        ("cutting", 0.0),
    ]
    readings = []
    for stage, fraction in steps:
        clock.t += 2
        readings.append(tracker.update(stage, fraction))
    assert [r.stage for r in readings] == [
        Stage.DOWNLOADING,
        Stage.DOWNLOADING,
        Stage.ANALYSING,
        Stage.DETECTING,
        Stage.CUTTING,
        Stage.PACKAGING,
        Stage.CUTTING,
    ]
    pcts = [r.pct for r in readings]
    assert pcts == sorted(pcts) and pcts[0] == 4.0 and pcts[2] == 35.0
    assert max(pcts) < 100  # 100 only when the job is completed
    assert readings[0].stage_changed and readings[1].stage_changed  # probing is its own step


def test_resumed_tracker_starts_where_the_job_was() -> None:
    tracker = ProgressTracker(62.0, clock=Clock())
    assert tracker.update("probing", 0.0).pct == 62.0


def test_eta_is_smoothed() -> None:
    clock = Clock()
    tracker = ProgressTracker(clock=clock, alpha=0.5)
    assert tracker.update("analysing", 0.0).eta_sec is None
    clock.t = 10
    first = tracker.update("analysing", 0.2)  # 0 -> 20 % in 10 s: 2 %/s
    assert first.eta_sec == pytest.approx(40.0)
    clock.t = 11
    burst = tracker.update("analysing", 0.6)  # 20 % in 1 s: EMA 11 %/s, not 20
    assert burst.eta_sec == pytest.approx(60.0 / 11, rel=0.01)
    clock.t = 11.5  # too short a window: the rate is kept
    assert tracker.update("analysing", 0.61).eta_sec is not None


def test_spec_reads_the_seed_names() -> None:
    spec = JobSpec.from_request(
        {
            "video_url": "https://x.test/g.mp4",
            "options": {
                "play_padding_pre": 3.0,
                "play_padding_post": 5.0,
                "min_duration": 4.0,
                "max_duration": 20.0,
                "scene_thresh": 0.3,
                "only": ["team_offense"],
            },
            "cfbd": {"use_cfbd": True, "game_id": 401525839, "team": "Michigan"},
        }
    )
    assert isinstance(spec.options, PlaysOptions) and spec.recipe.name == "plays"
    options = spec.options.params(Settings())
    w = options.windows
    assert (w.pre, w.post, w.min_len, w.max_len) == (3.0, 5.0, 4.0, 20.0)
    assert w.pre_slack == w.post_slack == EXPLICIT_SLACK  # chosen padding barely moves
    assert options.team == "Michigan" and options.only == ("team_offense",)
    assert spec.wants_cfbd and spec.source_url == "https://x.test/g.mp4"


def test_spec_defaults_and_errors() -> None:
    settings = Settings()
    spec = JobSpec.from_request({"upload_id": "abcdef123456"})
    assert spec.source_url == "upload:abcdef123456"
    assert isinstance(spec.options, PlaysOptions)
    defaults = spec.options.params(settings).windows
    assert defaults.pre == settings.play_pre_pad_sec
    assert (defaults.pre_slack, defaults.post_slack) == (DEFAULT_PRE_SLACK, DEFAULT_POST_SLACK)
    with pytest.raises(ConfigError, match="exactly one video source"):
        JobSpec.from_request({"upload_id": "a", "video_url": "https://x.test/"})
    with pytest.raises(ConfigError, match="got none"):
        JobSpec.from_request({})
    only = JobSpec.from_request({"upload_id": "a", "options": {"only": ["team_offense"]}})
    with pytest.raises(ConfigError, match="needs play-by-play"):
        only.check(settings)
    bad = JobSpec.from_request(
        {"upload_id": "a", "options": {"min_duration": 30, "max_duration": 10}}
    )
    with pytest.raises(ConfigError, match="min length"):
        bad.check(settings)
    with pytest.raises(ConfigError, match="unknown recipe"):
        JobSpec.from_request({"upload_id": "a", "recipe": "nope"})
    with pytest.raises(ConfigError, match="colour: unknown option"):
        JobSpec.from_request({"upload_id": "a", "options": {"colour": "red"}})
