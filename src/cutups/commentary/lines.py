"""The text stage's decision for one play: the template line, or the LLM's when it is sound.

Every line that leaves here has passed :func:`~cutups.commentary.checker.check_line`; a template
line that would not (a bug) is dropped rather than spoken.
"""

from __future__ import annotations

from dataclasses import dataclass

from cutups.commentary.checker import check_line
from cutups.commentary.facts import PlayContext
from cutups.commentary.llm import LlmWriter
from cutups.commentary.writer import LineDraft, draft_line, fit_line

__all__ = ["LineWriter", "WrittenLine"]


@dataclass(frozen=True, slots=True)
class WrittenLine:
    """One play's line: the chosen text, the shorter versions to fall back on, and notes."""

    text: str | None
    """None: nothing sound fits."""
    shorter: tuple[str, ...]
    """Template versions shorter than ``text``, for when the voiced line runs too long."""
    writer: str
    """``template`` or ``llm``."""
    note: str = ""
    """Why the LLM's line was not used, or why there is no line."""


class LineWriter:
    """Writes each play's line from its facts (deterministic given ``seed``), asking the LLM
    when one is configured."""

    def __init__(self, *, seed: int, llm: LlmWriter | None = None) -> None:
        self.seed = seed
        self.llm = llm

    def write(self, play: PlayContext, budget: float) -> WrittenLine:
        draft = draft_line(play, seed=self.seed)
        template = fit_line(draft, budget) or draft.variants[-1]
        shorter = _after(draft, template)
        bad = check_line(template, play)
        if bad:
            return WrittenLine(None, (), "template", f"unsound template line: {bad[0].line()}")
        if self.llm is None:
            return WrittenLine(template, shorter, "template")
        written = self.llm.write(play, template, budget)
        if written.from_llm:
            return WrittenLine(written.text, (template, *shorter), "llm")
        return WrittenLine(template, shorter, "template", f"LLM line replaced: {written.rejected}")


def _after(draft: LineDraft, text: str) -> tuple[str, ...]:
    variants = draft.variants
    return variants[variants.index(text) + 1 :] if text in variants else ()
