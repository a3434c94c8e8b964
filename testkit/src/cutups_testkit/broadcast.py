"""The broadcast timeline: which shot is on air at every frame, and where each play happens.

Input is the simulated game (game ticks) and the inserts at its break points; output is a
:class:`Plan` in broadcast frames: the :class:`Scene` s (a play or a pre-snap foul seen in the
wide shot: players walk to the line, stand still, snap, play, whistle, slow down) and the
:class:`Shot` s that cover every frame (wide shot, cut-aways, wipes and replays, inserts).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Literal

import numpy as np

from cutups_testkit.game import SimGame, SimRow
from cutups_testkit.inserts import AD_KINDS, NETWORK_AD_KINDS, Insert, choose_inserts
from cutups_testkit.scenes import Scene, plan_scenes
from cutups_testkit.spec import BroadcastSpec
from cutups_testkit.timebase import FrameMap

__all__ = ["BugState", "Plan", "Scene", "Shot", "ShotKind", "plan_broadcast"]

ShotKind = Literal[
    "wide",
    "closeup",
    "crowd",
    "sideline",
    "graphic",
    "wipe",
    "replay",
    "commercial",
    "bumper",
    "studio",
    "aerial",
]
BugState = Literal["live", "hidden", "frozen"]


def _network_kind(shot: Shot) -> Shot:
    """Network looks show an aerial stadium shot for every other crowd shot (by variant, so
    the plan's random stream, and with it every classic look, is unchanged)."""
    if shot.kind == "crowd" and shot.variant % 2 == 1 and shot.end - shot.start > 30:
        return replace(shot, kind="aerial")
    return shot


_CUTAWAYS: tuple[ShotKind, ...] = ("closeup", "crowd", "sideline", "wide", "graphic")
_CUT_P = (0.42, 0.18, 0.22, 0.10, 0.08)


@dataclass(frozen=True, slots=True)
class Shot:
    """One shot, frames [start, end).

    ``scene`` indexes :attr:`Plan.scenes` (wide shots and replays; -1 otherwise). Replays show
    scene time ``src0`` s (relative to the snap) onwards: the first 40 % of ``src_len`` source
    seconds at normal speed, the rest at half speed. ``variant`` picks the visual variety,
    ``insert``/``part`` point into :attr:`Plan.inserts` for inserted shots.
    """

    kind: ShotKind
    start: int
    end: int
    bug: BugState
    scene: int = -1
    variant: int = 0
    text: str = ""
    src0: float = 0.0
    src_len: float = 0.0
    insert: int = -1
    part: int = -1


@dataclass(frozen=True, slots=True)
class Plan:
    """The full broadcast in frames at ``fps`` (before trimming to the recording)."""

    fps: Fraction
    frames: int
    fmap: FrameMap
    inserts: tuple[Insert, ...]
    scenes: tuple[Scene, ...]
    shots: tuple[Shot, ...]
    replay_of: tuple[tuple[int, int], ...]  # (shot index of the replay, scene index)
    presnap_motion: frozenset[int]  # scene indexes with a man in motion


class _Planner:
    def __init__(self, game: SimGame, spec: BroadcastSpec) -> None:
        self.game, self.spec = game, spec
        self.fps = spec.look.fps
        self.rng = np.random.default_rng([spec.game.seed, 0xB0AD])
        self.inserts = choose_inserts(
            game,
            self.fps,
            self.rng,
            commercial_scale=spec.commercial_scale,
            halftime_seconds=spec.halftime_seconds,
            break_rate=spec.break_rate,
            pregame_seconds=spec.pregame_seconds,
            postgame_seconds=spec.postgame_seconds,
            ad_kinds=AD_KINDS if spec.look.net is None else NETWORK_AD_KINDS,
        )
        self.fmap = FrameMap.build(self.fps, self.inserts)
        self.shots: list[Shot] = []
        self.replays: list[tuple[int, int]] = []
        self.motion: set[int] = set()

    def f(self, seconds: float) -> int:
        return max(1, round(seconds * self.fps))

    def u(self, lo: float, hi: float) -> int:
        return self.f(float(self.rng.uniform(lo, hi)))

    # ---- shots ------------------------------------------------------------------------------
    def add(self, shot: Shot) -> None:
        if shot.end > shot.start:
            self.shots.append(shot)

    def build(self) -> Plan:
        scenes, self.motion = plan_scenes(self.game, self.spec, self.fmap, self.rng)
        rows = {r.seq: r for r in self.game.rows}
        busy: list[tuple[int, int, str, int]] = []
        for i, sc in enumerate(scenes):
            busy.append((sc.lineup, sc.settle, "scene", i))
        for j in range(len(self.inserts)):
            s, e = self.fmap.insert_span(j)
            busy.append((s, e, "insert", j))
        busy.sort()
        total = self.fmap.frame(self.game.end_tick)
        cursor, prev_scene = 0, -1
        for k, (s, e, what, idx) in enumerate(busy):
            nxt_scene = next((b[3] for b in busy[k:] if b[2] == "scene"), prev_scene)
            if s > cursor:
                self.fill(
                    cursor,
                    s,
                    prev_scene,
                    nxt_scene,
                    scenes,
                    rows,
                    self.inserts[idx] if what == "insert" else None,
                )
            s = max(s, cursor)
            if what == "scene":
                self.add(Shot("wide", s, e, "live", scene=idx))
                prev_scene = idx
            else:
                self.insert_shots(idx, s, e)
                prev_scene = -1
            cursor = max(cursor, e)
        if total > cursor:
            self.add(Shot("studio", cursor, total, "hidden"))
        shots = tuple(sorted(self.shots, key=lambda x: x.start))
        if not self.spec.look.scorebug:
            shots = tuple(replace(sh, bug="hidden") for sh in shots)
        if self.spec.look.net is not None:
            shots = tuple(_network_kind(sh) for sh in shots)
        replay_of = tuple((i, sh.scene) for i, sh in enumerate(shots) if sh.kind == "replay")
        return Plan(
            self.fps,
            max(total, shots[-1].end),
            self.fmap,
            self.inserts,
            tuple(scenes),
            shots,
            replay_of,
            frozenset(self.motion),
        )

    def insert_shots(self, j: int, s: int, e: int) -> None:
        t = s
        for p, part in enumerate(self.inserts[j].parts):
            end = min(e, t + part.frames)
            self.add(Shot(part.kind, t, end, "hidden", variant=p, text=part.text, insert=j, part=p))
            t = end

    def fill(
        self,
        a: int,
        b: int,
        prev: int,
        nxt: int,
        scenes: list[Scene],
        rows: dict[int, SimRow],
        before: Insert | None,
    ) -> None:
        """Cover frames [a, b) between two busy stretches with cut-aways (and a replay)."""
        if b - a < self.f(1.5):
            near = prev if prev >= 0 else nxt
            if near >= 0:
                self.add(Shot("wide", a, b, "live", scene=near))
            else:
                self.add(Shot("crowd", a, b, "live", variant=int(self.rng.integers(8))))
            return
        pieces: list[Shot] = []
        t = a
        if prev >= 0 and scenes[prev].kind not in ("false_start", "offside", "delay_of_game"):
            sc = scenes[prev]
            row = rows[sc.seq]
            p = self.spec.replay_rate * (2.0 if row.big or row.scoring else 1.0)
            live = (sc.whistle - sc.snap) / self.fps
            src_len = float(min(live + 1.5, 7.5))
            rep = self.f(src_len * 1.6)
            w1, w2, c1 = self.u(0.3, 0.6), self.u(0.3, 0.6), self.u(1.5, 3.5)
            if self.rng.random() < p and (b - t) >= c1 + w1 + rep + w2 + self.f(1.0):
                pieces.append(
                    Shot(self.pick_cut(t, c1), t, t + c1, "live", variant=int(self.rng.integers(8)))
                )
                t += c1
                pieces.append(Shot("wipe", t, t + w1, "hidden", variant=0))
                t += w1
                src0 = float(live + 0.5 - src_len)
                bug: str = self.spec.look.replay_bug
                pieces.append(
                    Shot(
                        "replay",
                        t,
                        t + rep,
                        "frozen" if bug == "frozen" else "hidden",
                        scene=prev,
                        src0=src0,
                        src_len=src_len,
                        variant=int(self.rng.integers(2)),
                    )
                )
                t += rep
                pieces.append(Shot("wipe", t, t + w2, "hidden", variant=1))
                t += w2
        end_graphic = ""
        if before is not None and before.reason in ("quarter", "half", "postgame"):
            end_graphic = {"quarter": "END OF QUARTER", "half": "HALFTIME", "postgame": "FINAL"}[
                before.reason
            ]
        reserve = self.u(3.0, 4.5) if end_graphic and b - t > self.f(5.0) else 0
        while b - reserve - t >= self.f(1.5):
            room = b - reserve - t
            d = self.u(2.0, 5.5)
            if room - d < self.f(1.5):
                d = room
            kind = self.pick_cut(t, d)
            pieces.append(
                Shot(
                    kind,
                    t,
                    t + d,
                    "hidden" if kind == "graphic" else "live",
                    scene=nxt if kind == "wide" else -1,
                    variant=int(self.rng.integers(8)),
                    text="STAT" if kind == "graphic" else "",
                )
            )
            t += d
        if reserve:
            pieces.append(Shot("graphic", t, b, "hidden", text=end_graphic))
            t = b
        if t < b and pieces:  # leftover under 1.5 s: stretch the last piece
            last = pieces[-1]
            pieces[-1] = Shot(
                last.kind,
                last.start,
                b,
                last.bug,
                last.scene,
                last.variant,
                last.text,
                last.src0,
                last.src_len,
            )
            if last.kind in ("wipe", "replay"):
                pieces[-1] = last
                pieces.append(Shot("closeup", t, b, "live"))
        elif t < b:
            pieces.append(Shot("closeup", t, b, "live"))
        for sh in pieces:
            self.add(sh)

    def pick_cut(self, t: int, d: int) -> ShotKind:
        kind: ShotKind = _CUTAWAYS[int(self.rng.choice(len(_CUTAWAYS), p=_CUT_P))]
        if kind == "graphic" and d < self.f(3.0):
            kind = "closeup"
        return kind


def plan_broadcast(game: SimGame, spec: BroadcastSpec) -> Plan:
    """Lay out the whole broadcast of ``game`` (deterministic given the spec's seed)."""
    return _Planner(game, spec).build()
