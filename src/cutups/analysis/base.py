"""The analyser interface: small classes that turn a video into cached results.

Every step of an analysis is an :class:`Analyser` with a ``name``, a ``version`` and ``params``;
the cache key of a video's analysis is made of exactly the analysers that run on it
(:func:`cutups.analysis.cache.cache_key`). Most of them are fed by the one decode pass
(:func:`cutups.analysis.runner.analyse`): a :class:`FrameAnalyser` sees only
``(tick, t, image)`` and an :class:`AudioAnalyser` ``(t, samples)``, and at the end each returns
named 1-D arrays indexed by tick on the common timebase :data:`TICK_RATE`. Analysers do no I/O
(the scorebug locator and the clock reader aside), so they can be tested on synthetic arrays.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from cutups.analysis.field_colour import DEFAULT_FIELD, FieldColour
from cutups.analysis.location import ScorebugLocation

if TYPE_CHECKING:
    from cutups.media.decode import FrameRequest

__all__ = [
    "TICK_RATE",
    "Analyser",
    "AudioAnalyser",
    "FrameAnalyser",
    "PassAnalyser",
    "PassContext",
    "SignalArrays",
    "fit_length",
    "request_params",
]

TICK_RATE = Fraction(10)
"""Ticks per second of every signal. 100 ms resolves a snap to within 3 frames at 29.97 fps and
keeps a 3-hour broadcast at 108 000 ticks, a few MB per signal."""

SignalArrays = Mapping[str, NDArray[Any]]


class Analyser(ABC):
    """One step of the analysis whose output is cached: its identity is part of the cache key.

    ``name`` names it, ``params`` holds everything set when it is built that changes its output,
    and ``version`` stands for its code. Nothing hashes the code: **whoever changes what an
    analyser computes bumps its** ``version`` **in the same change** (a new threshold, another
    filter, a fixed bug), and every cached analysis it took part in is recomputed; a change
    that keeps the output bit for bit (speed, tidying) keeps the version. What an analyser
    learns from the video itself (the scorebug's box) is not a parameter: the content
    fingerprint covers it. Changes to what the decode pass feeds every analyser, or to the
    cache's layout, bump :data:`cutups.analysis.cache.CACHE_SCHEMA` instead.
    """

    name: ClassVar[str]
    version: ClassVar[int]

    @property
    def params(self) -> dict[str, Any]:
        """What it was built with that changes its output (JSON-serialisable)."""
        return {}

    def identity(self) -> dict[str, Any]:
        """``name``, ``version`` and ``params``: its part of the cache key."""
        return {"name": self.name, "version": self.version, "params": self.params}


@dataclass(frozen=True, slots=True)
class PassContext:
    """What the analysers of a decode pass are told when it starts."""

    width: int
    height: int
    """The video's frame size."""
    has_audio: bool
    scorebug: ScorebugLocation | None = None
    """The bug located before the pass; None if it was not found."""
    spill_dir: Path | None = None
    """Where large intermediate results (stored bug crops) go; None: the system's temp dir."""
    field: FieldColour = DEFAULT_FIELD
    """The field's colour, learnt before the pass."""


class PassAnalyser(Analyser):
    """An analyser fed by the decode pass."""

    def start(self, context: PassContext) -> bool:
        """Begin a pass over a video (or one span of it): forget any earlier pass and take what
        was learned before this one. False if there is nothing to do on this video: it is then
        not fed, and :meth:`finish` gives its neutral values."""
        return True

    @abstractmethod
    def finish(self, n_ticks: int) -> SignalArrays:
        """Return 1-D arrays of length ``n_ticks`` (missing ticks filled with a neutral value)."""


class FrameAnalyser(PassAnalyser):
    """Consumes downscaled frames at :data:`TICK_RATE`; produces named per-tick arrays."""

    request: FrameRequest
    """What the decoder delivers to it; set by :meth:`start` at the latest."""

    @abstractmethod
    def on_frame(self, tick: int, t: float, image: NDArray[np.uint8]) -> None:
        """Take the frame for ``tick`` (time ``t`` seconds); called once per tick, in order."""


class AudioAnalyser(PassAnalyser):
    """Consumes mono float32 audio; produces named per-tick arrays on :data:`TICK_RATE`."""

    sample_rate: int

    @property
    def params(self) -> dict[str, Any]:
        return {"sample_rate": self.sample_rate}

    def start(self, context: PassContext) -> bool:
        return context.has_audio

    @abstractmethod
    def on_audio(self, t: float, samples: NDArray[np.float32]) -> None:
        """Take consecutive audio; ``t`` is the time of ``samples[0]`` in seconds."""


def request_params(request: FrameRequest) -> list[Any]:
    """A frame request's size, rate and colour, for an analyser's ``params`` (its crop comes
    from the video, so it is left out)."""
    return [request.width, request.height, str(request.rate), request.gray]


def fit_length(values: NDArray[Any], n: int, fill: float = 0.0) -> NDArray[Any]:
    """Pad with ``fill`` or truncate along axis 0 so ``len == n``."""
    if len(values) >= n:
        return values[:n]
    pad_shape = (n - len(values), *values.shape[1:])
    return np.concatenate([values, np.full(pad_shape, fill, dtype=values.dtype)])
