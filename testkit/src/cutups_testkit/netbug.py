"""Network scorebugs: gradient, translucent, in six layouts, with a flashing FLAG.

Layouts (``Look.layout``): "full_bar" across the whole width of the frame, at its bottom or
top; "stack" with two team rows, a clock column and an info row; "pill", one compact rounded
row; "strip", a slim bar at the top; "split", the teams' box and the clock's box at the two
ends of one row across the frame, clear picture between them; "tower", a tall narrow corner
column of one field (or two) per row. The play clock sits beside the game clock and may show
only in its last seconds (the clock state decides, see
:class:`~cutups_testkit.bugstate.BugClock`); tenths under a minute come from the clock text.
The background is a vertical gradient at the look's opacity; text and team stripes are
opaque, so the picture shows through around them.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from PIL import ImageFont

from cutups_testkit.looks import Look
from cutups_testkit.overlay import (
    Overlay,
    fit_font,
    overlay_from_rgba,
    text_alpha,
    vertical_gradient,
)
from cutups_testkit.scorebug import BugLayout, BugState, bug_layout
from cutups_testkit.teams import TeamSpec

__all__ = ["NetScorebug", "any_bug_layout", "net_bug_layout", "split_gap"]

RGB = tuple[int, int, int]
Rect = tuple[int, int, int, int]
F32 = NDArray[np.float32]

FLAG_BG: RGB = (250, 206, 0)
FLAG_FG: RGB = (10, 10, 10)

_ROW = {
    "full_bar": (0.058, "bottom"),
    "pill": (0.056, "any"),
    "strip": (0.044, "top"),
    "split": (0.05, "any"),
}
_TEAM_FIELDS = ("away_abbr", "away_score", "home_abbr", "home_score")


def _even(v: float) -> int:
    return round(v / 2) * 2


def _row_fields(look: Look, h: int) -> tuple[dict[str, Rect], int]:
    """One row of fields (bar-like layouts); returns the fields and the total width."""
    units: list[tuple[str, float]] = [
        ("away_abbr", 1.9),
        ("away_score", 1.2),
        ("home_abbr", 1.9),
        ("home_score", 1.2),
        ("period", 1.3),
        ("clock", 2.2 if look.tenths else 2.0),
    ]
    if look.play_clock:
        units.append(("play_clock", 1.1))
    if look.down_distance:
        units.append(("down", 2.8))
    total = sum(u for _, u in units)
    width = _even(total * h)
    if look.layout == "full_bar":
        width = look.width - 2 * _even(0.02 * look.width)
    fields: dict[str, Rect] = {}
    pad = _even(0.35 * h) if look.layout == "pill" else 0  # room for the rounded ends
    x = pad
    for name, u in units:
        fw = _even(u / total * (width - 2 * pad))
        fields[name] = (x, 0, fw, h)
        x += fw
    return fields, x + pad


def _split_fields(look: Look, h: int) -> tuple[dict[str, Rect], int]:
    """One row whose team fields stay at its left end while the clock's fields move to its
    right end, the row spanning the frame between its side margins; returns the fields and
    that width."""
    fields, row_w = _row_fields(look, h)
    width = look.width - 2 * _even(0.035 * look.width)
    shift = width - row_w
    moved = {
        name: (x if name in _TEAM_FIELDS else x + shift, y, w, fh)
        for name, (x, y, w, fh) in fields.items()
    }
    return moved, width


def split_gap(layout: BugLayout) -> tuple[int, int]:
    """Columns [start, end) of a split bug (relative to it) between its two boxes."""
    hx, _, hw, _ = layout.fields["home_score"]
    return hx + hw, layout.fields["period"][0]


def _tower_fields(look: Look) -> tuple[dict[str, Rect], int, int]:
    """A column of rows: each team's abbreviation and score, the clock (the play clock at its
    right), the period, down & distance."""
    rh = _even(0.05 * look.height * look.bug_scale)
    w, aw = _even(3.6 * rh), _even(2.3 * rh)
    pcw = _even(1.1 * rh) if look.play_clock else 0
    f: dict[str, Rect] = {
        "away_abbr": (0, 0, aw, rh),
        "away_score": (aw, 0, w - aw, rh),
        "home_abbr": (0, rh, aw, rh),
        "home_score": (aw, rh, w - aw, rh),
        "clock": (0, 2 * rh, w - pcw, rh),
        "period": (0, 3 * rh, w, rh),
    }
    if look.play_clock:
        f["play_clock"] = (w - pcw, 2 * rh, pcw, rh)
    h = 4 * rh
    if look.down_distance:
        f["down"] = (0, h, w, rh)
        h += rh
    return f, w, h


def _stack_fields(look: Look) -> tuple[dict[str, Rect], int, int]:
    rh = _even(0.05 * look.height * look.bug_scale)
    stripe = _even(0.18 * rh)
    aw, sw, cw = _even(2.0 * rh), _even(1.3 * rh), _even(2.5 * rh)
    f: dict[str, Rect] = {
        "away_abbr": (stripe, 0, aw, rh),
        "away_score": (stripe + aw, 0, sw, rh),
        "home_abbr": (stripe, rh, aw, rh),
        "home_score": (stripe + aw, rh, sw, rh),
        "period": (stripe + aw + sw, 0, cw, rh),
        "clock": (stripe + aw + sw, rh, cw, rh),
    }
    w, h = stripe + aw + sw + cw, 2 * rh
    eh = _even(0.8 * rh)
    pcw = _even(1.2 * rh) if look.play_clock else 0
    if look.down_distance:
        f["down"] = (0, h, w - pcw, eh)
    if look.play_clock:
        f["play_clock"] = (w - pcw, h, pcw, eh)
    return f, w, h + eh


def net_bug_layout(look: Look) -> BugLayout:
    """Where each field of a network scorebug goes (pure; used by render and truth)."""
    W, H = look.width, look.height
    if look.layout == "stack":
        fields, w, h = _stack_fields(look)
        font_px = int(h / 2.8 * 0.66)
    elif look.layout == "tower":
        fields, w, h = _tower_fields(look)
        font_px = int(fields["clock"][3] * 0.62)
    elif look.layout == "split":
        h = _even(_ROW["split"][0] * H * look.bug_scale)
        fields, w = _split_fields(look, h)
        font_px = int(h * 0.6)
    else:
        h = _even(_ROW[look.layout][0] * H * look.bug_scale)
        fields, w = _row_fields(look, h)
        font_px = int(h * 0.6)
    if look.timeout_pips:
        for side in ("away", "home"):
            ax, ay, aw, ah = fields[f"{side}_abbr"]
            ph = max(2, _even(ah / 10))
            fields[f"{side}_pips"] = (ax + 4, ay + ah - ph - 2, aw - 8, ph)
    mx, my = _even(0.035 * W), _even(0.045 * H)
    if look.layout == "full_bar":
        top = look.anchor.startswith("top")
        y = _even(0.03 * H) if top else H - _even(0.03 * H) - h
        return BugLayout(_even((W - w) / 2), y, w, h, fields, font_px)
    x = {
        "top-left": mx,
        "bottom-left": mx,
        "top-right": W - mx - w,
        "bottom-right": W - mx - w,
        "bottom-center": (W - w) // 2,
        "top-center": (W - w) // 2,
    }[look.anchor]
    y = my if look.anchor.startswith("top") else H - my - h
    return BugLayout(_even(x), _even(y), w, h, fields, font_px)


def any_bug_layout(look: Look) -> BugLayout:
    """The scorebug layout of any look, classic or network."""
    return bug_layout(look) if look.net is None else net_bug_layout(look)


def _rounded_mask(h: int, w: int, r: int) -> F32:
    """1 inside a rectangle with round ends of radius ``r`` (anti-aliased), else 0."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32) + 0.5
    cx = np.clip(xx, r, w - r)
    cy = np.clip(yy, r, h - r)
    d = np.hypot(xx - cx, yy - cy)
    return np.asarray(np.clip(r - d + 0.5, 0.0, 1.0), dtype=np.float32)


class NetScorebug:
    """Renders :class:`BugState` s as translucent :class:`Overlay` s (cached per state)."""

    def __init__(self, look: Look, home: TeamSpec, away: TeamSpec) -> None:
        assert look.net is not None
        self.look, self.net, self.home, self.away = look, look.net, home, away
        self.layout = net_bug_layout(look)
        lay = self.layout
        self.font = ImageFont.truetype(look.font, max(8, lay.font_px))
        self.small = ImageFont.truetype(look.font, max(8, int(lay.font_px * 0.8)))
        self._base_rgb, self._base_a = self._background()
        self._cache: dict[BugState, Overlay] = {}
        self._text: dict[tuple[str, str], F32] = {}

    def _field_bg(self, name: str) -> RGB | None:
        lk = self.look
        if lk.team_colored and name[:4] in ("away", "home") and not name.endswith("pips"):
            return (self.away if name.startswith("away") else self.home).primary
        if name in ("period", "clock", "play_clock"):
            return lk.bug_accent
        return None

    def _background(self) -> tuple[F32, F32]:
        lk, lay = self.look, self.layout
        rgb = vertical_gradient(lay.h, lay.w, lk.bug_bg, self.net.bug_bg2).copy()
        alpha = np.full((lay.h, lay.w), self.net.bug_alpha, np.float32)
        for name, (fx, fy, fw, fh) in lay.fields.items():
            bg = self._field_bg(name)
            if bg is not None:
                dark = tuple(int(c * 0.7) for c in bg)
                rgb[fy : fy + fh, fx : fx + fw] = vertical_gradient(fh, fw, bg, dark)  # type: ignore[arg-type]
                alpha[fy : fy + fh, fx : fx + fw] = max(self.net.bug_alpha, 0.9)
        if lk.layout == "stack":  # team-colour stripes at the left of the team rows
            for side, team in (("away", self.away), ("home", self.home)):
                _, fy, _, fh = lay.fields[f"{side}_abbr"]
                rgb[fy : fy + fh, : lay.fields["away_abbr"][0]] = team.primary
                alpha[fy : fy + fh, : lay.fields["away_abbr"][0]] = 1.0
        if lk.layout == "pill":
            alpha *= _rounded_mask(lay.h, lay.w, lay.h // 2)
        if lk.layout == "split":  # the picture shows through between the two boxes
            gap0, gap1 = split_gap(lay)
            alpha[:, gap0:gap1] = 0.0
        rgb[:2] = np.minimum(rgb[:2] + 60, 255)  # a bright top edge, as glass-look bugs have
        return rgb, alpha

    def _text_cov(self, name: str, text: str) -> F32:
        key = (name, text)
        hit = self._text.get(key)
        if hit is None:
            _, _, fw, fh = self.layout.fields[name]
            font = self.small if name in ("down", "play_clock") else self.font
            if font.getlength(text) > fw * 0.9:  # long abbreviations in wide fonts
                font = fit_font(self.look.font, text, fw, fh)
            align = "left" if name.endswith("abbr") or name == "down" else "center"
            hit = text_alpha(text, font, fw, fh, align)
            if len(self._text) > 2048:
                self._text.clear()
            self._text[key] = hit
        return hit

    def _fg(self, name: str) -> RGB:
        bg = self._field_bg(name)
        if bg is None:
            return self.look.bug_fg
        lum = 0.299 * bg[0] + 0.587 * bg[1] + 0.114 * bg[2]
        return (20, 20, 20) if lum > 150 else (245, 245, 245)

    def texts(self, state: BugState) -> dict[str, str]:
        """What each field shows for ``state``."""
        return {
            "away_abbr": self.away.abbr,
            "home_abbr": self.home.abbr,
            "away_score": str(state.away_score),
            "home_score": str(state.home_score),
            "period": state.period.upper(),
            "clock": state.clock,
            "play_clock": state.play_clock.lstrip(":"),
            "down": "FLAG" if state.flag else state.down.upper(),
        }

    def render(self, state: BugState) -> Overlay:
        """The bug for ``state`` (cached)."""
        hit = self._cache.get(state)
        if hit is not None:
            return hit
        rgb, alpha = self._base_rgb.copy(), self._base_a.copy()
        texts = self.texts(state)
        for name, (fx, fy, fw, fh) in self.layout.fields.items():
            win = np.s_[fy : fy + fh, fx : fx + fw]
            if name.endswith("_pips"):
                left = state.away_timeouts if name.startswith("away") else state.home_timeouts
                pw = max(2, (fw - 8) // 3)
                for i in range(3):
                    col = (250, 210, 40) if i < left else (110, 110, 110)
                    rgb[fy : fy + fh, fx + i * (pw + 4) : fx + i * (pw + 4) + pw] = col
                    alpha[fy : fy + fh, fx + i * (pw + 4) : fx + i * (pw + 4) + pw] = 1.0
                continue
            fg = self._fg(name)
            if name == "down" and state.flag:
                rgb[win], alpha[win], fg = FLAG_BG, 1.0, FLAG_FG
            cov = self._text_cov(name, texts[name])
            rgb[win] = rgb[win] * (1 - cov[..., None]) + np.array(fg, np.float32) * cov[..., None]
            alpha[win] = np.maximum(alpha[win], cov)
        ov = overlay_from_rgba(np.clip(rgb, 0, 255).astype(np.uint8), alpha)
        if len(self._cache) > 512:
            self._cache.clear()
        self._cache[state] = ov
        return ov
