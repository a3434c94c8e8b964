"""What a shorts timeline carries beyond its clip spans (``Timeline.meta["shorts"]``).

A :class:`~cutups.timeline.ClipPlan` has a play's fields; a short also has a title, summary,
tags, the planner's reasons and a framing (layout and crop path). They travel in the saved
timeline as one typed model, :class:`ShortsMeta`, which the renderer validates back.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from cutups.errors import InputError
from cutups.recipes.base import describe_errors
from cutups.recipes.shorts.framing import Framing
from cutups.recipes.shorts.framing_json import framing_from_json
from cutups.recipes.shorts.options import ShortsOptions
from cutups.recipes.shorts.plan import ClipCandidate, ShortPlan
from cutups.speech.transcript import Transcript
from cutups.timeline import JobWarning, Timeline

__all__ = ["ShortClip", "ShortsMeta", "read_meta", "shorts_warnings"]


class ShortClip(BaseModel):
    """One planned short: its span, why it was picked and how it is framed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    start: float
    end: float
    score: float
    """0-1, from the planner."""
    reasons: tuple[str, ...] = ()
    title: str = ""
    summary: str = ""
    tags: tuple[str, ...] = ()
    asked_layout: Literal["auto", "focus", "stack", "static"] = "auto"
    faces_seen: bool = False
    framing: dict[str, Any]
    """:func:`~cutups.recipes.shorts.framing_json.framing_to_json` of the clip's framing."""

    @property
    def layout(self) -> str:
        """The layout used: ``focus``, ``stack`` or ``static``."""
        return str(self.framing["layout"])

    def framed(self) -> Framing:
        return framing_from_json(self.framing)

    def candidate(self) -> ClipCandidate:
        """The clip as ``plan.json`` lists it."""
        return ClipCandidate(
            start=self.start,
            end=self.end,
            score=self.score,
            reasons=self.reasons,
            layout=self.framing["layout"],
            title=self.title,
            summary=self.summary,
            tags=self.tags,
        )


class ShortsMeta(BaseModel):
    """The options the timeline was planned with, how, and every clip."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    options: ShortsOptions
    """The recipe's options (``ShortsOptions``) with the caption style resolved."""
    planner: Literal["local", "llm"] = "local"
    notes: tuple[str, ...] = ()
    language: str | None = None
    transcript_cached: bool = False
    faces_cached: int = 0
    clips: tuple[ShortClip, ...] = ()

    def plan_file(self) -> ShortPlan:
        """``plan.json``: the chosen clips with their resolved layouts."""
        return ShortPlan(
            planner=self.planner,
            notes=self.notes,
            clips=tuple(c.candidate() for c in self.clips),
        )


def read_meta(timeline: Timeline) -> ShortsMeta:
    """The shorts part of a saved timeline.

    Raises:
        InputError: the timeline is not a shorts plan (or from an incompatible version).
    """
    try:
        return ShortsMeta.model_validate(timeline.meta["shorts"])
    except KeyError:
        raise InputError("the timeline has no shorts plan") from None
    except ValidationError as exc:
        raise InputError(f"the saved shorts plan is not readable: {describe_errors(exc)}") from None


def shorts_warnings(transcript: Transcript, clips: Sequence[ShortClip]) -> tuple[JobWarning, ...]:
    """What made the result worse than it could be, each with what it costs."""
    warnings = []
    if "no_speech" in transcript.warnings or not transcript.words:
        warnings.append(
            JobWarning(
                "no_speech",
                "no speech was recognised in the audio (silence, music or noise)",
                "shorts are cut on sentences, so no clip could be made",
            )
        )
    if "other_language" in transcript.warnings:
        warnings.append(
            JobWarning(
                "other_language",
                f"the speech is in another language ({transcript.language})",
                "captions and clip choice are less reliable; set CUTUPS_SPEECH_LANGUAGE to "
                "transcribe it as that language",
            )
        )
    faceless = [c.id for c in clips if not c.faces_seen]
    if faceless:
        warnings.append(
            JobWarning(
                "no_face",
                f"no face was found in {len(faceless)} of {len(clips)} clips "
                f"({', '.join(faceless)})",
                "those clips use the static layout (the whole frame over a blurred fill) "
                "instead of following the speaker",
            )
        )
    if not clips and transcript.words:
        warnings.append(
            JobWarning(
                "no_clips",
                "no run of whole sentences fits the requested durations",
                "the job produced no clips; try longer or shorter duration ranges",
            )
        )
    return tuple(warnings)
