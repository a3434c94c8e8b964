"""A generated broadcast and one plays job over it, shared by the end-to-end tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from cutups.output.render import RenderResult
from cutups.pipeline import PlaysJob, run_plays
from cutups.recipes.plays_recipe import PlaysOptions
from cutups.settings import Settings
from cutups_testkit import GeneratedBroadcast


@pytest.fixture(scope="session")
def tiny(broadcast: GeneratedBroadcast) -> GeneratedBroadcast:
    """The session's tiny broadcast (tests/conftest.py), not a second render of the same spec."""
    return broadcast


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(cache_dir=tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="session")
def tiny_job(
    tiny: GeneratedBroadcast, settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> RenderResult:
    out = tmp_path_factory.mktemp("job") / "out"
    job = PlaysJob(
        source=tiny.video,
        out_dir=out,
        pbp=Path(tiny.pbp["cfbd_json"]),
        options=PlaysOptions(team=tiny.truth.home.name),
    )
    return run_plays(job, settings)
