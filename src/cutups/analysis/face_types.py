"""What face analysis hands on: boxes, tracks and one span's result (frozen, typed).

Coordinates are source pixels (the video's own width and height), times seconds from the first
video frame, like everywhere in Cutups.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["FaceAnalysis", "FaceBox", "FaceTrack", "FloatArray"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class FaceBox:
    """One detected face: its box, the detector's score and where its mouth is."""

    x0: float
    y0: float
    x1: float
    y1: float
    score: float
    mouth_x: float
    """The mouth centre keypoint (the detector's own), in source pixels."""
    mouth_y: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    def iou(self, other: FaceBox) -> float:
        """Intersection over union of the two boxes (0 when they do not touch)."""
        w = min(self.x1, other.x1) - max(self.x0, other.x0)
        h = min(self.y1, other.y1) - max(self.y0, other.y0)
        if w <= 0 or h <= 0:
            return 0.0
        inter = w * h
        return inter / (self.width * self.height + other.width * other.height - inter)


@dataclass(frozen=True, slots=True, eq=False)
class FaceTrack:
    """One person's face over consecutive samples of one shot.

    ``times[i]``, ``boxes[i]`` and ``mouth_activity[i]`` belong together. A sample the detector
    missed (for at most a few samples) repeats the last box, so a track has no holes.
    """

    id: int
    """Unique within its :class:`FaceAnalysis`; never reused, also not after a shot cut."""
    times: FloatArray
    boxes: tuple[FaceBox, ...]
    mouth_activity: FloatArray
    """How much the lower face changed since the previous sample (mean absolute luma change
    of the mouth patch, head motion discounted); 0 at the track's first sample."""

    @property
    def start(self) -> float:
        return float(self.times[0])

    @property
    def end(self) -> float:
        return float(self.times[-1])


@dataclass(frozen=True, slots=True, eq=False)
class FaceAnalysis:
    """Faces over one span of a video, sampled at ``rate`` per second."""

    width: int
    """Source width in pixels."""
    height: int
    """Source height in pixels."""
    rate: float
    """Samples per second."""
    times: FloatArray
    """Every sample's time, ascending (the grid tracks and speech activity share)."""
    cuts: FloatArray
    """Times of the samples that start a new shot (tracks never cross one)."""
    tracks: tuple[FaceTrack, ...]
    audio_db: FloatArray
    """The audio's RMS level (dBFS) around each sample; -120 where there is no audio."""
