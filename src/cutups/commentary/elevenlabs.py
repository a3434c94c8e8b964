"""A cloud voice speaking ElevenLabs' text-to-speech API (off unless configured).

``POST {base}/v1/text-to-speech/{voice_id}?output_format=pcm_24000`` with the key in
``xi-api-key`` and ``{"text", "model_id"}`` as JSON; the answer is raw 16-bit mono PCM. Any
service speaking that wire format works (``CUTUPS_COMMENTARY_TTS_URL``); the tests run one on
loopback.
"""

from __future__ import annotations

import httpx

from cutups.commentary.speech import Speech
from cutups.errors import ConfigError, SpeechError
from cutups.settings import Settings

__all__ = ["ElevenLabsSynth"]

SAMPLE_RATE = 24_000


class ElevenLabsSynth:
    """Voices lines through an ElevenLabs-compatible service; thread-safe (one HTTP pool)."""

    name = "cloud"

    def __init__(
        self, base_url: str, *, api_key: str, voice_id: str, model: str, timeout: float = 20.0
    ) -> None:
        if not voice_id:
            raise ConfigError("the cloud voice needs CUTUPS_COMMENTARY_TTS_VOICE_ID")
        self._url = f"{base_url.rstrip('/')}/v1/text-to-speech/{voice_id}"
        self._model = model
        self._client = httpx.Client(
            headers={"xi-api-key": api_key, "accept": "audio/pcm"}, timeout=timeout
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> ElevenLabsSynth:
        """The configured service.

        Raises:
            ConfigError: no service is configured (``CUTUPS_COMMENTARY_TTS_URL``) or no voice.
        """
        if not settings.commentary_tts_url:
            raise ConfigError("voice 'cloud' needs CUTUPS_COMMENTARY_TTS_URL (off by default)")
        return cls(
            settings.commentary_tts_url,
            api_key=settings.commentary_tts_api_key or "",
            voice_id=settings.commentary_tts_voice_id,
            model=settings.commentary_tts_model,
        )

    def synthesize(self, text: str) -> Speech:
        try:
            answer = self._client.post(
                self._url,
                params={"output_format": f"pcm_{SAMPLE_RATE}"},
                json={"text": text, "model_id": self._model},
            )
        except httpx.HTTPError as exc:
            raise SpeechError(f"the cloud voice did not answer: {exc}") from None
        if answer.status_code != 200:
            raise SpeechError(f"the cloud voice answered {answer.status_code}: {answer.text[:200]}")
        return Speech.from_pcm16(answer.content, SAMPLE_RATE, "cloud")

    def close(self) -> None:
        self._client.close()
