"""Each analyser on synthetic arrays with known truth (no decoding involved)."""

from __future__ import annotations

import numpy as np
import pytest

from cutups.analysis.audio import AudioBandsAnalyser
from cutups.analysis.field import FieldAnalyser, green_fraction
from cutups.analysis.motion import MotionAnalyser
from cutups.analysis.scorebug import LOCATE_SIZE, ScorebugAnalyser, locate_scorebug

RNG = np.random.default_rng(7)
BUG = (40, 300, 200, 36)  # x, y, w, h at 640x360


def _background(i: int) -> np.ndarray:
    """A busy, changing picture: a drifting gradient with noise (pans, cuts, crowds)."""
    h, w = LOCATE_SIZE[1], LOCATE_SIZE[0]
    yy, xx = np.mgrid[0:h, 0:w]
    base = (np.sin((xx + 37 * i) / (9 + i % 5)) * 60 + 120 + (yy * (i % 3))) % 255
    return np.clip(base + RNG.normal(0, 25, (h, w)), 0, 255).astype(np.uint8)


def _with_bug(img: np.ndarray, clock: int) -> np.ndarray:
    x, y, w, h = BUG
    out = img.copy()
    out[y : y + h, x : x + w] = 30
    out[y : y + 2, x : x + w] = 230
    out[y + h - 2 : y + h, x : x + w] = 230
    out[y + 8 : y + 28, x + 10 : x + 70] = 200  # team names: static
    out[y + 8 : y + 28, x + 120 + (clock % 4) * 5 : x + 135 + (clock % 4) * 5] = 220  # clock: moves
    return out


def test_locate_scorebug_finds_the_box_with_commercials_mixed_in() -> None:
    frames = [_with_bug(_background(i), i) if i % 10 < 7 else _background(i) for i in range(40)]
    loc = locate_scorebug(frames)
    assert loc is not None
    x0, y0, x1, y1 = loc.box(*LOCATE_SIZE)
    bx, by, bw, bh = BUG
    assert abs(x0 - bx) <= 8 and abs(y0 - by) <= 8
    assert abs(x1 - (bx + bw)) <= 8 and abs(y1 - (by + bh)) <= 8
    assert 0.6 <= loc.coverage <= 0.8


def test_locate_scorebug_returns_none_without_a_bug() -> None:
    assert locate_scorebug([_background(i) for i in range(40)]) is None


def test_scorebug_analyser_sees_presence_and_hidden_bug() -> None:
    frames = [_with_bug(_background(i), i) for i in range(30)]
    loc = locate_scorebug(frames)
    assert loc is not None
    analyser = ScorebugAnalyser(loc)
    for i in range(20):
        img = _with_bug(_background(i + 100), i) if i < 10 else _background(i + 100)
        analyser.on_frame(i, i / 10, img)
    bug = analyser.finish(20)["bug"]
    assert bug[:10].min() > 0.6
    assert bug[10:].max() < 0.4


def test_motion_zero_for_still_frames_and_positive_for_moving() -> None:
    analyser = MotionAnalyser()
    still = np.full((90, 160), 100, np.uint8)
    moving = [np.roll(_background(0)[:90, :160], 3 * i, axis=1) for i in range(5)]
    for i, img in enumerate([still, still, still, *moving]):
        analyser.on_frame(i, i / 10, img)
    out = analyser.finish(10)
    motion, cut = out["motion"], out["cut"]
    assert len(motion) == 10 and motion[8:].sum() == 0  # padded to n_ticks
    assert motion[1] == 0 and motion[2] == 0
    assert motion[4:7].min() > 5
    assert cut[3] > 0.5  # a flat gray frame to a busy one is a cut


def test_green_fraction_of_grass_and_of_a_crowd() -> None:
    grass = np.zeros((90, 160, 3), np.uint8)
    grass[...] = (40, 130, 50)
    crowd = RNG.integers(0, 255, (90, 160, 3), dtype=np.uint8)
    assert green_fraction(grass) == pytest.approx(1.0)
    assert green_fraction(crowd) < 0.25
    analyser = FieldAnalyser()
    analyser.on_frame(0, 0.0, grass)
    assert analyser.finish(1)["green"][0] == pytest.approx(1.0)


def test_whistle_scores_a_tone_inside_crowd_noise_and_not_the_noise() -> None:
    sr = 16000
    t = np.arange(int(3 * sr)) / sr
    noise = np.random.default_rng(1).normal(0, 0.1, t.size)
    tone = np.where((t >= 1.5) & (t < 2.0), 0.3 * np.sin(2 * np.pi * 3600 * t), 0.0)
    samples = (noise + tone).astype(np.float32)
    analyser = AudioBandsAnalyser(sample_rate=sr)
    for start in range(0, samples.size, 1234):  # odd chunk sizes, as a decoder delivers them
        analyser.on_audio(start / sr, samples[start : start + 1234])
    out = analyser.finish(30)
    whistle = out["whistle"]
    assert whistle[15:20].min() > 10
    assert np.delete(whistle, range(14, 21)).max() < 5
    assert out["rms"].shape == (30,)
