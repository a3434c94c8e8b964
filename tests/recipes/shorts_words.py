"""Synthetic timed words for planner tests: known sentences at a known pace."""

from __future__ import annotations

from collections.abc import Sequence

from cutups.speech.transcript import Word

__all__ = ["timed_words"]


def timed_words(
    sentences: Sequence[str], *, pace: float = 2.8, gap: float = 0.7, start: float = 0.5
) -> list[Word]:
    """Words of ``sentences`` spoken at ``pace`` words/s, ``gap`` s of silence between
    sentences, 0.05 s between words."""
    words: list[Word] = []
    t = start
    for sentence in sentences:
        for text in sentence.split():
            length = 1.0 / pace - 0.05
            words.append(Word(start=round(t, 3), end=round(t + length, 3), text=text))
            t += 1.0 / pace
        t += gap
    return words
