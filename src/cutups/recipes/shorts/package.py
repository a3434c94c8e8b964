"""A shorts job's output folder, from its timeline.

Layout::

    DIR/clips/<id>.mp4 .srt .vtt   DIR/thumbs/<id>.jpg   DIR/transcript.json (from analyse)
    DIR/plan.json   DIR/manifest.json   DIR/report.html   DIR/job.zip

Each manifest clip has the seed's fields (``clip_index, duration_ms, start_time_ms,
end_time_ms, virality_score`` 0-100, ``layout_type, summary, tags``) beside Cutups' own
(``id, start, end, file, thumb``...), plus ``title``, ``reasons``, ``captions`` (the
``.srt``/``.vtt`` paths) and ``av_offset_ms`` as measured on the output.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cutups.errors import CanceledError
from cutups.media.package import write_zip
from cutups.media.thumbs import thumbnail
from cutups.output.manifest import build_manifest, clip_entry, write_json_atomic
from cutups.output.render import RenderResult
from cutups.output.report import write_report
from cutups.recipes.base import RecipeInputs, RunContext
from cutups.recipes.shorts.meta import ShortClip, ShortsMeta, read_meta
from cutups.recipes.shorts.render import ClipJob, ClipOutput, render_short, words_between
from cutups.speech.transcript import Transcript, Word
from cutups.timeline import ClipPlan, Timeline

__all__ = ["PLAN_FILE", "render_shorts"]

PLAN_FILE = "plan.json"
TRANSCRIPT_FILE = "transcript.json"


def _entry(number: int, plan: ClipPlan, clip: ShortClip, out: ClipOutput) -> dict[str, Any]:
    entry = clip_entry(plan, duration=out.duration)
    entry.update(
        {
            "clip_index": number,
            "duration_ms": round(out.duration * 1000),
            "start_time_ms": round(clip.start * 1000),
            "end_time_ms": round(clip.end * 1000),
            "virality_score": round(clip.score * 100, 1),
            "layout_type": clip.layout,
            "title": clip.title,
            "summary": clip.summary,
            "tags": list(clip.tags),
            "reasons": list(clip.reasons),
            "captions": {"srt": f"clips/{out.srt.name}", "vtt": f"clips/{out.vtt.name}"},
            "av_offset_ms": round(out.av_offset * 1000, 1),
        }
    )
    return entry


def _job(clip: ShortClip, words: tuple[Word, ...], meta: ShortsMeta, height: int) -> ClipJob:
    return ClipJob(
        clip_id=clip.id,
        start=clip.start,
        end=clip.end,
        framing=clip.framed(),
        size=meta.options.clip_size(height),
        words=words_between(words, clip.start, clip.end),
        captions=meta.options.captions,
        style=meta.options.caption_style,
    )


def render_shorts(timeline: Timeline, inputs: RecipeInputs, ctx: RunContext) -> RenderResult:
    """Render every planned short, then write the plan, manifest, report and ZIP.

    Raises:
        InputError: the timeline is not a shorts plan, or ``transcript.json`` is missing.
        FFmpegError, CutError: a clip failed to render or its audio and video are out of sync.
    """
    out, settings = ctx.out_dir, ctx.settings
    meta = read_meta(timeline)
    words = Transcript.read(out / TRANSCRIPT_FILE).words
    meta.plan_file().write(out / PLAN_FILE)
    entries: list[dict[str, Any]] = []
    files: dict[str, Path] = {}
    for number, (plan, clip) in enumerate(zip(timeline.clips, meta.clips, strict=True), 1):
        if ctx.cancel is not None and ctx.cancel.is_set():
            raise CanceledError("canceled while rendering the shorts")
        ctx.progress("cutting", (number - 1) / len(meta.clips), f"rendering {clip.id}")
        job = _job(clip, words, meta, inputs.info.video.height)
        rendered = render_short(
            job, inputs.info, out / "clips",
            ffmpeg=settings.ffmpeg, ffprobe=settings.ffprobe, registry=ctx.registry,
        )  # fmt: skip
        thumb = out / "thumbs" / f"{clip.id}.jpg"
        thumb.parent.mkdir(parents=True, exist_ok=True)
        thumbnail(rendered.video, min(1.0, rendered.duration / 2), thumb, registry=ctx.registry)
        entry = _entry(number, plan, clip, rendered)
        # The marker every recipe leaves once a clip and its thumbnail are complete: the job
        # service serves a clip (GET /jobs/{id}/clips/{clip}) only once it is there.
        write_json_atomic(out / "clips" / f".{clip.id}.done.json", entry)
        entries.append(entry)
        files |= {f"clips/{p.name}": p for p in (rendered.video, rendered.srt, rendered.vtt)}
        files[f"thumbs/{thumb.name}"] = thumb
        if ctx.on_clip is not None:
            ctx.on_clip(entry)
    return _package(timeline, inputs, ctx, meta, entries, files)


def _package(
    timeline: Timeline,
    inputs: RecipeInputs,
    ctx: RunContext,
    meta: ShortsMeta,
    entries: list[dict[str, Any]],
    files: dict[str, Path],
) -> RenderResult:
    out, info = ctx.out_dir, inputs.info
    ctx.progress("packaging", 0.0, "manifest, report, ZIP")
    manifest = build_manifest(
        timeline, entries, job_id=ctx.job_id, source_url=inputs.source_url or str(inputs.source),
        complete=True,
        source_facts={"duration": round(info.duration, 3), "width": info.video.width,
                      "height": info.video.height},
        extra={"reel": None, "transcript": TRANSCRIPT_FILE, "plan": PLAN_FILE,
               "platform": meta.options.platform, "total_clips": len(entries)},
    )  # fmt: skip
    manifest_path = out / "manifest.json"
    write_json_atomic(manifest_path, manifest)
    report = write_report(manifest, out)
    files |= {
        "manifest.json": manifest_path,
        "report.html": report,
        PLAN_FILE: out / PLAN_FILE,
        TRANSCRIPT_FILE: out / TRANSCRIPT_FILE,
    }
    archive = write_zip(out / "job.zip", files)
    ctx.progress("packaging", 1.0, "done")
    return RenderResult(out, manifest_path, manifest, (), None, archive, report)
