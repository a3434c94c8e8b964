"""Mapping between game ticks and broadcast frames, with inserted breaks."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from fractions import Fraction

from cutups_testkit.inserts import Insert

__all__ = ["FrameMap", "frames_per_tick"]


def frames_per_tick(fps: Fraction) -> Fraction:
    """Broadcast frames per game tick: 1 at 29.97 fps, 2 at 59.94 fps, 1001/1200 at 25 fps.

    At 29.97 and 59.94 every tick falls on a frame; at other rates a tick is shown from the
    first frame at or after it (:meth:`FrameMap.frame` rounds up).

    Raises:
        ValueError: for a frame rate that is not positive.
    """
    if fps <= 0:
        raise ValueError(f"unsupported frame rate {fps}")
    return fps * Fraction(1001, 30000)


def _ceil(x: Fraction) -> int:
    return -((-x.numerator) // x.denominator)


@dataclass(frozen=True, slots=True)
class FrameMap:
    """Game tick <-> broadcast frame, where each insert adds frames at its tick.

    A tick equal to an insert's tick maps to the frame where the insert *starts*; later ticks
    come after it.
    """

    k: Fraction
    ticks: tuple[int, ...]
    lengths: tuple[int, ...]
    cum: tuple[int, ...]

    @classmethod
    def build(cls, fps: Fraction, inserts: tuple[Insert, ...]) -> FrameMap:
        """Map for ``inserts`` (sorted by tick) at ``fps``."""
        cum = [0]
        for ins in inserts:
            cum.append(cum[-1] + ins.frames)
        return cls(
            frames_per_tick(fps),
            tuple(i.tick for i in inserts),
            tuple(i.frames for i in inserts),
            tuple(cum),
        )

    def frame(self, tick: int) -> int:
        """Broadcast frame of game tick ``tick``."""
        return _ceil(tick * self.k) + self.cum[bisect_left(self.ticks, tick)]

    def insert_span(self, i: int) -> tuple[int, int]:
        """Frames [start, end) of insert ``i``."""
        start = _ceil(self.ticks[i] * self.k) + self.cum[i]
        return start, start + self.lengths[i]

    def tick(self, frame: int) -> Fraction:
        """Game time (ticks, possibly fractional at 59.94) shown at broadcast ``frame``.

        Inside an insert the game stands still at the insert's tick.
        """
        lo, hi = 0, len(self.ticks)
        while lo < hi:  # last insert whose start <= frame
            mid = (lo + hi) // 2
            if self.insert_span(mid)[0] <= frame:
                lo = mid + 1
            else:
                hi = mid
        i = lo - 1
        if i >= 0:
            _s, e = self.insert_span(i)
            if frame < e:
                return Fraction(self.ticks[i])
            return (frame - self.cum[i + 1]) / self.k
        return frame / self.k

    def inserts_between(self, tick0: int, tick1: int) -> list[int]:
        """Indexes of inserts with ``tick0 < tick <= tick1``."""
        return list(range(bisect_right(self.ticks, tick0), bisect_right(self.ticks, tick1)))
