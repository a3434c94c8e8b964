"""The ``shorts`` recipe's options: the API body's ``options``, and the CLI's flags.

The caption style is an object (``caption_style``, API only) or a JSON file
(``--caption-style FILE``); durations are repeatable flags (``--durations short --durations
long``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from cutups.errors import ConfigError
from cutups.output.captions import CaptionStyle
from cutups.recipes.base import RecipeOptions
from cutups.recipes.shorts.candidates import DurationName
from cutups.recipes.shorts.framing import output_size
from cutups.recipes.shorts.plan import Layout, PlanOptions

__all__ = ["FULL_HEIGHT", "ShortsOptions"]

FULL_HEIGHT = 1920
"""Lines of a ``--resolution 1080x1920`` clip."""


class ShortsOptions(RecipeOptions):
    """What shorts to make (the seed's ``/ai-clipping`` fields, under Cutups' names)."""

    max_clips: int = Field(5, ge=1, le=50, description="at most this many clips")
    durations: tuple[DurationName, ...] = Field(
        ("short", "medium"),
        min_length=1,
        description="clip length ranges: short 15-30 s, medium 30-60 s, long 60-120 s (repeatable)",
        json_schema_extra={"metavar": "RANGE"},
    )
    platform: Literal["tiktok", "shorts", "reels"] = Field(
        "tiktok", description="where the clips go (recorded in the manifest)"
    )
    captions: bool = Field(True, description="burn word-by-word captions into the clips")
    caption_style: CaptionStyle = Field(
        default_factory=CaptionStyle,
        description="how burned captions look (the seed's CaptionStyle)",
        json_schema_extra={"cli": False},
    )
    caption_style_file: str | None = Field(
        None,
        max_length=4096,
        description="a JSON file with a CaptionStyle (overrides caption_style)",
        json_schema_extra={"cli": "--caption-style", "metavar": "FILE"},
    )
    layout: Layout = Field("auto", description="how the 9:16 frame is filled")
    resolution: Literal["source", "1080x1920"] = Field(
        "source",
        description="clip size: the source's own lines (at most 1080x1920), or always 1080x1920 "
        "(the platforms' size, scaled up from a smaller source)",
    )
    keywords: tuple[str, ...] = Field(
        (), description="words that make a clip score higher (repeatable)",
        json_schema_extra={"metavar": "WORD"},
    )  # fmt: skip

    def style(self) -> CaptionStyle:
        """The caption style: from ``caption_style_file`` when given, else ``caption_style``.

        Raises:
            ConfigError: the file is missing or not a caption style.
        """
        if self.caption_style_file is None:
            return self.caption_style
        path = Path(self.caption_style_file)
        try:
            return CaptionStyle.model_validate_json(path.read_bytes())
        except OSError as exc:
            raise ConfigError(f"cannot read caption style {path}: {exc.strerror}") from None
        except ValueError as exc:
            raise ConfigError(f"{path} is not a caption style: {exc}") from None

    def clip_size(self, source_height: int) -> tuple[int, int]:
        """The clips' (width, height) for a source ``source_height`` lines high."""
        return output_size(source_height if self.resolution == "source" else FULL_HEIGHT)

    def plan_options(self) -> PlanOptions:
        return PlanOptions(
            max_clips=self.max_clips, durations=self.durations, keywords=self.keywords
        )
