"""A clip's framing as JSON (in ``plan.json`` and the saved timeline) and back."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from cutups.recipes.shorts.framing import (
    CropKey,
    CropPath,
    FocusFraming,
    Framing,
    Rect,
    StackFraming,
    StaticFraming,
)

__all__ = ["framing_from_json", "framing_to_json"]


def framing_to_json(framing: Framing) -> dict[str, Any]:
    """``framing`` as plain data; its ``layout`` field says which kind it is."""
    return dataclasses.asdict(framing)


def _rect(data: Mapping[str, Any]) -> Rect:
    return Rect(int(data["x"]), int(data["y"]), int(data["width"]), int(data["height"]))


def _path(data: Mapping[str, Any]) -> CropPath:
    return CropPath(
        source_width=int(data["source_width"]),
        source_height=int(data["source_height"]),
        width=int(data["width"]),
        height=int(data["height"]),
        y=int(data["y"]),
        keys=tuple(CropKey(float(k["t"]), float(k["x"])) for k in data["keys"]),
        switches=tuple(float(t) for t in data.get("switches", ())),
    )


def framing_from_json(data: Mapping[str, Any]) -> Framing:
    """The framing :func:`framing_to_json` wrote.

    Raises:
        ValueError: an unknown layout; KeyError: a missing field.
    """
    layout = data["layout"]
    if layout == "focus":
        return FocusFraming(_path(data["path"]))
    if layout == "stack":
        return StackFraming(_rect(data["screen"]), _rect(data["face"]), float(data["screen_share"]))
    if layout == "static":
        return StaticFraming(_rect(data["crop"]), data["mode"])
    raise ValueError(f"unknown layout {layout!r}")
