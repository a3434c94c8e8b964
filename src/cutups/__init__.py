"""Cutups: turn long video into exact clips.

The engine is a library first; the CLI (``cutups``), the job service and the web page are thin
layers over it. The exception tree (:mod:`cutups.errors`) is re-exported here whole; everything
else is imported from its own module.
"""

from __future__ import annotations

from cutups import errors as _errors
from cutups.errors import *  # noqa: F403  (the whole tree, as errors.__all__ lists it)

__version__ = "0.1.0"

__all__ = [*_errors.__all__, "__version__"]
