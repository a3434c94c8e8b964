"""The ``cutups`` command line.

Exit codes: 0 success; 2 bad input (a one-line reason on stderr); 1 internal error (one line,
``--verbose`` for the traceback); see :mod:`cutups.commandline`. Only the engine's commands
import at start-up: ``serve`` and ``worker`` import the job service when they run (it needs the
``service`` extra), and the sample broadcasts and the demo live in ``cutups-testkit``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from cutups import __version__
from cutups.commandline import (
    EXIT_INPUT,
    EXIT_OK,
    Parser,
    StageBars,
    configure_logging,
    progress_display,
    run_guarded,
)
from cutups.errors import CutupsError, InputError

if TYPE_CHECKING:
    from cutups.output.render import RenderResult
    from cutups.settings import Settings

__all__ = ["main"]

_DESCRIPTION = """\
Cut long video into exact clips. The flagship recipe, `plays`, turns a football broadcast
into one clip per snap or kick (no replays, commercials or huddles), with a manifest, a
reel with a chapter per play, a browsable report and a ZIP.

examples:
  cutups run game.mp4 --out out/game            every play, from the video alone
  cutups run game.mp4 --pbp plays.json --team Michigan --out out/mich
  cutups eval truth.json out/game/manifest.json recall and precision against truth
  cutups export out/game --format edl           the plays as cuts on the source, for an editor
  cutups playlist out/game --where "odk = O and down = 3 and distance >= 7" --out third-long

A sample broadcast with its truth, and the demo: `cutups-testkit --help`.
"""


def _add_run(sub: argparse._SubParsersAction[Parser], recipe: str) -> None:
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


def _build_parser(recipe: str = "plays") -> Parser:
    parser = Parser(
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
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    _add_run(sub, recipe)

    _add_eval_parser(sub)
    _add_levels_parser(sub)
    _add_export_parser(sub)
    _add_playlist_parser(sub)
    _add_probe_parser(sub)
    _add_serve_parser(sub)
    _add_worker_parser(sub)
    return parser


def _add_eval_parser(sub: argparse._SubParsersAction[Parser]) -> None:
    ev = sub.add_parser("eval", help="score a manifest against a truth file")
    ev.add_argument("truth", type=Path, metavar="TRUTH", help="truth.json (see cutups.truth)")
    ev.add_argument("manifest", type=Path, metavar="MANIFEST", help="manifest.json of a job")
    ev.add_argument("--team", metavar="NAME", help="check buckets for this team")
    ev.add_argument("--json", action="store_true", help="print JSON instead of text")


def _add_levels_parser(sub: argparse._SubParsersAction[Parser]) -> None:
    lv = sub.add_parser("levels", help="write the per-second analysis signals (CSV, NPZ, PNG)")
    lv.add_argument("video", type=Path, metavar="VIDEO")
    lv.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="DIR",
        help="folder for VIDEO.levels.{csv,npz,png} (default: next to the video)",
    )


def _add_export_parser(sub: argparse._SubParsersAction[Parser]) -> None:
    ex = sub.add_parser("export", help="export a finished job for film tools and editors")
    ex.add_argument("dir", type=Path, metavar="DIR", help="a finished plays job's folder")
    ex.add_argument(
        "--format",
        required=True,
        metavar="FORMAT",
        help="csv, sportscode, otio, fcpxml, edl, ffmetadata, vtt, m3u, or all",
    )
    ex.add_argument(
        "--out",
        type=Path,
        metavar="FILE",
        help="where to write (default: DIR/<the format's file name>; with all, a folder, "
        "default DIR/exports)",
    )


def _add_playlist_parser(sub: argparse._SubParsersAction[Parser]) -> None:
    pl = sub.add_parser("playlist", help="the plays matching a query: a reel and its exports")
    pl.add_argument("dir", type=Path, metavar="DIR", help="a finished plays job's folder")
    pl.add_argument(
        "--where", required=True, metavar="QUERY", help='e.g. "odk = O and down = 3" (README)'
    )
    pl.add_argument("--out", required=True, type=Path, metavar="DIR", help="playlist folder")


def _add_probe_parser(sub: argparse._SubParsersAction[Parser]) -> None:
    pr = sub.add_parser("probe", help="print what a video file contains")
    pr.add_argument("file", type=Path)


def _add_serve_parser(sub: argparse._SubParsersAction[Parser]) -> None:
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


def _add_worker_parser(sub: argparse._SubParsersAction[Parser]) -> None:
    """``cutups worker``'s options (read by :func:`cutups.jobs.worker_cli.run_worker`)."""
    worker = sub.add_parser("worker", help="run jobs from the shared queue (distributed mode)")
    worker.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="work files and outputs (default: $CUTUPS_DATA_DIR); share it between workers "
        "on one host so a job another worker left resumes from its checkpoints",
    )
    worker.add_argument(
        "--concurrency",
        type=int,
        default=None,
        metavar="N",
        help="jobs at once (default: $CUTUPS_WORKER_CONCURRENCY, 1)",
    )
    worker.add_argument(
        "--metrics-port",
        type=int,
        default=None,
        metavar="PORT",
        help="serve Prometheus metrics on 127.0.0.1:PORT (default: $CUTUPS_WORKER_METRICS_PORT)",
    )


def _settings(args: argparse.Namespace) -> Settings:
    from cutups.settings import load_settings

    settings = load_settings()
    if getattr(args, "no_cache", False):
        settings = settings.model_copy(update={"cache_dir": None})
    return settings


def _cmd_run(args: argparse.Namespace) -> int:
    import dataclasses
    import uuid

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
    with progress_display() as bars:
        ctx = dataclasses.replace(ctx, progress=StageBars(bars))
        result = run_recipe(recipe, options, source, ctx, pbp=pbp)
    _print_result(result)
    return EXIT_OK


def _print_result(result: RenderResult) -> None:
    """The one-line outcome, and every warning the job recorded with what it costs."""
    manifest = result.manifest
    counts = manifest.get("bucket_counts") or {}
    summary = ", ".join(f"{k} {v}" for k, v in counts.items() if v)
    clips = len(manifest["clips"])
    print(f"{clips} clips" + (f" ({summary})" if summary else "") + f" in {result.out_dir}")
    print(f"manifest: {result.manifest_path}")
    print(f"report:   {result.report}")
    for warning in manifest.get("warnings") or ():
        sys.stderr.write(f"cutups: warning: {warning['message']}: {warning['cost']}\n")


def _cmd_eval(args: argparse.Namespace) -> int:
    from cutups.evaluate import evaluate
    from cutups.truth import load_truth

    for path in (args.truth, args.manifest):
        if not path.exists():
            raise InputError(f"no such file: {path}")
    truth = load_truth(args.truth)
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
    with progress_display() as bars:
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


def _cmd_export(args: argparse.Namespace) -> int:
    from cutups.output.exports import export_format, load_export_job, write_export, write_exports

    if args.format == "all":
        paths = write_exports(load_export_job(args.dir), args.out or args.dir / "exports")
    else:
        fmt = export_format(args.format)  # an unknown format fails before the job is read
        job = load_export_job(args.dir)
        paths = [write_export(job, fmt.name, args.out or args.dir / fmt.filename)]
    for path in paths:
        print(path)
    return EXIT_OK


def _cmd_playlist(args: argparse.Namespace) -> int:
    from cutups.output.playlist import build_playlist

    result = build_playlist(args.dir, args.where, args.out)
    print(
        f"{len(result.plays)} plays, {result.duration:.1f} s ({result.reel.method}): "
        f"{result.reel.output}"
    )
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


_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "run": _cmd_run,
    "eval": _cmd_eval,
    "probe": _cmd_probe,
    "levels": _cmd_levels,
    "export": _cmd_export,
    "playlist": _cmd_playlist,
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


def _parser_for(argv: Sequence[str]) -> Parser:
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
    configure_logging(args.verbose)
    if args.command is None:
        parser.print_help()
        return EXIT_INPUT
    command = _COMMANDS[args.command]
    return run_guarded("cutups", lambda: command(args), verbose=args.verbose)


if __name__ == "__main__":
    raise SystemExit(main())
