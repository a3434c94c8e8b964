"""A pinhole camera over the field: projection of field points and the ground homography.

World coordinates are yards: ``X`` along the field (goal lines at 10 and 110), ``Y`` across it
from the far sideline (0) to the near one (53.3), ``Z`` up. Cameras never roll, so every image
row meets the ground plane in a straight line along which the field point is an affine function
of the column: :meth:`Camera.ground_rows` returns those per-row coefficients, and the renderer
samples the field texture with two multiply-adds per pixel. Straight field lines therefore stay
exactly straight in the picture (a homography maps lines to lines).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["Camera", "GroundRows", "look_at"]

F32 = NDArray[np.float32]
F64 = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class GroundRows:
    """For image rows ``rows``: field ``X = x0 + dx * col`` and ``Y = y0 + dy * col``."""

    rows: NDArray[np.int64]
    x0: F32
    dx: F32
    y0: F32
    dy: F32


@dataclass(frozen=True, slots=True)
class Camera:
    """Position ``pos`` (yards), orthonormal ``right``/``down``/``fwd`` axes, focal length ``f``
    in pixels, image ``width`` x ``height`` with the principal point at the centre."""

    pos: F64
    right: F64
    down: F64
    fwd: F64
    f: float
    width: int
    height: int

    def project(self, x: F64, y: F64, z: F64) -> tuple[F64, F64, F64]:
        """Image column, row and depth (yards along the view axis) of world points."""
        p = np.stack([np.asarray(x, float), np.asarray(y, float), np.asarray(z, float)], -1)
        rel = p - self.pos
        depth = rel @ self.fwd
        safe = np.where(depth > 1e-3, depth, 1e-3)
        u = self.f * (rel @ self.right) / safe + self.width / 2
        v = self.f * (rel @ self.down) / safe + self.height / 2
        return u, v, depth

    def ground_rows(self, step: int = 1, offset: float = 0.5) -> GroundRows:
        """Per-row ground coefficients for rows ``0, step, 2*step, ...`` sampled at pixel
        centres ``row * 1 + offset`` (``step=2, offset=1.0`` for the chroma planes); only rows
        that see the ground in front of the camera are returned."""
        n = self.height // step
        v = np.arange(n) * step + offset - self.height / 2
        c = -self.width / 2 + offset  # column 0's centre, relative to the principal point
        d0 = self.fwd[None, :] + self.down[None, :] * (v[:, None] / self.f)  # ray at column c=0
        dz = d0[:, 2] + self.right[2] * (c / self.f)
        ok = dz < -1e-6
        s = -self.pos[2] / np.where(ok, dz, -1.0)  # ray length to the ground, per row
        x0 = self.pos[0] + s * (d0[:, 0] + self.right[0] * c / self.f)
        y0 = self.pos[1] + s * (d0[:, 1] + self.right[1] * c / self.f)
        k = s * step / self.f  # field yards per output pixel along the row
        rows = np.nonzero(ok)[0]
        return GroundRows(
            rows,
            x0[rows].astype(np.float32),
            (k * self.right[0])[rows].astype(np.float32),
            y0[rows].astype(np.float32),
            (k * self.right[1])[rows].astype(np.float32),
        )


def look_at(
    pos: tuple[float, float, float],
    target: tuple[float, float, float],
    view_yards: float,
    width: int,
    height: int,
) -> Camera:
    """A camera at ``pos`` aimed at ``target`` framing ``view_yards`` across at the target."""
    p = np.array(pos, float)
    fwd = np.array(target, float) - p
    dist = float(np.linalg.norm(fwd))
    fwd /= dist
    right = np.cross(fwd, np.array([0.0, 0.0, 1.0]))
    right /= float(np.linalg.norm(right))
    down = np.cross(fwd, right)
    f = width * dist / max(1e-3, view_yards)
    return Camera(p, right, down, fwd, f, width, height)


def horizontal_fov(cam: Camera) -> float:
    """Horizontal field of view in degrees (for checks and docs)."""
    return math.degrees(2 * math.atan(cam.width / 2 / cam.f))
