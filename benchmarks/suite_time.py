"""Time the test suite: seconds per test directory and the slowest tests (setup and teardown
included, so rendered media and started servers count where they are made).

    python benchmarks/suite_time.py                 # the whole suite, generated renders reused
    python benchmarks/suite_time.py --cold          # renders made afresh (CUTUPS_TEST_RENDERS=tmp)
    python benchmarks/suite_time.py tests/e2e -n 2  # some directories; extra pytest arguments

CI's budget is 20 minutes for ``make test`` plus ``make lint`` on 2 cores; a figure taken on a
busy machine says little, so the load average is printed before and after.
"""

from __future__ import annotations

import argparse
import collections
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _load() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def _group(classname: str) -> str:
    """``tests.api.test_resume`` -> ``api``; a top-level module stays itself."""
    parts = classname.split(".")
    return parts[1] if len(parts) > 2 else ".".join(parts[:2])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=["tests"])
    parser.add_argument("--cold", action="store_true", help="render every broadcast afresh")
    parser.add_argument("--top", type=int, default=30)
    args, extra = parser.parse_known_args()
    env = dict(os.environ)
    if args.cold:
        env["CUTUPS_TEST_RENDERS"] = "tmp"
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "junit.xml"
        argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        argv += ["-o", "junit_duration_report=total", f"--junitxml={report}", *args.paths, *extra]
        print(f"load before: {_load()}", flush=True)
        start = time.monotonic()
        code = subprocess.run(argv, cwd=ROOT, env=env, check=False).returncode
        wall = time.monotonic() - start
        print(f"load after: {_load()}; pytest exit {code}; {wall:.0f} s in all")
        cases = ET.parse(report).getroot().iter("testcase")
        timed = [
            (float(c.get("time", 0)), c.get("classname", ""), c.get("name", "")) for c in cases
        ]
    per_group: dict[str, list[float]] = collections.defaultdict(list)
    for seconds, classname, _ in timed:
        per_group[_group(classname)].append(seconds)
    print(f"\n{'directory':28} {'seconds':>8} {'tests':>6}")
    for group, times in sorted(per_group.items(), key=lambda kv: -sum(kv[1])):
        print(f"{group:28} {sum(times):8.1f} {len(times):6d}")
    print(f"\nslowest {args.top}:")
    for seconds, classname, name in sorted(timed, reverse=True)[: args.top]:
        print(f"{seconds:8.1f}  {classname}::{name}")
    return code


if __name__ == "__main__":
    sys.exit(main())
