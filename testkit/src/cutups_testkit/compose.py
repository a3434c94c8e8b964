"""Composition of classic-look frames: one broadcast frame at a time into a reusable buffer.

:class:`Composer` draws the flat-panorama wide shot, replays, cut-aways, inserts, wipes and
the scorebug; :mod:`cutups_testkit.netcompose` extends it for network looks.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from cutups_testkit.ads import AdRenderer
from cutups_testkit.broadcast import Plan, Shot
from cutups_testkit.bugstate import BugClock
from cutups_testkit.cutaways import Cutaways
from cutups_testkit.field import FIELD_W, FieldArt
from cutups_testkit.game import SimGame
from cutups_testkit.looks import Look
from cutups_testkit.motion import Pose, SceneMotion
from cutups_testkit.scorebug import BugState, Scorebug
from cutups_testkit.spec import BroadcastSpec
from cutups_testkit.yuv import Frame, Planes, rgb_to_planes, rgb_to_yuv

__all__ = ["Composer", "replay_tag"]


def replay_tag(look: Look) -> Planes:
    """The "REPLAY" tag shown in a corner during replays (look's accent colour)."""
    h = (look.height // 16) & ~1
    font = ImageFont.truetype(look.font, int(h * 0.7))
    w = (int(font.getlength("REPLAY")) + h) & ~1
    img = Image.new("RGB", (w, h), look.bug_accent)
    ImageDraw.Draw(img).text((w / 2, h / 2), "REPLAY", font=font, fill=(250, 250, 250), anchor="mm")
    return rgb_to_planes(np.asarray(img, np.uint8))


class Composer:
    """Draws one broadcast frame at a time into a reusable :class:`Frame`."""

    def __init__(self, game: SimGame, plan: Plan, spec: BroadcastSpec) -> None:
        lk = spec.look
        self.game, self.plan, self.spec, self.look = game, plan, spec, lk
        self.fps = float(plan.fps)
        seed = spec.game.seed
        home, away = spec.game.home, spec.game.away
        self.frame = Frame(lk.width, lk.height)
        self.cut = Cutaways(lk, home, away, seed)
        self.ads = AdRenderer(lk)
        self.clock = BugClock(game, plan, lk.tenths)
        self.rows = {r.seq: r for r in game.rows}
        self.setup_look()
        self._motions: dict[int, SceneMotion] = {}
        self._frozen: dict[int, BugState] = {}
        rng = np.random.default_rng([seed, 0x6A1])
        self.grain = (
            [rng.integers(0, lk.grain * 2 + 1, (lk.height, lk.width), np.uint8) for _ in range(6)]
            if lk.grain
            else []
        )
        self.tag = replay_tag(lk)

    def setup_look(self) -> None:
        """Build the look's field art and scorebug (network looks build their own)."""
        lk, home, away = self.look, self.spec.game.home, self.spec.game.away
        self.wide = FieldArt(lk, home, away, 1.0, self.spec.game.seed)
        self.zoom: FieldArt | None = None
        self.bug = Scorebug(lk, home, away)

    def new_motion(self, i: int) -> SceneMotion:
        """Kinematics of scene ``i``."""
        sc = self.plan.scenes[i]
        return SceneMotion(sc, self.rows[sc.seq], self.plan.fps, self.spec.game.seed)

    def motion(self, i: int) -> SceneMotion:
        m = self._motions.get(i)
        if m is None:
            if len(self._motions) > 8:
                self._motions.clear()
            m = self.new_motion(i)
            self._motions[i] = m
        return m

    def draw_field(self, art: FieldArt, pose: Pose, n: int, tight: bool) -> None:
        f = self.frame
        x0 = art.view_x(pose.cam_x if not tight else pose.ball_x)
        y0 = art.view_y(pose.cam_y) if tight else 0
        f.copy_from(art.pano, x0, y0)
        top, bottom = int(art.py(0.0)) - y0, int(art.py(FIELD_W)) - y0
        lw = max(2, int(art.ppy * 0.1))
        for colour, x in zip(self.line_colours, pose.lines, strict=False):
            f.fill(int(art.px(x)) - x0, top, lw, bottom - top, colour)
        rx = art.pxs(pose.refs_x) - x0 - art.sprite_w / 2
        ry = art.pys(pose.refs_y) - y0 - art.sprite_h
        for i in range(len(rx)):
            art.ref.draw(f, int(rx[i]), int(ry[i]))
        sx = art.pxs(pose.xs) - x0 - art.sprite_w / 2
        sy = art.pys(pose.ys) - y0 - art.sprite_h
        order = np.argsort(sy)
        home_off = self.rows_offense_home
        for i in order:
            team_home = bool(home_off == (i < 11))
            pose_i = (n // 4 + i) % 2 if pose.moving[i] else 0
            art.sprites[(team_home, pose_i)].draw(f, int(sx[i]), int(sy[i]))
        bx = float(art.px(pose.ball_x)) - x0
        by = float(art.py(pose.ball_y)) - y0 - pose.ball_h * art.vy * 0.9 - art.sprite_h * 0.5
        art.ball.draw(f, int(bx), int(by))

    rows_offense_home = True
    line_colours = (rgb_to_yuv((40, 90, 230)), rgb_to_yuv((245, 215, 40)))  # scrimmage, 1st down

    def walk_over(self, shot: Shot, prev: Shot | None, n: int) -> tuple[float, Pose] | None:
        """When ``shot`` continues another play's wide shot without a cut, the first 3 s blend
        from where things were: (smooth blend factor, the previous scene's pose at the cut).
        None when there is nothing to blend (never into the still moment before the snap)."""
        sc = self.plan.scenes[shot.scene]
        if (
            prev is None
            or prev.kind != "wide"
            or prev.scene == shot.scene
            or prev.end != shot.start
        ):
            return None
        span = min(3.0 * self.fps, sc.set - shot.start) if shot.start < sc.set else 0
        if span <= 0 or n - shot.start >= span:
            return None
        u = (n - shot.start) / span
        psc = self.plan.scenes[prev.scene]
        p0 = self.motion(prev.scene).at((shot.start - psc.snap) / self.fps)
        return u * u * (3 - 2 * u), p0

    def wide_pose(self, shot: Shot, prev: Shot | None, n: int) -> Pose:
        """Pose of a wide shot; when it continues another play's wide shot without a cut,
        players walk over from where they were during the first 3 s (no jump)."""
        sc = self.plan.scenes[shot.scene]
        pose = self.motion(shot.scene).at((n - sc.snap) / self.fps)
        blend = self.walk_over(shot, prev, n)
        if blend is None:
            return pose
        s, p0 = blend
        psc = self.plan.scenes[prev.scene]  # type: ignore[union-attr]
        x0, y0 = p0.xs, p0.ys
        if self.rows[psc.seq].offense_home != self.rows[sc.seq].offense_home:
            x0, y0 = np.roll(x0, 11), np.roll(y0, 11)  # keep each team's players together
        return Pose(
            x0 + (pose.xs - x0) * s,
            y0 + (pose.ys - y0) * s,
            np.ones(22, bool),
            pose.ball_x,
            pose.ball_y,
            pose.ball_h,
            p0.cam_x + (pose.cam_x - p0.cam_x) * s,
            pose.cam_y,
            p0.refs_x + (pose.refs_x - p0.refs_x) * s,
            pose.refs_y,
            pose.lines,
        )

    def content(self, shot: Shot, n: int, prev: Shot | None = None) -> None:
        """Draw ``shot``'s picture (no scorebug) for broadcast frame ``n``."""
        t = (n - shot.start) / self.fps
        k = shot.kind
        if k == "wide":
            sc = self.plan.scenes[shot.scene]
            self.rows_offense_home = self.rows[sc.seq].offense_home
            self.draw_field(self.wide, self.wide_pose(shot, prev, n), n, False)
        elif k == "replay":
            if self.zoom is None:
                self.zoom = FieldArt(
                    self.look, self.spec.game.home, self.spec.game.away, 1.6, self.spec.game.seed
                )
            sc = self.plan.scenes[shot.scene]
            self.rows_offense_home = self.rows[sc.seq].offense_home
            normal = 0.4 * shot.src_len
            src = shot.src0 + (t if t < normal else normal + (t - normal) * 0.5)
            self.draw_field(self.zoom, self.motion(shot.scene).at(src), n, True)
            self.frame.blit(
                self.tag,
                self.look.width - self.tag.width - self.look.width // 28,
                self.look.height // 14,
            )
        elif k == "closeup":
            self.cut.closeup(self.frame, shot.variant, t + shot.start / self.fps)
        elif k == "crowd":
            self.cut.crowd(self.frame, shot.variant, n, t)
        elif k == "sideline":
            self.cut.sideline(self.frame, shot.variant, t)
        elif k == "graphic":
            self.cut.graphic(self.frame, shot.text or "STAT", t)
        elif k == "studio":
            self.cut.studio(self.frame, n, t)
        elif k == "bumper":
            self.cut.bumper(self.frame, t)
        elif k == "commercial":
            ad = self.plan.inserts[shot.insert].parts[shot.part].ad
            if ad is not None:
                self.ads.draw(self.frame, ad, t)
        elif k == "wipe":
            pass  # drawn by the caller over the neighbouring shot

    def draw(self, idx: int, n: int) -> None:
        """Broadcast frame ``n`` (of shot ``idx``) into :attr:`frame`, scorebug included."""
        self.draw_picture(idx, n)
        self.draw_bug(idx, self.plan.shots[idx], n)

    def draw_picture(self, idx: int, n: int) -> None:
        """Frame ``n`` without its scorebug: the shot (or wipe), grain and other graphics.

        The same frame with the bug switched off (the look's ``scorebug=False`` twin) is
        exactly this, which lets one pass render both (:func:`cutups_testkit.render`)."""
        shots = self.plan.shots
        shot = shots[idx]
        if shot.kind == "wipe":
            other = shots[idx - 1] if idx > 0 else shot
            self.content(other, n, shots[idx - 2] if idx > 1 else None)
            self.draw_wipe(shot, (n - shot.start + 1) / max(1, shot.end - shot.start))
        else:
            self.content(shot, n, shots[idx - 1] if idx > 0 else None)
        if self.grain:  # sensor noise under the graphics, which are keyed in clean
            np.add(self.frame.y, self.grain[n % len(self.grain)], out=self.frame.y)
        self.draw_graphics(idx, shot, n)

    def draw_graphics(self, idx: int, shot: Shot, n: int) -> None:
        """Graphics other than the scorebug keyed over the picture (classic looks have none)."""

    def draw_wipe(self, shot: Shot, u: float) -> None:
        """The replay wipe at progress ``u`` (0-1) over the picture."""
        self.cut.wipe(self.frame, u)

    def bug_state(self, idx: int, shot: Shot, n: int) -> BugState | None:
        """What the scorebug shows at frame ``n`` of ``shot`` (None: no bug)."""
        if shot.bug == "live":
            return self.clock.state(n)
        if shot.bug == "frozen":  # the bug as it was when the replay started
            frozen = self._frozen.get(idx)
            if frozen is None:
                frozen = self._frozen[idx] = self.clock.state(shot.start)
            return frozen
        return None

    def draw_bug(self, idx: int, shot: Shot, n: int) -> None:
        """Key the scorebug over the picture."""
        st = self.bug_state(idx, shot, n)
        if st is not None:
            self.frame.blit(self.bug.render(st), self.bug.layout.x, self.bug.layout.y)
