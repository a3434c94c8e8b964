"""Wallclock parsing, day-slip repair and the usability checks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cutups.pbp.wallclock import parse_wallclock, repair_day_slips, wallclock_usable

T0 = datetime(2030, 9, 7, 19, 0, tzinfo=UTC)


def _every(minutes: float, count: int, start: datetime = T0) -> list[datetime | None]:
    return [start + timedelta(minutes=minutes * i) for i in range(count)]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("2030-09-07T19:00:00.000Z", T0, id="cfbd-millis-z"),
        pytest.param("2030-09-07T19:00:00Z", T0, id="espn-z"),
        pytest.param("2030-09-07T15:00:00-04:00", T0, id="offset"),
        pytest.param("2030-09-07 19:00:00", T0, id="naive-is-utc"),
        pytest.param(T0.timestamp(), T0, id="epoch-seconds"),
        pytest.param(int(T0.timestamp() * 1000), T0, id="epoch-millis"),
        pytest.param("1970-01-01T00:00:00Z", None, id="epoch-placeholder"),
        pytest.param(0, None, id="zero"),
        pytest.param("2030-09-07", None, id="date-only"),
        pytest.param("", None, id="empty"),
        pytest.param("soon", None, id="garbage"),
        pytest.param(None, None, id="none"),
        pytest.param(True, None, id="bool"),
        pytest.param(float("nan"), None, id="nan"),
        pytest.param(1e300, None, id="huge"),
        pytest.param(["2030"], None, id="list"),
    ],
)
def test_parse_wallclock(value: object, expected: datetime | None) -> None:
    assert parse_wallclock(value) == expected


def test_usable_real_looking_game() -> None:
    assert wallclock_usable(_every(1.2, 160))


@pytest.mark.parametrize(
    "stamps",
    [
        pytest.param([T0] * 150, id="all-identical"),
        pytest.param([None] * 150, id="all-missing"),
        pytest.param(_every(1.2, 150)[:100] + [None] * 50, id="a-third-missing"),
        pytest.param(_every(0.05, 150), id="spread-under-10-min"),
        pytest.param(_every(10, 150), id="spread-over-8-h"),
        pytest.param(
            [T0 + timedelta(minutes=(i // 10) * 12) for i in range(150)], id="mostly-stale"
        ),
        pytest.param([datetime(2030, 9, 7, tzinfo=UTC)] * 150, id="midnight-placeholder"),
        pytest.param(
            [T0 + timedelta(minutes=1.2 * i if i % 5 else 0) for i in range(150)],
            id="every-fifth-jumps-back",
        ),
    ],
)
def test_not_usable(stamps: list[datetime | None]) -> None:
    assert not wallclock_usable(stamps)


def test_a_few_outliers_are_tolerated() -> None:
    stamps = _every(1.2, 160)
    stamps[40] = T0  # a correction entered late, stamped with an early time
    stamps[90] = T0 + timedelta(minutes=30)
    assert wallclock_usable(stamps)


def test_day_slip_is_repaired() -> None:
    stamps = _every(1.2, 150)
    slipped = [s - timedelta(days=1) if i >= 120 and s else s for i, s in enumerate(stamps)]
    assert not wallclock_usable(slipped)
    assert repair_day_slips(slipped) == stamps
    assert wallclock_usable(repair_day_slips(slipped))


def test_repair_keeps_nones_and_real_gaps() -> None:
    stamps: list[datetime | None] = [T0, None, T0 + timedelta(hours=2), T0 + timedelta(hours=3)]
    assert repair_day_slips(stamps) == stamps
