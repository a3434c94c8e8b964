"""A short run of ``benchmarks/load_test.py``: 50 concurrent submissions, 300 polls, no errors.

The queue is bounded at 30, so 30 submissions get 202 and the rest 429 (both correct); an error
is a 5xx or a failed connection.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType


def _load() -> ModuleType:
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "load_test.py"
    spec = importlib.util.spec_from_file_location("cutups_load_test", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_short_load_run_has_no_errors() -> None:
    load = _load()
    (submit, poll), rss = load.run(submissions=50, polls=300, concurrency=32, max_queue=30)
    assert submit.errors == 0 and poll.errors == 0
    assert submit.statuses[202] == 30 and submit.statuses[429] == 20
    assert poll.statuses[200] == 300
    assert rss > 0
