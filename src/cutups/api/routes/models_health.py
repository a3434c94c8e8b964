"""``GET /health/models``: which shipped models are installed and match their pinned SHA-256.

The seed's worker reported its models here (YOLO, MediaPipe). Cutups' are:

* ``whisper``: the Whisper models (:data:`cutups.speech.models.MODELS`), each file of its
  pinned packages; the one ``CUTUPS_SPEECH_MODEL`` names is required unless a cloud
  transcriber is configured (``CUTUPS_TRANSCRIBE_URL``).
* ``face_detector``: BlazeFace full range (:data:`cutups.analysis.face_model.FACE_MODEL`),
  required by the shorts recipe.
* ``aligner``: pocketsphinx's US English model (:data:`cutups.speech.align.ALIGNER_FILES`),
  which re-times English words for captions; required when ``CUTUPS_SPEECH_ALIGN`` is on.
* ``piper_voice``: the commentary voice (:data:`cutups.commentary.speech.PIPER_VOICE`);
  optional (espeak-ng speaks when it is missing).

Every file is hashed, once per size and modification time (a few hundred MB the first time, a
second or so; later calls reuse the digests). 200 when every required model checks out, else
503 with the same body. No auth, like ``/health``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from cutups.analysis.face_model import FACE_MODEL, default_models_dir
from cutups.api.deps import ServiceDep
from cutups.commentary.speech import PIPER_VOICE
from cutups.errors import ModelError
from cutups.settings import Settings
from cutups.speech.align import ALIGNER, ALIGNER_FILES
from cutups.speech.models import MODELS, PinnedFile, sha256_of

__all__ = ["ModelFile", "model_status", "router"]

router = APIRouter(prefix="/health", tags=["health"])

_DIGESTS: dict[tuple[str, int, int], str] = {}
_DIGESTS_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class ModelFile:
    """One file a model needs: where it should be and the SHA-256 it must have."""

    name: str
    """As shown: ``package/path`` or the file name."""
    path: Path | None
    """None when its package is not installed."""
    sha256: str

    def check(self) -> dict[str, Any]:
        present = self.path is not None and self.path.is_file()
        verified = present and self.path is not None and _digest(self.path) == self.sha256
        return {"file": self.name, "sha256": self.sha256, "present": present, "verified": verified}


def _digest(path: Path) -> str:
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    with _DIGESTS_LOCK:
        known = _DIGESTS.get(key)
    if known is None:
        known = sha256_of(path)
        with _DIGESTS_LOCK:
            _DIGESTS[key] = known
    return known


def _packaged(pinned: PinnedFile) -> ModelFile:
    try:
        path: Path | None = pinned.locate()
    except ModelError:
        path = None
    return ModelFile(f"{pinned.package}/{pinned.path}", path, pinned.sha256)


def _model(name: str, used_for: str, required: bool, files: list[ModelFile]) -> dict[str, Any]:
    checked = [f.check() for f in files]
    return {
        "name": name,
        "used_for": used_for,
        "required": required,
        "present": all(c["present"] for c in checked),
        "verified": all(c["verified"] for c in checked),
        "files": checked,
    }


def model_status(settings: Settings) -> dict[str, list[dict[str, Any]]]:
    """Every shipped model, by kind, with its files checked against their pins."""
    local_speech = not settings.transcribe_url
    whisper = [
        _model(
            name,
            "transcription (shorts)",
            local_speech and name == settings.speech_model,
            [_packaged(p) for p in model.parts] + [_packaged(p) for _, p in model.files],
        )
        for name, model in MODELS.items()
    ]
    face = _model(
        "blazeface-full-range",
        "faces and the active speaker (shorts)",
        True,
        [ModelFile(FACE_MODEL.name, default_models_dir() / FACE_MODEL.name, FACE_MODEL.sha256)],
    )
    voice = _model(
        "piper-joe-medium", "commentary voice", False, [_packaged(p) for p in PIPER_VOICE]
    )
    aligner = _model(
        ALIGNER,
        "word times for captions (shorts)",
        settings.speech_align,
        [_packaged(p) for p in ALIGNER_FILES],
    )
    return {
        "whisper": whisper,
        "face_detector": [face],
        "aligner": [aligner],
        "piper_voice": [voice],
    }


@router.get("/models", responses={503: {"description": "a required model is missing or altered"}})
def models(svc: ServiceDep) -> JSONResponse:
    """The shipped models: present, and matching their pinned SHA-256."""
    status = model_status(svc.settings)
    failing = [
        m["name"] for kind in status.values() for m in kind if m["required"] and not m["verified"]
    ]
    body = {"ok": not failing, "failing": failing, "models": status}
    return JSONResponse(body, status_code=503 if failing else 200)
