"""Face analyses built by hand (no video): for the pure stages' tests."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from cutups.analysis.face_types import FaceAnalysis, FaceBox, FaceTrack

RATE = 5.0


def box(cx: float, size: float = 120.0, cy: float = 300.0) -> FaceBox:
    h = size / 2
    return FaceBox(cx - h, cy - h, cx + h, cy + h, 0.9, cx, cy + 0.3 * size)


def track(
    track_id: int,
    times: np.ndarray,  # type: ignore[type-arg]
    centre: Callable[[float], float],
    activity: Callable[[float], float],
    size: float = 120.0,
) -> FaceTrack:
    return FaceTrack(
        track_id,
        times.astype(np.float64),
        tuple(box(centre(t), size) for t in times),
        np.array([activity(t) for t in times], np.float64),
    )


def analysis(
    seconds: float, *tracks: FaceTrack, width: int = 1280, height: int = 720
) -> FaceAnalysis:
    times = np.arange(round(seconds * RATE)) / RATE
    return FaceAnalysis(width, height, RATE, times, np.zeros(0), tracks, np.zeros(times.size))


def grid(seconds: float) -> np.ndarray:  # type: ignore[type-arg]
    return np.arange(round(seconds * RATE)) / RATE
