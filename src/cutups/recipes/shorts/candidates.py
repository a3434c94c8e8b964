"""Clip candidates: runs of whole sentences whose length fits a requested duration range.

A candidate starts at a sentence start whose first word does not lean on what came before
("and", "so", "but", ...) and ends after a sentence's last word. Its cut points sit in the
silence around those words, never inside a word: a little lead-in before the first word and a
little tail after the last, each limited to the gap to the neighbouring word.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from cutups.recipes.shorts.sentences import Sentence, is_dangling_start
from cutups.speech.transcript import Word

__all__ = ["DURATION_RANGES", "DurationName", "Span", "candidate_spans", "cut_points"]

DurationName = Literal["short", "medium", "long"]

DURATION_RANGES: dict[DurationName, tuple[float, float]] = {
    "short": (15.0, 30.0),
    "medium": (30.0, 60.0),
    "long": (60.0, 120.0),
}
"""Seconds per duration range, as the seed's client offers them (15-30 s, 30-60 s, 1-2 min)."""

LEAD = 0.15
"""Seconds of silence kept before the first word, at most (breath, not the previous word)."""
TAIL = 0.35
"""Seconds kept after the last word, at most: a word's decay must not be clipped."""


@dataclass(frozen=True, slots=True)
class Span:
    """Sentences ``first`` to ``last`` (inclusive) and where to cut them."""

    first: int
    last: int
    start: float
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start


def cut_points(words: Sequence[Word], first: int, last: int) -> tuple[float, float]:
    """Start and end seconds for words ``first``..``last``: in the gaps around them, so that no
    other word is entered and none of these is cut."""
    head, tail = words[first], words[last]
    before = words[first - 1].end if first > 0 else 0.0
    after = words[last + 1].start if last + 1 < len(words) else tail.end + TAIL
    start = min(head.start, max(head.start - LEAD, before))
    end = max(tail.end, min(tail.end + TAIL, after))
    return start, end


def candidate_spans(
    words: Sequence[Word], sentences: Sequence[Sentence], ranges: Iterable[DurationName]
) -> list[Span]:
    """Every run of whole sentences fitting one of ``ranges`` that starts cleanly (pure)."""
    bounds = [DURATION_RANGES[name] for name in ranges]
    if not bounds or not sentences:
        return []
    longest = max(hi for _, hi in bounds)
    spans: list[Span] = []
    for i, opening in enumerate(sentences):
        if is_dangling_start(words[opening.first]):
            continue
        for j in range(i, len(sentences)):
            start, end = cut_points(words, opening.first, sentences[j].last)
            if end - start > longest:
                break
            if any(lo <= end - start <= hi for lo, hi in bounds):
                spans.append(Span(i, j, start, end))
    return spans
