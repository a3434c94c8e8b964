"""ESPN's game ``summary`` JSON: plays under ``drives.previous[].plays[]``.

Teams come from ``header.competitions[0].competitors[]`` (``homeAway`` plus ``team{id, location,
name, abbreviation, displayName}``); a play's offense is ``start.team.id`` mapped to that team,
falling back to the drive's team and then to the previous play. Like CFBD, kickoff rows name the
kicking team and the listed clock is the end-of-play clock. Scores are listed as home/away.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from cutups.pbp._build import RawRow, build_game, pbp_error
from cutups.pbp._values import clock_seconds, first, to_int, to_str
from cutups.pbp.model import ClockAt, Game, Team
from cutups.pbp.wallclock import parse_wallclock

__all__ = ["looks_like_espn_summary", "parse_espn_summary"]


def looks_like_espn_summary(document: object) -> bool:
    """Whether a decoded JSON value has the shape of an ESPN summary (``header`` + ``drives``)."""
    return (
        isinstance(document, Mapping)
        and isinstance(document.get("header"), Mapping)
        and "drives" in document
    )


def parse_espn_summary(document: Mapping[str, Any], *, clock_at: ClockAt = "end") -> Game:
    """Parse a decoded ESPN summary.

    Arguments:
        document: The decoded JSON object.
        clock_at: Whether listed clocks are end-of-play (ESPN's habit) or snap times.

    Returns:
        The game, plays sorted by ``sequenceNumber`` (drive order when that is missing).

    Raises:
        PbpError: No competitors, no plays, or plays that name neither team.
    """
    header = _mapping(document.get("header"))
    competition = _first_mapping(header.get("competitions"))
    home, away = _teams(competition)
    by_id = {t.id: t for t in (home, away) if t.id}
    game_id = to_str(header.get("id")) or to_str(competition.get("id"))
    rows: list[RawRow] = []
    seen: set[str] = set()
    for drive_number, drive, play in _plays(document.get("drives")):
        row_id = to_str(play.get("id"))
        if row_id is not None:
            if row_id in seen:
                continue  # a live summary repeats the current drive's plays
            seen.add(row_id)
        rows.append(_raw_row(len(rows), play, drive, drive_number, by_id, (home, away), game_id))
    if not rows:
        raise pbp_error("an ESPN summary without plays (game not started?)")
    return build_game(
        rows, source="espn_summary", clock_at=clock_at, home=home, away=away, game_id=game_id
    )


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _first_mapping(value: object) -> Mapping[str, Any]:
    if isinstance(value, Sequence) and not isinstance(value, str) and value:
        return _mapping(value[0])
    return {}


def _teams(competition: Mapping[str, Any]) -> tuple[Team, Team]:
    sides: dict[str, Team] = {}
    competitors = competition.get("competitors")
    if isinstance(competitors, Sequence) and not isinstance(competitors, str):
        for competitor in competitors:
            competitor = _mapping(competitor)
            side = competitor.get("homeAway")
            team = _team(_mapping(competitor.get("team")), competitor.get("id"))
            if side in ("home", "away") and team is not None:
                sides[side] = team
    if set(sides) != {"home", "away"} or sides["home"].name == sides["away"].name:
        raise pbp_error("an ESPN summary without a home and an away team in its header")
    return sides["home"], sides["away"]


def _team(team: Mapping[str, Any], competitor_id: object) -> Team | None:
    name = to_str(first(team, "location", "shortDisplayName", "displayName", "name"))
    if name is None:
        return None
    aliases = []
    for key in ("displayName", "shortDisplayName", "nickname"):
        alias = to_str(team.get(key))
        if alias and alias != name and alias not in aliases:
            aliases.append(alias)
    return Team(
        name=name,
        abbr=to_str(team.get("abbreviation")),
        mascot=to_str(team.get("name")) if team.get("location") else None,
        id=to_str(team.get("id")) or to_str(competitor_id),
        aliases=tuple(aliases),
    )


def _plays(drives: object) -> Iterator[tuple[int, Mapping[str, Any], Mapping[str, Any]]]:
    """``(drive number, drive, play)`` for finished drives, then the current one if live."""
    drives = _mapping(drives)
    listed = drives.get("previous")
    sequence = list(listed) if isinstance(listed, Sequence) and not isinstance(listed, str) else []
    current = drives.get("current")
    if isinstance(current, Mapping):
        sequence.append(current)
    for number, drive in enumerate(sequence, start=1):
        if not isinstance(drive, Mapping):
            continue
        plays = drive.get("plays")
        if isinstance(plays, Sequence) and not isinstance(plays, str):
            for play in plays:
                if isinstance(play, Mapping):
                    yield number, drive, play


def _raw_row(
    index: int,
    play: Mapping[str, Any],
    drive: Mapping[str, Any],
    drive_number: int,
    by_id: Mapping[str, Team],
    teams: tuple[Team, Team],
    game_id: str | None,
) -> RawRow:
    start = _mapping(play.get("start"))
    offense = by_id.get(to_str(_mapping(start.get("team")).get("id")) or "")
    if offense is None:
        offense = _drive_team(_mapping(drive.get("team")), teams)
    row_id = to_str(play.get("id"))
    sequence = to_str(play.get("sequenceNumber"))
    return RawRow(
        index=index,
        row_id=row_id,
        order_key=to_int(sequence) if sequence is not None else None,
        game_id=game_id,
        drive_number=drive_number,
        drive_key=to_str(drive.get("id")),
        play_number=None,
        period=to_int(_mapping(play.get("period")).get("number")),
        clock=_clock(play.get("clock")),
        offense=offense.name if offense else None,
        defense=None,
        offense_score=None,
        defense_score=None,
        home_score=to_int(play.get("homeScore")),
        away_score=to_int(play.get("awayScore")),
        down=to_int(start.get("down")),
        distance=to_int(start.get("distance")),
        yard_line=to_int(start.get("yardLine")),
        yards_to_goal=to_int(start.get("yardsToEndzone")),
        yards_gained=to_int(play.get("statYardage")),
        raw_type=to_str(_mapping(play.get("type")).get("text")) or "",
        text=to_str(play.get("text")) or "",
        wallclock=parse_wallclock(play.get("wallclock")),
    )


def _clock(clock: object) -> float | None:
    if isinstance(clock, Mapping):
        shown = clock_seconds(clock.get("displayValue"))
        return shown if shown is not None else clock_seconds(clock.get("value"))
    return clock_seconds(clock)


def _drive_team(team: Mapping[str, Any], teams: tuple[Team, Team]) -> Team | None:
    """The team a drive belongs to, matched on the abbreviation or names the drive carries."""
    labels = {to_str(team.get(k)) for k in ("abbreviation", "displayName", "name", "id")} - {None}
    for candidate in teams:
        own = {candidate.abbr, candidate.display_name, candidate.mascot, candidate.id}
        if labels & own:
            return candidate
    return None
