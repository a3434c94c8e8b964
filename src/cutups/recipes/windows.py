"""Clip windows around plays: padding, length limits, and de-duplication.

Distinct plays are never merged into one clip, even when their padded windows overlap (a quick
hurry-up snap 12 s after a whistle): one clip per play is the product's promise, and overlapping
clips are harmless. Only detections of the *same* play (their snap-to-end cores overlap by more
than half) are merged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cutups.errors import ConfigError

__all__ = ["Window", "WindowOptions", "build_windows"]


@dataclass(frozen=True, slots=True)
class WindowOptions:
    """Padding and length limits, in seconds."""

    pre: float = 2.0
    post: float = 2.0
    min_len: float = 4.0
    max_len: float = 40.0

    def __post_init__(self) -> None:
        if self.pre < 0 or self.post < 0:
            raise ConfigError("padding must not be negative")
        if not 0 < self.min_len <= self.max_len:
            raise ConfigError(f"need 0 < min length ({self.min_len}) <= max ({self.max_len})")


@dataclass(frozen=True, slots=True)
class Window:
    """A padded span around one play's core [snap, end]."""

    start: float
    end: float
    snap: float
    core_end: float
    source_index: int
    """Index of the play this window came from in the input sequence."""


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def build_windows(
    cores: Sequence[tuple[float, float]], duration: float, options: WindowOptions
) -> list[Window]:
    """Pad each (snap, end) core into a clip window inside [0, duration].

    A window shorter than ``min_len`` grows after the play first (the aftermath is more useful
    than more pre-snap stillness), then before. A window longer than ``max_len`` is trimmed at the
    end, never before the snap.
    """
    windows: list[Window] = []
    for index, (snap, core_end) in enumerate(sorted(cores)):
        if windows:
            prev = windows[-1]
            shorter = min(core_end - snap, prev.core_end - prev.snap)
            if shorter > 0 and _overlap(snap, core_end, prev.snap, prev.core_end) > 0.5 * shorter:
                merged_end = max(prev.core_end, core_end)
                windows[-1] = _pad(prev.snap, merged_end, duration, options, prev.source_index)
                continue
        windows.append(_pad(snap, core_end, duration, options, index))
    return windows


def _pad(snap: float, core_end: float, duration: float, o: WindowOptions, index: int) -> Window:
    start = max(0.0, snap - o.pre)
    end = min(duration, core_end + o.post)
    if end - start < o.min_len:
        end = min(duration, start + o.min_len)
        start = max(0.0, end - o.min_len)
    if end - start > o.max_len:
        end = start + o.max_len
    return Window(start=start, end=end, snap=snap, core_end=core_end, source_index=index)
