"""Speed and memory of the shorts recipe: a long talk into 5 captioned 9:16 clips (issue 19).

The talk is built at run time from the real talking-head clips of ``shared/datasets``
(``talking-heads/face_{1..5}.mp4``, with their own speech): each is scaled to 1080 lines and
centred on a 1920x1080 canvas, the five are joined once (about 28 s, encoded), and that piece is
repeated by stream copy up to ``--minutes``. Nothing is copied into the repository.

Measured, each run in a child process (``cutups run --recipe shorts``) with a fresh cache:

- the first run: wall time / talk duration (target <= 0.25x on 2 cores), the child tree's peak
  RSS from ``wait4`` (the largest process: Python or an ffmpeg it ran; target <= 2 GB), and its
  CPU seconds (steadier than wall time on a shared machine);
- a re-render with another caption style on the same cache: its wall time as a fraction of the
  first (target <= 30 %);
- where the time goes: the child records when each stage's progress message first appears
  (transcription, planning, faces, rendering each clip, packaging).

The clips are asked at 1080x1920 (``--resolution 1080x1920``), the platforms' size. The talk is
built once into ``/work/cache/shorts`` (``--talk-dir``; it is derived media, never the dataset
itself) and reused. The machine's load average is printed beside the numbers: it is shared.

    python benchmarks/shorts_speed.py --minutes 30
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parents[1]))

from tests.speech.talk import datasets

from cutups.media.probe import probe
from cutups.settings import default_cache_dir

FACES = 5
HEIGHT = 1080
WIDTH = 1920
FPS = 30


def _ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True)


def talk_piece(dest: Path) -> Path:
    """The five talking heads one after another, 1920x1080 30 fps, AAC 48 kHz."""
    folder = datasets() / "talking-heads"
    inputs: list[str] = []
    chains = []
    for n in range(FACES):
        inputs += ["-i", str(folder / f"face_{n + 1}.mp4")]
        chains.append(
            f"[{n}:v]scale=-2:{HEIGHT},pad={WIDTH}:{HEIGHT}:(ow-iw)/2:0,fps={FPS},"
            f"setsar=1,format=yuv420p[v{n}];"
            f"[{n}:a]aresample=48000,aformat=channel_layouts=stereo[a{n}]"
        )
    joined = "".join(f"[v{n}][a{n}]" for n in range(FACES))
    graph = ";".join(chains) + f";{joined}concat=n={FACES}:v=1:a=1[v][a]"
    _ffmpeg(*inputs, "-filter_complex", graph, "-map", "[v]", "-map", "[a]",
            "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-g", str(2 * FPS),
            "-c:a", "aac", "-b:a", "128k", str(dest))  # fmt: skip
    return dest


def long_talk(minutes: float, folder: Path) -> Path:
    """``minutes`` of talk: the piece repeated by stream copy (no re-encode); built once."""
    dest = folder / f"talk-{minutes:g}min.mp4"
    if dest.exists():
        return dest
    folder.mkdir(parents=True, exist_ok=True)
    piece = folder / "piece.mp4"
    if not piece.exists():
        talk_piece(piece)
    _ffmpeg("-stream_loop", "-1", "-i", str(piece), "-t", f"{minutes * 60:.3f}",
            "-c", "copy", "-movflags", "+faststart", str(dest))  # fmt: skip
    return dest


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float
    peak_rss_mb: float
    load: tuple[float, float]
    """Load average (1 min) at the start and the end."""
    manifest: dict[str, Any]
    stages: dict[str, float]
    """Seconds spent in each stage, in the order they ran."""


STAGE_OF_MESSAGE = (
    ("transcript from the cache", "transcript (cached)"),
    ("transcribing", "transcribe"),
    ("planning", "plan"),
    ("faces", "faces"),
    ("rendering", "render"),
    ("manifest", "package"),
)


def stage_times(marks: list[tuple[float, str]], total: float) -> dict[str, float]:
    """Seconds per stage from ``(time, message)`` marks: each stage lasts until the next one."""
    named: list[tuple[float, str]] = []
    for at, message in marks:
        stage = next((s for key, s in STAGE_OF_MESSAGE if key in message), "other")
        if not named or named[-1][1] != stage:
            named.append((at, stage))
    times: dict[str, float] = {"start-up, probe": named[0][0] if named else total}
    for (at, stage), (upto, _) in zip(named, [*named[1:], (total, "")], strict=True):
        times[stage] = times.get(stage, 0.0) + upto - at
    return times


def child(source: Path, out: Path, style: Path | None) -> None:
    """Run the recipe in this process, and write when each progress message first appeared."""
    from cutups.pipeline import run_recipe
    from cutups.recipes.base import RunContext
    from cutups.recipes.registry import get_recipe
    from cutups.settings import load_settings

    started = time.perf_counter()
    marks: list[tuple[float, str]] = []

    def progress(stage: str, fraction: float, detail: str) -> None:
        if not marks or marks[-1][1] != detail:
            marks.append((time.perf_counter() - started, detail))

    recipe = get_recipe("shorts")
    values: dict[str, Any] = {"max_clips": 5, "resolution": "1080x1920"}
    if style is not None:
        values["caption_style_file"] = str(style)
    ctx = RunContext(settings=load_settings(), out_dir=out, job_id="bench", progress=progress)
    run_recipe(recipe, recipe.options(values), source, ctx)
    total = time.perf_counter() - started
    (out / "stages.json").write_text(json.dumps(stage_times(marks, total)))


def run_shorts(source: Path, out: Path, cache: Path, style: Path | None = None) -> Run:
    """One shorts run in a child process, timed, its tree's peak RSS read."""
    env = {**os.environ, "CUTUPS_CACHE_DIR": str(cache)}
    argv = [sys.executable, __file__, "--child", str(source), str(out)]
    if style is not None:
        argv += ["--style", str(style)]
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    child = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert child.stderr is not None
    err = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"shorts run failed:\n{err.decode(errors='replace')[-2000:]}")
    manifest = json.loads((out / "manifest.json").read_text())
    stages = json.loads((out / "stages.json").read_text())
    cpu = usage.ru_utime + usage.ru_stime
    load = (load_before, os.getloadavg()[0])
    return Run(wall, cpu, usage.ru_maxrss / 1024, load, manifest, stages)


def _shared_model_cache(cache: Path) -> None:
    """Reuse the speech model already joined on this machine (the cache is otherwise fresh)."""
    models = default_cache_dir() / "speech-models"
    models.mkdir(parents=True, exist_ok=True)
    cache.mkdir(parents=True, exist_ok=True)
    (cache / "speech-models").symlink_to(models, target_is_directory=True)


def _clip_summary(manifest: dict[str, Any], out: Path) -> str:
    clips = manifest["clips"]
    assert isinstance(clips, list)
    videos = [probe(out / c["file"], keyframes=False).video for c in clips]
    sizes = {f"{v.width}x{v.height}" for v in videos}
    seconds = sum(c["duration_ms"] for c in clips) / 1000
    return f"{len(clips)} clips, {seconds:.0f} s in all, {', '.join(sorted(sizes))}"


def _report(duration: float, first: Run, again: Run) -> None:
    print("| run | wall | wall / talk | CPU / talk | peak RSS | load (1 min) start-end |")
    print("|---|---|---|---|---|---|")
    for name, run in (("first", first), ("re-render, other style", again)):
        print(f"| {name} | {run.wall:.0f} s | {run.wall / duration:.3f}x | "
              f"{run.cpu / duration:.3f}x | {run.peak_rss_mb:.0f} MB | "
              f"{run.load[0]:.1f}-{run.load[1]:.1f} |")  # fmt: skip
    print(f"re-render / first: {again.wall / first.wall * 100:.1f} % wall, "
          f"{again.cpu / first.cpu * 100:.1f} % CPU")  # fmt: skip
    for name, run in (("first", first), ("re-render", again)):
        parts = ", ".join(f"{stage} {seconds:.1f} s" for stage, seconds in run.stages.items())
        print(f"stages ({name}): {parts}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--talk-dir", type=Path, default=Path("/work/cache/shorts"),
                        help="where the talk is built once and kept")  # fmt: skip
    parser.add_argument("--keep", type=Path, help="write the outputs and cache here")
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--style", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(*args.child, args.style)
        return
    built = time.perf_counter()
    source = long_talk(args.minutes, args.talk_dir)
    duration = probe(source, keyframes=False).duration
    print(f"talk: {duration / 60:.1f} min 1920x1080 {FPS} fps ({source}), ready in "
          f"{time.perf_counter() - built:.0f} s; {os.cpu_count()} cores")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="shorts-bench-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        cache = work / "cache"
        _shared_model_cache(cache)
        first = run_shorts(source, work / "first", cache)
        style = work / "style.json"
        style.write_text(json.dumps({"font_size": 64, "highlight_color": "#00FF00",
                                     "position": "bottom", "uppercase": True}))  # fmt: skip
        again = run_shorts(source, work / "again", cache, style)
        print(f"output: {_clip_summary(first.manifest, work / 'first')}")
        _report(duration, first, again)


if __name__ == "__main__":
    main()
