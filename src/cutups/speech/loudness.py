"""Loudness per tick from speech audio: the energy signal the shorts planner scores with.

Tick ``i`` covers ``[i / tick_rate, (i + 1) / tick_rate)`` seconds on the video timeline, like the
engine's other signals (10 Hz by default), so the planner can index it by a word's time.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["SILENCE_DB", "loudness_db"]

SILENCE_DB = -100.0
"""The value of ticks with no audio (before the first sample, after the last, digital silence)."""

_BLOCK_TICKS = 6000
"""Ticks converted at a time, so a memory-mapped 3-hour track is never copied whole."""


def loudness_db(
    samples: NDArray[np.float32], rate: int, offset: float = 0.0, tick_rate: float = 10.0
) -> NDArray[np.float32]:
    """RMS level in dBFS of each tick of ``samples`` (pure).

    Arguments:
        samples: mono audio.
        rate: its sample rate.
        offset: seconds on the video timeline of sample 0 (see
            :attr:`cutups.media.audio.SpeechAudio.offset`).
        tick_rate: ticks per second.
    """
    per_tick = rate / tick_rate
    first = round(offset * tick_rate)
    count = int(len(samples) // per_tick)
    levels = np.empty(count, np.float32)
    step = int(per_tick)
    for lo in range(0, count, _BLOCK_TICKS):
        hi = min(count, lo + _BLOCK_TICKS)
        block = np.asarray(samples[lo * step : hi * step], dtype=np.float64).reshape(hi - lo, step)
        levels[lo:hi] = 10 * np.log10(np.mean(block**2, axis=1) + 1e-10)
    np.maximum(levels, SILENCE_DB, out=levels)
    if first >= 0:
        return np.concatenate([np.full(first, SILENCE_DB, np.float32), levels])
    return levels[-first:]
