"""Render a preset from the command line.

Usage::

    python -m cutups.mediagen tiny out/tiny
    python -m cutups.mediagen demo out/demo
    python -m cutups.mediagen suite out/suite --look dark_topright_720p60_longgop --seed 0
    python -m cutups.mediagen full out/full --look bar_bottom_720p30 --seed 3
    python -m cutups.mediagen minutes out/m10 --minutes 10
    python -m cutups.mediagen tiny out/cache --cache   # reuse / fill a render cache

Prints the video path, then one line per play (snap, whistle, type).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cutups.mediagen import presets
from cutups.mediagen.api import generate, generate_cached
from cutups.mediagen.looks import LOOKS
from cutups.mediagen.spec import BroadcastSpec

__all__ = ["main"]


def _spec(args: argparse.Namespace) -> BroadcastSpec:
    look = args.look or "bar_bottom_720p30"
    if args.preset == "tiny":
        return presets.tiny(args.look or "box_topleft_480p30")
    if args.preset == "demo":
        return presets.demo()
    if args.preset == "suite":
        return presets.suite(look, args.seed)
    if args.preset == "full":
        return presets.full_game(look, args.seed)
    return presets.minutes(args.minutes, look, args.seed)


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    ap = argparse.ArgumentParser(
        prog="python -m cutups.mediagen",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("preset", choices=["tiny", "demo", "suite", "full", "minutes"])
    ap.add_argument("out", type=Path, help="output directory (or cache root with --cache)")
    ap.add_argument("--look", choices=sorted(LOOKS), default=None)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--cache", action="store_true", help="treat OUT as a render cache root")
    args = ap.parse_args(argv)
    spec = _spec(args)

    def progress(x: float) -> None:
        sys.stderr.write(f"\r{100 * x:5.1f} %")

    out = (
        generate_cached(spec, args.out, progress=progress)
        if args.cache
        else generate(spec, args.out, progress=progress)
    )
    sys.stderr.write("\n")
    sys.stdout.write(f"{out.video}\n")
    for p in out.truth.plays:
        sys.stdout.write(f"{p.snap:9.3f} {p.whistle:9.3f}  {p.play_type}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
