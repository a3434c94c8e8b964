"""Sentences from timed words: where a complete thought starts and ends.

A sentence ends after a word with terminal punctuation (``.``, ``?``, ``!``, also before a closing
quote or bracket), or before a long pause, or before a shorter pause followed by a capitalised
word (recognisers sometimes write a comma where the speaker plainly stopped). Common
abbreviations ("Mr.", "U.S.") do not end a sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from cutups.speech.transcript import Word

__all__ = ["DANGLING_STARTS", "Sentence", "is_dangling_start", "normalise", "split_sentences"]

PAUSE = 0.6
"""Seconds of silence that end a sentence when the next word is capitalised."""
LONG_PAUSE = 1.5
"""Seconds of silence that end a sentence whatever follows."""

_TERMINAL = re.compile(r"[.?!…][\"'”’)\]]*$")
_ABBREVIATIONS = frozenset(
    {"mr.", "mrs.", "ms.", "dr.", "st.", "vs.", "etc.", "e.g.", "i.e.", "u.s."}
)
_NOT_A_START = frozenset({"i", "i'm", "i've", "i'll", "i'd"})

DANGLING_STARTS = frozenset(
    (
        "and",
        "so",
        "but",
        "or",
        "because",
        "cause",
        "then",
        "also",
        "which",
        "that",
        "plus",
        "yet",
        "nor",
        "um",
        "uh",
        "like",
        "anyway",
        "though",
        "although",
        "whereas",
        "hence",
        "thus",
        "therefore",
    )
)
"""First words that lean on what came before: a clip must not start with one."""


@dataclass(frozen=True, slots=True)
class Sentence:
    """Words ``first`` to ``last`` (inclusive indices into the word list)."""

    first: int
    last: int
    start: float
    end: float
    text: str

    @property
    def terminal(self) -> str:
        """The closing punctuation ("." "?" "!"), or "" for a sentence ended by a pause."""
        match = _TERMINAL.search(self.text)
        return match.group(0)[0] if match else ""


def normalise(text: str) -> str:
    """A word as compared: lower case, without surrounding punctuation."""
    return text.lower().strip(".,;:!?…\"'“”‘’()[]-—")


def is_dangling_start(word: Word) -> bool:
    return normalise(word.text) in DANGLING_STARTS


def _ends_sentence(word: Word, following: Word | None) -> bool:
    text = word.text.strip()
    if _TERMINAL.search(text) and text.lower() not in _ABBREVIATIONS:
        return True
    if following is None:
        return True
    gap = following.start - word.end
    if gap >= LONG_PAUSE:
        return True
    nxt = following.text.lstrip("\"'“‘(")
    capital = nxt[:1].isupper() and normalise(nxt) not in _NOT_A_START
    return gap >= PAUSE and capital


def split_sentences(words: Sequence[Word]) -> tuple[Sentence, ...]:
    """The sentences of ``words``, in order, covering every word once (pure)."""
    sentences: list[Sentence] = []
    first = 0
    for i, word in enumerate(words):
        following = words[i + 1] if i + 1 < len(words) else None
        if _ends_sentence(word, following):
            text = " ".join(w.text for w in words[first : i + 1])
            sentences.append(Sentence(first, i, words[first].start, word.end, text))
            first = i + 1
    return tuple(sentences)
