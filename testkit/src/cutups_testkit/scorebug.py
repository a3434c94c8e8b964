"""The scorebug: layout per look, glyphs rendered once, cheap re-composition on change.

Glyphs are drawn with Pillow once per look and colour pair; a bug image is composed from them
(numpy copies) only when what it shows changes, and is blitted onto every frame.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from cutups_testkit.looks import Look
from cutups_testkit.teams import TeamSpec
from cutups_testkit.yuv import U8, Planes, rgb_to_planes

__all__ = ["BugLayout", "BugState", "Scorebug", "bug_layout"]

RGB = tuple[int, int, int]
Rect = tuple[int, int, int, int]


@dataclass(frozen=True, slots=True)
class BugState:
    """What the scorebug shows."""

    away_score: int
    home_score: int
    period: str
    clock: str
    play_clock: str
    down: str
    away_timeouts: int
    home_timeouts: int
    flag: bool = False  # network looks: the down field flashes "FLAG" (on this frame)


@dataclass(frozen=True, slots=True)
class BugLayout:
    """Scorebug rectangle in the frame and its fields' rectangles relative to it."""

    x: int
    y: int
    w: int
    h: int
    fields: Mapping[str, Rect]
    font_px: int

    def absolute(self, name: str) -> Rect:
        """Field ``name`` in frame coordinates."""
        fx, fy, fw, fh = self.fields[name]
        return self.x + fx, self.y + fy, fw, fh


def _even(v: float) -> int:
    return round(v / 2) * 2


def bug_layout(look: Look) -> BugLayout:
    """Where each field of the scorebug goes for ``look`` (pure; used by render and truth)."""
    W, H = look.width, look.height
    fields: dict[str, Rect] = {}
    if look.layout == "bar":
        bh = _even(0.062 * H * look.bug_scale)
        units = [
            ("away_abbr", 1.9),
            ("away_score", 1.15),
            ("home_abbr", 1.9),
            ("home_score", 1.15),
            ("period", 1.25),
            ("clock", 2.0),
        ]
        if look.play_clock:
            units.append(("play_clock", 1.0))
        if look.down_distance:
            units.append(("down", 2.6))
        total = sum(u for _, u in units)
        w = _even(total * bh)
        if look.anchor == "bottom-center":
            w = _even(0.9 * W)  # full-width bar
        x = 0
        for name, u in units:
            fw = _even(u / total * w)
            fields[name] = (x, 0, fw, bh)
            x += fw
        w, h = x, bh
        font_px = int(bh * 0.62)
    else:
        rh = _even(0.052 * H * look.bug_scale)
        left = [("abbr", 2.1), ("score", 1.3)]
        lw = _even(sum(u for _, u in left) * rh)
        cw = _even(2.3 * rh)
        aw = _even(2.1 * rh)
        fields["away_abbr"] = (0, 0, aw, rh)
        fields["away_score"] = (aw, 0, lw - aw, rh)
        fields["home_abbr"] = (0, rh, aw, rh)
        fields["home_score"] = (aw, rh, lw - aw, rh)
        fields["period"] = (lw, 0, cw, rh)
        fields["clock"] = (lw, rh, cw, rh)
        w, h = lw + cw, 2 * rh
        if look.down_distance or look.play_clock:
            eh = _even(0.75 * rh)
            pcw = _even(1.1 * rh) if look.play_clock else 0
            if look.down_distance:
                fields["down"] = (0, h, w - pcw, eh)
            if look.play_clock:
                fields["play_clock"] = (w - pcw, h, pcw, eh)
            h += eh
        font_px = int(rh * 0.66)
    margin_x, margin_y = _even(0.035 * W), _even(0.045 * H)
    x = {
        "top-left": margin_x,
        "bottom-left": margin_x,
        "top-right": W - margin_x - w,
        "bottom-center": (W - w) // 2,
        "top-center": (W - w) // 2,
    }[look.anchor]
    y = margin_y if look.anchor.startswith("top") else H - margin_y - h
    if look.timeout_pips:
        for side in ("away", "home"):
            ax, ay, aw_, ah = fields[f"{side}_abbr"]
            fields[f"{side}_pips"] = (
                ax + 2,
                ay + ah - max(2, ah // 9) - 2,
                aw_ - 4,
                max(2, ah // 9),
            )
    return BugLayout(_even(x), _even(y), w, h, fields, font_px)


def _contrast(bg: RGB) -> RGB:
    lum = 0.299 * bg[0] + 0.587 * bg[1] + 0.114 * bg[2]
    return (20, 20, 20) if lum > 150 else (245, 245, 245)


class _Glyphs:
    """Glyph images for one font size and colour pair, rendered once."""

    CHARS = "0123456789:.&- ABCDEFGHIJKLMNOPQRSTUVWXYZadhnorst"

    def __init__(self, font: ImageFont.FreeTypeFont, fg: RGB, bg: RGB, height: int) -> None:
        self.bg = np.array(bg, np.uint8)
        self.height = height
        self.glyphs: dict[str, U8] = {}
        asc, desc = font.getmetrics()
        top = max(0, (height - (asc + desc)) // 2)
        for ch in self.CHARS:
            w = max(1, int(np.ceil(font.getlength(ch))))
            im = Image.new("RGB", (w, height), bg)
            ImageDraw.Draw(im).text((0, top), ch, font=font, fill=fg)
            self.glyphs[ch] = np.asarray(im, np.uint8)

    def render(self, text: str, w: int, h: int, align: str = "center") -> U8:
        out = np.empty((h, w, 3), np.uint8)
        out[:] = self.bg
        parts = [self.glyphs.get(c, self.glyphs[" "]) for c in text]
        tw = sum(p.shape[1] for p in parts)
        x = {"center": (w - tw) // 2, "left": max(2, h // 5), "right": w - tw - max(2, h // 5)}[
            align
        ]
        y = (h - self.height) // 2
        for p in parts:
            pw = p.shape[1]
            x0, x1 = max(x, 0), min(x + pw, w)
            if x1 > x0:
                out[max(y, 0) : y + self.height, x0:x1] = p[max(0, -y) : h - y, x0 - x : x1 - x]
            x += pw
        return out


class Scorebug:
    """Renders :class:`BugState` s for one look and matchup, caching the last few images."""

    def __init__(self, look: Look, home: TeamSpec, away: TeamSpec) -> None:
        self.look, self.home, self.away = look, home, away
        self.layout = bug_layout(look)
        font = ImageFont.truetype(look.font, self.layout.font_px)
        small = ImageFont.truetype(look.font, max(8, int(self.layout.font_px * 0.8)))
        self.colors: dict[str, tuple[RGB, RGB]] = {}
        for side, team in (("away", away), ("home", home)):
            bg = team.primary if look.team_colored else look.bug_bg
            fg = _contrast(bg) if look.team_colored else look.bug_fg
            self.colors[f"{side}_abbr"] = (fg, bg)
            self.colors[f"{side}_score"] = (fg, bg)
        acc_fg = _contrast(look.bug_accent)
        for name in ("period", "clock", "play_clock"):
            self.colors[name] = (acc_fg, look.bug_accent)
        self.colors["down"] = (look.bug_fg, look.bug_bg)
        self._glyphs: dict[str, _Glyphs] = {}
        for name, (_, _, _, fh) in self.layout.fields.items():
            if name.endswith("_pips"):
                continue
            fg, bg = self.colors[name]
            f = small if name in ("down", "play_clock") else font
            self._glyphs[name] = _Glyphs(f, fg, bg, fh)
        self._cache: dict[BugState, Planes] = {}

    def render(self, state: BugState) -> Planes:
        """The scorebug image for ``state`` (cached)."""
        hit = self._cache.get(state)
        if hit is not None:
            return hit
        lay = self.layout
        img = np.empty((lay.h, lay.w, 3), np.uint8)
        img[:] = self.look.bug_bg
        texts = {
            "away_abbr": self.away.abbr,
            "home_abbr": self.home.abbr,
            "away_score": str(state.away_score),
            "home_score": str(state.home_score),
            "period": state.period,
            "clock": state.clock,
            "play_clock": state.play_clock,
            "down": state.down,
        }
        for name, (fx, fy, fw, fh) in lay.fields.items():
            if name.endswith("_pips"):
                left = state.away_timeouts if name.startswith("away") else state.home_timeouts
                pw = max(2, (fw - 8) // 3)
                for i in range(3):
                    col = (250, 210, 40) if i < left else (90, 90, 90)
                    img[fy : fy + fh, fx + i * (pw + 4) : fx + i * (pw + 4) + pw] = col
                continue
            align = "left" if name.endswith("abbr") or name == "down" else "center"
            img[fy : fy + fh, fx : fx + fw] = self._glyphs[name].render(texts[name], fw, fh, align)
        if self.look.layout == "bar":  # thin separators between fields
            for fx, _, _, _ in lay.fields.values():
                img[:, fx : fx + 1] = 0
        planes = rgb_to_planes(img)
        if len(self._cache) > 512:
            self._cache.clear()
        self._cache[state] = planes
        return planes
