"""Every top-level part of ``cutups`` belongs to a layer that import-linter checks.

The "engine never imports the service" contract lists engine modules by name; a new module
left off that list would escape the check, so this test fails until it is placed.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import cutups

ROOT = Path(__file__).resolve().parents[1]
TOP = {"cutups.cli", "cutups.__main__"}
"""The command line sits above both layers: it starts the service's commands."""


def _contract() -> dict[str, list[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    contract: dict[str, list[str]] = next(
        c for c in config["contracts"] if c["type"] == "forbidden"
    )
    return contract


def test_every_module_is_in_a_layer() -> None:
    contract = _contract()
    placed = set(contract["source_modules"]) | set(contract["forbidden_modules"]) | TOP
    package = Path(cutups.__file__).parent
    found = {
        f"cutups.{p.stem}"
        for p in package.iterdir()
        if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").exists()
    }
    assert found - placed == set(), "add these to the engine or service list in pyproject.toml"


def test_import_contracts_hold() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    proc = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:]
