"""Generate a sample broadcast: video, ground truth and play-by-play, optionally cached."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cutups.truth import Truth
from cutups_testkit.audio import plan_audio, write_wav
from cutups_testkit.broadcast import Plan, plan_broadcast
from cutups_testkit.game import SimGame, simulate
from cutups_testkit.pbp_export import export_pbp
from cutups_testkit.render import render_video
from cutups_testkit.spec import BroadcastSpec
from cutups_testkit.truthbuild import build_truth

__all__ = ["GeneratedBroadcast", "generate", "generate_cached", "plan", "recording_frames"]

log = logging.getLogger(__name__)

VIDEO_NAME = "broadcast.mp4"
TRUTH_NAME = "truth.json"
_DONE = ".complete"


@dataclass(frozen=True, slots=True)
class GeneratedBroadcast:
    """A rendered broadcast on disk.

    Attributes:
        video: the MP4 file.
        truth: its ground truth.
        truth_path: where the truth JSON is.
        pbp: play-by-play files: "cfbd_json" (v1 snake_case), "cfbd_v2_json" (camelCase),
            "cfbd_csv", "espn_json".
    """

    video: Path
    truth: Truth
    truth_path: Path
    pbp: Mapping[str, Path]


def recording_frames(spec: BroadcastSpec, plan_: Plan) -> tuple[int, int]:
    """Broadcast frames [start, end) the recording covers."""
    fps = plan_.fps
    start = 0 if spec.start_at is None else max(0, round(spec.start_at * fps))
    end = plan_.frames if spec.end_at is None else min(plan_.frames, round(spec.end_at * fps))
    if end <= start:
        raise ValueError(f"empty recording: start_at={spec.start_at} end_at={spec.end_at}")
    return start, end


def plan(spec: BroadcastSpec) -> tuple[SimGame, Plan, Truth]:
    """Simulate and lay out ``spec`` without rendering (fast); truth lacks ad whistles."""
    game = simulate(spec.game)
    p = plan_broadcast(game, spec)
    start, end = recording_frames(spec, p)
    return game, p, build_truth(game, p, spec, start, end, VIDEO_NAME)


def generate(
    spec: BroadcastSpec, out_dir: Path, *, progress: Callable[[float], None] | None = None
) -> GeneratedBroadcast:
    """Render ``spec`` into ``out_dir`` (created if missing).

    Writes ``broadcast.mp4``, ``truth.json`` and the four play-by-play files.

    Arguments:
        spec: what to render.
        out_dir: output directory.
        progress: called with the fraction done (0-1) now and then.

    Raises:
        FFmpegError: encoding failed.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    game = simulate(spec.game)
    p = plan_broadcast(game, spec)
    start, end = recording_frames(spec, p)
    ap = plan_audio(game, p, spec, start, end)
    truth = build_truth(game, p, spec, start, end, VIDEO_NAME, ap)
    truth_path = out_dir / TRUTH_NAME
    truth.save(truth_path)
    pbp = export_pbp(game, p, spec, out_dir)
    video = out_dir / VIDEO_NAME
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".audio-") as tmp:
        wav = Path(tmp) / "audio.wav"
        write_wav(ap, wav, spec.look.audio_rate, spec.game.seed)
        if progress is not None:
            progress(0.03)

        def sub(x: float) -> None:
            if progress is not None:
                progress(0.03 + 0.97 * x)

        render_video(game, p, spec, start, end, wav, video, sub)
    log.info("generated %s (%d frames)", video, end - start)
    return GeneratedBroadcast(video, truth, truth_path, pbp)


def _load(d: Path) -> GeneratedBroadcast:
    names = {
        "cfbd_json": "pbp_cfbd_v1.json",
        "cfbd_v2_json": "pbp_cfbd_v2.json",
        "cfbd_csv": "pbp_cfbd.csv",
        "espn_json": "pbp_espn.json",
    }
    return GeneratedBroadcast(
        d / VIDEO_NAME,
        Truth.load(d / TRUTH_NAME),
        d / TRUTH_NAME,
        {k: d / v for k, v in names.items()},
    )


def generate_cached(spec: BroadcastSpec, cache_root: Path, **kw: Any) -> GeneratedBroadcast:
    """Like :func:`generate`, reusing a finished render of the same spec under ``cache_root``.

    The directory is named by :meth:`BroadcastSpec.key` (spec + generator version). Rendering
    happens in a temporary sibling directory renamed into place when complete, so readers
    never see a half-written broadcast and concurrent callers at worst render twice.
    """
    cache_root = Path(cache_root)
    final = cache_root / spec.key()
    if (final / _DONE).exists():
        return _load(final)
    cache_root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=cache_root, prefix=f".tmp-{spec.key()}-"))
    try:
        generate(spec, tmp, **kw)
        (tmp / _DONE).write_text("ok\n")
        try:
            os.rename(tmp, final)
        except OSError:
            if not (final / _DONE).exists():  # a stale, incomplete directory: replace it
                shutil.rmtree(final, ignore_errors=True)
                os.rename(tmp, final)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return _load(final)
