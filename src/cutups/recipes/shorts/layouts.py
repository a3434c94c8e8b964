"""Choosing a clip's layout (focus, stack, static) and framing it.

Pure: the faces of the clip's span and its active speaker in, a
:data:`~cutups.recipes.shorts.framing.Framing` out.

* ``static`` when faces are on screen less than ``min_face_share`` of the clip;
* ``stack`` when the faces seen are one small face (a webcam box in a screen share): under
  ``webcam_max_width`` of the frame's width, away from the frame's middle;
* ``focus`` otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from cutups.analysis.face_types import FaceAnalysis, FaceTrack
from cutups.analysis.speaker import ActiveSpeaker
from cutups.recipes.shorts.camera import CameraParams, follow, plan_shots
from cutups.recipes.shorts.framing import (
    FocusFraming,
    Framing,
    Layout,
    Rect,
    StackFraming,
    StaticFraming,
)

__all__ = ["LayoutParams", "choose_layout", "frame_clip"]


@dataclass(frozen=True, slots=True)
class LayoutParams:
    min_face_share: float = 0.3
    """Share of the samples that must show a face for the camera to follow one."""
    webcam_max_width: float = 0.14
    """A face narrower than this share of the frame width, off-centre, is a webcam's."""
    off_centre: float = 0.2
    """How far (share of the frame width) from the middle a webcam face must be."""
    face_panel_zoom: float = 2.2
    """The stack's face panel is this many face heights tall."""
    static_mode: Literal["center", "blur"] = "blur"


def _face_share(analysis: FaceAnalysis) -> float:
    if analysis.times.size == 0:
        return 0.0
    seen = np.zeros(analysis.times.size, bool)
    for track in analysis.tracks:
        seen[np.searchsorted(analysis.times, track.times - 1e-6)] = True
    return float(seen.mean())


def _main_track(analysis: FaceAnalysis) -> FaceTrack:
    return max(analysis.tracks, key=lambda t: t.times.size)


def _is_webcam(analysis: FaceAnalysis, params: LayoutParams) -> bool:
    """One person, small and off-centre: a webcam box over something else."""
    main = _main_track(analysis)
    others = sum(t.times.size for t in analysis.tracks if t is not main)
    widths = np.median([b.width for b in main.boxes])
    centre = np.median([b.cx for b in main.boxes])
    return bool(
        others < 0.2 * main.times.size
        and widths < params.webcam_max_width * analysis.width
        and abs(centre - analysis.width / 2) > params.off_centre * analysis.width
    )


def choose_layout(analysis: FaceAnalysis, params: LayoutParams | None = None) -> Layout:
    """The layout that suits the clip (see the module's rules)."""
    params = params or LayoutParams()
    if not analysis.tracks or _face_share(analysis) < params.min_face_share:
        return "static"
    return "stack" if _is_webcam(analysis, params) else "focus"


def _static(analysis: FaceAnalysis, params: LayoutParams) -> StaticFraming:
    crop_w = min(analysis.width, round(analysis.height * 9 / 16) // 2 * 2)
    crop = Rect((analysis.width - crop_w) // 2 // 2 * 2, 0, crop_w, analysis.height)
    return StaticFraming(crop, params.static_mode)


def _stack(analysis: FaceAnalysis, params: LayoutParams, screen_share: float = 0.55) -> Framing:
    """The screen is the whole frame; the face panel a still crop around the webcam's face with
    the panel's aspect (9 : 16 * (1 - screen_share))."""
    if not analysis.tracks:
        return _static(analysis, params)
    main = _main_track(analysis)
    cx = float(np.median([b.cx for b in main.boxes]))
    cy = float(np.median([b.cy for b in main.boxes]))
    face_h = float(np.median([b.height for b in main.boxes]))
    aspect = 9 / (16 * (1 - screen_share))
    height = min(analysis.height, max(16, round(params.face_panel_zoom * face_h)))
    width = min(analysis.width, round(height * aspect))
    height = min(height, round(width / aspect))
    x = int(np.clip(round(cx - width / 2), 0, analysis.width - width))
    y = int(np.clip(round(cy - height / 2), 0, analysis.height - height))
    screen = Rect(0, 0, analysis.width, analysis.height)
    return StackFraming(screen, Rect(x, y, width // 2 * 2, height // 2 * 2), screen_share)


def frame_clip(
    analysis: FaceAnalysis,
    speaker: ActiveSpeaker,
    fps: float,
    layout: Layout | Literal["auto"] = "auto",
    *,
    params: LayoutParams | None = None,
    camera: CameraParams | None = None,
) -> Framing:
    """The framing of one clip: ``layout`` as asked, or chosen (``auto``).

    A forced ``focus`` or ``stack`` on a clip with no face falls back to ``static``.
    """
    params = params or LayoutParams()
    chosen = choose_layout(analysis, params) if layout == "auto" else layout
    if chosen == "static" or not analysis.tracks:
        return _static(analysis, params)
    if chosen == "stack":
        return _stack(analysis, params)
    end = float(analysis.times[-1]) + 1.0 / analysis.rate
    shots = plan_shots(speaker, end, camera)
    if not shots:
        return _static(analysis, params)
    return FocusFraming(follow(analysis, shots, fps, camera))
