"""An optional LLM planner: an OpenAI-compatible chat API picks the clips, the local planner
checks them and fills in.

Off unless ``CUTUPS_PLANNER_URL`` is set. The model sees the talk as numbered sentences with their
times and answers, through a JSON-schema ``response_format``, with sentence ranges rather than
seconds: so its clips start and end on sentence boundaries by construction. Every clip is then
validated (pydantic, indices in range, no dangling start, inside a requested duration range, no
overlap); invalid ones are dropped and the local planner fills the remaining places. Any failure
of the service or of its answer falls back to the local plan, with a note saying why.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Sequence
from typing import Literal

import httpx
import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from cutups.errors import CutupsError
from cutups.recipes.shorts.candidates import DURATION_RANGES, cut_points
from cutups.recipes.shorts.metadata import shorten
from cutups.recipes.shorts.plan import ClipCandidate, PlanOptions, ShortPlan, plan_shorts
from cutups.recipes.shorts.sentences import Sentence, is_dangling_start, split_sentences
from cutups.remote import JsonClient, RetryPolicy
from cutups.speech.transcript import Word

__all__ = ["LlmPlanner"]

log = logging.getLogger(__name__)

_SYSTEM = (
    "You pick the most engaging stretches of a long talk to post as short vertical videos. "
    "Favour a strong hook in the first 3 seconds, a complete thought, emotional peaks, surprising "
    "claims, concrete advice and stories. Each clip is a range of whole sentences, given by the "
    "numbers of its first and last sentence; it must not start with a sentence that depends on "
    "the one before it (starting with 'and', 'so', 'but'...). Clips must not overlap. Score each "
    "clip's viral potential from 0 to 1. layout: 'talking_head' when someone talks to camera, "
    "'screen_share' when a screen is shown with a webcam."
)


class _LlmClip(BaseModel):
    model_config = ConfigDict(extra="forbid")
    first_sentence: int
    last_sentence: int
    score: float = Field(ge=0, le=1)
    title: str
    summary: str
    tags: list[str]
    reason: str
    layout: Literal["talking_head", "screen_share"]


class _LlmAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    clips: list[_LlmClip]


class LlmPlanner(JsonClient):
    """A client of one OpenAI-compatible ``/chat/completions`` endpoint that plans clips.

    Arguments:
        base_url: the API root, e.g. ``https://openrouter.ai/api/v1``.
        api_key: sent as ``Authorization: Bearer``; None sends none.
        model: the service's model name.
        transport, timeout, retry, sleep: as for :class:`~cutups.remote.JsonClient`.
    """

    SERVICE = "planner"
    LABEL = "The LLM planner"
    NO_BASE_URL = "no planner URL configured (CUTUPS_PLANNER_URL)"

    def __init__(
        self,
        base_url: str | None,
        api_key: str | None,
        model: str,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 120.0,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        super().__init__(
            base_url,
            transport=transport,
            timeout=timeout,
            retry=retry or RetryPolicy(max_retries=1, backoff=1.0),
            sleep=sleep,
            headers=headers,
            auth_hint="check CUTUPS_PLANNER_API_KEY",
        )
        self.model = model

    def plan(
        self,
        words: Sequence[Word],
        options: PlanOptions,
        *,
        loudness: NDArray[np.float32] | None = None,
        tick_rate: float = 10.0,
    ) -> ShortPlan:
        """Plan with the LLM; the local plan (with a note) on any failure. Never raises for
        the service's sake."""
        local = plan_shorts(words, options, loudness=loudness, tick_rate=tick_rate)
        sentences = split_sentences(words)
        if not sentences:
            return local
        try:
            answer = self._ask(sentences, options)
        except (CutupsError, ValidationError, ValueError, KeyError, IndexError, TypeError) as exc:
            log.warning("LLM planner failed, planning locally: %s", exc)
            note = f"LLM planner failed ({shorten(str(exc), 160)}); planned locally"
            return local.model_copy(update={"notes": (note,)})
        clips = _accepted(answer, words, sentences, options)
        if not clips:
            return local.model_copy(update={"notes": ("LLM planner proposed no valid clip",)})
        return ShortPlan(planner="llm", clips=_filled(clips, local, options.max_clips))

    def _ask(self, sentences: Sequence[Sentence], options: PlanOptions) -> _LlmAnswer:
        ranges = {name: DURATION_RANGES[name] for name in options.durations}
        listing = [
            {"n": i, "start": round(s.start, 2), "end": round(s.end, 2), "text": s.text}
            for i, s in enumerate(sentences)
        ]
        request = {
            "clips_wanted": options.max_clips,
            "duration_ranges_seconds": ranges,
            "keywords": list(options.keywords),
            "sentences": listing,
        }
        body = {
            "model": self.model,
            "messages": [
                {"role": "system", "content": _SYSTEM},
                {"role": "user", "content": json.dumps(request)},
            ],
            "response_format": {
                "type": "json_schema",
                "json_schema": {
                    "name": "short_plan",
                    "strict": True,
                    "schema": _LlmAnswer.model_json_schema(),
                },
            },
        }
        reply = self._http.post("/chat/completions", json_body=body)
        content = reply["choices"][0]["message"]["content"]
        return _LlmAnswer.model_validate_json(_unfenced(str(content)))


def _unfenced(content: str) -> str:
    """The JSON inside a reply that wrapped it in a Markdown code fence anyway."""
    text = content.strip()
    if text.startswith("```"):
        text = text.split("\n", 1)[1] if "\n" in text else ""
        text = text.rsplit("```", 1)[0]
    return text


def _accepted(
    answer: _LlmAnswer,
    words: Sequence[Word],
    sentences: Sequence[Sentence],
    options: PlanOptions,
) -> list[ClipCandidate]:
    """The proposed clips that pass every check, in the order proposed."""
    bounds = [DURATION_RANGES[name] for name in options.durations]
    clips: list[ClipCandidate] = []
    for clip in answer.clips:
        first, last = clip.first_sentence, clip.last_sentence
        if not 0 <= first <= last < len(sentences):
            continue
        if is_dangling_start(words[sentences[first].first]):
            continue
        start, end = cut_points(words, sentences[first].first, sentences[last].last)
        if not any(lo <= end - start <= hi for lo, hi in bounds):
            continue
        if any(start < c.end and c.start < end for c in clips):
            continue
        layout = "focus" if clip.layout == "talking_head" else "stack"
        clips.append(
            ClipCandidate(
                start=round(start, 3),
                end=round(end, 3),
                score=clip.score,
                reasons=(clip.reason,),
                layout=layout,
                title=shorten(clip.title, 70),
                summary=shorten(clip.summary, 300),
                tags=tuple(t.strip().lower() for t in clip.tags[:5] if t.strip()),
            )
        )
        if len(clips) == options.max_clips:
            break
    return clips


def _filled(clips: list[ClipCandidate], local: ShortPlan, count: int) -> tuple[ClipCandidate, ...]:
    """The LLM's clips, then the best local ones that overlap none of them, best first."""
    merged = list(clips)
    for extra in local.clips:
        if len(merged) >= count:
            break
        if all(extra.end <= c.start or extra.start >= c.end for c in merged):
            merged.append(extra)
    return tuple(sorted(merged, key=lambda c: -c.score))
