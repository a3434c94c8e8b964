"""What a clip's score means: measured precision, not hand-set weights.

A detected play always has the three signals the detector requires (a live wide shot, a still
moment then a burst of motion, an end). Its *strength* is how many optional signals also
support it: a whistle near the end, a crowd surge, the camera following the action, the game
clock running. ``benchmarks/accuracy.py --write-calibration`` runs the detector over the suite
of generated broadcasts (every look, with and without play-by-play), counts per strength how
many clips were real plays, and writes ``calibration.json`` next to this module.

A clip's ``score`` (0-100) is then the 95 % Wilson lower bound of the precision measured at its
strength: "at least this share of clips like this one were real plays". The bound, not the
raw share, so that a strength seen in ten clips does not claim the certainty of one seen in a
thousand. A strength never measured borrows from the nearest weaker one that was, or scores 0.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

__all__ = [
    "OPTIONAL_SIGNALS",
    "Band",
    "Calibration",
    "load_calibration",
    "score_for",
    "strength",
    "wilson_lower_bound",
]

OPTIONAL_SIGNALS = ("whistle", "crowd_surge", "camera_follows", "clock_running")
"""Evidence beyond what every detection has; their count is a clip's strength."""


@dataclass(frozen=True, slots=True)
class Band:
    """Measured outcome for clips of one strength."""

    strength: int
    clips: int
    true_plays: int

    @property
    def precision(self) -> float | None:
        return self.true_plays / self.clips if self.clips else None


@dataclass(frozen=True, slots=True)
class Calibration:
    """Per-strength measurements and where they came from."""

    bands: tuple[Band, ...]
    measured: str
    """Date and suite of the measurement, for the record."""

    def band(self, value: int) -> Band:
        """The measurements that speak for clips of strength ``value``.

        Its own band when measured; otherwise the nearest measured band *below* it (more
        evidence never makes a clip less likely to be a play); otherwise nothing, and the score
        is 0: a kind of clip never measured has no precision to claim.
        """
        measured = [b for b in self.bands if b.clips and b.strength <= value]
        if not measured:
            return Band(value, 0, 0)
        return max(measured, key=lambda b: b.strength)

    def to_dict(self) -> dict[str, object]:
        return {
            "measured": self.measured,
            "bands": [
                {"strength": b.strength, "clips": b.clips, "true_plays": b.true_plays}
                for b in self.bands
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Calibration:
        bands = tuple(
            Band(int(b["strength"]), int(b["clips"]), int(b["true_plays"]))
            for b in data.get("bands", [])
        )
        return cls(bands, str(data.get("measured", "")))


def strength(evidence: Iterable[str]) -> int:
    """How many of the :data:`OPTIONAL_SIGNALS` support a clip."""
    present = set(evidence)
    return sum(signal in present for signal in OPTIONAL_SIGNALS)


def wilson_lower_bound(successes: int, trials: int, z: float = 1.96) -> float:
    """Lower end of the Wilson score interval for a proportion (0 when nothing was measured)."""
    if trials <= 0:
        return 0.0
    p = successes / trials
    denom = 1 + z * z / trials
    centre = p + z * z / (2 * trials)
    margin = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials))
    return max(0.0, (centre - margin) / denom)


@cache
def load_calibration() -> Calibration:
    """The calibration shipped with the package."""
    text = resources.files("cutups.analysis").joinpath("calibration.json").read_text("utf-8")
    return Calibration.from_dict(json.loads(text))


def score_for(evidence: Iterable[str], calibration: Calibration | None = None) -> float:
    """0-100: the lower bound of measured precision for clips with this evidence."""
    band = (calibration or load_calibration()).band(strength(evidence))
    return round(100 * wilson_lower_bound(band.true_plays, band.clips), 1)
