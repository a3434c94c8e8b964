"""Session services for the ops tests (see :mod:`tests.ops.services`)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.ops.services import (
    Postgres,
    S3Emulator,
    moto_s3,
    postgres,
    postgres_available,
    redis_server,
)


@pytest.fixture(scope="session")
def pg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Postgres]:
    if not postgres_available():
        pytest.skip("PostgreSQL 15 binaries or the postgres user are missing")
    with postgres(tmp_path_factory.mktemp("pg")) as server:
        yield server


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture(scope="session")
def s3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Emulator]:
    """moto's S3 emulator; AWS credentials for it exported to this process too."""
    with moto_s3(tmp_path_factory.mktemp("moto")) as emulator:
        saved = {k: os.environ.get(k) for k in emulator.env}
        os.environ.update(emulator.env)
        yield emulator
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
