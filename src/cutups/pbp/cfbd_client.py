"""CollegeFootballData API client: plays by week and team, or a whole game by its id.

Off unless configured: constructing it without an API key raises
:class:`~cutups.errors.ConfigError` saying how to get and set one. Every answer is cached on
disk, so re-running a job costs no request (CFBD's free tier allows a few thousand a month).

Example::

    with CfbdClient.from_settings(settings) as cfbd:
        game = cfbd.game_plays("401628319")
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from cutups.errors import ConfigError, ExternalServiceError, PbpError
from cutups.pbp._values import first, to_int, to_str
from cutups.pbp.load import load_pbp
from cutups.pbp.model import ClockAt, Game
from cutups.remote import JsonClient, RetryPolicy

if TYPE_CHECKING:
    from cutups.settings import Settings

__all__ = ["DEFAULT_BASE_URL", "SEASON_TYPES", "CfbdClient", "CfbdGameInfo"]

DEFAULT_BASE_URL = "https://api.collegefootballdata.com"
SEASON_TYPES = frozenset({"regular", "postseason", "both"})


@dataclass(frozen=True, slots=True)
class CfbdGameInfo:
    """What CFBD's ``/games`` says about one game: enough to ask ``/plays`` for it."""

    game_id: str
    season: int
    week: int
    season_type: str
    home: str
    away: str


class CfbdClient(JsonClient):
    """Reads plays from the CFBD API.

    Arguments:
        api_key: CFBD API key (``CUTUPS_CFBD_API_KEY``); required.
        base_url: API root (``CUTUPS_CFBD_BASE_URL``).
        cache_dir: Where answers are cached; ``None`` disables the cache.
        transport, timeout, retry, sleep: As for :class:`~cutups.remote.JsonClient`.

    Raises:
        ConfigError: No API key or no base URL.
    """

    SERVICE = "cfbd"
    LABEL = "CFBD"
    NO_BASE_URL = "CFBD has no base URL: set CUTUPS_CFBD_BASE_URL"

    def __init__(
        self,
        api_key: str | None,
        base_url: str | None = DEFAULT_BASE_URL,
        cache_dir: Path | None = None,
        transport: httpx.BaseTransport | None = None,
        *,
        timeout: float = 20.0,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not api_key or not api_key.strip():
            raise ConfigError(
                "CFBD is off: set CUTUPS_CFBD_API_KEY to an API key "
                "(free at https://collegefootballdata.com/key), or give a play-by-play file"
            )
        super().__init__(
            base_url,
            cache_dir,
            transport,
            timeout=timeout,
            retry=retry,
            sleep=sleep,
            headers={"Authorization": f"Bearer {api_key.strip()}"},
            auth_hint="check CUTUPS_CFBD_API_KEY",
        )

    @classmethod
    def from_settings(
        cls, settings: Settings, *, transport: httpx.BaseTransport | None = None
    ) -> CfbdClient:
        """A client configured from :class:`~cutups.settings.Settings` (raises when off)."""
        return cls(
            settings.cfbd_api_key, settings.cfbd_base_url, settings.cache_dir, transport=transport
        )

    def plays(
        self,
        year: int,
        week: int,
        team: str | None = None,
        season_type: str = "regular",
        *,
        refresh: bool = False,
    ) -> list[dict[str, Any]]:
        """``GET /plays``: every play of a week, or of one team's game that week.

        Arguments:
            year: Season year.
            week: Week number.
            team: School name as CFBD spells it; ``None`` for the whole week.
            season_type: ``"regular"``, ``"postseason"`` or ``"both"``.
            refresh: Ignore the cache.

        Returns:
            The rows as CFBD sends them (feed them to :func:`~cutups.pbp.load.load_pbp`).

        Raises:
            ConfigError: Unknown ``season_type``.
            ExternalServiceError: CFBD failed, refused the key, or sent something else.
        """
        if season_type not in SEASON_TYPES:
            raise ConfigError(f"season_type must be one of {sorted(SEASON_TYPES)}")
        params: dict[str, str | int] = {"year": year, "week": week, "seasonType": season_type}
        if team:
            params["team"] = team
        rows = self._http.get("/plays", params, refresh=refresh)
        if not isinstance(rows, list) or not all(isinstance(row, Mapping) for row in rows):
            raise ExternalServiceError(
                "CFBD /plays answered something other than a list of plays", service="cfbd"
            )
        return [dict(row) for row in rows]

    def game(self, game_id: str | int, *, refresh: bool = False) -> CfbdGameInfo:
        """``GET /games?id=``: the season, week and teams of one game.

        Raises:
            PbpError: CFBD knows no game with that id.
            ExternalServiceError: CFBD failed or answered in an unknown shape.
        """
        wanted = _game_id(game_id)
        answer = self._http.get("/games", {"id": wanted}, refresh=refresh)
        if not isinstance(answer, list):
            raise ExternalServiceError(
                "CFBD /games answered something other than a list", service="cfbd"
            )
        for item in answer:
            if isinstance(item, Mapping) and to_str(item.get("id")) == wanted:
                return _game_info(item, wanted)
        raise PbpError(f"CFBD knows no game with id {wanted}")

    def game_plays(
        self, game_id: str | int, *, clock_at: ClockAt = "end", refresh: bool = False
    ) -> Game:
        """Every play of one game: ``/games`` to find its week, then ``/plays`` for that week.

        Raises:
            PbpError: No such game, or CFBD has no plays for it (yet).
            ExternalServiceError: CFBD failed.
        """
        info = self.game(game_id, refresh=refresh)
        rows = self.plays(info.season, info.week, info.home, info.season_type, refresh=refresh)
        mine = [row for row in rows if to_str(first(row, "gameId", "game_id")) == info.game_id]
        if not mine:
            raise PbpError(
                f"CFBD has no plays for game {info.game_id} ({info.away} at "
                f"{info.home}, {info.season} week {info.week}) yet"
            )
        return load_pbp(mine, clock_at=clock_at, game_id=info.game_id)


def _game_id(game_id: str | int) -> str:
    text = str(game_id).strip()
    if not text.isdigit():
        raise ConfigError(f"a CFBD game id is a number, not {game_id!r}")
    return text


def _game_info(item: Mapping[str, Any], game_id: str) -> CfbdGameInfo:
    """Read a ``/games`` item, v2 (``homeTeam``) or v1 (``home_team``) spelling."""
    season = to_int(item.get("season"))
    week = to_int(item.get("week"))
    home = to_str(first(item, "homeTeam", "home_team"))
    away = to_str(first(item, "awayTeam", "away_team"))
    season_type = to_str(first(item, "seasonType", "season_type")) or "regular"
    if season is None or week is None or home is None or away is None:
        raise ExternalServiceError(
            f"CFBD /games answered game {game_id} without season, week or teams", service="cfbd"
        )
    return CfbdGameInfo(game_id, season, week, season_type, home, away)
