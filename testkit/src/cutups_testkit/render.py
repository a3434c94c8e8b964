"""Compose every frame of the recording and stream it into ffmpeg (libx264 + AAC).

Frames are composed in YUV 4:2:0 (see :mod:`cutups_testkit.yuv`) and piped raw; frame ``n``
of the file is broadcast frame ``start_frame + n`` at exactly ``n / fps`` seconds.
"""

from __future__ import annotations

import contextlib
import logging
import shlex
import subprocess
from collections.abc import Callable
from pathlib import Path

from cutups.errors import FFmpegError
from cutups.media.ffmpeg import file_arg, last_line
from cutups_testkit.broadcast import Plan
from cutups_testkit.compose import Composer
from cutups_testkit.game import SimGame
from cutups_testkit.netcompose import NetworkComposer
from cutups_testkit.spec import BroadcastSpec

__all__ = ["encode_argv", "make_composer", "render_video"]

log = logging.getLogger(__name__)


def encode_argv(spec: BroadcastSpec, wav: Path, out: Path) -> list[str]:
    """The ffmpeg command that encodes raw I420 frames from stdin plus ``wav`` into ``out``."""
    lk = spec.look
    return [
        "ffmpeg",
        "-hide_banner",
        "-nostats",
        "-loglevel",
        "error",
        "-y",
        "-f",
        "rawvideo",
        "-pix_fmt",
        "yuv420p",
        "-s",
        f"{lk.width}x{lk.height}",
        "-r",
        lk.fps_text,
        "-i",
        "pipe:",
        "-i",
        file_arg(wav),
        "-map",
        "0:v:0",
        "-map",
        "1:a:0",
        "-c:v",
        "libx264",
        "-preset",
        lk.preset,
        "-crf",
        str(lk.crf),
        "-g",
        str(lk.gop),
        "-keyint_min",
        str(lk.gop),
        "-bf",
        str(lk.bframes),
        # A fixed B-frame pattern: x264's adaptive choice needs a lookahead the fast presets
        # turn off, and then picks none at all.
        "-x264-params",
        "b-adapt=0",
        "-sc_threshold",
        "0",
        "-pix_fmt",
        "yuv420p",
        "-colorspace",
        "smpte170m",
        "-color_primaries",
        "smpte170m",
        "-color_trc",
        "smpte170m",
        "-color_range",
        "tv",
        "-c:a",
        "aac",
        "-b:a",
        "128k",
        "-movflags",
        "+faststart",
        file_arg(out),
    ]


def _widen_pipe(fd: int) -> None:
    """Ask Linux for a 1 MiB pipe buffer: fewer context switches per 1-3 MB frame."""
    try:
        import fcntl

        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
    except (ImportError, OSError):
        pass  # not Linux, or not allowed: the default buffer works, just slower


def make_composer(game: SimGame, plan: Plan, spec: BroadcastSpec) -> Composer:
    """The frame composer for ``spec``'s look: classic or network."""
    if spec.look.net is None:
        return Composer(game, plan, spec)
    return NetworkComposer(game, plan, spec)


class _Encoder:
    """One ffmpeg process taking raw frames on stdin; its stderr goes to a file beside ``out``."""

    def __init__(self, argv: list[str], out: Path) -> None:
        self.argv = argv
        log.debug("run %s", shlex.join(argv))
        self.err_path = out.with_suffix(".ffmpeg.log")
        self.err = open(self.err_path, "w+b")  # noqa: SIM115 (closed in finish/kill)
        try:
            self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stderr=self.err)
        except FileNotFoundError as exc:
            self.err.close()
            raise FFmpegError("ffmpeg is not installed (run `make install`)", argv=argv) from exc
        assert self.proc.stdin is not None
        self.stdin = self.proc.stdin
        _widen_pipe(self.stdin.fileno())
        self.dead = False

    def write(self, data: memoryview) -> None:
        if self.dead:
            return
        try:
            self.stdin.write(data)
        except BrokenPipeError:
            self.dead = True  # ffmpeg died; its stderr says why

    def finish(self) -> None:
        """Close stdin, wait, and raise :class:`FFmpegError` if ffmpeg failed."""
        with contextlib.suppress(BrokenPipeError):
            self.stdin.close()
        rc = self.proc.wait()
        self.err.seek(0)
        stderr = self.err.read().decode("utf-8", "replace")
        self.err.close()
        self.err_path.unlink(missing_ok=True)
        if rc != 0:
            raise FFmpegError(last_line(stderr), argv=self.argv, returncode=rc, stderr=stderr)

    def kill(self) -> None:
        """Never leave ffmpeg waiting for frames that will not come."""
        self.proc.kill()
        self.proc.wait()
        self.err.close()


def render_video(
    game: SimGame,
    plan: Plan,
    spec: BroadcastSpec,
    start: int,
    end: int,
    wav: Path,
    out: Path,
    progress: Callable[[float], None] | None = None,
    twin: tuple[BroadcastSpec, Path, Path] | None = None,
) -> None:
    """Render broadcast frames [start, end) with audio ``wav`` into ``out``.

    With ``twin`` = (spec with the scorebug switched off, its audio, its output), the same
    pass also encodes every frame as it is before the scorebug is keyed in: that twin is
    frame for frame what rendering the bug-off spec alone gives, for about half the cost.

    Raises:
        FFmpegError: ffmpeg failed (message: the last line of its stderr).
    """
    comp = make_composer(game, plan, spec)
    encoders = [_Encoder(encode_argv(spec, wav, out), out)]
    if twin is not None:
        twin_spec, twin_wav, twin_out = twin
        encoders.append(_Encoder(encode_argv(twin_spec, twin_wav, twin_out), twin_out))
    shots = plan.shots
    si = 0
    total = max(1, end - start)
    try:
        for n in range(start, end):
            while si + 1 < len(shots) and shots[si].end <= n:
                si += 1
            comp.draw_picture(si, n)
            if twin is not None:
                encoders[1].write(comp.frame.buf.data)
            comp.draw_bug(si, shots[si], n)
            encoders[0].write(comp.frame.buf.data)
            if progress is not None and (n - start) % 300 == 0:
                progress((n - start) / total)
    except BaseException:
        for enc in encoders:
            enc.kill()
        raise
    failures: list[FFmpegError] = []
    for enc in encoders:
        try:
            enc.finish()
        except FFmpegError as exc:
            failures.append(exc)
    if failures:
        raise failures[0]
    if progress is not None:
        progress(1.0)
