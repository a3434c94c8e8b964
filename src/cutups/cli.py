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
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError
from rich.console import Console
from rich.logging import RichHandler
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from cutups import __version__
from cutups.errors import ConfigError, CutupsError, InputError

if TYPE_CHECKING:
    from cutups.mediagen import BroadcastSpec
    from cutups.recipes.windows import WindowOptions
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
  cutups export out/game --format edl           the plays as cuts on the source, for an editor
  cutups playlist out/game --where "odk = O and down = 3 and distance >= 7" --out third-long
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


def _build_parser() -> argparse.ArgumentParser:
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

    pl = sub.add_parser("playlist", help="the plays matching a query: a reel and its exports")
    pl.add_argument("dir", type=Path, metavar="DIR", help="a finished plays job's folder")
    pl.add_argument(
        "--where", required=True, metavar="QUERY", help='e.g. "odk = O and down = 3" (README)'
    )
    pl.add_argument("--out", required=True, type=Path, metavar="DIR", help="playlist folder")

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


def _settings(args: argparse.Namespace) -> object:
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
    from cutups.settings import Settings

    settings = _settings(args)
    assert isinstance(settings, Settings)
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
    with _progress() as bars:
        result = run_plays(job, settings, progress=_Bars(bars))
    counts = result.manifest["bucket_counts"]
    summary = ", ".join(f"{k} {v}" for k, v in counts.items() if v)
    print(f"{len(result.manifest['clips'])} clips ({summary}) in {result.out_dir}")
    print(f"manifest: {result.manifest_path}")
    print(f"report:   {result.report}")
    return EXIT_OK


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
    from cutups.settings import Settings

    settings = _settings(args)
    assert isinstance(settings, Settings)
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
    from cutups.settings import Settings

    settings = _settings(args)
    assert isinstance(settings, Settings)
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
    from cutups.settings import Settings

    settings = _settings(args)
    assert isinstance(settings, Settings)
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
    from cutups.settings import Settings

    settings = _settings(args)
    assert isinstance(settings, Settings)
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
    "export": _cmd_export,
    "playlist": _cmd_playlist,
    "serve": _cmd_serve,
    "worker": _cmd_worker,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``cutups`` console script; returns the exit code."""
    parser = _build_parser()
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
