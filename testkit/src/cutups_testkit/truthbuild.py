"""Assemble :class:`~cutups.truth.Truth` from the game, the plan and the recording."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

from cutups.truth import (
    TRUTH_VERSION,
    Box,
    ClockSegment,
    Decoy,
    ScorebugBoxes,
    Segment,
    Span,
    TeamInfo,
    Truth,
    TruthPlay,
    VideoInfo,
)
from cutups_testkit.audio import AudioPlan
from cutups_testkit.broadcast import Plan
from cutups_testkit.game import TICK, SimGame
from cutups_testkit.netbug import any_bug_layout
from cutups_testkit.rowids import folded_extra_points, row_id
from cutups_testkit.spec import BroadcastSpec

__all__ = ["build_truth", "clock_track"]


def _r(x: float | Fraction) -> float:
    return round(float(x), 6)


def clock_track(game: SimGame, plan: Plan, start: int, end: int) -> tuple[ClockSegment, ...]:
    """Piecewise description of the game clock and its display over frames [start, end)."""
    fm, fps = plan.fmap, plan.fps
    cuts = {start, end}
    for ph in game.phases:
        cuts.add(fm.frame(ph.start))
    for i in range(len(plan.inserts)):
        cuts.update(fm.insert_span(i))
    for sh in plan.shots:
        cuts.add(sh.start)
    bounds = sorted(c for c in cuts if start <= c <= end)
    shots = plan.shots
    si = 0
    spans = [fm.insert_span(i) for i in range(len(plan.inserts))]

    def value(frame: int) -> tuple[int, Fraction, bool]:
        tick = fm.tick(frame)
        ph = game.phase_at(math.floor(tick))
        inside = any(s <= frame < e for s, e in spans)
        running = ph.running and not inside
        v = ph.clock_start
        if ph.running:
            v = max(Fraction(0), ph.clock_start - (tick - ph.start) * TICK)
        return ph.period, v, running

    out: list[ClockSegment] = []
    for f0, f1 in itertools.pairwise(bounds):
        if f1 <= f0:
            continue
        while si + 1 < len(shots) and shots[si].end <= f0:
            si += 1
        shot = shots[si]
        period, v, running = value(f0)
        frozen = None
        if shot.bug == "frozen":
            frozen = _r(value(shot.start)[1])
        t0, t1 = (f0 - start) / fps, (f1 - start) / fps
        prev = out[-1] if out else None
        if (
            prev is not None
            and (prev.period, prev.running, prev.shown, prev.frozen_clock)
            == (period, running, shot.bug, frozen)
            and abs(prev.live_clock(float(t0)) - float(v)) < 1e-4
        ):
            out[-1] = ClockSegment(
                prev.video_start, _r(t1), period, prev.clock_start, running, prev.shown, frozen
            )
            continue
        out.append(ClockSegment(_r(t0), _r(t1), period, _r(v), running, shot.bug, frozen))
    return tuple(out)


def build_truth(
    game: SimGame,
    plan: Plan,
    spec: BroadcastSpec,
    start: int,
    end: int,
    video_name: str,
    audio: AudioPlan | None = None,
) -> Truth:
    """Truth for the recording of broadcast frames [start, end)."""
    fps = plan.fps
    gid = spec.game.game_id
    folded = folded_extra_points(game, spec.fold_extra_points)

    def vt(frame: int) -> float:
        return _r(Fraction(frame - start) / fps)

    scene_of = {sc.seq: i for i, sc in enumerate(plan.scenes)}
    play_index = {r.seq: i for i, r in enumerate(game.plays)}
    plays: list[TruthPlay] = []
    outside: list[int] = []
    motion_idx: list[int] = []
    for i, row in enumerate(game.plays):
        sc = plan.scenes[scene_of[row.seq]]
        pid = row_id(gid, row)
        if not start <= sc.snap < end:
            outside.append(pid)
            continue
        off, dfn = game.team(row.offense_home), game.team(not row.offense_home)
        motion = scene_of[row.seq] in plan.presnap_motion
        if motion:
            motion_idx.append(i)
        fold = folded.get(row.seq)
        plays.append(
            TruthPlay(
                index=i,
                play_id=pid,
                snap=vt(sc.snap),
                whistle=vt(sc.whistle),
                period=row.period,
                clock_at_snap=_r(row.clock_start),
                clock_at_end=_r(row.clock_end),
                offense=off.name,
                defense=dfn.name,
                play_type=row.play_type,
                special_teams=row.special_teams,
                down=row.down,
                distance=row.distance,
                yard_line=row.yard_line,
                yards_to_goal=row.yards_to_goal,
                yards_gained=row.yards_gained,
                text=row.text,
                home_score=row.home_before,
                away_score=row.away_before,
                listed=fold is None,
                whistle_audible=sc.whistle_audible,
                presnap_motion=motion,
                complete=sc.whistle < end,
                folded_into=row_id(gid, game.rows[fold]) if fold is not None else None,
                snap_frame=sc.snap - start,
                whistle_frame=sc.whistle - start,
            )
        )
    segments: list[Segment] = []
    replays: list[Span] = []
    commercials: list[Span] = []
    shots = plan.shots
    last_ad_end = -1
    for k, sh in enumerate(shots):
        a, b = max(sh.start, start), min(sh.end, end)
        if b <= a:
            continue
        if (
            segments
            and sh.kind == "wide"
            and segments[-1].kind == "wide"
            and segments[-1].end == vt(a)
        ):
            # consecutive wide shots are one continuous camera shot (players walk between
            # plays), so they are one segment
            segments[-1] = Segment("wide", segments[-1].start, vt(b), sh.bug)
        else:
            segments.append(Segment(sh.kind, vt(a), vt(b), sh.bug))
        if sh.kind == "replay":
            s0 = shots[k - 1].start if k and shots[k - 1].kind == "wipe" else sh.start
            s1 = shots[k + 1].end if k + 1 < len(shots) and shots[k + 1].kind == "wipe" else sh.end
            replays.append(
                Span(vt(max(s0, start)), vt(min(s1, end)), play_index[plan.scenes[sh.scene].seq])
            )
        if sh.kind in ("commercial", "bumper"):
            reason = plan.inserts[sh.insert].reason
            if commercials and last_ad_end == a:
                last = commercials[-1]
                commercials[-1] = Span(last.start, vt(b), None, last.reason)
            else:
                commercials.append(Span(vt(a), vt(b), None, reason))
            last_ad_end = b
    decoys: list[Decoy] = []
    for sc in plan.scenes:
        if sc.kind in ("false_start", "offside", "delay_of_game") and start <= sc.snap < end:
            decoys.append(Decoy(sc.kind, vt(sc.snap), vt(sc.whistle)))
    for r in game.rows:
        if r.kind == "timeout":
            f = plan.fmap.frame(r.t_snap)
            if start <= f < end:
                decoys.append(Decoy("timeout", vt(f), vt(f)))
    lk = spec.look
    lay = any_bug_layout(lk)
    cx, cy, cw, ch = lay.absolute("clock")
    px, py, pw, ph = lay.absolute("period")
    bug = ScorebugBoxes(
        lay.x, lay.y, lay.w, lay.h, Box(cx, cy, cw, ch), Box(px, py, pw, ph), lk.tenths
    )
    if not lk.scorebug:  # no bug at all: every clock segment says "hidden", boxes are empty
        bug = ScorebugBoxes(0, 0, 0, 0, Box(0, 0, 0, 0), Box(0, 0, 0, 0), lk.tenths)
    home, away = spec.game.home, spec.game.away
    return Truth(
        version=TRUTH_VERSION,
        spec=spec.to_dict(),
        video=VideoInfo(
            video_name,
            vt(end),
            lk.fps_text,
            lk.width,
            lk.height,
            lk.gop,
            end - start,
            lk.audio_rate,
        ),
        game_id=gid,
        home=TeamInfo(home.name, home.mascot, home.abbr, home.id),
        away=TeamInfo(away.name, away.mascot, away.abbr, away.id),
        plays=tuple(sorted(plays, key=lambda p: p.snap)),
        plays_outside_recording=tuple(outside),
        segments=tuple(segments),
        replays=tuple(replays),
        commercials=tuple(commercials),
        scorebug=bug,
        clock_track=clock_track(game, plan, start, end),
        whistles_in_ads=tuple(_r(w.start) for w in audio.whistles if w.kind == "ad")
        if audio is not None
        else (),
        presnap_motion_plays=tuple(motion_idx),
        decoys=tuple(sorted(decoys, key=lambda d: d.time)),
    )
