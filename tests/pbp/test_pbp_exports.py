"""The package's public names are exactly its ``__all__``, sorted (as httpx checks its own)."""

from __future__ import annotations

import types

import cutups.pbp as pbp


def test_all_is_sorted_and_complete() -> None:
    public = {
        name
        for name, value in vars(pbp).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert pbp.__all__ == sorted(pbp.__all__)
    assert set(pbp.__all__) == public - {"annotations"}
