"""Faces, their tracks and their mouths over chosen spans of a video.

One decode pass per span (:func:`cutups.media.decode_once`, frames scaled down to
``analysis_height``) at a few samples a second. Each sample: a shot-cut score from a tiny
thumbnail, the faces (:class:`~cutups.analysis.face_detect.FaceDetector`), and for each face
how much its mouth moved since the previous sample. Then tracks with stable ids are built, reset
at every cut (:func:`~cutups.analysis.face_tracks.build_tracks`).

Usage::

    spans = detect_faces_in_spans("talk.mp4", [(60.0, 95.0), (300.0, 340.0)])
    for analysis in spans:
        for track in analysis.tracks: ...
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from cutups.analysis.face_detect import FaceDetector
from cutups.analysis.face_tracks import (
    Detection,
    Gray,
    TrackParams,
    build_tracks,
    cut_score,
    mouth_motion,
)
from cutups.analysis.face_types import FaceAnalysis, FaceBox, FaceTrack
from cutups.analysis.voice import AudioEnergy
from cutups.errors import ConfigError
from cutups.media.decode import FrameRequest, decode_once
from cutups.media.probe import probe

__all__ = [
    "CUT_THRESHOLD",
    "FaceAnalysis",
    "FaceBox",
    "FaceTrack",
    "detect_faces",
    "detect_faces_in_spans",
]

CUT_THRESHOLD = 28.0
"""Mean absolute luma change of a 32x18 thumbnail between two samples that counts as a shot
cut. People talking, even moving, change it by a few levels; a cut by 40 and more."""
_THUMB = (18, 32)
_LUMA = np.array([0.299, 0.587, 0.114], np.float32)


class _FaceSampler:
    """Decode consumer: detects faces and mouth motion at every tick."""

    def __init__(self, request: FrameRequest, detector: FaceDetector, scale: float) -> None:
        self.request = request
        self._detector = detector
        self._scale = scale
        self._previous: Gray | None = None
        self._previous_thumb: Gray | None = None
        self.times: list[float] = []
        self.cut_scores: list[float] = []
        self.detections: list[list[Detection]] = []

    def on_frame(self, tick: int, t: float, image: NDArray[np.uint8]) -> None:
        gray: Gray = image.astype(np.float32) @ _LUMA
        thumb = _thumbnail(gray)
        score = 0.0 if self._previous_thumb is None else cut_score(self._previous_thumb, thumb)
        found = []
        for box in self._detector.detect(image):
            motion = 0.0 if self._previous is None else mouth_motion(self._previous, gray, box)
            found.append(Detection(_scaled(box, self._scale), motion))
        self.times.append(t)
        self.cut_scores.append(score)
        self.detections.append(found)
        self._previous, self._previous_thumb = gray, thumb


def _thumbnail(gray: Gray) -> Gray:
    rows = np.linspace(0, gray.shape[0] - 1, _THUMB[0]).round().astype(np.intp)
    cols = np.linspace(0, gray.shape[1] - 1, _THUMB[1]).round().astype(np.intp)
    return gray[np.ix_(rows, cols)]


def _scaled(box: FaceBox, s: float) -> FaceBox:
    return FaceBox(
        box.x0 * s, box.y0 * s, box.x1 * s, box.y1 * s, box.score, box.mouth_x * s, box.mouth_y * s
    )


def detect_faces(
    path: str | Path,
    start: float = 0.0,
    end: float | None = None,
    *,
    rate: float = 5.0,
    analysis_height: int = 360,
    detector: FaceDetector | None = None,
    track_params: TrackParams | None = None,
) -> FaceAnalysis:
    """Faces and their tracks from ``start`` to ``end`` seconds, ``rate`` samples a second,
    and the audio's level at each sample (same pass).

    Raises:
        MediaError: the file is not usable video.
        ModelError: the face model is missing or altered.
        ConfigError: a rate or size out of range.
    """
    if not 0.5 <= rate <= 30 or not 90 <= analysis_height <= 1080:
        raise ConfigError(f"face sampling out of range: rate {rate}/s, height {analysis_height}")
    info = probe(path, keyframes=False)
    width, height = info.video.width, info.video.height
    a_height = min(analysis_height, height - height % 2)
    a_width = max(2, round(width * a_height / height / 2) * 2)
    request = FrameRequest(a_width, a_height, Fraction(rate).limit_denominator(1000))
    sampler = _FaceSampler(request, detector or FaceDetector(), height / a_height)
    energy = AudioEnergy(float(request.rate))
    decode_once(path, [sampler], [energy], start=start, end=end)
    cuts = [score >= CUT_THRESHOLD for score in sampler.cut_scores]
    times = np.asarray(sampler.times, np.float64)
    return FaceAnalysis(
        width=width,
        height=height,
        rate=float(request.rate),
        times=times,
        cuts=times[np.asarray(cuts, bool)] if cuts else times,
        tracks=build_tracks(sampler.times, sampler.detections, cuts, track_params),
        audio_db=energy.levels(times),
    )


def detect_faces_in_spans(
    path: str | Path,
    spans: Sequence[tuple[float, float]],
    *,
    rate: float = 5.0,
    analysis_height: int = 360,
) -> tuple[FaceAnalysis, ...]:
    """:func:`detect_faces` over each span (one detector, one seek per span)."""
    detector = FaceDetector()
    return tuple(
        detect_faces(path, s, e, rate=rate, analysis_height=analysis_height, detector=detector)
        for s, e in spans
    )
