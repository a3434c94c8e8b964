"""From source rows to a :class:`~cutups.pbp.model.Game`: the steps every format shares.

Each parser reads its format into :class:`RawRow` (plain values, no judgement) and hands them to
:func:`build_game`, which puts them in game order, drops duplicates, numbers drives, mends
wallclocks, fills scores, and classifies each row. So the rules live in one place, whatever the
source.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from cutups.errors import PbpError
from cutups.pbp.classify import classify, normalize_play_type
from cutups.pbp.model import ClockAt, Game, Play, Source, Team
from cutups.pbp.wallclock import repair_day_slips

__all__ = ["EXPECTED", "RawRow", "build_game", "pbp_error"]

EXPECTED = "expected CFBD /plays JSON/CSV or an ESPN summary"
"""The tail of every "cannot read this" message, so users learn what we accept."""

_MAX_PERIOD = 20  # regulation is 4; eight overtimes (2023 rules) still fit with room to spare


def pbp_error(reason: str) -> PbpError:
    """A :class:`PbpError` whose one-line message says why and what we expected."""
    return PbpError(f"{reason}: {EXPECTED}")


@dataclass(frozen=True, slots=True)
class RawRow:
    """One source row, read but not yet judged. ``None`` means the source did not say."""

    index: int
    row_id: str | None
    order_key: int | None
    game_id: str | None
    drive_number: int | None
    drive_key: str | None
    play_number: int | None
    period: int | None
    clock: float | None
    offense: str | None
    defense: str | None
    offense_score: int | None
    defense_score: int | None
    home_score: int | None
    away_score: int | None
    down: int | None
    distance: int | None
    yard_line: int | None
    yards_to_goal: int | None
    yards_gained: int | None
    raw_type: str
    text: str
    wallclock: datetime | None


def build_game(
    rows: Sequence[RawRow],
    *,
    source: Source,
    clock_at: ClockAt,
    home: Team | None = None,
    away: Team | None = None,
    game_id: str | None = None,
) -> Game:
    """Order, clean and classify rows into a :class:`Game`.

    Arguments:
        rows: The rows of exactly one game, in file order.
        source: Format name recorded on the game.
        clock_at: Whether listed clocks are end-of-play or snap times.
        home: Home team when the source says; with ``away``. Otherwise both are inferred from
            the rows' offense/defense names and :attr:`Game.home_away_known` is False.
        away: Away team when the source says.
        game_id: Game id when the source gives it outside the rows.

    Returns:
        The game, plays in game order.

    Raises:
        PbpError: No rows, a row without a usable period, or not exactly two teams.
    """
    if not rows:
        raise pbp_error("no plays in the input")
    ordered, sort_keys = _game_order(rows)
    ordered, sort_keys = _dedupe(ordered, sort_keys)
    for row in ordered:
        if row.period is None or not 1 <= row.period <= _MAX_PERIOD:
            raise pbp_error(f"play {row.row_id or row.index} has no usable period")
    home_away_known = home is not None and away is not None
    if home is None or away is None:
        home, away = _infer_teams(ordered)
    names = {home.name, away.name}
    stamps = repair_day_slips([row.wallclock for row in ordered])
    drives = _drive_numbers(ordered)
    plays: list[Play] = []
    previous_offense: str | None = None
    for row, key, stamp, drive in zip(ordered, sort_keys, stamps, drives, strict=True):
        offense, defense = _sides(row, names, previous_offense)
        previous_offense = offense
        plays.append(_play(row, key, stamp, drive, offense, defense, home, away, home_away_known))
    return Game(
        game_id=game_id or next((r.game_id for r in ordered if r.game_id), None),
        home=home,
        away=away,
        plays=tuple(plays),
        source=source,
        clock_at=clock_at,
        home_away_known=home_away_known,
    )


def _game_order(rows: Sequence[RawRow]) -> tuple[list[RawRow], list[int]]:
    """Sort by numeric id when every row has one; else by drive and play number; else as given.

    CFBD rows arrive out of order and their ids encode game order; ESPN's sequence numbers do
    the same. File order is the last resort because it is what the source believed. The sort
    key is the id, or the row's position when there is no id.
    """
    if all(row.order_key is not None for row in rows):
        ordered = sorted(rows, key=lambda r: (r.order_key or 0, r.index))
        return ordered, [r.order_key or 0 for r in ordered]
    if all(r.drive_number is not None and r.play_number is not None for r in rows):
        ordered = sorted(rows, key=lambda r: ((r.drive_number or 0), (r.play_number or 0), r.index))
        return ordered, list(range(len(ordered)))
    return list(rows), list(range(len(rows)))


def _dedupe(rows: list[RawRow], keys: list[int]) -> tuple[list[RawRow], list[int]]:
    # CFBD occasionally lists one play twice (same id) when a game is paged by team and week.
    seen: set[str] = set()
    kept_rows: list[RawRow] = []
    kept_keys: list[int] = []
    for row, key in zip(rows, keys, strict=True):
        if row.row_id is not None:
            if row.row_id in seen:
                continue
            seen.add(row.row_id)
        kept_rows.append(row)
        kept_keys.append(key)
    return kept_rows, kept_keys


def _infer_teams(rows: Sequence[RawRow]) -> tuple[Team, Team]:
    """The two team names in order of first appearance (CSV dumps name no home or away)."""
    names: list[str] = []
    for row in rows:
        for name in (row.offense, row.defense):
            if name and name not in names:
                names.append(name)
    if len(names) != 2:
        shown = ", ".join(names[:5]) or "none"
        raise pbp_error(f"the plays name {len(names)} teams ({shown}), not the two of one game")
    return Team(name=names[0]), Team(name=names[1])


def _sides(row: RawRow, names: set[str], previous: str | None) -> tuple[str, str]:
    """Offense and defense names, filling a missing side from the other or the previous row."""
    offense = row.offense if row.offense in names else None
    defense = row.defense if row.defense in names else None
    if offense is None and defense is not None:
        offense = _other(names, defense)
    if offense is None:
        offense = previous
    if offense is None:
        raise pbp_error(f"play {row.row_id or row.index} names neither team of the game")
    return offense, _other(names, offense)


def _other(names: set[str], name: str) -> str:
    rest = [n for n in names if n != name]
    return rest[0] if rest else name


def _drive_numbers(rows: Sequence[RawRow]) -> list[int | None]:
    """The source's drive numbers, or 1-based ordinals of its drive ids in game order."""
    if all(row.drive_number is not None for row in rows):
        return [row.drive_number for row in rows]
    ordinals: dict[str, int] = {}
    out: list[int | None] = []
    for row in rows:
        if row.drive_key is None:
            out.append(row.drive_number)
            continue
        out.append(ordinals.setdefault(row.drive_key, len(ordinals) + 1))
    return out


def _play(
    row: RawRow,
    sort_key: int,
    stamp: datetime | None,
    drive: int | None,
    offense: str,
    defense: str,
    home: Team,
    away: Team,
    home_away_known: bool,
) -> Play:
    offense_score, defense_score = row.offense_score, row.defense_score
    home_score, away_score = row.home_score, row.away_score
    if home_away_known:
        offense_is_home = offense == home.name
        if home_score is None or away_score is None:
            # CFBD lists offense/defense scores; turn them into home/away.
            home_score = offense_score if offense_is_home else defense_score
            away_score = defense_score if offense_is_home else offense_score
        if offense_score is None or defense_score is None:
            # ESPN lists home/away scores; turn them into offense/defense.
            offense_score = home_score if offense_is_home else away_score
            defense_score = away_score if offense_is_home else home_score
    play_type = normalize_play_type(row.raw_type)
    return Play(
        row_id=row.row_id or str(row.index),
        sort_key=sort_key,
        game_id=row.game_id,
        drive=drive,
        period=row.period or 1,
        clock=row.clock,
        offense=offense,
        defense=defense,
        offense_score=offense_score or 0,
        defense_score=defense_score or 0,
        home_score=home_score,
        away_score=away_score,
        down=row.down if row.down is not None and 1 <= row.down <= 4 else None,
        distance=row.distance if row.distance is not None and row.distance >= 0 else None,
        yard_line=row.yard_line,
        yards_to_goal=_yards_to_goal(row.yards_to_goal),
        yards_gained=row.yards_gained,
        play_type=play_type,
        raw_type=row.raw_type,
        text=row.text,
        wallclock=stamp,
        kind=classify(play_type, row.text),
    )


def _yards_to_goal(value: int | None) -> int | None:
    return value if value is not None and 0 <= value <= 100 else None
