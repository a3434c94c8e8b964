"""The survey before the decode pass: the scorebug and the field's colour, from ~48 frames
sampled across the video.

The pass needs the bug's box before it starts (the scorebug and bug-crop analysers watch only
that box) and the field's colour (the wide-shot signal counts it), so both are learnt first,
from one sample of frames: :func:`locate_scorebug` and
:func:`~cutups.analysis.field_colour.learn_field_colour` do the pure parts,
:class:`ScorebugLocator` picks and decodes the samples.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from cutups.analysis.base import Analyser
from cutups.analysis.field_colour import FieldColour, learn_field_colour
from cutups.analysis.location import ScorebugLocation
from cutups.analysis.scorebug import LOCATE_SIZE, locate_scorebug, luma
from cutups.media.probe import MediaInfo
from cutups.media.sample import sample_frames

__all__ = ["ScorebugLocator", "Survey", "green_share", "repeated_pictures"]

log = logging.getLogger(__name__)

_GOLDEN = 0.6180339887498949
_OFF_FIELD = 0.25
"""A sample with less grass than this is off the field (the bug may be hidden there)."""
_SURVEY_STEP = 4
"""The samples are looked at every 4th pixel for the field (160 x 90, as the decode pass)."""


@dataclass(frozen=True, slots=True)
class Survey:
    """What the frames sampled before the decode pass tell."""

    scorebug: ScorebugLocation | None
    """Where the bug is; None if no part of the picture stays put."""
    field: FieldColour
    """The field's colour."""


def green_share(rgb: NDArray[np.uint8]) -> float:
    """Fraction of pixels whose green beats red and blue by 12 levels (45 < green < 235).

    The locator's off-field test still uses this fixed green rule, not the learnt field colour
    (on a field of another colour every sample counts as off the field, and the bug is found
    from all of them, as on the blue-turf look): the locator's boxes proved sensitive to which
    samples count as off the field (the learnt colour's share moved five looks' boxes,
    BENCHMARKS session 13), so that change waits for the locator to be made robust to it.
    """
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    # g - 12 kept in uint8 wraps only for g < 12, which the g > 45 test rejects anyway.
    lifted = g - np.uint8(12)
    grass = (lifted > r) & (lifted > b) & (g > 45) & (g < 235)
    return np.count_nonzero(grass) / grass.size if grass.size else float("nan")


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
    version = 8

    def __init__(self, samples: int = 48) -> None:
        self.samples = samples

    @property
    def params(self) -> dict[str, Any]:
        return {
            "samples": self.samples,
            "size": list(LOCATE_SIZE),
            "sampling": "grid, repeats moved, reference frames",
            "off_field": _OFF_FIELD,
        }

    def survey(self, info: MediaInfo) -> Survey:
        """The bug and the field's colour of ``info``'s video."""
        frames = self.sample(info)
        field = learn_field_colour([img[::_SURVEY_STEP, ::_SURVEY_STEP] for img in frames])
        log.info("field colour: %s%s", field.describe(), "" if field.learnt else " (default)")
        return Survey(self.locate_in(frames), field)

    def locate_in(self, frames: list[NDArray[np.uint8]]) -> ScorebugLocation | None:
        """The bug in the sampled ``frames``, or None if no part of the picture stays put."""
        gray = [luma(img) for img in frames]
        step = _SURVEY_STEP
        off_field = [green_share(img[::step, ::step]) < _OFF_FIELD for img in frames]
        return locate_scorebug(gray, off_field)

    def sample(self, info: MediaInfo) -> list[NDArray[np.uint8]]:
        """``samples`` RGB frames (at :data:`LOCATE_SIZE`) spread over the video, in order."""
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
        return [samples[t] for t in sorted(samples)]


def _sample(info: MediaInfo, times: list[float]) -> list[tuple[float, NDArray[np.uint8]]]:
    # Any frame near each time will do, so B-frames are not decoded on the way to it: on a
    # long-GOP broadcast the seeks decode up to a GOP each and dominate locating.
    width, height = LOCATE_SIZE
    return sample_frames(
        info.path, times, width=width, height=height, gray=False, reference_only=True
    )
