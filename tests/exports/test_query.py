"""The playlist query language: what it selects, and where it says a query goes wrong."""

from __future__ import annotations

import functools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cutups.errors import QueryError
from cutups.output.exports import ExportJob
from cutups.output.manifest import build_manifest, clip_entry
from cutups.output.query import FIELDS, parse_query
from cutups.timeline import ClipPlan, Timeline
from tests.exports.conftest import PLAYS, TEAM


@functools.cache
def _job() -> ExportJob:
    """The planned plays as a finished manifest (no media needed to query them)."""
    clips = [
        ClipPlan(
            id=f"clip_{n}",
            start=p.first / 25,
            end=p.end / 25,
            snap=p.snap / 25,
            end_of_play=p.end / 25,
            bucket=p.bucket,
            score=60.0 + 5 * n,
            facts=p.facts,
        )
        for n, p in enumerate(PLAYS)
    ]
    timeline = Timeline("plays", "game.mp4", 96.0, tuple(clips), meta={"team": TEAM})
    manifest = build_manifest(
        timeline,
        [clip_entry(c) for c in clips],
        job_id="j",
        source_url="game.mp4",
        complete=True,
        source_facts={"fps": "25", "duration": 96.0},
    )
    return ExportJob.from_manifest(manifest)


def _numbers(where: str) -> list[int]:
    return [p.number for p in parse_query(where).select(_job().plays)]


@pytest.mark.parametrize(
    ("where", "numbers"),
    [
        ("odk = O", [1, 2, 4]),
        ("odk = O and down = 3 and distance >= 7", [4]),
        ("ODK = o AND DN = 3", [4]),  # keywords, fields and text ignore case
        ("down != 3", [1, 2, 3, 5]),  # a kickoff has no down: it matches no comparison...
        ("not down = 3", [1, 2, 3, 5, 6]),  # ...but `not` turns that into a match
        ("quarter in (2, 3)", [4, 5, 6]),
        ("qtr not in (1)", [4, 5, 6]),
        ("odk = K or down = 1 and gain > 0", [1, 5, 6]),  # `and` binds tighter than `or`
        ("(odk = K or down = 1) and gain >= 0", [1, 3]),
        ("yard_line < 0", [1, 2, 5]),  # own half
        ("yard_ln > 0 and yard_line <= 45", [3, 4]),
        ('play_type = "Pass Reception"', [2, 4]),
        ("play_type in ('Rush', \"Punt\")", [1, 5]),
        ("type = Pass and result != Incomplete", [2, 4]),
        ("type = 'KO Rec'", [6]),
        ("bucket = special_teams", [5, 6]),
        ("score >= 75.5", [5, 6]),
        ("offense = 'ohio state'", [3, 6]),
        ("defense = Michigan and not (gain < 5)", [6]),  # 3 gained 0; 6 has no gain
        ("number <= 2 or number = 6", [1, 2, 6]),
        ("gain = -0", [3]),
        ("not not odk = D", [3]),
    ],
)
def test_queries_select_the_plays_they_describe(where: str, numbers: list[int]) -> None:
    assert _numbers(where) == numbers


def test_canonical_form_ignores_case_aliases_and_layout() -> None:
    a = parse_query("ODK = o and dn=3")
    b = parse_query("  odk == 'O'  AND  down = 3 ")
    assert a.canonical == b.canonical == '(odk = "o" and down = 3)'
    assert parse_query("down = 3").canonical != parse_query("down = 4").canonical


@pytest.mark.parametrize(
    ("where", "column", "message"),
    [
        ("", 1, "expected a comparison"),
        ("odk =", 6, "expected a value for odk, found the end of the query"),
        ("odk = O and", 12, "expected a field name, found the end"),
        ("down >= three", 9, "down is a number, not three"),
        ("odk < O", 5, "odk is text: compare it with =, != or in, not <"),
        ("downs = 3", 1, "unknown field 'downs'"),
        ("down = 3 odk = O", 10, "expected 'and', 'or' or the end of the query, found 'odk'"),
        ("(down = 3", 10, "expected ')'"),
        ("down in 3", 9, "expected '(' to open the list"),
        ("down in (3, 4", 14, "expected ',' or ')'"),
        ("odk = 'O", 7, "an unterminated string"),
        ("down = 3 & odk = O", 10, "an unexpected '&'"),
        ("down not = 3", 10, "expected 'in' after 'not'"),
        ("down 3", 6, "expected an operator after 'down'"),
        ("= 3", 1, "expected a field name, found '='"),
    ],
)
def test_bad_queries_say_where_and_why(where: str, column: int, message: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse_query(where)
    assert caught.value.column == column
    assert caught.value.message.startswith(f"query, column {column}: ")
    assert message in caught.value.message


def test_every_field_can_be_queried() -> None:
    plays = _job().plays
    for name, field in FIELDS.items():
        value = next(v for p in plays if (v := field.get(p)) is not None)
        shown = f"'{value}'" if isinstance(value, str) else str(value)
        assert parse_query(f"{name} = {shown}").select(plays), name


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "odk",
                "down",
                "=",
                "!=",
                ">=",
                "<",
                "in",
                "not",
                "and",
                "or",
                "(",
                ")",
                ",",
                "3",
                "-1.5",
                "'x",
                '"Rush"',
                "O",
                "&",
                " ",
                "é",
                "\\",
            ]
        ),
        max_size=12,
    ).map(" ".join)
    | st.text(max_size=40)
)
def test_any_text_parses_or_says_where_it_fails(text: str) -> None:
    plays = _job().plays
    try:
        query = parse_query(text)
    except QueryError as exc:
        assert 1 <= exc.column <= len(text) + 1
    else:
        query.select(plays)
        assert parse_query(query.canonical).canonical == query.canonical
