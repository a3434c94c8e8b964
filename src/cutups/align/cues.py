"""What the video shows of a play without a clock, against what a row says of it.

The broadcast camera follows the ball, so the way it turned during a play
(:attr:`~cutups.analysis.plays.DetectedPlay.travel`) says which way the ball went and roughly
how far. A row says the same thing in its own terms:

- *direction*: an offense attacks one end of the field for a whole quarter, and the teams
  change ends at every quarter (in each half; at halftime the second half's choice decides).
  So the way a row's ball went is its offense (one team or the other), flipped each quarter,
  times one unknown sign per half: which end the camera shows on the right. A kick goes the
  kicking team's way, a gain the offense's way, a loss the other way;
- *length*: a kickoff or a punt flies 40 yards or more and a long gain runs far, where a
  short run or a sack hardly moves the camera; a plain run or catch turns the camera in
  proportion to its yards, at a scale (pixels per yard) that depends on the camera's framing.

:func:`cue_costs` prices every (row, detection) pair under one guess of the two half signs
and the scale; the sequence pairing (:mod:`cutups.align.sequence`) tries every guess. A pair whose
detection shows nothing clear (the camera hardly moved, or no signed pan was measured) costs
nothing: no cue is better than a wrong one.

Pure functions: rows and detections in, arrays out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from cutups.analysis.plays import DetectedPlay
from cutups.pbp.model import Play, PlayKind

__all__ = ["SCALES", "CueParams", "HalfSigns", "RowCue", "cue_costs", "row_cues"]

FloatArray = NDArray[np.float64]
HalfSigns = tuple[int, int]
"""Which way the first-listed team's offense goes on screen in the first and in the third
quarter (+1: to the right)."""

SCALES = (4.0, 5.0, 6.3, 8.0, 10.0)
"""Guesses of the camera's pixels (at 320 wide) per yard of a play (a wide shot shows 30-80
yards across), a quarter apart: the tolerance (:attr:`CueParams.size_share`) covers what
lies between."""
_FAR_KICKS = ("kickoff", "punt")
_TURNOVER_WORDS = ("interception", "fumble", "blocked", "muff", "lateral")
_NO_WAY_WORDS = ("penalty", "extra point", "field goal", "two point", "2pt", "conversion")
"""Rows whose camera says nothing reliable of the ball's way: a penalty's yards are walked off,
not run; a try or a field goal is often shown from behind the kicker or not followed."""


@dataclass(frozen=True, slots=True)
class CueParams:
    """How the camera's travel is read (px at 320 wide) and what a disagreement costs (in
    units of one paired row: pairing a row earns 10)."""

    moved: float = 15.0
    """Travel below this says nothing about the ball's direction (a short run, camera noise)."""
    sure: float = 40.0
    """From this travel on, the way the camera went is certain: a wrong way costs in full
    (in between, in proportion)."""
    short: float = 25.0
    """A long gain turns the camera further than this."""
    kick_short: float = 60.0
    """A kickoff or a punt, which sends the ball 30 yards or more even after its return, turns
    the camera further than this."""
    far: float = 120.0
    """A short run or a sack does not turn it this far."""
    long_gain: int = 20
    """Yards from which a scrimmage play is a long one."""
    short_gain: int = 10
    """Yards (either way) up to which a scrimmage play is a short one."""
    wrong_way: float = 7.0
    """Cost of a camera that went surely against the row's direction: most of what a pair
    earns, as a camera that turned far the wrong way is as good as proof."""
    size_slack: float = 15.0
    """Travel may differ from the row's yards times the scale by this much (px)..."""
    size_share: float = 0.3
    """...plus this share of the expected travel (the camera leads, lags and zooms)."""
    wrong_size: float = 4.0
    """Cost of a travel out of those bounds."""
    wrong_length: float = 4.0
    """Cost of a camera that went far for a short play, or hardly moved for a kick."""
    brief: float = 3.0
    """Seconds from snap to whistle under which a detection is no run, catch, sack or kick
    (a false start: players jump, the whistle blows at once)..."""
    too_brief: float = 8.0
    """...and the cost of taking it for one."""


@dataclass(frozen=True, slots=True)
class RowCue:
    """What a row predicts of its play's camera travel."""

    team_way: int
    """+1 or -1: the way the ball went as the first-listed team's attack in the first quarter
    of its half would go; 0: unknown (an overtime row, a turnover, an incompletion)."""
    half: int
    """0 for the first half, 1 for the second."""
    far: bool | None
    """True: a kick or a long gain; False: a short play; None: either."""
    yards: float | None = None
    """Yards the ball went the offense's way, for a plain run or catch (None otherwise)."""
    kick: bool = False
    """A kickoff or a punt: far even by :attr:`CueParams.kick_short`."""
    lasts: bool = False
    """A run, a catch, a sack or a kick: the ball is live for some seconds (not a spike, a
    kneel, a try or a field goal, which can be over at once)."""


def _words(row: Play) -> str:
    return f"{row.play_type} {row.text}".lower()


def _ball_way(row: Play) -> int:
    """+1: the ball went the offense's way; -1: back; 0: no telling."""
    words = _words(row)
    if any(w in words for w in (*_TURNOVER_WORDS, *_NO_WAY_WORDS)):
        return 0
    if row.kind is PlayKind.KICK:
        return 1  # kickoffs name the kicking team; punts and field goals go its way too
    if "incomplet" in words:
        return 1  # a forward pass, thrown downfield: the camera turns after it
    gained = row.yards_gained or 0
    return int(np.sign(gained))


def _plain(row: Play) -> bool:
    """A run, a catch or a sack: the camera follows the ball carrier for the listed yards."""
    words = _words(row)
    odd = (*_TURNOVER_WORDS, *_NO_WAY_WORDS, "incomplet")
    return row.kind is PlayKind.SNAP and not any(w in words for w in odd)


def _far(row: Play, p: CueParams) -> bool | None:
    words = _words(row)
    if row.kind is PlayKind.KICK:
        return True if any(w in words for w in _FAR_KICKS) else None
    if not _plain(row):
        return None  # a thrown ball or a return moves the camera however far it went
    gained = abs(row.yards_gained or 0)
    if gained >= p.long_gain:
        return True
    return False if gained <= p.short_gain else None


def row_cues(rows: Sequence[Play], p: CueParams) -> list[RowCue]:
    """Per row, what its play should look like to a camera following the ball."""
    first = rows[0].offense if rows else ""
    cues: list[RowCue] = []
    for row in rows:
        team = 1 if row.offense == first else -1
        quarter = 1 if row.period % 2 == 1 else -1
        way = 0 if row.overtime else team * quarter * _ball_way(row)
        far = _far(row, p)
        plain = _plain(row) and row.yards_gained is not None
        yards = team * quarter * float(row.yards_gained or 0) if plain and way else None
        kick = row.kind is PlayKind.KICK and any(w in _words(row) for w in _FAR_KICKS)
        lasts = kick or (_plain(row) and "kneel" not in _words(row))
        cues.append(RowCue(way, 0 if row.period <= 2 else 1, far, yards, kick, lasts))
    return cues


def cue_costs(
    cues: Sequence[RowCue],
    detections: Sequence[DetectedPlay],
    signs: HalfSigns,
    scale: float,
    p: CueParams,
) -> FloatArray:
    """Cost of pairing row ``i`` with detection ``j``, shape (rows, detections), for the
    half signs ``signs`` and the camera's ``scale`` (px per yard)."""
    travel = np.array([np.nan if d.travel is None else d.travel for d in detections], dtype=float)
    known = ~np.isnan(travel)
    size = np.abs(np.nan_to_num(travel))
    sureness = np.clip((size - p.moved) / (p.sure - p.moved), 0.0, 1.0) * (size >= p.moved)
    way = np.sign(np.nan_to_num(travel)) * sureness
    expected = np.array([c.team_way * signs[c.half] for c in cues], dtype=np.float64)
    wrong = np.maximum(0.0, -(expected[:, None] * way[None, :]))
    far = np.array([c.far is True for c in cues], dtype=bool)[:, None]
    kick = np.array([c.kick for c in cues], dtype=bool)[:, None]
    short = np.array([c.far is False for c in cues], dtype=bool)[:, None]
    too_short = np.where(kick, size[None, :] < p.kick_short, size[None, :] < p.short)
    bad_length = (far & too_short) | (short & (size > p.far)[None, :])
    cost = p.wrong_way * wrong + p.wrong_length * (bad_length & known[None, :])
    # dtype=bool throughout: with no detections (or rows) an empty list would become float64.
    brief = np.array([d.end - d.snap < p.brief for d in detections], dtype=bool)
    lasts = np.array([c.lasts for c in cues], dtype=bool)
    cost += p.too_brief * (lasts[:, None] & brief[None, :])
    sized = np.array([c.yards is not None for c in cues], dtype=bool)
    if sized.any():
        yards = np.array([(c.yards or 0.0) * signs[c.half] for c in cues])
        expected = scale * yards[:, None]
        slack = p.size_slack + p.size_share * np.abs(expected)
        off = np.abs(np.nan_to_num(travel)[None, :] - expected) > slack
        cost += p.wrong_size * (off & sized[:, None] & known[None, :])
    return np.asarray(cost, dtype=np.float64)
