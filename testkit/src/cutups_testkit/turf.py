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

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFont

from cutups_testkit.camera import Camera
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
        self._last_key: tuple[object, ...] | None = None
        self._last: U8 | None = None  # the last picture drawn (a whole I420 frame)

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
    # Both the ground and the stands are planes, so each plane of the picture is a homography
    # of its texture: OpenCV's warp samples it (nearest texel, as the texture's mip level per
    # row asks) in C, about ten times faster than the same gathers written in numpy.
    def _ground(self, out: U8, plane: int, cam: Camera, step: int, offset: float) -> None:
        """Sample texture ``plane`` (0 y, 1 u, 2 v) into the rows of ``out`` that see the
        ground, each run of rows from the mip level its distance asks for."""
        rows = cam.ground_rows(step, offset)
        if len(rows.rows) == 0:
            return
        sub = 1 if plane == 0 else 2  # chroma planes are half-size
        foot = np.hypot(rows.dx, rows.dy) * self.scale / sub
        if len(rows.rows) > 1:
            dv = np.abs(np.diff(rows.y0, append=rows.y0[-1])) * self.scale / sub
            foot = np.maximum(foot, dv)
        level = np.clip(np.floor(np.log2(np.maximum(foot, 1e-6) * 1.2)), 0, _LEVELS - 1).astype(int)
        to_world = ground_homography(cam, step, offset)
        # runs of consecutive rows with one level
        cut = np.nonzero((np.diff(level) != 0) | (np.diff(rows.rows) != 1))[0] + 1
        for a, b in zip(np.r_[0, cut], np.r_[cut, len(level)], strict=True):
            lv = int(level[a])
            tex = self.levels[lv][plane]
            k = self.scale / sub / (1 << lv)
            to_tex = np.array(
                [[k, 0.0, MARGIN_X * k - 0.5], [0.0, -k, (FIELD_W + MARGIN_Y) * k - 0.5], [0, 0, 1]]
            )
            r0, r1 = int(rows.rows[a]), int(rows.rows[b - 1]) + 1
            _warp(tex, to_tex @ to_world @ _down(r0), out[r0:r1])

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
        r0, r1 = int(rows[0]), int(rows[-1]) + 1
        reach = np.zeros(r1 - r0, bool)
        reach[rows - r0] = True
        d0, gz = d0[r0:r1], gz[r0:r1]
        # Per row, the stands cover the columns j (c = c[0] + j * dc) in front of the camera
        # (h0 * den > 0, den = nrm . ray) beyond the wall (ground Y > wall, or no ground at
        # all above the horizon): both affine in j, so an interval of columns per row.
        dc = c[1] - c[0]
        den0 = d0 @ nrm + float(cam.right @ nrm) * c[0]
        lo, hi = _columns_where(
            h0 * den0, np.full(len(d0), h0 * float(cam.right @ nrm) * dc), len(c)
        )
        gy0 = cam.pos[1] + gz * (d0[:, 1] + cam.right[1] * c[0]) - yw_wall
        glo, ghi = _columns_where(gy0, gz * cam.right[1] * dc, len(c))
        above = d0[:, 2] >= -1e-9
        lo = np.where(above, lo, np.maximum(lo, glo))
        hi = np.where(above, hi, np.minimum(hi, ghi))
        hi = np.where(reach, hi, lo)
        j = np.arange(len(c))
        use = (j >= lo[:, None]) & (j < hi[:, None])
        tex = self.stands.y if plane == 0 else (self.stands.u if plane == 1 else self.stands.v)
        th = tex.shape[0]
        k = self.scale / 2 / (1 if plane == 0 else 2)
        # homogeneous (X, Z, 1) on the stands plane of a pixel's ray d: X*den = (pos_x nrm +
        # h0 e_x) . d, Z*den = (pos_z nrm + h0 e_z) . d, den = nrm . d
        p = cam.pos
        to_plane = np.stack([p[0] * nrm + h0 * np.eye(3)[0], p[2] * nrm + h0 * np.eye(3)[2], nrm])
        up = k / math.sin(_STAND_SLOPE)  # texels per yard of height (along the bank)
        to_tex = np.array([[k, 0.0, MARGIN_X * k - 0.5], [0.0, -up, th - 1.5], [0, 0, 1]])
        block = np.empty((r1 - r0, out.shape[1]), np.uint8)
        _warp(tex, to_tex @ to_plane @ pixel_rays(cam, step, offset) @ _down(r0), block)
        np.copyto(out[r0:r1], block, where=use)

    def render(self, frame: Frame, cam: Camera) -> None:
        """Draw the ground and stands as ``cam`` sees them (every pixel of ``frame``).

        A camera standing still (before the snap, about a third of the frames) gets a copy of
        the previous picture instead of a new one."""
        key = (cam.pos.tobytes(), cam.fwd.tobytes(), cam.f, cam.width, cam.height)
        if key == self._last_key and self._last is not None:
            np.copyto(frame.buf, self._last)
            return
        self._draw(frame, cam)
        self._last_key = key
        if self._last is None or self._last.shape != frame.buf.shape:
            self._last = np.empty_like(frame.buf)
        np.copyto(self._last, frame.buf)

    def _draw(self, frame: Frame, cam: Camera) -> None:
        frame.y[:] = 30
        frame.u[:] = 128
        frame.v[:] = 128
        self._ground(frame.y, 0, cam, 1, 0.5)
        self._ground(frame.u, 1, cam, 2, 1.0)
        self._ground(frame.v, 2, cam, 2, 1.0)
        self._stands_rows(frame.y, 0, cam, 1, 0.5)
        self._stands_rows(frame.u, 1, cam, 2, 1.0)
        self._stands_rows(frame.v, 2, cam, 2, 1.0)

    def planes(self) -> Planes:
        """Level 0 of the texture (for tests and pictures)."""
        y, u, v = self.levels[0]
        return Planes(y, u, v)


def pixel_rays(cam: Camera, step: int, offset: float) -> NDArray[np.float64]:
    """3x3 matrix taking a plane's pixel ``(col, row, 1)`` to its ray direction (world), for a
    plane sampled every ``step`` pixels at ``offset`` (see :meth:`Camera.ground_rows`)."""
    k = step / cam.f
    centre = (
        cam.fwd
        + cam.right * ((offset - cam.width / 2) / cam.f)
        + cam.down * ((offset - cam.height / 2) / cam.f)
    )
    return np.column_stack([cam.right * k, cam.down * k, centre])


def ground_homography(cam: Camera, step: int, offset: float) -> NDArray[np.float64]:
    """3x3 homography from a plane's pixel ``(col, row, 1)`` to the ground point ``(X, Y, 1)``
    its ray meets: ``X = px - pz dx/dz`` and ``Y = py - pz dy/dz``."""
    px, py, pz = (float(c) for c in cam.pos)
    to_ground = np.array([[-pz, 0.0, px], [0.0, -pz, py], [0.0, 0.0, 1.0]])
    return to_ground @ pixel_rays(cam, step, offset)


def _down(r0: int) -> NDArray[np.float64]:
    """Shift from a band's row numbers to the plane's (the band starts at row ``r0``)."""
    return np.array([[1.0, 0.0, 0.0], [0.0, 1.0, float(r0)], [0.0, 0.0, 1.0]])


def _warp(tex: U8, to_tex: NDArray[np.float64], out: U8) -> None:
    """Fill ``out`` with ``tex`` at ``to_tex`` (pixel -> texel, nearest texel; texel
    coordinates beyond the texture are clamped to its edge)."""
    cv2.warpPerspective(
        tex,
        to_tex,
        (out.shape[1], out.shape[0]),
        dst=out,
        flags=cv2.INTER_NEAREST | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_REPLICATE,
    )


def _columns_where(
    alpha: NDArray[np.float64], beta: NDArray[np.float64], n: int
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Per row, the columns ``j`` in [0, n) where ``alpha + beta * j > 0``, as [lo, hi)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        root = -alpha / beta
    rising = beta > 0
    falling = beta < 0
    lo = np.where(rising, np.floor(root) + 1, 0.0)
    hi = np.where(falling, np.ceil(root), float(n))
    flat = ~(rising | falling)
    hi = np.where(flat & (alpha <= 0), lo, hi)
    lo_i = np.clip(np.nan_to_num(lo), 0, n).astype(np.int64)
    hi_i = np.clip(np.nan_to_num(hi), 0, n).astype(np.int64)
    return lo_i, np.maximum(lo_i, hi_i)
