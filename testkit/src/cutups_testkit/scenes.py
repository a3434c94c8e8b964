"""Scenes: each play and pre-snap foul as the wide shot shows it, timed in broadcast frames."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from cutups_testkit.game import SimGame, SimRow
from cutups_testkit.spec import BroadcastSpec
from cutups_testkit.timebase import FrameMap

__all__ = ["Scene", "plan_scenes"]


@dataclass(frozen=True, slots=True)
class Scene:
    """A play or pre-snap foul as the wide shot shows it (broadcast frames).

    ``kind`` is "scrimmage", "kickoff", "punt", "fg", "xp" or, for fouls without a snap,
    "false_start", "offside", "delay_of_game". Players walk in from ``lineup``, are still from
    ``set`` (one man in motion from ``motion`` if ``motion < snap``), move as a team from
    ``snap`` (the kick for kickoffs; the foul for fouls), stop at ``whistle`` and have slowed to
    a walk by ``settle``. For kickoffs the kicker's run-up starts at ``motion``.
    """

    seq: int
    kind: str
    lineup: int
    set: int
    motion: int
    snap: int
    whistle: int
    settle: int
    whistle_audible: bool


def _scene_kind(row: SimRow) -> str:
    if row.kind == "presnap_penalty":
        return row.decoy or "false_start"
    pt = row.play_type
    if pt.startswith("Kickoff"):
        return "kickoff"
    if pt == "Punt":
        return "punt"
    if pt.startswith("Field Goal"):
        return "fg"
    if pt.startswith("Extra Point"):
        return "xp"
    return "scrimmage"


def plan_scenes(
    game: SimGame, spec: BroadcastSpec, fmap: FrameMap, rng: np.random.Generator
) -> tuple[list[Scene], set[int]]:
    """Time every scene: walk to the line, still moment (>= 0.8 s), motion, snap, whistle,
    settle. Returns the scenes in game order and the indexes of those with a man in motion."""
    fps = spec.look.fps

    def f(seconds: float) -> int:
        return max(1, round(seconds * fps))

    def u(lo: float, hi: float) -> int:
        return f(float(rng.uniform(lo, hi)))

    motion: set[int] = set()
    rows = [r for r in game.rows if r.kind in ("play", "presnap_penalty")]
    ins_ends = sorted(fmap.insert_span(i)[1] for i in range(len(fmap.ticks)))
    out: list[Scene] = []
    prev_end = 0
    for row in rows:
        snap, whistle = fmap.frame(row.t_snap), fmap.frame(row.t_whistle)
        floor = max([prev_end] + [e for e in ins_ends if e <= snap])
        kind = _scene_kind(row)
        still = u(0.9, 2.4)
        mot = 0
        if kind == "kickoff":
            mot = u(1.4, 2.1)
        elif kind == "scrimmage" and rng.random() < spec.presnap_motion_rate:
            mot = u(0.9, 2.0)
        walk = u(2.5, 6.0)
        avail = snap - floor
        if walk + still + mot > avail:  # hurried: shorten the walk, keep >= 0.8 s still
            walk = max(0, avail - still - mot)
            if walk < f(0.8):
                still = max(f(0.85), avail - mot - f(0.8))
                walk = max(0, avail - still - mot)
        set_f = snap - mot - still
        audible = row.kind == "presnap_penalty" or rng.random() >= spec.inaudible_whistle_rate
        out.append(
            Scene(
                row.seq,
                kind,
                set_f - walk,
                set_f,
                snap - mot,
                snap,
                whistle,
                whistle + u(1.6, 3.0),
                bool(audible),
            )
        )
        if mot and kind == "scrimmage":
            motion.add(len(out) - 1)
        prev_end = whistle + f(1.0)
    # settle never runs into the next lineup or an insert
    fixed: list[Scene] = []
    starts = [fmap.insert_span(j)[0] for j in range(len(fmap.ticks))]
    for i, sc in enumerate(out):
        limit = out[i + 1].lineup if i + 1 < len(out) else sc.settle
        limit = min([limit] + [s for s in starts if s > sc.whistle])
        fixed.append(replace(sc, settle=max(sc.whistle + 1, min(sc.settle, limit))))
    return fixed, motion
