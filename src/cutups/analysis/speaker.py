"""Who is speaking: the face whose mouth moves with the speech, not the largest face.

Pure: face tracks and a speech-activity array on the same sample times in, one track id per
sample out. During speech, each present face's share of all the mouth movement at that sample
is the evidence that it speaks; a face that moves as much in silence as in speech (chewing,
nodding, a face in a video on screen) counts for less. The speaker per sample is the Viterbi
path through that evidence with a cost per change of speaker: offline, so a change lands where
the evidence changes (no smoothing lag), and a moment of ambiguous movement does not flip it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from cutups.analysis.face_types import FaceAnalysis, FaceTrack, FloatArray

__all__ = ["NOBODY", "ActiveSpeaker", "SpeakerParams", "active_speaker"]

NOBODY = -1


@dataclass(frozen=True, slots=True)
class SpeakerParams:
    switch_cost: float = 2.5
    """Evidence (nats) a change of speaker must be worth: about three samples of one face
    clearly moving while the others are still."""
    silent_motion_weight: float = 0.7
    """How much a face's movement in silence (relative to in speech) discounts its evidence."""
    pause: float = 0.6
    """Seconds of quiet on either side that make a silence (shorter ones are pauses)."""
    pause_weight: float = 0.35
    """How much movement counts in a pause within speech (people move their lips in pauses,
    and speech detection misses quiet words)."""
    min_silence: float = 2.0
    """Seconds of silence a face must be seen in before its movement there counts."""
    floor: float = 0.15
    """Added to every face's movement, as a share of the typical movement in speech: still
    faces then split the evidence evenly instead of by noise."""


@dataclass(frozen=True, slots=True, eq=False)
class ActiveSpeaker:
    """The speaking track per sample (:data:`NOBODY` when no face is there) and whether anyone
    is speaking then at all.

    A sample's mouth activity is the change since the sample before, so ``track[i]`` says who
    spoke over ``(times[i] - 1 / rate, times[i]]``: a change of speaker between samples i-1 and
    i happened, at best estimate, half a sample before ``times[i]`` (:meth:`change_time`).
    """

    times: FloatArray
    rate: float
    track: NDArray[np.int64]
    speech: NDArray[np.bool_]

    def change_time(self, i: int) -> float:
        """When the speaker most likely changed, given ``track[i - 1] != track[i]``."""
        return float(self.times[i]) - 0.5 / self.rate if i > 0 else float(self.times[0])


def _on_grid(track: FaceTrack, times: FloatArray) -> FloatArray:
    """The track's mouth activity on the analysis grid, NaN where the track does not exist."""
    out = np.full(times.size, np.nan)
    idx = np.clip(np.searchsorted(times, track.times - 1e-6), 0, times.size - 1)
    out[idx] = track.mouth_activity
    return out


def _long_silence(speech: NDArray[np.bool_], reach: int) -> NDArray[np.bool_]:
    """Samples with no speech within ``reach`` samples either side: a speaker's own short
    pauses (their mouth still moving) are not silence here."""
    near = np.convolve(speech.astype(np.float64), np.ones(2 * reach + 1), "same")
    quiet: NDArray[np.bool_] = near == 0
    return quiet


def _mean_where(activity: FloatArray, mask: NDArray[np.bool_]) -> FloatArray:
    """Per row, the mean of the present values where ``mask`` (0 where there are none)."""
    use = mask & ~np.isnan(activity)
    mean: FloatArray = np.where(use, activity, 0.0).sum(axis=1) / np.maximum(use.sum(axis=1), 1)
    return mean


def _weights(
    activity: FloatArray, speech: NDArray[np.bool_], reach: int, params: SpeakerParams
) -> FloatArray:
    """Per track, 1 minus how much it moves in long silences compared with in speech; 1 for
    a track seen in fewer than ``min_silence`` seconds of them (too little to judge)."""
    quiet = _long_silence(speech, reach) & ~np.isnan(activity)
    enough = quiet.sum(axis=1) >= params.min_silence * (2 * reach + 1) / (2 * params.pause)
    talking = _mean_where(activity, speech & ~quiet)
    silent = _mean_where(activity, quiet)
    ratio = silent / np.maximum(talking, 1e-9)
    return np.where(enough, np.clip(1.0 - params.silent_motion_weight * ratio, 0.3, 1.0), 1.0)


def _costs(analysis: FaceAnalysis, speech: NDArray[np.bool_], params: SpeakerParams) -> FloatArray:
    """(tracks + 1, samples): -log evidence per track; the last row is nobody (only when no
    face is there)."""
    with np.errstate(all="ignore"):
        activity = np.array([_on_grid(t, analysis.times) for t in analysis.tracks])
        activity = activity.reshape(len(analysis.tracks), analysis.times.size)
        moving = activity[:, speech][activity[:, speech] > 0]
        floor = params.floor * (float(np.median(moving)) if moving.size else 1.0) + 1e-6
        reach = round(params.pause * analysis.rate)
        quiet = _long_silence(speech, reach)
        weighted = (activity + floor) * _weights(activity, speech, reach, params)[:, None]
        share = weighted / np.nansum(weighted, axis=0, keepdims=True)
        trust = np.where(speech, 1.0, np.where(quiet, 0.0, params.pause_weight))
        cost = -np.log(share) * trust
    present = ~np.isnan(activity)
    cost = np.where(present, cost, np.inf)
    nobody = np.where(present.any(axis=0), np.inf, 0.0)
    return np.vstack([cost, nobody[None, :]])


def _viterbi(costs: FloatArray, switch: float) -> NDArray[np.int64]:
    """The row per column with the least total cost plus ``switch`` per change of row."""
    states, samples = costs.shape
    total = costs[:, 0].copy()
    back = np.zeros((states, samples), np.int64)
    for i in range(1, samples):
        best = int(np.argmin(total))
        stay = total
        move = total[best] + switch
        back[:, i] = np.where(stay <= move, np.arange(states), best)
        total = np.minimum(stay, move) + costs[:, i]
        total = np.where(np.isfinite(total), total, np.inf)
    path = np.empty(samples, np.int64)
    path[-1] = int(np.argmin(total))
    for i in range(samples - 1, 0, -1):
        path[i - 1] = back[path[i], i]
    return path


def active_speaker(
    analysis: FaceAnalysis, speech: FloatArray, params: SpeakerParams | None = None
) -> ActiveSpeaker:
    """The speaking face per sample of ``analysis``.

    Arguments:
        analysis: faces and tracks of one span.
        speech: speech activity 0..1 per sample of ``analysis.times`` (see
            :mod:`cutups.analysis.voice`).

    Raises:
        ValueError: ``speech`` is not on the analysis's timebase.
    """
    if speech.shape != analysis.times.shape:
        raise ValueError(f"speech has {speech.size} samples, the faces {analysis.times.size}")
    params = params or SpeakerParams()
    talking = speech > 0.5
    if analysis.times.size == 0:
        return ActiveSpeaker(analysis.times, analysis.rate, np.zeros(0, np.int64), talking)
    rows = _viterbi(_costs(analysis, talking, params), params.switch_cost)
    ids = np.array([*(t.id for t in analysis.tracks), NOBODY], np.int64)
    return ActiveSpeaker(analysis.times, analysis.rate, ids[rows], talking)
