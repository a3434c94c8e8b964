"""Frames of network looks: the perspective camera, people, network graphics, other angles.

:class:`NetworkComposer` keeps the classic composer's timeline logic (which shot, which scene,
bug state, walk-over between plays) and replaces what is drawn: the field through a camera
(:mod:`cutups_testkit.turf`), 22 shaded players, four officials and the ball in perspective,
the virtual scrimmage and first-down lines, replays from an end-zone, reverse or tight camera,
close-ups, coaches, crowds and aerials rendered from the same stadium, a video-game ad, and the
translucent bug, watermark, promos and lower thirds on top.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw

from cutups_testkit.broadcast import Shot
from cutups_testkit.bugstate import BugClock
from cutups_testkit.camera import Camera, look_at
from cutups_testkit.compose import Composer
from cutups_testkit.figures import FigureBank, Outfit
from cutups_testkit.inserts import AdSpec
from cutups_testkit.looks import NetworkStyle
from cutups_testkit.motion import Pose
from cutups_testkit.netbug import NetScorebug
from cutups_testkit.netgraphics import NetGraphics, plan_banners
from cutups_testkit.netmotion import CameraAim, NetMotion
from cutups_testkit.overlay import Overlay, fit_font, overlay_from_rgba
from cutups_testkit.turf import FIELD_W, Turf
from cutups_testkit.yuv import rgb_to_yuv

__all__ = ["NetworkComposer", "main_camera"]

PERSON_YARDS = 2.0  # a player's height
_LINE_HALF = 0.18  # half width of the virtual lines, yards


def main_camera(net: NetworkStyle, aim: CameraAim, width: int, height: int) -> Camera:
    """The high sideline camera at the 50, aimed at ``aim`` (classic yards)."""
    pos = (60.0, -net.camera_back, net.camera_height)
    target = (aim.x, FIELD_W - aim.y, 0.0)
    return look_at(pos, target, net.view_yards * aim.zoom_out, width, height)


class NetworkComposer(Composer):
    """Draws network-look frames (see the module docs)."""

    def setup_look(self) -> None:
        lk, spec = self.look, self.spec
        assert lk.net is not None
        self.net = lk.net
        home, away, seed = spec.game.home, spec.game.away, spec.game.seed
        self.turf = Turf(lk, home, away, seed)
        self.bank = FigureBank(
            {
                "home": Outfit(home.primary, home.secondary, (232, 232, 228), home.primary),
                "away": Outfit((236, 236, 236), away.primary, away.secondary, away.primary),
                "ref": Outfit(
                    (240, 240, 240),
                    (20, 20, 20),
                    (250, 250, 250),
                    (20, 20, 20),
                    stripes=True,
                    helmet=False,
                ),
                "coach_home": Outfit(
                    home.primary,
                    home.primary,
                    (190, 170, 130),
                    (40, 40, 40),
                    helmet=False,
                    headset=True,
                ),
                "coach_away": Outfit(
                    away.primary,
                    away.primary,
                    (60, 60, 70),
                    (40, 40, 40),
                    helmet=False,
                    headset=True,
                ),
            }
        )
        self.netbug = NetScorebug(lk, home, away)
        self.clock = BugClock(
            self.game,
            self.plan,
            lk.tenths,
            play_clock_last=self.net.play_clock_last,
            flags=self.net.flag_flash,
        )
        self.graphics = NetGraphics(
            lk, home, away, self.netbug.layout, plan_banners(self.plan, lk, seed)
        )
        self._hud: Overlay | None = None

    def new_motion(self, i: int) -> NetMotion:
        sc = self.plan.scenes[i]
        return NetMotion(
            sc, self.rows[sc.seq], self.plan.fps, self.spec.game.seed, self.net.camera_lag
        )

    def net_motion(self, i: int) -> NetMotion:
        m = self.motion(i)
        assert isinstance(m, NetMotion)
        return m

    # ---- the field and the people -------------------------------------------------------------
    def figure(self, who: str, pose: str, h: float, x: float, foot: float) -> None:
        """Draw ``who`` about ``h`` pixels tall, feet centred at (x, foot)."""
        spr = self.bank.get(who, pose, int(h))
        sh, sw = spr.my.shape
        spr.draw(self.frame, int(x - sw / 2), int(foot - sh))

    def draw_scene(self, cam: Camera, pose: Pose, mo: NetMotion, tau: float, n: int) -> None:
        """Field, virtual lines, officials, players and ball as ``cam`` sees them."""
        self.turf.render(self.frame, cam)
        for colour, x in zip(self.line_colours, pose.lines, strict=False):
            self._virtual_line(cam, x, colour)
        home_off = self.rows_offense_home
        xs = np.concatenate([pose.xs, pose.refs_x, [mo.los, mo.los]])
        ys = np.concatenate([pose.ys, pose.refs_y, [-0.8, FIELD_W + 0.8]])
        who = [("home" if home_off == (i < 11) else "away") for i in range(22)] + ["ref"] * 4
        u, v, depth = cam.project(xs, FIELD_W - ys, np.zeros(len(xs)))
        for i in np.argsort(-depth):
            if depth[i] <= 0.5:
                continue
            h = cam.f * PERSON_YARDS / depth[i]
            if h < 4 or h > cam.height * 2:
                continue
            moving = bool(pose.moving[i]) if i < 22 else False
            name = mo.pose_name(i, tau, moving, n) if i < 22 else "stand"
            self.figure(who[i], name, h, u[i], v[i])
        bu, bv, bd = cam.project(
            np.array([pose.ball_x]),
            np.array([FIELD_W - pose.ball_y]),
            np.array([pose.ball_h + 1.0]),
        )
        if bd[0] > 0.5:
            r = max(2, int(cam.f * 0.25 / bd[0]))
            self.frame.fill(
                int(bu[0]) - r, int(bv[0]) - r // 2, 2 * r, r, rgb_to_yuv((110, 60, 25))
            )

    def _virtual_line(self, cam: Camera, x: float, colour: tuple[int, int, int]) -> None:
        """A line painted on the field at ``X = x`` (under the players): in each row that sees
        it, the columns [c0, c1] whose ground point lies within the line's width."""
        g = cam.ground_rows(1, 0.5)
        ok = np.abs(g.dx) > 1e-6
        a = (x - _LINE_HALF - g.x0[ok]) / g.dx[ok]
        b = (x + _LINE_HALF - g.x0[ok]) / g.dx[ok]
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        ymid = g.y0[ok] + g.dy[ok] * (lo + hi) / 2
        f = self.frame
        keep = (ymid >= 0.0) & (ymid <= FIELD_W) & (hi >= 0) & (lo < f.width)
        rows = g.rows[ok][keep]
        if len(rows) == 0:
            return
        i0 = np.maximum(0, lo[keep].astype(np.int64))
        i1 = np.minimum(f.width, hi[keep].astype(np.int64) + 1)
        _paint_spans(f.y, rows, i0, i1, colour[0])
        _paint_spans(f.u, rows // 2, i0 // 2, (i1 + 1) // 2, colour[1])
        _paint_spans(f.v, rows // 2, i0 // 2, (i1 + 1) // 2, colour[2])

    def _aim(self, shot: Shot, prev: Shot | None, n: int) -> CameraAim:
        sc = self.plan.scenes[shot.scene]
        aim = self.net_motion(shot.scene).aim((n - sc.snap) / self.fps)
        blend = self.walk_over(shot, prev, n)
        if blend is None or prev is None:
            return aim
        s = blend[0]
        psc = self.plan.scenes[prev.scene]
        a0 = self.net_motion(prev.scene).aim((shot.start - psc.snap) / self.fps)
        return CameraAim(
            a0.x + (aim.x - a0.x) * s,
            a0.y + (aim.y - a0.y) * s,
            a0.zoom_out + (aim.zoom_out - a0.zoom_out) * s,
        )

    def _replay_camera(self, shot: Shot, mo: NetMotion, tau: float) -> Camera:
        angles = self.net.replay_angles
        angle = angles[shot.variant % len(angles)]
        aim = mo.aim(tau)
        W, H = self.look.width, self.look.height
        target = (aim.x - mo.d * 3.0, FIELD_W - aim.y, 0.0)
        if angle == "endzone":
            pos = (-14.0 if mo.d > 0 else 134.0, FIELD_W / 2, 13.0)
            return look_at(pos, target, 26.0 * aim.zoom_out, W, H)
        if angle == "reverse":
            return look_at((60.0, FIELD_W + 34.0, 18.0), target, 30.0 * aim.zoom_out, W, H)
        pos = (60.0, -float(self.net.camera_back), float(self.net.camera_height))
        return look_at(pos, target, 18.0 * aim.zoom_out, W, H)

    # ---- shots ----------------------------------------------------------------------------
    def content(self, shot: Shot, n: int, prev: Shot | None = None) -> None:
        t = (n - shot.start) / self.fps
        k = shot.kind
        W, H = self.look.width, self.look.height
        if k == "wide":
            sc = self.plan.scenes[shot.scene]
            self.rows_offense_home = self.rows[sc.seq].offense_home
            tau = (n - sc.snap) / self.fps
            cam = main_camera(self.net, self._aim(shot, prev, n), W, H)
            self.draw_scene(cam, self.wide_pose(shot, prev, n), self.net_motion(shot.scene), tau, n)
        elif k == "replay":
            sc = self.plan.scenes[shot.scene]
            self.rows_offense_home = self.rows[sc.seq].offense_home
            normal = 0.4 * shot.src_len
            src = shot.src0 + (t if t < normal else normal + (t - normal) * 0.5)
            mo = self.net_motion(shot.scene)
            self.draw_scene(self._replay_camera(shot, mo, src), mo.at(src), mo, src, n)
            self.frame.blit(self.tag, W - self.tag.width - W // 28, H // 14)
        elif k == "closeup":
            self._closeup(shot.variant, t)
        elif k == "sideline":
            self._coach(shot.variant, t)
        elif k == "crowd":
            cx = 30.0 + 12.0 * (shot.variant % 5)
            jig = 0.15 * math.sin(t * 7.0)
            cam = look_at((cx, 18.0, 4.0), (cx + t * 0.6, FIELD_W + 20.0, 2.5 + jig), 26.0, W, H)
            self.turf.render(self.frame, cam)
        elif k == "aerial":
            sway = 35.0 * math.sin(0.06 * (t + shot.variant * 9))
            cam = look_at((60.0 + sway, -80.0, 140.0), (60.0, FIELD_W / 2, 0.0), 165.0, W, H)
            self.turf.render(self.frame, cam)
        elif k == "commercial":
            ad = self.plan.inserts[shot.insert].parts[shot.part].ad
            if ad is not None and ad.kind == "videogame":
                self._videogame(ad, t, n)
            else:
                super().content(shot, n, prev)
        else:
            super().content(shot, n, prev)

    def _person_shot(self, cam: Camera, who: str, h_frac: float, x_frac: float) -> None:
        self.turf.render(self.frame, cam)
        H = self.look.height
        self.figure(who, "stand", H * h_frac, self.look.width * x_frac, H * (0.12 + h_frac))

    def _closeup(self, variant: int, t: float) -> None:
        """A tight shot of one player on the field, the far stands behind him."""
        W, H = self.look.width, self.look.height
        cx = 25.0 + 7.0 * (variant % 10)
        cam = look_at((cx, 12.0, 1.8), (cx + 0.3 * t, 40.0, 1.0), 10.0, W, H)
        who = "home" if variant % 2 == 0 else "away"
        self._person_shot(cam, who, 1.15, 0.5 + 0.08 * math.sin(0.3 * t + variant))

    def _coach(self, variant: int, t: float) -> None:
        """The head coach with his headset at the sideline, players behind him."""
        W, H = self.look.width, self.look.height
        cx = 40.0 + 5.0 * (variant % 6)
        cam = look_at((cx, 40.0, 2.0), (cx + 0.2 * t, FIELD_W + 6.0, 1.4), 14.0, W, H)
        self.turf.render(self.frame, cam)
        side = "home" if variant % 2 == 0 else "away"
        for j in range(5):
            self.figure(side, "stand", H * 0.42, W * (0.08 + 0.2 * j), H * 0.62)
        x = W * (0.36 + 0.05 * math.sin(0.4 * t))
        self.figure(f"coach_{side}", "stand", H * 1.05, x, H * 1.19)

    def _videogame(self, ad: AdSpec, t: float, n: int) -> None:
        """A football video game's ad: a field and players behind the offense, a game HUD."""
        W, H = self.look.width, self.look.height
        los = 40.0 + (ad.seed % 30)
        cam = look_at((los - 16.0, FIELD_W / 2, 7.0), (los + 10.0, FIELD_W / 2, 0.0), 34.0, W, H)
        self.turf.render(self.frame, cam)
        ys = np.linspace(8, FIELD_W - 8, 11)
        run = max(0.0, (t % 6.0) - 2.0) * 5.0
        xs = np.concatenate([np.full(11, los - 1.0 + run), np.full(11, los + 2.5 + run * 0.6)])
        yy = np.concatenate([ys, ys[::-1]])
        u, v, depth = cam.project(xs, FIELD_W - yy, np.zeros(22))
        for i in np.argsort(-depth):
            h = cam.f * PERSON_YARDS / depth[i]
            who = "home" if i < 11 else "away"
            self.figure(who, "run_a" if (n // 6 + i) % 2 else "run_b", h, u[i], v[i])
        if self._hud is None:
            self._hud = self._make_hud()
        self._hud.draw(self.frame, 0, 0)

    def _make_hud(self) -> Overlay:
        W, H = self.look.width, self.look.height
        img = Image.new("RGB", (W, H), (0, 0, 0))
        alpha = Image.new("L", (W, H), 0)
        d, da = ImageDraw.Draw(img), ImageDraw.Draw(alpha)
        title = "GRIDIRON 26"
        font = fit_font(self.look.font, title, W // 2, H // 8)
        d.text(
            (W / 2, H * 0.1),
            title,
            font=font,
            fill=(255, 220, 40),
            anchor="mm",
            stroke_width=3,
            stroke_fill=(0, 0, 0),
        )
        da.text((W / 2, H * 0.1), title, font=font, fill=255, anchor="mm", stroke_width=3)
        for i, play in enumerate(("HB DIVE", "PA CROSS", "FOUR VERTS")):
            box = (W * (0.08 + 0.29 * i), H * 0.74, W * (0.33 + 0.29 * i), H * 0.92)
            d.rectangle(box, fill=(20, 30, 90), outline=(255, 255, 255), width=3)
            da.rectangle(box, fill=200)
            f2 = fit_font(self.look.font, play, int(W * 0.22), int(H * 0.08))
            cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
            d.text((cx, cy), play, font=f2, fill=(255, 255, 255), anchor="mm")
            da.text((cx, cy), play, font=f2, fill=255, anchor="mm")
        cov = np.asarray(alpha, np.float32) / 255.0
        return overlay_from_rgba(np.asarray(img, np.uint8), cov)

    # ---- graphics -------------------------------------------------------------------------
    def draw_wipe(self, shot: Shot, u: float) -> None:
        self.graphics.draw_wipe(self.frame, u)

    def draw_graphics(self, idx: int, shot: Shot, n: int) -> None:
        if shot.kind in ("commercial", "bumper"):
            return
        self.graphics.draw_watermark(self.frame)
        self.graphics.draw_banners(self.frame, n, self.fps)

    def draw_bug(self, idx: int, shot: Shot, n: int) -> None:
        if shot.kind in ("commercial", "bumper"):
            return
        st = self.bug_state(idx, shot, n)
        if st is not None:
            lay = self.netbug.layout
            self.netbug.render(st).draw(self.frame, lay.x, lay.y)


def _paint_spans(
    plane: NDArray[np.uint8],
    rows: NDArray[np.int64],
    c0: NDArray[np.int64],
    c1: NDArray[np.int64],
    value: int,
) -> None:
    """Set ``plane[rows[i], c0[i]:c1[i]]`` to ``value`` for every i, in one scatter."""
    width = c1 - c0
    span = int(width.max(initial=0))
    if span <= 0:
        return
    cols = c0[:, None] + np.arange(span)
    inside = np.arange(span) < width[:, None]
    plane[np.broadcast_to(rows[:, None], cols.shape)[inside], cols[inside]] = value
