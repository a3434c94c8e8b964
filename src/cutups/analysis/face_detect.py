"""BlazeFace (full range) run with LiteRT, decoded in numpy: an RGB image in, face boxes out.

The model sees a 192x192 square. A wide frame letterboxed into it makes faces small, so a frame
wider than 1.2:1 is also looked at through square tiles of its full height; boxes from the
whole frame and the tiles are merged by weighted non-maximum suppression, as MediaPipe does.
One :class:`FaceDetector` is not thread-safe (one LiteRT interpreter): make one per thread.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from cutups.analysis.face_model import locate_face_model
from cutups.analysis.face_types import FaceBox

__all__ = ["FaceDetector", "merge_boxes"]

_SIZE = 192
"""The model's input side."""
_STRIDE = 4
"""One anchor per 4x4 cell: 48x48 = 2304 anchors."""
_MOUTH = 3
"""Keypoint order: right eye, left eye, nose tip, mouth centre, right ear, left ear."""
_TILE_ASPECT = 1.2


def _anchors() -> NDArray[np.float32]:
    cells = _SIZE // _STRIDE
    yy, xx = np.mgrid[0:cells, 0:cells]
    return (
        np.stack([(xx + 0.5) / cells, (yy + 0.5) / cells], axis=-1)
        .reshape(-1, 2)
        .astype(np.float32)
    )


class FaceDetector:
    """Finds faces in RGB images with the pinned, hash-checked model."""

    def __init__(self, model: Path | None = None, *, min_score: float = 0.6) -> None:
        from ai_edge_litert.interpreter import Interpreter

        self._interpreter = Interpreter(model_path=str(locate_face_model(model)), num_threads=1)
        self._interpreter.allocate_tensors()
        self._input = self._interpreter.get_input_details()[0]["index"]
        outputs = self._interpreter.get_output_details()
        by_width = {int(d["shape"][-1]): d["index"] for d in outputs}
        self._regressors, self._scores = by_width[16], by_width[1]
        self._anchors = _anchors()
        self.min_score = min_score

    def detect(self, image: NDArray[np.uint8], scale: float = 1.0) -> list[FaceBox]:
        """Faces in ``image`` ((H, W, 3) RGB), boxes multiplied by ``scale`` (to source pixels)."""
        h, w = image.shape[:2]
        found = self._detect_square(image, 0, 0)
        if w > _TILE_ASPECT * h:
            for x0 in _tile_starts(w, h):
                found += self._detect_square(image[:, x0 : x0 + h], x0, 0)
        elif h > _TILE_ASPECT * w:
            for y0 in _tile_starts(h, w):
                found += self._detect_square(image[y0 : y0 + w], 0, y0)
        return [_scaled(box, scale) for box in merge_boxes(found)]

    def _detect_square(self, image: NDArray[np.uint8], ox: int, oy: int) -> list[FaceBox]:
        """Letterbox ``image`` into the model's square and run it; boxes in ``image`` + offset."""
        h, w = image.shape[:2]
        side = max(h, w)
        fit = Image.fromarray(np.ascontiguousarray(image)).resize(
            (max(1, round(w * _SIZE / side)), max(1, round(h * _SIZE / side))), Image.Resampling.BOX
        )
        square = np.zeros((_SIZE, _SIZE, 3), np.float32)
        px, py = (_SIZE - fit.width) // 2, (_SIZE - fit.height) // 2
        square[py : py + fit.height, px : px + fit.width] = np.asarray(fit, np.float32)
        self._interpreter.set_tensor(self._input, (square / 127.5 - 1.0)[None])
        self._interpreter.invoke()
        raw = self._interpreter.get_tensor(self._regressors)[0]
        logits = self._interpreter.get_tensor(self._scores)[0, :, 0]
        keep = logits > math.log(self.min_score / (1 - self.min_score))
        return _decode(
            raw[keep],
            logits[keep],
            self._anchors[keep],
            side / _SIZE,
            ox - px * side / _SIZE,
            oy - py * side / _SIZE,
        )


def _decode(
    raw: NDArray[np.float32],
    logits: NDArray[np.float32],
    anchors: NDArray[np.float32],
    unit: float,
    ox: float,
    oy: float,
) -> list[FaceBox]:
    """Regressor rows to boxes: offsets are in model pixels from each anchor's centre."""
    boxes: list[FaceBox] = []
    scores = 1.0 / (1.0 + np.exp(-np.clip(logits, -80, 80)))
    for row, logit_score, (ax, ay) in zip(raw, scores, anchors, strict=True):
        cx, cy = row[0] + ax * _SIZE, row[1] + ay * _SIZE
        mx, my = row[4 + 2 * _MOUTH] + ax * _SIZE, row[5 + 2 * _MOUTH] + ay * _SIZE
        boxes.append(
            FaceBox(
                x0=float((cx - row[2] / 2) * unit + ox),
                y0=float((cy - row[3] / 2) * unit + oy),
                x1=float((cx + row[2] / 2) * unit + ox),
                y1=float((cy + row[3] / 2) * unit + oy),
                score=float(logit_score),
                mouth_x=float(mx * unit + ox),
                mouth_y=float(my * unit + oy),
            )
        )
    return boxes


def _tile_starts(long: int, short: int) -> list[int]:
    """Offsets of square tiles of side ``short`` covering ``long``, overlapping evenly."""
    count = math.ceil(long / short)
    return [round(v) for v in np.linspace(0, long - short, count)]


def _scaled(box: FaceBox, scale: float) -> FaceBox:
    return FaceBox(
        box.x0 * scale,
        box.y0 * scale,
        box.x1 * scale,
        box.y1 * scale,
        box.score,
        box.mouth_x * scale,
        box.mouth_y * scale,
    )


def merge_boxes(boxes: list[FaceBox], iou: float = 0.3) -> list[FaceBox]:
    """Weighted non-maximum suppression: each cluster of overlapping boxes becomes their
    score-weighted mean, with the best score (MediaPipe's way: steadier than keeping one)."""
    left = sorted(boxes, key=lambda b: -b.score)
    merged: list[FaceBox] = []
    while left:
        best = left[0]
        cluster = [b for b in left if best.iou(b) >= iou]
        left = [b for b in left if best.iou(b) < iou]
        weights = np.array([b.score for b in cluster])
        coords = np.array([[b.x0, b.y0, b.x1, b.y1, b.mouth_x, b.mouth_y] for b in cluster])
        x0, y0, x1, y1, mx, my = (float(v) for v in weights @ coords / weights.sum())
        merged.append(FaceBox(x0, y0, x1, y1, best.score, mx, my))
    return merged
