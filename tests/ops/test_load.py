"""A short run of ``benchmarks/load_test.py``: 50 concurrent submissions, 300 polls while a job
worker runs them, no errors; on SQLite and on PostgreSQL.

The queue is bounded at 30: at least 30 submissions get 202 (more when the worker takes jobs off
the queue meanwhile) and the rest 429; both are correct. An error is a 5xx or a failed
connection. Latency is not asserted here (the cores are shared): the full run's figures are in
BENCHMARKS.md.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from tests.ops.services import Postgres


def _load() -> ModuleType:
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "load_test.py"
    spec = importlib.util.spec_from_file_location("cutups_load_test", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _short_run(database_url: str | None) -> None:
    report = _load().run(
        submissions=50,
        polls=300,
        concurrency=32,
        max_queue=30,
        workers=1,
        database_url=database_url,
        video_seconds=5.0,
    )
    submit, poll = report.phases
    assert submit.errors == 0 and poll.errors == 0
    assert submit.statuses[202] >= 30 and submit.statuses[202] + submit.statuses[429] == 50
    assert poll.statuses[200] == 300
    assert report.peak_rss_mb > 0


def test_short_load_run_has_no_errors_on_sqlite() -> None:
    _short_run(None)


def test_short_load_run_has_no_errors_on_postgres(pg: Postgres) -> None:
    _short_run(pg.url)
