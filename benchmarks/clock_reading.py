"""How well the game clock is read, per look, against the generator's truth.

For each look: render the tiny broadcast (cached), run the analysis (decode pass, bug crops,
clock reader, clock model), and score the clock readings against the truth's displayed clock.
``--truth-box`` locates the bug at its truth box instead of with the engine's locator, so the
reader is measured on its own (the locator is measured by ``accuracy.py``).

Columns: ``read`` = share of 0.1-s instants with a clock on screen at which the fitted clock
model gives a value; ``right`` = share at which that value is within a second of the truth;
``bad`` = readings not equal (to the tenth) to the clock shown within 0.1 s of them;
``period bad`` = readings carrying the wrong period.

    python benchmarks/clock_reading.py [--looks a,b,...] [--truth-box]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from cutups.analysis.clock_model import ClockReading, fit_clock_model
from cutups.analysis.clock_reader import parse_clock
from cutups.analysis.locate import ScorebugLocator
from cutups.analysis.location import ScorebugLocation
from cutups.analysis.runner import Analysers, analyse
from cutups.analysis.scorebug import LOCATE_SIZE, luma, modal_image, presence
from cutups.media.probe import probe
from cutups.truth import Truth
from cutups_testkit import generate_cached, presets
from cutups_testkit.looks import NETWORK_LOOKS

CACHE = Path.home() / ".cache" / "cutups" / "samples"


class TruthBoxLocator(ScorebugLocator):
    """Locates the bug at a known box (fractions of the frame); its template as the engine's."""

    def __init__(self, box: tuple[float, float, float, float]) -> None:
        super().__init__()
        self.box = box

    def locate_in(self, samples: list[NDArray[np.uint8]]) -> ScorebugLocation | None:
        x, y, w, h = self.box
        width, height = LOCATE_SIZE
        frames = [luma(img) for img in samples]
        ys = slice(int(y * height), round((y + h) * height))
        xs = slice(int(x * width), round((x + w) * width))
        modal, share = modal_image(np.stack([f[ys, xs] for f in frames]))
        stable = share >= 0.4
        cover = float(np.mean([presence(f[ys, xs], modal, stable) > 0.6 for f in frames]))
        return ScorebugLocation(
            xs.start / width,
            ys.start / height,
            (xs.stop - xs.start) / width,
            (ys.stop - ys.start) / height,
            modal,
            stable,
            cover,
        )


def _truth_value(truth: Truth, t: float) -> float | None:
    text = truth.displayed_clock(t)
    return parse_clock(text) if text else None


def score(readings: tuple[ClockReading, ...], truth: Truth) -> dict[str, float]:
    """The table's columns for one look."""
    bad = 0
    for r in readings:
        near = [_truth_value(truth, r.t + d) for d in (-0.1, 0.0, 0.1)]
        bad += not any(v is not None and abs(v - r.seconds) < 0.05 for v in near)
    period_bad = 0
    for r in readings:
        seg = truth.clock_segment_at(r.t)
        period_bad += seg is not None and r.period != seg.period
    model = fit_clock_model(readings)
    shown = read = right = 0
    for t in np.arange(0.0, truth.video.duration, 0.1):
        value = _truth_value(truth, float(t))
        if value is None:
            continue
        shown += 1
        got = model.at(float(t))
        read += got is not None
        right += got is not None and abs(got[1] - value) < 1.0
    n = max(len(readings), 1)
    return {
        "readings": len(readings),
        "read": read / max(shown, 1),
        "right": right / max(shown, 1),
        "bad": bad / n,
        "period_bad": period_bad / n,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--looks", default=",".join(NETWORK_LOOKS))
    parser.add_argument("--truth-box", action="store_true")
    args = parser.parse_args(argv)
    print("| look | readings | read | right | bad | period bad |")
    print("|---|---|---|---|---|---|")
    for name in args.looks.split(","):
        sample = generate_cached(presets.tiny(name), CACHE)
        truth = sample.truth
        analysers = Analysers()
        if args.truth_box:
            sb, v = truth.scorebug, truth.video
            box = (sb.x / v.width, sb.y / v.height, sb.w / v.width, sb.h / v.height)
            analysers = Analysers(locator=TruthBoxLocator(box))
        analysis = analyse(probe(sample.video), cache_dir=None, analysers=analysers)
        s = score(analysis.readings, truth)
        print(
            f"| {name} | {s['readings']:.0f} | {s['read']:.1%} | {s['right']:.1%} "
            f"| {s['bad']:.1%} | {s['period_bad']:.1%} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
