"""Commercials: a few pre-rendered panels per ad, cut every few seconds, with moving parts.

"lawn" and "golf" ads are green and full of motion on purpose: they look like a field.
"""

from __future__ import annotations

import math
from collections import OrderedDict

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from cutups_testkit.inserts import AdSpec
from cutups_testkit.looks import Look
from cutups_testkit.yuv import Frame, Planes, rgb_to_planes, rgb_to_yuv

__all__ = ["AdRenderer"]

_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
_NAMES = {
    "lawn": "GREENCUT MOWERS",
    "golf": "FAIRWAY CLUB",
    "truck": "RIDGE TRUCKS",
    "soda": "FIZZ COLA",
    "bank": "FIRST HARBOR BANK",
    "phone": "NOVA WIRELESS",
    "pizza": "SLICE HOUSE",
    "insurance": "SHIELD MUTUAL",
}


class AdRenderer:
    """Draws ad frames; keeps the panels of the few most recent ads."""

    def __init__(self, look: Look) -> None:
        self.W, self.H = look.width, look.height
        self._cache: OrderedDict[int, list[Planes]] = OrderedDict()

    def _panels(self, ad: AdSpec) -> list[Planes]:
        hit = self._cache.get(ad.seed)
        if hit is not None:
            return hit
        rng = np.random.default_rng([ad.seed, 0xAD])
        W2, H = self.W * 2, self.H
        panels = []
        for i in range(3):
            if ad.green:
                g = np.array([50 + 20 * i, 140 + int(rng.integers(0, 30)), 50], np.float32)
                cols = np.arange(W2)
                stripe = ((cols // max(8, self.W // 12)) % 2).astype(np.float32)
                row = g[None, :] + (stripe[:, None] * 22 - 11)
                img = np.broadcast_to(row[None], (H, W2, 3)).astype(np.uint8).copy()
                img[: int(H * 0.25)] = (120, 170, 230)  # sky
            else:
                c0 = rng.integers(20, 235, 3)
                c1 = rng.integers(20, 235, 3)
                grad = np.linspace(0, 1, H, dtype=np.float32)[:, None, None]
                img = (c0 * (1 - grad) + c1 * grad).astype(np.uint8)
                img = np.broadcast_to(img, (H, W2, 3)).copy()
                if ad.kind == "truck":
                    img[int(H * 0.65) :] = (60, 60, 64)
                    img[int(H * 0.8) : int(H * 0.82), ::80] = (240, 220, 60)
            pil = Image.fromarray(img)
            d = ImageDraw.Draw(pil)
            f = ImageFont.truetype(_FONT, max(10, int(H * 0.08)))
            for k in range(2):
                d.text(
                    (self.W * (0.5 + k), H * (0.16 if ad.green else 0.3)),
                    _NAMES[ad.kind],
                    font=f,
                    fill=(255, 255, 255),
                    anchor="mm",
                    stroke_width=2,
                    stroke_fill=(0, 0, 0),
                )
            panels.append(rgb_to_planes(np.asarray(pil, np.uint8)))
        self._cache[ad.seed] = panels
        while len(self._cache) > 6:
            self._cache.popitem(last=False)
        return panels

    def draw(self, frame: Frame, ad: AdSpec, t: float) -> None:
        """Frame ``t`` seconds into ``ad``."""
        panels = self._panels(ad)
        cut = int(t / 4.0) % len(panels)  # ads cut every 4 s
        img = panels[cut]
        speed = {"lawn": 90.0, "golf": 40.0, "truck": 260.0}.get(ad.kind, 25.0)
        x = int((t * speed * self.W / 640) % self.W)
        frame.copy_from(img, x, 0)
        H, W = self.H, self.W
        rng_phase = (ad.seed % 97) / 97 * 6.28
        if ad.kind == "lawn":  # a mower crossing the lawn
            mx = int(((t * 0.25 + rng_phase) % 1.0) * (W + 120)) - 120
            frame.fill(mx, int(H * 0.6), int(W * 0.09), int(H * 0.1), rgb_to_yuv((200, 30, 30)))
        elif ad.kind == "golf":  # ball in flight
            u = (t % 3.0) / 3.0
            bx, by = int(W * (0.1 + 0.8 * u)), int(H * (0.7 - 0.5 * math.sin(math.pi * u)))
            frame.fill(bx, by, max(4, W // 120), max(4, W // 120), rgb_to_yuv((250, 250, 250)))
        elif ad.kind == "truck":
            frame.fill(
                int(W * 0.3), int(H * 0.5), int(W * 0.35), int(H * 0.18), rgb_to_yuv((180, 20, 20))
            )
        else:  # product bobbing
            bob = int(H * 0.04 * math.sin(t * 3 + rng_phase))
            frame.fill(
                int(W * 0.42),
                int(H * 0.45) + bob,
                int(W * 0.16),
                int(H * 0.3),
                rgb_to_yuv((240, 240, 240)),
            )
