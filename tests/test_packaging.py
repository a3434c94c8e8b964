"""``pip install .`` without extras: the engine and ``cutups run`` work on their own.

A fresh virtual environment (no system site-packages) gets the product exactly as a user would
install it, from a copy of ``pyproject.toml``, ``README.md`` and ``src/`` (pip resolves the
pinned dependencies through its usual index and cache). The testkit is not installed there: the
sample broadcast is rendered by this suite's environment. Marked slow: the install took 32 s
(18 s CPU) on an idle 2-core machine and 100 s on a busy one before it skipped the venv's own pip
and the byte-compiling (the module's CPU: 41 -> 33 s); the commands then take 4 to 25 s.
"""

from __future__ import annotations

import ast
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from cutups.extras import EXTRA_MODULES
from cutups_testkit import GeneratedBroadcast

REPO = Path(__file__).resolve().parents[1]

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


def _copy_product(dest: Path) -> Path:
    """What ``pip install .`` reads, without caches or build leftovers."""
    dest.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, dest / name)
    junk = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    shutil.copytree(REPO / "src", dest / "src", ignore=junk)
    return dest


@pytest.fixture(scope="module")
def bare_bin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``bin/`` of a fresh venv holding ``pip install .`` and nothing else."""
    root = tmp_path_factory.mktemp("bare-install")
    source = _copy_product(root / "source")
    venv = root / "venv"
    # This suite's pip installs into the new venv (``--python``): bootstrapping a pip of its own
    # and byte-compiling every dependency cost 4 + 11 s of CPU and change nothing that is tested;
    # the commands compile what they import (about 6 s of CPU back), 9 s saved in all.
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    pip = [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install"]
    proc = subprocess.run(
        [*pip, "-q", "--no-compile", "--disable-pip-version-check", str(source)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return venv / "bin"


def _run(argv: list[str], tmp: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["CUTUPS_CACHE_DIR"] = str(tmp / "cache")
    return subprocess.run(argv, capture_output=True, text=True, env=env, cwd=tmp, timeout=600)


def test_bare_install_has_no_service_or_testkit(bare_bin: Path, tmp_path: Path) -> None:
    code = (
        "import importlib.util as u; "
        "print([m for m in ('fastapi', 'celery', 'boto3', 'cutups_testkit') if u.find_spec(m)])"
    )
    proc = _run([str(bare_bin / "python"), "-c", code], tmp_path)
    assert proc.stdout.strip() == "[]", proc.stderr


def test_bare_install_cuts_a_generated_broadcast(
    bare_bin: Path, broadcast: GeneratedBroadcast, tmp_path: Path
) -> None:
    cutups, out = str(bare_bin / "cutups"), tmp_path / "out"
    proc = _run([cutups, "run", str(broadcast.video), "--out", str(out)], tmp_path)
    assert proc.returncode == 0, proc.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert len(manifest["clips"]) == len(broadcast.truth.plays)
    assert all((out / clip["file"]).stat().st_size > 0 for clip in manifest["clips"])
    manifest_path = str(out / "manifest.json")
    evaluated = _run([cutups, "eval", str(broadcast.truth_path), manifest_path, "--json"], tmp_path)
    assert evaluated.returncode == 0, evaluated.stderr
    report = json.loads(evaluated.stdout)
    assert report["recall"] == 1.0 and report["precision"] == 1.0
    video = str(broadcast.video)
    for command in (["probe", video], ["levels", video, "--out", str(out)]):
        done = _run([cutups, *command], tmp_path)
        assert done.returncode == 0, done.stderr
    assert (out / "broadcast.levels.png").stat().st_size > 0


@pytest.mark.parametrize(
    "package", ["cutups.api", "cutups.jobs", "cutups.sources", "cutups.storage", "cutups.web"]
)
def test_service_import_names_the_extra(bare_bin: Path, tmp_path: Path, package: str) -> None:
    code = f"import {package}"
    proc = _run([str(bare_bin / "python"), "-c", code], tmp_path)
    assert proc.returncode != 0
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("cutups.errors.MissingExtraError:"), proc.stderr
    assert "pip install 'cutups[service]'" in last
    caught = "try:\n import cutups.api\nexcept ImportError as e:\n print(e)"
    assert "cutups[service]" in _run([str(bare_bin / "python"), "-c", caught], tmp_path).stdout


@pytest.mark.parametrize("command", [["serve"], ["worker", "--data-dir", "d"]])
def test_service_commands_say_what_to_install(
    bare_bin: Path, tmp_path: Path, command: list[str]
) -> None:
    proc = _run([str(bare_bin / "cutups"), *command], tmp_path)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "pip install 'cutups[service]'" in lines[0], proc.stderr


def test_extra_modules_match_the_service_extra() -> None:
    """cutups/extras.py checks for exactly the packages pyproject's `service` extra installs."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    wanted = {
        re.split(r"[\[=<>~ ]", req, maxsplit=1)[0].lower().replace("_", "-")
        for req in project["optional-dependencies"]["service"]
    }
    providers = importlib.metadata.packages_distributions()
    checked = {
        dist.lower().replace("_", "-")
        for module in EXTRA_MODULES["service"]
        for dist in providers.get(module, [])
    }
    assert checked == wanted


def test_engine_never_imports_the_testkit() -> None:
    for path in (REPO / "src" / "cutups").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            assert not any(n.split(".")[0] == "cutups_testkit" for n in names), path
