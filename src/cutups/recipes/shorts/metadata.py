"""A clip's title, summary and tags, from its own words (no model)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from cutups.recipes.shorts import lexicon
from cutups.recipes.shorts.sentences import Sentence, normalise

__all__ = ["clip_tags", "clip_title", "shorten", "summarise"]

TITLE_CHARS = 70
SUMMARY_CHARS = 220


def shorten(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with "…" if cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:-—")
    return cut + "…"


def clip_title(sentences: Sequence[Sentence]) -> str:
    """The clip's opening line (its hook), joined with the next when it is only a few words."""
    text = sentences[0].text
    if len(text.split()) < 4 and len(sentences) > 1:
        text = f"{text} {sentences[1].text}"
    return shorten(text.rstrip(".,;:"), TITLE_CHARS)


def summarise(sentences: Sequence[Sentence], reasons: Sequence[str]) -> str:
    """What the clip says (its first sentences) and, briefly, why it was picked."""
    said = shorten(" ".join(s.text for s in sentences[:3]), SUMMARY_CHARS)
    why = "; ".join(reasons[:2])
    return f"{said} ({why})" if why else said


def clip_tags(words: Sequence[str], keywords: Mapping[str, float], count: int = 5) -> list[str]:
    """The clip's most frequent content words, the talk's keywords first."""
    counts = Counter(
        n for n in (normalise(w) for w in words) if len(n) >= 4 and n not in lexicon.STOPWORDS
    )
    ranked = sorted(counts, key=lambda n: (-(counts[n] + 2 * keywords.get(n, 0.0)), n))
    return ranked[:count]
