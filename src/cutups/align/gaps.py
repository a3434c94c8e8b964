"""After the clock has paired what it could: the rows and detections left between matched pairs.

The clock's pairing (:mod:`cutups.align.pbp_align`) leaves a listed row unmatched when its
listed clock is a few seconds further off than the aligner allows, and its play, detected all
the same, unexplained. Left there, such a detection became an unlisted play (after a touchdown,
an "Extra Point"), so a listed run lost its row's bucket and facts. Three passes settle them:

- :func:`pair_by_order`: between two matched neighbours, as many unmatched rows as unexplained
  detections are paired in order (``via="order"``): nothing else can have happened there. After
  a touchdown whose try the data folded into its row, the first detection is that try. A row
  the clock alone placed out of that order is unplaced first.
- :func:`extend_long_plays`: a detection right before or after a matched return or lateral is
  the same play, split where its players paused: the play is kept from snap to whistle.
- :func:`folded_try`: an unexplained detection is an unlisted try only where the data says a
  try followed a touchdown and lists none.

Pure functions: placements and detections in, placements out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from cutups.align.placement import Placement
from cutups.analysis.plays import DetectedPlay
from cutups.pbp.model import Play, PlayKind

__all__ = [
    "extend_long_plays",
    "folded_tries",
    "folded_try",
    "is_try",
    "pair_by_order",
    "scores_touchdown",
]

RESUMED_WITHIN = 3.0
"""Seconds between a long play's detected end and a detection that continues it."""
_LONG_PLAY_WORDS = ("return", "lateral", "fumble", "interception", "kickoff", "punt")
_TRY_WORDS = ("extra point", "two point", "two-point", "2pt", "conversion", "pat ")


def _words(row: Play) -> str:
    return f"{row.play_type} {row.text}".lower()


def scores_touchdown(row: Play) -> bool:
    """Whether a row's play scored a touchdown."""
    return "touchdown" in _words(row) or " td" in f" {_words(row)}"


def is_try(row: Play) -> bool:
    """Whether a row is an extra point or a two-point try."""
    return any(word in f"{row.play_type.lower()} " for word in _TRY_WORDS)


def folded_try(placements: Sequence[Placement], index: int) -> bool:
    """Whether the data says a try followed the touchdown of ``placements[index]`` without
    listing it: the row scored a touchdown and the next play row is not a try."""
    if not scores_touchdown(placements[index].row) or is_try(placements[index].row):
        return False
    later = (pl.row for pl in placements[index + 1 :] if pl.row.kind is not PlayKind.NOT_A_PLAY)
    following = next(later, None)
    return following is None or not is_try(following)


def folded_tries(plays: Sequence[Play]) -> list[bool]:
    """Per row of ``plays`` (rows with a play, in game order): it scored a touchdown and the
    next row is no try, so the try that followed it (a detected play) is listed nowhere (the
    rows' counterpart of :func:`folded_try`)."""
    return [
        scores_touchdown(r) and not is_try(r) and (k + 1 == len(plays) or not is_try(plays[k + 1]))
        for k, r in enumerate(plays)
    ]


def _between(
    detections: Sequence[DetectedPlay], free: Sequence[int], after: float, before: float
) -> list[int]:
    return [j for j in free if after <= detections[j].snap < before]


def _clock_in_order(placements: Sequence[Placement]) -> list[Placement]:
    """``placements`` with every row placed by the clock alone outside the order its
    detected neighbours set back to unmatched: a clock listed wrong points anywhere."""
    out = list(placements)
    detected = [(i, pl) for i, pl in enumerate(out) if pl.via == "detected"]
    for i, pl in enumerate(out):
        if pl.via != "clock" or pl.snap is None or pl.end is None:
            continue
        before = [q.end for k, q in detected if k < i and q.end is not None]
        after = [q.snap for k, q in detected if k > i and q.snap is not None]
        if (before and max(before) > pl.snap) or (after and min(after) < pl.end):
            out[i] = replace(
                pl,
                status="unmatched",
                snap=None,
                end=None,
                via=None,
                reason="its listed clock points outside the plays listed around it",
            )
    return out


def pair_by_order(
    placements: Sequence[Placement], detections: Sequence[DetectedPlay], taken: set[int]
) -> list[Placement]:
    """``placements`` (in row order) with each run of unmatched rows between two matched rows
    paired in order with the unexplained detections between those rows' plays, when there are
    exactly as many of each, or one more right after a touchdown whose try no row lists (the
    first is the try: a kickoff listed a few seconds off the clock was paired with it, or,
    with the try played, left without its row)."""
    out = _clock_in_order(placements)
    free = [j for j in range(len(detections)) if j not in taken]
    anchors = [i for i, pl in enumerate(out) if pl.status == "matched" and pl.end is not None]
    for left, right in zip([-1, *anchors], [*anchors, len(out)], strict=True):
        rows = [i for i in range(left + 1, right) if out[i].status == "unmatched"]
        after = out[left].end if left >= 0 else 0.0
        before = out[right].snap if right < len(out) else float("inf")
        assert after is not None and before is not None
        found = _between(detections, free, after - 0.5, before)
        open_end = right == len(out)
        if (
            left >= 0
            and folded_try(out, left)
            and found
            and (open_end or len(found) == len(rows) + 1)
        ):
            found = found[1:]  # the touchdown's unlisted try comes first: not a row's play
        rows = _recorded(rows, len(found), left, open_end)
        if not rows or len(rows) != len(found):
            continue
        for i, j in zip(rows, found, strict=True):
            d = detections[j]
            out[i] = replace(
                out[i],
                status="matched",
                snap=d.snap,
                end=d.end,
                detection=j,
                via="order",
                reason="paired by order between the plays matched before and after it",
            )
            taken.add(j)
    return out


def _recorded(rows: list[int], found: int, left: int, open_end: bool) -> list[int]:
    """The rows of a run that the recording can hold ``found`` plays of: all of them between
    two matched rows; at an open end of the recording, only the ``found`` nearest the matched
    row (the rest were played before the recording began or after it stopped; a kickoff
    touchback leaves the clock where the next snap starts it, so the clock cannot say)."""
    if left < 0 and not open_end and found < len(rows):
        return rows[len(rows) - found :]
    if open_end and left >= 0 and found < len(rows):
        return rows[:found]
    return rows


def extend_long_plays(
    placements: Sequence[Placement], detections: Sequence[DetectedPlay], taken: set[int]
) -> list[Placement]:
    """``placements`` with every matched return or lateral grown over the unexplained
    detections within :data:`RESUMED_WITHIN` seconds of either end (added to ``taken``): the
    detector ends a play where its players pause, and the rest of it is no other play."""
    out = list(placements)
    for i, pl in enumerate(out):
        if pl.status != "matched" or pl.snap is None or pl.end is None:
            continue
        if not any(word in _words(pl.row) for word in _LONG_PLAY_WORDS):
            continue
        snap, end = pl.snap, pl.end
        for j in sorted(range(len(detections)), key=lambda k: detections[k].snap):
            d = detections[j]
            if j in taken:
                continue
            if end <= d.snap <= end + RESUMED_WITHIN:
                end = d.end
                taken.add(j)
            elif snap - RESUMED_WITHIN <= d.end <= snap:
                snap = d.snap
                taken.add(j)
        if (snap, end) != (pl.snap, pl.end):
            out[i] = replace(pl, snap=snap, end=end)
    return out
