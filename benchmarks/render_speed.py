"""CPU and wall seconds per minute of video to render a look (testkit), alone or with its twin.

    python benchmarks/render_speed.py [--look net_fullbar_720p30] [--preset clip] [--twin]

CPU is this process plus its ffmpeg children. To compare two trees, run it twice with each
tree's ``src`` and ``testkit/src`` first on ``PYTHONPATH`` (``--twin`` needs this branch).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import cutups_testkit as tk


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--look", default="net_fullbar_720p30")
    parser.add_argument("--preset", default="clip", choices=("clip", "tiny"))
    parser.add_argument("--twin", action="store_true", help="render the bug-off twin as well")
    args = parser.parse_args(argv)
    spec = getattr(tk.presets, args.preset)(args.look)
    with tempfile.TemporaryDirectory() as d:
        cpu0, wall0, load0 = _cpu(), time.perf_counter(), os.getloadavg()[0]
        if args.twin:
            out, _ = tk.generate_with_twin(spec, Path(d) / "bug", Path(d) / "nobug")
        else:
            out = tk.generate(spec, Path(d) / "bug")
        cpu, wall = _cpu() - cpu0, time.perf_counter() - wall0
    minutes = out.truth.video.duration / 60
    print(
        f"{args.look} {args.preset}{' + twin' if args.twin else ''}: "
        f"{out.truth.video.duration:.0f} s of video, CPU {cpu / minutes:.1f} s/min, "
        f"wall {wall / minutes:.1f} s/min, load {load0:.1f}-{os.getloadavg()[0]:.1f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
