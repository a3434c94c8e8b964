"""CollegeFootballData ``/plays``: JSON from API v1 (snake_case) or v2 (camelCase), and CSV dumps.

All three carry the same fields under different spellings, so each row's keys are first brought
to snake_case (``yardsToGoal`` -> ``yards_to_goal``) and then read once. Known quirks, all
handled in :func:`~cutups.pbp._build.build_game`:

* rows arrive out of game order; the numeric ``id`` sorts them;
* the listed clock is the clock at the *end* of the play; overtime rows all read 0:00;
* kickoff rows name the kicking team as ``offense``;
* the CSV dump has no ``home``/``away`` columns, so the game's teams are inferred from the
  offense/defense names and :attr:`~cutups.pbp.model.Game.home_away_known` is False.

A ``/plays`` answer for a whole week holds many games: pass ``game_id`` to pick one.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence

from cutups.errors import WrongGameError
from cutups.pbp._build import RawRow, build_game, pbp_error
from cutups.pbp._values import clock_seconds, first, to_int, to_str
from cutups.pbp.model import ClockAt, Game, Source, Team
from cutups.pbp.wallclock import parse_wallclock

__all__ = ["CSV_REQUIRED", "looks_like_cfbd_row", "parse_cfbd_csv", "parse_cfbd_rows"]

CSV_REQUIRED = ("period", "offense", "defense")
"""Columns a CSV dump must have (plus ``play_type`` or ``play_text``); the rest are optional."""

_CAMEL = re.compile(r"(?<=[a-z0-9])([A-Z])")
# Spellings that differ beyond case between v1, v2 and dumps, mapped to one snake_case name.
_KEY_ALIASES = {
    "yardline": "yard_line",
    "text": "play_text",
    "type": "play_type",
    "clock_display": "clock",
    "gameid": "game_id",
}
_V2_MARKERS = frozenset({"playType", "playText", "yardsToGoal", "gameId", "offenseScore"})
_PLAY_FIELDS = frozenset({"play_type", "play_text"})


def snake_key(key: str) -> str:
    """``"yardsToGoal"`` -> ``"yards_to_goal"``; ``"clock.minutes"`` -> ``"clock_minutes"``."""
    snake = _CAMEL.sub(r"_\1", key.strip()).replace(".", "_").replace(" ", "_").lower()
    return _KEY_ALIASES.get(snake, snake)


def looks_like_cfbd_row(row: object) -> bool:
    """Whether a JSON object has the fields of a CFBD ``/plays`` row."""
    if not isinstance(row, Mapping):
        return False
    keys = {snake_key(k) for k in row if isinstance(k, str)}
    return {"period", "offense"} <= keys and bool(keys & _PLAY_FIELDS)


def parse_cfbd_rows(
    rows: Sequence[object], *, clock_at: ClockAt = "end", game_id: str | None = None
) -> Game:
    """Parse the rows of a CFBD ``/plays`` JSON answer (v1 or v2).

    Arguments:
        rows: The decoded JSON list.
        clock_at: Whether listed clocks are end-of-play (CFBD's habit) or snap times.
        game_id: Keep only this game's rows; required when the rows span several games.

    Returns:
        The game.

    Raises:
        PbpError: The rows are not CFBD plays, or span several games and no ``game_id`` is given.
        WrongGameError: ``game_id`` is given but none of the rows belong to it.
    """
    if not rows:
        raise pbp_error("the JSON list is empty")
    if not all(looks_like_cfbd_row(row) for row in rows):
        raise pbp_error("a JSON list whose items lack play fields (period, offense, play_type)")
    dicts = [r for r in rows if isinstance(r, Mapping)]
    is_v2 = any(key in _V2_MARKERS for row in dicts for key in row)
    source: Source = "cfbd_json_v2" if is_v2 else "cfbd_json_v1"
    normalized = [{snake_key(str(k)): v for k, v in row.items()} for row in dicts]
    return _parse(normalized, source=source, clock_at=clock_at, game_id=game_id)


def parse_cfbd_csv(text: str, *, clock_at: ClockAt = "end", game_id: str | None = None) -> Game:
    """Parse a CSV dump of CFBD plays (columns as in the ``/plays`` answer, snake_case or not).

    Arguments:
        text: The CSV text with a header row.
        clock_at: Whether listed clocks are end-of-play or snap times.
        game_id: Keep only this game's rows; required when the rows span several games.

    Returns:
        The game, with :attr:`Game.home_away_known` False unless the CSV has home/away columns.

    Raises:
        PbpError: Not a CSV with the required columns, or no rows.
        WrongGameError: ``game_id`` is given but none of the rows belong to it.
    """
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader, None)
        if header is None:
            raise pbp_error("the input is empty")
        columns = [snake_key(c).lstrip("\ufeff") for c in header]
        missing = [c for c in CSV_REQUIRED if c not in columns]
        if not _PLAY_FIELDS & set(columns):
            missing.append("play_type")
        if missing:
            raise pbp_error(f"CSV without the columns {', '.join(missing)}")
        records: list[dict[str, object]] = [
            dict(zip(columns, values, strict=False)) for values in reader if any(values)
        ]
    except csv.Error as exc:
        raise pbp_error(f"unreadable CSV ({exc})") from exc
    return _parse(records, source="cfbd_csv", clock_at=clock_at, game_id=game_id)


def _parse(
    rows: list[dict[str, object]], *, source: Source, clock_at: ClockAt, game_id: str | None
) -> Game:
    rows = _one_game(rows, game_id)
    raw = [_raw_row(i, row) for i, row in enumerate(rows)]
    home, away = _home_away(rows, raw)
    return build_game(raw, source=source, clock_at=clock_at, home=home, away=away, game_id=game_id)


def _one_game(rows: list[dict[str, object]], game_id: str | None) -> list[dict[str, object]]:
    ids = {to_str(row.get("game_id")) for row in rows} - {None}
    if game_id is not None:
        if ids and game_id not in ids:
            shown = ", ".join(sorted(i for i in ids if i)[:5])
            raise WrongGameError(f"no plays of game {game_id} here; the plays are of {shown}")
        return [row for row in rows if to_str(row.get("game_id")) in (game_id, None)]
    if len(ids) > 1:
        shown = ", ".join(sorted(i for i in ids if i)[:5])
        raise pbp_error(f"plays of {len(ids)} games ({shown}) and no game id chosen")
    return rows


def _raw_row(index: int, row: Mapping[str, object]) -> RawRow:
    row_id = to_str(row.get("id"))
    clock = row.get("clock")
    if clock is None or clock == "":
        clock = {"minutes": row.get("clock_minutes"), "seconds": row.get("clock_seconds")}
    return RawRow(
        index=index,
        row_id=row_id,
        order_key=to_int(row_id) if row_id is not None else None,
        game_id=to_str(row.get("game_id")),
        drive_number=to_int(row.get("drive_number")),
        drive_key=to_str(row.get("drive_id")),
        play_number=to_int(row.get("play_number")),
        period=to_int(row.get("period")),
        clock=clock_seconds(clock),
        offense=to_str(row.get("offense")),
        defense=to_str(row.get("defense")),
        offense_score=to_int(row.get("offense_score")),
        defense_score=to_int(row.get("defense_score")),
        home_score=to_int(row.get("home_score")),
        away_score=to_int(row.get("away_score")),
        down=to_int(row.get("down")),
        distance=to_int(row.get("distance")),
        yard_line=to_int(row.get("yard_line")),
        yards_to_goal=to_int(row.get("yards_to_goal")),
        yards_gained=to_int(row.get("yards_gained")),
        raw_type=to_str(row.get("play_type")) or "",
        text=to_str(first(row, "play_text", "description")) or "",
        wallclock=parse_wallclock(row.get("wallclock")),
    )


def _home_away(
    rows: Sequence[Mapping[str, object]], raw: Sequence[RawRow]
) -> tuple[Team | None, Team | None]:
    """Home and away from the rows' ``home``/``away`` fields, when they agree with the plays."""
    for row in rows:
        home, away = to_str(row.get("home")), to_str(row.get("away"))
        if home and away and home != away:
            named = {r.offense for r in raw} | {r.defense for r in raw}
            if named - {None, home, away}:
                return None, None  # fields disagree with the plays: infer from the plays instead
            return Team(name=home), Team(name=away)
    return None, None
