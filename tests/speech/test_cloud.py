"""The cloud transcriber against a local server speaking the OpenAI transcription wire format."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cutups.errors import ExternalServiceError
from cutups.remote import RetryPolicy
from cutups.settings import Settings
from cutups.speech.cloud import CloudTranscriber, language_code
from cutups.speech.run import transcribe_source
from tests.openai_server import Exchange, serve_openai
from tests.speech.talk import speak

VERBOSE = {
    "task": "transcribe",
    "language": "english",
    "duration": 4.0,
    "text": "Hello there. How are you?",
    "words": [
        {"word": "Hello", "start": 0.1, "end": 0.4},
        {"word": "there.", "start": 0.4, "end": 0.8},
        {"word": "How", "start": 2.0, "end": 2.2},
        {"word": "are", "start": 2.2, "end": 2.3},
        {"word": "you?", "start": 2.3, "end": 2.6},
    ],
    "segments": [
        {"id": 0, "start": 0.0, "end": 1.0, "text": " Hello there.", "avg_logprob": -0.2},
        {"id": 1, "start": 1.9, "end": 2.7, "text": " How are you?", "avg_logprob": -0.3},
    ],
}

NO_RETRY = RetryPolicy(max_retries=0)


def _answer(exchange: Exchange) -> tuple[int, Any]:
    return 200, VERBOSE


def test_sends_the_wire_format_and_reads_verbose_json(tmp_path: Path) -> None:
    audio = tmp_path / "speech.ogg"
    audio.write_bytes(b"OggS fake audio bytes")
    with (
        serve_openai(_answer) as api,
        CloudTranscriber(api.base_url, "sk-test", "whisper-large-v3-turbo") as client,
    ):
        transcript = client.transcribe_file(audio, offset=1.0)
    (sent,) = api.exchanges
    assert sent.path == "/audio/transcriptions"
    assert sent.headers["Authorization"] == "Bearer sk-test"
    assert sent.form["model"] == ["whisper-large-v3-turbo"]
    assert sent.form["response_format"] == ["verbose_json"]
    assert sent.form["timestamp_granularities[]"] == ["word", "segment"]
    assert sent.files["file"] == ("speech.ogg", b"OggS fake audio bytes")
    assert transcript.language == "en" and transcript.engine == "cloud:whisper-large-v3-turbo"
    assert [s.text for s in transcript.segments] == ["Hello there.", "How are you?"]
    assert [w.text for w in transcript.segments[1].words] == ["How", "are", "you?"]
    assert transcript.words[0].start == pytest.approx(1.1)  # shifted onto the video timeline
    assert transcript.warnings == ()


def test_server_errors_are_retried_then_reported(tmp_path: Path) -> None:
    audio = tmp_path / "a.ogg"
    audio.write_bytes(b"x")
    replies = iter([(503, {"error": "busy"}), (200, VERBOSE)])
    with serve_openai(lambda _: next(replies)) as api:
        client = CloudTranscriber(api.base_url, None, "m", sleep=lambda _: None)
        assert len(client.transcribe_file(audio).words) == 5
        assert "Authorization" not in api.exchanges[0].headers
    with serve_openai(lambda _: (401, {"error": "bad key"})) as api:
        client = CloudTranscriber(api.base_url, "wrong", "m", retry=NO_RETRY)
        with pytest.raises(ExternalServiceError, match="rejected the API key"):
            client.transcribe_file(audio)
    with serve_openai(lambda _: (200, {"text": 5, "words": "many"})) as api:
        client = CloudTranscriber(api.base_url, None, "m", retry=NO_RETRY)
        with pytest.raises(ExternalServiceError, match="verbose JSON"):
            client.transcribe_file(audio)


def test_no_words_is_no_speech_and_other_languages_are_flagged(tmp_path: Path) -> None:
    audio = tmp_path / "a.ogg"
    audio.write_bytes(b"x")
    empty = {"language": "english", "duration": 9.0, "text": "", "words": [], "segments": []}
    with serve_openai(lambda _: (200, empty)) as api:
        silent = CloudTranscriber(api.base_url, None, "m").transcribe_file(audio)
    assert silent.warnings == ("no_speech",) and silent.language is None
    german = {**VERBOSE, "language": "german"}
    with serve_openai(lambda _: (200, german)) as api:
        other = CloudTranscriber(api.base_url, None, "m").transcribe_file(audio)
    assert other.language == "de" and other.warnings == ("other_language",)
    assert language_code("en") == "en" and language_code(None) is None


def test_settings_choose_the_cloud_and_it_gets_real_audio(tmp_path: Path) -> None:
    talk = speak(("Hello there.",), tmp_path / "hello.wav")
    with serve_openai(_answer) as api:
        settings = Settings(transcribe_url=api.base_url, cache_dir=tmp_path / "cache")
        transcript, audio = transcribe_source(talk.path, tmp_path / "work", settings)
    filename, uploaded = api.exchanges[0].files["file"]
    assert filename == "speech.ogg" and uploaded.startswith(b"OggS")
    assert transcript.engine == "cloud:whisper-large-v3-turbo+pocketsphinx-en-us"  # re-timed here
    assert audio.duration == pytest.approx(talk.duration, abs=0.01)
