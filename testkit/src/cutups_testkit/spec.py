"""What broadcast to render: the game, the look, and the knobs that make detection hard."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, Literal

from cutups_testkit.game import GameSpec
from cutups_testkit.looks import Look, look_from_dict
from cutups_testkit.teams import TeamSpec

__all__ = [
    "GENERATOR_VERSION",
    "BroadcastSpec",
    "Wallclock",
    "game_spec_from_dict",
    "game_spec_to_dict",
]

GENERATOR_VERSION = "5"
"""Bump whenever the same spec would render different bytes or different truth."""

Wallclock = Literal["real", "absent", "placeholder", "off_by_day"]


@dataclass(frozen=True, slots=True)
class BroadcastSpec:
    """A broadcast to render.

    Attributes:
        game: the game to simulate.
        look: visual identity and encoding.
        start_at: broadcast seconds at which the recording starts (None: from the start).
        end_at: broadcast second at which the recording ends (None: to the end).
        commercial_scale: multiplies ad and bumper lengths; 1.0 gives realistic 2-3 min breaks.
        halftime_seconds: length of the halftime show and its commercials, in seconds.
        pbp_clock_jitter: number of exported rows whose clock is perturbed by 1-3 s.
        fold_extra_points: fraction of extra points folded into the touchdown row (not listed).
        wallclock: how the exported rows carry wall-clock times.
        replay_rate: probability that a play gets a replay (when the dead time allows one).
        presnap_motion_rate: probability that a scrimmage play has a man in motion.
        inaudible_whistle_rate: probability that a play's whistle cannot be heard.
        break_rate: multiplies the probability of optional commercial breaks.
        pregame_seconds: studio / graphics before the opening kickoff, in seconds.
        postgame_seconds: studio / graphics after the final whistle, in seconds.
        kickoff_utc: wall-clock time of broadcast second 0 (ISO 8601, UTC).
    """

    game: GameSpec
    look: Look
    start_at: float | None = None
    end_at: float | None = None
    commercial_scale: float = 1.0
    halftime_seconds: float = 1200.0
    pbp_clock_jitter: int = 0
    fold_extra_points: float = 0.5
    wallclock: Wallclock = "real"
    replay_rate: float = 0.4
    presnap_motion_rate: float = 0.25
    inaudible_whistle_rate: float = 0.12
    break_rate: float = 1.0
    pregame_seconds: float = 20.0
    postgame_seconds: float = 20.0
    kickoff_utc: str = "2024-09-07T16:00:00Z"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, stable across runs (used for the cache key and the truth file)."""
        d: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self)}
        d["game"] = game_spec_to_dict(self.game)
        d["look"] = self.look.to_dict()
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> BroadcastSpec:
        """Inverse of :meth:`to_dict`."""
        kw = dict(d)
        kw["game"] = game_spec_from_dict(kw["game"])
        kw["look"] = look_from_dict(kw["look"])
        return cls(**kw)

    def key(self) -> str:
        """Hash of the spec and :data:`GENERATOR_VERSION` (cache key), 20 hex digits."""
        blob = json.dumps({"v": GENERATOR_VERSION, "spec": self.to_dict()}, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:20]


def game_spec_to_dict(g: GameSpec) -> dict[str, Any]:
    """JSON-ready form of a :class:`GameSpec`."""
    d: dict[str, Any] = {f.name: getattr(g, f.name) for f in fields(g)}
    d["home"] = g.home.to_dict()
    d["away"] = g.away.to_dict()
    return d


def _rgb(v: Any) -> tuple[int, int, int]:
    r, g, b = (int(x) for x in v)
    return r, g, b


def _team(d: Mapping[str, Any]) -> TeamSpec:
    return TeamSpec(
        name=d["name"],
        mascot=d["mascot"],
        abbr=d["abbr"],
        id=int(d["id"]),
        conference=d["conference"],
        primary=_rgb(d["primary"]),
        secondary=_rgb(d["secondary"]),
    )


def game_spec_from_dict(d: Mapping[str, Any]) -> GameSpec:
    """Inverse of :func:`game_spec_to_dict`."""
    kw = dict(d)
    kw["home"] = _team(kw["home"])
    kw["away"] = _team(kw["away"])
    return GameSpec(**kw)
