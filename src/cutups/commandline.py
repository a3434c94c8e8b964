"""Command-line plumbing shared by ``cutups`` and ``cutups-testkit``.

Exit codes: 0 success; 2 bad input (a one-line reason on stderr); 1 internal error (one line,
``--verbose`` for the traceback). :func:`run_guarded` is the one place where exceptions become
exit codes; the rest of the library raises from :mod:`cutups.errors` and never prints.
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading
import traceback
from collections.abc import Callable

from rich.console import Console
from rich.logging import RichHandler
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from cutups.errors import CutupsError, InputError

__all__ = [
    "EXIT_INPUT",
    "EXIT_INTERNAL",
    "EXIT_OK",
    "Parser",
    "StageBars",
    "configure_logging",
    "console",
    "progress_display",
    "run_guarded",
]

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT = 0, 1, 2

console = Console(stderr=True)


class Parser(argparse.ArgumentParser):
    """argparse that exits with the input-error code and a one-line message."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        raise SystemExit(EXIT_INPUT)


def configure_logging(verbose: int) -> None:
    """Log warnings (``-v``: info, ``-vv``: debug) through rich on stderr."""
    level = [logging.WARNING, logging.INFO, logging.DEBUG][min(verbose, 2)]
    logging.basicConfig(
        level=level, handlers=[RichHandler(console=console, show_path=False)], format="%(message)s"
    )


def progress_display() -> Progress:
    """A rich progress display on stderr (silent when stderr is not a terminal)."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
        disable=not console.is_terminal,
    )


class StageBars:
    """A progress bar per stage, fed by the pipeline's ``(stage, fraction, detail)`` callback."""

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


def run_guarded(prog: str, command: Callable[[], int], *, verbose: int) -> int:
    """Run ``command`` and turn what it raises into an exit code and one line on stderr."""
    try:
        return command()
    except InputError as exc:
        sys.stderr.write(f"{prog}: error: {exc.message}\n")
        return EXIT_INPUT
    except CutupsError as exc:
        sys.stderr.write(f"{prog}: failed: {exc.message}\n")
        if verbose:
            traceback.print_exc()
        return EXIT_INTERNAL
    except KeyboardInterrupt:
        sys.stderr.write(f"{prog}: interrupted\n")
        return 130
    except Exception as exc:  # the last line of defence: one line, never a raw traceback
        sys.stderr.write(f"{prog}: internal error: {type(exc).__name__}: {exc}\n")
        if verbose:
            traceback.print_exc()
        else:
            sys.stderr.write(f"{prog}: run again with -v for details\n")
        return EXIT_INTERNAL
