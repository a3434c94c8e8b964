"""Speed and memory of the plays job, side by side with the floor and the predecessor, in one run.

For a generated broadcast of ``--minutes`` minutes (720p 29.97 by default) this measures, in the
same run on the same file:

- the floor: one plain ``ffmpeg -i X -f null -`` decode;
- our analysis pass (no cache), and the whole plays job per stage, in a child process whose peak
  RSS is read from the kernel;
- the predecessor's cutting and packaging, reproduced faithfully from its design document
  (seed 000): every clip cut one at a time with ``-ss/-t`` and re-encoded (libx264 CRF 20
  veryfast, AAC 128k), and the reel always re-encoded;
- optionally PySceneDetect's ``detect-adaptive`` over the same file (``--scenedetect PATH`` to a
  ``scenedetect`` executable from a separate environment, since it pulls the GUI OpenCV).

It prints a Markdown table and the ratios; ``run_all.py`` writes them into BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cutups.media.probe import probe
from cutups_testkit import generate_cached, presets

PREDECESSOR_ENCODE = ("-c:v", "libx264", "-preset", "veryfast", "-crf", "20")
PREDECESSOR_ENCODE += ("-c:a", "aac", "-b:a", "128k")
"""The predecessor's encode, for every clip and for the reel (seed 000)."""
PIECE_MINUTES = 30.0
"""Longer benchmark videos are this much generated broadcast played back to back."""


def broadcast(minutes: float, look: str, samples: Path) -> Path:
    """A generated 720p broadcast of ``minutes`` minutes.

    Up to :data:`PIECE_MINUTES` it is rendered directly. Longer ones are the rendered piece
    repeated by stream copy (ffmpeg's concat demuxer) and trimmed: rendering three hours of
    synthetic video would take longer than everything measured here, and for time and memory
    only the amount of video matters, not whether a play repeats. The job still sees a
    continuous broadcast: one file, rising timestamps, the bug on screen.
    """
    piece = generate_cached(presets.minutes(min(minutes, PIECE_MINUTES), look), samples).video
    if minutes <= PIECE_MINUTES:
        return piece
    out = samples / f"{piece.parent.name}-x{minutes:g}min.mp4"
    if not out.exists():
        listing = samples / f"{out.stem}.txt"
        copies = math.ceil(minutes / PIECE_MINUTES)
        listing.write_text("".join(f"file '{piece}'\n" for _ in range(copies)))
        partial = out.with_suffix(".part.mp4")
        subprocess.run(
            [
                *("ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "concat", "-safe", "0"),
                *("-i", str(listing), "-t", f"{minutes * 60:.3f}", "-c", "copy", str(partial)),
            ],
            check=True,
        )
        partial.rename(out)
    return out


def _timed(argv: list[str], **kw: object) -> float:
    started = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)  # type: ignore[call-overload]
    return time.perf_counter() - started


def plain_decode(video: Path) -> float:
    return _timed(["ffmpeg", "-nostdin", "-v", "error", "-i", str(video), "-f", "null", "-"])


_CHILD = r"""
import json, os, sys, time, resource, tempfile, threading
from pathlib import Path
from cutups.pipeline import PlaysJob, run_plays
from cutups.settings import Settings

def tree_rss_mb():
    # Resident size of this process and all its descendants (the analysis's span processes).
    total, todo = 0, [os.getpid()]
    while todo:
        pid = todo.pop()
        try:
            with open(f"/proc/{pid}/statm") as f:
                total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as f:
                    todo += [int(c) for c in f.read().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total / 2**20

peak = {"mb": 0.0}
def watch():
    while True:
        peak["mb"] = max(peak["mb"], tree_rss_mb())
        time.sleep(0.1)
threading.Thread(target=watch, daemon=True).start()
stages = {}
marks = {"t": time.perf_counter(), "stage": None}
def progress(stage, fraction, detail):
    now = time.perf_counter()
    if marks["stage"] != stage:
        if marks["stage"] is not None:
            stages[marks["stage"]] = stages.get(marks["stage"], 0.0) + now - marks["t"]
        marks["stage"], marks["t"] = stage, now
started = time.perf_counter()
job = PlaysJob(source=Path(sys.argv[1]), out_dir=Path(sys.argv[2]))
# A fresh, empty cache: the analysis really runs.
result = run_plays(job, Settings(cache_dir=Path(tempfile.mkdtemp())), progress=progress)
now = time.perf_counter()
stages[marks["stage"]] = stages.get(marks["stage"], 0.0) + now - marks["t"]
print(json.dumps({"total": now - started, "stages": stages,
                  "clips": [[c["start"], c["end"]] for c in result.manifest["clips"]],
                  "peak_rss_mb": max(peak["mb"],
                                     resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))
"""


def ours(video: Path, out: Path) -> dict[str, object]:
    """The plays job in a child process (so its peak RSS is its own)."""
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, str(video), str(out)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def _median_run(runs: list[dict[str, object]]) -> dict[str, object]:
    """The run with the median total time (its stages and clips as they were)."""
    ordered = sorted(runs, key=lambda r: float(r["total"]))  # type: ignore[arg-type]
    return ordered[(len(ordered) - 1) // 2]


def baseline(video: Path, clips: list[list[float]], work: Path) -> float:
    """The predecessor's segment + package stages: serial re-encoded cuts, re-encoded reel."""
    started = time.perf_counter()
    paths = []
    for n, (start, end) in enumerate(clips):
        out = work / f"clip_{n}.mp4"
        subprocess.run(
            [
                "ffmpeg",
                "-nostdin",
                "-v",
                "error",
                "-y",
                "-ss",
                f"{start:.3f}",
                "-i",
                str(video),
                "-t",
                f"{end - start:.3f}",
                *PREDECESSOR_ENCODE,
                "-movflags",
                "+faststart",
                str(out),
            ],
            check=True,
        )
        subprocess.run(
            [
                "ffmpeg",
                "-nostdin",
                "-v",
                "error",
                "-y",
                "-ss",
                f"{(end - start) / 2:.3f}",
                "-i",
                str(out),
                "-frames:v",
                "1",
                "-q:v",
                "2",
                str(work / f"clip_{n}.jpg"),
            ],
            check=True,
        )
        paths.append(out)
    listing = work / "list.txt"
    listing.write_text("".join(f"file '{p}'\n" for p in paths))
    subprocess.run(
        [
            "ffmpeg",
            "-nostdin",
            "-v",
            "error",
            "-y",
            "-f",
            "concat",
            "-safe",
            "0",
            "-i",
            str(listing),
            *PREDECESSOR_ENCODE,
            str(work / "reel.mp4"),
        ],
        check=True,
    )
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--look", default="bar_bottom_720p30")
    parser.add_argument("--cache", type=Path, default=Path(".cache/bench"))
    parser.add_argument("--scenedetect", default=None, help="path to a scenedetect executable")
    parser.add_argument("--json", type=Path, default=None, help="also write results here")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="alternate the plain decode and our job this many times and report medians "
        "(a shared machine's speed drifts by 10-20%% between minutes)",
    )
    parser.add_argument(
        "--ours-only",
        action="store_true",
        help="skip the predecessor baseline and PySceneDetect (scaling runs)",
    )
    args = parser.parse_args(argv)
    video = broadcast(args.minutes, args.look, args.cache / "samples")
    with tempfile.TemporaryDirectory(prefix="cutups-speed-") as tmp:
        work = Path(tmp)
        floors, runs = [], []
        for attempt in range(max(1, args.repeat)):
            floors.append(plain_decode(video))
            runs.append(ours(video, work / f"ours-{attempt}"))
        floor = statistics.median(floors)
        run = _median_run(runs)
        clips = run["clips"]
        assert isinstance(clips, list)
        stages = run["stages"]
        assert isinstance(stages, dict)
        cutting = float(stages.get("cutting", 0.0)) + float(stages.get("packaging", 0.0))
        base = None
        if not args.ours_only:
            (work / "base").mkdir()
            base = baseline(video, clips, work / "base")
        scene = None
        if args.scenedetect and not args.ours_only:
            scene = _timed([args.scenedetect, "-i", str(video), "-q", "detect-adaptive"], cwd=tmp)
    total = float(run["total"])  # type: ignore[arg-type]
    analysis = float(stages.get("analysing", 0.0)) + float(stages.get("probing", 0.0))
    result = {
        "video": str(video),
        "minutes": round(probe(video).duration / 60, 1),
        "look": args.look,
        "plain_decode_s": round(floor, 1),
        "analysis_s": round(analysis, 1),
        "stages_s": {k: round(float(v), 1) for k, v in stages.items()},
        "total_s": round(total, 1),
        "peak_rss_mb": round(float(run["peak_rss_mb"]), 0),  # type: ignore[arg-type]
        "clips": len(clips),
        "cut_and_package_s": round(cutting, 1),
        "baseline_cut_and_package_s": None if base is None else round(base, 1),
        "scenedetect_s": None if scene is None else round(scene, 1),
        "repeats": len(floors),
        "ratios_total_vs_decode": [
            round(float(r["total"]) / f, 2)  # type: ignore[arg-type]
            for r, f in zip(runs, floors, strict=True)
        ],
        "ratio_total_vs_decode": round(total / floor, 2),
        "ratio_analysis_vs_decode": round(analysis / floor, 2),
        "ratio_baseline_vs_ours_cutting": (
            None if base is None else round(base / max(cutting, 1e-6), 1)
        ),
        "cpus": os.cpu_count(),
        "self_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
