"""The ``cutups`` command line.

Exit codes: 0 success; 2 bad input (a one-line reason on stderr); 1 internal error (one line,
``--verbose`` for the traceback); see :mod:`cutups.commandline`. Only the engine's commands
import at start-up: ``serve`` and ``worker`` import the job service when they run (it needs the
``service`` extra), and the sample broadcasts and the demo live in ``cutups-testkit``.
"""

from __future__ import annotations

import argparse
import json
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
from cutups.errors import InputError

if TYPE_CHECKING:
    from cutups.recipes.windows import WindowOptions
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

A sample broadcast with its truth, and the demo: `cutups-testkit --help`.
"""


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative: {text}")
    return value


def _build_parser() -> Parser:
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

    run = sub.add_parser(
        "run",
        help="cut a video into clips",
        description="Cut SOURCE into one clip per play and package the result.",
    )
    run.add_argument("source", metavar="SOURCE", help="video file")
    run.add_argument(
        "--recipe", default="plays", choices=["plays"], help="what to cut (default: plays)"
    )
    run.add_argument("--out", required=True, type=Path, metavar="DIR", help="output folder")
    run.add_argument(
        "--pbp",
        type=Path,
        metavar="FILE",
        help="play-by-play: CFBD /plays JSON or CSV, or ESPN summary JSON",
    )
    run.add_argument("--team", metavar="NAME", help="team whose offense is team_offense")
    run.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="BUCKET",
        choices=["team_offense", "opp_offense", "special_teams"],
        help="keep only this bucket (repeatable)",
    )
    run.add_argument(
        "--pre",
        type=_positive_float,
        metavar="S",
        help="seconds kept before the snap, to within 0.5 s so clips start on a keyframe "
        "(default: 0.5 to 3 s, preferably 2)",
    )
    run.add_argument(
        "--post",
        type=_positive_float,
        metavar="S",
        help="seconds kept after the whistle, to within 0.5 s so clips end cleanly "
        "(default: 1 to 4 s, preferably 2)",
    )
    run.add_argument("--min-len", type=_positive_float, metavar="S", help="shortest clip")
    run.add_argument("--max-len", type=_positive_float, metavar="S", help="longest clip")
    run.add_argument("--jobs", type=int, metavar="N", help="parallel cuts (default: one per core)")
    run.add_argument("--no-cache", action="store_true", help="recompute analysis signals")

    ev = sub.add_parser("eval", help="score a manifest against a truth file")
    ev.add_argument("truth", type=Path, metavar="TRUTH", help="truth.json (see cutups.truth)")
    ev.add_argument("manifest", type=Path, metavar="MANIFEST", help="manifest.json of a job")
    ev.add_argument("--team", metavar="NAME", help="check buckets for this team")
    ev.add_argument("--json", action="store_true", help="print JSON instead of text")

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

    _add_worker_parser(sub)
    return parser


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


def _window_options(args: argparse.Namespace, settings: Settings) -> WindowOptions:
    """Clip windows from the flags over the settings.

    Padding the user chose (``--pre``/``--post`` or the environment) is kept to within
    :data:`~cutups.recipes.windows.EXPLICIT_SLACK`; the defaults may move further to land on
    keyframes (see :mod:`cutups.recipes.windows`).
    """
    from cutups.recipes.windows import window_options

    return window_options(
        pre=args.pre if args.pre is not None else settings.chosen("play_pre_pad_sec"),
        post=args.post if args.post is not None else settings.chosen("play_post_pad_sec"),
        default_pre=settings.play_pre_pad_sec,
        default_post=settings.play_post_pad_sec,
        min_len=args.min_len if args.min_len is not None else settings.play_min_sec,
        max_len=args.max_len if args.max_len is not None else settings.play_max_sec,
    )


def _cmd_run(args: argparse.Namespace) -> int:
    from cutups.pipeline import PlaysJob, run_plays
    from cutups.recipes.plays import PlaysOptions

    settings = _settings(args)
    source = Path(args.source)
    if "://" in args.source:
        raise InputError(f"URL sources are not supported by the CLI yet: {args.source}")
    if not source.exists():
        raise InputError(f"no such file: {source}")
    if args.pbp is not None and not args.pbp.exists():
        raise InputError(f"no such play-by-play file: {args.pbp}")
    if args.only and not (args.pbp and args.team):
        raise InputError("--only needs --pbp and --team (buckets come from play-by-play)")
    if args.jobs is not None:
        settings = settings.model_copy(update={"jobs": max(0, args.jobs)})
    windows = _window_options(args, settings)
    options = PlaysOptions(windows=windows, team=args.team, only=tuple(args.only))
    job = PlaysJob(source=source, out_dir=args.out, options=options, pbp=args.pbp)
    with progress_display() as bars:
        result = run_plays(job, settings, progress=StageBars(bars))
    counts = result.manifest["bucket_counts"]
    summary = ", ".join(f"{k} {v}" for k, v in counts.items() if v)
    print(f"{len(result.manifest['clips'])} clips ({summary}) in {result.out_dir}")
    print(f"manifest: {result.manifest_path}")
    print(f"report:   {result.report}")
    return EXIT_OK


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
    "serve": _cmd_serve,
    "worker": _cmd_worker,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``cutups`` console script; returns the exit code."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    configure_logging(args.verbose)
    if args.command is None:
        parser.print_help()
        return EXIT_INPUT
    command = _COMMANDS[args.command]
    return run_guarded("cutups", lambda: command(args), verbose=args.verbose)


if __name__ == "__main__":
    raise SystemExit(main())
