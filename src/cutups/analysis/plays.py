"""From per-tick signals to plays: each snap and the end of its play.

A play, as a broadcast shows it, happens inside a *live wide shot* (see ``segments.py``):
the players hold still for a moment, then all move at once (the snap), and the play lasts until
they stop at the whistle, or until the director cuts away. Players walking to the line or back to
the huddle move too, but slowly and without the burst a snap starts, so a candidate must also
reach a motion peak well above walking pace.

Motion in a green picture is not enough on its own: a candidate becomes a play only when at
least one signal other than the picture's motion supports it (``min_strength``): the clock
running, a whistle at its end, the crowd rising, or the camera following the action. Every
play of the generated suite has three or four of them; the one candidate with none that the
suite produced was a sideline shot whose slow drift looked like a snap.

A false start is a burst too: the set line jumps, the camera jerks, the clock may still run
from the play before. What gives it away is what follows (:func:`burst_collapses`): nobody
carries a ball anywhere, so within two seconds the players' motion collapses to a fraction of
its peak while the camera holds still. Unless a whistle ended it once the players had stopped:
a play that short (a kneel-down, the last snap of a half, measured 1.1 s) is blown dead when
it is over, a false start while the line is still jumping. And that whistle is the surest
sign of all (:func:`whistled_at_once`): a foul before the snap is blown dead within a second,
while the players stand up and a camera that jerked with the line still catches up, so their
motion need not collapse nor the camera hold (the offside at seed 37 on the network looks).

A camera drifting over an empty field is not a play either, even after a still moment: two
look-alike aerial shots cut together (too alike for the cut to register), the first one still
and the second a drone sliding sideways, show a "still moment" and then a "burst" that never
rises and falls and stays far below the video's typical play (:func:`typical_peak`). Such a
steady, weak candidate is dropped (``drift_flatness``, ``drift_weakness``).

Everything here is a pure function of :class:`~cutups.analysis.signals.Signals`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from cutups.analysis.clock_model import ClockReading
from cutups.analysis.confidence import score_for, strength
from cutups.analysis.segments import SegmentParams, live_wide_segments, smooth
from cutups.analysis.signals import Signals

__all__ = [
    "CAMERA_SETTLES",
    "DetectedPlay",
    "DetectorParams",
    "burst_collapses",
    "camera_travel",
    "detect_plays",
    "moving_share",
    "typical_peak",
    "whistled_at_once",
]

WHISTLE_ON = 10.0
"""Whistle tonality (dB) above which a tick holds a referee's whistle."""
FOLLOW_PAN = 2.0
"""Camera pan (px per tick at 320 px) from which the camera is following the action."""
CAMERA_SETTLES = 1.5
"""Seconds after a play's end for which the camera still catches up with the ball."""
CUT_ON = SegmentParams().cut_on


@dataclass(frozen=True, slots=True)
class DetectorParams:
    """Thresholds of the detector; motion in % of changed pixels, times in seconds."""

    segments: SegmentParams = field(default_factory=SegmentParams)
    still_max: float = 0.15
    """Motion at or below this (above the video's noise floor) is players holding still."""
    still_share: float = 0.03
    """Before a burst, motion up to this share of the burst's own (its first ``onset_sec``)
    still counts as the line holding still: one man moves before the snap (a kicker's run-up,
    a receiver in motion) while twenty-two move after it. The 432p lime look's kickoffs and a
    pass with motion showed 0.13-0.24 before a burst of 20-25 (at most 1.2 %), above
    ``still_max``, and were missed."""
    set_motion_max: float = 0.3
    set_motion_share: float = 0.05
    """Before a weaker burst, motion up to ``set_motion_max`` above the floor, and at most this
    share of the burst, also counts as the line set: a man in motion before a sack at seed 61
    measured 0.22 before a burst of 5.96 (3.7 %, over ``still_share``). Players walking measure
    0.8 or more, over ``set_motion_max`` whatever the burst."""
    move_min: float = 0.5
    """Mean motion over the first ``onset_sec`` after a snap."""
    peak_min: float = 2.0
    """A play reaches at least this motion; walking players stay below it."""
    still_sec: float = 0.5
    onset_sec: float = 1.0
    settle_sec: float = 0.5
    """Players still this long: the play is over."""
    min_play_sec: float = 1.0
    """A kneel-down or a spike lasts about a second; a false start's flinch stops sooner."""
    max_play_sec: float = 25.0
    min_gap_sec: float = 5.0
    """No snap comes this soon after a play ends: the teams must line up again (a hurry-up
    offense needs 10 s or more). Motion sooner is players walking off or celebrating."""
    moving_share: float = 0.75
    """Share of a play's ticks that show players moving. A live ball keeps someone moving every
    tick (all true plays measured 0.91 or more); a flinch seen by a jerking camera moves in
    isolated ticks between still ones (a false start on a 25 fps re-encode measured 0.5)."""
    drift_flatness: float = 1.25
    """A play's motion mostly rises and falls: over the play, its 90th percentile is this many
    times its median or more. A camera drifting over an empty field changes the picture
    steadily (a drone's aerial after a cut too alike to register, held-out seed 47:
    1.08-1.15); so do some true plays (23 of 540 on the 34 cached analyses, down to 1.07 on
    the classic looks, whose flat players move as one), hence ``drift_weakness``."""
    drift_weakness: float = 0.4
    """A steady candidate is dropped only when its motion's 90th percentile is also below this
    share of the typical play's (the median over the video's detections): the aerial drift
    measured 0.19-0.28; the 540 true plays 0.53 or more, the 23 steady ones 0.80 or more. A
    short weak play (a kneel-down) rises and falls, so only a drift fails both tests."""
    drift_min_plays: int = 8
    """The typical play is only measured over at least this many detections."""
    min_strength: int = 1
    """Optional signals (see :mod:`cutups.analysis.confidence`) a play needs besides motion."""
    collapse_share: float = 0.2
    """A burst *collapses* when, for a whole ``quiet_sec``, the players' motion stays below this
    share of its peak since the snap. Measured on the false start of the network looks (one man
    flinches, the line reacts, the whistle blows at once, everyone stands up): 0.06 to 0.14; on
    every true play of the suite's network looks and of the old box look: 0.28 or more."""
    collapse_sec: float = 2.0
    """The quiet second must start this soon after the snap. The shortest plays the generator
    makes (a sack, a stuffed run, an incompletion) last 2.6 s or more, so the quiet second
    still holds some of their live ball; a false start collapsed 1.2 to 1.8 s after its
    flinch."""
    quiet_sec: float = 1.0
    idle_camera_sec: float = 2.0
    """From the quiet second on, the camera of a collapsed burst must hold this long (as far as
    the shot goes) for the burst to be rejected."""
    early_whistle_sec: float = 1.0
    """A whistle starting sooner than this after the snap blows a foul before any play dead
    (:func:`whistled_at_once`). Measured on the decoys the video-only detector took for plays
    on the 18 cached suite analyses (offside at seed 37, delay of game at seed 29, false starts
    on the seed-41 looks; 14 clips): their whistle started 0.4 to 0.8 s after the detected
    snap (truth, over the 70 fouls among the decoys of 53 rendered broadcasts: 0.4 to 0.87 s
    after the foul). On those analyses no true play has a whistle starting before 2.8 s; of
    874 true plays in the truths only one does: a pass snapped with 0.5 s left in a quarter,
    blown dead at 0.53 s (the generator then ended a play when the clock ran out; since
    generator version 5 the ball stays live past 0:00). The shortest play
    to keep, a kneel-down before halftime, was blown dead at 1.1 s."""

    def __post_init__(self) -> None:
        # The live feed decides on a play once ``min_play_sec`` of it is seen; the early
        # whistle must fall inside that prefix, or a streamed play would be kept that the
        # whole-video pass rejects.
        if self.early_whistle_sec > self.min_play_sec:
            raise ValueError("early_whistle_sec must not exceed min_play_sec")


@dataclass(frozen=True, slots=True)
class DetectedPlay:
    """One play found in the video; times in seconds of the source."""

    snap: float
    end: float
    score: float
    evidence: tuple[str, ...]
    end_reason: str
    travel: float | None = None
    """How far the camera turned to the right (px at 320 wide; negative: to the left) from
    the snap until it settled after the play: the way the ball went, and how far. None when
    the signals carry no signed pan."""


def _noise_floor(motion: NDArray[np.float32], segments: list[tuple[int, int]]) -> float:
    """The motion a still picture shows in this video (compression noise)."""
    if not segments:
        return 0.0
    pooled = np.concatenate([motion[a:b] for a, b in segments])
    return float(np.percentile(pooled, 5))


def detect_plays(
    signals: Signals,
    params: DetectorParams | None = None,
    readings: Sequence[ClockReading] = (),
    *,
    scorebug: bool = True,
) -> list[DetectedPlay]:
    """Find every play: a still moment, a burst of motion, then the players stopping.

    ``readings``: the scorebug clock, which tells live football from replays. ``scorebug``:
    whether a bug was found; without one, plays are found from the field view alone (see
    :func:`~cutups.analysis.segments.live_wide_segments`)."""
    p = params or DetectorParams()
    segments = live_wide_segments(signals, p.segments, readings, scorebug=scorebug)
    plays = _scan(signals, segments, p, typical=None)
    typical = typical_peak(signals, plays, p)
    if typical is None or not any(_steady_drift(signals, x, typical, p) for x in plays):
        return plays
    # Scan again with the drift rule on: a candidate it drops no longer holds off (for
    # ``min_gap_sec``) a snap that follows it.
    return _scan(signals, segments, p, typical=typical)


def _scan(
    signals: Signals,
    segments: list[tuple[int, int]],
    p: DetectorParams,
    *,
    typical: float | None,
) -> list[DetectedPlay]:
    """One pass over the live wide shots; ``typical`` (see :func:`typical_peak`) turns the
    drift rule on."""
    rate = float(signals.rate)
    raw = signals["motion"]
    motion = smooth(raw, 3)
    steady = smooth(raw, 5)
    floor = _noise_floor(motion, segments)
    still, move, peak = floor + p.still_max, floor + p.move_min, floor + p.peak_min
    still_n, onset_n = int(p.still_sec * rate), int(p.onset_sec * rate)
    settle_n, min_n = max(1, int(p.settle_sec * rate)), int(p.min_play_sec * rate)
    max_n = int(p.max_play_sec * rate)
    gap_n = int(p.min_gap_sec * rate)
    plays: list[DetectedPlay] = []
    last_end = -gap_n
    for a, b in segments:
        k = max(a + still_n, last_end + gap_n)
        while k + onset_n <= b:
            burst = motion[k : k + onset_n].mean()
            if burst < move or not _line_set(
                float(motion[k - still_n : k].max()), float(burst), floor, p
            ):
                k += 1
                continue
            snap = _refine_snap(raw, k, onset_n, still)
            end, reason = _find_end(signals, motion, snap, b, still, settle_n, min_n, max_n)
            found = None
            if (
                end - snap >= min_n
                and motion[snap:end].max() >= peak
                and moving_share(raw[snap:end], still) >= p.moving_share
                and not _flinch(signals, steady, snap, b, reason, p)
            ):
                found = _scored(signals, snap, end, reason, rate)
            if (
                found is not None
                and strength(found.evidence) >= p.min_strength
                and not (typical is not None and _steady_drift(signals, found, typical, p))
            ):
                plays.append(found)
                last_end = end
                k = end + max(still_n, gap_n)
            else:
                k = max(k + 1, end)
    return plays


def _line_set(before: float, burst: float, floor: float, p: DetectorParams) -> bool:
    """Whether motion ``before`` a burst is the line holding still (one man may move)."""
    if before <= max(floor + p.still_max, p.still_share * burst):
        return True
    return before <= floor + p.set_motion_max and before <= p.set_motion_share * burst


def _peak_and_median(signals: Signals, play: DetectedPlay) -> tuple[float, float]:
    """The 90th percentile and the median of the picture's motion over ``play``."""
    rate = float(signals.rate)
    a = round(play.snap * rate)
    b = max(a + 1, round(play.end * rate))
    p90, median = np.percentile(signals["motion"][a:b], [90, 50])
    return float(p90), float(median)


def typical_peak(
    signals: Signals, plays: Sequence[DetectedPlay], p: DetectorParams
) -> float | None:
    """The median play's motion peak (90th percentile) in this video, None over too few."""
    if len(plays) < p.drift_min_plays:
        return None
    return float(np.median([_peak_and_median(signals, x)[0] for x in plays]))


def _steady_drift(signals: Signals, play: DetectedPlay, typical: float, p: DetectorParams) -> bool:
    """Whether ``play`` is a camera drifting steadily, not players bursting and stopping."""
    p90, median = _peak_and_median(signals, play)
    return p90 < p.drift_flatness * median and p90 < p.drift_weakness * typical


def moving_share(raw: NDArray[np.float32], still: float) -> float:
    """Share of ticks with motion above ``still``, among ticks whose picture changed at all.

    Ticks of exactly zero motion are left out: at low frame rates (or with skipped frames) a
    tick can show the same frame as the one before, which says nothing about the players.
    """
    changed = raw[raw > 0]
    return float((changed > still).mean()) if changed.size else 0.0


def burst_collapses(
    motion: NDArray[np.float32],
    pan: NDArray[np.float32],
    snap: int,
    seg_end: int,
    rate: float,
    p: DetectorParams,
) -> bool:
    """Whether the burst from ``snap`` dies at once with nothing to follow: a flinch.

    A false start looks like a snap for its first moments (the set line jumps, the camera
    jerks, and the clock may still be running from the play before), but nobody carries a
    ball anywhere: the whistle blows, the players stand up where they were, their motion
    collapses within a second or so and the camera stays put. In a play someone runs until the
    whistle, and where motion does dip early (a punt's snap to the punter) the camera then
    follows the kick. ``motion``: the players' motion smoothed over half a second;
    ``seg_end``: where the shot ends (the quiet second must be seen, not assumed, so a cut
    away right after a burst never rejects it).
    """
    quiet_n = max(1, int(p.quiet_sec * rate))
    idle_n = max(quiet_n, int(p.idle_camera_sec * rate))
    first = snap + max(1, int(0.3 * rate))  # past the burst's first ticks (its peak)
    last = min(snap + int(p.collapse_sec * rate), seg_end - quiet_n)
    for t in range(first, last + 1):
        ceiling = p.collapse_share * float(motion[snap:t].max())
        if float(motion[t : t + quiet_n].max()) < ceiling:
            return float(pan[t : min(t + idle_n, seg_end)].max()) < FOLLOW_PAN
    return False


def _flinch(
    signals: Signals,
    steady: NDArray[np.float32],
    snap: int,
    seg_end: int,
    reason: str,
    p: DetectorParams,
) -> bool:
    """Whether the burst from ``snap`` is a foul before any play (false start, offside...)."""
    rate = float(signals.rate)
    if whistled_at_once(signals["whistle"], snap, rate, p):
        return True
    # A whistle once the players stopped ended a (short) play; a false start's whistle blows
    # while the line still jumps, so its end is never "whistle".
    return reason != "whistle" and burst_collapses(steady, signals["pan"], snap, seg_end, rate, p)


def whistled_at_once(
    whistle: NDArray[np.float32], snap: int, rate: float, p: DetectorParams
) -> bool:
    """Whether a whistle starts within :attr:`DetectorParams.early_whistle_sec` of ``snap``.

    An official blows a foul before the snap (a false start, offside, a delay of game) dead
    at once, while the players are still jumping, and a camera that jerked with the line is
    still catching up, so the motion neither collapses nor stops the camera (see
    :func:`burst_collapses`). A play is blown dead only when it is over, a second or more
    later. A whistle already sounding at the snap (the end of the play before) is not one.
    """
    on = whistle[snap : snap + round(p.early_whistle_sec * rate)] >= WHISTLE_ON
    return bool((on[1:] & ~on[:-1]).any())  # a tick on whose tick before was off


def _refine_snap(raw: NDArray[np.float32], k: int, onset_n: int, still: float) -> int:
    """The first tick of the burst: where unsmoothed motion first leaves stillness."""
    window = raw[max(0, k - 1) : k + onset_n]
    above = np.flatnonzero(window > 2 * still)
    return max(0, k - 1) + int(above[0]) if above.size else k


def _find_end(
    signals: Signals,
    motion: NDArray[np.float32],
    snap: int,
    seg_end: int,
    still: float,
    settle_n: int,
    min_n: int,
    max_n: int,
) -> tuple[int, str]:
    """Where the play stops: players still, a whistle, the shot ending, or the length cap."""
    whistle = signals["whistle"]
    limit = min(seg_end, snap + max_n)
    # Look for the end from the first moments on: a burst that stops within two seconds (a
    # false start, a flinch, an official's signal) then ends too soon to count as a play.
    for k in range(snap + max(3, settle_n), limit):
        if motion[k : k + settle_n].max() <= still and k + settle_n <= seg_end:
            return k, "players_stopped"
        if whistle[k] >= WHISTLE_ON and motion[k : k + settle_n].mean() < 4 * still:
            return k, "whistle"
    return limit, "cut_away" if limit == seg_end else "max_length"


def _scored(signals: Signals, snap: int, end: int, reason: str, rate: float) -> DetectedPlay:
    """Evidence for one play; its score is the measured precision of such evidence."""
    evidence = ["live_wide_shot", "still_then_burst", f"end:{reason}"]
    lo, hi = max(0, end - int(rate)), min(len(signals["whistle"]), end + int(2 * rate))
    if signals["whistle"][lo:hi].max(initial=0.0) >= WHISTLE_ON:
        evidence.append("whistle")
    crowd = signals["crowd"]
    before = crowd[max(0, snap - int(3 * rate)) : snap]
    if before.size and crowd[snap:end].mean() > before.mean() + 2.0:
        evidence.append("crowd_surge")
    if signals["pan"][snap:end].max(initial=0.0) >= FOLLOW_PAN:
        evidence.append("camera_follows")
    if signals["bug_change"][snap:end].max(initial=0.0) > 0.02:
        evidence.append("clock_running")
    return DetectedPlay(
        snap=snap / rate,
        end=end / rate,
        score=score_for(evidence),
        evidence=tuple(evidence),
        end_reason=reason,
        travel=camera_travel(signals, snap, end),
    )


def camera_travel(signals: Signals, snap: int, end: int) -> float | None:
    """The camera's net turn to the right from tick ``snap`` until :data:`CAMERA_SETTLES`
    seconds after ``end`` (a broadcast camera follows the ball with some lag), stopping at
    the next cut: picture moving left (``pan_x`` < 0) is the camera turning right."""
    if "pan_x" not in signals:
        return None
    stop = min(signals.n_ticks, end + int(CAMERA_SETTLES * float(signals.rate)))
    cuts = np.flatnonzero(signals["cut"][end:stop] >= CUT_ON)
    if cuts.size:
        stop = end + int(cuts[0])
    return -float(signals["pan_x"][snap:stop].sum())
