"""One typed ``Settings`` object, read once at start-up by the CLI or the service.

Environment variables use the ``CUTUPS_`` prefix. For compatibility with the predecessor's
deployments, its un-prefixed names (``PLAY_PRE_PAD_SEC``, ``CFBD_API_KEY``, ...) are accepted too;
the prefixed name wins when both are set.

Nothing here is read at import time: build ``Settings()`` in an entry point and pass it down.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "default_cache_dir"]


def _env(name: str, legacy: str | None = None) -> AliasChoices:
    names = [f"CUTUPS_{name}"]
    if legacy:
        names.append(legacy)
    return AliasChoices(*names)


def default_cache_dir() -> Path:
    """Where analysis signals are cached when nothing else is configured."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cutups"


class Settings(BaseSettings):
    """Every tunable of Cutups, with the environment variable that sets it."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True, frozen=True)

    # -- clip windows (seed: PLAY_*_SEC) -------------------------------------------------------
    play_pre_pad_sec: float = Field(2.0, ge=0, le=30, validation_alias=_env("PLAY_PRE_PAD_SEC", "PLAY_PRE_PAD_SEC"))
    """Seconds of video kept before the snap."""
    play_post_pad_sec: float = Field(2.0, ge=0, le=30, validation_alias=_env("PLAY_POST_PAD_SEC", "PLAY_POST_PAD_SEC"))
    """Seconds of video kept after the whistle."""
    play_min_sec: float = Field(4.0, ge=0.5, le=120, validation_alias=_env("PLAY_MIN_SEC", "PLAY_MIN_SEC"))
    play_max_sec: float = Field(40.0, ge=1, le=600, validation_alias=_env("PLAY_MAX_SEC", "PLAY_MAX_SEC"))

    # -- processing ---------------------------------------------------------------------------
    jobs: int = Field(0, ge=0, le=64, validation_alias=_env("JOBS"))
    """Parallel ffmpeg processes for cutting; 0 means one per core."""
    cache_dir: Path = Field(default_factory=default_cache_dir, validation_alias=_env("CACHE_DIR"))
    """Analysis-signal cache (``.npz`` keyed by content hash + params + code version)."""
    data_dir: Path = Field(Path("cutups-data"), validation_alias=_env("DATA_DIR"))
    """Service data: job store, uploads, job outputs."""
    max_concurrency: int = Field(2, ge=1, le=64, validation_alias=_env("MAX_CONCURRENCY", "MAX_CONCURRENCY"))
    ffmpeg: str = Field("ffmpeg", validation_alias=_env("FFMPEG"))
    ffprobe: str = Field("ffprobe", validation_alias=_env("FFPROBE"))

    # -- confidence (seed: CONF_HIDE_THRESHOLD) -------------------------------------------------
    conf_hide_threshold: float = Field(40.0, ge=0, le=100, validation_alias=_env("CONF_HIDE_THRESHOLD", "CONF_HIDE_THRESHOLD"))

    # -- external services: all off unless configured --------------------------------------------
    cfbd_api_key: str | None = Field(None, validation_alias=_env("CFBD_API_KEY", "CFBD_API_KEY"))
    cfbd_base_url: str = Field("https://api.collegefootballdata.com", validation_alias=_env("CFBD_BASE_URL"))
    espn_base_url: str | None = Field(None, validation_alias=_env("ESPN_BASE_URL"))
    """ESPN summary endpoint base; None keeps the ESPN client off."""
    pbp_clock_at: Literal["end", "snap"] = Field("end", validation_alias=_env("PBP_CLOCK_AT"))
    """Whether listed play clocks are end-of-play stamps (CFBD/ESPN since ~2005) or snap times."""
