"""Where the commentary's first chunk goes: per-stage timestamps of one streaming run.

    python benchmarks/commentary_stages.py VIDEO [--voice piper|espeak] [--out DIR]
        [--no-fast-start]

Runs ``cutups run --recipe commentary`` on VIDEO (no play-by-play: plays found while decoding)
until its first ``chunk_ready``, with timers wrapped around the stages on the way (probe,
scorebug location, each decode window, clock readout, detector, plan, piper load and
synthesis, the line writer, the chunk encode, the HLS split) and the stream's events, and
prints them in time order: start, end, seconds, thread. Then it encodes the same first chunk
again side by side with a one-GOP head of it (what a split first chunk would cost), each with
its CPU seconds. The timers only measure; the pipeline runs as it does in a job.
The load average is printed: on a shared machine only CPU seconds and ratios mean much.

The 133-s broadcast of ``commentary_latency.py --out DIR`` is at
``DIR/broadcasts/*/broadcast.mp4``.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import resource
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cutups.analysis.incremental as incremental
import cutups.analysis.windowed as windowed
import cutups.commentary.speech as speech
import cutups.commentary.stream as stream
import cutups.pipeline as pipeline
import cutups.recipes.commentary_detect as commentary_detect
from cutups.analysis.runner import Analysers
from cutups.commentary.chunks import ChunkSpec, EncoderSetup, frame_span, render_chunk
from cutups.commentary.hls import HlsEventPlaylist
from cutups.commentary.lines import LineWriter
from cutups.errors import CanceledError
from cutups.media.probe import probe
from cutups.recipes.base import RunContext
from cutups.recipes.registry import get_recipe
from cutups.settings import Settings

Mark = tuple[float, float, str, str]


class Timers:
    """Timestamps of wrapped calls, from :attr:`zero`."""

    def __init__(self) -> None:
        self.zero = time.monotonic()
        self.marks: list[Mark] = []
        self.lock = threading.Lock()

    def add(self, name: str, began: float, ended: float | None = None) -> None:
        ended = time.monotonic() if ended is None else ended
        with self.lock:
            self.marks.append(
                (began - self.zero, ended - self.zero, name, threading.current_thread().name)
            )

    def wrap(self, owner: Any, attr: str, name: str) -> None:
        original: Callable[..., Any] = getattr(owner, attr)

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            began = time.monotonic()
            try:
                return original(*args, **kwargs)
            finally:
                self.add(name, began)

        setattr(owner, attr, timed)


def _cpu() -> float:
    own, children = (
        resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _load() -> str:
    return "load {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


def traced_run(video: Path, out: Path, voice: str, *, fast_start: bool) -> list[Mark]:
    timers = Timers()
    analysers = Analysers()
    timers.wrap(pipeline, "probe", "probe")
    timers.wrap(type(analysers.locator), "locate", "scorebug location")
    timers.wrap(windowed, "analyse_span", "decode window")
    timers.wrap(type(analysers.clock_reader), "readout", "clock readout")
    timers.wrap(incremental, "detect_plays", "detector")
    timers.wrap(commentary_detect, "plan_from_detections", "plan")
    timers.wrap(speech, "load_piper_voice", "piper voice load")
    timers.wrap(speech.PiperSynth, "synthesize", "piper synthesis")
    timers.wrap(speech.EspeakSynth, "synthesize", "espeak synthesis")
    timers.wrap(LineWriter, "write", "line written")
    timers.wrap(stream, "render_chunk", "chunk encode")
    timers.wrap(HlsEventPlaylist, "append", "HLS split")
    recipe = get_recipe("commentary")
    cancel = threading.Event()

    def on_event(event: dict[str, Any]) -> None:
        now = time.monotonic()
        span = f" {event['start']}-{event['end']}" if "start" in event else ""
        timers.add(f"EVENT {event['type']}{span}", now, now)
        if event["type"] == "chunk_ready" and event.get("text"):
            cancel.set()  # the first chunk with the line (after a fast start's head)

    ctx = RunContext(settings=Settings(cache_dir=out / "cache"), out_dir=out / "job",
                     job_id="stages", on_event=on_event, cancel=cancel)  # fmt: skip
    timers.zero = time.monotonic()
    with contextlib.suppress(CanceledError):
        options = recipe.options({"voice": voice, "fast_start": fast_start})
        pipeline.run_recipe(recipe, options, video, ctx)
    return sorted(timers.marks)


def head_against_whole(video: Path, out: Path, start: float, end: float) -> None:
    """Encode the chunk [start, end) whole, and only its first GOP, side by side."""
    info = probe(video, keyframes=False)
    setup = EncoderSetup.for_source(info)
    first, frames = frame_span(start, end, info.video.frame_rate)
    for name, count in (("whole first chunk", frames), ("its first GOP only", setup.gop)) * 2:
        folder = out / "split" / f"{name}-{time.monotonic_ns()}"
        (folder / "hls").mkdir(parents=True)
        playlist = HlsEventPlaylist(folder / "hls")
        cpu, began = _cpu(), time.monotonic()
        spec = ChunkSpec(0, first, count)
        playlist.append(render_chunk(info, spec, setup, folder / "chunk.mp4"), 0)
        print(
            f"  {name:20s} {count / float(info.video.frame_rate):5.1f} s of video: encode + HLS "
            f"{time.monotonic() - began:.2f} s wall, {_cpu() - cpu:.2f} s CPU ({_load()})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("video", type=Path)
    parser.add_argument("--voice", default="piper", choices=("piper", "espeak"))
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument(
        "--fast-start", action=argparse.BooleanOptionalAction, default=True,
        help="the recipe's fast_start (on by default)",
    )  # fmt: skip
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="commentary-stages-"))
    shutil.rmtree(out / "job", ignore_errors=True)
    print(f"before: {_load()}")
    marks = traced_run(args.video, out, args.voice, fast_start=args.fast_start)
    for began, ended, name, thread in marks:
        print(f"{began:6.2f} -> {ended:6.2f} ({ended - began:5.2f} s)  {name}  [{thread}]")
    print(f"after: {_load()}")
    spans = [n.rsplit(" ", 1)[1].split("-") for _, _, n, _ in marks if "chunk_ready" in n]
    if spans:
        # The first play's chunk (its head and the rest, with a fast start).
        start, end = float(spans[0][0]), float(spans[-1][1])
        print("the first play's chunk, whole against a one-GOP head (no voice):")
        head_against_whole(args.video, out, start, end)


if __name__ == "__main__":
    main()
