from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np

from cutups.analysis.signals import Signals, cache_key, fingerprint


def test_signals_round_trip_keeps_every_array(tmp_path: Path) -> None:
    arrays = {
        "motion": np.arange(5, dtype=np.float32),
        "__clock__": np.ones((3, 4)),
        "__bug_template__": np.zeros((2, 2), np.uint8),
    }
    path = tmp_path / "s.npz"
    Signals(rate=Fraction(10), duration=0.5, arrays=arrays).save(path)
    loaded = Signals.load(path)
    assert loaded.rate == Fraction(10) and loaded.duration == 0.5
    assert set(loaded.arrays) == set(arrays)
    for name, values in arrays.items():
        np.testing.assert_array_equal(loaded[name], values)
    assert [p.name for p in tmp_path.iterdir()] == ["s.npz"]


def test_fingerprint_changes_with_content_and_key_with_params(tmp_path: Path) -> None:
    a, b = tmp_path / "a.bin", tmp_path / "b.bin"
    a.write_bytes(b"x" * 5_000_000)
    b.write_bytes(b"x" * 4_999_999 + b"y")
    assert fingerprint(a) != fingerprint(b)
    assert cache_key("c", {"p": 1}, "1") != cache_key("c", {"p": 2}, "1")
    assert cache_key("c", {"p": 1}, "1") != cache_key("c", {"p": 1}, "2")
