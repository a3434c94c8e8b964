"""``cutups-testkit`` (also ``python -m cutups_testkit``): sample broadcasts and the demo.

Exit codes as for ``cutups`` (:mod:`cutups.commandline`): 0 success, 2 bad input, 1 internal.
"""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Callable, Sequence
from pathlib import Path

import cutups.cli
from cutups.commandline import (
    EXIT_INPUT,
    EXIT_OK,
    Parser,
    configure_logging,
    console,
    progress_display,
    run_guarded,
)
from cutups_testkit import presets
from cutups_testkit.api import GeneratedBroadcast, generate, generate_cached
from cutups_testkit.looks import LOOKS, without_bug
from cutups_testkit.spec import BroadcastSpec

__all__ = ["main"]

_DESCRIPTION = """\
Sample football broadcasts with exact ground truth (truth.json, read by `cutups eval`) and
play-by-play files, for trying Cutups, its tests and its benchmarks.

examples:
  cutups-testkit demo                               render the sample broadcast and cut it
  cutups-testkit generate out/sample --preset suite --look box_topleft_480p30
  cutups-testkit generate ~/.cache/cutups/samples --preset tiny --cache
  cutups-testkit generate out/net --preset suite --look net_grass_720p50 --seed 1
                                                    a held-out network-style broadcast
  cutups-testkit generate out/nobug --preset suite --look net_grass_720p50 --no-bug
  cutups-testkit looks                              the broadcast looks to choose from
  cutups-testkit looks --split held_out             network looks kept out of tuning
"""

PRESETS = ("tiny", "clip", "demo", "suite", "full", "minutes")
DEFAULT_LOOK = "bar_bottom_720p30"


def _build_parser() -> Parser:
    parser = Parser(
        prog="cutups-testkit",
        description=_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="log more")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    demo = sub.add_parser("demo", help="render the sample broadcast and run the plays job on it")
    demo.add_argument("--out", type=Path, default=Path("out/demo"), metavar="DIR")
    demo.add_argument(
        "--look", choices=sorted(LOOKS), metavar="NAME", help="sample broadcast look (see `looks`)"
    )
    demo.add_argument(
        "--video-only",
        action="store_true",
        help="ignore the sample's play-by-play (detection from the video alone)",
    )

    gen = sub.add_parser("generate", help="render a sample broadcast with ground truth")
    gen.add_argument("out", type=Path, metavar="DIR", help="output folder (cache root: --cache)")
    gen.add_argument("--preset", default="demo", choices=PRESETS)
    gen.add_argument(
        "--look", choices=sorted(LOOKS), metavar="NAME", help="broadcast look (see `looks`)"
    )
    gen.add_argument("--seed", type=int, default=1, help="game seed (suite, full, minutes)")
    gen.add_argument("--minutes", type=float, default=10.0, help="length for --preset minutes")
    gen.add_argument(
        "--no-bug",
        action="store_true",
        help="render without any scorebug (the look's name gets a _nobug suffix)",
    )
    gen.add_argument(
        "--cache",
        action="store_true",
        help="treat DIR as a render cache: reuse a finished render of the same spec",
    )

    looks = sub.add_parser("looks", help="list the sample broadcast looks")
    looks.add_argument(
        "--split",
        choices=("classic", "tuning", "held_out"),
        help="only classic (flat) looks, or network looks to tune on / held out from tuning",
    )
    return parser


def demo_spec(look: str | None) -> BroadcastSpec:
    """The demo broadcast, optionally in another look (same game, same timeline)."""
    spec = presets.demo()
    return spec if look is None else dataclasses.replace(spec, look=LOOKS[look])


def preset_spec(preset: str, look: str | None, seed: int, minutes: float) -> BroadcastSpec:
    """The broadcast a ``generate`` preset names."""
    if preset == "tiny":
        return presets.tiny() if look is None else presets.tiny(look)
    if preset == "clip":
        return presets.clip(look or "net_fullbar_720p30", seed)
    if preset == "demo":
        return demo_spec(look)
    if preset == "suite":
        return presets.suite(look or DEFAULT_LOOK, seed)
    if preset == "full":
        return presets.full_game(look or DEFAULT_LOOK, seed)
    return presets.minutes(minutes, look or DEFAULT_LOOK, seed)


def _render(spec: BroadcastSpec, out: Path, *, cached: bool) -> GeneratedBroadcast:
    """Render with a progress bar; into ``out``, or reusing the cache under ``out``."""
    with progress_display() as bars:
        task = bars.add_task("generating", total=1.0)

        def progress(fraction: float) -> None:
            bars.update(task, completed=fraction)

        if cached:
            return generate_cached(spec, out, progress=progress)
        return generate(spec, out, progress=progress)


def _samples_dir() -> Path:
    """Where the demo caches its rendered broadcast (next to the engine's analysis cache)."""
    from cutups.settings import load_settings

    return load_settings().cache_dir / "samples"


def _cmd_demo(args: argparse.Namespace) -> int:
    console.print("rendering the sample broadcast (cached after the first time)…")
    sample = _render(demo_spec(args.look), _samples_dir(), cached=True)
    print(f"sample broadcast: {sample.video}")
    run_argv = ["-v"] * args.verbose + ["run", str(sample.video), "--out", str(args.out)]
    team = None if args.video_only else sample.truth.home.name
    if team is not None:
        run_argv += ["--pbp", str(sample.pbp["cfbd_json"]), "--team", team]
    code = cutups.cli.main(run_argv)
    if code != EXIT_OK:
        return code
    team_arg = f" --team '{team}'" if team else ""
    print(f"truth:    {sample.truth_path}")
    print(
        f"evaluate: .venv/bin/cutups eval {sample.truth_path} {args.out / 'manifest.json'}"
        f"{team_arg}"
    )
    return EXIT_OK


def _cmd_generate(args: argparse.Namespace) -> int:
    spec = preset_spec(args.preset, args.look, args.seed, args.minutes)
    if args.no_bug:
        spec = dataclasses.replace(spec, look=without_bug(spec.look))
    out = _render(spec, args.out, cached=args.cache)
    print(f"video: {out.video}\ntruth: {out.truth_path}")
    for kind, path in out.pbp.items():
        print(f"{kind}: {path}")
    print(f"plays: {len(out.truth.plays)}")
    return EXIT_OK


def _cmd_looks(args: argparse.Namespace) -> int:
    for name, lk in LOOKS.items():
        if args.split is None or lk.split == args.split:
            print(name)
    return EXIT_OK


_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "demo": _cmd_demo,
    "generate": _cmd_generate,
    "looks": _cmd_looks,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``cutups-testkit`` and ``python -m cutups_testkit``; the exit code."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    configure_logging(args.verbose)
    if args.command is None:
        parser.print_help()
        return EXIT_INPUT
    command = _COMMANDS[args.command]
    return run_guarded("cutups-testkit", lambda: command(args), verbose=args.verbose)
