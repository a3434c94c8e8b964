"""Time the broadcast inserts at the game's break points: commercials, halftime, pre/postgame.

The game clock is stopped at every :class:`~cutups_testkit.game.BreakPoint`, so whatever is
inserted there never disagrees with the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

import numpy as np

from cutups_testkit.game import SimGame

__all__ = ["AD_KINDS", "NETWORK_AD_KINDS", "AdSpec", "Insert", "InsertPart", "choose_inserts"]

PartKind = Literal["commercial", "bumper", "studio", "graphic"]

AD_KINDS = ("lawn", "golf", "truck", "soda", "bank", "phone", "pizza", "insurance")
"""Ad styles; "lawn" and "golf" are green-heavy with motion (they look like a field)."""

NETWORK_AD_KINDS = (*AD_KINDS, "videogame")
"""Network looks add a video-game football ad: a field with players that is no broadcast."""

_GREEN = {"lawn", "golf", "videogame"}
_WHISTLE_P = {"soda": 0.7, "phone": 0.6, "insurance": 0.4, "pizza": 0.3, "videogame": 0.5}
_CROWD_P = {"truck": 0.8, "soda": 0.6, "golf": 0.5, "pizza": 0.3, "videogame": 0.8}


@dataclass(frozen=True, slots=True)
class AdSpec:
    """One commercial.

    Attributes:
        kind: one of :data:`AD_KINDS`.
        seed: seed of its look and sound.
        green: green-heavy frames with motion (lawn, golf).
        whistles: offsets (seconds from the ad's start) of whistle-like sounds.
        crowd: the ad's soundtrack has crowd-like noise.
    """

    kind: str
    seed: int
    green: bool
    whistles: tuple[float, ...]
    crowd: bool


@dataclass(frozen=True, slots=True)
class InsertPart:
    """One shot of an insert: ``frames`` long, of ``kind``; ``ad`` for commercials."""

    kind: PartKind
    frames: int
    ad: AdSpec | None = None
    text: str = ""


@dataclass(frozen=True, slots=True)
class Insert:
    """Broadcast time inserted at game tick ``tick`` (``reason`` from the break point)."""

    tick: int
    reason: str
    parts: tuple[InsertPart, ...]

    @property
    def frames(self) -> int:
        """Total length in frames."""
        return sum(p.frames for p in self.parts)


_BREAK_P = {
    "quarter": 1.0,
    "half": 1.0,
    "score": 0.75,
    "timeout": 0.55,
    "possession": 0.18,
    "kickoff": 0.3,
    "ot": 0.5,
}


def _frames(seconds: float, fps: Fraction) -> int:
    return max(1, round(seconds * fps))


def _ad(
    rng: np.random.Generator, seconds: float, fps: Fraction, kinds: tuple[str, ...]
) -> InsertPart:
    kind = kinds[int(rng.integers(len(kinds)))]
    whistles: tuple[float, ...] = ()
    if rng.random() < _WHISTLE_P.get(kind, 0.0) and seconds >= 2.0:
        n = 1 + int(rng.integers(0, 2))
        whistles = tuple(sorted(round(float(rng.uniform(0.3, seconds - 1.0)), 3) for _ in range(n)))
    spec = AdSpec(
        kind,
        int(rng.integers(1 << 30)),
        kind in _GREEN,
        whistles,
        bool(rng.random() < _CROWD_P.get(kind, 0.1)),
    )
    return InsertPart("commercial", _frames(seconds, fps), spec)


def _commercial_break(
    rng: np.random.Generator,
    scale: float,
    fps: Fraction,
    kinds: tuple[str, ...],
    n_ads: int | None = None,
) -> list[InsertPart]:
    n = n_ads or int(rng.choice([2, 3, 4, 5], p=[0.05, 0.15, 0.4, 0.4]))
    parts = [InsertPart("bumper", _frames(max(1.0, 4.0 * min(1.0, scale * 2)), fps))]
    for _ in range(n):
        secs = float(rng.choice([5, 10, 15, 20, 30], p=[0.04, 0.08, 0.28, 0.1, 0.5]))
        parts.append(_ad(rng, max(1.5, secs * scale), fps, kinds))
    parts.append(InsertPart("bumper", _frames(max(1.0, 3.5 * min(1.0, scale * 2)), fps)))
    return parts


def _halftime(
    rng: np.random.Generator, seconds: float, scale: float, fps: Fraction, kinds: tuple[str, ...]
) -> list[InsertPart]:
    parts = [
        InsertPart("bumper", _frames(4.0, fps)),
        InsertPart("graphic", _frames(5.0, fps), text="HALFTIME"),
    ]
    left = seconds - 9.0
    while left > 6.0:
        studio = min(left, float(rng.uniform(60, 150)) * max(scale, 0.05) + 4.0)
        parts.append(InsertPart("studio", _frames(studio, fps)))
        left -= studio
        if left <= 6.0:
            break
        ads = [p for p in _commercial_break(rng, scale, fps, kinds) if p.kind == "commercial"]
        for ad in ads:
            if left - ad.frames / fps < 0:
                break
            parts.append(ad)
            left -= float(ad.frames / fps)
    parts.append(InsertPart("bumper", _frames(4.0, fps)))
    return parts


def choose_inserts(
    game: SimGame,
    fps: Fraction,
    rng: np.random.Generator,
    *,
    commercial_scale: float,
    halftime_seconds: float,
    break_rate: float,
    pregame_seconds: float,
    postgame_seconds: float,
    ad_kinds: tuple[str, ...] = AD_KINDS,
) -> tuple[Insert, ...]:
    """Decide what the broadcast inserts at each break point of ``game``.

    Quarter ends and halftime always get a break; other stoppages get one with a realistic
    probability (scaled by ``break_rate``), never within 90 s of game time of the last one
    except for the classic score / kickoff / commercial pattern.
    """
    out: list[Insert] = []
    last_tick = -(10**9)
    for bp in game.breaks:
        parts: list[InsertPart]
        if bp.reason == "pregame":
            parts = [
                InsertPart("studio", _frames(pregame_seconds * 0.65, fps)),
                InsertPart("graphic", _frames(pregame_seconds * 0.35, fps), text="MATCHUP"),
            ]
        elif bp.reason == "postgame":
            parts = [
                InsertPart("graphic", _frames(postgame_seconds * 0.3, fps), text="FINAL"),
                InsertPart("studio", _frames(postgame_seconds * 0.7, fps)),
            ]
        elif bp.reason == "half":
            parts = _halftime(rng, halftime_seconds, commercial_scale, fps, ad_kinds)
        else:
            p = min(1.0, _BREAK_P.get(bp.reason, 0.0) * break_rate)
            recent = (bp.tick - last_tick) * 1001 / 30000 < 90
            if bp.reason in ("quarter",):
                p = 1.0
            elif recent and bp.reason != "kickoff":
                p = 0.0
            if rng.random() >= p:
                continue
            parts = _commercial_break(rng, commercial_scale, fps, ad_kinds)
            last_tick = bp.tick
        out.append(Insert(bp.tick, bp.reason, tuple(parts)))
    return tuple(out)
