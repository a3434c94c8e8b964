"""The soundtrack: crowd, surges on plays, referee whistles, announcers, commercials.

Streamed to a 16-bit mono WAV one second at a time, so a 3-hour game never sits in memory.
Levels are planned on a 100 Hz control grid; signals come from short pre-synthesized loops
(crowd noise, two voices) plus per-event synthesis (whistles, ad music).
"""

from __future__ import annotations

import math
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from cutups_testkit.broadcast import Plan
from cutups_testkit.game import SimGame
from cutups_testkit.spec import BroadcastSpec

__all__ = ["AudioPlan", "Whistle", "plan_audio", "write_wav"]

F32 = NDArray[np.float32]
CTRL_HZ = 100

_CROWD_LEVEL = {
    "wide": 0.22,
    "closeup": 0.2,
    "crowd": 0.3,
    "aerial": 0.24,
    "sideline": 0.18,
    "graphic": 0.14,
    "wipe": 0.15,
    "replay": 0.12,
    "commercial": 0.0,
    "bumper": 0.0,
    "studio": 0.0,
}


@dataclass(frozen=True, slots=True)
class Whistle:
    """A whistle(-like) sound: ``start`` seconds of video, ``duration`` s, pitch ``freq`` Hz."""

    start: float
    duration: float
    freq: float
    level: float
    kind: str  # "play", "foul", "timeout", "period", "ad"


@dataclass(frozen=True, slots=True)
class AudioPlan:
    """Control envelopes (100 Hz) and discrete whistle events for the recording."""

    duration: float
    crowd: F32
    voice: F32
    voice2: F32
    music: F32
    whistles: tuple[Whistle, ...]


def _env_add(
    arr: F32, t0: float, t1: float, level: float, attack: float = 0.15, release: float = 0.4
) -> None:
    a, b = int(t0 * CTRL_HZ), int(t1 * CTRL_HZ)
    n = len(arr)
    if b <= 0 or a >= n:
        return
    idx = np.arange(max(a, 0), min(b + int(release * CTRL_HZ), n))
    tt = idx / CTRL_HZ
    env = np.minimum(1.0, (tt - t0) / attack) * np.where(tt > t1, np.exp(-(tt - t1) / release), 1)
    arr[idx] += (level * np.clip(env, 0, 1)).astype(np.float32)


def plan_audio(game: SimGame, plan: Plan, spec: BroadcastSpec, start: int, end: int) -> AudioPlan:
    """Plan every level and whistle of the recording's frames [start, end)."""
    fps = float(plan.fps)
    dur = (end - start) / fps
    n = int(dur * CTRL_HZ) + 2
    crowd = np.zeros(n, np.float32)
    voice = np.zeros(n, np.float32)
    voice2 = np.zeros(n, np.float32)
    music = np.zeros(n, np.float32)
    rng = np.random.default_rng([spec.game.seed, 0xA0D])

    def vt(frame: int) -> float:
        return (frame - start) / fps

    whistles: list[Whistle] = []
    for sh in plan.shots:
        if sh.end <= start or sh.start >= end:
            continue
        a, b = max(0, int(vt(sh.start) * CTRL_HZ)), min(n, int(vt(sh.end) * CTRL_HZ) + 1)
        crowd[a:b] = _CROWD_LEVEL[sh.kind]
        t0, t1 = vt(sh.start), vt(sh.end)
        if sh.kind == "commercial":
            ad = plan.inserts[sh.insert].parts[sh.part].ad
            music[a:b] = 0.1
            if ad is not None:
                if ad.crowd:
                    crowd[a:b] = 0.25
                for off in ad.whistles:
                    whistles.append(
                        Whistle(
                            t0 + off,
                            float(rng.uniform(0.3, 0.7)),
                            float(rng.uniform(3300, 4100)),
                            0.22,
                            "ad",
                        )
                    )
            _talk(voice2, t0, t1, rng, 0.55)
        elif sh.kind == "bumper":
            music[a:b] = 0.16
        elif sh.kind == "studio":
            _talk(voice, t0, t1, rng, 0.85)
            _talk(voice2, t0, t1, rng, 0.4)
        else:
            _talk(voice, t0, t1, rng, 0.5)
    for sc in plan.scenes:
        if sc.snap >= end or sc.settle <= start:
            continue
        row = game.rows[sc.seq]
        if sc.kind in ("false_start", "offside", "delay_of_game"):
            whistles.append(
                Whistle(
                    vt(sc.whistle),
                    float(rng.uniform(0.4, 0.8)),
                    float(rng.uniform(3300, 4100)),
                    0.32,
                    "foul",
                )
            )
            continue
        level = 0.25 + (0.45 if row.big else 0.0) + (0.5 if row.scoring else 0.0)
        _env_add(
            crowd,
            vt(sc.snap) - 0.3,
            vt(sc.whistle) + (5.0 if row.scoring else 1.5),
            level,
            attack=0.8,
            release=1.2,
        )
        _talk(voice, vt(sc.snap), vt(sc.whistle) + 1.0, rng, 0.9)
        if sc.whistle_audible:
            whistles.append(
                Whistle(
                    vt(sc.whistle),
                    float(rng.uniform(0.3, 0.8)),
                    float(rng.uniform(3200, 4200)),
                    0.3,
                    "play",
                )
            )
    fm = plan.fmap
    for r in game.rows:
        if r.kind in ("timeout", "end_period"):
            f = fm.frame(r.t_snap)
            if start <= f < end:
                whistles.append(
                    Whistle(
                        vt(f),
                        float(rng.uniform(0.4, 0.9)),
                        float(rng.uniform(3300, 4100)),
                        0.3,
                        "timeout" if r.kind == "timeout" else "period",
                    )
                )
    # slow variation of the crowd bed
    t = np.arange(n, dtype=np.float32) / CTRL_HZ
    crowd *= 1.0 + 0.18 * np.sin(2 * np.pi * t / 23.0) + 0.1 * np.sin(2 * np.pi * t / 7.3)
    whistles.sort(key=lambda w: w.start)
    return AudioPlan(
        dur,
        crowd,
        np.clip(voice, 0, 1),
        np.clip(voice2, 0, 1),
        music,
        tuple(w for w in whistles if 0 <= w.start < dur),
    )


def _talk(arr: F32, t0: float, t1: float, rng: np.random.Generator, density: float) -> None:
    """Speech on/off segments covering ``density`` of [t0, t1)."""
    t = t0 + float(rng.uniform(0, 0.8))
    while t < t1:
        seg = float(rng.uniform(1.2, 5.0))
        if rng.random() < density:
            a, b = int(t * CTRL_HZ), int(min(t + seg, t1) * CTRL_HZ)
            if b > a >= 0:
                arr[a:b] = 1.0
        t += seg + float(rng.uniform(0.25, 1.5))


# ---- loops -------------------------------------------------------------------------------------
def _crowd_loop(sr: int, rng: np.random.Generator) -> F32:
    n = sr * 17
    spec = np.fft.rfft(rng.standard_normal(n))
    f = np.fft.rfftfreq(n, 1 / sr)
    shape = 1 / np.sqrt(1 + (f / 900) ** 2) * np.clip(f / 150, 0, 1) + 0.05 * (f < 6000)
    x = np.fft.irfft(spec * shape, n)
    return np.asarray(x / np.abs(x).max(), dtype=np.float32)


_VOWELS = (
    (730, 1090, 2440),
    (270, 2290, 3010),
    (530, 1840, 2480),
    (570, 840, 2410),
    (440, 1020, 2240),
    (660, 1720, 2410),
    (300, 870, 2240),
)


def _voice_loop(sr: int, rng: np.random.Generator, base_f0: float) -> F32:
    """Announcer-like speech: voiced harmonic buzz, formant-filtered syllables at ~4 Hz."""
    n = sr * 13
    t = np.arange(n) / sr
    f0 = base_f0 * (1 + 0.18 * np.sin(2 * np.pi * 0.35 * t) + 0.08 * np.sin(2 * np.pi * 1.7 * t))
    phase = 2 * np.pi * np.cumsum(f0) / sr
    buzz = np.zeros(n)
    for k in range(1, 30):
        buzz += np.sin(k * phase) / k
    out = np.zeros(n)
    pos = 0
    syl = int(sr * 0.25)
    f = np.fft.rfftfreq(syl, 1 / sr)
    while pos + syl <= n:
        v = _VOWELS[int(rng.integers(len(_VOWELS)))]
        resp = sum(
            np.exp(-0.5 * ((f - fc) / (60 + fc * 0.06)) ** 2) / (i + 1) for i, fc in enumerate(v)
        )
        seg = np.fft.irfft(np.fft.rfft(buzz[pos : pos + syl]) * resp, syl)
        env = np.sin(np.linspace(0, np.pi, syl)) ** 1.5
        if rng.random() < 0.12:
            env *= 0.05  # short pause between words
        out[pos : pos + syl] = seg * env
        if rng.random() < 0.3:  # consonant burst
            b = int(sr * 0.04)
            out[pos : pos + b] += rng.standard_normal(b) * 0.15 * np.abs(seg).max()
        pos += syl
    return np.asarray(out / (np.abs(out).max() + 1e-9), dtype=np.float32)


def _whistle(w: Whistle, t: NDArray[np.float64]) -> NDArray[np.float64]:
    """Pea-whistle trill at ``w.freq`` for times ``t`` (s since its start)."""
    trill = 26.0
    ph = 2 * np.pi * w.freq * t - (w.freq * 0.05 / trill) * np.cos(2 * np.pi * trill * t)
    env = np.minimum(1, t / 0.02) * np.minimum(1, (w.duration - t) / 0.05)
    am = 0.75 + 0.25 * np.sin(2 * np.pi * trill * t)
    out = w.level * np.clip(env, 0, 1) * am * (np.sin(ph) + 0.2 * np.sin(2 * ph))
    return np.asarray(out, dtype=np.float64)


def write_wav(ap: AudioPlan, path: Path, sr: int, seed: int) -> None:
    """Synthesize ``ap`` into a mono 16-bit WAV at ``sr`` Hz, one second at a time."""
    rng = np.random.default_rng([seed, 0xA1])
    crowd = _crowd_loop(sr, rng)
    v1 = _voice_loop(sr, rng, 118.0)
    v2 = _voice_loop(sr, rng, 145.0)
    total = round(ap.duration * sr)
    chords = np.array(
        [[261.6, 329.6, 392.0], [220.0, 261.6, 329.6], [174.6, 220.0, 261.6], [196.0, 246.9, 293.7]]
    )
    wi = 0
    with wave.open(str(path), "wb") as wf:
        wf.setnchannels(1)
        wf.setsampwidth(2)
        wf.setframerate(sr)
        for s0 in range(0, total, sr):
            s1 = min(total, s0 + sr)
            idx = np.arange(s0, s1)
            t = idx / sr
            ctrl = t * CTRL_HZ

            def gain(arr: F32, ctrl: NDArray[np.float64] = ctrl) -> NDArray[np.float64]:
                return np.interp(ctrl, np.arange(len(arr)), arr)

            out = crowd[idx % len(crowd)] * gain(ap.crowd)
            g = gain(ap.voice)
            if g.any():
                out = out + 0.3 * v1[idx % len(v1)] * g
            g = gain(ap.voice2)
            if g.any():
                out = out + 0.25 * v2[(idx + 7 * sr) % len(v2)] * g
            g = gain(ap.music)
            if g.any():
                c = chords[(np.floor(t / 2.0).astype(int)) % len(chords)]
                tone = sum(np.sin(2 * np.pi * c[:, k] * t) for k in range(3))
                tone = tone + 0.6 * np.sin(np.pi * c[:, 0] * t)
                out = out + g * tone * (0.6 + 0.4 * np.abs(np.sin(np.pi * t * 2)))
            while (
                wi < len(ap.whistles) and ap.whistles[wi].start + ap.whistles[wi].duration < s0 / sr
            ):
                wi += 1
            j = wi
            while j < len(ap.whistles) and ap.whistles[j].start < s1 / sr:
                w = ap.whistles[j]
                a = max(s0, math.ceil(w.start * sr))
                b = min(s1, int(w.start * sr + w.duration * sr))
                if b > a:
                    tt = np.arange(a, b) / sr - w.start
                    out[a - s0 : b - s0] += _whistle(w, tt)
                j += 1
            pcm = np.clip(out * 32767 * 0.8, -32768, 32767).astype("<i2")
            wf.writeframes(pcm.tobytes())
