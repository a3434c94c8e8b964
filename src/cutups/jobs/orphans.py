"""Processes a killed server left behind.

SIGKILL of the server does not reach its ffmpeg children: they run on, orphaned, writing into
the job's folder. Before a restarted server resumes such a job it ends them, found by their
command line naming the job's folder (Linux ``/proc``; elsewhere this does nothing).
"""

from __future__ import annotations

import logging
import os
import signal
from pathlib import Path

__all__ = ["kill_strays"]

log = logging.getLogger(__name__)


def kill_strays(folder: Path) -> int:
    """SIGKILL this user's processes whose command line mentions ``folder``; return how many."""
    proc = Path("/proc")
    if not proc.is_dir():
        return 0
    needle = str(folder).encode()
    me, uid, killed = os.getpid(), os.getuid(), 0
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == me:
            continue
        try:
            if entry.stat().st_uid != uid:
                continue
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue  # gone meanwhile, or not ours to read
        if needle in cmdline:
            try:
                os.kill(int(entry.name), signal.SIGKILL)
            except OSError:
                continue
            killed += 1
            log.warning("killed stray process %s left by a previous server", entry.name)
    return killed
