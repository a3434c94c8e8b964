"""Network graphics around the scorebug: watermark, promo banners, lower thirds, wipes.

Everything here is translucent (:class:`~cutups_testkit.overlay.Overlay`) and persistent
enough to fool a scorebug locator that only looks for a steady box: the watermark never
leaves, promos sit right beside the bug for several seconds, lower thirds slide in over the
bottom of the picture. Their timing is planned once from the broadcast plan (seeded), so a
render is deterministic.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass

import numpy as np

from cutups_testkit.broadcast import Plan
from cutups_testkit.looks import Look
from cutups_testkit.overlay import (
    Overlay,
    fit_font,
    overlay_from_rgba,
    text_alpha,
    vertical_gradient,
)
from cutups_testkit.scorebug import BugLayout
from cutups_testkit.teams import TeamSpec
from cutups_testkit.yuv import Frame, rgb_to_yuv

__all__ = ["Banner", "NetGraphics", "plan_banners"]

_PROMOS = (
    "NEXT: PRIMETIME KICKOFF  8/7c",
    "TONIGHT: RIVALRY WEEK PREVIEW",
    "STREAM EVERY GAME ON THE APP",
    "SATURDAY NIGHT LIGHTS  7:30 ET",
)
_THIRDS = (
    ("QB", "18-24  231 YDS  2 TD"),
    ("RB", "14 CAR  88 YDS  5.3 AVG"),
    ("WR", "6 REC  97 YDS  1 TD"),
    ("LB", "9 TKL  1 SACK"),
    ("HEAD COACH", "4TH SEASON  31-12"),
)
_SLIDE = 0.4  # seconds to slide in or out


@dataclass(frozen=True, slots=True)
class Banner:
    """A promo or lower third on screen over broadcast frames [start, end)."""

    kind: str  # "promo" or "third"
    start: int
    end: int
    variant: int


def plan_banners(plan: Plan, look: Look, seed: int) -> tuple[Banner, ...]:
    """When promos and lower thirds show: promos during live wide shots (beside the bug),
    lower thirds over close-ups and sideline shots, at the look's mean intervals."""
    net = look.net
    if net is None:
        return ()
    rng = np.random.default_rng([seed, 0xBA77])
    fps = float(plan.fps)
    out: list[Banner] = []
    due = {
        "promo": rng.exponential(net.promo_every or 1e9) * fps,
        "third": rng.exponential(net.lower_third_every or 1e9) * fps,
    }
    every = {"promo": net.promo_every, "third": net.lower_third_every}
    kinds = {"promo": ("wide",), "third": ("closeup", "sideline")}
    for sh in plan.shots:
        for kind in ("promo", "third"):
            if not every[kind] or sh.kind not in kinds[kind] or sh.start < due[kind]:
                continue
            length = round((7.0 if kind == "promo" else 4.0) * fps)
            if sh.end - sh.start < length + round(fps):
                continue
            start = sh.start + round(0.5 * fps)
            out.append(Banner(kind, start, start + length, int(rng.integers(1 << 16))))
            due[kind] = start + length + rng.exponential(every[kind]) * fps
    return tuple(sorted(out, key=lambda b: b.start))


class NetGraphics:
    """Draws the watermark, banners and wipes of one network look."""

    def __init__(
        self,
        look: Look,
        home: TeamSpec,
        away: TeamSpec,
        bug: BugLayout,
        banners: tuple[Banner, ...],
    ) -> None:
        assert look.net is not None
        self.look, self.net, self.home, self.away, self.bug = look, look.net, home, away, bug
        self.W, self.H = look.width, look.height
        self.banners = banners
        self._starts = [b.start for b in banners]
        self.watermark = self._watermark() if self.net.watermark else None
        self._cache: dict[tuple[str, int], Overlay] = {}

    # ---- watermark ------------------------------------------------------------------------
    def _watermark(self) -> Overlay:
        h = (self.H // 14) & ~1
        font = fit_font(self.look.font, self.net.watermark, self.W // 5, h)
        w = (int(font.getlength(self.net.watermark)) + h) & ~1
        cov = text_alpha(self.net.watermark, font, w, h)
        rgb = np.full((h, w, 3), 250, np.uint8)
        return overlay_from_rgba(rgb, cov * 0.5)

    def _corner(self, w: int, h: int) -> tuple[int, int]:
        mx, my = int(self.W * 0.04), int(self.H * 0.05)
        c = self.net.watermark_corner
        x = (
            mx
            if c.endswith("left")
            else (self.W - mx - w if c.endswith("right") else (self.W - w) // 2)
        )
        y = my if c.startswith("top") else self.H - my - h
        return x, y

    def draw_watermark(self, frame: Frame) -> None:
        """The channel watermark in its corner."""
        if self.watermark is not None:
            x, y = self._corner(self.watermark.width, self.watermark.height)
            self.watermark.draw(frame, x, y)

    # ---- banners --------------------------------------------------------------------------
    def _promo_height(self) -> int:
        """A promo is one row of the bug tall: a stack's third, a tower's clock row."""
        if self.look.layout == "stack":
            return self.bug.h // 3
        if self.look.layout == "tower":
            return self.bug.fields["clock"][3]
        return self.bug.h

    def _promo(self, variant: int) -> Overlay:
        h = max(16, self._promo_height() & ~1)
        w = max(self.bug.w, self.W // 3) & ~1
        text = _PROMOS[variant % len(_PROMOS)]
        font = fit_font(self.look.font, text, w - h, h)
        rgb = vertical_gradient(h, w, self.look.bug_accent, self.net.bug_bg2)
        cov = text_alpha(text, font, w, h)
        rgb = rgb * (1 - cov[..., None]) + 250 * cov[..., None]
        alpha = np.maximum(np.full((h, w), self.net.bug_alpha, np.float32), cov)
        return overlay_from_rgba(np.clip(rgb, 0, 255).astype(np.uint8), alpha)

    def _third(self, variant: int) -> Overlay:
        h, w = (self.H // 9) & ~1, (self.W * 9 // 20) & ~1
        team = self.home if variant % 2 == 0 else self.away
        role, stats = _THIRDS[variant % len(_THIRDS)]
        rgb = vertical_gradient(h, w, team.primary, (10, 10, 14)).copy()
        rgb[:, : h // 6] = team.secondary
        top = text_alpha(
            f"#{variant % 89 + 1}  {role}",
            fit_font(self.look.font, role + "#00  ", w // 2, h // 2),
            w,
            h // 2,
            "left",
        )
        bot = text_alpha(
            stats, fit_font(self.look.font, stats, w - h, h // 2), w, h - h // 2, "left"
        )
        cov = np.concatenate([top, bot], axis=0)
        rgb = rgb * (1 - cov[..., None]) + 250 * cov[..., None]
        alpha = np.maximum(np.full((h, w), 0.85, np.float32), cov)
        return overlay_from_rgba(np.clip(rgb, 0, 255).astype(np.uint8), alpha)

    def _banner(self, b: Banner) -> Overlay:
        key = (b.kind, b.variant)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._promo(b.variant) if b.kind == "promo" else self._third(b.variant)
            if len(self._cache) > 16:
                self._cache.clear()
            self._cache[key] = hit
        return hit

    def draw_banners(self, frame: Frame, n: int, fps: float) -> None:
        """Promos and lower thirds on screen at broadcast frame ``n`` (sliding in and out)."""
        i = bisect_right(self._starts, n) - 1
        for b in self.banners[max(0, i - 1) : i + 1]:
            if not b.start <= n < b.end:
                continue
            ov = self._banner(b)
            t_in, t_out = (n - b.start) / fps, (b.end - n) / fps
            slide = 1.0 - min(1.0, min(t_in, t_out) / _SLIDE)
            off = int(slide * slide * (ov.width + 40))
            if b.kind == "third":
                y = self.H - ov.height - int(self.H * 0.2)
                ov.draw(frame, int(self.W * 0.06) - off, y)
            else:  # the promo hugs the bug: under a top bug, over a bottom one
                bug = self.bug
                y = bug.y + bug.h + 4 if bug.y < self.H // 2 else bug.y - ov.height - 4
                ov.draw(frame, bug.x + off, y)

    # ---- wipes ----------------------------------------------------------------------------
    def draw_wipe(self, frame: Frame, u: float) -> None:
        """The animated replay wipe at progress ``u`` (0-1): team-colour bands sweep across
        diagonally ("bands") or behind a spinning badge ("logo"); the middle is opaque."""
        W, H = self.W, self.H
        cols = np.arange(W, dtype=np.float32)[None, :]
        rows = np.arange(H, dtype=np.float32)[:, None]
        lead = -0.6 * W + u * 2.2 * W
        edge = cols + rows * 0.45  # diagonal fronts
        cover = 1.0 - min(1.0, abs(u - 0.5) * 3.0)  # fully covered around the middle
        colours = (self.home.primary, self.away.primary, self.look.bug_accent)
        band = 0.22 * W
        for k, col in enumerate(colours):
            front = lead - k * band * 0.7
            m = (edge < front) & (edge > front - band * (1.0 + 3.0 * cover))
            self._fill_mask(frame, m, col)
        if self.net.wipe == "logo":
            r = int(H * (0.14 + 0.1 * math.sin(u * math.pi)))
            cx, cy = int(W * (0.15 + 0.7 * u)), H // 2
            ang = u * 4 * math.pi
            yy, xx = rows - cy, cols - cx
            rot = np.abs(xx * math.cos(ang) + yy * math.sin(ang)) + np.abs(
                -xx * math.sin(ang) + yy * math.cos(ang)
            )
            self._fill_mask(frame, rot < r, (245, 245, 245))
            self._fill_mask(frame, rot < r * 0.6, self.look.bug_accent)

    @staticmethod
    def _fill_mask(frame: Frame, m: np.ndarray, rgb: tuple[int, int, int]) -> None:
        yv, uv, vv = rgb_to_yuv(rgb)
        frame.y[m] = yv
        mc = m[0::2, 0::2]
        frame.u[mc] = uv
        frame.v[mc] = vv
