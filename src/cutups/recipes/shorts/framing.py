"""How a 9:16 short frames its source: the typed result of reframing, for the renderer.

* :class:`FocusFraming`: one moving crop (a :class:`CropPath`) that follows the speaker.
* :class:`StackFraming`: a screen share: the screen on top, the webcam's face below.
* :class:`StaticFraming`: no face: a centre crop, or the whole frame over a blurred copy.

A :class:`CropPath` is piecewise linear in time: between two keys the crop's left edge moves at
constant speed; two keys at the same time are a cut from one position to the other (a switch
of person). :func:`CropPath.x_at` evaluates it exactly as the ffmpeg expression does
(:mod:`cutups.recipes.shorts.render_filter`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from cutups.analysis.face_types import FloatArray

__all__ = [
    "CropKey",
    "CropPath",
    "FocusFraming",
    "Framing",
    "Layout",
    "Rect",
    "StackFraming",
    "StaticFraming",
    "output_size",
]

Layout = Literal["focus", "stack", "static"]


@dataclass(frozen=True, slots=True)
class Rect:
    """A rectangle in source pixels (integers: ffmpeg crops whole pixels)."""

    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class CropKey:
    t: float
    """Seconds, source time."""
    x: float
    """Left edge of the crop, source pixels."""


@dataclass(frozen=True, slots=True)
class CropPath:
    """A crop window of fixed size whose left edge moves along ``keys``."""

    source_width: int
    source_height: int
    width: int
    height: int
    y: int
    keys: tuple[CropKey, ...]
    """Ascending in ``t``; equal times are a cut. At least one key."""
    switches: tuple[float, ...] = ()
    """Times the camera cut from one person to another."""

    def x_at(self, times: FloatArray) -> FloatArray:
        """The crop's left edge at ``times``: linear between keys, held outside them, and at a
        cut the new position from the cut's time on."""
        ts = np.array([k.t for k in self.keys])
        xs = np.array([k.x for k in self.keys])
        out = np.full(np.shape(times), xs[0], dtype=np.float64)
        for i in range(len(self.keys) - 1):
            t0, t1, x0, x1 = ts[i], ts[i + 1], xs[i], xs[i + 1]
            if t1 <= t0:
                out += (x1 - x0) * (times >= t0)
            else:
                out += (x1 - x0) * np.clip((times - t0) / (t1 - t0), 0.0, 1.0)
        return out


@dataclass(frozen=True, slots=True)
class FocusFraming:
    path: CropPath
    layout: Literal["focus"] = "focus"


@dataclass(frozen=True, slots=True)
class StackFraming:
    """The screen (fitted, over a blurred fill) above the webcam's face (cropped)."""

    screen: Rect
    face: Rect
    screen_share: float = 0.55
    """Share of the output height the screen takes (the seed's STACK_SCREEN_HEIGHT_RATIO)."""
    layout: Literal["stack"] = "stack"


@dataclass(frozen=True, slots=True)
class StaticFraming:
    """No one to follow: a still centre crop, or the whole frame fitted over a blurred fill."""

    crop: Rect
    mode: Literal["center", "blur"] = "blur"
    layout: Literal["static"] = "static"


Framing = FocusFraming | StackFraming | StaticFraming


def output_size(source_height: int, max_height: int = 1920) -> tuple[int, int]:
    """A 9:16 output at the source's resolution, at most 1080x1920 (even sizes for x264)."""
    height = min(max_height, source_height) // 2 * 2
    width = round(height * 9 / 16) // 2 * 2
    return width, height
