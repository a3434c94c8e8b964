"""The field panorama and player sprites, pre-rendered once per look and zoom.

Field coordinates are yards: ``X`` along the field from the left end line (goal lines at 10
and 110), ``Y`` across it from the far sideline (0) to the near one (53.3). The wide camera
sees about 38 yards; a replay camera zooms in 1.6x.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFont

from cutups_testkit.looks import Look
from cutups_testkit.teams import TeamSpec
from cutups_testkit.yuv import U8, Frame, Planes, rgb_to_planes

__all__ = ["FIELD_W", "FieldArt", "Sprite"]

FIELD_W = 53.33
_MARGIN = 26.0  # yards of panorama beyond each end line, so the camera can frame end zones
_VIEW_YARDS = 38.0
_NUM_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


@dataclass(frozen=True, slots=True)
class Sprite:
    """A masked image: planes plus masks for luma and chroma."""

    img: Planes
    my: NDArray[np.bool_]
    mc: NDArray[np.bool_]

    def draw(self, frame: Frame, x: int, y: int) -> None:
        """Draw with top-left (x, y), clipped to the frame."""
        x, y = x & ~1, y & ~1
        h, w = self.my.shape
        x0, y0 = max(x, 0), max(y, 0)
        x1, y1 = min(x + w, frame.width), min(y + h, frame.height)
        if x1 <= x0 or y1 <= y0:
            return
        sx, sy = x0 - x, y0 - y
        np.copyto(
            frame.y[y0:y1, x0:x1],
            self.img.y[sy : sy + y1 - y0, sx : sx + x1 - x0],
            where=self.my[sy : sy + y1 - y0, sx : sx + x1 - x0],
        )
        cs = np.s_[sy // 2 : sy // 2 + (y1 - y0) // 2, sx // 2 : sx // 2 + (x1 - x0) // 2]
        cd = np.s_[y0 // 2 : y0 // 2 + (y1 - y0) // 2, x0 // 2 : x0 // 2 + (x1 - x0) // 2]
        np.copyto(frame.u[cd], self.img.u[cs], where=self.mc[cs])
        np.copyto(frame.v[cd], self.img.v[cs], where=self.mc[cs])


def make_sprite(rgb: U8, mask: NDArray[np.bool_]) -> Sprite:
    """Sprite from an RGB image and boolean mask (both cropped to even size)."""
    h, w = mask.shape[0] & ~1, mask.shape[1] & ~1
    m = mask[:h, :w]
    mc = m[0::2, 0::2] | m[1::2, 0::2] | m[0::2, 1::2] | m[1::2, 1::2]
    return Sprite(rgb_to_planes(rgb[:h, :w]), m, mc)


def _player_rgb(team: TeamSpec, w: int, h: int, pose: int) -> tuple[U8, NDArray[np.bool_]]:
    img = np.zeros((h, w, 3), np.uint8)
    m = np.zeros((h, w), bool)
    hw = max(2, int(w * 0.56))
    hx = (w - hw) // 2
    hh = max(2, int(h * 0.2))
    img[0:hh, hx : hx + hw] = team.secondary
    m[0:hh, hx : hx + hw] = True
    jy = hh
    jh = max(2, int(h * 0.38))
    img[jy : jy + jh] = team.primary
    m[jy : jy + jh] = True
    stripe = max(1, h // 18)
    img[jy + jh // 2 : jy + jh // 2 + stripe] = team.secondary
    py = jy + jh
    ph = max(2, int(h * 0.18))
    img[py : py + ph, 1 : w - 1] = (228, 228, 222)
    m[py : py + ph, 1 : w - 1] = True
    ly = py + ph
    lw = max(1, w // 3)
    legs = [(1, 1 + lw), (w - 1 - lw, w - 1)] if pose == 0 else [(0, lw), (w - lw, w)]
    for a, b in legs:
        img[ly:h, a:b] = (35, 35, 40)
        m[ly:h, a:b] = True
    return img, m


class FieldArt:
    """Pre-rendered panorama and sprites for one look, matchup and zoom."""

    def __init__(self, look: Look, home: TeamSpec, away: TeamSpec, zoom: float, seed: int) -> None:
        self.look, self.zoom = look, zoom
        W, H = look.width, look.height
        self.ppy = W / _VIEW_YARDS * zoom  # pixels per yard along the field
        self.top = int(H * zoom * 0.2)  # first field row (stands above)
        self.vy = (H * zoom - self.top) / (FIELD_W + 3.0)  # rows per yard across the field
        pw = int((120 + 2 * _MARGIN) * self.ppy) & ~1
        ph = int(H * zoom) & ~1
        self.pano = rgb_to_planes(self._panorama(pw, ph, home, away, np.random.default_rng(seed)))
        sw = max(4, int(0.42 * W / _VIEW_YARDS * zoom * 1.0)) & ~1
        sh = max(8, int(1.05 * W / _VIEW_YARDS * zoom)) & ~1
        self.sprite_w, self.sprite_h = sw, sh
        self.sprites = {
            (side, pose): make_sprite(*_player_rgb(team, sw, sh, pose))
            for side, team in ((True, home), (False, away))
            for pose in (0, 1)
        }
        bw, bh = max(4, sw // 2) & ~1, max(2, sh // 8) & ~1
        ball = np.zeros((bh, bw, 3), np.uint8)
        ball[:] = (120, 66, 24)
        self.ball = make_sprite(ball, np.ones((bh, bw), bool))
        ref = np.zeros((sh, sw, 3), np.uint8)
        ref[:] = (240, 240, 240)
        ref[:, ::4] = (15, 15, 15)
        ref[int(sh * 0.78) :] = (20, 20, 20)
        self.ref = make_sprite(ref, np.ones((sh, sw), bool))

    # ---- coordinates ------------------------------------------------------------------------
    def px(self, x_yd: float) -> float:
        """Panorama column of field X (yards)."""
        return (x_yd + _MARGIN) * self.ppy

    def py(self, y_yd: float) -> float:
        """Panorama row of field Y (yards)."""
        return self.top + (y_yd + 1.5) * self.vy

    def pxs(self, x_yd: NDArray[np.float64]) -> NDArray[np.float64]:
        """Panorama columns of many field X values."""
        return (x_yd + _MARGIN) * self.ppy

    def pys(self, y_yd: NDArray[np.float64]) -> NDArray[np.float64]:
        """Panorama rows of many field Y values."""
        return self.top + (y_yd + 1.5) * self.vy

    def view_x(self, cam_x: float) -> int:
        """Left panorama column of the view centred on field X ``cam_x``, clamped."""
        x = int(float(self.px(cam_x)) - self.look.width / 2)
        return int(np.clip(x, 0, self.pano.width - self.look.width)) & ~1

    def view_y(self, cam_y: float) -> int:
        """Top panorama row of the view centred on field Y ``cam_y``, clamped."""
        y = int(float(self.py(cam_y)) - self.look.height / 2)
        return int(np.clip(y, 0, self.pano.height - self.look.height)) & ~1

    # ---- panorama ---------------------------------------------------------------------------
    def _panorama(
        self, pw: int, ph: int, home: TeamSpec, away: TeamSpec, rng: np.random.Generator
    ) -> U8:
        look = self.look
        img = np.zeros((ph, pw, 3), np.uint8)
        cols = np.arange(pw)
        xs = cols / self.ppy - _MARGIN  # field X per column
        base = np.array(look.field_green, np.float32)
        stripe = np.floor((xs - 10) / look.stripe_yards).astype(int) % 2
        shade = np.where(stripe == 0, look.stripe_delta / 2, -look.stripe_delta / 2)
        row = np.clip(base[None, :] + shade[:, None], 0, 255).astype(np.uint8)
        img[self.top :] = row[None, :, :]
        # slight depth shading: far side darker
        depth = np.linspace(0.82, 1.0, ph - self.top, dtype=np.float32)[:, None, None]
        img[self.top :] = (img[self.top :].astype(np.float32) * depth).astype(np.uint8)
        for lo, hi, team in ((0, 10, home), (110, 120, away)):
            c0, c1 = int(self.px(lo)), int(self.px(hi))
            img[self.top :, c0:c1] = np.array(team.primary, np.uint8)
        y0, y1 = int(self.py(0)), int(self.py(FIELD_W))
        lw = max(2, int(self.ppy * 0.12))
        for yard in range(10, 111, 5):
            c = int(self.px(yard))
            img[y0:y1, c : c + lw] = 235
        for yard in range(11, 110):
            c = int(self.px(yard))
            for yh in (1.0, 20.0, 33.3, 52.3):
                r = int(self.py(yh))
                img[r : r + max(2, int(self.vy * 0.6)), c : c + max(1, lw // 2)] = 230
        img[y0 : y0 + lw, int(self.px(0)) : int(self.px(120))] = 240
        img[y1 : y1 + lw, int(self.px(0)) : int(self.px(120))] = 240
        # stands: tiers of crowd noise above the field
        n = rng.integers(0, 256, size=(self.top // 3 + 1, pw // 3 + 1, 3), dtype=np.uint8)
        crowd = np.repeat(np.repeat(n, 3, axis=0), 3, axis=1)[: self.top, :pw]
        tiers = (np.arange(self.top) // max(4, self.top // 6)) % 2
        dim = np.where(tiers == 0, 0.55, 0.4)[:, None, None]
        img[: self.top] = (crowd.astype(np.float32) * dim).astype(np.uint8)
        img[max(0, self.top - 6) : self.top] = (60, 60, 70)
        pil = Image.fromarray(img)
        d = ImageDraw.Draw(pil)
        font = ImageFont.truetype(_NUM_FONT, max(10, int(self.vy * 2.6)))
        for yard in range(20, 101, 10):
            label = str(50 - abs(60 - yard))
            for yy in (9.0, 42.0):
                d.text(
                    (float(self.px(yard)), float(self.py(yy))),
                    label,
                    font=font,
                    fill=(236, 236, 236),
                    anchor="mm",
                )
        cx, cy = float(self.px(60)), float(self.py(FIELD_W / 2))
        rad = self.vy * 4
        d.ellipse(
            (cx - rad * 1.6, cy - rad, cx + rad * 1.6, cy + rad),
            fill=home.primary,
            outline=home.secondary,
            width=max(2, int(rad / 6)),
        )
        bigf = ImageFont.truetype(_NUM_FONT, max(12, int(self.vy * 4)))
        for lo, team in ((5, home), (115, away)):
            d.text(
                (float(self.px(lo)), cy),
                team.mascot.upper()[:10],
                font=bigf,
                fill=team.secondary,
                anchor="mm",
            )
        return np.asarray(pil, np.uint8)
