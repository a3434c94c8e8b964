"""A stored job request read back as typed values: what the worker runs and the API checks.

The store keeps the submission as the client sent it (validated, JSON), in the seed's names::

    {"recipe": "plays",                   # any registered recipe; plays by default
     "video_url" | "upload_id" | "presigned_url": ..., "webhook_url": ...,
     "options": {...},                    # the recipe's options model (plays: the seed's names)
     "cfbd": {...},                       # the seed's top-level form of options.cfbd
     "pbp": <inline play-by-play JSON>, "pbp_upload_id": ...}

"Exactly one source" is checked here only; the API's body model calls :meth:`JobSpec.from_request`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from cutups.errors import ConfigError, InputError
from cutups.pbp.request import CfbdRequest
from cutups.recipes.base import Recipe, RecipeOptions
from cutups.recipes.registry import get_recipe
from cutups.settings import Settings
from cutups.sources.upload import upload_url

__all__ = ["SOURCE_FIELDS", "JobSpec", "SourceKind", "one_source"]

SourceKind = Literal["video_url", "presigned_url", "upload_id"]
SOURCE_FIELDS: tuple[SourceKind, ...] = ("video_url", "upload_id", "presigned_url")


def one_source(request: Mapping[str, Any]) -> SourceKind:
    """Which source field the request uses.

    Raises:
        ConfigError: not exactly one video source.
    """
    given = [k for k in SOURCE_FIELDS if request.get(k)]
    if len(given) != 1:
        names = ", ".join(SOURCE_FIELDS)
        got = "none" if not given else " and ".join(given)
        raise ConfigError(f"give exactly one video source ({names}); got {got}")
    return given[0]


@dataclass(frozen=True, slots=True)
class JobSpec:
    """Everything a worker needs from a submission, typed."""

    recipe: Recipe[Any, Any]
    options: RecipeOptions
    source_kind: SourceKind
    source: str
    """The URL, or the upload id."""
    webhook_url: str | None
    cfbd: CfbdRequest | None
    pbp: Any
    pbp_upload_id: str | None

    @classmethod
    def from_request(cls, request: Mapping[str, Any]) -> JobSpec:
        """Read a submission (as stored, or as the API received it).

        Raises:
            ConfigError: not exactly one video source, an unknown recipe, or options the
                recipe refuses; InputError: play-by-play for a recipe that does not use it.
        """
        kind = one_source(request)
        recipe = get_recipe(str(request.get("recipe") or "plays"))
        raw = dict(request.get("options") or {})
        if request.get("cfbd") and "cfbd" not in raw:
            raw["cfbd"] = request["cfbd"]  # the seed's top-level form
        options = recipe.options(raw)
        cfbd = getattr(options, "cfbd", None)
        spec = cls(
            recipe=recipe,
            options=options,
            source_kind=kind,
            source=str(request[kind]),
            webhook_url=request.get("webhook_url") or None,
            cfbd=cfbd if isinstance(cfbd, CfbdRequest) else None,
            pbp=request.get("pbp"),
            pbp_upload_id=request.get("pbp_upload_id") or None,
        )
        if spec.has_pbp and not recipe.uses_pbp:
            raise InputError(f"the {recipe.name} recipe does not use play-by-play")
        return spec

    def check(self, settings: Settings) -> None:
        """The recipe's own checks of its options (ConfigError), before anything is queued."""
        self.recipe.check(self.options, has_pbp=self.has_pbp, settings=settings)

    @property
    def source_url(self) -> str:
        """What the source registry fetches (``upload:<id>`` for uploads)."""
        return upload_url(self.source) if self.source_kind == "upload_id" else self.source

    @property
    def wants_cfbd(self) -> bool:
        return bool(self.cfbd and self.cfbd.use_cfbd)

    @property
    def has_pbp(self) -> bool:
        """True when the job has (or will fetch) play-by-play."""
        return self.pbp is not None or self.pbp_upload_id is not None or self.wants_cfbd
