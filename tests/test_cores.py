from __future__ import annotations

import os

import pytest

from cutups.cores import cores, side_by_side
from cutups.settings import Settings


def test_zero_means_one_per_core_everywhere() -> None:
    assert cores() == (os.cpu_count() or 1)
    assert side_by_side(0) == cores()
    assert side_by_side(3) == 3
    assert Settings(jobs=0).workers == cores()
    assert Settings(jobs=5).workers == 5
    with pytest.raises(ValueError, match="0 or more"):
        side_by_side(-1)
