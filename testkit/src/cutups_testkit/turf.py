"""The field as a texture seen through a :class:`~cutups_testkit.camera.Camera`.

The texture is painted once per look and matchup in field yards (columns ``X``, rows the
classic ``Y``: far sideline 0, near 53.3): grass with mowing stripes and grain, yard lines,
hash marks, numbers (the far ones upside down, as the near camera sees them), end zones in the
teams' colours, a midfield logo, the sideline apron and the track. It is kept as a mip pyramid
of YUV planes; each picture row samples the level that matches its distance (no shimmering
stripes far away). Above the far wall the picture shows the stands, a plane rising away from
the field, sampled the same way.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFont

from cutups_testkit.camera import Camera, GroundRows
from cutups_testkit.looks import Look
from cutups_testkit.teams import TeamSpec
from cutups_testkit.yuv import U8, Frame, Planes, rgb_to_planes

__all__ = ["FIELD_W", "MARGIN_X", "MARGIN_Y", "Turf", "world_y"]

FIELD_W = 53.33
MARGIN_X = 22.0  # yards of texture beyond each end line
MARGIN_Y = 16.0  # yards of texture beyond each sideline
WALL = 9.0  # the stands start this many yards beyond the far sideline
_STAND_SLOPE = math.radians(32)
_NUM_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
_LEVELS = 4
F32 = NDArray[np.float32]


def world_y(classic_y: NDArray[np.float64] | float) -> NDArray[np.float64]:
    """World ``Y`` (near sideline 0, far 53.3; right-handed with X and Z up) of classic ``Y``."""
    return np.asarray(FIELD_W - np.asarray(classic_y, float))


def _half(p: U8) -> U8:
    h, w = p.shape[0] & ~1, p.shape[1] & ~1
    q = p[:h, :w].astype(np.uint16)
    s = q[0::2, 0::2] + q[1::2, 0::2] + q[0::2, 1::2] + q[1::2, 1::2] + 2
    return np.asarray(s >> 2, np.uint8)


class Turf:
    """Field texture pyramid plus the stands, and the renderer of the ground for a camera."""

    def __init__(self, look: Look, home: TeamSpec, away: TeamSpec, seed: int) -> None:
        self.look = look
        self.scale = max(8.0, round(look.width / 56))  # texels per yard at level 0
        rng = np.random.default_rng([seed, 0x7F])
        rgb = self._paint(home, away, rng)
        planes = rgb_to_planes(rgb)
        self.levels: list[tuple[U8, U8, U8]] = [(planes.y, planes.u, planes.v)]
        for _ in range(1, _LEVELS):
            y, u, v = self.levels[-1]
            self.levels.append((_half(y), _half(u), _half(v)))
        self.stands = rgb_to_planes(self._paint_stands(home, away, rng))

    # ---- painting ---------------------------------------------------------------------------
    def _paint(self, home: TeamSpec, away: TeamSpec, rng: np.random.Generator) -> U8:
        s, lk = self.scale, self.look
        w = int((120 + 2 * MARGIN_X) * s) & ~1
        h = int((FIELD_W + 2 * MARGIN_Y) * s) & ~1
        xs = np.arange(w) / s - MARGIN_X
        ys = np.arange(h) / s - MARGIN_Y
        base = np.array(lk.field_green, np.float32)
        stripe = np.floor((xs - 10) / lk.stripe_yards).astype(int) % 2
        shade = np.where(stripe == 0, lk.stripe_delta / 2, -lk.stripe_delta / 2).astype(np.float32)
        inside_y = (ys >= -4) & (ys <= FIELD_W + 4)
        img = np.empty((h, w, 3), np.float32)
        img[:] = base * 0.82  # apron and beyond: darker, unmown grass
        img[inside_y] = base + shade[:, None]
        grain = rng.normal(0, 3.0, (h // 2 + 1, w // 2 + 1)).astype(np.float32)
        img += np.repeat(np.repeat(grain, 2, 0), 2, 1)[:h, :w, None]
        track = (ys < -WALL + 3) | (ys > FIELD_W + 7)
        img[track] = (96, 84, 76)
        stands = np.array(lk.net.stands if lk.net is not None else (70, 70, 78), np.float32)
        beyond = (ys < -WALL) | (ys > FIELD_W + 11)  # the stands, seen from above (aerials)
        img[beyond] = stands * rng.uniform(0.5, 1.3, (int(beyond.sum()), w, 1)).astype(np.float32)
        for x0, team in ((0.0, home), (110.0, away)):
            c0, c1 = int((x0 + MARGIN_X) * s), int((x0 + 10 + MARGIN_X) * s)
            r0, r1 = int(MARGIN_Y * s), int((MARGIN_Y + FIELD_W) * s)
            img[r0:r1, c0:c1] = np.array(team.primary, np.float32) * 0.9
        pil = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
        self._lines(ImageDraw.Draw(pil))
        self._numbers(pil, home, away)
        return np.asarray(pil, np.uint8)

    def _px(self, x: float, y: float) -> tuple[float, float]:
        return (x + MARGIN_X) * self.scale, (y + MARGIN_Y) * self.scale

    def _lines(self, d: ImageDraw.ImageDraw) -> None:
        s, white = self.scale, (238, 238, 236)
        lw = max(2.0, 0.13 * s)

        def rect(x0: float, y0: float, x1: float, y1: float) -> None:
            (a, b), (c, e) = self._px(x0, y0), self._px(x1, y1)
            d.rectangle((a, b, c, e), fill=white)

        border = 2.0  # the white border around the field
        rect(-border, -border, 120 + border, 0)
        rect(-border, FIELD_W, 120 + border, FIELD_W + border)
        rect(-border, 0, 0, FIELD_W)
        rect(120, 0, 120 + border, FIELD_W)
        for yard in range(10, 111, 5):
            half = (lw * (2 if yard in (10, 110) else 1)) / s / 2
            rect(yard - half, 0, yard + half, FIELD_W)
        tick = 0.11
        for yard in range(11, 110):
            if yard % 5 == 0:
                continue
            for y0, y1 in ((0.6, 1.3), (19.6, 20.3), (33.0, 33.7), (FIELD_W - 1.3, FIELD_W - 0.6)):
                rect(yard - tick / 2 * 1.2, y0, yard + tick / 2 * 1.2, y1)

    def _numbers(self, pil: Image.Image, home: TeamSpec, away: TeamSpec) -> None:
        s = self.scale
        font = ImageFont.truetype(_NUM_FONT, max(8, int(2.2 * s)))
        d = ImageDraw.Draw(pil)
        for yard in range(20, 101, 10):
            label = str(50 - abs(60 - yard))
            x, y = self._px(yard, FIELD_W - 10.0)
            d.text((x, y), label, font=font, fill=(236, 236, 232), anchor="mm")
            tile = Image.new("RGBA", (int(4 * s), int(3 * s)), (0, 0, 0, 0))
            ImageDraw.Draw(tile).text(
                (tile.width / 2, tile.height / 2),
                label,
                font=font,
                fill=(236, 236, 232, 255),
                anchor="mm",
            )
            tile = tile.rotate(180)
            x, y = self._px(yard, 10.0)
            pil.paste(tile, (int(x - tile.width / 2), int(y - tile.height / 2)), tile)
        cx, cy = self._px(60, FIELD_W / 2)
        r = 4.5 * s
        d.ellipse(
            (cx - r * 1.5, cy - r, cx + r * 1.5, cy + r),
            fill=home.primary,
            outline=home.secondary,
            width=max(2, int(s / 3)),
        )
        big = ImageFont.truetype(_NUM_FONT, max(8, int(3.2 * s)))
        d.text((cx, cy), home.abbr, font=big, fill=home.secondary, anchor="mm")
        for x0, team in ((5.0, home), (115.0, away)):
            tile = Image.new("RGBA", (int(40 * s), int(5 * s)), (0, 0, 0, 0))
            ImageDraw.Draw(tile).text(
                (tile.width / 2, tile.height / 2),
                team.mascot.upper()[:12],
                font=big,
                fill=(*team.secondary, 255),
                anchor="mm",
            )
            tile = tile.rotate(90 if x0 < 60 else -90, expand=True)
            x, y = self._px(x0, FIELD_W / 2)
            pil.paste(tile, (int(x - tile.width / 2), int(y - tile.height / 2)), tile)

    def _paint_stands(self, home: TeamSpec, away: TeamSpec, rng: np.random.Generator) -> U8:
        """The stands plane: columns ``X`` (like the field), rows metres of height up the bank
        (row 0 at the top). Fans are dots in both teams' colours, rows of seats, a roof edge."""
        s = self.scale / 2
        w = int((120 + 2 * MARGIN_X) * s) & ~1
        h = int(40 * s) & ~1
        base = np.array(self.look.net.stands if self.look.net else (70, 70, 78), np.float32)
        palette = np.array(
            [home.primary, home.secondary, away.primary, (200, 200, 200), (40, 40, 40), base],
            np.float32,
        )
        cell = max(2, int(s * 0.5))
        idx = rng.choice(
            len(palette), (h // cell + 1, w // cell + 1), p=[0.3, 0.15, 0.15, 0.1, 0.1, 0.2]
        )
        img = np.repeat(np.repeat(palette[idx], cell, 0), cell, 1)[:h, :w]
        img *= (
            rng.uniform(0.6, 1.0, (h // cell + 1, w // cell + 1, 1))
            .repeat(cell, 0)
            .repeat(cell, 1)[:h, :w]
        )
        rows = np.arange(h)
        img[(rows // max(2, int(s * 1.2))) % 6 == 0] *= 0.55  # aisles between seat rows
        img[: int(6 * s)] = (24, 26, 32)  # roof and upper deck in shadow
        img[int(6 * s) : int(6.5 * s)] = (210, 210, 200)
        img[-int(1.5 * s) :] = (30, 60, 110)  # wall padding at field level
        return np.clip(img, 0, 255).astype(np.uint8)

    # ---- rendering --------------------------------------------------------------------------
    def _sample(self, out: U8, plane: int, rows: GroundRows, step: int) -> None:
        """Sample texture ``plane`` (0 y, 1 u, 2 v) into ``out`` rows ``rows.rows``."""
        n_cols = out.shape[1]
        cols = np.arange(n_cols, dtype=np.float32)
        sub = 1 if plane == 0 else 2  # chroma planes are half-size
        foot = np.hypot(rows.dx, rows.dy) * self.scale / sub
        if len(rows.rows) > 1:
            dv = np.abs(np.diff(rows.y0, append=rows.y0[-1])) * self.scale / sub
            foot = np.maximum(foot, dv)
        level = np.clip(np.floor(np.log2(np.maximum(foot, 1e-6) * 1.2)), 0, _LEVELS - 1).astype(int)
        for lv in np.unique(level):
            pick = level == lv
            tex = self.levels[int(lv)][plane]
            k = self.scale / sub / (1 << int(lv))
            th, tw = tex.shape
            tx = (rows.x0[pick, None] + rows.dx[pick, None] * cols + MARGIN_X) * k
            ty = (FIELD_W + MARGIN_Y - rows.y0[pick, None] - rows.dy[pick, None] * cols) * k
            xi = np.clip(tx, 0, tw - 1).astype(np.int32)
            yi = np.clip(ty, 0, th - 1).astype(np.int32)
            yi *= tw
            yi += xi
            out[rows.rows[pick]] = np.take(tex.ravel(), yi)

    def _stands_rows(self, out: U8, plane: int, cam: Camera, step: int, offset: float) -> None:
        """Overwrite, in rows that see beyond the far wall, the pixels the stands cover."""
        yw_wall = FIELD_W + WALL  # world Y of the bottom of the stands
        n = cam.height // step
        v = (np.arange(n) * step + offset - cam.height / 2) / cam.f
        c = (np.arange(cam.width // step) * step + offset - cam.width / 2) / cam.f
        # plane through (., yw_wall, 0) rising away: normal (0, -sin, cos) . P = -sin*yw_wall
        nrm = np.array([0.0, -math.sin(_STAND_SLOPE), math.cos(_STAND_SLOPE)])
        h0 = -math.sin(_STAND_SLOPE) * yw_wall - float(nrm @ cam.pos)
        d0 = cam.fwd[None, :] + cam.down[None, :] * v[:, None]
        dirz = d0[:, 2]
        gz = -cam.pos[2] / np.where(dirz < -1e-9, dirz, -1e-9)  # ray length to the ground
        ends = np.array([c[0], c[-1]])
        gy_ends = cam.pos[1] + gz[:, None] * (d0[:, 1][:, None] + cam.right[1] * ends[None, :])
        # the ground's Y is affine along a row: a row reaches the stands iff an end does
        rows = np.nonzero((dirz >= -1e-9) | (gy_ends.max(axis=1) > yw_wall))[0]
        if len(rows) == 0:
            return
        d0, gz = d0[rows], gz[rows]
        den = (d0 @ nrm)[:, None] + float(cam.right @ nrm) * c[None, :]
        t = h0 / np.where(np.abs(den) > 1e-9, den, 1e-9)
        gy = cam.pos[1] + gz[:, None] * (d0[:, 1][:, None] + cam.right[1] * c[None, :])
        use = (t > 0) & ((d0[:, 2][:, None] >= -1e-9) | (gy > yw_wall))
        cc = c[None, :]
        px = cam.pos[0] + t * (d0[:, 0][:, None] + cam.right[0] * cc)
        pz = cam.pos[2] + t * d0[:, 2][:, None]
        tex = self.stands.y if plane == 0 else (self.stands.u if plane == 1 else self.stands.v)
        th, tw = tex.shape
        k = self.scale / 2 / (1 if plane == 0 else 2)
        along = pz / math.sin(_STAND_SLOPE)  # yards up the bank
        xi = np.clip((px + MARGIN_X) * k, 0, tw - 1).astype(np.int32)
        yi = np.clip(th - 1 - along * k, 0, th - 1).astype(np.int32)
        vals = np.take(tex.ravel(), yi * tw + xi)
        block = out[rows]
        block[use] = vals[use]
        out[rows] = block

    def render(self, frame: Frame, cam: Camera) -> None:
        """Draw the ground and stands as ``cam`` sees them (every pixel of ``frame``)."""
        frame.y[:] = 30
        frame.u[:] = 128
        frame.v[:] = 128
        self._sample(frame.y, 0, cam.ground_rows(1, 0.5), 1)
        chroma = cam.ground_rows(2, 1.0)
        self._sample(frame.u, 1, chroma, 2)
        self._sample(frame.v, 2, chroma, 2)
        self._stands_rows(frame.y, 0, cam, 1, 0.5)
        self._stands_rows(frame.u, 1, cam, 2, 1.0)
        self._stands_rows(frame.v, 2, cam, 2, 1.0)

    def planes(self) -> Planes:
        """Level 0 of the texture (for tests and pictures)."""
        y, u, v = self.levels[0]
        return Planes(y, u, v)
