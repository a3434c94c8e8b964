"""What the rows say of the gaps between plays, besides their clocks.

Rows with no play (a timeout, a penalty called before the snap) sit between two plays and tell
of the gap between them; the plays' own types tell whether the rules stopped the clock after
them (an incompletion, a kick, a score, a change of possession), whether a commercial break may
follow, and whether a kickoff follows a score. :mod:`cutups.align.sequence` prices the gaps of
a clock-less pairing with these.

Pure functions: rows in, facts about them out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from cutups.pbp.model import Play, PlayKind

__all__ = [
    "Interlude",
    "allows_break",
    "first_down",
    "interludes",
    "kickoff_after_score",
    "stops_clock",
]


@dataclass(frozen=True, slots=True)
class Interlude:
    """What the rows list between one play and the next: no play, but news of the gap."""

    timeout: bool = False
    """A timeout: the clock stood still for a while (a commercial, often)."""
    dead_balls: int = 0
    """Penalties with no play (a false start, offside): players moved at a snap that did not
    happen, which a detector may take for a play no row lists."""


def interludes(rows: Sequence[Play]) -> tuple[list[Play], list[Interlude]]:
    """The plays among ``rows``, and per play what the rows list after it before the next."""
    plays: list[Play] = []
    after: list[Interlude] = []
    for row in rows:
        if row.kind is not PlayKind.NOT_A_PLAY:
            plays.append(row)
            after.append(Interlude())
            continue
        if not after:
            continue
        words = f"{row.play_type} {row.text}".lower()
        last = after[-1]
        if "timeout" in words:
            after[-1] = replace(last, timeout=True)
        elif "penalty" in words:
            after[-1] = replace(last, dead_balls=last.dead_balls + 1)
    return plays, after


_BREAK_WORDS = ("touchdown", "field goal", "safety", "punt", "kickoff", "interception", "fumble")


def allows_break(row: Play) -> bool:
    """Whether a commercial break may follow ``row``: after scores, kicks, turnovers,
    timeouts and at the end of a period."""
    words = f"{row.play_type} {row.text}".lower()
    return any(w in words for w in _BREAK_WORDS) or "timeout" in words


_STOP_WORDS = ("incomplet", "penalty", *_BREAK_WORDS)


def stops_clock(row: Play, following: Play) -> bool:
    """Whether the rules stop the clock after ``row`` until ``following``'s snap: an
    incompletion, a penalty, a kick, a score, a turnover, the ball changing hands."""
    words = f"{row.play_type} {row.text}".lower()
    changed = bool(row.offense and following.offense and row.offense != following.offense)
    return row.kind is PlayKind.KICK or changed or any(w in words for w in _STOP_WORDS)


def first_down(row: Play) -> bool:
    """Whether ``row`` gained a first down (the rows say so, or its yards reach the line)."""
    if "1st down" in row.text.lower():
        return True
    return bool(row.down and row.distance and (row.yards_gained or 0) >= row.distance)


_SCORE_WORDS = ("touchdown", "field goal good", "safety")


def kickoff_after_score(a: Play, b: Play) -> bool:
    """Whether ``b`` is the kickoff that follows a score in ``a``: broadcasts go to a break
    between the two, so the kickoff comes minutes later.

    A listed try is no such score: the break after a touchdown comes before the try as often
    as after it, so the try may be followed by its kickoff within half a minute (seed 29's
    split look: 33 s). The touchdown to the kickoff, the try skipped, still needs the break."""
    scored = any(w in f"{a.play_type} {a.text}".lower() for w in _SCORE_WORDS)
    return scored and "kickoff" in b.play_type.lower()
