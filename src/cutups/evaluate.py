"""Scoring a manifest against ground truth: recall, precision, boundaries, buckets.

A clip *matches* a true play when its detected snap is within ``snap_tolerance`` seconds of the
true snap; matching is one-to-one, closest pairs first. A matched clip *covers* its play when
its span contains both the snap and the whistle. Unmatched clips are false positives; those
overlapping a replay or a commercial are counted separately because they are the worst kind.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from cutups.errors import ConfigError
from cutups.pbp.teams import normalize_name
from cutups.truth import TeamInfo, Truth, TruthPlay

__all__ = ["EvalReport", "evaluate", "match_snaps", "resolve_team", "truth_bucket"]


@dataclass(frozen=True, slots=True)
class EvalReport:
    """How a manifest compares with the truth of one broadcast."""

    plays: int
    clips: int
    matched: int
    covered: int
    false_in_replay_or_ad: int
    snap_abs_mean: float
    snap_abs_p95: float
    end_abs_mean: float
    end_abs_p95: float
    bucket_checked: int
    bucket_correct: int
    missed: tuple[int, ...]
    """Indexes of true plays with no clip."""
    extra: tuple[str, ...]
    """Ids of clips matching no play."""

    @property
    def recall(self) -> float:
        return self.matched / self.plays if self.plays else 1.0

    @property
    def precision(self) -> float:
        return self.matched / self.clips if self.clips else 1.0

    @property
    def bucket_accuracy(self) -> float | None:
        return self.bucket_correct / self.bucket_checked if self.bucket_checked else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "plays": self.plays,
            "clips": self.clips,
            "matched": self.matched,
            "recall": round(self.recall, 4),
            "precision": round(self.precision, 4),
            "covered": self.covered,
            "false_in_replay_or_ad": self.false_in_replay_or_ad,
            "snap_abs_mean": round(self.snap_abs_mean, 3),
            "snap_abs_p95": round(self.snap_abs_p95, 3),
            "end_abs_mean": round(self.end_abs_mean, 3),
            "end_abs_p95": round(self.end_abs_p95, 3),
            "bucket_accuracy": None
            if self.bucket_accuracy is None
            else round(self.bucket_accuracy, 4),
            "missed": list(self.missed),
            "extra": list(self.extra),
        }

    def lines(self) -> list[str]:
        """Human-readable summary, one fact a line."""
        bucket = "n/a" if self.bucket_accuracy is None else f"{self.bucket_accuracy:.1%}"
        return [
            f"recall     {self.recall:7.1%}  ({self.matched}/{self.plays} plays)",
            f"precision  {self.precision:7.1%}  ({self.matched}/{self.clips} clips)",
            f"covered    {self.covered}/{self.matched} matched clips contain snap and whistle",
            f"snap error mean {self.snap_abs_mean:.2f} s, p95 {self.snap_abs_p95:.2f} s",
            f"end error  mean {self.end_abs_mean:.2f} s, p95 {self.end_abs_p95:.2f} s",
            f"false clips in replays/commercials: {self.false_in_replay_or_ad}",
            f"bucket accuracy {bucket} ({self.bucket_correct}/{self.bucket_checked})",
        ]


def resolve_team(query: str, truth: Truth) -> str:
    """The truth's name of the team ``query`` means (name, mascot, "name mascot" or abbr)."""

    def keys(t: TeamInfo) -> set[str]:
        return {normalize_name(k) for k in (t.name, t.abbr, t.mascot, f"{t.name} {t.mascot}")}

    wanted = normalize_name(query)
    hits = [t.name for t in (truth.home, truth.away) if wanted in keys(t)]
    if len(hits) != 1:
        raise ConfigError(f"team {query!r} is not {truth.home.name} or {truth.away.name}")
    return hits[0]


def truth_bucket(play: TruthPlay, team_name: str) -> str:
    """The bucket a true play belongs in for the team named ``team_name`` in the truth."""
    if play.special_teams:
        return "special_teams"
    return "team_offense" if play.offense == team_name else "opp_offense"


def _spans(truth: Truth) -> list[tuple[float, float]]:
    return [(s.start, s.end) for s in (*truth.replays, *truth.commercials)]


def match_snaps(
    detected: Sequence[float], true: Sequence[float], tolerance: float = 2.0
) -> list[tuple[int, int]]:
    """(detected, true) index pairs of snaps within ``tolerance`` seconds, nearest first,
    each used once: how a clip is matched with its true play."""
    near = sorted(
        (abs(d - t), di, ti)
        for di, d in enumerate(detected)
        for ti, t in enumerate(true)
        if abs(d - t) <= tolerance
    )
    used_d: set[int] = set()
    used_t: set[int] = set()
    matches: list[tuple[int, int]] = []
    for _, di, ti in near:
        if di not in used_d and ti not in used_t:
            used_d.add(di)
            used_t.add(ti)
            matches.append((di, ti))
    return matches


def _abs_stat(values: np.ndarray, q: float | None) -> float:
    """Mean (``q`` None) or ``q``-th percentile of ``|values|``; 0 for none."""
    if values.size == 0:
        return 0.0
    a = np.abs(values)
    return float(np.percentile(a, q)) if q is not None else float(a.mean())


def _in_replay_or_ad(truth: Truth, clips: Sequence[Mapping[str, Any]], extra: list[int]) -> int:
    """How many unmatched clips overlap a replay or a commercial."""
    bad_spans = _spans(truth)
    return sum(
        1
        for ci in extra
        if any(
            float(clips[ci]["snap"]) < e and float(clips[ci]["end_of_play"]) > s
            for s, e in bad_spans
        )
    )


def _buckets(
    truth: Truth, clips: Sequence[Mapping[str, Any]], matches: list[tuple[int, int]], team: str
) -> tuple[int, int]:
    """(checked, correct): matched clips with a bucket, and those in the team's true bucket."""
    team = resolve_team(team, truth)
    checked = correct = 0
    for ci, pi in matches:
        if clips[ci].get("bucket"):
            checked += 1
            correct += clips[ci]["bucket"] == truth_bucket(truth.plays[pi], team)
    return checked, correct


def evaluate(
    truth: Truth,
    clips: Sequence[Mapping[str, Any]],
    *,
    team: str | None = None,
    snap_tolerance: float = 2.0,
) -> EvalReport:
    """Compare manifest ``clips`` (dicts as in ``manifest.json``) with the truth."""
    plays = list(truth.plays)
    matches = match_snaps(
        [float(c["snap"]) for c in clips], [p.snap for p in plays], snap_tolerance
    )
    snap_err = np.array([float(clips[ci]["snap"]) - plays[pi].snap for ci, pi in matches])
    end_err = np.array([float(clips[ci]["end_of_play"]) - plays[pi].whistle for ci, pi in matches])
    covered = sum(
        1
        for ci, pi in matches
        if float(clips[ci]["start"]) <= plays[pi].snap
        and float(clips[ci]["end"]) >= plays[pi].whistle
    )
    matched_clips = {ci for ci, _ in matches}
    extra = [ci for ci in range(len(clips)) if ci not in matched_clips]
    checked, correct = _buckets(truth, clips, matches, team) if team else (0, 0)
    return EvalReport(
        plays=len(plays),
        clips=len(clips),
        matched=len(matches),
        covered=covered,
        false_in_replay_or_ad=_in_replay_or_ad(truth, clips, extra),
        snap_abs_mean=_abs_stat(snap_err, None),
        snap_abs_p95=_abs_stat(snap_err, 95),
        end_abs_mean=_abs_stat(end_err, None),
        end_abs_p95=_abs_stat(end_err, 95),
        bucket_checked=checked,
        bucket_correct=correct,
        missed=tuple(sorted(set(range(len(plays))) - {pi for _, pi in matches})),
        extra=tuple(str(clips[ci]["id"]) for ci in extra),
    )
