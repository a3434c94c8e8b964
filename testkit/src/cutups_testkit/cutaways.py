"""Shots between plays: close-ups, crowd, sideline, graphics, studio, bumpers and wipes.

Each kind is pre-rendered once per look (a few variants, larger than the frame so the camera
can drift across it); a frame is then one slice copy plus a few small blits.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from cutups_testkit.looks import Look
from cutups_testkit.teams import TeamSpec
from cutups_testkit.yuv import U8, Frame, Planes, rgb_to_planes, rgb_to_yuv

__all__ = ["Cutaways"]

_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
_COND = "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf"


def _font(size: int, path: str = _BOLD) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, max(8, size))


def _blur(img: U8, k: int) -> U8:
    """Cheap box blur by down- and up-sampling."""
    h, w = img.shape[:2]
    small = Image.fromarray(img).resize((max(1, w // k), max(1, h // k)), Image.Resampling.BILINEAR)
    return np.array(small.resize((w, h), Image.Resampling.BILINEAR), np.uint8)


class Cutaways:
    """Renders the non-field shots for one look and matchup."""

    PAD = 0.12  # fraction of the frame the pre-rendered images extend beyond it

    def __init__(self, look: Look, home: TeamSpec, away: TeamSpec, seed: int) -> None:
        self.look, self.home, self.away = look, home, away
        self.W, self.H = look.width, look.height
        self.rng = np.random.default_rng([seed, 0xC07])
        self.pw = (int(self.W * (1 + 2 * self.PAD)) + 1) & ~1
        self.ph = (int(self.H * (1 + 2 * self.PAD)) + 1) & ~1
        self._closeups: dict[int, Planes] = {}
        self._sidelines: dict[int, Planes] = {}
        self._graphics: dict[str, Planes] = {}
        self._crowd: list[Planes] = []
        self._studio: Planes | None = None
        self._bumper: Planes | None = None
        self.accent = rgb_to_yuv(look.bug_accent)
        self.dark = rgb_to_yuv((14, 16, 24))

    # ---- helpers ----------------------------------------------------------------------------
    def _drift(self, frame: Frame, img: Planes, t: float, speed: float, phase: float) -> None:
        mx, my = (img.width - self.W) // 2, (img.height - self.H) // 2
        ox = mx + int(mx * 0.8 * math.sin(speed * t + phase))
        oy = my + int(my * 0.5 * math.sin(0.7 * speed * t + 2 * phase))
        frame.copy_from(img, ox, oy)

    def _stands(self, rng: np.random.Generator, w: int, h: int, blur: int) -> U8:
        n = rng.integers(30, 230, size=(h // 6 + 1, w // 6 + 1, 3), dtype=np.uint8)
        img = np.repeat(np.repeat(n, 6, axis=0), 6, axis=1)[:h, :w]
        return _blur(img, blur) if blur > 1 else img

    # ---- close-up of a player ---------------------------------------------------------------
    def closeup(self, frame: Frame, variant: int, t: float) -> None:
        img = self._closeups.get(variant % 6)
        if img is None:
            team = self.home if variant % 2 == 0 else self.away
            rng = np.random.default_rng([variant, 0xC1])
            base = self._stands(rng, self.pw, self.ph, 12)
            pil = Image.fromarray(base)
            d = ImageDraw.Draw(pil)
            cx = self.pw * float(rng.uniform(0.35, 0.65))
            r = self.ph * 0.2
            d.rectangle((cx - r * 1.7, self.ph * 0.55, cx + r * 1.7, self.ph), fill=team.primary)
            d.ellipse(
                (cx - r, self.ph * 0.18, cx + r, self.ph * 0.18 + 2 * r * 1.1), fill=team.secondary
            )
            d.rectangle(
                (cx - r * 0.7, self.ph * 0.35, cx + r * 0.7, self.ph * 0.42), fill=(200, 200, 200)
            )
            d.text(
                (cx, self.ph * 0.78),
                str(int(rng.integers(1, 99))),
                font=_font(int(r)),
                fill=team.secondary,
                anchor="mm",
            )
            img = rgb_to_planes(np.asarray(pil, np.uint8))
            self._closeups[variant % 6] = img
        self._drift(frame, img, t, 0.35, variant)

    # ---- crowd: a few textures cycled, people bobbing -----------------------------------------
    def crowd(self, frame: Frame, variant: int, n: int, t: float) -> None:
        if not self._crowd:
            for i in range(4):
                rng = np.random.default_rng([i, 0xC2])
                base = self._stands(rng, self.pw, self.ph, 1)
                sh = int(rng.integers(-3, 4))
                self._crowd.append(rgb_to_planes(np.roll(base, sh, axis=0)))
        img = self._crowd[(n // 3 + variant) % 4]
        self._drift(frame, img, t, 0.25, variant)

    # ---- sideline: players standing, a coach ------------------------------------------------
    def sideline(self, frame: Frame, variant: int, t: float) -> None:
        img = self._sidelines.get(variant % 4)
        if img is None:
            team = self.home if variant % 2 == 0 else self.away
            rng = np.random.default_rng([variant, 0xC3])
            base = _blur(self._stands(rng, self.pw, self.ph, 1), 8)
            base[int(self.ph * 0.62) :] = (70, 120, 60)
            pil = Image.fromarray(base)
            d = ImageDraw.Draw(pil)
            pw = self.pw / 11
            for i in range(9):
                x = pw * (i + 1) + float(rng.uniform(-pw * 0.2, pw * 0.2))
                top = self.ph * float(rng.uniform(0.3, 0.4))
                d.rectangle(
                    (x - pw * 0.3, top + pw * 0.5, x + pw * 0.3, top + pw * 2.2), fill=team.primary
                )
                d.ellipse((x - pw * 0.22, top, x + pw * 0.22, top + pw * 0.5), fill=team.secondary)
                d.rectangle(
                    (x - pw * 0.25, top + pw * 2.2, x + pw * 0.25, top + pw * 3.0),
                    fill=(225, 225, 220),
                )
            img = rgb_to_planes(np.asarray(pil, np.uint8))
            self._sidelines[variant % 4] = img
        self._drift(frame, img, t, 0.5, variant)

    # ---- full-screen graphic ----------------------------------------------------------------
    def graphic(self, frame: Frame, text: str, t: float) -> None:
        img = self._graphics.get(text)
        if img is None:
            img = self._make_graphic(text)
            self._graphics[text] = img
        slide = max(0.0, 1.0 - t / 0.3)
        if slide > 0:
            frame.clear(self.dark)
            frame.blit(img, int(self.W * slide * slide), 0)
        else:
            frame.copy_from(img)

    def _make_graphic(self, text: str) -> Planes:
        W, H = self.W, self.H
        img = np.zeros((H, W, 3), np.uint8)
        grad = np.linspace(0, 1, W, dtype=np.float32)[None, :, None]
        a, b = np.array(self.away.primary, np.float32), np.array(self.home.primary, np.float32)
        img[:] = (a * (1 - grad) + b * grad).astype(np.uint8)
        pil = Image.fromarray(img)
        d = ImageDraw.Draw(pil)
        d.rectangle((W * 0.08, H * 0.2, W * 0.92, H * 0.8), fill=(16, 18, 28))
        big, small = _font(int(H * 0.09)), _font(int(H * 0.055), _COND)
        d.text((W / 2, H * 0.33), text, font=big, fill=(250, 250, 250), anchor="mm")
        lines = [
            f"{self.away.name.upper()}  vs  {self.home.name.upper()}",
            f"{self.away.abbr} {self.away.mascot}   |   {self.home.abbr} {self.home.mascot}",
        ]
        for i, line in enumerate(lines):
            d.text(
                (W / 2, H * (0.52 + 0.12 * i)), line, font=small, fill=(220, 220, 220), anchor="mm"
            )
        return rgb_to_planes(np.asarray(pil, np.uint8))

    # ---- studio -----------------------------------------------------------------------------
    def studio(self, frame: Frame, n: int, t: float) -> None:
        if self._studio is None:
            W, H = self.W, self.H
            img = np.zeros((H, W, 3), np.uint8)
            img[:] = (24, 40, 90)
            img[: H // 2] = (40, 70, 140)
            pil = Image.fromarray(img)
            d = ImageDraw.Draw(pil)
            d.rectangle((W * 0.3, H * 0.08, W * 0.7, H * 0.42), fill=(10, 10, 20))
            d.text(
                (W / 2, H * 0.25),
                "GAMEDAY",
                font=_font(int(H * 0.08)),
                fill=(240, 200, 40),
                anchor="mm",
            )
            d.rectangle((0, H * 0.7, W, H), fill=(150, 110, 70))
            for cx in (0.3, 0.7):
                d.rectangle(
                    (W * (cx - 0.07), H * 0.45, W * (cx + 0.07), H * 0.72), fill=(30, 30, 36)
                )
            self._studio = rgb_to_planes(np.asarray(pil, np.uint8))
        frame.copy_from(self._studio)
        head = rgb_to_yuv((205, 160, 130))
        r = int(self.H * 0.05)
        for i, cx in enumerate((0.3, 0.7)):
            talking = (int(t / 3.0) % 2) == i
            bob = int(2 * math.sin(t * 9 + i)) * 2 if talking else 0
            frame.fill(int(self.W * cx) - r, int(self.H * 0.33) + bob, 2 * r, int(2.4 * r), head)

    # ---- bumper -----------------------------------------------------------------------------
    def bumper(self, frame: Frame, t: float) -> None:
        if self._bumper is None:
            W, H = self.W, self.H
            pil = Image.new("RGB", (W, H), (8, 10, 30))
            d = ImageDraw.Draw(pil)
            d.text(
                (W / 2, H * 0.42),
                "COLLEGE FOOTBALL",
                font=_font(int(H * 0.09)),
                fill=(240, 240, 240),
                anchor="mm",
            )
            d.text(
                (W / 2, H * 0.6),
                f"{self.away.abbr} at {self.home.abbr}",
                font=_font(int(H * 0.06)),
                fill=self.look.bug_accent,
                anchor="mm",
            )
            self._bumper = rgb_to_planes(np.asarray(pil, np.uint8))
        frame.copy_from(self._bumper)
        x = int((t * 0.8 % 1.0) * (self.W + 200)) - 200
        frame.fill(x, int(self.H * 0.75), 160, max(4, self.H // 60), self.accent)

    # ---- wipe band over whatever is underneath ----------------------------------------------
    def wipe(self, frame: Frame, u: float) -> None:
        """Band at progress ``u`` (0-1): left of it already the flat transition colour."""
        bw = int(self.W * 0.3)
        x = int(-bw + u * (self.W + bw))
        if x > 0:
            frame.fill(0, 0, x, self.H, self.dark)
        frame.fill(x, 0, bw, self.H, self.accent)
        r = int(self.H * 0.12)
        frame.fill(x + bw // 2 - r, self.H // 2 - r, 2 * r, 2 * r, rgb_to_yuv((245, 245, 245)))
