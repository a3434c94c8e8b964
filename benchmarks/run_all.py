"""Run the benchmarks and rewrite the generated tables in BENCHMARKS.md.

    python benchmarks/run_all.py --quick   # minutes: 10-minute speed run, 5 looks for accuracy
    python benchmarks/run_all.py --full    # hours: 3-hour speed run, scaling, all looks

Each table sits between ``<!-- name:begin -->`` and ``<!-- name:end -->`` markers, so hand-written
text around them survives a rerun.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "BENCHMARKS.md"
QUICK_LOOKS = (
    "box_topleft_480p30",
    "bar_bottom_720p30",
    "team_topcenter_720p30",
    "light_bottomleft_480p30_longgop",
    "serif_bottomcenter_480p60",
    "dark_topright_720p60_longgop",
)
"""Six looks: three the detector was tuned on, three held out."""


def machine() -> str:
    mem = Path("/proc/meminfo").read_text().split("\n", 1)[0].split()[1]
    cpu = next(
        (
            ln.split(":", 1)[1].strip()
            for ln in Path("/proc/cpuinfo").read_text().splitlines()
            if ln.startswith("model name")
        ),
        platform.processor(),
    )
    return (
        f"{os.cpu_count()} cores ({cpu}), {int(mem) / 1024 / 1024:.0f} GiB, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}, "
        f"{dt.date.today().isoformat()}"
    )


def replace_block(name: str, body: str) -> None:
    text = DOC.read_text() if DOC.exists() else "# Benchmarks\n"
    block = f"<!-- {name}:begin -->\n{body.strip()}\n<!-- {name}:end -->"
    pattern = re.compile(rf"<!-- {name}:begin -->.*?<!-- {name}:end -->", re.S)
    text = pattern.sub(block, text) if pattern.search(text) else f"{text.rstrip()}\n\n{block}\n"
    DOC.write_text(text)


def speed_table(results: list[dict[str, object]]) -> str:
    rows = [
        "| video | plain decode | analysis | total job | job / decode | cut+package | "
        "predecessor cut+package | predecessor / ours | peak RSS | PySceneDetect |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        goal_total = "✅" if float(r["ratio_total_vs_decode"]) <= 1.0 else "❌ goal ≤ 1.0×"  # type: ignore[arg-type]
        baseline = r["ratio_baseline_vs_ours_cutting"]
        # --ours-only runs (scaling, the long video) skip the predecessor: no verdict, no ratio.
        goal_cut = "" if baseline is None else "✅" if float(baseline) >= 20 else "❌ goal ≥ 20×"  # type: ignore[arg-type]
        goal_rss = "✅" if float(r["peak_rss_mb"]) <= 1536 else "❌ goal ≤ 1.5 GB"  # type: ignore[arg-type]
        scene = "not run" if r["scenedetect_s"] is None else f"{r['scenedetect_s']} s"
        rows.append(
            f"| {r['minutes']} min {r['look']} ({r['clips']} clips) | {r['plain_decode_s']} s "
            f"| {r['analysis_s']} s | {r['total_s']} s "
            f"| {r['ratio_total_vs_decode']}× {goal_total} "
            f"| {r['cut_and_package_s']} s "
            + (
                "| not run | — "
                if baseline is None
                else f"| {r['baseline_cut_and_package_s']} s | {baseline}× {goal_cut} "
            )
            + f"| {r['peak_rss_mb']} MB {goal_rss} | {scene} |"
        )
    stages = "; ".join(
        f"{r['minutes']} min: " + ", ".join(f"{k} {v} s" for k, v in r["stages_s"].items())
        for r in results
    )  # type: ignore[attr-defined]
    repeats = "".join(
        f"\n{r['minutes']} min: median of {r['repeats']} alternating runs (job / decode in each: "
        + ", ".join(f"{x}×" for x in r["ratios_total_vs_decode"])  # type: ignore[attr-defined]
        + ")."
        for r in results
        if int(r.get("repeats", 1)) > 1  # type: ignore[call-overload]
    )
    return "\n".join(rows) + f"\n\nStages: {stages}\n{repeats}\n"


def scaling_table(results: list[dict[str, Any]]) -> str:
    """Time and peak memory against video length: memory must stay flat."""
    rows = [
        "| video length | plain decode | our job | job / decode | peak RSS |",
        "|---|---|---|---|---|",
    ]
    for r in results:
        goal = "✅" if float(r["peak_rss_mb"]) <= 1536 else "❌ goal ≤ 1.5 GB"
        ratio = float(r["ratio_total_vs_decode"])
        # The speed goal is stated for the 3-hour broadcast; shorter runs show the trend.
        held = float(r["minutes"]) >= 170
        speed = (" ✅" if ratio <= 1.0 else " ❌ goal ≤ 1.0×") if held else ""
        rows.append(
            f"| {r['minutes']} min | {r['plain_decode_s']} s | {r['total_s']} s "
            f"| {r['ratio_total_vs_decode']}×{speed} | {r['peak_rss_mb']} MB {goal} |"
        )
    return "\n".join(rows)


def run(argv: list[str]) -> str:
    proc = subprocess.run(
        [sys.executable, *argv], cwd=ROOT, check=True, capture_output=True, text=True
    )
    return proc.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--quick", action="store_true")
    mode.add_argument("--full", action="store_true")
    parser.add_argument("--cache", default=".cache/bench")
    parser.add_argument(
        "--accuracy-table",
        type=Path,
        default=None,
        help="use this accuracy.py output instead of running it again",
    )
    args = parser.parse_args(argv)
    scenedetect = ROOT / ".venv-bench" / "bin" / "scenedetect"
    extra = ["--scenedetect", str(scenedetect)] if scenedetect.exists() else []
    # The full run measures everything side by side on 3 hours, and only our job (and the
    # plain decode) at the shorter lengths, for the scaling table.
    lengths = [10.0] if args.quick else [5.0, 30.0, 90.0, 180.0]
    results = []
    for minutes in lengths:
        ours_only = ["--ours-only"] if args.full and minutes < 180 else []
        out = Path(args.cache) / f"speed-{minutes:g}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        run(
            [
                "benchmarks/speed.py",
                "--minutes",
                str(minutes),
                "--cache",
                args.cache,
                "--json",
                str(out),
                *extra,
                *ours_only,
                # Medians of three side-by-side runs where it is cheap: single runs of the
                # 10-minute job varied 0.81-1.19x of a plain decode on one machine within an hour.
                *(["--repeat", "3"] if minutes <= 30 else []),
            ]
        )
        results.append(json.loads(out.read_text()))
        print(f"speed {minutes} min done", file=sys.stderr)
    replace_block("machine", f"Machine: {machine()}")
    full = [r for r in results if r["baseline_cut_and_package_s"] is not None]
    replace_block("speed", speed_table(full))
    if args.full:
        replace_block("scaling", scaling_table(results))
    if args.accuracy_table is not None:
        replace_block("accuracy", args.accuracy_table.read_text())
    else:
        looks = ",".join(QUICK_LOOKS) if args.quick else None
        acc_args = ["benchmarks/accuracy.py", "--cache", args.cache]
        if looks:
            acc_args += ["--looks", looks]
        replace_block("accuracy", run(acc_args))
    print(f"wrote {DOC}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
