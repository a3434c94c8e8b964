"""A stored job request read back as typed values: what the worker runs and the API checks.

The store keeps the submission as the client sent it (validated, JSON), in the seed's names::

    {"video_url" | "upload_id" | "presigned_url": ..., "webhook_url": ...,
     "options": {"play_padding_pre", "play_padding_post", "min_duration", "max_duration",
                 "scene_thresh", "team", "only": [...], "cfbd": {...}},
     "cfbd": {...},                       # the seed's top-level form, also accepted
     "pbp": <inline play-by-play JSON>, "pbp_upload_id": ...}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from cutups.errors import ConfigError
from cutups.recipes.plays import BUCKETS, PlaysOptions
from cutups.recipes.windows import window_options
from cutups.settings import Settings
from cutups.sources.upload import upload_url

__all__ = ["SOURCE_FIELDS", "JobSpec", "SourceKind"]

SourceKind = Literal["video_url", "presigned_url", "upload_id"]
SOURCE_FIELDS: tuple[SourceKind, ...] = ("video_url", "upload_id", "presigned_url")


@dataclass(frozen=True, slots=True)
class JobSpec:
    """Everything a worker needs from a submission."""

    source_kind: SourceKind
    source: str
    """The URL, or the upload id."""
    webhook_url: str | None
    options: Mapping[str, Any]
    cfbd: Mapping[str, Any] | None
    pbp: Any
    pbp_upload_id: str | None

    @classmethod
    def from_request(cls, request: Mapping[str, Any]) -> JobSpec:
        """Read a stored submission.

        Raises:
            ConfigError: not exactly one video source.
        """
        given = [k for k in SOURCE_FIELDS if request.get(k)]
        if len(given) != 1:
            names = ", ".join(SOURCE_FIELDS)
            got = "none" if not given else " and ".join(given)
            raise ConfigError(f"give exactly one video source ({names}); got {got}")
        kind = given[0]
        options = dict(request.get("options") or {})
        cfbd = options.get("cfbd") or request.get("cfbd")
        return cls(
            source_kind=kind,
            source=str(request[kind]),
            webhook_url=request.get("webhook_url") or None,
            options=options,
            cfbd=dict(cfbd) if cfbd else None,
            pbp=request.get("pbp"),
            pbp_upload_id=request.get("pbp_upload_id") or None,
        )

    @property
    def source_url(self) -> str:
        """What the source registry fetches (``upload:<id>`` for uploads)."""
        return upload_url(self.source) if self.source_kind == "upload_id" else self.source

    @property
    def wants_cfbd(self) -> bool:
        return bool(self.cfbd and self.cfbd.get("use_cfbd"))

    @property
    def has_pbp(self) -> bool:
        """True when the job has (or will fetch) play-by-play."""
        return self.pbp is not None or self.pbp_upload_id is not None or self.wants_cfbd

    @property
    def team(self) -> str | None:
        team = self.options.get("team") or (self.cfbd or {}).get("team")
        return str(team) if team else None

    def plays_options(self, settings: Settings) -> PlaysOptions:
        """The recipe options: the seed's names over the server's defaults.

        Raises:
            ConfigError: padding or lengths out of range, unknown buckets, or ``only`` without
                the play-by-play and team that buckets come from.
        """
        o = self.options

        def pick(name: str, default: float) -> float:
            value = o.get(name)
            return float(value) if value is not None else default

        def chosen(name: str, setting: str) -> float | None:
            """Padding the job or the server's environment set; None for the default."""
            value = o.get(name)
            if value is not None:
                return float(value)
            chosen_setting: float | None = settings.chosen(setting)
            return chosen_setting

        windows = window_options(
            pre=chosen("play_padding_pre", "play_pre_pad_sec"),
            post=chosen("play_padding_post", "play_post_pad_sec"),
            default_pre=settings.play_pre_pad_sec,
            default_post=settings.play_post_pad_sec,
            min_len=pick("min_duration", settings.play_min_sec),
            max_len=pick("max_duration", settings.play_max_sec),
        )
        only = tuple(str(b) for b in o.get("only") or ())
        unknown = sorted(set(only) - set(BUCKETS))
        if unknown:
            raise ConfigError(f"unknown bucket(s) {unknown}; buckets are {list(BUCKETS)}")
        if only and not (self.has_pbp and self.team):
            raise ConfigError(
                "options.only needs play-by-play (pbp, pbp_upload_id or cfbd) and a team "
                "(options.team): buckets come from play-by-play"
            )
        return PlaysOptions(windows=windows, team=self.team, only=only)
