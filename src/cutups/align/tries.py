"""Where the try that no row lists goes, when the clock cannot tell it from the kickoff.

A feed often folds the try (extra point, two-point try) into its touchdown's row, yet the
detector finds it as a play of its own: the first detection after the touchdown. Both pairings
(by the clock, :mod:`cutups.align.pbp_align`; without one, :mod:`cutups.align.sequence`) may
hand that detection to the kickoff or a later row; these rules give it back. Pure functions:
row-to-detection pairs in, pairs out.
"""

from __future__ import annotations

from collections.abc import Sequence

from cutups.align.gaps import folded_tries
from cutups.pbp.model import ClockAt, Play

__all__ = ["try_comes_first", "try_first_in_sequence"]


def try_comes_first(
    plays: Sequence[Play], pairs: dict[int, int], detections: int, clock_at: ClockAt
) -> dict[int, int]:
    """``pairs`` (play row -> detection) with the plays listed right after a touchdown whose
    try no row lists moved off the try: the clock stands from the touchdown to the kickoff,
    so it cannot tell the try from the kickoff, and the first detection after the touchdown
    is the try. The rows that follow at the kickoff's clock, on the detections that follow,
    move one detection on with it (after a touchback the next snap lists that clock too).
    Moved only where the rows list one clock: the same clock where rows list the clock a play
    ended at (the lime look at seed 61 clipped its try as the kickoff and the kickoff with no
    row); where they list the snap, the kickoff's clock is always the one the touchdown
    stopped (the teal and lime looks of the same seed, in ESPN's shape). The last row moved
    needs a free detection after, or none at all: the recording stopped before its play."""
    out = dict(pairs)
    tries = folded_tries(plays)
    for i in range(len(plays) - 1):
        touchdown, following = plays[i], plays[i + 1]
        if not tries[i] or i not in out or i + 1 not in out or touchdown.clock is None:
            continue
        if out[i + 1] != out[i] + 1:
            continue
        if not (clock_at == "snap" or following.clock == touchdown.clock):
            continue
        chain = _same_clock_chain(plays, out, i + 1)
        after = out[chain[-1]] + 1
        used = set(out.values())
        if after < detections and after in used:
            continue
        for row in reversed(chain):
            if out[row] + 1 < detections:
                out[row] += 1
            else:
                del out[row]
    return out


def _same_clock_chain(plays: Sequence[Play], pairs: dict[int, int], first: int) -> list[int]:
    """Rows from ``first`` on, listed at its clock, paired with consecutive detections."""
    chain = [first]
    while (
        chain[-1] + 1 in pairs
        and pairs[chain[-1] + 1] == pairs[chain[-1]] + 1
        and plays[chain[-1] + 1].clock == plays[first].clock
        and plays[chain[-1] + 1].period == plays[first].period
    ):
        chain.append(chain[-1] + 1)
    return chain


def try_first_in_sequence(
    plays: Sequence[Play], pairs: dict[int, int], detections: int
) -> dict[int, int]:
    """``pairs`` (play row -> detection, from the clock-less pairing) with the detection right
    after a touchdown whose try no row lists taken back from a later row that the pairing
    gave it, skipping the rows between: that detection is the try. The rows from the one after
    the touchdown to the one that had it are paired in order with the free detections that
    follow, up to the next paired one (a detection whose row was in doubt included: the doubt
    was over the pairing this replaces). Seed 61's teal and emerald twins clipped their last
    try as an unrecorded "Sack" and "Rush" and left the kickoff without its row."""
    out = dict(pairs)
    tries = folded_tries(plays)
    for i in sorted(pairs):
        if not tries[i] or i not in out:
            continue
        j = out[i]
        k = next((r for r, d in out.items() if d == j + 1), None)
        if k is None or k <= i + 1 or any(r in out for r in range(i + 1, k)):
            continue  # the try has no row, or the pairing gave it the very next row
        del out[k]
        later = min((d for d in out.values() if d > j + 1), default=detections)
        free = range(j + 2, later)
        for row, d in zip(range(i + 1, k + 1), free, strict=False):
            out[row] = d
    return out
