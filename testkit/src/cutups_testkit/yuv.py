"""Frames composed directly in YUV 4:2:0 (BT.601, limited range).

Composing in the encoder's own pixel format is what makes a 3-hour render fit the time budget:
piping RGB would make ffmpeg convert every frame (about 2.5 ms per 720p frame on one core,
more than our whole frame composition). Every asset is converted once; drawing is slicing and
copying planes. Positions and sizes are even so chroma lines up with luma.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["U8", "Frame", "Planes", "rgb_to_planes", "rgb_to_yuv"]

U8 = NDArray[np.uint8]


def rgb_to_yuv(rgb: tuple[int, int, int]) -> tuple[int, int, int]:
    """One colour, RGB 0-255 to limited-range BT.601 YUV."""
    r, g, b = (float(c) for c in rgb)
    y = 16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255
    u = 128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255
    v = 128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255
    return round(y), round(u), round(v)


@dataclass(frozen=True, slots=True)
class Planes:
    """An image in YUV 4:2:0: ``y`` (H, W), ``u`` and ``v`` (H/2, W/2); H and W even."""

    y: U8
    u: U8
    v: U8

    @property
    def width(self) -> int:
        return int(self.y.shape[1])

    @property
    def height(self) -> int:
        return int(self.y.shape[0])

    def crop(self, x: int, y: int, w: int, h: int) -> Planes:
        """View of the even-aligned rectangle (no copy)."""
        x, y = x & ~1, y & ~1
        return Planes(
            self.y[y : y + h, x : x + w],
            self.u[y // 2 : (y + h) // 2, x // 2 : (x + w) // 2],
            self.v[y // 2 : (y + h) // 2, x // 2 : (x + w) // 2],
        )


def rgb_to_planes(rgb: NDArray[np.uint8]) -> Planes:
    """Convert an (H, W, 3) RGB image (H, W even) to :class:`Planes`."""
    h, w = rgb.shape[0] & ~1, rgb.shape[1] & ~1
    f = rgb[:h, :w].astype(np.float32)
    r, g, b = f[..., 0], f[..., 1], f[..., 2]
    y = 16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255
    u = 128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255
    v = 128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255

    def sub(p: NDArray[np.float32]) -> NDArray[np.float32]:
        s = p[0::2, 0::2] + p[1::2, 0::2] + p[0::2, 1::2] + p[1::2, 1::2]
        return np.asarray(s * np.float32(0.25), dtype=np.float32)

    def u8(p: NDArray[np.float32]) -> U8:
        return np.clip(np.rint(p), 0, 255).astype(np.uint8)

    return Planes(u8(y), u8(sub(u)), u8(sub(v)))


class Frame:
    """The output buffer: one contiguous I420 frame with plane views for drawing."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        n = width * height
        self.buf: U8 = np.zeros(n * 3 // 2, np.uint8)
        self.y: U8 = self.buf[:n].reshape(height, width)
        self.u: U8 = self.buf[n : n + n // 4].reshape(height // 2, width // 2)
        self.v: U8 = self.buf[n + n // 4 :].reshape(height // 2, width // 2)

    def blit(self, img: Planes, x: int, y: int) -> None:
        """Copy ``img`` with its top-left at (x, y) (rounded down to even), clipped."""
        x, y = x & ~1, y & ~1
        x0, y0 = max(x, 0), max(y, 0)
        x1, y1 = min(x + img.width, self.width), min(y + img.height, self.height)
        if x1 <= x0 or y1 <= y0:
            return
        sx, sy = x0 - x, y0 - y
        self.y[y0:y1, x0:x1] = img.y[sy : sy + y1 - y0, sx : sx + x1 - x0]
        cx0, cy0, cx1, cy1 = x0 // 2, y0 // 2, x1 // 2, y1 // 2
        self.u[cy0:cy1, cx0:cx1] = img.u[
            sy // 2 : sy // 2 + cy1 - cy0, sx // 2 : sx // 2 + cx1 - cx0
        ]
        self.v[cy0:cy1, cx0:cx1] = img.v[
            sy // 2 : sy // 2 + cy1 - cy0, sx // 2 : sx // 2 + cx1 - cx0
        ]

    def fill(self, x: int, y: int, w: int, h: int, yuv: tuple[int, int, int]) -> None:
        """Fill the rectangle (even-aligned, clipped) with one YUV colour."""
        x, y = x & ~1, y & ~1
        w, h = (w + 1) & ~1, (h + 1) & ~1
        x0, y0 = max(x, 0), max(y, 0)
        x1, y1 = min(x + w, self.width), min(y + h, self.height)
        if x1 <= x0 or y1 <= y0:
            return
        self.y[y0:y1, x0:x1] = yuv[0]
        self.u[y0 // 2 : y1 // 2, x0 // 2 : x1 // 2] = yuv[1]
        self.v[y0 // 2 : y1 // 2, x0 // 2 : x1 // 2] = yuv[2]

    def clear(self, yuv: tuple[int, int, int]) -> None:
        """Whole frame to one colour."""
        self.y[:] = yuv[0]
        self.u[:] = yuv[1]
        self.v[:] = yuv[2]

    def copy_from(self, img: Planes, x: int = 0, y: int = 0) -> None:
        """Fill the whole frame from ``img`` at offset (x, y) (img must cover the frame)."""
        x, y = x & ~1, y & ~1
        w, h = self.width, self.height
        np.copyto(self.y, img.y[y : y + h, x : x + w])
        np.copyto(self.u, img.u[y // 2 : y // 2 + h // 2, x // 2 : x // 2 + w // 2])
        np.copyto(self.v, img.v[y // 2 : y // 2 + h // 2, x // 2 : x // 2 + w // 2])
