"""The analyser interface: small classes that turn decoded frames or audio into 1-D signals.

One decode pass feeds every analyser (:func:`cutups.analysis.runner.analyse`). Each analyser sees
only ``(tick, t, image)`` or ``(t, samples)`` and, at the end, returns named arrays whose first axis
is the tick index on the common timebase :data:`TICK_RATE`. Analysers do no I/O, so they can be
tested on synthetic numpy arrays.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from fractions import Fraction
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from cutups.media.decode import FrameRequest

__all__ = ["TICK_RATE", "AudioAnalyser", "FrameAnalyser", "SignalArrays", "fit_length"]

TICK_RATE = Fraction(10)
"""Ticks per second of every signal. 100 ms resolves a snap to within 3 frames at 29.97 fps and
keeps a 3-hour broadcast at 108 000 ticks, a few MB per signal."""

SignalArrays = Mapping[str, NDArray[Any]]


class FrameAnalyser(ABC):
    """Consumes downscaled frames at :data:`TICK_RATE`; produces named per-tick arrays."""

    NAME: ClassVar[str]
    VERSION: ClassVar[int] = 1
    """Bump when the output of the analyser changes; it is part of the cache key."""

    request: FrameRequest

    def params(self) -> dict[str, Any]:
        """Everything that changes the output, for the cache key."""
        return {
            "request": [
                self.request.width,
                self.request.height,
                str(self.request.rate),
                self.request.gray,
            ]
        }

    @abstractmethod
    def on_frame(self, tick: int, t: float, image: NDArray[np.uint8]) -> None:
        """Take the frame for ``tick`` (time ``t`` seconds); called once per tick, in order."""

    @abstractmethod
    def finish(self, n_ticks: int) -> SignalArrays:
        """Return arrays of length ``n_ticks`` (missing ticks filled with a neutral value)."""


class AudioAnalyser(ABC):
    """Consumes mono float32 audio; produces named per-tick arrays on :data:`TICK_RATE`."""

    NAME: ClassVar[str]
    VERSION: ClassVar[int] = 1
    sample_rate: int

    def params(self) -> dict[str, Any]:
        return {"sample_rate": self.sample_rate}

    @abstractmethod
    def on_audio(self, t: float, samples: NDArray[np.float32]) -> None:
        """Take consecutive audio; ``t`` is the time of ``samples[0]`` in seconds."""

    @abstractmethod
    def finish(self, n_ticks: int) -> SignalArrays:
        """Return arrays of length ``n_ticks``; all zeros when the file has no audio."""


def fit_length(values: NDArray[Any], n: int, fill: float = 0.0) -> NDArray[Any]:
    """Pad with ``fill`` or truncate along axis 0 so ``len == n``."""
    if len(values) >= n:
        return values[:n]
    pad_shape = (n - len(values), *values.shape[1:])
    return np.concatenate([values, np.full(pad_shape, fill, dtype=values.dtype)])
