"""Generate a sample broadcast: video, ground truth and play-by-play, optionally cached."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from cutups.truth import Truth
from cutups_testkit.audio import AudioPlan, plan_audio, write_wav
from cutups_testkit.broadcast import Plan, plan_broadcast
from cutups_testkit.game import SimGame, simulate
from cutups_testkit.looks import without_bug
from cutups_testkit.pbp_export import export_pbp
from cutups_testkit.render import render_video
from cutups_testkit.spec import BroadcastSpec
from cutups_testkit.truthbuild import build_truth

__all__ = [
    "GeneratedBroadcast",
    "cached",
    "generate",
    "generate_cached",
    "generate_cached_with_twin",
    "generate_with_twin",
    "plan",
    "recording_frames",
]

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


@dataclass(frozen=True, slots=True)
class _Prepared:
    """Everything of a render but its frames: truth and play-by-play written, audio planned."""

    spec: BroadcastSpec
    out_dir: Path
    plan: Plan
    start: int
    end: int
    audio: AudioPlan
    broadcast: GeneratedBroadcast


def _prepare(spec: BroadcastSpec, game: SimGame, out_dir: Path) -> _Prepared:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    p = plan_broadcast(game, spec)
    start, end = recording_frames(spec, p)
    ap = plan_audio(game, p, spec, start, end)
    truth = build_truth(game, p, spec, start, end, VIDEO_NAME, ap)
    truth_path = out_dir / TRUTH_NAME
    truth.save(truth_path)
    pbp = export_pbp(game, p, spec, out_dir)
    made = GeneratedBroadcast(out_dir / VIDEO_NAME, truth, truth_path, pbp)
    return _Prepared(spec, out_dir, p, start, end, ap, made)


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
    game = simulate(spec.game)
    return _render(game, _prepare(spec, game, out_dir), None, progress)


def generate_with_twin(
    spec: BroadcastSpec,
    out_dir: Path,
    twin_dir: Path,
    *,
    progress: Callable[[float], None] | None = None,
) -> tuple[GeneratedBroadcast, GeneratedBroadcast]:
    """Render ``spec`` into ``out_dir`` and, in the same pass, its twin with the scorebug
    switched off (:func:`~cutups_testkit.looks.without_bug`) into ``twin_dir``.

    The twin is what :func:`generate` gives for the bug-off spec (same truth, play-by-play and
    frames) for little more than the cost of encoding it: every frame is composed once and
    encoded before and after the bug is keyed in.

    Raises:
        ValueError: ``spec``'s look has no scorebug to switch off.
        FFmpegError: encoding failed.
    """
    if not spec.look.scorebug:
        raise ValueError(f"look {spec.look.name} has no scorebug: it has no bug-off twin")
    game = simulate(spec.game)
    main = _prepare(spec, game, out_dir)
    twin = _prepare(replace(spec, look=without_bug(spec.look)), game, twin_dir)
    if (twin.start, twin.end, len(twin.plan.shots)) != (main.start, main.end, len(main.plan.shots)):
        raise ValueError("the bug-off twin's plan differs from the broadcast's")  # never expected
    return _render(game, main, twin, progress), twin.broadcast


def _render(
    game: SimGame,
    main: _Prepared,
    twin: _Prepared | None,
    progress: Callable[[float], None] | None,
) -> GeneratedBroadcast:
    spec = main.spec
    with tempfile.TemporaryDirectory(dir=main.out_dir, prefix=".audio-") as tmp:
        wav = Path(tmp) / "audio.wav"
        write_wav(main.audio, wav, spec.look.audio_rate, spec.game.seed)
        twin_job = None
        if twin is not None:
            twin_wav = Path(tmp) / "twin.wav"
            write_wav(twin.audio, twin_wav, twin.spec.look.audio_rate, spec.game.seed)
            twin_job = (twin.spec, twin_wav, twin.broadcast.video)
        if progress is not None:
            progress(0.03)

        def sub(x: float) -> None:
            if progress is not None:
                progress(0.03 + 0.97 * x)

        video = main.broadcast.video
        render_video(game, main.plan, spec, main.start, main.end, wav, video, sub, twin_job)
    log.info("generated %s (%d frames)", video, main.end - main.start)
    return main.broadcast


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


def cached(spec: BroadcastSpec, cache_root: Path) -> GeneratedBroadcast | None:
    """The finished render of ``spec`` under ``cache_root`` (see :func:`generate_cached`), or
    None if there is none yet."""
    final = Path(cache_root) / spec.key()
    return _load(final) if (final / _DONE).exists() else None


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
    with _cache_slot(cache_root, spec) as tmp:
        generate(spec, tmp, **kw)
    return _load(final)


def generate_cached_with_twin(
    spec: BroadcastSpec, cache_root: Path, **kw: Any
) -> tuple[GeneratedBroadcast, GeneratedBroadcast]:
    """Like :func:`generate_cached` for ``spec`` and its bug-off twin (cached under the bug-off
    spec's own key, where :func:`generate_cached` looks for it), rendered together by
    :func:`generate_with_twin` unless both are cached already."""
    cache_root = Path(cache_root)
    twin_spec = replace(spec, look=without_bug(spec.look))
    finals = [cache_root / s.key() for s in (spec, twin_spec)]
    if not all((d / _DONE).exists() for d in finals):
        with _cache_slot(cache_root, spec) as tmp, _cache_slot(cache_root, twin_spec) as twin:
            generate_with_twin(spec, tmp, twin, **kw)
    return _load(finals[0]), _load(finals[1])


@contextmanager
def _cache_slot(cache_root: Path, spec: BroadcastSpec) -> Iterator[Path]:
    """A temporary directory beside ``spec``'s cache entry, renamed into place (marked
    complete) when the block ends without an error, and removed in any case."""
    final = cache_root / spec.key()
    cache_root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=cache_root, prefix=f".tmp-{spec.key()}-"))
    try:
        yield tmp
        if (final / _DONE).exists():
            return  # cached meanwhile (or already): keep that one
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
