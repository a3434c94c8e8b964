"""Translucent graphics keyed over the picture: an image with alpha, blended in YUV 4:2:0.

Network graphics (scorebugs, watermarks, lower thirds, promos) are drawn once in RGBA with
Pillow, converted here to premultiplied YUV planes with 8-bit alpha, and blended onto each
frame with integer arithmetic over their own rectangle only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFont

from cutups_testkit.yuv import U8, Frame, rgb_to_planes

__all__ = ["Overlay", "fit_font", "overlay_from_rgba", "text_alpha", "vertical_gradient"]

U16 = NDArray[np.uint16]
RGB = tuple[int, int, int]


@dataclass(frozen=True, slots=True)
class Overlay:
    """Premultiplied YUV planes (``y`` H x W, ``u``/``v`` H/2 x W/2, 0-255 x alpha) and alpha
    (``ay``, ``ac`` for chroma, 0-256)."""

    y: U16
    u: U16
    v: U16
    ay: U16
    ac: U16

    @property
    def width(self) -> int:
        return int(self.y.shape[1])

    @property
    def height(self) -> int:
        return int(self.y.shape[0])

    def draw(self, frame: Frame, x: int, y: int) -> None:
        """Blend onto ``frame`` with the top-left at (x, y) (even-aligned, clipped)."""
        x, y = x & ~1, y & ~1
        x0, y0 = max(x, 0), max(y, 0)
        x1, y1 = min(x + self.width, frame.width), min(y + self.height, frame.height)
        if x1 <= x0 or y1 <= y0:
            return
        sy, sx = slice(y0 - y, y1 - y), slice(x0 - x, x1 - x)
        _blend(frame.y[y0:y1, x0:x1], self.y[sy, sx], self.ay[sy, sx])
        cy = slice((y0 - y) // 2, (y1 - y) // 2)
        cx = slice((x0 - x) // 2, (x1 - x) // 2)
        dst = np.s_[y0 // 2 : y1 // 2, x0 // 2 : x1 // 2]
        _blend(frame.u[dst], self.u[cy, cx], self.ac[cy, cx])
        _blend(frame.v[dst], self.v[cy, cx], self.ac[cy, cx])


def _blend(dst: U8, premul: U16, alpha: U16) -> None:
    out = dst * (256 - alpha) + premul
    np.right_shift(out, 8, out=out)
    dst[:] = out


def overlay_from_rgba(rgb: U8, alpha: NDArray[np.float32]) -> Overlay:
    """Overlay from an (H, W, 3) RGB image and (H, W) alpha in 0-1 (H, W cropped to even)."""
    h, w = rgb.shape[0] & ~1, rgb.shape[1] & ~1
    planes = rgb_to_planes(np.ascontiguousarray(rgb[:h, :w]))
    a = np.clip(alpha[:h, :w], 0.0, 1.0)
    ac = (a[0::2, 0::2] + a[1::2, 0::2] + a[0::2, 1::2] + a[1::2, 1::2]) * 0.25
    ay16 = np.rint(a * 256).astype(np.uint16)
    ac16 = np.rint(ac * 256).astype(np.uint16)
    return Overlay(
        planes.y.astype(np.uint16) * ay16,
        planes.u.astype(np.uint16) * ac16,
        planes.v.astype(np.uint16) * ac16,
        ay16,
        ac16,
    )


def vertical_gradient(h: int, w: int, top: RGB, bottom: RGB) -> NDArray[np.float32]:
    """(h, w, 3) float image fading from ``top`` to ``bottom``."""
    t = np.linspace(0.0, 1.0, max(h, 1), dtype=np.float32)[:, None, None]
    a, b = np.array(top, np.float32), np.array(bottom, np.float32)
    return np.broadcast_to(a * (1 - t) + b * t, (h, w, 3)).astype(np.float32)


def fit_font(path: str, text: str, w: int, h: int) -> ImageFont.FreeTypeFont:
    """The largest font (at most 70 % of ``h``) in which ``text`` fits ``w`` pixels."""
    size = max(6, int(h * 0.7))
    while size > 6:
        font = ImageFont.truetype(path, size)
        if font.getlength(text) <= w * 0.92:
            return font
        size -= 1
    return ImageFont.truetype(path, 6)


def text_alpha(
    text: str, font: ImageFont.FreeTypeFont, w: int, h: int, align: str = "center"
) -> NDArray[np.float32]:
    """Anti-aliased coverage (0-1) of ``text`` centred vertically in a w x h box."""
    im = Image.new("L", (w, h), 0)
    pad = max(2, h // 5)
    anchor, x = {"center": ("mm", w / 2), "left": ("lm", pad), "right": ("rm", w - pad)}[align]
    ImageDraw.Draw(im).text((x, h / 2), text, font=font, fill=255, anchor=anchor)
    return np.asarray(im, np.float32) / 255.0
