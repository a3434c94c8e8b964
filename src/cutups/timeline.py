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

__all__ = ["TIMELINE_VERSION", "ClipPlan", "JobWarning", "PlayFacts", "Timeline"]

TIMELINE_VERSION = 1
"""Bumped whenever the JSON shape changes incompatibly."""


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
