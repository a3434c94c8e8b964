"""An optional LLM writer through any OpenAI-compatible ``/chat/completions`` API.

Off unless ``CUTUPS_COMMENTARY_LLM_URL`` is set. The model gets the play's facts and the
template line, and is asked for one line of about as many words. Its answer is only used when
:func:`~cutups.commentary.checker.check_line` finds nothing it invented, and when it is no
longer than the time allows; otherwise the template line stands (:class:`LlmWriter` says why).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import httpx

from cutups.commentary.checker import check_line
from cutups.commentary.facts import PlayContext
from cutups.commentary.writer import estimate_seconds
from cutups.errors import ExternalServiceError
from cutups.settings import Settings

__all__ = ["ChatClient", "LlmLine", "LlmWriter"]

_SYSTEM = (
    "You are a college football play-by-play announcer. Write ONE short spoken line about the "
    "play described in the JSON facts. Use only names and numbers that appear in the facts; "
    "never add a score, a player, a yardage or an event that the facts do not state. "
    "Answer with the line only, no quotes."
)


class ChatClient:
    """A minimal OpenAI-compatible chat client: one prompt in, one text out."""

    def __init__(self, base_url: str, *, model: str, api_key: str | None, timeout: float) -> None:
        self._url = f"{base_url.rstrip('/')}/chat/completions"
        self._model = model
        headers = {"authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(headers=headers, timeout=timeout)

    @classmethod
    def from_settings(cls, settings: Settings) -> ChatClient | None:
        """The configured client, or None when no LLM is configured (the default)."""
        if not settings.commentary_llm_url:
            return None
        return cls(
            settings.commentary_llm_url,
            model=settings.commentary_llm_model,
            api_key=settings.commentary_llm_api_key,
            timeout=settings.commentary_llm_timeout,
        )

    def complete(self, system: str, user: str, *, max_tokens: int = 80) -> str:
        """The model's answer to one prompt.

        Raises:
            ExternalServiceError: no answer, an error status, or an answer without text.
        """
        body = {
            "model": self._model,
            "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}],
            "max_tokens": max_tokens,
            "temperature": 0.7,
        }
        try:
            answer = self._client.post(self._url, json=body)
        except httpx.HTTPError as exc:
            raise ExternalServiceError(f"LLM did not answer: {exc}", service="llm") from None
        if answer.status_code != 200:
            raise ExternalServiceError(
                f"LLM answered {answer.status_code}", service="llm", status=answer.status_code
            )
        try:
            text = answer.json()["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError):
            raise ExternalServiceError("LLM answer has no message content", service="llm") from None
        if not isinstance(text, str) or not text.strip():
            raise ExternalServiceError("LLM answered an empty line", service="llm")
        return text.strip().strip('"').strip()

    def close(self) -> None:
        self._client.close()


@dataclass(frozen=True, slots=True)
class LlmLine:
    """What the writer settled on: the text, whether it is the model's, and if not, why."""

    text: str
    from_llm: bool
    rejected: str = ""


class LlmWriter:
    """Asks the model for each line; keeps the template line when the model's is not
    grounded or too long to say in ``budget`` seconds."""

    def __init__(self, client: ChatClient) -> None:
        self.client = client

    def write(self, play: PlayContext, template: str, budget: float) -> LlmLine:
        facts = {k: v for k, v in play.facts.to_dict().items() if k != "row_id"}
        if play.play_seconds is not None:
            facts["play_seconds"] = play.play_seconds
        prompt = (
            f"Facts: {json.dumps(facts)}\n"
            f"Example line: {template}\n"
            f"Write at most {len(template.split())} words."
        )
        try:
            text = self.client.complete(_SYSTEM, prompt)
        except ExternalServiceError as exc:
            return LlmLine(template, False, exc.message)
        violations = check_line(text, play)
        if violations:
            return LlmLine(template, False, "; ".join(v.line() for v in violations))
        if estimate_seconds(text) > budget:
            return LlmLine(template, False, "too long to say before the next play")
        return LlmLine(text, True)
