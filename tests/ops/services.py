"""Real backing services for the ops tests, each on a free loopback port, stopped by PID.

* PostgreSQL 15 from Debian: ``initdb`` (as user ``postgres``: initdb refuses root) into a
  temporary folder, ``pg_ctl start`` listening on 127.0.0.1 only, one database; ``pg_ctl stop``.
* ``redis-server`` with persistence off (``--save '' --appendonly no``).
* ``moto_server``: **an S3 emulator** (moto), not real S3 or MinIO. It implements the boto3
  calls used here (put, head, list, presigned GET); behaviour under load, consistency and
  multipart edge cases of real object stores are not tested by it.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

PG_BIN = Path("/usr/lib/postgresql/15/bin")
REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"
MOTO = str(Path(sys.executable).parent / "moto_server")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_port(port: int, timeout: float, proc: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def postgres_available() -> bool:
    return (PG_BIN / "initdb").exists() and _has_user("postgres")


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _as_postgres(argv: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *argv]
    return argv


def _let_postgres_reach(root: Path) -> None:
    """The postgres user must reach ``root`` through its parents (as root, pytest's base temp
    folder is 0700, and a pytest session started meanwhile makes it so again)."""
    if os.geteuid() != 0:
        return
    parent = root.parent
    while parent != parent.parent:
        os.chmod(parent, os.stat(parent).st_mode | 0o111)
        parent = parent.parent


@dataclass
class Postgres:
    url: str
    port: int
    datadir: Path
    options: str = ""
    """The server options it was started with (a restart passes them again)."""


@contextmanager
def postgres(root: Path) -> Iterator[Postgres]:
    """A throw-away PostgreSQL cluster with database ``cutups`` (trust auth, loopback only)."""
    root.mkdir(parents=True, exist_ok=True)
    datadir, sockets = root / "pgdata", root / "pgsock"
    sockets.mkdir(exist_ok=True)
    if os.geteuid() == 0:
        info = pwd.getpwnam("postgres")
        for path in (root, sockets):
            os.chown(path, info.pw_uid, info.pw_gid)
        _let_postgres_reach(root)
    port = free_port()
    run = {"check": True, "stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE}
    subprocess.run(
        _as_postgres(
            [
                str(PG_BIN / "initdb"),
                "-D",
                str(datadir),
                "-A",
                "trust",
                "-U",
                "postgres",
                "--no-sync",
                "-E",
                "UTF8",
            ]
        ),
        **run,  # type: ignore[call-overload]
    )
    options = f"-k {sockets} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        _as_postgres(
            [
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(datadir),
                "-l",
                str(root / "pg.log"),
                "-w",
                "-o",
                options,
                "start",
            ]
        ),
        **run,  # type: ignore[call-overload]
    )
    try:
        import psycopg

        base = f"postgresql://postgres@127.0.0.1:{port}"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute("CREATE DATABASE cutups")
        yield Postgres(f"{base}/cutups", port, datadir, options)
    finally:
        _let_postgres_reach(root)
        subprocess.run(
            _as_postgres(
                [str(PG_BIN / "pg_ctl"), "-D", str(datadir), "-m", "immediate", "-w", "stop"]
            ),
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def redis_server(root: Path) -> Iterator[str]:
    """``redis://127.0.0.1:<port>/0``, persistence off."""
    root.mkdir(parents=True, exist_ok=True)
    port = free_port()
    argv = [
        REDIS,
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        str(root),
    ]
    with (root / "redis.log").open("ab") as log:
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_port(port, 10, proc)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        _stop(proc)


@dataclass
class S3Emulator:
    """A moto S3 emulator (not real S3) and the environment boto3 needs to reach it."""

    endpoint: str
    env: dict[str, str]


@contextmanager
def moto_s3(root: Path) -> Iterator[S3Emulator]:
    """``moto_server`` on loopback: an S3 **emulator**, standing in for AWS S3 or MinIO."""
    root.mkdir(parents=True, exist_ok=True)
    port = free_port()
    with (root / "moto.log").open("ab") as log:
        proc = subprocess.Popen(
            [MOTO, "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=subprocess.STDOUT
        )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        _wait_port(port, 30, proc)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(endpoint, timeout=1.0)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        env = {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_REGION": "us-east-1",
        }
        yield S3Emulator(endpoint, env)
    finally:
        _stop(proc)


class RestartableRedis:
    """``redis-server`` on one fixed loopback port that a test can kill and start again (its
    messages are lost: persistence is off, like a broker restarted without a volume)."""

    def __init__(self, root: Path) -> None:
        root.mkdir(parents=True, exist_ok=True)
        self.root = root
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        argv = [REDIS, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        argv += ["--appendonly", "no", "--dir", str(self.root)]
        with (self.root / "redis.log").open("ab") as log:
            self.proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
        _wait_port(self.port, 10, self.proc)

    def stop(self) -> None:
        if self.proc is not None:
            _stop(self.proc)

    def restart(self) -> None:
        self.stop()
        self.start()


def restart_postgres(server: Postgres) -> None:
    """Stop the cluster (``-m fast``: every session is cut) and start it again, same options."""
    stop_postgres(server)
    start_postgres(server)


def stop_postgres(server: Postgres) -> None:
    """Stop the cluster (``-m fast``: every session is cut)."""
    _pg_ctl(server, "-m", "fast", "stop")


def start_postgres(server: Postgres) -> None:
    """Start a stopped cluster again, with the options it first had."""
    _pg_ctl(server, "-l", str(server.datadir.parent / "pg.log"), "-o", server.options, "start")


def _pg_ctl(server: Postgres, *step: str) -> None:
    _let_postgres_reach(server.datadir.parent)
    pg_ctl = [str(PG_BIN / "pg_ctl"), "-D", str(server.datadir), "-w"]
    done = subprocess.run(
        _as_postgres([*pg_ctl, *step]), stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    if done.returncode != 0:
        raise RuntimeError(f"pg_ctl {step[-1]} failed: {done.stdout.decode()[-2000:]}")
