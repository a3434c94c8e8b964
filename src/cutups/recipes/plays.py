"""The ``plays`` recipe: one clip for every snap and kick of a football broadcast.

Pure planning: the video's :class:`~cutups.analysis.result.Analysis` (signals, clock readings
and model) and (optionally) play-by-play in, a :class:`~cutups.timeline.Timeline` out.
Rendering the timeline into clips is :mod:`cutups.output.render`'s job.

Without play-by-play every detected play becomes a clip (bucket unknown). With it, every listed
play is placed (:mod:`cutups.align.pbp_align`), carries its facts and its bucket for the chosen
team, and the timeline's meta holds ``pbp_accounting``: one row per listed row saying what became
of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from cutups.align.pbp_align import Alignment, Placement, align_plays
from cutups.analysis.plays import DetectedPlay, DetectorParams, detect_plays
from cutups.analysis.result import Analysis
from cutups.pbp.buckets import bucket_for
from cutups.pbp.model import ClockAt, Game, Play, Team
from cutups.pbp.teams import match_team
from cutups.recipes.windows import CutPoints, WindowOptions, build_windows
from cutups.timeline import ClipPlan, PlayFacts, Timeline

__all__ = [
    "BUCKETS",
    "PlaysParams",
    "bug_gates_live_shots",
    "facts_of",
    "plan_from_detections",
    "plan_plays",
]

BUCKETS = ("team_offense", "opp_offense", "special_teams")


@dataclass(frozen=True, slots=True)
class PlaysParams:
    """What the user chose for a plays job."""

    windows: WindowOptions = field(default_factory=WindowOptions)
    team: str | None = None
    only: tuple[str, ...] = ()
    """Keep only these buckets (empty: keep all)."""
    detector: DetectorParams = field(default_factory=DetectorParams)


@dataclass(frozen=True, slots=True)
class _Core:
    """One play to clip, before padding."""

    snap: float
    end: float
    score: float
    evidence: tuple[str, ...]
    listed: bool | None
    bucket: str | None
    facts: PlayFacts


def facts_of(row: Play) -> PlayFacts:
    """A play-by-play row's facts as a clip carries them."""
    return PlayFacts(
        period=row.period,
        clock=row.clock_display if row.clock is not None else None,
        down=row.down,
        distance=row.distance,
        yard_line=row.yard_line,
        yards_to_goal=row.yards_to_goal,
        yards_gained=row.yards_gained,
        play_type=row.play_type,
        text=row.text,
        drive=row.drive,
        offense=row.offense,
        defense=row.defense,
        offense_score=row.offense_score,
        defense_score=row.defense_score,
        row_id=row.row_id,
    )


def _plan(
    cores: Sequence[_Core],
    *,
    source: str,
    duration: float,
    options: PlaysParams,
    meta: dict[str, object],
    cuts: CutPoints | None,
) -> Timeline:
    kept = [
        c
        for c in sorted(cores, key=lambda c: c.snap)
        if not options.only or c.bucket in options.only
    ]
    windows = build_windows([(c.snap, c.end) for c in kept], duration, options.windows, cuts)
    clips = []
    for n, window in enumerate(windows):
        core = kept[window.source_index]
        clips.append(
            ClipPlan(
                id=f"clip_{n}",
                start=window.start,
                end=window.end,
                snap=window.snap,
                end_of_play=window.core_end,
                bucket=core.bucket,
                score=core.score,
                evidence=core.evidence,
                listed=core.listed,
                facts=core.facts,
            )
        )
    return Timeline(recipe="plays", source=source, duration=duration, clips=tuple(clips), meta=meta)


def plan_from_detections(
    plays: Sequence[DetectedPlay],
    *,
    source: str,
    duration: float,
    options: PlaysParams,
    meta: dict[str, object] | None = None,
    cuts: CutPoints | None = None,
) -> Timeline:
    """Every detected play becomes a clip; buckets unknown.

    ``cuts``: the source's keyframes, so clip boundaries can land where a stream copy cuts
    cleanly (see :mod:`cutups.recipes.windows`); None keeps the padding exact.
    """
    cores = [_Core(p.snap, p.end, p.score, p.evidence, None, None, PlayFacts()) for p in plays]
    return _plan(
        cores,
        source=source,
        duration=duration,
        options=options,
        meta=dict(meta or {}),
        cuts=cuts,
    )


def _accounting(alignment: Alignment, clip_of: dict[str, str]) -> list[dict[str, object]]:
    rows = []
    for pl in alignment.placements:
        entry: dict[str, object] = {
            "row_id": pl.row.row_id,
            "period": pl.row.period,
            "clock": pl.row.clock_display,
            "play_type": pl.row.play_type,
            "status": pl.status,
        }
        if pl.row.row_id in clip_of:
            entry["clip_id"] = clip_of[pl.row.row_id]
        if pl.via:
            entry["via"] = pl.via
        if pl.reason:
            entry["reason"] = pl.reason
        rows.append(entry)
    return rows


_EVIDENCE_OF_PLACEMENT = {"order": "pbp_order_match", "sequence": "pbp_sequence_match"}
"""How a clip says it was placed, for rows not placed by the clock."""


def _placed_core(pl: Placement, detections: Sequence[DetectedPlay], team: Team | None) -> _Core:
    assert pl.snap is not None and pl.end is not None
    bucket = bucket_for(pl.row, team) if team else None
    if pl.detection is not None:
        d = detections[pl.detection]
        # The placement's times, not the detection's: a return split where its players paused
        # runs from the first part's snap to the last part's whistle.
        how = _EVIDENCE_OF_PLACEMENT.get(pl.via or "", "pbp_clock_match")
        evidence = (*d.evidence, how)
        return _Core(pl.snap, pl.end, d.score, evidence, True, bucket, facts_of(pl.row))
    return _Core(pl.snap, pl.end, 50.0, ("pbp_clock_only",), True, bucket, facts_of(pl.row))


def bug_gates_live_shots(analysis: Analysis) -> bool:
    """Whether live wide shots must show the located bug: only when its clock was read. A box
    whose clock never reads may be no bug at all but an overlay that persists as well (a
    watermark, a team graphic), shown or hidden regardless of live play: gated on one, the
    teamstack broadcast without its bug lost two plays. Plays are then found from the field
    view, as when no bug was found."""
    return analysis.scorebug is not None and bool(analysis.readings)


def plan_plays(
    analysis: Analysis,
    *,
    source: str,
    options: PlaysParams,
    game: Game | None = None,
    clock_at: ClockAt | Literal["auto"] = "auto",
    cuts: CutPoints | None = None,
) -> Timeline:
    """Detect plays, align them with play-by-play when given, and plan their clips.

    ``cuts`` as for :func:`plan_from_detections`.
    """
    signals = analysis.signals
    gated = bug_gates_live_shots(analysis)
    detections = detect_plays(signals, options.detector, analysis.readings, scorebug=gated)
    meta: dict[str, object] = {
        "detector": "vision_v1" if gated else "vision_v1_field_only",
        "vision_candidates": len(detections),
        "audio_spikes": int((signals["whistle"] >= 10.0).sum()),
        "clock_spans": len(analysis.clock.spans),
    }
    if game is None:
        return plan_from_detections(
            detections,
            source=source,
            duration=signals.duration,
            options=options,
            meta=meta,
            cuts=cuts,
        )
    team = match_team(options.team, game) if options.team else None
    alignment = align_plays(
        game.plays,
        detections,
        analysis.clock,
        duration=signals.duration,
        clock_at=clock_at,
    )
    cores = _aligned_cores(alignment, detections, team)
    timeline = _plan(
        cores, source=source, duration=signals.duration, options=options, meta=meta, cuts=cuts
    )
    clip_of = {c.facts.row_id: c.id for c in timeline.clips if c.facts.row_id}
    if alignment.clockless:
        meta["align_warning"] = _clockless_warning(alignment)
    meta.update(_pbp_meta(game, alignment, team, clip_of))
    return Timeline(
        recipe="plays", source=source, duration=signals.duration, clips=timeline.clips, meta=meta
    )


def _clockless_warning(alignment: Alignment) -> str:
    """What the user must hear when rows were paired without the clock, and what it cost."""
    doubt = (
        f"; {len(alignment.unsure)} plays kept without a row, where another pairing fit "
        "almost as well"
        if alignment.unsure
        else ""
    )
    return (
        "the scorebug clock could not be read; rows were paired with plays by their order "
        "and the gaps their clocks allow" + doubt
    )


def _aligned_cores(
    alignment: Alignment, detections: Sequence[DetectedPlay], team: Team | None
) -> list[_Core]:
    """The matched rows' plays, then the detections no row accounts for."""
    cores = [
        _placed_core(pl, detections, team) for pl in alignment.placements if pl.status == "matched"
    ]
    cores += [_unlisted_core(detections[j], j, alignment, team) for j in alignment.unlisted]
    return cores


def _unlisted_core(d: DetectedPlay, index: int, alignment: Alignment, team: Team | None) -> _Core:
    """A detection no row accounts for: a try the data folded into a touchdown row (an extra
    point is a kick), or a play the feed does not list, with no facts and no bucket rather
    than someone else's."""
    evidence = (*d.evidence, "unlisted")
    if index in alignment.unsure:  # a listed play, but which row the pairing could not tell
        evidence = (*evidence, "pbp_sequence_unsure")
    if index in alignment.tries:
        bucket = "special_teams" if team else None
        return _Core(
            d.snap, d.end, d.score, evidence, False, bucket, PlayFacts(play_type="Extra Point")
        )
    return _Core(d.snap, d.end, d.score, evidence, False, None, PlayFacts())


def _pbp_meta(
    game: Game, alignment: Alignment, team: Team | None, clip_of: dict[str, str]
) -> dict[str, object]:
    """What the timeline's meta says about the play-by-play and what became of each row."""
    counts: dict[str, int] = {}
    for pl in alignment.placements:
        counts[pl.status] = counts.get(pl.status, 0) + 1
    return {
        "cfbd": {
            "requested": True,
            "used": True,
            "plays": len(game.plays),
            "source": game.source,
            "clock_at": alignment.clock_at,
            "align_method": "clock_model_dp",
            "periods": sorted({p.row.period for p in alignment.placements}),
        },
        "team": team.name if team else None,
        "pbp_status_counts": counts,
        "unlisted": len(alignment.unlisted),
        "unsure": len(alignment.unsure),
        "dropped_detections": len(alignment.dropped),
        "pbp_accounting": _accounting(alignment, clip_of),
    }
