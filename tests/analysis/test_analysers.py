"""Each analyser on synthetic arrays with known truth (no decoding involved)."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import numpy as np
import pytest

from cutups.analysis.audio import AudioBandsAnalyser
from cutups.analysis.base import PassAnalyser, PassContext
from cutups.analysis.bug_crops import BugCropAnalyser, SpilledCrops
from cutups.analysis.field import FieldAnalyser
from cutups.analysis.field_colour import DEFAULT_FIELD, FieldColour, field_fraction
from cutups.analysis.location import ScorebugLocation
from cutups.analysis.motion import MotionAnalyser, estimate_shift
from cutups.analysis.scorebug import LOCATE_SIZE, ScorebugAnalyser, locate_scorebug
from cutups.analysis.segments import SegmentParams

RNG = np.random.default_rng(7)
BUG = (40, 300, 200, 36)  # x, y, w, h at 640x360

_A = TypeVar("_A", bound=PassAnalyser)


def _started(
    analyser: _A, scorebug: ScorebugLocation | None = None, spill_dir: Path | None = None
) -> _A:
    """``analyser`` at the start of a pass over a 640x360 video with audio."""
    width, height = LOCATE_SIZE
    assert analyser.start(PassContext(width, height, True, scorebug, spill_dir))
    return analyser


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


def _closeups_with_patch(
    seed: int, ys: slice, xs: slice, holds_share: float, values: tuple[int, int] = (0, 255)
) -> list[np.ndarray]:
    """40 samples with the bug; every other one a close-up framed alike, in which a patch at
    ``ys, xs`` shows the same picture in ``holds_share`` of its pixels and noise elsewhere."""
    rng = np.random.default_rng(seed)
    shape = (ys.stop - ys.start, xs.stop - xs.start)
    patch = rng.integers(*values, shape, dtype=np.uint8)
    holds = rng.random(shape) < holds_share

    def closeup(img: np.ndarray) -> np.ndarray:
        out = img.copy()
        moving = rng.integers(0, 255, shape, dtype=np.uint8)
        out[ys, xs] = np.where(holds, patch, moving)
        return out

    return [_with_bug(closeup(_background(i)) if i % 2 else _background(i), i) for i in range(40)]


def test_locate_scorebug_leaves_out_a_patch_that_repeats_above_it() -> None:
    # Every other sample is a close-up framed alike, with a jersey right above a bottom bug:
    # more than half of its pixels hold their value, enough to join the bug's blob, yet fewer
    # per row than the bug's own panel. The box must stay the bug's (it came out 60 px too
    # tall; at a third of pixels holding, 62 px too tall before the trim existed).
    x, y, w, h = BUG
    loc = locate_scorebug(_closeups_with_patch(3, slice(y - 60, y), slice(x, x + w), 0.55))
    assert loc is not None
    assert loc.box(*LOCATE_SIZE) == (x, y, x + w, y + h)


def test_locate_scorebug_leaves_out_a_sparse_patch_around_it() -> None:
    # Close-ups framed alike (every other sample) put a stand all around the bug, half of whose
    # pixels hold their value: at the loosest threshold bug and stand are one blob with more
    # edges than the bug alone. The bug, found whole at a stricter threshold inside it, must win
    # (seed 53's 50 fps re-encode: the box took in a jersey and was 2.3x too tall).
    x, y, w, h = BUG
    stand = (slice(y - 60, y + h + 20), slice(x - 20, x + w + 60))
    loc = locate_scorebug(_closeups_with_patch(5, *stand, 0.5, values=(60, 200)))
    assert loc is not None
    assert loc.box(*LOCATE_SIZE) == (x, y, x + w, y + h)


def test_locate_scorebug_returns_none_without_a_bug() -> None:
    assert locate_scorebug([_background(i) for i in range(40)]) is None


def test_scorebug_analyser_sees_presence_and_hidden_bug() -> None:
    frames = [_with_bug(_background(i), i) for i in range(30)]
    loc = locate_scorebug(frames)
    assert loc is not None
    analyser = _started(ScorebugAnalyser(), loc)
    assert analyser.request.crop is not None  # it asks the decoder for the bug's box only
    x0, y0, x1, y1 = analyser.request.crop
    for i in range(20):
        img = _with_bug(_background(i + 100), i) if i < 10 else _background(i + 100)
        analyser.on_frame(i, i / 10, img[y0:y1, x0:x1])
    bug = analyser.finish(20)["bug"]
    assert bug[:10].min() > 0.6
    assert bug[10:].max() < 0.4


def _field(offset: int, players: list[tuple[int, int]]) -> np.ndarray:
    """A 320x180 view of a field with the camera ``offset`` px to the right: stripes, yard lines
    and players (given in field coordinates) all move left on screen as the camera pans."""
    xx = (np.arange(320) + offset) % 64
    row = np.where(xx < 32, 90, 110).astype(np.uint8)
    row[xx % 64 == 0] = 230
    img = np.tile(row, (180, 1))
    for x, y in players:
        if 0 <= x - offset < 317:
            img[y : y + 6, x - offset : x - offset + 3] = 30
    return img


def test_estimate_shift_recovers_a_camera_pan() -> None:
    assert estimate_shift(_field(0, []), _field(5, [])) == (-5, 0)
    assert estimate_shift(_field(7, []), _field(7, [])) == (0, 0)


def test_motion_separates_players_from_the_camera() -> None:
    analyser = _started(MotionAnalyser())
    team = [(40 + 20 * i, 60 + 7 * (i % 5)) for i in range(11)]
    frames = [_field(0, team), _field(0, team)]  # set: nothing moves
    frames += [_field(4 * k, team) for k in range(1, 4)]  # camera pans, players don't
    frames += [_field(12, [(x + 3 * k, y) for x, y in team]) for k in range(1, 4)]  # players run
    for i, img in enumerate(frames):
        analyser.on_frame(i, i / 10, img)
    out = analyser.finish(10)
    motion, pan = out["motion"], out["pan"]
    assert len(motion) == 10 and motion[8:].sum() == 0  # padded to n_ticks
    assert motion[1] == 0 and pan[1] == 0
    assert pan[2:5].min() >= 3 and motion[2:5].max() < 0.2  # a pan alone is not motion
    assert motion[6:8].min() > 0.3  # players running is


def test_histogram_cut_on_a_new_shot() -> None:
    analyser = _started(MotionAnalyser())
    analyser.on_frame(0, 0.0, np.full((180, 320), 100, np.uint8))
    analyser.on_frame(1, 0.1, _field(0, []))
    assert analyser.finish(2)["cut"][1] > 0.5


def test_field_fraction_of_grass_and_of_a_crowd() -> None:
    grass = np.zeros((90, 160, 3), np.uint8)
    grass[...] = (40, 130, 50)
    crowd = RNG.integers(0, 255, (90, 160, 3), dtype=np.uint8)
    assert field_fraction(grass, DEFAULT_FIELD) == pytest.approx(1.0)
    assert field_fraction(crowd, DEFAULT_FIELD) < 0.25
    analyser = _started(FieldAnalyser())
    analyser.on_frame(0, 0.0, grass)
    assert analyser.finish(1)["green"][0] == pytest.approx(1.0)


def test_field_signal_counts_the_colour_the_pass_was_told() -> None:
    """Blue turf is no field to the default green, and all field to a pass told it is blue."""
    turf = np.zeros((90, 160, 3), np.uint8)
    turf[...] = (36, 72, 150)
    width, height = LOCATE_SIZE
    blue = FieldColour(low=210.0, learnt=True)
    told = FieldAnalyser()
    assert told.start(PassContext(width, height, True, None, None, field=blue))
    told.on_frame(0, 0.0, turf)
    default = _started(FieldAnalyser())
    default.on_frame(0, 0.0, turf)
    assert told.finish(1)["green"][0] == pytest.approx(1.0)
    assert default.finish(1)["green"][0] == 0.0


def _stands_over_grass(grass_from: float) -> np.ndarray:
    """Crowd (random, never grass-green) above row ``grass_from`` (of the height), turf below."""
    img = np.random.default_rng(7).integers(0, 255, (90, 160, 3), dtype=np.uint8)
    img[..., 1] = np.minimum(img[..., 0], img[..., 2])
    img[int(grass_from * 90) :] = (46, 122, 52)
    return img


def test_wide_shot_is_field_and_sideline_shot_is_not() -> None:
    """A sideline shot has as much grass as a wide shot with stands, but only at its bottom."""
    wide, sideline = _stands_over_grass(0.12), _stands_over_grass(0.62)
    analyser = _started(FieldAnalyser())
    analyser.on_frame(0, 0.0, wide)
    analyser.on_frame(1, 0.1, sideline)
    green = analyser.finish(2)["green"]
    threshold = SegmentParams().green_on
    assert green[0] > threshold + 0.3
    assert green[1] < threshold - 0.1
    # Counted over the whole frame, the sideline shot's grass would pass for a wide shot's.
    assert field_fraction(sideline, DEFAULT_FIELD) > 0.3


def test_whistle_scores_a_tone_inside_crowd_noise_and_not_the_noise() -> None:
    sr = 16000
    t = np.arange(int(3 * sr)) / sr
    noise = np.random.default_rng(1).normal(0, 0.1, t.size)
    tone = np.where((t >= 1.5) & (t < 2.0), 0.3 * np.sin(2 * np.pi * 3600 * t), 0.0)
    samples = (noise + tone).astype(np.float32)
    analyser = _started(AudioBandsAnalyser(sample_rate=sr))
    for start in range(0, samples.size, 1234):  # odd chunk sizes, as a decoder delivers them
        analyser.on_audio(start / sr, samples[start : start + 1234])
    out = analyser.finish(30)
    whistle = out["whistle"]
    assert whistle[15:20].min() > 10
    assert np.delete(whistle, range(14, 21)).max() < 5
    assert out["rms"].shape == (30,)


def test_bug_crops_are_stored_on_change_and_read_back_from_disk(tmp_path: Path) -> None:
    frames = [_with_bug(_background(i), i) for i in range(30)]
    loc = locate_scorebug(frames)
    assert loc is not None
    analyser = _started(BugCropAnalyser(), loc, tmp_path)
    assert analyser.request.crop is not None
    x0, y0, x1, y1 = analyser.request.crop
    shown = []
    for i in range(40):
        clock = i // 2  # the bug changes every other tick
        img = _with_bug(_background(i + 50), clock) if i < 30 else _background(i + 50)
        analyser.on_frame(i, i / 10, img[y0:y1, x0:x1])
        if i < 30 and i % 2 == 0:
            shown.append(img[y0:y1, x0:x1])
    assert analyser.finish(40) == {}  # no per-tick signals, only crops
    bug = analyser.crops()
    assert bug is not None
    crops = bug.crops
    assert isinstance(crops, SpilledCrops)  # on disk, not in memory
    assert [p.parent for p in tmp_path.iterdir()] == [tmp_path]
    assert list(bug.ticks) == list(range(0, 30, 2))  # once per change, none hidden
    assert crops.shape == (15, y1 - y0, x1 - x0)
    assert all(np.array_equal(crops[k], shown[k]) for k in range(len(crops)))
    assert np.array_equal(crops[-1], shown[-1])
    with pytest.raises(IndexError):
        crops[15]
    crops.close()
    assert list(tmp_path.iterdir()) == []  # closing the reader deletes the spill file


def test_without_a_located_bug_its_analysers_take_no_part(tmp_path: Path) -> None:
    no_bug = PassContext(640, 360, False, None, tmp_path)
    scorebug, crops, audio = ScorebugAnalyser(), BugCropAnalyser(), AudioBandsAnalyser()
    assert not scorebug.start(no_bug) and not crops.start(no_bug)
    assert not audio.start(no_bug)  # no audio either
    out = {**scorebug.finish(5), **crops.finish(5), **audio.finish(5)}
    assert {k: v.tolist() for k, v in out.items()} == {
        "bug": [0.0] * 5,
        "bug_change": [0.0] * 5,
        "rms": [-100.0] * 5,
        "crowd": [-100.0] * 5,
        "whistle": [0.0] * 5,
    }
    assert crops.stored() is None and crops.crops() is None
    assert list(tmp_path.iterdir()) == []  # no spill file made


def test_starting_again_forgets_the_last_pass() -> None:
    analyser = _started(FieldAnalyser())
    grass = np.zeros((90, 160, 3), np.uint8)
    grass[...] = (40, 130, 50)
    analyser.on_frame(0, 0.0, grass)
    assert analyser.finish(1)["green"].tolist() == [1.0]
    _started(analyser)
    assert analyser.finish(1)["green"].tolist() == [0.0]  # padding, not the earlier frame
