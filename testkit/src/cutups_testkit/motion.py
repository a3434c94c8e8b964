"""Where the 22 players, the ball and the camera are at any moment of a scene.

Time ``tau`` is seconds relative to the scene's snap (the kick for kickoffs, the foul for
pre-snap fouls). Phases: milling around (``tau < t_lineup``), walking to the line, standing
still from ``t_set`` (one man in motion from ``t_motion``), then from the snap every player
moves at once; after the whistle everyone slows down and drifts. Positions are in field yards
(see :mod:`cutups_testkit.field`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from numpy.typing import NDArray

from cutups_testkit.broadcast import Scene
from cutups_testkit.field import FIELD_W
from cutups_testkit.game import SimRow

__all__ = ["Pose", "SceneMotion"]

F64 = NDArray[np.float64]
MID = FIELD_W / 2

# Offense: 5 OL, TE, QB, RB, 3 WR; defense: 4 DL, 3 LB, 2 CB, 2 S. (dx behind/beyond LOS, y)
_OFF = [
    (-0.7, MID - 2.6),
    (-0.7, MID - 1.3),
    (-0.7, MID),
    (-0.7, MID + 1.3),
    (-0.7, MID + 2.6),
    (-1.0, MID + 4.0),
    (-4.5, MID),
    (-6.5, MID - 1.2),
    (-1.0, 6.5),
    (-1.0, 47.0),
    (-1.5, 14.0),
]
_DEF = [
    (0.8, MID - 3.0),
    (0.8, MID - 1.0),
    (0.8, MID + 1.0),
    (0.8, MID + 3.0),
    (4.5, MID - 5),
    (4.5, MID),
    (4.5, MID + 5),
    (6.0, 7.5),
    (6.0, 46.0),
    (12.0, 17.0),
    (12.0, 36.0),
]


@dataclass(frozen=True, slots=True)
class Pose:
    """Everything the wide shot draws at one instant (yards; ``ball_h`` is height)."""

    xs: F64
    ys: F64
    moving: NDArray[np.bool_]
    ball_x: float
    ball_y: float
    ball_h: float
    cam_x: float
    cam_y: float
    refs_x: F64
    refs_y: F64
    lines: tuple[float, ...] = ()  # field X of the virtual scrimmage / first-down lines


def _smooth(u: F64 | float) -> F64:
    c = np.clip(u, 0.0, 1.0)
    return np.asarray(c * c * (3 - 2 * c))


def _num(pattern: str, text: str, default: float) -> float:
    m = re.search(pattern, text)
    return float(m.group(1)) if m else default


class SceneMotion:
    """Kinematics of one scene (deterministic in ``seed`` and the scene)."""

    def __init__(self, scene: Scene, row: SimRow, fps: Fraction, seed: int) -> None:
        rng = np.random.default_rng([seed, scene.seq, 0x5CE])
        self.kind = scene.kind
        f = float(fps)
        self.frame_dt = 1.0 / f
        self.t_lineup = (scene.lineup - scene.snap) / f
        self.t_set = (scene.set - scene.snap) / f
        self.t_motion = (scene.motion - scene.snap) / f
        self.live = max(0.3, (scene.whistle - scene.snap) / f)
        home_left = row.period % 2 == 1
        self.d = 1.0 if row.offense_home == home_left else -1.0
        d = self.d
        ytg = row.yards_to_goal
        self.los = (110 - ytg) if d > 0 else (10 + ytg)
        self.home_is_offense = row.offense_home
        self.offense = np.array([True] * 11 + [False] * 11)
        form = np.array(_OFF + _DEF, np.float64)
        if self.kind == "kickoff":
            ys = np.linspace(4, FIELD_W - 4, 10)
            kick_off = [(-1.0, float(y)) for y in ys] + [(-0.3, MID)]
            recv = [
                (12, 9),
                (12, 20),
                (12, 33),
                (12, 44),
                (14, MID),
                (25, 15),
                (25, MID),
                (25, 38),
                (40, 20),
                (40, 33),
                (55, MID),
            ]
            form = np.array(kick_off + recv, np.float64)
        elif self.kind == "punt":
            form[6] = (-14.0, MID)
            form[7] = (-6.0, MID - 1.0)
            form[9] = (40.0, MID)  # returner (drawn with the defense below)
            form[11 + 10] = (40.0, MID)
        elif self.kind in ("fg", "xp"):
            form[6], form[7] = (-7.0, MID - 0.3), (-9.5, MID - 2.0)
            form[8], form[9], form[10] = (-1.0, MID - 4.2), (-1.0, MID + 5.2), (-1.2, MID + 6)
        self.fx = self.los + d * form[:, 0]
        self.fy = form[:, 1].copy()
        if self.kind == "punt":
            self.fx[9] = self.los + d * -0.8
            self.fy[9] = 2.0
        # huddles: offense in a ring behind the ball, defense loosely spread
        ang = np.linspace(0, 2 * np.pi, 11, endpoint=False) + rng.uniform(0, 1)
        self.hx = np.concatenate(
            [self.los - d * 8 + 1.3 * np.cos(ang), self.fx[11:] + d * rng.uniform(1, 4, 11)]
        )
        self.hy = np.concatenate([MID + 1.6 * np.sin(ang), self.fy[11:] + rng.uniform(-3, 3, 11)])
        if self.kind == "kickoff":
            self.hx[:11] = self.fx[:11] - d * rng.uniform(3, 8, 11)
        # set positions (kicker backed up for his run-up) and live base positions (at the snap)
        self.sx, self.sy = self.fx.copy(), self.fy.copy()
        self.lx, self.ly = self.fx.copy(), self.fy.copy()
        if self.kind == "kickoff":
            self.sx[10] = self.fx[10] - d * 6.5
        self.phase = rng.uniform(0, 2 * np.pi, (22, 2))
        self.lag = rng.uniform(1.2, 3.5, 22)
        self.mot_dir = 1.0 if rng.random() < 0.5 else -1.0
        self.drift = rng.uniform(-0.8, 0.8, (22, 2))
        # Live-ball scuffle (own stream, so the rest of the scene is drawn as before).
        jig = np.random.default_rng([seed, scene.seq, 0x10C])
        self.scuffle_amp = jig.uniform(0.5, 0.9, (22, 2))
        self.scuffle_rate = jig.uniform(2.5, 4.0, (22, 2))
        self.scuffle_phase = jig.uniform(0, 2 * np.pi, (22, 2))
        # officials: the referee behind the offense, the umpire behind the defensive line
        self.ref_x = np.array([self.los - d * 13.0, self.los + d * 6.5])
        self.ref_y = np.array([MID + 3.5, MID - 2.0])
        self.lines: tuple[float, ...] = ()
        if self.kind == "scrimmage" and row.down >= 1:
            self.lines = (self.los, self.los + d * min(row.distance, row.yards_to_goal))
        if self.kind == "scrimmage" and self.t_motion < 0:
            self.ly[10] = self.fy[10] + self.mot_dir * 4.5 * -self.t_motion
        self._plan_ball(row, rng)

    def _plan_ball(self, row: SimRow, rng: np.random.Generator) -> None:
        d, L = self.d, self.live
        self.carrier = 7  # RB
        self.throw_t = -1.0
        self.kick_t = -1.0
        self.hang = 0.0
        pt = row.play_type
        gain = float(row.yards_gained)
        if self.kind == "kickoff":
            dist = _num(r"kickoff for (\d+)", row.text, 62)
            self.kick_t, self.hang = 0.0, 3.7
            self.land = self.los + d * dist
            ret = _num(r"return for (\d+)", row.text, 0)
            self.end_x = self.land - d * ret
            self.carrier = 21
        elif self.kind == "punt":
            gross = _num(r"punt for (\d+)", row.text, 42)
            self.kick_t, self.hang = 2.0, 4.0
            self.land = self.los + d * gross
            ret = _num(r"returns for (\d+)", row.text, 0)
            self.end_x = self.land - d * ret
            self.carrier = 21
        elif self.kind in ("fg", "xp"):
            self.kick_t, self.hang = 1.3, 1.6
            self.land = 120.0 if d > 0 else 0.0
            self.end_x = self.land
        elif pt.startswith("Pass") or pt in ("Sack",):
            self.carrier = 6 if pt == "Sack" else int(rng.choice([8, 9, 10, 5]))
            self.throw_t = -1.0 if pt == "Sack" else float(min(L * 0.45, rng.uniform(1.4, 2.6)))
        self.gain = gain if self.kind == "scrimmage" else 0.0
        if pt == "Pass Incompletion":
            self.gain = 0.0
            self.air = float(rng.uniform(6, 22))
        elif pt == "Pass Interception Return":
            self.gain = float(rng.uniform(8, 25))
            self.air = self.gain
        else:
            self.air = max(1.0, self.gain * 0.7)
        self.lat = float(rng.uniform(-8, 8))

    # ---- the ball ---------------------------------------------------------------------------
    def ball(self, m: float) -> tuple[float, float, float]:
        """Ball (x, y, height) at live time ``m`` >= 0."""
        d, L = self.d, self.live
        if self.kick_t >= 0:
            start = self.los if self.kind == "kickoff" else float(self.fx[6])
            if m < self.kick_t:  # snap back to the punter / holder
                u = float(_smooth(m / max(0.2, self.kick_t * 0.5)))
                return self.los + (start - self.los) * u, MID, 0.5
            u = (m - self.kick_t) / self.hang
            if u < 1:
                x = start + (self.land - start) * u
                return float(x), MID, 18.0 * 4 * u * (1 - u)
            rest = L - self.kick_t - self.hang
            v = 1.0 if rest <= 0.1 else min(1.0, (m - self.kick_t - self.hang) / rest)
            return float(self.land + (self.end_x - self.land) * _smooth(v)), MID + self.lat * v, 0.5
        u = min(1.0, m / L)
        if self.throw_t < 0:  # run or sack
            x = self.los + self.d * self.gain * float(_smooth(u)) - d * 4.5 * (1 - u) ** 3
            return float(x), MID + self.lat * float(_smooth(u)), 0.6
        if m < self.throw_t:
            return self.los - d * (1 + 4 * min(1.0, m / 1.0)), MID, 1.0
        flight = 0.9
        tx = self.los + d * self.air
        if m < self.throw_t + flight:
            v = (m - self.throw_t) / flight
            x0 = self.los - d * 5
            return x0 + (tx - x0) * v, MID + self.lat * v, 2 + 6 * v * (1 - v)
        after = (m - self.throw_t - flight) / max(0.2, L - self.throw_t - flight)
        x = tx + d * (self.gain - self.air) * float(_smooth(after))
        return float(x), MID + self.lat, 0.0 if self.gain == 0 else 0.6

    # ---- players ----------------------------------------------------------------------------
    def _live(self, m: float) -> tuple[F64, F64]:
        d = self.d
        bx, by, _ = self.ball(m)
        xs, ys = self.lx.copy(), self.ly.copy()
        if self.kind in ("false_start", "offside", "delay_of_game"):
            s = min(1.0, m / 0.25)
            if self.kind == "false_start":
                xs[1] += d * 0.5 * s
                xs[2] += d * 0.2 * s
            elif self.kind == "offside":
                xs[12] -= d * 0.9 * s
            return xs, ys
        jump = min(1.0, m / 0.22)
        w = np.clip(m / self.lag, 0, 1)
        if self.kind == "kickoff":
            run = np.clip(m * 6.8, 0, None)
            xs[:11] = self.lx[:11] + d * np.minimum(run, np.abs(bx - self.lx[:11]) + 2)
            ys[:11] += (by - ys[:11]) * w[:11] * 0.4
            xs[11:] += (bx - xs[11:]) * w[11:] * 0.7
            ys[11:] += (by - ys[11:]) * w[11:] * 0.6
        else:
            xs[:5] += d * (0.9 if self.throw_t < 0 else -0.7) * jump
            xs[11:15] -= d * 0.8 * jump
            xs[8:11] += d * np.minimum(m * 7.0, 12 + self.air * 0.5)
            xs[15:] += (bx - xs[15:]) * w[15:] * 0.8
            ys[15:] += (by - ys[15:]) * w[15:] * 0.7
            xs[[5, 6]] += (bx - xs[[5, 6]]) * w[[5, 6]] * 0.5
            xs[11:15] += (bx - xs[11:15]) * w[11:15] * 0.4
        # Nobody stands still while the ball is live: linemen grapple, receivers and defenders
        # keep working. Without this, a short completion froze all 22 players for half a second
        # mid-play (routes run out, defenders arrived), which no real play does.
        ph = self.scuffle_phase
        scuffle = self.scuffle_amp * (np.sin(self.scuffle_rate * m + ph) - np.sin(ph))
        xs, ys = xs + scuffle[:, 0], ys + scuffle[:, 1]
        c = self.carrier
        if self.throw_t < 0 or m >= self.throw_t:
            xs[c], ys[c] = bx, by
        return xs, ys

    def at(self, tau: float) -> Pose:
        """The pose at ``tau`` seconds from the snap."""
        d = self.d
        cam0 = self.los + d * (8 if self.kind == "kickoff" else 3)
        moving = np.zeros(22, bool)
        if tau < 0:
            if tau < self.t_lineup:
                dt = self.t_lineup - tau
                xs = (
                    self.hx
                    + 0.6 * np.sin(0.9 * dt + self.phase[:, 0])
                    - 0.6 * np.sin(self.phase[:, 0])
                )
                ys = (
                    self.hy
                    + 0.6 * np.sin(0.7 * dt + self.phase[:, 1])
                    - 0.6 * np.sin(self.phase[:, 1])
                )
                moving[:] = True
            elif tau < self.t_set:
                u = _smooth((tau - self.t_lineup) / max(1e-3, self.t_set - self.t_lineup))
                xs = self.hx + (self.sx - self.hx) * u
                ys = self.hy + (self.sy - self.hy) * u
                moving[:] = u < 1
            else:
                xs, ys = self.sx.copy(), self.sy.copy()
                if tau >= self.t_motion:
                    el = tau - self.t_motion
                    if self.kind == "kickoff":
                        span = max(0.2, -self.t_motion)
                        xs[10] = self.sx[10] + (self.fx[10] - self.sx[10]) * el / span
                    else:
                        ys[10] += self.mot_dir * 4.5 * el
                    moving[10] = True
            lines = self.lines if tau >= self.t_lineup else ()
            return Pose(
                xs, ys, moving, self.los, MID, 0.3, cam0, MID, self.ref_x, self.ref_y, lines
            )
        m = tau + self.frame_dt  # the snap frame already shows movement
        if m <= self.live:
            xs, ys = self._live(m)
            bx, by, bh = self.ball(m)
            moving[:] = True
        else:
            x1, y1 = self._live(self.live)
            x0, y0 = self._live(max(0.0, self.live - 0.1))
            k = 1 - np.exp(-(m - self.live) / 0.45)
            walk = min(max(0.0, m - self.live - 1.5), 8.0)  # wander a few yards, then stand
            xs = x1 + (x1 - x0) * 4.0 * k + self.drift[:, 0] * walk
            ys = y1 + (y1 - y0) * 4.0 * k + self.drift[:, 1] * walk
            bx, by, bh = self.ball(self.live)
            moving[:] = (m - self.live) < 9.5
        lagged = max(0.0, min(m, self.live) - 0.3)
        cb = self.ball(lagged)[0]
        cam = cam0 + (cb - self.los) * 0.9
        if self.kind in ("kickoff", "punt"):
            cam = cam0 + (cb - cam0) * float(_smooth(lagged / 1.0))
        follow = float(np.clip(m / 2.0, 0.0, 1.0)) * 0.5
        refs_x = self.ref_x + (bx - self.los) * follow
        lines = self.lines if m <= self.live + 1.0 else ()
        return Pose(
            xs,
            np.clip(ys, -1, FIELD_W + 1),
            moving,
            bx,
            by,
            bh,
            float(cam),
            float(by),
            refs_x,
            self.ref_y,
            lines,
        )
