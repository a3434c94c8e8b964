"""Video-only detection on every cached broadcast, scored against truth plays and decoys.

Reruns only :func:`~cutups.analysis.plays.detect_plays` (a pure function of the cached
signals) on each rendered broadcast under ``CACHE/samples`` whose analysis is in
``CACHE/analysis``; nothing is decoded, so the whole cache scores in seconds. A detection
matches a true play when its snap is within 2 s (nearest first, one to one, as
:func:`cutups.evaluate.evaluate` pairs); one within 2 s of a truth decoy (a false start, an
offside, a delay of game...) and of no play is a *decoy clip*.

    PYTHONPATH=src:testkit/src python benchmarks/decoys.py --cache /work/cache/bench

One line per broadcast on stdout; every miss and false detection on stderr. To compare two
versions of the detector, run it once with each tree's ``src`` first on PYTHONPATH: only
analyses cached under that tree's analysers (their names, versions and params) are scored.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cutups.analysis.plays import DetectedPlay, detect_plays
from cutups.analysis.runner import cached_analysis
from cutups.evaluate import match_snaps
from cutups.media.probe import probe
from cutups.recipes.plays import bug_gates_live_shots
from cutups.truth import Truth

MATCH_SEC = 2.0


def score(name: str, truth: Truth, plays: list[DetectedPlay]) -> tuple[int, int, int, int]:
    """(true plays, found, detections, decoy clips); misses and false ones to stderr."""
    snaps = [p.snap for p in plays]
    pairs = match_snaps(snaps, [p.snap for p in truth.plays], MATCH_SEC)
    found = {j for _, j in pairs}
    matched = {i for i, _ in pairs}
    for j, tp in enumerate(truth.plays):
        if j not in found:
            print(f"  {name}: MISSED {tp.play_type} snap {tp.snap:.2f}", file=sys.stderr)
    decoy_clips = 0
    for i, d in enumerate(plays):
        if i in matched:
            continue
        decoy = next((x for x in truth.decoys if abs(x.time - d.snap) <= MATCH_SEC), None)
        decoy_clips += decoy is not None
        what = f"decoy {decoy.kind} at {decoy.time:.2f}" if decoy else "no decoy near"
        print(
            f"  {name}: FALSE snap {d.snap:.2f} end {d.end:.2f} ({d.end_reason}; {what})",
            file=sys.stderr,
        )
    return len(truth.plays), len(found), len(plays), decoy_clips


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", type=Path, default=Path("/work/cache/bench"))
    args = ap.parse_args(argv)
    totals = [0, 0, 0, 0]
    uncached = 0
    for d in sorted((args.cache / "samples").iterdir()):
        video, truth_path = d / "broadcast.mp4", d / "truth.json"
        # A dot directory is a render still being written by another run.
        if d.name.startswith(".") or not (video.exists() and truth_path.exists()):
            continue
        analysis = cached_analysis(probe(video, keyframes=False), cache_dir=args.cache)
        if analysis is None:
            uncached += 1
            continue
        truth = Truth.load(truth_path)
        look, game = truth.spec.get("look", {}), truth.spec.get("game", {})
        bug = "" if look.get("scorebug", True) else "+nobug"
        name = f"{look.get('name', '?')}{bug} seed {game.get('seed', '?')}"
        gated = bug_gates_live_shots(analysis)
        plays = detect_plays(analysis.signals, None, analysis.readings, scorebug=gated)
        n, found, det, decoys = score(name, truth, plays)
        totals = [a + b for a, b in zip(totals, (n, found, det, decoys), strict=True)]
        recall = 100.0 * found / n if n else 100.0
        precision = 100.0 * found / det if det else 100.0
        print(
            f"{name}: plays {n} found {found} detections {det} decoy clips {decoys} "
            f"recall {recall:.1f} % precision {precision:.1f} %"
        )
    n, found, det, decoys = totals
    print(f"TOTAL: plays {n} found {found} detections {det} decoy clips {decoys}")
    if uncached:
        # Keys hold the analysers' identities: after an analyser changes, accuracy.py must
        # analyse a broadcast again before it is scored here.
        print(f"{uncached} broadcasts have no analysis cached by these analysers", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
