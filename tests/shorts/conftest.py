"""Generated shorts media, made once per session. Real talking heads need ``shared/``; the
drawn ones are always there, so the core tests never skip."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.shorts.media import SourceTruth, Turn, make_no_face, make_podcast, make_screen_share
from tests.shorts.people import Person, drawn_person, real_person, talking_heads_dir

TWO = (Turn(0, 0.0, 4.0), Turn(1, 4.0, 7.5), Turn(0, 7.5, 9.5), Turn(1, 9.5, 13.0))
"""Two people, four turns: the third only 2 s long."""
THREE = (
    Turn(0, 0.0, 3.5),
    Turn(1, 3.5, 6.0),
    Turn(2, 6.0, 9.0),
    Turn(0, 9.0, 11.0),
    Turn(2, 11.0, 14.0),
)


def _side(people: int) -> int:
    return min(1280 // people, 720) // 2 * 2


def _people(kind: str, count: int) -> list[Person]:
    if kind == "drawn":
        return [drawn_person(_side(count), seed) for seed in range(count)]
    folder = talking_heads_dir()
    if folder is None:
        pytest.skip("shared/datasets/talking-heads is absent")
    return [real_person(folder / f"face_{i + 1}.mp4", _side(count)) for i in range(count)]


@pytest.fixture(scope="session")
def shorts_media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("shorts-media")


_MADE: dict[str, SourceTruth] = {}


def _podcast(name: str, folder: Path) -> SourceTruth:
    """``kind-count`` (e.g. ``drawn-2``), made once per session."""
    if name not in _MADE:
        kind, count = name.split("-")
        turns = TWO if count == "2" else THREE
        _MADE[name] = make_podcast(folder / f"{name}.mp4", _people(kind, int(count)), turns)
    return _MADE[name]


@pytest.fixture(scope="session", params=["drawn-2", "drawn-3", "real-2", "real-3"])
def podcast(request: pytest.FixtureRequest, shorts_media: Path) -> SourceTruth:
    return _podcast(request.param, shorts_media)


@pytest.fixture(scope="session")
def drawn_podcast(shorts_media: Path) -> SourceTruth:
    return _podcast("drawn-2", shorts_media)


@pytest.fixture(scope="session")
def screen_share(shorts_media: Path) -> SourceTruth:
    return make_screen_share(shorts_media / "screen.mp4", drawn_person(200, 4))


@pytest.fixture(scope="session")
def no_face(shorts_media: Path) -> SourceTruth:
    return make_no_face(shorts_media / "noface.mp4")
