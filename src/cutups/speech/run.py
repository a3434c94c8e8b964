"""Transcribe a source with whatever the settings choose: the local model, or a cloud API."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from cutups.media.audio import SpeechAudio, encode_for_upload, extract_speech
from cutups.media.ffmpeg import ProcessRegistry
from cutups.settings import Settings
from cutups.speech.align import align_transcript
from cutups.speech.cloud import CloudTranscriber
from cutups.speech.local import LocalOptions, LocalTranscriber
from cutups.speech.onsets import refine_transcript
from cutups.speech.transcript import Transcript

__all__ = ["transcribe_source"]


def transcribe_source(
    source: Path,
    work_dir: Path,
    settings: Settings,
    *,
    progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
    registry: ProcessRegistry | None = None,
) -> tuple[Transcript, SpeechAudio]:
    """Transcribe ``source``; also return its speech audio (for loudness and later stages).

    The cloud service is used when ``settings.transcribe_url`` is set, else the local model;
    English word times then come from the forced aligner (``settings.speech_align``).
    Intermediate audio files go to ``work_dir``.

    Raises:
        MediaError: the source cannot be opened; NoAudioStreamError: it has no audio.
        FFmpegError: ffmpeg could not decode its audio.
        ModelError: the local model or the aligner's is missing or fails its hash check.
        ExternalServiceError: the cloud service failed.
        CanceledError: ``cancel`` was set.
    """
    audio = extract_speech(
        source, work_dir / "speech.f32", ffmpeg=settings.ffmpeg, registry=registry
    )
    if settings.transcribe_url:
        upload = work_dir / "speech.ogg"
        offset = encode_for_upload(source, upload, ffmpeg=settings.ffmpeg, registry=registry)
        with CloudTranscriber(
            settings.transcribe_url,
            settings.transcribe_api_key,
            settings.transcribe_model,
            expected_language=settings.speech_language or "en",
        ) as client:
            transcript = refine_transcript(client.transcribe_file(upload, offset=offset), audio)
    else:
        transcript = _local(settings).transcribe(audio, progress=progress, cancel=cancel)
    if settings.speech_align:
        transcript = align_transcript(transcript, audio)
    return transcript, audio


def _local(settings: Settings) -> LocalTranscriber:
    options = LocalOptions(
        model=settings.speech_model,
        language=settings.speech_language,
        expected_language=settings.speech_language or "en",
        threads=settings.workers,
        beam_size=settings.speech_beam_size,
    )
    return LocalTranscriber(options, settings.cache_dir)
