"""Choosing the voice: ``piper`` (local, espeak-ng for any line it cannot say), ``espeak``, or
``cloud`` (an ElevenLabs-compatible service, only when configured)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from cutups.commentary.elevenlabs import ElevenLabsSynth
from cutups.commentary.speech import EspeakSynth, FallbackSynth, PiperSynth, Synthesizer
from cutups.settings import Settings

__all__ = ["Voice", "make_synth"]

Voice = Literal["piper", "espeak", "cloud"]


def make_synth(
    voice: Voice, settings: Settings, on_fallback: Callable[[str], None] | None = None
) -> Synthesizer:
    """The synthesizer for ``voice``.

    Raises:
        ConfigError: ``cloud`` without a configured service.
    """
    if voice == "cloud":
        return ElevenLabsSynth.from_settings(settings)
    if voice == "espeak":
        return EspeakSynth()
    return FallbackSynth(PiperSynth(), EspeakSynth(), on_fallback)
