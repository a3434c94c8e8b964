"""The LLM planner against a local server speaking the OpenAI chat-completions wire format."""

from __future__ import annotations

import json
from typing import Any

from cutups.recipes.shorts.llm import LlmPlanner
from cutups.recipes.shorts.plan import PlanOptions
from cutups.recipes.shorts.sentences import split_sentences
from cutups.remote import RetryPolicy
from cutups.speech.transcript import Word
from tests.openai_server import Exchange, serve_openai
from tests.recipes.shorts_words import timed_words
from tests.speech.talk import TALK

WORDS: list[Word] = timed_words(TALK * 2)
SENTENCES = split_sentences(WORDS)
OPTIONS = PlanOptions(max_clips=3, durations=("short",))


def _clip(
    first: int, last: int, score: float = 0.9, layout: str = "talking_head"
) -> dict[str, Any]:
    return {
        "first_sentence": first,
        "last_sentence": last,
        "score": score,
        "title": "Three things that work",
        "summary": "A list of habits.",
        "tags": ["Habits", "Motivation"],
        "reason": "a clear list with a promise up front",
        "layout": layout,
    }


def _reply(clips: list[dict[str, Any]]) -> dict[str, Any]:
    content = json.dumps({"clips": clips})
    return {"choices": [{"index": 0, "message": {"role": "assistant", "content": content}}]}


def _short_run(first: int) -> int:
    """The last sentence of a 15-30 s run starting at ``first``."""
    for last in range(first, len(SENTENCES)):
        if SENTENCES[last].end - SENTENCES[first].start >= 16:
            return last
    raise AssertionError("talk too short")


def test_valid_clips_are_kept_on_sentence_boundaries() -> None:
    answer = _reply([_clip(6, _short_run(6)), _clip(12, _short_run(12), 0.7, "screen_share")])
    with serve_openai(lambda _: (200, answer)) as api:
        plan = LlmPlanner(api.base_url, "sk-or", "some/model").plan(WORDS, OPTIONS)
    (sent,) = api.exchanges
    assert sent.path == "/chat/completions" and sent.headers["Authorization"] == "Bearer sk-or"
    body = sent.json
    assert body["model"] == "some/model"
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["schema"]["required"] == ["clips"]
    request = json.loads(body["messages"][1]["content"])
    assert request["clips_wanted"] == 3 and len(request["sentences"]) == len(SENTENCES)
    assert plan.planner == "llm" and len(plan.clips) == 3  # two from the LLM, one local
    llm = [c for c in plan.clips if c.reasons == ("a clear list with a promise up front",)]
    assert [c.layout for c in llm] == ["focus", "stack"]
    assert llm[0].start <= SENTENCES[6].start and llm[0].tags == ("habits", "motivation")
    assert all(a.score >= b.score for a, b in zip(plan.clips, plan.clips[1:], strict=False))


def test_invalid_clips_are_dropped_and_the_local_plan_fills_in() -> None:
    dangling = next(i for i, s in enumerate(SENTENCES) if s.text.startswith("And "))
    answer = _reply(
        [
            _clip(dangling, _short_run(dangling)),  # starts with "And"
            _clip(0, 0),  # far too short
            _clip(len(SENTENCES) - 1, len(SENTENCES) + 5),  # out of range
            _clip(6, _short_run(6)),
            _clip(7, _short_run(7)),  # overlaps the previous one
        ]
    )
    with serve_openai(lambda _: (200, answer)) as api:
        plan = LlmPlanner(api.base_url, None, "m").plan(WORDS, OPTIONS)
    assert plan.planner == "llm"
    from_llm = [c for c in plan.clips if c.layout == "focus"]
    assert len(from_llm) == 1 and len(plan.clips) == 3


def test_any_failure_falls_back_to_the_local_plan() -> None:
    no_retry = RetryPolicy(max_retries=0)
    broken: list[tuple[int, Any]] = [
        (500, {"error": "down"}),
        (200, {"choices": []}),
        (200, {"choices": [{"message": {"content": "not json at all"}}]}),
        (200, _reply([{"first_sentence": "zero"}])),
        (200, _reply([])),
    ]
    for status, answer in broken:
        with serve_openai(lambda _, s=status, a=answer: (s, a)) as api:
            plan = LlmPlanner(api.base_url, None, "m", retry=no_retry).plan(WORDS, OPTIONS)
        assert plan.planner == "local" and len(plan.clips) == 3, (status, answer)
        assert plan.notes and ("failed" in plan.notes[0] or "no valid clip" in plan.notes[0])


def test_a_fenced_reply_is_read_too() -> None:
    content = "```json\n" + json.dumps({"clips": [_clip(6, _short_run(6))]}) + "\n```"

    def reply(exchange: Exchange) -> tuple[int, Any]:
        return 200, {"choices": [{"message": {"content": content}}]}

    with serve_openai(reply) as api:
        plan = LlmPlanner(api.base_url, None, "m").plan(WORDS, OPTIONS)
    assert plan.planner == "llm"
