"""Transcription by an OpenAI-compatible service (OpenAI, Groq, a self-hosted server).

Off unless a URL is configured (``CUTUPS_TRANSCRIBE_URL``). One request per source:
``POST {base}/audio/transcriptions`` as a multipart form with the audio file, ``model``,
``response_format=verbose_json`` and ``timestamp_granularities[]`` ``word`` and ``segment``. The
answer's words (which the API lists apart from its segments) are put back into the segments they
fall in, and shifted onto the source's video timeline.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

import httpx
from pydantic import BaseModel, ConfigDict, ValidationError

from cutups.errors import ExternalServiceError, InputError
from cutups.remote import JsonClient, RetryPolicy
from cutups.speech.transcript import Segment, Transcript, TranscriptWarning, Word

__all__ = ["CloudTranscriber", "language_code"]

# verbose_json names the language in English ("english"); Transcript wants ISO 639-1 codes.
_LANGUAGE_CODES = {
    "english": "en", "german": "de", "french": "fr", "spanish": "es", "italian": "it",
    "portuguese": "pt", "dutch": "nl", "russian": "ru", "chinese": "zh", "japanese": "ja",
    "korean": "ko", "arabic": "ar", "hindi": "hi", "turkish": "tr", "polish": "pl",
    "swedish": "sv", "ukrainian": "uk",
}  # fmt: skip


def language_code(name: str | None) -> str | None:
    """An ISO 639-1 code for a language the API named ("english" -> "en"; codes pass through)."""
    if not name:
        return None
    lowered = name.strip().lower()
    return _LANGUAGE_CODES.get(lowered, lowered)


class _ApiWord(BaseModel):
    model_config = ConfigDict(extra="ignore")
    word: str
    start: float
    end: float


class _ApiSegment(BaseModel):
    model_config = ConfigDict(extra="ignore")
    start: float
    end: float
    text: str


class _VerboseJson(BaseModel):
    model_config = ConfigDict(extra="ignore")
    language: str | None = None
    duration: float | None = None
    text: str = ""
    words: list[_ApiWord] | None = None
    segments: list[_ApiSegment] | None = None


class CloudTranscriber(JsonClient):
    """A client of one OpenAI-compatible transcription endpoint.

    Arguments:
        base_url: the API root, e.g. ``https://api.openai.com/v1``.
        api_key: sent as ``Authorization: Bearer``; None sends none (a local server).
        model: the service's model name (``whisper-1``, ``whisper-large-v3-turbo``).
        expected_language: a detected language other than this adds ``other_language``.
        transport, timeout, retry, sleep: as for :class:`~cutups.remote.JsonClient`.

    Raises:
        ConfigError: no base URL.
    """

    SERVICE = "transcribe"
    LABEL = "The transcription service"
    NO_BASE_URL = "no transcription service URL configured (CUTUPS_TRANSCRIBE_URL)"

    def __init__(
        self,
        base_url: str | None,
        api_key: str | None,
        model: str,
        *,
        expected_language: str | None = "en",
        transport: httpx.BaseTransport | None = None,
        timeout: float = 600.0,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        super().__init__(
            base_url,
            transport=transport,
            timeout=timeout,
            retry=retry or RetryPolicy(max_retries=2, backoff=2.0, max_wait=60.0),
            sleep=sleep,
            headers=headers,
            auth_hint="check CUTUPS_TRANSCRIBE_API_KEY",
        )
        self.model = model
        self.expected_language = expected_language

    def transcribe_file(self, audio_file: Path, *, offset: float = 0.0) -> Transcript:
        """Transcribe an audio file (see :func:`cutups.media.audio.encode_for_upload`).

        Arguments:
            offset: seconds from the first video frame to the file's first sample.

        Raises:
            InputError: the file cannot be read.
            ExternalServiceError: the service failed or answered something else than
                verbose JSON.
        """
        try:
            content = audio_file.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read {audio_file}: {exc.strerror or exc}") from None
        answer = self._http.post(
            "/audio/transcriptions",
            data={
                "model": self.model,
                "response_format": "verbose_json",
                "timestamp_granularities[]": ["word", "segment"],
            },
            files={"file": (audio_file.name, content, "audio/ogg")},
        )
        try:
            parsed = _VerboseJson.model_validate(answer)
        except ValidationError as exc:
            raise ExternalServiceError(
                f"{self.LABEL} answered without verbose JSON ({exc.errors()[0]['msg']})",
                service=self.SERVICE,
            ) from None
        return self._transcript(parsed, offset)

    def _transcript(self, answer: _VerboseJson, offset: float) -> Transcript:
        words = [_word(w, offset) for w in answer.words or () if w.word.strip()]
        segments = _group(words, answer.segments or (), offset)
        language = language_code(answer.language) if segments else None
        warnings: list[TranscriptWarning] = [] if segments else ["no_speech"]
        if language and self.expected_language and language != self.expected_language:
            warnings.append("other_language")
        return Transcript(
            language=language,
            duration=max(0.0, answer.duration or (words[-1].end if words else 0.0)),
            engine=f"cloud:{self.model}",
            segments=segments,
            warnings=tuple(warnings),
        )


def _word(word: _ApiWord, offset: float) -> Word:
    start = max(0.0, word.start + offset)
    return Word(
        start=round(start, 3), end=round(max(start, word.end + offset), 3), text=word.word.strip()
    )


def _group(
    words: Sequence[Word], api_segments: Sequence[_ApiSegment], offset: float
) -> tuple[Segment, ...]:
    """Put each word into the API segment its middle falls in (else the nearest one)."""
    if not words:
        return ()
    if not api_segments:
        text = " ".join(w.text for w in words)
        return (Segment(start=words[0].start, end=words[-1].end, text=text, words=tuple(words)),)
    buckets: list[list[Word]] = [[] for _ in api_segments]
    current = 0
    for word in words:  # both are in time order: one pass
        middle = (word.start + word.end) / 2 - offset
        while current + 1 < len(api_segments) and middle > api_segments[current].end:
            after = api_segments[current + 1].start - middle
            if after > middle - api_segments[current].end:
                break  # in the gap, nearer the segment it follows
            current += 1
        buckets[current].append(word)
    return tuple(
        Segment(start=ws[0].start, end=ws[-1].end, text=seg.text.strip(), words=tuple(ws))
        for seg, ws in zip(api_segments, buckets, strict=True)
        if ws
    )
