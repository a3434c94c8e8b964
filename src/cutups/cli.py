"""The ``cutups`` command line.

Exit codes: 0 success; 2 bad input (a one-line reason on stderr); 1 internal error (one line,
``--verbose`` for the traceback). This module is the only place that prints or exits.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import threading
import traceback
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from rich.console import Console
from rich.logging import RichHandler
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from cutups import __version__
from cutups.errors import ConfigError, CutupsError, InputError

if TYPE_CHECKING:
    from cutups.mediagen import BroadcastSpec
    from cutups.output.render import RenderResult
    from cutups.settings import Settings

__all__ = ["main"]

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT = 0, 1, 2

_DESCRIPTION = """\
Cut long video into exact clips. The flagship recipe, `plays`, turns a football broadcast
into one clip per snap or kick (no replays, commercials or huddles), with a manifest, a
reel with a chapter per play, a browsable report and a ZIP.

examples:
  cutups demo                                   render a sample broadcast and cut it
  cutups run game.mp4 --out out/game            every play, from the video alone
  cutups run game.mp4 --pbp plays.json --team Michigan --out out/mich
  cutups eval truth.json out/game/manifest.json recall and precision against truth
"""

console = Console(stderr=True)


class _Parser(argparse.ArgumentParser):
    """argparse that exits with our input-error code and a one-line message."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        raise SystemExit(EXIT_INPUT)


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative: {text}")
    return value


def _add_run(sub: argparse._SubParsersAction[_Parser], recipe: str) -> None:
    """``cutups run``: the generic flags, then the chosen recipe's own (from its options)."""
    from cutups.recipes.flags import add_option_flags
    from cutups.recipes.registry import get_recipe, recipe_names

    run = sub.add_parser(
        "run",
        help="cut a video into clips with a recipe",
        description="Cut SOURCE with a recipe (default: plays) and package the result. "
        "`cutups run --recipe NAME --help` lists that recipe's options.",
    )
    run.add_argument("source", metavar="SOURCE", help="video file")
    run.add_argument(
        "--recipe", default="plays", choices=recipe_names(), help="what to cut (default: plays)"
    )
    run.add_argument("--out", required=True, type=Path, metavar="DIR", help="output folder")
    run.add_argument("--jobs", type=int, metavar="N", help="parallel cuts (default: one per core)")
    run.add_argument("--no-cache", action="store_true", help="recompute the analysis")
    chosen = get_recipe(recipe)
    group = run.add_argument_group(f"{chosen.name} options", chosen.title)
    if chosen.uses_pbp:
        group.add_argument(
            "--pbp",
            type=Path,
            metavar="FILE",
            help="play-by-play: CFBD /plays JSON or CSV, or ESPN summary JSON",
        )
    add_option_flags(group, chosen.options_model)


def _build_parser(recipe: str = "plays") -> argparse.ArgumentParser:
    parser = _Parser(
        prog="cutups",
        description=_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"cutups {__version__}")
    parser.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0,
        help="log more (-vv for debug, including ffmpeg commands)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    _add_run(sub, recipe)

    demo = sub.add_parser("demo", help="render the sample broadcast and run the plays job on it")
    demo.add_argument("--out", type=Path, default=Path("out/demo"), metavar="DIR")
    demo.add_argument("--look", default=None, help="sample broadcast look (see `cutups looks`)")
    demo.add_argument(
        "--video-only",
        action="store_true",
        help="ignore the sample's play-by-play (detection from the video alone)",
    )

    ev = sub.add_parser("eval", help="score a manifest against a truth file")
    ev.add_argument("truth", type=Path, metavar="TRUTH", help="truth.json from the generator")
    ev.add_argument("manifest", type=Path, metavar="MANIFEST", help="manifest.json of a job")
    ev.add_argument("--team", metavar="NAME", help="check buckets for this team")
    ev.add_argument("--json", action="store_true", help="print JSON instead of text")

    gen = sub.add_parser("generate", help="render a sample broadcast with ground truth")
    gen.add_argument("out", type=Path, metavar="DIR")
    gen.add_argument("--preset", default="demo", choices=["tiny", "demo", "suite", "full"])
    gen.add_argument("--look", default=None)
    gen.add_argument("--seed", type=int, default=1)

    lv = sub.add_parser("levels", help="write the per-second analysis signals (CSV, NPZ, PNG)")
    lv.add_argument("video", type=Path, metavar="VIDEO")
    lv.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="DIR",
        help="folder for VIDEO.levels.{csv,npz,png} (default: next to the video)",
    )

    pr = sub.add_parser("probe", help="print what a video file contains")
    pr.add_argument("file", type=Path)

    sub.add_parser("looks", help="list the sample broadcast looks")

    serve = sub.add_parser("serve", help="run the job service (API, web page, embedded workers)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="job store, uploads and outputs (default: $CUTUPS_DATA_DIR)",
    )
    serve.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="jobs run at once (default: $CUTUPS_MAX_CONCURRENCY)",
    )
    serve.add_argument(
        "--insecure", action="store_true", help="allow a non-loopback address without API keys"
    )

    worker = sub.add_parser("worker", help="run jobs from the shared queue (distributed mode)")
    from cutups.jobs.worker_cli import add_arguments as _worker_arguments

    _worker_arguments(worker)
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    from cutups.settings import Settings

    try:
        settings = Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ConfigError(f"bad setting {first['loc']}: {first['msg']}") from None
    if getattr(args, "no_cache", False):
        settings = settings.model_copy(update={"cache_dir": None})
    return settings


class _Bars:
    """A rich progress bar per stage, fed by the pipeline's progress callback."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._tasks: dict[str, TaskID] = {}
        self._lock = threading.Lock()

    def __call__(self, stage: str, fraction: float, detail: str) -> None:
        with self._lock:
            if stage not in self._tasks:
                self._tasks[stage] = self._progress.add_task(stage, total=1.0)
            self._progress.update(
                self._tasks[stage],
                completed=min(1.0, fraction),
                description=f"{stage:<10} {detail[:48]}",
            )


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
        disable=not console.is_terminal,
    )


def _cmd_run(args: argparse.Namespace) -> int:
    import dataclasses

    from cutups.pipeline import run_recipe
    from cutups.recipes.base import RunContext
    from cutups.recipes.flags import option_values
    from cutups.recipes.registry import get_recipe

    settings = _settings(args)
    recipe = get_recipe(args.recipe)
    source = Path(args.source)
    if "://" in args.source:
        raise InputError(f"URL sources are not supported by the CLI yet: {args.source}")
    if not source.exists():
        raise InputError(f"no such file: {source}")
    pbp: Path | None = getattr(args, "pbp", None)
    if pbp is not None and not pbp.exists():
        raise InputError(f"no such play-by-play file: {pbp}")
    if args.jobs is not None:
        settings = settings.model_copy(update={"jobs": max(0, args.jobs)})
    options = recipe.options(option_values(args, recipe.options_model))
    ctx = RunContext(settings=settings, out_dir=args.out, job_id=uuid.uuid4().hex[:12])
    with _progress() as bars:
        ctx = dataclasses.replace(ctx, progress=_Bars(bars))
        result = run_recipe(recipe, options, source, ctx, pbp=pbp)
    _print_result(result.manifest, result)
    return EXIT_OK


def _print_result(manifest: Mapping[str, Any], result: RenderResult) -> None:
    """The one-line outcome, and every warning the job recorded with what it costs."""
    counts = manifest.get("bucket_counts") or {}
    summary = ", ".join(f"{k} {v}" for k, v in counts.items() if v)
    clips = len(manifest["clips"])
    print(f"{clips} clips" + (f" ({summary})" if summary else "") + f" in {result.out_dir}")
    print(f"manifest: {result.manifest_path}")
    print(f"report:   {result.report}")
    for warning in manifest.get("warnings") or ():
        sys.stderr.write(f"cutups: warning: {warning['message']}: {warning['cost']}\n")


def _demo_spec(look: str | None) -> BroadcastSpec:
    """The demo broadcast, optionally in another look (same game, same timeline)."""
    import dataclasses

    from cutups.mediagen import LOOKS, presets

    spec = presets.demo()
    if look is None:
        return spec
    if look not in LOOKS:
        raise InputError(f"unknown look {look!r}; see `cutups looks`")
    return dataclasses.replace(spec, look=LOOKS[look])


def _cmd_demo(args: argparse.Namespace) -> int:
    from cutups.mediagen import generate_cached

    settings = _settings(args)
    spec = _demo_spec(args.look)
    console.print("rendering the sample broadcast (cached after the first time)…")
    with _progress() as bars:
        task = bars.add_task("generating", total=1.0)
        sample = generate_cached(
            spec, settings.cache_dir / "samples", progress=lambda f: bars.update(task, completed=f)
        )
    print(f"sample broadcast: {sample.video}")
    pbp = None if args.video_only else Path(sample.pbp["cfbd_json"])
    team = None if args.video_only else sample.truth.home.name
    run_args = argparse.Namespace(
        source=str(sample.video),
        out=args.out,
        pbp=pbp,
        team=team,
        only=[],
        pre=None,
        post=None,
        min_len=None,
        max_len=None,
        jobs=None,
        no_cache=False,
    )
    code = _cmd_run(run_args)
    team_arg = f" --team '{team}'" if team else ""
    print(f"truth:    {sample.truth_path}")
    print(
        f"evaluate: .venv/bin/cutups eval {sample.truth_path} {args.out / 'manifest.json'}"
        f"{team_arg}"
    )
    return code


def _cmd_eval(args: argparse.Namespace) -> int:
    from cutups.evaluate import evaluate
    from cutups.mediagen.truth import Truth

    for path in (args.truth, args.manifest):
        if not path.exists():
            raise InputError(f"no such file: {path}")
    try:
        truth = Truth.load(args.truth)
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{args.truth} is not a Cutups truth file ({exc})") from None
    try:
        manifest = json.loads(args.manifest.read_text())
        clips = manifest["clips"]
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{args.manifest} is not a Cutups manifest ({exc})") from None
    report = evaluate(truth, clips, team=args.team)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        print("\n".join(report.lines()))
    return EXIT_OK


def _cmd_generate(args: argparse.Namespace) -> int:
    from cutups.mediagen import generate, presets

    look = args.look
    if args.preset == "tiny":
        spec = presets.tiny() if look is None else presets.tiny(look=look)
    elif args.preset == "demo":
        spec = _demo_spec(look)
    elif args.preset == "suite":
        spec = presets.suite(look or "bar_bottom_720p30", args.seed)
    else:
        spec = presets.full_game(look or "bar_bottom_720p30", args.seed)
    with _progress() as bars:
        task = bars.add_task("generating", total=1.0)
        out = generate(spec, args.out, progress=lambda f: bars.update(task, completed=f))
    print(f"video: {out.video}\ntruth: {out.truth_path}")
    for kind, path in out.pbp.items():
        print(f"{kind}: {path}")
    return EXIT_OK


def _cmd_probe(args: argparse.Namespace) -> int:
    from cutups.media.probe import probe

    info = probe(args.file)
    v = info.video
    print(f"{info.path.name}: {info.duration:.3f} s, {info.format_name}")
    print(
        f"video: {v.codec} {v.width}x{v.height} {v.frame_rate} fps "
        f"({float(v.frame_rate):.3f}), {len(info.keyframes)} keyframes"
    )
    if info.audio:
        a = info.audio
        print(f"audio: {a.codec} {a.sample_rate} Hz, {a.channels} ch")
    else:
        print("audio: none")
    return EXIT_OK


def _cmd_levels(args: argparse.Namespace) -> int:
    from cutups.analysis.runner import analyse
    from cutups.media.probe import probe
    from cutups.output.levels import write_levels

    settings = _settings(args)
    info = probe(args.video)
    with _progress() as bars:
        task = bars.add_task("analysing", total=1.0)
        analysis = analyse(
            info,
            cache_dir=settings.cache_dir,
            progress=lambda f: bars.update(task, completed=f),
            workers=settings.workers,
        )
    out = args.out or args.video.parent
    paths = write_levels(analysis.signals, out, f"{args.video.stem}.levels")
    for path in paths:
        print(path)
    return EXIT_OK


def _cmd_serve(args: argparse.Namespace) -> int:
    from cutups.api.serve import serve

    settings = _settings(args)
    return serve(
        settings,
        host=args.host,
        port=args.port,
        data_dir=args.data_dir,
        workers=args.workers,
        insecure=args.insecure,
    )


def _cmd_worker(args: argparse.Namespace) -> int:
    from cutups.jobs.worker_cli import run_worker

    settings = _settings(args)
    return run_worker(settings, args)


def _cmd_looks(args: argparse.Namespace) -> int:
    from cutups.mediagen import LOOKS

    for name in LOOKS:
        print(name)
    return EXIT_OK


_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "run": _cmd_run,
    "demo": _cmd_demo,
    "eval": _cmd_eval,
    "generate": _cmd_generate,
    "probe": _cmd_probe,
    "looks": _cmd_looks,
    "levels": _cmd_levels,
    "serve": _cmd_serve,
    "worker": _cmd_worker,
}


def _chosen_recipe(argv: Sequence[str]) -> str:
    """The ``--recipe`` named on the command line (its flags depend on it), else plays."""
    for n, arg in enumerate(argv):
        if arg == "--recipe" and n + 1 < len(argv):
            return argv[n + 1]
        if arg.startswith("--recipe="):
            return arg.partition("=")[2]
    return "plays"


def _parser_for(argv: Sequence[str]) -> argparse.ArgumentParser:
    """The parser, with recipes from ``CUTUPS_RECIPE_MODULES`` loaded and the chosen one's flags.

    An unknown recipe still gets a parser (plays' flags), so argparse names the choices.
    """
    from cutups.recipes.registry import load_recipe_modules, recipe_names

    load_recipe_modules(_settings(argparse.Namespace()).recipe_modules)
    recipe = _chosen_recipe(argv)
    return _build_parser(recipe if recipe in recipe_names() else "plays")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``cutups`` console script; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        parser = _parser_for(argv)
    except CutupsError as exc:
        sys.stderr.write(f"cutups: error: {exc.message}\n")
        return EXIT_INPUT
    args = parser.parse_args(argv)
    level = [logging.WARNING, logging.INFO, logging.DEBUG][min(args.verbose, 2)]
    logging.basicConfig(
        level=level, handlers=[RichHandler(console=console, show_path=False)], format="%(message)s"
    )
    if args.command is None:
        parser.print_help()
        return EXIT_INPUT
    try:
        return _COMMANDS[args.command](args)
    except InputError as exc:
        sys.stderr.write(f"cutups: error: {exc.message}\n")
        return EXIT_INPUT
    except CutupsError as exc:
        sys.stderr.write(f"cutups: failed: {exc.message}\n")
        if args.verbose:
            traceback.print_exc()
        return EXIT_INTERNAL
    except KeyboardInterrupt:
        sys.stderr.write("cutups: interrupted\n")
        return 130
    except Exception as exc:  # the last line of defence: one line, never a raw traceback
        sys.stderr.write(f"cutups: internal error: {type(exc).__name__}: {exc}\n")
        if args.verbose:
            traceback.print_exc()
        else:
            sys.stderr.write("cutups: run again with -v for details\n")
        return EXIT_INTERNAL


if __name__ == "__main__":
    raise SystemExit(main())
