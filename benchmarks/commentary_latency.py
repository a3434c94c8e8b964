"""Commentary latency: the streaming pipeline against the seed's sequential batch pipeline.

    python benchmarks/commentary_latency.py [--voice piper|espeak] [--hours 3] [--out DIR]
        [--no-fast-start]

With ``--out DIR`` the broadcasts are kept there and reused by the next run (the 3-hour file is
1 GB: put DIR under /work/cache). The load average is printed with every timing.

On a generated 133-s broadcast (no play-by-play, cold analysis cache), in one run:

- **streaming** (``cutups run --recipe commentary``): plays found while the video is decoded,
  each line written, voiced and encoded as soon as its play is known. Time to the first
  ``chunk_ready``, total time, and the rate chunks come at (seconds of stream per second after
  the first chunk).
- **batch**, as seed 002 describes the old pipeline: detect all -> write all -> speak all ->
  render all -> join; nothing playable before the end. The same engine parts, run one stage
  after the other.
- **streaming, fast start** (the recipe's ``fast_start`` option; ``--no-fast-start`` skips it):
  the same, with the first play's first GOPs sent as a chunk of their own before the line is
  voiced, run right after the plain one so the two figures share the machine's load.
- **long**: the first chunk of a long broadcast, made by joining copies of the 133-s one
  (stream copy) up to ``--hours``; the run is stopped after its first chunk.

Checks on the streaming run: the final video is a stream copy of the chunks (every video and
audio packet identical, in order), its audio/video drift at the end (<= one AAC frame, 21 ms),
each line starts within its play (snap to whistle + 2 s) and ends before its chunk does (so
before the next line), and no line states a fact its play does not hold; the fact check also
runs over every play of three simulated suite games (all four play-by-play formats).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import tempfile
import threading
import time
import wave
from pathlib import Path
from typing import Any

from cutups.analysis.runner import analyse
from cutups.commentary.checker import check_line
from cutups.commentary.facts import PlayContext
from cutups.commentary.lines import LineWriter
from cutups.commentary.slots import LEAD, play_slots
from cutups.commentary.speech import Speech, Synthesizer
from cutups.commentary.stream import StreamConfig, run_commentary
from cutups.commentary.voices import make_synth
from cutups.errors import CanceledError
from cutups.media.ffmpeg import file_arg, run
from cutups.media.probe import probe
from cutups.pbp.load import load_pbp
from cutups.pipeline import run_recipe
from cutups.recipes.base import RecipeInputs, RunContext
from cutups.recipes.plays import facts_of
from cutups.recipes.plays_recipe import PlaysAnalysis, PlaysOptions, PlaysRecipe
from cutups.recipes.registry import get_recipe
from cutups.settings import Settings
from cutups.timeline import PlayFacts
from cutups_testkit import generate_cached, presets
from cutups_testkit.api import plan
from cutups_testkit.pbp_export import export_pbp

AAC_FRAME = 1024 / 48_000
LOOK = "box_topleft_480p30"


def streaming(
    video: Path, out: Path, voice: str, *, stop_after_first: bool = False, fast_start: bool = False
) -> dict[str, Any]:
    recipe = get_recipe("commentary")
    cancel = threading.Event()
    marks: dict[str, float] = {}
    chunks: list[dict[str, Any]] = []
    started = time.monotonic()

    def on_event(event: Any) -> None:
        now = time.monotonic() - started
        marks.setdefault(event["type"], now)
        if event["type"] == "chunk_ready":
            chunks.append({**event, "at": now})
            if stop_after_first:
                cancel.set()

    ctx = RunContext(settings=Settings(cache_dir=out / "cache"), out_dir=out / "job",
                     job_id="stream", on_event=on_event, cancel=cancel)  # fmt: skip
    with contextlib.suppress(CanceledError):
        run_recipe(recipe, recipe.options({"voice": voice, "fast_start": fast_start}), video, ctx)
    total = time.monotonic() - started
    made = sum(c["end"] - c["start"] for c in chunks)
    after_first = total - chunks[0]["at"] if chunks else math.nan
    return {
        "first_chunk": marks.get("chunk_ready"),
        "first_play": marks.get("events_detected"),
        "total": total,
        "chunks": len(chunks),
        "stream_seconds": made,
        "rate": (made - (chunks[0]["end"] - chunks[0]["start"])) / after_first
        if len(chunks) > 1 else math.nan,
        "out": out / "job",
        "second_chunk": chunks[1]["at"] if len(chunks) > 1 else math.nan,
        "first_seconds": chunks[0]["end"] - chunks[0]["start"] if chunks else math.nan,
        "margin": _join_margin(chunks),
    }  # fmt: skip


def _join_margin(chunks: list[dict[str, Any]]) -> float:
    """The least, over the first play's joins, of (stream time ahead when the next chunk lands
    if playback starts at the first chunk_ready): negative, a live page would stall there."""
    first = [c for c in chunks if c["play"] == 0]
    if len(first) < 2:
        return math.nan
    return min(
        (nxt["stream_start"] - chunks[0]["stream_start"]) - (nxt["at"] - chunks[0]["at"])
        for nxt in first[1:]
    )


class _Voiced:
    """The batch pipeline's 'speak all' results, handed to the render stage."""

    name = "voiced"

    def __init__(self, voiced: dict[str, Speech], synth: Synthesizer) -> None:
        self.voiced, self.synth = voiced, synth

    def synthesize(self, text: str) -> Speech:
        return self.voiced.get(text) or self.synth.synthesize(text)


def batch(video: Path, out: Path, voice: str) -> dict[str, Any]:
    """Seed 002's sequential pipeline: each stage over every play before the next starts."""
    started, stages = time.monotonic(), {}
    settings = Settings(cache_dir=out / "cache")
    info = probe(video)
    inputs = RecipeInputs(video, info)
    recipe = PlaysRecipe()
    analysis = PlaysAnalysis(analyse(info, cache_dir=None, workers=settings.workers), None)
    timeline = recipe.plan(analysis, inputs, PlaysOptions(), settings)
    slots = list(play_slots(timeline.clips, info.duration))
    stages["detect"] = time.monotonic() - started
    writer = LineWriter(seed=0)
    lines = [writer.write(s.play, s.budget).text for s in slots]
    stages["write"] = time.monotonic() - started
    synth = make_synth(voice, settings)  # type: ignore[arg-type]
    voiced = {text: synth.synthesize(text) for text in lines if text}
    stages["speak"] = time.monotonic() - started
    first: list[float] = []

    def on_event(event: Any) -> None:
        if event.type == "chunk_ready" and not first:
            first.append(time.monotonic() - started)

    run_commentary(slots, info, out, writer=writer, synth=_Voiced(voiced, synth),
                   on_event=on_event, config=StreamConfig())  # fmt: skip
    stages["render"] = time.monotonic() - started
    total = time.monotonic() - started
    # Nothing is shown before the final video exists: that is the batch's first playback.
    return {"first_chunk": total, "first_chunk_file": first[0] if first else None,
            "total": total, "stages": stages}  # fmt: skip


def long_video(piece: Path, hours: float, out: Path) -> Path:
    seconds = probe(piece).duration
    copies = max(1, math.ceil(hours * 3600 / seconds))
    listing = out / "pieces.txt"
    listing.write_text("".join(f"file '{piece}'\n" for _ in range(copies)))
    long = out / f"long_{copies}x.mp4"
    if long.exists() and probe(long, keyframes=False).duration >= copies * seconds - 1:
        return long  # made by an earlier run with the same --out
    run(["ffmpeg", "-nostdin", "-y", "-v", "error", "-f", "concat", "-safe", "0", "-i",
         file_arg(listing), "-c", "copy", file_arg(long)])  # fmt: skip
    return long


def _packets(path: Path, stream: str) -> list[str]:
    out = run(["ffmpeg", "-nostdin", "-v", "error", "-i", file_arg(path), "-map", f"0:{stream}",
               "-c", "copy", "-f", "framemd5", "-"]).stdout.decode()  # fmt: skip
    return [
        line.rsplit(",", 1)[-1].strip() for line in out.splitlines() if not line.startswith("#")
    ]


def stream_copy_and_drift(job: Path) -> dict[str, Any]:
    """Per stream: packets of the final video, how many are byte for byte a chunk's packet
    (a re-encode would leave next to none), and how many chunk packets the join left out."""
    manifest = json.loads((job / "manifest.json").read_text())
    chunks = [job / name for c in manifest["clips"] for name in c["chunks"]]
    streams = {}
    for stream in ("v", "a"):
        final = _packets(job / "commentary.mp4", stream)
        joined = [p for c in chunks for p in _packets(c, stream)]
        known = set(joined)
        copied = sum(p in known for p in final)
        streams[stream] = {
            "packets": len(final),
            "copied": copied,
            "left_out": len(joined) - copied,
        }
    return {"streams": streams, "drift": manifest["commentary"]["drift_seconds"]}


def line_checks(job: Path) -> dict[str, int]:
    """Lines of the run: outside their play, running past their chunk, or stating a fact the
    play does not hold."""
    manifest = json.loads((job / "manifest.json").read_text())
    late = overrun = invented = lines = 0
    for clip in manifest["clips"]:
        if not clip.get("commentary"):
            continue
        lines += 1
        n = clip["play"]  # voice/line_NNNN.wav: its play's index
        with wave.open(str(job / "voice" / f"line_{n:04d}.wav")) as wav:
            spoken = wav.getnframes() / wav.getframerate()
        at = max(clip["start"], clip["snap"] + LEAD)
        late += not clip["snap"] <= at <= clip["end_of_play"] + 2.0
        overrun += at + spoken > clip["end"] + 1e-3
        seconds = round(clip["end_of_play"] - clip["snap"])
        play = PlayContext(PlayFacts.from_dict(clip), play_seconds=seconds, index=n)
        invented += bool(check_line(clip["commentary"], play))
    return {"lines": lines, "outside_play": late, "past_chunk": overrun, "invented": invented}


def suite_facts(out: Path, games: int) -> dict[str, int]:
    writer, lines, invented = LineWriter(seed=0), 0, 0
    for seed in range(games):
        spec = presets.suite(LOOK, seed)
        game, layout, _ = plan(spec)
        folder = out / f"suite{seed}"
        folder.mkdir(parents=True, exist_ok=True)
        for path in export_pbp(game, layout, spec, folder).values():
            for n, row in enumerate(load_pbp(path).plays):
                if not row.is_play:
                    continue
                play = PlayContext(facts_of(row), index=n)
                text = writer.write(play, 30.0).text
                if text:
                    lines += 1
                    invented += bool(check_line(text, play))
    return {"lines": lines, "invented": invented}


def _load() -> str:
    return "load {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--voice", default="piper", choices=("piper", "espeak"))
    parser.add_argument("--hours", type=float, default=3.0)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--suite-games", type=int, default=3, help="games for the fact check")
    parser.add_argument("--no-fast-start", action="store_true", help="skip the fast-start run")
    args = parser.parse_args()
    root = args.out or Path(tempfile.mkdtemp(prefix="commentary-latency-"))
    piece = generate_cached(presets.minutes(133 / 60, LOOK), root / "broadcasts").video
    print(f"133-s broadcast: {piece} ({probe(piece).duration:.1f} s), voice {args.voice}")
    print(f"before: {_load()}")
    s = streaming(piece, root / "stream", args.voice)
    print(
        f"streaming: first chunk {s['first_chunk']:.2f} s (first play {s['first_play']:.2f} s), "
        f"total {s['total']:.2f} s, {s['chunks']} chunks, rate {s['rate']:.2f}x real time "
        f"({_load()})"
    )
    fast = None
    if not args.no_fast_start:
        fast = streaming(piece, root / "stream_fast", args.voice, fast_start=True)
        print(
            f"streaming, fast start: first chunk {fast['first_chunk']:.2f} s (first play "
            f"{fast['first_play']:.2f} s), total {fast['total']:.2f} s, {fast['chunks']} chunks, "
            f"rate {fast['rate']:.2f}x real time; the rest of the first play at "
            f"{fast['second_chunk']:.2f} s, {fast['second_chunk'] - fast['first_chunk']:.2f} s "
            f"after its {fast['first_seconds']:.2f}-s head; least margin at the first play's "
            f"joins {fast['margin']:+.2f} s ({_load()})"
        )
    b = batch(piece, root / "batch", args.voice)
    print(
        f"batch:     first playback {b['first_chunk']:.2f} s (its first chunk file at "
        f"{b['first_chunk_file']:.2f} s), total {b['total']:.2f} s, stages (cumulative) "
        + ", ".join(f"{k} {v:.2f}" for k, v in b["stages"].items())
        + f" ({_load()})"
    )
    print(
        f"ratios batch/streaming: first chunk {b['first_chunk'] / s['first_chunk']:.1f}x, "
        f"total {b['total'] / s['total']:.2f}x"
    )
    checks = stream_copy_and_drift(s["out"])
    print(
        f"final video against its chunks: {checks['streams']}; A/V drift "
        f"{checks['drift'] * 1000:.1f} ms (limit {AAC_FRAME * 1000:.1f})"
    )
    print(f"line checks (this run): {line_checks(s['out'])}")
    if fast is not None:
        checks = stream_copy_and_drift(fast["out"])
        print(
            f"fast start, final video against its chunks: {checks['streams']}; A/V drift "
            f"{checks['drift'] * 1000:.1f} ms; line checks: {line_checks(fast['out'])}"
        )
    facts = suite_facts(root, args.suite_games)
    print(f"fact check over {args.suite_games} suite games x 4 formats: {facts}")
    long = long_video(piece, args.hours, root)
    info = probe(long, keyframes=False)
    lg = streaming(
        long, root / "long", args.voice, stop_after_first=True, fast_start=fast is not None
    )
    print(
        f"long ({info.duration / 3600:.2f} h, {long.stat().st_size / 1e9:.1f} GB"
        f"{', fast start' if fast else ''}): first chunk "
        f"{lg['first_chunk']:.2f} s (first play {lg['first_play']:.2f} s) ({_load()})"
    )


if __name__ == "__main__":
    main()
