"""``cutups levels``: the per-second signals of a video, as a table and a picture, for tuning.

The table has one row per second (each signal's mean over its ten ticks, ``cut`` and
``whistle`` their maximum, so short events survive). The PNG stacks one trace per signal on a
shared time axis, drawn with Pillow (no plotting library needed).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw

from cutups.analysis.signals import Signals

__all__ = ["LEVEL_SIGNALS", "per_second", "write_levels"]

LEVEL_SIGNALS = ("motion", "cut", "green", "bug", "bug_change", "whistle", "crowd", "rms")
_PEAK = {"cut", "whistle", "bug_change"}
_COLOURS = ["#4fc3f7", "#ef5350", "#66bb6a", "#ffca28", "#ab47bc", "#ff7043", "#26a69a", "#bdbdbd"]


def per_second(
    signals: Signals, names: Sequence[str] = LEVEL_SIGNALS
) -> dict[str, NDArray[np.float64]]:
    """Each signal reduced to one value per whole second (mean, or max for event signals)."""
    per = int(signals.rate)
    seconds = signals.n_ticks // per
    out: dict[str, NDArray[np.float64]] = {"second": np.arange(seconds, dtype=np.float64)}
    for name in names:
        if name not in signals:
            continue
        values = np.asarray(signals[name][: seconds * per], dtype=np.float64).reshape(seconds, per)
        out[name] = values.max(axis=1) if name in _PEAK else values.mean(axis=1)
    return out


def _plot(table: dict[str, NDArray[np.float64]], path: Path, width: int = 1600) -> None:
    names = [n for n in table if n != "second"]
    lane = 90
    img = Image.new("RGB", (width, lane * len(names) + 30), "#111111")
    draw = ImageDraw.Draw(img)
    n = len(table["second"])
    for row, name in enumerate(names):
        values = table[name]
        top = row * lane + 10
        lo, hi = float(np.min(values)), float(np.max(values))
        span = hi - lo or 1.0
        xs = np.linspace(60, width - 10, max(n, 2))
        ys = top + lane - 15 - (values - lo) / span * (lane - 25)
        draw.line(
            list(zip(xs.tolist(), ys.tolist(), strict=False)), fill=_COLOURS[row % 8], width=1
        )
        draw.text((4, top + 30), name, fill="#eeeeee")
        draw.line([(60, top + lane - 12), (width - 10, top + lane - 12)], fill="#333333")
    for minute in range(0, n, 60):
        x = 60 + (width - 70) * minute / max(n - 1, 1)
        draw.text((x, lane * len(names) + 12), f"{minute // 60}m", fill="#888888")
    img.save(path)


def write_levels(signals: Signals, out_dir: Path, stem: str) -> tuple[Path, Path, Path]:
    """Write ``stem.csv`` (per second), ``stem.npz`` (every tick) and ``stem.png``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    table = per_second(signals)
    csv_path = out_dir / f"{stem}.csv"
    with csv_path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(list(table))
        for i in range(len(table["second"])):
            writer.writerow([f"{table[k][i]:.4g}" for k in table])
    npz_path = out_dir / f"{stem}.npz"
    arrays: dict[str, Any] = dict(signals.arrays)
    np.savez_compressed(npz_path, allow_pickle=False, **arrays)
    png_path = out_dir / f"{stem}.png"
    _plot(table, png_path)
    return csv_path, npz_path, png_path
