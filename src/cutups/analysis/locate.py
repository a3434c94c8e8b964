"""Finding the scorebug before the decode pass, from ~48 frames sampled across the video.

The pass needs the bug's box before it starts (the scorebug and bug-crop analysers watch only
that box), so the bug is located first, from a sample of frames: :func:`locate_scorebug` does
the pure part, :class:`ScorebugLocator` picks and decodes the samples.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
from numpy.typing import NDArray

from cutups.analysis.base import Analyser
from cutups.analysis.field import green_fraction
from cutups.analysis.location import ScorebugLocation
from cutups.analysis.scorebug import LOCATE_SIZE, locate_scorebug, luma
from cutups.media.probe import MediaInfo
from cutups.media.sample import sample_frames

__all__ = ["ScorebugLocator", "repeated_pictures"]

log = logging.getLogger(__name__)

_GOLDEN = 0.6180339887498949
_OFF_FIELD_GREEN = 0.25
"""A sample with less grass than this is off the field (the bug may be hidden there)."""


def repeated_pictures(images: list[NDArray[Any]], tolerance: float = 1.5) -> list[int]:
    """Indexes of images that show the same picture as an earlier one (mean difference under
    ``tolerance`` levels on a coarse grid): compression noise differs, content does not."""
    small = [img[::8, ::8].astype(np.int16) for img in images]
    return [
        i
        for i in range(1, len(small))
        if any(float(np.abs(small[i] - small[j]).mean()) < tolerance for j in range(i))
    ]


class ScorebugLocator(Analyser):
    """Locates the scorebug from ``samples`` frames spread evenly over the video."""

    name = "scorebug_locator"
    version = 3

    def __init__(self, samples: int = 48) -> None:
        self.samples = samples

    @property
    def params(self) -> dict[str, Any]:
        return {
            "samples": self.samples,
            "size": list(LOCATE_SIZE),
            "sampling": "grid, repeats moved, reference frames",
            "off_field": _OFF_FIELD_GREEN,
        }

    def locate(self, info: MediaInfo) -> ScorebugLocation | None:
        """The bug of ``info``'s video, or None if no part of the picture stays put."""
        step = info.duration / self.samples
        times = [step * (i + 0.5) for i in range(self.samples)]
        samples = dict(_sample(info, times))
        # A regular grid aliases with anything that repeats at a multiple of its step: a 3-hour
        # benchmark made of one 30-minute broadcast played six times was sampled at 8 distinct
        # pictures, 6 times each; the bug's "stable" area took in the background, the box came
        # out too tall and crops were stored 3.6x as often. Repeated pictures are sampled again
        # elsewhere in their stretch (ordinary broadcasts have none, so nothing changes there).
        shown = list(samples)
        again = [shown[i] for i in repeated_pictures([samples[t] for t in shown])]
        if again:
            log.info("scorebug: %d sampled pictures repeat; sampling elsewhere", len(again))
            for t in again:
                del samples[t]
            # Each stretch moves by its own amount (golden-ratio steps), so the copies of one
            # picture do not all land on one other picture.
            moved = [
                step * (t // step + 0.1 + 0.8 * ((t // step + 1) * _GOLDEN % 1)) for t in again
            ]
            samples.update(_sample(info, moved))
        rgb = [samples[t] for t in sorted(samples)]
        gray = [luma(img) for img in rgb]
        off_field = [green_fraction(img[::4, ::4]) < _OFF_FIELD_GREEN for img in rgb]
        return locate_scorebug(gray, off_field)


def _sample(info: MediaInfo, times: list[float]) -> list[tuple[float, NDArray[np.uint8]]]:
    # Any frame near each time will do, so B-frames are not decoded on the way to it: on a
    # long-GOP broadcast the seeks decode up to a GOP each and dominate locating.
    width, height = LOCATE_SIZE
    return sample_frames(
        info.path, times, width=width, height=height, gray=False, reference_only=True
    )
