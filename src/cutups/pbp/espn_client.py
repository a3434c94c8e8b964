"""ESPN game-summary client: ``GET {base}/summary?event={id}``.

Off unless configured: ESPN's endpoints are unofficial, so Cutups only calls one the operator
names in ``CUTUPS_ESPN_BASE_URL`` (for college football,
``https://site.api.espn.com/apis/site/v2/sports/football/college-football``). Summaries of
finished games are cached on disk; a game still in progress is fetched afresh every time.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import httpx

from cutups.errors import ConfigError, ExternalServiceError
from cutups.pbp.load import load_pbp
from cutups.pbp.model import ClockAt, Game
from cutups.remote import JsonClient

if TYPE_CHECKING:
    from cutups.settings import Settings

__all__ = ["EspnClient", "is_final"]


class EspnClient(JsonClient):
    """Reads game summaries from ESPN.

    Arguments:
        base_url: Sport root (``CUTUPS_ESPN_BASE_URL``); required.
        cache_dir: Where finished games' summaries are cached; ``None`` disables the cache.
        transport, timeout, retry, sleep: As for :class:`~cutups.remote.JsonClient`.

    Raises:
        ConfigError: No base URL.
    """

    SERVICE = "espn"
    LABEL = "ESPN"
    NO_BASE_URL = (
        "ESPN is off: set CUTUPS_ESPN_BASE_URL (for college football "
        "https://site.api.espn.com/apis/site/v2/sports/football/college-football)"
    )

    @classmethod
    def from_settings(
        cls, settings: Settings, *, transport: httpx.BaseTransport | None = None
    ) -> EspnClient:
        """A client configured from :class:`~cutups.settings.Settings` (raises when off)."""
        return cls(settings.espn_base_url, settings.cache_dir, transport=transport)

    def summary(self, event_id: str | int, *, refresh: bool = False) -> dict[str, Any]:
        """The decoded summary of one event (game).

        Raises:
            ConfigError: The event id is not a number.
            ExternalServiceError: ESPN failed or answered something other than a JSON object.
        """
        wanted = str(event_id).strip()
        if not wanted.isdigit():
            raise ConfigError(f"an ESPN event id is a number, not {event_id!r}")
        answer = self._http.get("/summary", {"event": wanted}, refresh=refresh, cacheable=is_final)
        if not isinstance(answer, dict):
            raise ExternalServiceError(
                "ESPN summary answered something other than a JSON object", service="espn"
            )
        return answer

    def game(
        self, event_id: str | int, *, clock_at: ClockAt = "end", refresh: bool = False
    ) -> Game:
        """The parsed plays of one event.

        Raises:
            PbpError: The summary has no plays or an unknown shape.
            ExternalServiceError: ESPN failed.
        """
        return load_pbp(self.summary(event_id, refresh=refresh), clock_at=clock_at)


def is_final(summary: Any) -> bool:
    """Whether a summary is of a finished game (so caching it is safe).

    A summary without a status is taken as final: archived summaries often drop it.
    """
    if not isinstance(summary, Mapping):
        return False
    header = summary.get("header")
    competitions = header.get("competitions") if isinstance(header, Mapping) else None
    if not isinstance(competitions, list) or not competitions:
        return True
    competition = competitions[0]
    status = competition.get("status") if isinstance(competition, Mapping) else None
    kind = status.get("type") if isinstance(status, Mapping) else None
    if not isinstance(kind, Mapping):
        return True
    if kind.get("completed") is True or kind.get("state") == "post":
        return True
    return kind.get("state") not in ("pre", "in") and kind.get("completed") is not False
