"""Voices: piper (pinned voice, hash-checked), espeak-ng, the fallback between them, and the
cloud client against a loopback server speaking ElevenLabs' wire format."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from cutups.commentary.elevenlabs import ElevenLabsSynth
from cutups.commentary.speech import (
    EspeakSynth,
    FallbackSynth,
    PiperSynth,
    Speech,
    checked_voice_files,
    piper_voice_files,
)
from cutups.errors import ConfigError, ModelError, SpeechError
from cutups.settings import Settings
from tests.commentary.wire import Request, serve

LINE = "Third and seven for Michigan. Roman Wilson for sixteen yards and a first down."


def _sounds_like_speech(speech: Speech, low: float, high: float) -> None:
    assert low < speech.seconds < high
    assert float(np.sqrt(np.mean(speech.samples**2))) > 0.02
    assert float(np.max(np.abs(speech.samples))) <= 1.0


def test_espeak_voices_a_line() -> None:
    speech = EspeakSynth().synthesize(LINE)
    _sounds_like_speech(speech, 2.5, 9.0)
    assert speech.engine == "espeak"


def test_piper_voices_a_line_with_the_pinned_voice() -> None:
    model, _config = piper_voice_files()
    assert model.name == "en_US-joe-medium.onnx"
    speech = PiperSynth().synthesize(LINE)
    _sounds_like_speech(speech, 2.5, 9.0)
    assert (speech.engine, speech.sample_rate) == ("piper", 22050)


def test_a_voice_file_that_is_not_the_pinned_one_is_refused(tmp_path: Path) -> None:
    model, config = piper_voice_files()
    changed = tmp_path / config.name
    shutil.copy(config, changed)
    changed.write_text(changed.read_text().replace('"sample_rate"', '"sample_rate" '))
    with pytest.raises(ModelError, match="pinned SHA-256"):
        checked_voice_files(model, changed)
    synth = PiperSynth(lambda: checked_voice_files(model, changed))
    with pytest.raises(SpeechError, match="pinned SHA-256"):
        synth.synthesize(LINE)


def test_the_fallback_voices_what_the_primary_cannot_and_says_why_once() -> None:
    reasons: list[str] = []
    broken = PiperSynth(lambda: (_ for _ in ()).throw(SpeechError("voice package missing")))
    synth = FallbackSynth(broken, EspeakSynth(), reasons.append)
    first, second = synth.synthesize(LINE), synth.synthesize("First down.")
    assert first.engine == second.engine == "espeak"
    assert reasons == ["piper: voice package missing"]


def test_espeak_missing_is_a_speech_error() -> None:
    with pytest.raises(SpeechError, match="not installed"):
        EspeakSynth("espeak-ng-not-here").synthesize(LINE)


def test_the_cloud_voice_speaks_elevenlabs_wire_format() -> None:
    tone = (np.sin(np.arange(24_000) / 24_000 * 2 * np.pi * 220) * 12_000).astype("<i2")

    def answer(request: Request) -> tuple[int, str, bytes]:
        if request.json()["text"] == "fail":
            return 429, "application/json", b'{"detail": {"status": "quota_exceeded"}}'
        return 200, "audio/pcm", tone.tobytes()

    with serve(answer) as wire:
        settings = Settings(
            commentary_tts_url=wire.url, commentary_tts_api_key="xi-key",
            commentary_tts_voice_id="voice42",
        )  # fmt: skip
        synth = ElevenLabsSynth.from_settings(settings)
        speech = synth.synthesize("First down.")
        with pytest.raises(SpeechError, match="429"):
            synth.synthesize("fail")
        synth.close()
    assert speech.sample_rate == 24_000 and speech.seconds == pytest.approx(1.0)
    request = wire.requests[0]
    assert request.path == "/v1/text-to-speech/voice42?output_format=pcm_24000"
    assert request.headers["xi-api-key"] == "xi-key"
    assert request.json() == {"text": "First down.", "model_id": "eleven_flash_v2_5"}


def test_the_cloud_voice_is_off_unless_configured() -> None:
    with pytest.raises(ConfigError, match="CUTUPS_COMMENTARY_TTS_URL"):
        ElevenLabsSynth.from_settings(Settings())
