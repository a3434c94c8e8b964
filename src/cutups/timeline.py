"""The serialisable plan every recipe produces and every renderer consumes.

A recipe (``plays``, later ``shorts``, ``commentary``) never touches ffmpeg: it returns a
:class:`Timeline` of :class:`ClipPlan` entries. Rendering (cutting, thumbnails, the reel, the ZIP,
the manifest) is a separate consumer. That split lets the plan be tested without media, cached,
shown by the API before anything is cut, and re-rendered with other options.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "TIMELINE_VERSION",
    "ClipPlan",
    "JobWarning",
    "PlayFacts",
    "Timeline",
    "clock_text",
    "play_summary",
]

TIMELINE_VERSION = 1
"""Bumped whenever the JSON shape changes incompatibly."""

_SEPARATOR = " · "
_ORDINALS = {1: "1st", 2: "2nd", 3: "3rd"}


@dataclass(frozen=True, slots=True)
class PlayFacts:
    """What is known about one play (from play-by-play, the scorebug, or both)."""

    period: int | None = None
    clock: str | None = None
    """Game clock as listed ("M:SS"); CFBD and ESPN list the clock at the end of the play."""
    down: int | None = None
    distance: int | None = None
    yard_line: int | None = None
    yards_to_goal: int | None = None
    yards_gained: int | None = None
    play_type: str | None = None
    text: str | None = None
    drive: int | None = None
    offense: str | None = None
    defense: str | None = None
    offense_score: int | None = None
    defense_score: int | None = None
    row_id: str | None = None
    """The play-by-play row this clip was matched to."""

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PlayFacts:
        names = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in names})

    def summary(self) -> str:
        """The play in one line, e.g. ``"Q1 3:00 · 3rd & 7 at Michigan 35 · Pass Reception"``
        (empty when nothing is known); see :func:`play_summary`."""
        parts = [self._when(), self._down_and_spot(), self.play_type]
        return _SEPARATOR.join(p for p in parts if p)

    def _when(self) -> str | None:
        if not self.period or self.period < 1:
            return self.clock
        period = f"Q{self.period}" if self.period <= 4 else _overtime(self.period - 4)
        return f"{period} {self.clock}" if self.clock else period

    def _down_and_spot(self) -> str | None:
        if not self.down or self.down < 1:
            return None
        ytg, distance = self.yards_to_goal, self.distance
        to_go = "?" if distance is None else str(distance)
        if ytg is not None and distance is not None and ytg <= distance:
            to_go = "Goal"
        spot = self._spot()
        return f"{_ordinal(self.down)} & {to_go}" + (f" at {spot}" if spot else "")

    def _spot(self) -> str | None:
        """The line of scrimmage: on whose side of the 50 (``yards_to_goal`` counts towards the
        goal the offense attacks, so more than 50 is the offense's own half)."""
        ytg = self.yards_to_goal
        if ytg is None or not 0 < ytg < 100:
            return None
        if ytg == 50:
            return "the 50"
        own = ytg > 50
        team = self.offense if own else self.defense
        yard = 100 - ytg if own else ytg
        return f"{team} {yard}" if team else f"{'own' if own else 'opp'} {yard}"


def _ordinal(n: int) -> str:
    return _ORDINALS.get(n, f"{n}th")  # downs are 1-4


def _overtime(number: int) -> str:
    """1 -> "OT", 2 -> "2OT" (as scoreboards write them)."""
    return "OT" if number == 1 else f"{number}OT"


def clock_text(seconds: float) -> str:
    """A time in the video: 75.4 -> "1:15", 3725 -> "1:02:05" (rounded to the second)."""
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def play_summary(facts: PlayFacts, snap: float) -> str:
    """The one-line summary every output shows for a clip (manifest ``summary``, reel chapters,
    ``report.html``, the web page): the play's facts, or its place in the video when no
    play-by-play says more. Periods read ``Q1``-``Q4``, then ``OT``, ``2OT``...; downs
    ``3rd & 7`` or ``3rd & Goal``, with the spot when the play-by-play lists it."""
    return facts.summary() or f"Play at {clock_text(snap)}"


@dataclass(frozen=True, slots=True)
class ClipPlan:
    """One clip to cut: a span of the source plus what it shows.

    Times are seconds in the source video. ``snap`` and ``end_of_play`` are the detected play
    boundaries; ``start``/``end`` include the padding.
    """

    id: str
    start: float
    end: float
    snap: float
    end_of_play: float
    bucket: str | None = None
    score: float = 0.0
    """Confidence 0-100; see ``cutups.analysis.confidence`` for what a band means."""
    evidence: tuple[str, ...] = ()
    """Which signals support this clip (e.g. "motion_onset", "whistle", "clock_started")."""
    listed: bool | None = None
    """True: matched to a play-by-play row; False: seen in the video but not listed;
    None: no play-by-play given."""
    facts: PlayFacts = field(default_factory=PlayFacts)

    @property
    def duration(self) -> float:
        return self.end - self.start

    @property
    def summary(self) -> str:
        """This clip's one-line summary (:func:`play_summary`)."""
        return play_summary(self.facts, self.snap)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "start": round(self.start, 3),
            "end": round(self.end, 3),
            "snap": round(self.snap, 3),
            "end_of_play": round(self.end_of_play, 3),
            "bucket": self.bucket,
            "score": round(self.score, 1),
            "evidence": list(self.evidence),
            "listed": self.listed,
            "facts": self.facts.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ClipPlan:
        return cls(
            id=str(data["id"]),
            start=float(data["start"]),
            end=float(data["end"]),
            snap=float(data["snap"]),
            end_of_play=float(data["end_of_play"]),
            bucket=data.get("bucket"),
            score=float(data.get("score", 0.0)),
            evidence=tuple(data.get("evidence", ())),
            listed=data.get("listed"),
            facts=PlayFacts.from_dict(data.get("facts", {})),
        )


@dataclass(frozen=True, slots=True)
class JobWarning:
    """Something that made the result worse than it could be, said plainly to the user.

    Shown by the CLI, listed in ``manifest.json`` (``warnings``) and in the job's status.
    """

    code: str
    """Stable, snake_case (e.g. ``no_scorebug``, ``clock_unread``, ``no_clips``)."""
    message: str
    """What happened."""
    cost: str
    """What it costs the user (what is missing or less reliable because of it)."""

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message, "cost": self.cost}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> JobWarning:
        return cls(code=str(data["code"]), message=str(data["message"]), cost=str(data["cost"]))

    def line(self) -> str:
        """One line for a terminal or a log."""
        return f"{self.message}: {self.cost}"


@dataclass(frozen=True, slots=True)
class Timeline:
    """A recipe's complete output: the source, the clips to cut, and how they were found."""

    recipe: str
    source: str
    duration: float
    clips: tuple[ClipPlan, ...]
    meta: Mapping[str, Any] = field(default_factory=dict)
    """Detector and alignment facts for ``manifest.detector_meta`` (JSON-serialisable)."""
    version: int = TIMELINE_VERSION
    warnings: tuple[JobWarning, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "recipe": self.recipe,
            "source": self.source,
            "duration": round(self.duration, 3),
            "clips": [c.to_dict() for c in self.clips],
            "meta": dict(self.meta),
            "warnings": [w.to_dict() for w in self.warnings],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Timeline:
        return cls(
            recipe=str(data["recipe"]),
            source=str(data["source"]),
            duration=float(data["duration"]),
            clips=tuple(ClipPlan.from_dict(c) for c in data["clips"]),
            meta=dict(data.get("meta", {})),
            version=int(data.get("version", TIMELINE_VERSION)),
            warnings=tuple(JobWarning.from_dict(w) for w in data.get("warnings", ())),
        )

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_dict(), indent=2))

    @classmethod
    def load(cls, path: Path) -> Timeline:
        return cls.from_dict(json.loads(path.read_text()))
