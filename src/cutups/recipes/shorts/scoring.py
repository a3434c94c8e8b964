"""How good a candidate is as a short, from its words and the talk's loudness, with reasons.

Each feature gives a value in [0, 1] and, when it counts, a reason a person can check ("asks 2
questions", "louder than the rest of the talk (+3.1 dB)"). The score is their weighted mean. These
are heuristics, not a model of virality: the weights say what we favour (a hook in the first three
seconds most of all) and every reason is shown with the clip.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from cutups.recipes.shorts import lexicon
from cutups.recipes.shorts.candidates import Span
from cutups.recipes.shorts.sentences import Sentence, normalise
from cutups.speech.transcript import Word

__all__ = ["HOOK_SECONDS", "Scored", "TalkContext", "score_span", "talk_context"]

HOOK_SECONDS = 3.0

Feature = tuple[float, str | None]


@dataclass(frozen=True, slots=True)
class TalkContext:
    """What scoring needs to know about the whole talk, computed once."""

    words: Sequence[Word]
    norms: tuple[str, ...]
    """Each word normalised (see :func:`normalise`)."""
    sentences: Sequence[Sentence]
    keywords: dict[str, float]
    """The talk's recurring content words, weighted 0..1 by frequency; user keywords are 1."""
    loudness: NDArray[np.float32] | None
    tick_rate: float
    speech_mask: NDArray[np.bool_]
    """Per tick: some word is being spoken."""
    speech_db: float
    """Median loudness of the ticks with speech."""


@dataclass(frozen=True, slots=True)
class Scored:
    span: Span
    score: float
    reasons: tuple[str, ...]


def talk_context(
    words: Sequence[Word],
    sentences: Sequence[Sentence],
    loudness: NDArray[np.float32] | None,
    tick_rate: float,
    user_keywords: Sequence[str] = (),
) -> TalkContext:
    norms = tuple(normalise(w.text) for w in words)
    counts = Counter(n for n in norms if len(n) >= 4 and n not in lexicon.STOPWORDS)
    top = counts.most_common(30)
    peak = top[0][1] if top else 1
    keywords = {word: count / peak for word, count in top if count >= 2}
    keywords.update({normalise(k): 1.0 for k in user_keywords if normalise(k)})
    ticks = len(loudness) if loudness is not None else 0
    mask = np.zeros(ticks, bool)
    for w in words:
        mask[int(w.start * tick_rate) : int(np.ceil(w.end * tick_rate))] = True
    speech_db = float(np.median(loudness[mask])) if loudness is not None and mask.any() else 0.0
    return TalkContext(words, norms, sentences, keywords, loudness, tick_rate, mask, speech_db)


def _hook(ctx: TalkContext, lo: int, hi: int) -> Feature:
    limit = ctx.words[lo].start + HOOK_SECONDS
    opening = [i for i in range(lo, hi + 1) if ctx.words[i].start < limit]
    text = " ".join(ctx.words[i].text for i in opening)
    said = " ".join(ctx.norms[i] for i in opening)
    question = "?" in text
    opener = any(said.startswith(p) or f" {p} " in f" {said} " for p in lexicon.HOOK_OPENERS)
    number = any(n.isdigit() or n in lexicon.NUMBER_WORDS for n in said.split())
    addressed = "you" in said.split() or "your" in said.split()
    value = min(1.0, 0.5 * question + 0.5 * opener + 0.3 * number + 0.2 * addressed)
    return value, f'hook in the first 3 s: "{text}"' if value >= 0.5 else None


def _pace(ctx: TalkContext, lo: int, hi: int, span: Span) -> Feature:
    rate = (hi - lo + 1) / max(span.duration, 1e-6)
    value = max(0.0, 1.0 - abs(rate - 3.0) / 1.5)
    return value, f"lively pace ({rate:.1f} words/s)" if value >= 0.6 else None


def _ticks(ctx: TalkContext, start: float, end: float) -> slice:
    return slice(int(start * ctx.tick_rate), int(np.ceil(end * ctx.tick_rate)))


def _energy(ctx: TalkContext, span: Span) -> Feature:
    if ctx.loudness is None:
        return 0.0, None
    window = _ticks(ctx, span.start, span.end)
    levels = ctx.loudness[window][ctx.speech_mask[window]]
    if levels.size == 0:
        return 0.0, None
    delta = float(np.mean(levels)) - ctx.speech_db
    value = float(np.clip((delta + 1.0) / 5.0, 0.0, 1.0))
    return value, f"louder than the rest of the talk (+{delta:.1f} dB)" if delta >= 1.5 else None


def _reaction(ctx: TalkContext, lo: int, hi: int, span: Span) -> Feature:
    marked = any(n in lexicon.REACTION_MARKERS for n in ctx.norms[lo : hi + 1])
    longest = 0.0
    if ctx.loudness is not None:
        window = _ticks(ctx, span.start, span.end + 2.0)  # reactions follow the line
        loud = (ctx.loudness[window] >= ctx.speech_db - 6.0) & ~ctx.speech_mask[window]
        longest = _longest_run(loud) / ctx.tick_rate
    if longest < 0.8 and not marked:
        return 0.0, None
    value = 1.0 if marked else min(1.0, longest / 2.5)
    detail = "marked in the transcript" if marked else f"{longest:.1f} s of loud non-speech"
    return value, f"laughter or applause ({detail})"


def _longest_run(flags: NDArray[np.bool_]) -> int:
    if not flags.any():
        return 0
    padded = np.concatenate([[0], flags.astype(np.int8), [0]])
    edges = np.flatnonzero(np.diff(padded))
    return int((edges[1::2] - edges[::2]).max())


def _questions(ctx: TalkContext, first: int, last: int) -> Feature:
    asked = sum(1 for s in ctx.sentences[first : last + 1] if s.terminal == "?")
    reason = f"asks {asked} question{'s' if asked > 1 else ''}" if asked else None
    return min(1.0, asked / 2), reason


def _list(ctx: TalkContext, lo: int, hi: int) -> Feature:
    norms = ctx.norms[lo : hi + 1]
    markers = sorted({n for n in norms if n in lexicon.LIST_MARKERS}, key=norms.index)
    announced = any(
        (a.isdigit() or a in lexicon.NUMBER_WORDS) and b in lexicon.LIST_NOUNS
        for a, b in itertools.pairwise(norms)
    )
    value = 1.0 if announced else min(1.0, len(markers) / 3)
    if value < 0.6:
        return value, None
    return value, "a list" + (f" ({', '.join(markers)})" if markers else "")


def _emphasis(ctx: TalkContext, lo: int, hi: int) -> Feature:
    found = sorted({n for n in ctx.norms[lo : hi + 1] if n in lexicon.EMPHASIS})
    exclaimed = any(w.text.endswith("!") for w in ctx.words[lo : hi + 1])
    value = min(1.0, len(found) / 3 + 0.3 * exclaimed)
    shown = ", ".join(f'"{w}"' for w in found[:4]) or "exclamations"
    return value, f"emphasis: {shown}" if value >= 0.5 else None


def _keywords(ctx: TalkContext, lo: int, hi: int) -> Feature:
    present = {n for n in ctx.norms[lo : hi + 1] if n in ctx.keywords}
    ranked = sorted(present, key=lambda n: (-ctx.keywords[n], n))
    value = min(1.0, sum(ctx.keywords[n] for n in present) / 2.0)
    return value, f"keywords: {', '.join(ranked[:4])}" if value >= 0.4 else None


def _complete(ctx: TalkContext, last: int) -> Feature:
    return (1.0 if ctx.sentences[last].terminal else 0.5), None


_WEIGHTS: dict[str, float] = {
    "hook": 3.0,
    "keywords": 1.5,
    "emphasis": 1.5,
    "questions": 1.2,
    "list": 1.2,
    "reaction": 1.2,
    "energy": 1.2,
    "pace": 1.0,
    "complete": 0.6,
}


def score_span(ctx: TalkContext, span: Span) -> Scored:
    """Score one candidate; reasons in order of weight (pure)."""
    lo, hi = ctx.sentences[span.first].first, ctx.sentences[span.last].last
    features: dict[str, Callable[[], Feature]] = {
        "hook": lambda: _hook(ctx, lo, hi),
        "keywords": lambda: _keywords(ctx, lo, hi),
        "emphasis": lambda: _emphasis(ctx, lo, hi),
        "questions": lambda: _questions(ctx, span.first, span.last),
        "list": lambda: _list(ctx, lo, hi),
        "reaction": lambda: _reaction(ctx, lo, hi, span),
        "energy": lambda: _energy(ctx, span),
        "pace": lambda: _pace(ctx, lo, hi, span),
        "complete": lambda: _complete(ctx, span.last),
    }
    total, reasons = 0.0, []
    for name, feature in features.items():
        value, reason = feature()
        total += _WEIGHTS[name] * value
        if reason:
            reasons.append(reason)
    score = round(total / sum(_WEIGHTS.values()), 3)
    return Scored(span, score, tuple(reasons))
