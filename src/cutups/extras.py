"""Optional parts of Cutups and the modules each needs.

``pip install cutups`` gives the engine and ``cutups run``/``eval``/``probe``/``levels``. The
job service (``cutups.api``, ``jobs``, ``sources``, ``storage``, ``web``; ``cutups serve`` and
``cutups worker``) needs the ``service`` extra. Each service package calls
:func:`require_extra` before its first import, so importing it without the extra fails with
one line that says what to install, instead of a ModuleNotFoundError from deep inside.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping

from cutups.errors import MissingExtraError

__all__ = ["EXTRA_MODULES", "missing_modules", "require_extra"]

EXTRA_MODULES: Mapping[str, tuple[str, ...]] = {
    "service": (
        "fastapi",
        "uvicorn",
        "httptools",
        "uvloop",
        "python_multipart",
        "yt_dlp",
        "prometheus_client",
        "boto3",
        "celery",
        "redis",
        "psycopg",
    ),
}
"""Top-level modules of each extra's packages (pyproject.toml's optional dependencies)."""


def missing_modules(extra: str) -> tuple[str, ...]:
    """Modules of ``extra`` that cannot be imported here (found without importing them)."""
    return tuple(name for name in EXTRA_MODULES[extra] if importlib.util.find_spec(name) is None)


def require_extra(extra: str, part: str) -> None:
    """Raise :class:`MissingExtraError` when ``part`` (a package name) lacks ``extra``.

    Raises:
        MissingExtraError: one of the extra's modules is not installed.
    """
    missing = missing_modules(extra)
    if missing:
        raise MissingExtraError(
            f"{part} needs the '{extra}' extra: pip install 'cutups[{extra}]' "
            f"(missing: {', '.join(missing)})"
        )
