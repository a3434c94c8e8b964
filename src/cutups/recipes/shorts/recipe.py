"""The ``shorts`` recipe: a long talk, interview or podcast into captioned 9:16 clips.

* :meth:`ShortsRecipe.analyse`: transcribe (cached by content + transcriber + version), plan the
  clips on sentence boundaries (local planner, or the LLM one when ``CUTUPS_PLANNER_URL`` is
  set), then detect faces on the planned spans only (cached per span). Writes
  ``transcript.json`` into the output folder.
* :meth:`ShortsRecipe.plan`: pure: the active speaker and the framing of each clip, as a
  :class:`~cutups.timeline.Timeline` whose ``meta["shorts"]`` carries what the renderer needs
  beyond a :class:`~cutups.timeline.ClipPlan` (:class:`ShortsMeta`: title, summary, tags,
  reasons, layout and crop path per clip; caption settings).
* :meth:`ShortsRecipe.render`: one ffmpeg run per clip (:mod:`.render`), ``plan.json``,
  ``manifest.json`` (the seed's clip fields), ``report.html`` and ``job.zip``.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from cutups.analysis.cache import fingerprint
from cutups.analysis.face_types import FaceAnalysis
from cutups.analysis.faces import detect_faces
from cutups.analysis.speaker import active_speaker
from cutups.analysis.voice import voice_activity_from_words
from cutups.errors import CanceledError, NoAudioStreamError
from cutups.output.captions import CaptionStyle
from cutups.output.render import RenderResult
from cutups.recipes.base import Recipe, RecipeInputs, RunContext
from cutups.recipes.shorts.cache import FaceCache, TranscriptCache, faces_key, transcript_key
from cutups.recipes.shorts.framing_json import framing_to_json
from cutups.recipes.shorts.layouts import frame_clip
from cutups.recipes.shorts.llm import LlmPlanner
from cutups.recipes.shorts.meta import ShortClip, ShortsMeta, shorts_warnings
from cutups.recipes.shorts.options import ShortsOptions
from cutups.recipes.shorts.plan import ClipCandidate, Layout, ShortPlan, plan_shorts
from cutups.settings import Settings
from cutups.speech.loudness import loudness_db
from cutups.speech.run import transcribe_source
from cutups.speech.transcript import Transcript, Word
from cutups.timeline import ClipPlan, Timeline

__all__ = ["ShortsAnalysis", "ShortsOptions", "ShortsRecipe"]

TRANSCRIPT_FILE = "transcript.json"
FACE_RATE = 5.0
FACE_HEIGHT = 360
TICK_RATE = 10.0


@dataclass(frozen=True, slots=True)
class ShortsAnalysis:
    """What the media said: the transcript, the planned clips and each clip's faces."""

    transcript: Transcript
    loudness: NDArray[np.float32]
    plan: ShortPlan
    faces: tuple[FaceAnalysis, ...]
    """One per clip of ``plan``, in order."""
    style: CaptionStyle
    transcript_cached: bool
    faces_cached: int
    """How many clips' faces came from the cache."""


class ShortsRecipe(Recipe[ShortsOptions, ShortsAnalysis]):
    """Captioned 9:16 clips of a talk's best moments, cut on sentence boundaries."""

    name = "shorts"
    title = "a talk, interview or podcast into captioned 9:16 clips, never cut mid-word"
    options_model = ShortsOptions

    def check(self, options: ShortsOptions, *, has_pbp: bool, settings: Settings) -> None:
        options.style()  # a bad caption style file fails before any work

    def analyse(
        self, inputs: RecipeInputs, options: ShortsOptions, ctx: RunContext
    ) -> ShortsAnalysis:
        if not inputs.info.has_audio:
            raise NoAudioStreamError(
                f"{inputs.source.name} has no audio track: the shorts recipe cuts on speech"
            )
        content = fingerprint(inputs.source)
        transcript, loudness, cached = _transcript(inputs, ctx, content)
        ctx.out_dir.mkdir(parents=True, exist_ok=True)
        transcript.write(ctx.out_dir / TRANSCRIPT_FILE)
        ctx.progress("analysing", 0.6, "planning clips on sentence boundaries")
        plan = _plan(transcript, loudness, options, ctx.settings).ending_by(_media_end(inputs))
        faces, hits = _faces(inputs, ctx, content, [(c.start, c.end) for c in plan.clips])
        return ShortsAnalysis(transcript, loudness, plan, faces, options.style(), cached, hits)

    def plan(
        self,
        analysis: ShortsAnalysis,
        inputs: RecipeInputs,
        options: ShortsOptions,
        settings: Settings,
    ) -> Timeline:
        fps = float(inputs.info.video.frame_rate)
        words = analysis.transcript.words
        clips = tuple(
            _short_clip(f"short-{n:02d}", candidate, faces, words, fps, options.layout)
            for n, (candidate, faces) in enumerate(
                zip(analysis.plan.clips, analysis.faces, strict=True), 1
            )
        )
        meta = ShortsMeta(
            options=options.model_copy(
                update={"caption_style": analysis.style, "caption_style_file": None}
            ),
            planner=analysis.plan.planner,
            notes=analysis.plan.notes,
            language=analysis.transcript.language,
            transcript_cached=analysis.transcript_cached,
            faces_cached=analysis.faces_cached,
            clips=clips,
        )
        return Timeline(
            recipe=self.name,
            source=str(inputs.source),
            duration=inputs.info.duration,
            clips=tuple(_clip_plan(c) for c in clips),
            meta={"shorts": meta.model_dump(mode="json")},
            warnings=shorts_warnings(analysis.transcript, clips),
        )

    def render(self, timeline: Timeline, inputs: RecipeInputs, ctx: RunContext) -> RenderResult:
        from cutups.recipes.shorts.package import render_shorts

        return render_shorts(timeline, inputs, ctx)


def _transcript(
    inputs: RecipeInputs, ctx: RunContext, content: str
) -> tuple[Transcript, NDArray[np.float32], bool]:
    """The source's transcript and loudness per tick, from the cache when there."""
    settings = ctx.settings
    cache = TranscriptCache(settings.cache_dir / "transcripts")
    key = transcript_key(content, settings)
    found = cache.load(key)
    if found is not None:
        ctx.progress("analysing", 0.5, "transcript from the cache")
        return found[0], found[1], True
    ctx.progress("analysing", 0.0, "transcribing")
    with tempfile.TemporaryDirectory(prefix="cutups-speech-") as work:
        transcript, audio = transcribe_source(
            inputs.source,
            Path(work),
            settings,
            progress=lambda f: ctx.progress("analysing", 0.5 * f, "transcribing"),
            cancel=ctx.cancel,
            registry=ctx.registry,
        )
        loudness = loudness_db(audio.samples(), audio.rate, audio.offset, TICK_RATE)
    cache.save(key, transcript, loudness)
    return transcript, loudness, False


def _media_end(inputs: RecipeInputs) -> float:
    """Where audio and video are both still there (the audio header's duration, when known)."""
    info = inputs.info
    audio = info.audio.duration if info.audio is not None else 0.0
    return min(info.duration, audio) if audio > 0 else info.duration


def _plan(
    transcript: Transcript, loudness: NDArray[np.float32], options: ShortsOptions, s: Settings
) -> ShortPlan:
    words, plan_options = transcript.words, options.plan_options()
    if not s.planner_url:
        return plan_shorts(words, plan_options, loudness=loudness, tick_rate=TICK_RATE)
    with LlmPlanner(s.planner_url, s.planner_api_key, s.planner_model) as planner:
        return planner.plan(words, plan_options, loudness=loudness, tick_rate=TICK_RATE)


def _faces(
    inputs: RecipeInputs, ctx: RunContext, content: str, spans: Sequence[tuple[float, float]]
) -> tuple[tuple[FaceAnalysis, ...], int]:
    """Faces of every span, each from the cache or detected (one seek and decode per span)."""
    cache = FaceCache(ctx.settings.cache_dir / "shorts-faces")
    found, hits = [], 0
    for n, span in enumerate(spans):
        _check_cancel(ctx)
        ctx.progress("analysing", 0.6 + 0.4 * n / len(spans), f"faces in clip {n + 1}")
        key = faces_key(content, span, FACE_RATE, FACE_HEIGHT)
        faces = cache.load(key)
        if faces is None:
            faces = detect_faces(inputs.source, *span, rate=FACE_RATE, analysis_height=FACE_HEIGHT)
            cache.save(key, faces)
        else:
            hits += 1
        found.append(faces)
    return tuple(found), hits


def _check_cancel(ctx: RunContext) -> None:
    if ctx.cancel is not None and ctx.cancel.is_set():
        raise CanceledError("canceled while looking for faces")


def _short_clip(
    clip_id: str,
    candidate: ClipCandidate,
    faces: FaceAnalysis,
    words: Sequence[Word],
    fps: float,
    layout: Layout,
) -> ShortClip:
    """One clip's framing (pure): the speaker from mouths against the words' times."""
    spoken = [(w.start, w.end) for w in words]
    speech = voice_activity_from_words(spoken, faces.times)
    chosen = candidate.layout if layout == "auto" else layout
    framing = frame_clip(faces, active_speaker(faces, speech), fps, chosen)
    return ShortClip(
        id=clip_id,
        start=candidate.start,
        end=candidate.end,
        score=candidate.score,
        reasons=candidate.reasons,
        title=candidate.title,
        summary=candidate.summary,
        tags=candidate.tags,
        asked_layout=chosen,
        faces_seen=bool(faces.tracks),
        framing=framing_to_json(framing),
    )


def _clip_plan(clip: ShortClip) -> ClipPlan:
    return ClipPlan(
        id=clip.id,
        start=clip.start,
        end=clip.end,
        snap=clip.start,
        end_of_play=clip.end,
        bucket=clip.layout,
        score=round(clip.score * 100, 1),
        evidence=clip.reasons,
    )
