"""The ``commentary`` recipe: spoken play-by-play over every play, streamed chunk by chunk.

It finds the plays exactly as the ``plays`` recipe does (its analysis and plan are called, not
copied), then streams them through :mod:`cutups.commentary.stream`: a line per play grounded
in its facts, voiced locally, mixed over the play's ducked audio, each chunk announced as it
lands (``RunContext.on_event``, and ``on_clip`` with its manifest entry), an HLS playlist that
grows with them, and a final video joined by stream copy.

Output folder: ``commentary.mp4`` (the reel, a chapter per play), ``chunks/chunk_NNNN.mp4``,
``hls/stream.m3u8`` (+ ``init.mp4``, ``*.m4s``), ``voice/line_NNNN.wav``,
``thumbs/<clip>.jpg``, ``manifest.json`` (each play with its chunks and line), ``report.html``,
``job.zip``.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import Field

from cutups.analysis.runner import cached_analysis
from cutups.commentary.events import ChunkReady, Complete, StreamEvent
from cutups.commentary.lines import LineWriter
from cutups.commentary.llm import ChatClient, LlmWriter
from cutups.commentary.slots import PlaySlot, play_slots, settled_slots
from cutups.commentary.speech import warm_up_piper
from cutups.commentary.stream import (
    FINAL_NAME,
    StreamConfig,
    StreamResult,
    chunks_by_play,
    run_commentary,
)
from cutups.commentary.voices import Voice, make_synth
from cutups.errors import ConfigError
from cutups.media.package import write_zip
from cutups.media.thumbs import keyframe_near, thumbnail
from cutups.output.manifest import build_manifest, clip_entry, write_json_atomic
from cutups.output.render import RenderResult
from cutups.output.report import write_report
from cutups.recipes.base import Recipe, RecipeInputs, RecipeOptions, RunContext
from cutups.recipes.commentary_detect import StreamedPlays
from cutups.recipes.plays_recipe import PlaysAnalysis, PlaysOptions, PlaysRecipe
from cutups.settings import Settings
from cutups.timeline import ClipPlan, Timeline

__all__ = ["STREAMED", "CommentaryOptions", "CommentaryRecipe"]

STREAMED = "streamed"
"""``meta.detection`` of a plan whose plays are found while the commentary is made."""
TIMELINE_FILE = "timeline.json"


class CommentaryOptions(RecipeOptions):
    """How to comment the plays."""

    team: str | None = Field(
        None, max_length=100, description="team whose offense is team_offense",
        json_schema_extra={"metavar": "NAME"},
    )  # fmt: skip
    voice: Voice = Field(
        "piper",
        description="piper (local, espeak-ng as fallback), espeak, or cloud "
        "(CUTUPS_COMMENTARY_TTS_URL)",
    )
    duck_db: float = Field(
        -12.0, ge=-40, le=0, description="how far the game's audio dips under the voice, dB",
        json_schema_extra={"metavar": "DB"},
    )  # fmt: skip
    seed: int = Field(
        0, ge=0, le=2**31, description="varies the phrasing (same seed, same lines)",
        json_schema_extra={"metavar": "N"},
    )  # fmt: skip
    fast_start: bool | None = Field(
        None,
        description="the first play's first seconds as a chunk of their own, so the stream "
        "starts sooner (that play then comes in several chunks); false: every play in one "
        "chunk (default: CUTUPS_COMMENTARY_FAST_START, on)",
    )

    def plays_options(self) -> PlaysOptions:
        return PlaysOptions(team=self.team)

    def chosen_fast_start(self, settings: Settings) -> bool:
        """``fast_start``, or the server's setting when it is unset."""
        return settings.commentary_fast_start if self.fast_start is None else self.fast_start


class CommentaryRecipe(Recipe[CommentaryOptions, PlaysAnalysis | None]):
    """Spoken play-by-play over every play of a football broadcast."""

    name = "commentary"
    title = "spoken play-by-play over every play, streamed as it is made"
    options_model = CommentaryOptions
    uses_pbp = True
    uses_keyframes = False  # every chunk is encoded; a 3-hour file's scan cost 8.9 s up front

    def check(self, options: CommentaryOptions, *, has_pbp: bool, settings: Settings) -> None:
        if options.voice == "cloud" and not settings.commentary_tts_url:
            raise ConfigError("voice cloud needs CUTUPS_COMMENTARY_TTS_URL (off by default)")
        PlaysRecipe().check(options.plays_options(), has_pbp=has_pbp, settings=settings)

    def analyse(
        self, inputs: RecipeInputs, options: CommentaryOptions, ctx: RunContext
    ) -> PlaysAnalysis | None:
        """The plays' analysis; None when the plays are to be found while the commentary is
        made (no play-by-play and no cached analysis: see :mod:`.commentary_detect`)."""
        if options.voice == "piper":
            warm_up_piper()  # loads while the video is analysed
        settings = ctx.settings
        if (
            inputs.pbp is None
            and settings.commentary_stream_detection
            and cached_analysis(inputs.info, cache_dir=settings.cache_dir) is None
        ):
            return None
        return PlaysRecipe().analyse(inputs, options.plays_options(), ctx)

    def plan(
        self,
        analysis: PlaysAnalysis | None,
        inputs: RecipeInputs,
        options: CommentaryOptions,
        settings: Settings,
    ) -> Timeline:
        """The plays' clips and slots; without an analysis, an empty plan that tells
        :meth:`render` to find the plays itself."""
        if analysis is None:
            meta: dict[str, Any] = {"commentary": options.model_dump(), "detection": STREAMED}
            return Timeline(self.name, str(inputs.source), inputs.info.duration, (), meta)
        plays = PlaysRecipe().plan(analysis, inputs, options.plays_options(), settings)
        slot_meta = [
            {"clip": s.clip.id, "line_at": round(s.line_at, 3), "max_end": round(s.max_end, 3)}
            for s in play_slots(plays.clips, inputs.info.duration)
        ]
        meta = {**plays.meta, "commentary": options.model_dump(), "slots": slot_meta}
        return dataclasses.replace(plays, recipe=self.name, meta=meta)

    def render(self, timeline: Timeline, inputs: RecipeInputs, ctx: RunContext) -> RenderResult:
        options = CommentaryOptions.model_validate(timeline.meta.get("commentary", {}))
        settings, started = ctx.settings, time.monotonic()
        streamed = None
        if timeline.meta.get("detection") == STREAMED:
            params = options.plays_options().params(settings)
            streamed = StreamedPlays(inputs, params, ctx)
            slots: Iterable[PlaySlot] = settled_slots(
                streamed.updates(), inputs.info.duration, streamed.reach
            )
            events = _Events(ctx, streamed.clips, inputs.info.duration, streamed=True)
        else:
            slots = play_slots(timeline.clips, inputs.info.duration)
            events = _Events(ctx, timeline.clips, inputs.info.duration, streamed=False)
        synth = make_synth(
            options.voice,
            settings,
            lambda why: events.warn("voice_fallback", f"espeak-ng voices the lines: {why}"),
        )
        client = ChatClient.from_settings(settings)
        result = run_commentary(
            slots,
            inputs.info,
            ctx.out_dir,
            writer=LineWriter(seed=options.seed, llm=LlmWriter(client) if client else None),
            synth=synth,
            on_event=events,
            config=StreamConfig(
                duck_db=options.duck_db,
                speech_parallel=settings.commentary_speech_parallel,
                ffmpeg=settings.ffmpeg,
                fast_start=options.chosen_fast_start(settings),
            ),
            registry=ctx.registry,
            cancel=ctx.cancel,
        )
        if client is not None:
            client.close()
        if streamed is not None:
            timeline = streamed.timeline(self.name, {"commentary": options.model_dump()})
            timeline.save(ctx.out_dir / TIMELINE_FILE)
        return _package(timeline, inputs, ctx, result, time.monotonic() - started)


class _Events:
    """Forwards stream events to the run's hooks: every event to ``on_event``, each chunk's
    manifest entry to ``on_clip``, chunk progress to ``progress``."""

    def __init__(
        self, ctx: RunContext, clips: Sequence[ClipPlan], duration: float, *, streamed: bool
    ) -> None:
        self.ctx, self.duration, self.streamed = ctx, max(duration, 1e-9), streamed
        self.clips = clips
        """The clips so far (a list that grows while the plays are found)."""
        self.parts: list[ChunkReady] = []
        """The chunks of the play being sent, before its last (a fast start's head...)."""

    def __call__(self, event: StreamEvent) -> None:
        if self.ctx.on_event is not None:
            self.ctx.on_event(_public(event, self.ctx.out_dir))
        if isinstance(event, ChunkReady):
            self._chunk(event)

    def _chunk(self, event: ChunkReady) -> None:
        """Progress per chunk; ``on_clip`` once per play, when its last chunk is out."""
        # While plays are still being found the count is not known: the stream's position.
        done = event.end / self.duration if self.streamed else (event.play + 1) / len(self.clips)
        self.ctx.progress("cutting", min(1.0, done), f"chunk {event.index + 1}")
        # A play whose last chunk failed is left out, like a play whose only chunk failed.
        parts = [*(p for p in self.parts if p.play == event.play), event]
        self.parts = [] if event.play_done else parts
        if event.play_done and self.ctx.on_clip is not None:
            clip, text = self.clips[event.play], next((p.text for p in parts if p.text), None)
            names = [p.path.name for p in parts]
            self.ctx.on_clip(_entry(clip, event.play, parts[0].start, event.end, names, text))

    def warn(self, code: str, message: str) -> None:
        if self.ctx.on_event is not None:
            self.ctx.on_event({"type": "warning", "code": code, "message": message})


def _public(event: StreamEvent, out_dir: Path) -> dict[str, Any]:
    """The event as a client sees it: files named relative to the output folder (``file``
    for a chunk; ``final_video`` and ``playlist`` on ``complete``), never as server paths."""
    body = event.to_dict()
    if isinstance(event, ChunkReady):
        del body["path"]
        body["file"] = event.path.relative_to(out_dir).as_posix()
    elif isinstance(event, Complete):
        final = event.final_video
        body["final_video"] = final.relative_to(out_dir).as_posix() if final else None
        body["playlist"] = event.playlist.relative_to(out_dir).as_posix()
    return body


def _entry(
    clip: ClipPlan, play: int, start: float, end: float, names: Sequence[str], text: str | None
) -> dict[str, Any]:
    """A play's manifest entry: ``file`` is its last chunk; ``chunks`` every chunk of it in
    stream order (several for a fast start's first play); ``commentary`` its line, voiced
    in ``voice/line_NNNN.wav`` (NNNN: ``play``, its index in the stream's plays)."""
    entry = clip_entry(dataclasses.replace(clip, start=start, end=end))
    entry["play"] = play
    entry["file"] = f"chunks/{names[-1]}"
    entry["chunks"] = [f"chunks/{name}" for name in names]
    entry["commentary"] = text
    return entry


def _package(
    timeline: Timeline, inputs: RecipeInputs, ctx: RunContext, result: StreamResult, took: float
) -> RenderResult:
    """The manifest (an entry per play, with its chunks and line), thumbnails, report, ZIP."""
    out, info = ctx.out_dir, inputs.info
    ctx.progress("packaging", 0.0, "thumbnails, report, ZIP")
    clips = {c.id: c for c in timeline.clips}
    entries: list[dict[str, Any]] = []
    files: dict[str, Path] = {}
    for play in chunks_by_play(result.chunks):
        clip, last = clips[play[0].clip_id], play[-1]
        thumb = out / "thumbs" / f"{clip.id}.jpg"
        thumb.parent.mkdir(parents=True, exist_ok=True)
        thumbnail(info, keyframe_near(info, clip.snap), thumb, registry=ctx.registry)
        names = [r.path.name for r in play]
        text = next((r.text for r in play if r.text), None)
        entry = _entry(clip, last.play, play[0].start, last.end, names, text)
        entry["stream_start"] = play[0].stream_start
        entries.append(entry)
        files |= {f"chunks/{r.path.name}": r.path for r in play}
        files[f"thumbs/{clip.id}.jpg"] = thumb
    stamped = dataclasses.replace(timeline, warnings=timeline.warnings + result.warnings)
    final = result.final_video
    manifest = build_manifest(
        stamped, entries, job_id=ctx.job_id, source_url=inputs.source_url or str(inputs.source),
        complete=True, source_facts={"duration": round(info.duration, 3)},
        extra=_extra(result, took, final),
    )  # fmt: skip
    manifest_path = out / "manifest.json"
    write_json_atomic(manifest_path, manifest)
    report = write_report(manifest, out)
    files |= {"manifest.json": manifest_path, "report.html": report}
    if final is not None:
        files[FINAL_NAME] = final
    archive = write_zip(out / "job.zip", files)
    ctx.progress("packaging", 1.0, "done")
    return RenderResult(out, manifest_path, manifest, (), final, archive, report)


def _extra(result: StreamResult, took: float, final: Path | None) -> Mapping[str, Any]:
    return {
        "reel": FINAL_NAME if final else None,
        "final_video": FINAL_NAME if final else None,
        "playlist": "hls/stream.m3u8",
        "commentary": {
            "chunks": len(result.chunks),
            "plays": sum(1 for c in result.chunks if c.play_done),
            "lines": sum(1 for c in result.chunks if c.text),
            "drift_seconds": None if result.drift is None else round(result.drift, 4),
            "first_chunk_seconds": (
                None if result.first_chunk_after is None else round(result.first_chunk_after, 2)
            ),
            "render_seconds": round(took, 2),
        },
    }
