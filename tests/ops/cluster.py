"""A cluster's processes for the ops tests: ``cutups worker`` processes and their database."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

from cutups.settings import Settings
from tests.ops.services import Postgres

TEST_TIMINGS = (
    "CUTUPS_HEARTBEAT_SECONDS",
    "CUTUPS_LEASE_SECONDS",
    "CUTUPS_WATCHDOG_SECONDS",
    "CUTUPS_BROKER_VISIBILITY_TIMEOUT",
)
"""What ``server_env`` shortens for the API tests; popped to run on the defaults."""
DEFAULT_LEASE = float(Settings.model_fields["lease_seconds"].default)
"""The project's default lease (30 s): a dead worker's job must be resumed within twice it."""


@dataclass
class Worker:
    proc: subprocess.Popen[bytes]
    log: Path

    def tail(self, n: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text().splitlines()[-n:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def fresh_database(pg: Postgres, name: str) -> str:
    base = pg.url.rsplit("/", 1)[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    return f"{base}/{name}"


def start_worker(env: dict[str, str], data_dir: Path, log: Path) -> Worker:
    argv = [sys.executable, "-m", "cutups.cli", "worker", "--data-dir", str(data_dir)]
    with log.open("ab") as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=env)
    worker = Worker(proc, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"worker exited with {proc.returncode}:\n{worker.tail()}")
        if "ready." in worker.tail(200):  # Celery's own "ready." line: consuming
            return worker
        time.sleep(0.2)
    worker.stop()
    raise RuntimeError(f"worker did not start:\n{worker.tail()}")


def pid_of(worker_id: str) -> int:
    """Worker ids are ``<host>-<pid>-<rand>:<n>``."""
    return int(worker_id.split(":")[0].rsplit("-", 2)[1])
