"""Where the scorebug locator finds the bug on every cached broadcast, against the truth.

For each broadcast rendered under ``--cache``'s ``samples/`` (its ``truth.json`` names the
look and seed): sample the frames as the survey before the decode pass does
(:meth:`ScorebugLocator.sample`), locate the bug (:meth:`ScorebugLocator.locate_in`), and print
the box found against the box the look draws its bug in, both in pixels at the locating size
(640 x 360). ``iou`` is the boxes' intersection over union; ``clock`` is the share of the
truth's clock field that the box found covers. Looks without a bug must find none.

The decoded samples are kept under ``--frames`` (one ``.npz`` per broadcast), so a rerun after a
change to the locator costs only the locating (seconds); ``--fresh`` decodes them again.

    PYTHONPATH=src:testkit/src python benchmarks/locate_survey.py --cache /work/cache/bench
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from cutups.analysis.locate import ScorebugLocator
from cutups.analysis.location import ScorebugLocation
from cutups.analysis.scorebug import LOCATE_SIZE
from cutups.media.probe import probe
from cutups_testkit.looks import Look, look_from_dict
from cutups_testkit.netbug import any_bug_layout, split_gap

Box = tuple[int, int, int, int]
"""x0, y0, x1, y1 in pixels at the locating size."""


@dataclass(frozen=True, slots=True)
class Broadcast:
    """One cached broadcast and what its truth says about its bug."""

    folder: Path
    look: Look
    seed: int
    duration: float

    @property
    def label(self) -> str:
        return f"{self.look.name} s{self.seed} {self.folder.name[:4]}"


def broadcasts(samples: Path, looks: set[str] | None) -> list[Broadcast]:
    found = []
    for folder in sorted(samples.iterdir()):
        truth_path = folder / "truth.json"
        if not (folder / ".complete").exists() or not truth_path.exists():
            continue
        truth = json.loads(truth_path.read_text())
        look = look_from_dict(truth["spec"]["look"])
        if looks and look.name not in looks:
            continue
        # The game's seed is the broadcast's seed times 1000 plus a per-look offset.
        seed = int(truth["spec"]["game"]["seed"]) // 1000
        found.append(Broadcast(folder, look, seed, float(truth["video"]["duration"])))
    return sorted(found, key=lambda b: (b.look.name, b.seed, b.folder.name))


def truth_box(look: Look) -> Box | None:
    """The look's bug box, at the locating size; None when the look draws no bug. A split
    bug's is its clock's box (the teams' box is apart, across clear picture)."""
    if not look.scorebug:
        return None
    lay = any_bug_layout(look)
    x0 = lay.x + split_gap(lay)[1] if look.layout == "split" else lay.x
    return _scaled((x0, lay.y, lay.x + lay.w, lay.y + lay.h), look)


def clock_box(look: Look) -> Box | None:
    """The bug's clock field, at the locating size."""
    if not look.scorebug:
        return None
    lay = any_bug_layout(look)
    x, y, w, h = lay.absolute("clock")
    return _scaled((x, y, x + w, y + h), look)


def _scaled(box: tuple[int, int, int, int], look: Look) -> Box:
    sx, sy = LOCATE_SIZE[0] / look.width, LOCATE_SIZE[1] / look.height
    x0, y0, x1, y1 = box
    return round(x0 * sx), round(y0 * sy), round(x1 * sx), round(y1 * sy)


def found_box(location: ScorebugLocation | None) -> Box | None:
    if location is None:
        return None
    return location.box(*LOCATE_SIZE)


def overlap(a: Box, b: Box) -> int:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return max(0, w) * max(0, h)


def _area(a: Box) -> int:
    return (a[2] - a[0]) * (a[3] - a[1])


def iou(a: Box, b: Box) -> float:
    inter = overlap(a, b)
    return inter / (_area(a) + _area(b) - inter)


def frames_of(
    broadcast: Broadcast, locator: ScorebugLocator, store: Path, fresh: bool
) -> list[NDArray[np.uint8]]:
    """The survey's samples of ``broadcast``, decoded once and kept under ``store``."""
    path = store / f"{broadcast.folder.name}-{locator.samples}.npz"
    if path.exists() and not fresh:
        with np.load(path) as saved:
            return list(saved["frames"])
    frames = locator.sample(probe(broadcast.folder / "broadcast.mp4"))
    store.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, frames=np.stack(frames))
    return frames


_CLOCK_COVERED = 0.85
"""Share of the clock's cell a box must cover: its glyphs, if not every row of its margins."""


def _verdict(want: Box | None, got: Box | None, clock: Box | None) -> str:
    if want is None:
        return "ok (none)" if got is None else "FALSE BOX"
    if got is None:
        return "MISSED"
    if clock is not None and overlap(got, clock) < _CLOCK_COVERED * _area(clock):
        return "NO CLOCK"
    return "ok" if iou(want, got) >= 0.7 else "loose"


def _fmt(box: Box | None) -> str:
    return "-" if box is None else "{},{}-{},{}".format(*box)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", type=Path, required=True, help="the benchmark cache")
    parser.add_argument("--frames", type=Path, default=Path("/work/cache/locate_survey"))
    parser.add_argument("--looks", default="", help="comma-separated look names (all)")
    parser.add_argument("--fresh", action="store_true", help="decode the samples again")
    args = parser.parse_args()
    looks = set(filter(None, args.looks.split(","))) or None
    locator = ScorebugLocator()
    print(
        f"{'look':44} {'set':8} {'truth box':17} {'found box':17} {'iou':>5} {'clock':>5}"
        "  verdict  s"
    )
    counts: dict[str, int] = {}
    for broadcast in broadcasts(args.cache / "samples", looks):
        frames = frames_of(broadcast, locator, args.frames, args.fresh)
        began = time.perf_counter()
        location = locator.locate_in(frames)
        took = time.perf_counter() - began
        want, got, clock = truth_box(broadcast.look), found_box(location), clock_box(broadcast.look)
        share = overlap(got, clock) / _area(clock) if got and clock else float("nan")
        score = iou(want, got) if want and got else float("nan")
        verdict = _verdict(want, got, clock)
        counts[verdict] = counts.get(verdict, 0) + 1
        print(
            f"{broadcast.label:44} {broadcast.look.split:8} {_fmt(want):17} {_fmt(got):17}"
            f" {score:5.2f} {share:5.2f}"
            f"  {verdict:8} {took:4.1f}",
            flush=True,
        )
    print("; ".join(f"{v}: {n}" for v, n in sorted(counts.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
