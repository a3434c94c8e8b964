"""Shaded upright people as sprites: players, referees in stripes, coaches with headsets.

A figure is painted with numpy on a normalised grid (shoulder pads, helmet, jersey, pants,
legs, shoes), shaded like a lit cylinder, at any pixel height; :class:`FigureBank` caches the
sprites by (outfit, pose, height) so a frame only copies them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from cutups_testkit.field import Sprite, make_sprite
from cutups_testkit.yuv import U8

__all__ = ["POSES", "FigureBank", "Outfit", "figure_rgb"]

RGB = tuple[int, int, int]
POSES = ("stand", "run_a", "run_b", "stance", "lean")


@dataclass(frozen=True, slots=True)
class Outfit:
    """Colours of one kind of person."""

    jersey: RGB
    trim: RGB  # helmet / cap
    pants: RGB
    socks: RGB
    stripes: bool = False  # referee shirt
    helmet: bool = True  # players wear helmets; coaches and referees caps
    headset: bool = False


def _box(
    xx: NDArray[np.float32], yy: NDArray[np.float32], x0: float, x1: float, y0: float, y1: float
) -> NDArray[np.bool_]:
    return (xx >= x0) & (xx <= x1) & (yy >= y0) & (yy <= y1)


def figure_rgb(outfit: Outfit, pose: str, h: int) -> tuple[U8, NDArray[np.bool_]]:
    """RGB image and mask of a figure ``h`` pixels tall in ``pose`` (one of :data:`POSES`)."""
    squat = pose == "stance"
    wide = 0.62 if squat else 0.46
    w = max(4, int(h * wide) + 2)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    yy = (yy + 0.5) / h
    xx = (xx + 0.5 - w / 2) / (w / 2)  # -1 .. 1 across
    if squat:  # bent over: everything lower and leaning forward
        yy = (yy - 0.22) / 0.78
        xx = xx * 1.2 + 0.18 * (1 - yy)
    if pose == "lean":
        xx = xx + 0.25 * (0.5 - yy)
    img = np.zeros((h, w, 3), np.float32)
    mask = np.zeros((h, w), bool)

    def paint(region: NDArray[np.bool_], col: RGB) -> None:
        img[region] = col
        mask[region] = True

    swing = {"run_a": 0.28, "run_b": -0.28}.get(pose, 0.0)
    for side in (-1.0, 1.0):  # legs
        cx = side * 0.24 + (swing * side if swing else 0.0)
        paint(_box(xx, yy, cx - 0.17, cx + 0.17, 0.64, 0.95), outfit.socks)
        paint(_box(xx, yy, cx - 0.2, cx + 0.22, 0.95, 1.0), (18, 18, 20))
    paint(_box(xx, yy, -0.56, 0.56, 0.45, 0.68), outfit.pants)
    torso = (yy >= 0.15) & (yy <= 0.47) & (np.abs(xx) <= 0.95 - (yy - 0.15) / 0.32 * 0.38)
    paint(torso, outfit.jersey)
    arm_y = -swing * 0.15
    for side in (-1.0, 1.0):
        paint(
            _box(
                xx,
                yy,
                0.66 * side - 0.16,
                0.66 * side + 0.16,
                0.2 + arm_y * side,
                0.44 + arm_y * side,
            ),
            outfit.jersey,
        )
    if outfit.stripes:
        band = ((xx * 6).astype(int) % 2 == 0) & (torso | (np.abs(xx) > 0.5) & (yy < 0.47))
        img[band & mask] = (12, 12, 12)
    head = ((xx / 0.34) ** 2 + ((yy - 0.085) / 0.085) ** 2) <= 1.0
    paint(head, outfit.trim if outfit.helmet else (196, 150, 120))
    if outfit.helmet:
        paint(_box(xx, yy, -0.3, 0.3, 0.1, 0.125), (150, 150, 150))  # face mask
    else:
        paint(_box(xx, yy, -0.36, 0.36, 0.0, 0.05), outfit.trim)  # cap
    if outfit.headset:
        paint(_box(xx, yy, -0.42, -0.3, 0.05, 0.13), (20, 20, 20))
    # cylinder shading, light from the upper left
    shade = 0.62 + 0.38 * np.cos(np.clip(xx + 0.25, -1.5, 1.5) * 1.05)
    shade = shade * (1.05 - 0.15 * np.clip(yy, 0, 1))
    out = np.clip(img * shade[..., None], 0, 255).astype(np.uint8)
    return out, mask


class FigureBank:
    """Cached :class:`Sprite` s of figures by outfit, pose and pixel height."""

    def __init__(self, outfits: dict[str, Outfit]) -> None:
        self.outfits = outfits
        self._cache: dict[tuple[str, str, int], Sprite] = {}

    def get(self, who: str, pose: str, h: int) -> Sprite:
        """Sprite of ``who`` (a key of ``outfits``) in ``pose``, about ``h`` pixels tall."""
        h = max(6, int(h) & ~1)
        key = (who, pose, h)
        hit = self._cache.get(key)
        if hit is None:
            rgb, mask = figure_rgb(self.outfits[who], pose, h)
            hit = make_sprite(rgb, mask)
            if len(self._cache) > 4000:
                self._cache.clear()
            self._cache[key] = hit
        return hit
