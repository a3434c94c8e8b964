"""How much of the picture is playing field: the wide-shot signal.

A wide broadcast shot of a football field is mostly the field's colour; close-ups, crowd shots,
graphics and most commercials are not. The colour is learnt per broadcast before the decode
pass (:mod:`cutups.analysis.field_colour`) and handed to the pass in its context.

``green`` (named when every field was taken to be green; it is the field's colour, whatever
that is) counts field only in the middle band of the picture (:data:`FIELD_BAND`). A wide shot
has field there from edge to edge, whatever the camera shows above it (stands) or below it. A
sideline or bench shot has field only at its bottom: counted over the whole frame it reached
0.35 on the generated suite, above the old wide-shot threshold of 0.30 (a sideline shot whose
drift looked like a snap became a clip), while in the middle band it stays below 0.25 and wide
shots stay above 0.6. A commercial in the field's colour (a lawn ad) still scores high here,
which is why no clip is ever made from this signal alone.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import NDArray

from cutups.analysis.base import (
    TICK_RATE,
    FrameAnalyser,
    PassContext,
    SignalArrays,
    fit_length,
    request_params,
)
from cutups.analysis.field_colour import (
    FIELD_BAND,
    GREY_STEP,
    GREY_WINDOW_BINS,
    HUE_STEP,
    MIN_CHROMA,
    VALUE_RANGE,
    WINDOW_BINS,
    field_fraction,
)
from cutups.media.decode import FrameRequest

__all__ = ["FIELD_BAND", "FieldAnalyser"]


class FieldAnalyser(FrameAnalyser):
    """Per-tick ``green``: the fraction of the middle band in the field's colour."""

    name = "field"
    version = 4

    def __init__(self, width: int = 160, height: int = 90, rate: Fraction = TICK_RATE) -> None:
        # Area-averaged: the fast scaler samples too few pixels when shrinking 5x, which lifted
        # sideline shots over the wide-shot threshold (measured on the 480p suite look).
        self.request = FrameRequest(width=width, height=height, rate=rate)

    @property
    def params(self) -> dict[str, Any]:
        return {
            "request": request_params(self.request),
            "band": list(FIELD_BAND),
            "colour": {
                "hue_step": HUE_STEP,
                "window_bins": WINDOW_BINS,
                "min_chroma": MIN_CHROMA,
                "value": list(VALUE_RANGE),
                "grey_step": GREY_STEP,
                "grey_window_bins": GREY_WINDOW_BINS,
            },
        }

    def start(self, context: PassContext) -> bool:
        self._colour = context.field
        self._green: list[float] = []
        return True

    def on_frame(self, tick: int, t: float, image: NDArray[np.uint8]) -> None:
        self._green.append(field_fraction(image, self._colour, FIELD_BAND))

    def finish(self, n_ticks: int) -> SignalArrays:
        return {"green": fit_length(np.asarray(self._green, dtype=np.float32), n_ticks)}
