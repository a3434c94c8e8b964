"""What analysing a video gives: per-tick signals and what was learned along the way.

Every field but ``cached`` is stored in the analysis cache (:mod:`cutups.analysis.cache`), so a
second run on the same video gets the same result without decoding it.
"""

from __future__ import annotations

from dataclasses import dataclass

from cutups.analysis.clock_model import ClockModel, ClockReading
from cutups.analysis.field_colour import DEFAULT_FIELD, FieldColour
from cutups.analysis.location import ScorebugLocation
from cutups.analysis.signals import Signals

__all__ = ["Analysis"]


@dataclass(frozen=True, slots=True)
class Analysis:
    """The analysis of one video."""

    signals: Signals
    """The per-tick signals (motion, field, scorebug presence, audio bands)."""
    scorebug: ScorebugLocation | None
    """Where the scorebug is; None if it was not found (no clock is read then)."""
    readings: tuple[ClockReading, ...]
    """The game clock as read off the scorebug, in video order."""
    clock: ClockModel
    """The clock model fitted to ``readings``."""
    field: FieldColour = DEFAULT_FIELD
    """The field's colour, as learnt (or the default green)."""
    cached: bool = False
    """Loaded from the cache rather than computed."""
