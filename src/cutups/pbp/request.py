"""Where a job's play-by-play comes from when it is not given as a file: a CFBD request."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["CfbdRequest"]


class CfbdRequest(BaseModel):
    """Fetch the game's play-by-play from CollegeFootballData (needs CUTUPS_CFBD_API_KEY)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    use_cfbd: bool = False
    game_id: int | str | None = Field(None, description="CFBD game id (preferred)")
    season: int | None = Field(None, ge=1869, le=2100)
    week: int | None = Field(None, ge=0, le=30)
    team: str | None = Field(None, max_length=100)
    season_type: Literal["regular", "postseason", "both"] = "regular"
