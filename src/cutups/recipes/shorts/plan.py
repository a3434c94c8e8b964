"""The shorts plan: which stretches of a talk become clips, and why (``plan.json``).

:func:`plan_shorts` is the local planner, a pure function: timed words (and optionally the
talk's loudness per tick) in, a :class:`ShortPlan` out. It splits the words into sentences, lists
every run of whole sentences that fits a requested duration range and starts cleanly, scores each
(:mod:`~cutups.recipes.shorts.scoring`) and keeps the best ones that do not overlap.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field, field_validator

from cutups.jsonfiles import read_model, write_model
from cutups.recipes.shorts.candidates import DurationName, Span, candidate_spans
from cutups.recipes.shorts.metadata import clip_tags, clip_title, summarise
from cutups.recipes.shorts.scoring import Scored, TalkContext, score_span, talk_context
from cutups.recipes.shorts.sentences import split_sentences
from cutups.speech.transcript import Word

__all__ = [
    "PLAN_VERSION",
    "ClipCandidate",
    "Layout",
    "PlanOptions",
    "ShortPlan",
    "plan_shorts",
    "select_spans",
]

PLAN_VERSION = 1

Layout = Literal["auto", "focus", "stack", "static"]
"""How the 9:16 frame is filled; ``auto`` leaves it to the camera stage (faces, screen share)."""


class PlanOptions(BaseModel):
    """What the user asked for."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_clips: int = Field(5, ge=1, le=50)
    durations: tuple[DurationName, ...] = ("short", "medium")
    keywords: tuple[str, ...] = ()
    """Words the user cares about: clips that say them score higher."""

    @field_validator("durations")
    @classmethod
    def _some_duration(cls, value: tuple[DurationName, ...]) -> tuple[DurationName, ...]:
        if not value:
            raise ValueError("at least one duration range (short, medium, long)")
        return tuple(dict.fromkeys(value))


class ClipCandidate(BaseModel):
    """One planned clip. Times are seconds on the source's video timeline."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    start: float = Field(ge=0)
    end: float = Field(gt=0)
    score: float = Field(ge=0, le=1)
    reasons: tuple[str, ...] = ()
    layout: Layout = "auto"
    title: str = ""
    summary: str = ""
    tags: tuple[str, ...] = ()

    @property
    def duration(self) -> float:
        return self.end - self.start


class ShortPlan(BaseModel):
    """Every planned clip, best first, and which planner made them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: int = PLAN_VERSION
    planner: Literal["local", "llm"] = "local"
    clips: tuple[ClipCandidate, ...] = ()
    notes: tuple[str, ...] = ()
    """What the user should know about how the plan was made (an LLM planner that failed)."""

    def ending_by(self, media_end: float) -> ShortPlan:
        """The plan with no clip past ``media_end``: the tail kept after a talk's last word
        must not run past the end of its audio (the clip's audio would be short of its video)."""
        clips = tuple(
            clip.model_copy(update={"end": min(clip.end, media_end)})
            for clip in self.clips
            if clip.start < media_end
        )
        return self.model_copy(update={"clips": clips})

    def write(self, path: Path) -> None:
        """Save as JSON (``plan.json``)."""
        write_model(self, path)

    @classmethod
    def read(cls, path: Path) -> ShortPlan:
        """Load a saved shorts plan (InputError when missing, unreadable or not one)."""
        return read_model(cls, path, "shorts plan")


def select_spans(scored: Sequence[Scored], count: int) -> list[Scored]:
    """The best ``count`` candidates that do not overlap, best first (greedy; pure)."""
    chosen: list[Scored] = []
    for item in sorted(scored, key=lambda s: (-s.score, s.span.start, s.span.end)):
        if all(item.span.end <= c.span.start or item.span.start >= c.span.end for c in chosen):
            chosen.append(item)
            if len(chosen) == count:
                break
    return chosen


def plan_shorts(
    words: Sequence[Word],
    options: PlanOptions,
    *,
    loudness: NDArray[np.float32] | None = None,
    tick_rate: float = 10.0,
) -> ShortPlan:
    """Plan clips from a talk's timed words (pure).

    Arguments:
        words: the transcript's words in time order.
        options: how many clips, which duration ranges, extra keywords.
        loudness: dB per tick on the video timeline (:func:`cutups.speech.loudness.loudness_db`);
            None scores without energy and audience reactions.
        tick_rate: ticks per second of ``loudness``.

    Returns:
        Up to ``max_clips`` non-overlapping clips, best first; none when no run of whole
        sentences fits the ranges (a talk too short, or no speech).
    """
    sentences = split_sentences(words)
    spans = candidate_spans(words, sentences, options.durations)
    ctx = talk_context(words, sentences, loudness, tick_rate, options.keywords)
    best = select_spans([score_span(ctx, span) for span in spans], options.max_clips)
    return ShortPlan(planner="local", clips=tuple(_candidate(ctx, item) for item in best))


def _candidate(ctx: TalkContext, item: Scored) -> ClipCandidate:
    span: Span = item.span
    chosen = ctx.sentences[span.first : span.last + 1]
    said = [w.text for w in ctx.words[chosen[0].first : chosen[-1].last + 1]]
    return ClipCandidate(
        start=round(span.start, 3),
        end=round(span.end, 3),
        score=item.score,
        reasons=item.reasons,
        title=clip_title(chosen),
        summary=summarise(chosen, item.reasons),
        tags=tuple(clip_tags(said, ctx.keywords)),
    )
