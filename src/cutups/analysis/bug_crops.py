"""Keep the scorebug's pixels, sharp, whenever they change.

Reading the clock needs the bug at (close to) native resolution, but a 3-hour broadcast has
108 000 ticks. The display changes at most a few times a second (clock, play clock) and not at
all while the clock is stopped, so storing a crop only when it differs from the last stored one
keeps ~10 000 small crops for a whole game, and nothing is lost: between two stored crops the
bug looked like the first of them.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, BinaryIO, TypeAlias

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

from cutups.analysis.base import TICK_RATE, FrameAnalyser, PassContext, SignalArrays
from cutups.analysis.location import ScorebugLocation
from cutups.analysis.pixels import absdiff, masked_share
from cutups.analysis.scorebug import PresenceTest
from cutups.media.decode import FrameRequest

__all__ = [
    "BugCropAnalyser",
    "BugCrops",
    "CropPart",
    "Crops",
    "SpilledCrops",
    "StoredCrops",
    "crop_size",
]

MAX_WIDTH = 1280
"""Frames wider than this are read at 1280 px: bug text is legible there on any broadcast."""
_MARGIN = 0.01
"""Fraction of the frame added around the located bug, so edge glyphs are not clipped."""
_CHANGED = 40
"""Luma step that counts a pixel as changed (compression noise stays well below)."""


@dataclass(frozen=True, slots=True)
class BugCrops:
    """Stored crops of the bug: ``crops[i]`` was on screen from ``ticks[i]`` to ``ticks[i+1]``."""

    ticks: NDArray[np.int64]
    crops: Crops
    """Shape (n, h, w), gray."""
    rate: Fraction
    support: NDArray[np.bool_] | None = None
    """Pixels of the crop that belong to the bug (not the broadcast behind it), shape (h, w)."""

    def time(self, i: int) -> float:
        return float(self.ticks[i]) / float(self.rate)


@dataclass(frozen=True, slots=True)
class StoredCrops:
    """Where a :class:`BugCropAnalyser` wrote its crops: ``len(ticks)`` crops of ``size``
    (h, w) back to back in the file at ``path``. Plain data, so it crosses processes."""

    ticks: NDArray[np.int64]
    path: Path
    size: tuple[int, int]
    support: NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class CropPart:
    """``count`` crops of a spill file, from its ``first``-th on."""

    path: Path
    first: int
    count: int


class SpilledCrops:
    """Stored crops read back one at a time from spill files (``crops[i]``, ``len``, ``shape``).

    The files belong to it: :meth:`close` deletes them. Not a memory map: pages of a mapped file
    count towards the process's resident size as they are read, and the clock reader reads every
    crop several times, so a mapping grew the job's peak with the video's length all the same
    (880 MB at 90 minutes).
    """

    def __init__(self, parts: Sequence[CropPart], size: tuple[int, int]) -> None:
        self._files = {p.path: open(p.path, "rb") for p in parts}  # noqa: SIM115
        self._parts = list(parts)
        self._ends = np.cumsum([p.count for p in parts])
        self._count = int(self._ends[-1]) if parts else 0
        self._size = size
        self._bytes = size[0] * size[1]

    @property
    def shape(self) -> tuple[int, int, int]:
        return (self._count, *self._size)

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: int) -> NDArray[np.uint8]:
        if not -self._count <= index < self._count:
            raise IndexError(index)
        index %= self._count
        k = int(np.searchsorted(self._ends, index, side="right"))
        part = self._parts[k]
        offset = (part.first + index - (int(self._ends[k]) - part.count)) * self._bytes
        data = os.pread(self._files[part.path].fileno(), self._bytes, offset)
        return np.frombuffer(data, np.uint8).reshape(self._size)

    def close(self) -> None:
        """Close and delete the spill files."""
        for path, file in self._files.items():
            file.close()
            path.unlink(missing_ok=True)


Crops: TypeAlias = NDArray[np.uint8] | SpilledCrops
"""Bug crops in memory (tests, small inputs) or spilled to disk (a real pass)."""


def crop_size(width: int, height: int) -> tuple[int, int]:
    """Size at which to decode frames for bug crops: native, capped at :data:`MAX_WIDTH`."""
    if width <= MAX_WIDTH:
        return width, height
    return MAX_WIDTH, round(height * MAX_WIDTH / width / 2) * 2


class BugCropAnalyser(FrameAnalyser):
    """Stores the bug crop each time it changes (see :meth:`stored`); no per-tick signals."""

    name = "bug_crops"
    version = 1

    def __init__(self, rate: Fraction = TICK_RATE) -> None:
        self.rate = rate

    @property
    def params(self) -> dict[str, Any]:
        return {
            "rate": str(self.rate),
            "max_width": MAX_WIDTH,
            "margin": _MARGIN,
            "changed": _CHANGED,
        }

    def start(self, context: PassContext) -> bool:
        """Takes part only where the bug was located: then every change of it is stored."""
        self._active = context.scorebug is not None
        if context.scorebug is None:
            return False
        w, h = crop_size(context.width, context.height)
        location = context.scorebug
        x0, y0, x1, y1 = location.box(w, h)
        mx, my = int(_MARGIN * w), int(_MARGIN * h)
        self._box = (max(0, x0 - mx), max(0, y0 - my), min(w, x1 + mx), min(h, y1 + my))
        # Only the box is delivered: at native size it is sliced from the luma plane.
        self.request = FrameRequest(width=w, height=h, rate=self.rate, gray=True, crop=self._box)
        self._template_tests(location, x1 - x0, y1 - y0, (y0 - self._box[1], x0 - self._box[0]))
        self._ticks: list[int] = []
        self._last: NDArray[np.uint8] | None = None
        # Stored crops go to a file, not a list: a 3-hour 720p game keeps ~10 000 of them
        # (~80 KB each); held in memory, the job's peak grew with the video's length (334 MB at
        # 5 min, 565 MB at 30 min). The file is handed on by stored(); its reader deletes it.
        fd, name = tempfile.mkstemp(prefix="cutups-bugcrops-", dir=context.spill_dir)
        self._spill_path = Path(name)
        self._spill: BinaryIO = os.fdopen(fd, "wb")
        return True

    def _template_tests(
        self, location: ScorebugLocation, bw: int, bh: int, inner: tuple[int, int]
    ) -> None:
        """The presence test and the bug's support, for a ``bw`` x ``bh`` bug at ``inner``
        (y, x) in the stored box."""
        # The located bug's template, scaled (nearest neighbour) to this resolution, so crops of
        # commercials and hidden-bug replays are never stored as if they were the bug.
        rows = np.minimum(
            np.arange(bh) * location.template.shape[0] // max(bh, 1), location.template.shape[0] - 1
        )
        cols = np.minimum(
            np.arange(bw) * location.template.shape[1] // max(bw, 1), location.template.shape[1] - 1
        )
        template = location.template[np.ix_(rows, cols)]
        stable = location.stable[np.ix_(rows, cols)]
        # The bug's own area: its stable pixels with the holes (the changing digits) filled in.
        # Changes outside it are the broadcast moving behind the bug, not the bug changing.
        support = ndimage.binary_fill_holes(ndimage.binary_closing(stable, iterations=3))
        self.support = np.zeros((self._box[3] - self._box[1], self._box[2] - self._box[0]), bool)
        iy, ix = inner
        self.support[iy : iy + bh, ix : ix + bw] = support
        self._present = PresenceTest(template, stable, self.support.shape, inner)
        self._support_count = int(np.count_nonzero(self.support))

    def on_frame(self, tick: int, t: float, image: NDArray[np.uint8]) -> None:
        crop = image  # the request's crop: just the box
        if self._present(crop) < 0.6:
            return
        if self._last is not None and self._support_count:
            changed = absdiff(crop, self._last) > _CHANGED
            if masked_share(changed, self.support, self._support_count) < 0.002:
                return
        self._ticks.append(tick)
        self._last = np.ascontiguousarray(crop)
        self._spill.write(self._last.tobytes())

    def finish(self, n_ticks: int) -> SignalArrays:
        """No per-tick signals: the crops come from :meth:`stored`."""
        return {}

    def stored(self) -> StoredCrops | None:
        """The crops stored, their file complete and closed (see :class:`SpilledCrops`); the
        pass is over. None if it took no part (no bug was located)."""
        if not self._active:
            return None
        self._spill.close()
        h, w = self._box[3] - self._box[1], self._box[2] - self._box[0]
        ticks = np.asarray(self._ticks, dtype=np.int64)
        return StoredCrops(ticks, self._spill_path, (h, w), self.support)

    def crops(self) -> BugCrops | None:
        """The stored crops, read back from their file (which closing them deletes)."""
        stored = self.stored()
        if stored is None:
            return None
        part = CropPart(stored.path, 0, len(stored.ticks))
        crops = SpilledCrops([part], stored.size)
        return BugCrops(stored.ticks, crops, self.rate, self.support)
