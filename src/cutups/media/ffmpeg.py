"""Running ffmpeg and ffprobe: argument lists only, command logged, stderr captured.

Every call goes through :func:`run`, so every failure surfaces the same way: an
:class:`~cutups.errors.FFmpegError` whose message is the last line ffmpeg wrote to stderr (where
it states the reason) with the full argv and stderr attached. Running processes are tracked so a
canceled job can stop them (:class:`ProcessRegistry`).
"""

from __future__ import annotations

import logging
import shlex
import subprocess
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cutups.errors import CanceledError, FFmpegError

__all__ = ["ProcessRegistry", "RunResult", "command", "file_arg", "last_line", "run"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RunResult:
    """What a finished ffmpeg/ffprobe process left behind."""

    argv: tuple[str, ...]
    stdout: bytes
    stderr: str


@dataclass
class ProcessRegistry:
    """The ffmpeg processes a job has running, so cancel can terminate them promptly."""

    _procs: set[subprocess.Popen[bytes]] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    canceled: bool = False

    def add(self, proc: subprocess.Popen[bytes]) -> None:
        with self._lock:
            if self.canceled:
                proc.kill()
            self._procs.add(proc)

    def discard(self, proc: subprocess.Popen[bytes]) -> None:
        with self._lock:
            self._procs.discard(proc)

    def cancel(self) -> None:
        """Kill every registered process now and any registered later."""
        with self._lock:
            self.canceled = True
            for proc in self._procs:
                proc.kill()

    @property
    def active(self) -> int:
        with self._lock:
            return len(self._procs)


def command(ffmpeg: str, *args: str, loglevel: str = "warning") -> list[str]:
    """``ffmpeg``'s argument list: the options every run here starts with (no banner, no
    stdin, overwrite outputs, ``loglevel``), then ``args``."""
    return [ffmpeg, "-hide_banner", "-nostdin", "-y", "-loglevel", loglevel, *args]


def file_arg(path: str | Path) -> str:
    """A path as ffmpeg must see it: ``file:`` prefix, because names may contain ``:``."""
    text = str(path)
    return text if text.startswith(("file:", "pipe:", "http:", "https:")) else f"file:{text}"


def last_line(stderr: str) -> str:
    """The last non-empty line of ffmpeg's stderr, which is where it says what went wrong."""
    for line in reversed(stderr.strip().splitlines()):
        if line.strip():
            return line.strip()
    return "ffmpeg failed without a message"


def run(
    argv: Sequence[str],
    *,
    stdin: bytes | None = None,
    timeout: float | None = None,
    registry: ProcessRegistry | None = None,
) -> RunResult:
    """Run ffmpeg or ffprobe given as an argument list; raise :class:`FFmpegError` on failure.

    Arguments:
        argv: the full command, program first. Never a shell string.
        stdin: bytes fed to the process, or None for no input (``-nostdin`` is the caller's job).
        timeout: seconds before the process is killed and FFmpegError raised.
        registry: where the process is recorded so a cancel can kill it.

    Raises:
        FFmpegError: non-zero exit, timeout, or the program missing.
        CanceledError: the registry was canceled while the process ran.
    """
    cmd = tuple(str(a) for a in argv)
    log.debug("run %s", shlex.join(cmd))
    try:
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    except FileNotFoundError as exc:
        raise FFmpegError(f"{cmd[0]} is not installed (run `make install`)", argv=cmd) from exc
    if registry is not None:
        registry.add(proc)
    try:
        out, err = proc.communicate(stdin, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        proc.kill()
        proc.communicate()
        raise FFmpegError(f"{cmd[0]} timed out after {timeout:.0f} s", argv=cmd) from exc
    finally:
        if registry is not None:
            registry.discard(proc)
    stderr = err.decode("utf-8", "replace")
    if registry is not None and registry.canceled:
        raise CanceledError("canceled while ffmpeg was running")
    if proc.returncode != 0:
        raise FFmpegError(last_line(stderr), argv=cmd, returncode=proc.returncode, stderr=stderr)
    return RunResult(argv=cmd, stdout=out, stderr=stderr)
