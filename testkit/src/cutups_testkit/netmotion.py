"""Scene kinematics for network looks: formations, blocking, routes, tackles, the huddle walk,
and a broadcast camera that pans and zooms after the ball with some lag.

Built on :class:`~cutups_testkit.motion.SceneMotion` (same timing, same still moment before
the snap, same ball), with its own random stream so classic looks are unchanged. Positions are
classic field yards (``Y`` 0 at the far sideline).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from numpy.typing import NDArray

from cutups_testkit.broadcast import Scene
from cutups_testkit.field import FIELD_W
from cutups_testkit.game import SimRow
from cutups_testkit.motion import MID, Pose, SceneMotion

__all__ = ["CameraAim", "NetMotion"]

F64 = NDArray[np.float64]
_LAG_TAPS = np.array([0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75])
_LAG_W = np.exp(-_LAG_TAPS * 1.6)
_LAG_W /= _LAG_W.sum()


@dataclass(frozen=True, slots=True)
class CameraAim:
    """Where the main camera points (classic field yards) and how wide it frames (multiple of
    the look's ``view_yards``)."""

    x: float
    y: float
    zoom_out: float


class NetMotion(SceneMotion):
    """:class:`SceneMotion` with richer football for the perspective camera."""

    def __init__(self, scene: Scene, row: SimRow, fps: Fraction, seed: int, lag: float) -> None:
        super().__init__(scene, row, fps, seed)
        rng = np.random.default_rng([seed, scene.seq, 0x4E7])
        self.camera_lag = lag
        self._formation(rng)
        # route breaks of the three receivers: depth (yards) and sideways speed (yd/s)
        self.break_at = rng.uniform(5, 14, 3)
        self.break_dy = rng.choice([-1.0, 1.0], 3) * rng.uniform(3.0, 6.0, 3)
        self.huddle_side = rng.uniform(-3, 3)

    def _formation(self, rng: np.random.Generator) -> None:
        """Vary the offense's backfield and receivers (scrimmage plays only)."""
        if self.kind != "scrimmage":
            return
        d = self.d
        if rng.random() < 0.6:  # shotgun: QB 5 yards deep, back beside him
            self.sx[6] = self.lx[6] = self.los - d * 5.0
            self.sx[7] = self.lx[7] = self.los - d * 5.0
            self.sy[7] = self.ly[7] = MID + float(rng.choice([-2.5, 2.5]))
        wide = rng.choice([[6.5, 47.0, 14.0], [5.0, 44.0, 39.0], [9.0, 48.0, 18.0]])
        for k, i in enumerate((8, 9, 10)):
            if self.t_motion >= 0 or i != 10:
                self.sy[i] = self.ly[i] = float(wide[k])

    # ---- live play ------------------------------------------------------------------------
    def _live(self, m: float) -> tuple[F64, F64]:
        xs, ys = super()._live(m)
        if self.kind != "scrimmage":
            return self._tackle(m, xs, ys)
        d = self.d
        c = self.carrier
        for k, i in enumerate((8, 9, 10)):  # routes: stem, then break in or out
            if i == c and self.throw_t >= 0 and m >= self.throw_t:
                continue
            depth = abs(xs[i] - self.lx[i])
            if depth > self.break_at[k]:
                t_break = self.break_at[k] / 7.0
                ys[i] += self.break_dy[k] * max(0.0, m - t_break)
                xs[i] -= d * 0.5 * max(0.0, depth - self.break_at[k])
        ys[8:11] = np.clip(ys[8:11], 1.0, FIELD_W - 1.0)
        return self._tackle(m, xs, ys)

    def _tackle(self, m: float, xs: F64, ys: F64) -> tuple[F64, F64]:
        """In the last 0.8 s the nearest defenders close on the ball carrier."""
        if self.kind in ("false_start", "offside", "delay_of_game", "fg", "xp"):
            return xs, ys
        u = (m - (self.live - 0.8)) / 0.8
        if u <= 0:
            return xs, ys
        bx, by, _ = self.ball(m)
        team = slice(0, 11) if self.carrier >= 11 else slice(11, 22)
        off = 0 if self.carrier >= 11 else 11
        dist = np.hypot(xs[team] - bx, ys[team] - by)
        near = np.argsort(dist)[:3] + off
        k = min(1.0, u)
        offs = np.array([[0.6, 0.3], [-0.5, 0.5], [0.2, -0.6]])
        xs[near] += (bx + offs[:, 0] - xs[near]) * k
        ys[near] += (by + offs[:, 1] - ys[near]) * k
        return xs, ys

    # ---- after the whistle: everyone walks back toward a huddle ----------------------------
    def at(self, tau: float) -> Pose:
        pose = super().at(tau)
        m = tau + self.frame_dt
        if tau < 0 or m <= self.live + 1.5:
            return pose
        x1, y1 = self._live(self.live)
        bx = self.ball(self.live)[0]
        d = self.d
        walk = min(1.0, (m - self.live - 1.5) / 7.0)
        hx = np.concatenate([np.full(11, bx - d * 7.0), np.full(11, bx + d * 5.0)])
        ang = np.linspace(0, 2 * np.pi, 11, endpoint=False)
        ring_x = np.concatenate([1.4 * np.cos(ang), 5.0 * np.cos(ang) * 0.6])
        ring_y = np.concatenate([1.4 * np.sin(ang), 9.0 * np.sin(ang)])
        tx = hx + ring_x
        ty = MID + self.huddle_side + ring_y
        s = walk * walk * (3 - 2 * walk)
        xs = x1 + (tx - x1) * s
        ys = y1 + (ty - y1) * s
        return Pose(
            xs,
            np.clip(ys, -1, FIELD_W + 1),
            np.full(22, walk < 1.0),
            pose.ball_x,
            pose.ball_y,
            pose.ball_h,
            pose.cam_x,
            pose.cam_y,
            pose.refs_x,
            pose.refs_y,
            pose.lines,
        )

    # ---- the camera ------------------------------------------------------------------------
    def _ball_at(self, tau: float) -> tuple[float, float, float]:
        if tau < 0:
            return self.los, MID, 0.0
        return self.ball(min(tau + self.frame_dt, self.live))

    def aim(self, tau: float) -> CameraAim:
        """Camera aim at ``tau``: a lagged average of where the ball was (still before the
        snap, since the ball is), a little downfield, zooming out as the ball travels or
        flies."""
        xs, ys, zs = [], [], []
        for tap in _LAG_TAPS:
            x, y, h = self._ball_at(tau - tap * self.camera_lag)
            xs.append(x)
            ys.append(y)
            zs.append(max(abs(x - self.los) / 30.0, h / 14.0))
        w = _LAG_W
        x = float(np.dot(w, xs)) + self.d * 3.0
        y = float(np.dot(w, ys)) * 0.4 + MID * 0.6
        base = 1.25 if self.kind in ("kickoff", "punt") else 1.0
        return CameraAim(x, y, base + 0.45 * min(1.0, float(np.dot(w, zs))))

    def pose_name(self, i: int, tau: float, moving: bool, n: int) -> str:
        """Drawing pose of player ``i``: linemen crouch in their stance while set, movers
        alternate stride frames."""
        if not moving:
            set_line = self.kind == "scrimmage" and self.t_set <= tau < 0
            return "stance" if set_line and (i < 5 or 11 <= i < 15) else "stand"
        if 0 <= tau < self.live and (i < 5 or 11 <= i < 15):
            return "lean"
        return "run_a" if (n // 5 + i) % 2 == 0 else "run_b"
