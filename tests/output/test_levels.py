from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
from PIL import Image

from cutups.output.levels import per_second, write_levels
from tests.analysis.synthetic import SignalScript


def test_per_second_keeps_short_events_and_averages_the_rest(tmp_path: Path) -> None:
    script = SignalScript()
    script.closeup(3)
    script.play(5)
    signals = script.signals()
    table = per_second(signals)
    assert len(table["second"]) == int(signals.duration)
    assert table["whistle"].max() == 25.0  # a 0.4 s whistle survives as the second's max
    assert table["green"][0] == np.float64(np.float32(0.05))
    csv_path, npz_path, png_path = write_levels(signals, tmp_path, "game.levels")
    with csv_path.open() as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:3] == ["second", "motion", "cut"] and len(rows) == len(table["second"]) + 1
    with np.load(npz_path) as npz:
        assert set(npz.files) >= {"motion", "whistle", "bug"}
    with Image.open(png_path) as img:
        assert img.size[0] == 1600
