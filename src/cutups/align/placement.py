"""What became of one listed row: the type every step of the alignment passes along."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from cutups.pbp.model import Play

__all__ = ["Placement", "Status"]

Status = Literal["matched", "not_a_play", "outside_recording", "unmatched"]


@dataclass(frozen=True, slots=True)
class Placement:
    """What became of one listed row."""

    row: Play
    status: Status
    snap: float | None = None
    end: float | None = None
    detection: int | None = None
    """Index into the detections, when a detected play was matched."""
    via: Literal["detected", "clock", "order", "sequence"] | None = None
    """How it was placed: its detection lined up with the clock (``detected``), the clock
    alone (``clock``), its place between matched neighbours (``order``), or, with no readable
    clock, its order and the listed clocks' gaps (``sequence``)."""
    reason: str | None = None
