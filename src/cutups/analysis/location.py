"""Where the scorebug is: learned once per video, before its analysis pass, and cached with it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["ScorebugLocation"]


@dataclass(frozen=True, slots=True)
class ScorebugLocation:
    """Where the bug is, in fractions of the frame (so it applies at any resolution)."""

    x: float
    y: float
    w: float
    h: float
    template: NDArray[np.uint8]
    """Modal luma of the bug at the locating scale, shape (h_px, w_px)
    (:data:`cutups.analysis.scorebug.LOCATE_SIZE`)."""
    stable: NDArray[np.bool_]
    """Pixels of the template that keep their value whenever the bug shows (not the digits)."""
    coverage: float
    """Share of sampled frames in which the bug was found present."""

    def box(self, width: int, height: int) -> tuple[int, int, int, int]:
        """(x0, y0, x1, y1) pixel box at the given frame size."""
        return (
            int(self.x * width),
            int(self.y * height),
            round((self.x + self.w) * width),
            round((self.y + self.h) * height),
        )
