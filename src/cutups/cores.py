"""How many things to run side by side: one rule for settings, cutting and stills."""

from __future__ import annotations

import os

__all__ = ["cores", "side_by_side"]


def cores() -> int:
    """CPU cores this process may use (at least 1)."""
    return os.cpu_count() or 1


def side_by_side(jobs: int) -> int:
    """``jobs`` when it is positive; 0 means one per core.

    Raises:
        ValueError: ``jobs`` is negative.
    """
    if jobs < 0:
        raise ValueError(f"jobs must be 0 or more, got {jobs}")
    return jobs or cores()
