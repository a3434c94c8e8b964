"""Speech activity on the face samples' timebase: from audio energy, or from transcript words.

Both are pure: arrays (or word times) in, a 0/1 array on the given sample times out.
:class:`AudioEnergy` is the decode consumer that measures the energy in the same pass as the
faces (see :func:`cutups.analysis.faces.detect_faces`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from cutups.analysis.face_types import FloatArray

__all__ = [
    "SILENCE_DB",
    "AudioEnergy",
    "voice_activity_from_energy",
    "voice_activity_from_words",
]

SILENCE_DB = -120.0
"""The level given to samples with no audio at all."""


class AudioEnergy:
    """Decode consumer: RMS level (dBFS) of the audio around each tick ``k / rate`` (the
    ``1 / rate`` seconds centred on it), for the ticks of a frame consumer at the same rate."""

    sample_rate = 16_000

    def __init__(self, rate: float) -> None:
        self._rate = rate
        self._sums = np.zeros(0)
        self._counts = np.zeros(0)

    def on_audio(self, t: float, samples: NDArray[np.float32]) -> None:
        at = t + np.arange(samples.size) / self.sample_rate
        ticks = np.floor(at * self._rate + 0.5).astype(np.intp)
        ok = ticks >= 0
        if ok.any() and ticks[ok].max() >= self._sums.size:
            grow = int(ticks[ok].max()) + 1 - self._sums.size
            self._sums = np.concatenate([self._sums, np.zeros(grow)])
            self._counts = np.concatenate([self._counts, np.zeros(grow)])
        np.add.at(self._sums, ticks[ok], samples[ok].astype(np.float64) ** 2)
        np.add.at(self._counts, ticks[ok], 1)

    def levels(self, times: FloatArray) -> FloatArray:
        """The level at each of ``times`` (tick times); :data:`SILENCE_DB` where no audio."""
        ticks = np.floor(times * self._rate + 0.5).astype(np.intp)
        inside = ticks < self._sums.size
        sums = np.where(inside, self._sums[np.minimum(ticks, self._sums.size - 1)], 0.0)
        counts = np.where(inside, self._counts[np.minimum(ticks, self._sums.size - 1)], 0.0)
        if self._sums.size == 0:
            return np.full(times.size, SILENCE_DB)
        rms = np.sqrt(sums / np.maximum(counts, 1))
        return np.where(counts > 0, 20 * np.log10(np.maximum(rms, 1e-6)), SILENCE_DB)


def voice_activity_from_energy(
    levels_db: FloatArray, *, above_floor: float = 15.0, below_peak: float = 35.0
) -> FloatArray:
    """1 where the level is well above the span's noise floor and not far below its peaks.

    The floor is the 10th percentile, the peak the 95th: a span of speech with pauses has both.
    A span with no level above ``SILENCE_DB`` + 1 has no speech.
    """
    if levels_db.size == 0 or levels_db.max() <= SILENCE_DB + 1:
        return np.zeros(levels_db.size)
    floor, peak = np.percentile(levels_db, [10, 95])
    threshold = max(floor + above_floor, peak - below_peak)
    if peak - floor < above_floor:  # one steady level throughout: all speech or all noise
        threshold = floor - 1.0 if peak > -50 else np.inf
    active: FloatArray = (levels_db >= threshold).astype(np.float64)
    return active


def voice_activity_from_words(
    words: Sequence[tuple[float, float]], times: FloatArray, *, pad: float = 0.1
) -> FloatArray:
    """1 at sample times inside a spoken word (``(start, end)`` seconds), ``pad`` widened."""
    active = np.zeros(times.size)
    for start, end in words:
        active[(times >= start - pad) & (times < end + pad)] = 1.0
    return active
