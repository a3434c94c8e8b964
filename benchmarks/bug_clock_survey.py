"""How the game clock is read off each cached broadcast's bug, from the bug crops alone.

For each broadcast under ``--cache``'s ``samples/`` with a bug: locate it as the survey does
(the samples kept by ``locate_survey.py``), run the decode pass with the bug-crop analyser
alone (a fraction of a full analysis: no field, motion or audio), read the clock off the crops,
and score the readings against the truth: ``bad`` = readings not the clock shown within 0.1 s,
``period bad`` = readings carrying the wrong period (or none).

    PYTHONPATH=src:testkit/src python benchmarks/bug_clock_survey.py --cache /work/cache/bench \
        --looks net_tower_480p30,net_greyturf_768p30
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from locate_survey import Broadcast, broadcasts, frames_of
from numpy.typing import NDArray

from cutups.analysis.bug_crops import BugCropAnalyser
from cutups.analysis.clock_model import ClockReading
from cutups.analysis.clock_reader import parse_clock
from cutups.analysis.locate import ScorebugLocator
from cutups.analysis.location import ScorebugLocation
from cutups.analysis.runner import Analysers, analyse
from cutups.media.probe import probe
from cutups.truth import Truth


class SurveyedLocator(ScorebugLocator):
    """The locator, on samples decoded before (see ``locate_survey.py``)."""

    def __init__(self, frames: list[NDArray[np.uint8]]) -> None:
        super().__init__()
        self.frames = frames

    def locate_in(self, frames: list[NDArray[np.uint8]]) -> ScorebugLocation | None:
        return super().locate_in(self.frames)


def _shown(truth: Truth, t: float) -> list[float]:
    texts = [truth.displayed_clock(t + d) for d in (-0.1, 0.0, 0.1)]
    return [v for v in (parse_clock(x) for x in texts if x) if v is not None]


def score(readings: tuple[ClockReading, ...], truth: Truth) -> tuple[int, int]:
    """(readings not the clock shown, readings with the wrong period)."""
    bad = sum(not any(abs(v - r.seconds) < 0.05 for v in _shown(truth, r.t)) for r in readings)
    periods = [(r, truth.clock_segment_at(r.t)) for r in readings]
    return bad, sum(seg is not None and r.period != seg.period for r, seg in periods)


def read(broadcast: Broadcast, store: Path) -> tuple[ClockReading, ...]:
    """The clock readings off ``broadcast``'s bug crops."""
    frames = frames_of(broadcast, ScorebugLocator(), store, fresh=False)
    analysers = Analysers(locator=SurveyedLocator(frames), frames=(BugCropAnalyser(),), audio=())
    info = probe(broadcast.folder / "broadcast.mp4")
    return analyse(info, cache_dir=None, analysers=analysers).readings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", type=Path, required=True, help="the benchmark cache")
    parser.add_argument("--frames", type=Path, default=Path("/work/cache/locate_survey"))
    parser.add_argument("--looks", default="", help="comma-separated look names (all)")
    args = parser.parse_args()
    looks = set(filter(None, args.looks.split(","))) or None
    print(f"{'look':44} {'readings':>8} {'bad':>5} {'period bad':>10} {'s':>5}")
    for broadcast in broadcasts(args.cache / "samples", looks):
        if not broadcast.look.scorebug:
            continue
        began = time.perf_counter()
        readings = read(broadcast, args.frames)
        truth = Truth.load(broadcast.folder / "truth.json")
        bad, period_bad = score(readings, truth)
        took = time.perf_counter() - began
        print(
            f"{broadcast.label:44} {len(readings):8d} {bad:5d} {period_bad:10d} {took:5.0f}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
