"""Whatever goes into ``load_pbp``, only a Game or a PbpError comes out."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cutups.errors import PbpError
from cutups.pbp import Game, load_pbp

FIXTURES = Path(__file__).parent / "fixtures"
EXPECTED = "expected CFBD /plays JSON/CSV or an ESPN summary"

FUZZ = settings(
    max_examples=150,
    deadline=None,
    database=None,  # no .hypothesis/ folder in the tree
    suppress_health_check=[HealthCheck.too_slow],
)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"  \n\t ", id="whitespace"),
        pytest.param(b"[]", id="empty-list"),
        pytest.param(b"{}", id="empty-object"),
        pytest.param(b"null", id="null"),
        pytest.param(b"42", id="number"),
        pytest.param(b'"plays"', id="string"),
        pytest.param(b"[1, 2, 3]", id="list-of-numbers"),
        pytest.param(b"{not json", id="broken-json"),
        pytest.param(b"[" * 100_000, id="deep-json"),
        pytest.param(b'{"events": [], "leagues": []}', id="espn-scoreboard"),
        pytest.param(b'{"header": {}, "drives": {}}', id="espn-without-teams"),
        pytest.param(
            b'[{"id": 1, "homeTeam": "A", "awayTeam": "B", "season": 2030}]', id="cfbd-games-answer"
        ),
        pytest.param(b"\x00\x01\x02\xff\xfe binary", id="binary"),
        pytest.param(b"\x81\x8d\x8f\x90\x9d", id="undecodable"),
        pytest.param(b"name,score\nAlice,3\n", id="csv-wrong-columns"),
        pytest.param(b"period,offense,defense,play_type\n", id="csv-header-only"),
        pytest.param(b"period,offense,defense,play_type\nx,A,B,Rush\n", id="csv-bad-period"),
        pytest.param(
            b"period,offense,defense,play_type\n1,A,B,Rush\n1,C,D,Rush\n", id="csv-four-teams"
        ),
        pytest.param(b"period,offense,defense,play_type\n1,A,A,Rush\n", id="csv-one-team"),
        pytest.param(b'"unterminated\n', id="csv-garbage-quote"),
        pytest.param(b"a,b\n" + b"x" * 200_000 + b",y\n", id="csv-huge-field"),
    ],
)
def test_garbage_is_pbp_error(data: bytes) -> None:
    with pytest.raises(PbpError, match=EXPECTED):
        load_pbp(data)


def test_espn_summary_without_plays() -> None:
    document = json.loads((FIXTURES / "espn_summary.json").read_text())
    document["drives"] = {"previous": []}
    with pytest.raises(PbpError, match="without plays"):
        load_pbp(document)


def test_cfbd_games_fixture_is_not_plays() -> None:
    with pytest.raises(PbpError, match="lack play fields"):
        load_pbp(FIXTURES / "cfbd_games_v2.json")


def test_random_bytes_are_pbp_error() -> None:
    rng = random.Random(1234)
    for _ in range(50):
        data = rng.randbytes(rng.randint(1, 2000))
        with pytest.raises(PbpError):
            load_pbp(data)


def _outcome_is_allowed(source: Any) -> None:
    try:
        game = load_pbp(source)
    except PbpError:
        return
    assert isinstance(game, Game)
    assert game.plays
    keys = [p.sort_key for p in game.plays]
    assert keys == sorted(keys)
    assert {p.offense for p in game.plays} <= {game.home.name, game.away.name}


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=30,
)


@FUZZ
@given(json_values)
def test_any_json_value(value: Any) -> None:
    if isinstance(value, list | dict):
        _outcome_is_allowed(value)
    _outcome_is_allowed(json.dumps(value).encode())


@FUZZ
@given(st.binary(max_size=400))
def test_any_bytes(data: bytes) -> None:
    _outcome_is_allowed(data)


# Rows with the right keys and wild values exercise the field readers, not just the detector.
_field_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["15:00", "0:00", "99:99", "1:02:03", "-1:00", "2030-09-07T19:00:00Z"]),
    st.dictionaries(st.sampled_from(["minutes", "seconds"]), st.integers(-5, 100)),
    st.lists(st.integers(), max_size=2),
)
_cfbd_row = st.fixed_dictionaries(
    {
        "id": _field_values,
        "period": st.one_of(st.integers(0, 6), _field_values),
        "offense": st.one_of(st.sampled_from(["Texas", "Michigan", ""]), _field_values),
        "defense": st.one_of(st.sampled_from(["Texas", "Michigan"]), _field_values),
        "play_type": st.one_of(st.sampled_from(["Rush", "Penalty", "Kickoff"]), _field_values),
    },
    optional={
        "clock": _field_values,
        "wallclock": _field_values,
        "home": _field_values,
        "away": _field_values,
        "game_id": _field_values,
        "down": _field_values,
        "yards_to_goal": _field_values,
        "play_text": _field_values,
        "drive_id": _field_values,
        "offense_score": _field_values,
    },
)


@FUZZ
@given(st.lists(_cfbd_row, min_size=1, max_size=8))
def test_cfbd_rows_with_wild_values(rows: list[dict[str, Any]]) -> None:
    _outcome_is_allowed(rows)


def _replace_at(document: Any, path: list[int], value: Any) -> Any:
    """``document`` with the node reached by choosing children by ``path`` replaced."""
    if not path or not isinstance(document, list | dict) or not document:
        return value
    if isinstance(document, list):
        index = path[0] % len(document)
        return [
            _replace_at(item, path[1:], value) if i == index else item
            for i, item in enumerate(document)
        ]
    key = sorted(document)[path[0] % len(document)]
    return {k: _replace_at(v, path[1:], value) if k == key else v for k, v in document.items()}


@FUZZ
@given(
    st.sampled_from(["espn_summary.json", "cfbd_plays_v1.json", "cfbd_plays_v2.json"]),
    st.lists(st.integers(min_value=0, max_value=50), max_size=8),
    json_values,
)
def test_fixtures_with_one_node_replaced(name: str, path: list[int], value: Any) -> None:
    document = json.loads((FIXTURES / name).read_text())
    _outcome_is_allowed(_replace_at(document, path, value))
