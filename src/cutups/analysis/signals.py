"""Signals: named per-tick arrays of one video, on one timebase.

Each is 1-D with one value per tick (``t = k / rate``). What else an analysis learns (the
scorebug, the clock) is typed and kept beside them in :class:`~cutups.analysis.result.Analysis`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["Signals"]


@dataclass(frozen=True, slots=True)
class Signals:
    """Per-tick arrays of one video. ``arrays[name][k]`` is the value at ``t = k / rate``."""

    rate: Fraction
    duration: float
    arrays: Mapping[str, NDArray[Any]]

    def __post_init__(self) -> None:
        for name, values in self.arrays.items():
            if values.shape != (self.n_ticks,):
                raise ValueError(
                    f"signal {name!r} has shape {values.shape}, not ({self.n_ticks},) ticks"
                )

    @property
    def n_ticks(self) -> int:
        return int(self.duration * self.rate)

    def __getitem__(self, name: str) -> NDArray[Any]:
        return self.arrays[name]

    def __contains__(self, name: object) -> bool:
        return name in self.arrays

    def times(self) -> NDArray[np.float64]:
        return np.arange(self.n_ticks, dtype=np.float64) / float(self.rate)

    def tick(self, t: float) -> int:
        """The tick index at or before ``t`` seconds, clamped to the signal."""
        return max(0, min(self.n_ticks - 1, int(t * self.rate)))
