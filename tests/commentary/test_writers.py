"""The optional LLM writer, against a loopback server speaking OpenAI's chat wire format:
its line is used only when the fact checker finds nothing invented and it fits the time."""

from __future__ import annotations

import pytest

from cutups.commentary.facts import PlayContext
from cutups.commentary.lines import LineWriter
from cutups.commentary.llm import ChatClient, LlmWriter
from cutups.errors import ExternalServiceError
from cutups.settings import Settings
from tests.commentary.test_lines import PASS
from tests.commentary.wire import Request, chat_answer, serve


def _writer(url: str) -> LineWriter:
    client = ChatClient(f"{url}/v1", model="tiny", api_key="sk-test", timeout=5)
    return LineWriter(seed=0, llm=LlmWriter(client))


def test_a_grounded_llm_line_is_used_and_the_request_carries_the_facts() -> None:
    line = "JJ McCarthy hits Roman Wilson for 16 and a first down!"
    with serve(lambda r: chat_answer(line)) as wire:
        written = _writer(wire.url).write(PlayContext(PASS), budget=8.0)
    assert (written.text, written.writer) == (line, "llm")
    request = wire.requests[0]
    assert request.path == "/v1/chat/completions"
    assert request.headers["authorization"] == "Bearer sk-test"
    body = request.json()
    assert body["model"] == "tiny" and body["messages"][0]["role"] == "system"
    assert "Roman Wilson" in body["messages"][1]["content"]
    assert written.shorter and written.shorter[0] == LineWriter(seed=0).write(
        PlayContext(PASS), budget=8.0).text  # fmt: skip


@pytest.mark.parametrize(
    "invented",
    [
        "JJ McCarthy hits Roman Wilson for 45 yards!",  # a yardage
        "McCarthy finds Blake Corum, first down.",  # a player
        "Touchdown Michigan!",  # an event
        "Fourth and 7, Michigan goes for it.",  # the down
    ],
)
def test_an_llm_line_that_invents_a_fact_is_replaced_by_the_template(invented: str) -> None:
    with serve(lambda r: chat_answer(invented)) as wire:
        written = _writer(wire.url).write(PlayContext(PASS), budget=8.0)
    assert written.writer == "template" and written.text != invented
    assert written.text == LineWriter(seed=0).write(PlayContext(PASS), budget=8.0).text
    assert "LLM line replaced" in written.note


def test_a_failing_or_long_winded_llm_falls_back_to_the_template() -> None:
    def answer(request: Request) -> tuple[int, str, bytes]:
        if len(answers) == 0:
            answers.append(1)
            return 500, "application/json", b'{"error": "overloaded"}'
        return chat_answer("JJ McCarthy to Roman Wilson. " * 8)

    answers: list[int] = []
    with serve(answer) as wire:
        first = _writer(wire.url).write(PlayContext(PASS), budget=8.0)
        second = _writer(wire.url).write(PlayContext(PASS), budget=8.0)
    assert first.writer == second.writer == "template"
    assert "500" in first.note and "too long" in second.note


def test_the_client_is_off_unless_configured_and_says_what_went_wrong() -> None:
    assert ChatClient.from_settings(Settings()) is None
    with serve(lambda r: (200, "application/json", b'{"choices": []}')) as wire:
        client = ChatClient.from_settings(Settings(commentary_llm_url=wire.url))
        assert client is not None
        with pytest.raises(ExternalServiceError, match="no message content"):
            client.complete("system", "user")
