"""Speech: transcription with word timings, locally (faster-whisper, shipped model) or by an
OpenAI-compatible service, and the loudness signal the shorts planner scores with.

- :mod:`~cutups.speech.transcript`: :class:`Word`, :class:`Segment`, :class:`Transcript`
  (``transcript.json``).
- :mod:`~cutups.speech.models`: the shipped, hash-checked Whisper models.
- :mod:`~cutups.speech.local`: :class:`LocalTranscriber`.
- :mod:`~cutups.speech.cloud`: :class:`CloudTranscriber` (``POST /audio/transcriptions``).
- :mod:`~cutups.speech.run`: :func:`transcribe_source`, the one the settings choose.
- :mod:`~cutups.speech.loudness`: :func:`loudness_db`, RMS per tick.
"""

from __future__ import annotations

from cutups.speech.transcript import Segment, Transcript, TranscriptWarning, Word

__all__ = ["Segment", "Transcript", "TranscriptWarning", "Word"]
