"""The fast per-tick pixel arithmetic gives exactly what the plain numpy expressions give."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from cutups.analysis.locate import green_share
from cutups.analysis.motion import residual_motion
from cutups.analysis.pixels import absdiff, masked_share
from cutups.analysis.scorebug import PresenceTest, presence

RNG = np.random.default_rng(7)


def _images(shape: tuple[int, ...], count: int = 20) -> list[np.ndarray]:
    # Extremes included on purpose: 0 and 255 are where a uint8 shortcut would wrap.
    return [
        RNG.choice(np.array([0, 1, 12, 44, 46, 128, 234, 235, 254, 255]), shape).astype(np.uint8)
        for _ in range(count // 2)
    ] + [RNG.integers(0, 256, shape, dtype=np.uint8) for _ in range(count // 2)]


def test_absdiff_is_the_widened_difference_on_every_pair_of_levels() -> None:
    a, b = np.meshgrid(np.arange(256, dtype=np.uint8), np.arange(256, dtype=np.uint8))
    expected = np.abs(a.astype(np.int16) - b.astype(np.int16))
    assert np.array_equal(absdiff(a, b), expected)


def test_masked_share_is_the_mean_over_the_mask() -> None:
    for hits, mask in zip(_images((30, 40)), _images((30, 40)), strict=True):
        h, m = hits > 100, mask > 60
        assert masked_share(h.copy(), m, int(m.sum())) == pytest.approx(h[m].mean(), abs=0)
    assert masked_share(np.ones((3, 3), bool), np.zeros((3, 3), bool), 0) == 0.0


def _presence_widened(crop: np.ndarray, template: np.ndarray, stable: np.ndarray) -> float:
    h, w = min(crop.shape[0], template.shape[0]), min(crop.shape[1], template.shape[1])
    mask = stable[:h, :w]
    if not mask.any():
        return 0.0
    diff = np.abs(crop[:h, :w].astype(np.int16) - template[:h, :w].astype(np.int16))
    return float((diff[mask] <= 24).mean())


@pytest.mark.parametrize(
    ("crop_shape", "offset"), [((22, 60), (0, 0)), ((30, 70), (4, 5)), ((18, 50), (0, 0))]
)
def test_presence_test_and_presence_equal_the_widened_computation(
    crop_shape: tuple[int, int], offset: tuple[int, int]
) -> None:
    template = RNG.integers(0, 256, (22, 60), dtype=np.uint8)
    stable = RNG.random((22, 60)) < 0.7
    test = PresenceTest(template, stable, crop_shape, offset)
    oy, ox = offset
    for crop in _images(crop_shape):
        # Crops near the template too, so shares away from 0 are compared as well.
        near = crop.copy()
        h, w = min(crop_shape[0] - oy, 22), min(crop_shape[1] - ox, 60)
        near[oy : oy + h, ox : ox + w] = template[:h, :w] // 2 + crop[oy : oy + h, ox : ox + w] // 2
        for c in (crop, near):
            expected = _presence_widened(c[oy:, ox:], template, stable)
            assert test(c) == expected
            assert presence(c[oy:, ox:], template, stable) == expected
    assert presence(template, template, np.zeros_like(stable)) == 0.0


def test_presence_test_refuses_a_crop_of_another_shape() -> None:
    test = PresenceTest(np.zeros((4, 4), np.uint8), np.ones((4, 4), bool), (4, 4))
    with pytest.raises(ValueError, match="this test is for"):
        test(np.zeros((5, 4), np.uint8))


def _residual_widened(
    prev: np.ndarray, cur: np.ndarray, dx: int, dy: int, mask: np.ndarray
) -> float:
    h, w = cur.shape
    ys, xs = slice(max(0, dy), h + min(0, dy)), slice(max(0, dx), w + min(0, dx))
    ps, px = slice(max(0, -dy), h - max(0, dy)), slice(max(0, -dx), w - max(0, dx))
    diff = np.abs(cur[ys, xs].astype(np.int16) - prev[ps, px].astype(np.int16)) > 18
    diff &= ~mask[ys, xs]
    return float(diff.mean() * 100.0)


def test_residual_motion_equals_the_widened_computation() -> None:
    images = _images((36, 64))
    mask = np.zeros((36, 64), bool)
    mask[30:34, 5:50] = True
    for prev, cur in itertools.pairwise(images):
        for dx, dy in ((0, 0), (3, -2), (-7, 4)):
            assert residual_motion(prev, cur, dx, dy, mask) == _residual_widened(
                prev, cur, dx, dy, mask
            )


def _green_widened(rgb: np.ndarray) -> float:
    px = rgb.astype(np.int16)
    r, g, b = px[..., 0], px[..., 1], px[..., 2]
    return float(((g > r + 12) & (g > b + 12) & (g > 45) & (g < 235)).mean())


def test_green_share_equals_the_widened_computation_at_every_green_level() -> None:
    # Every (r, g) pair with b swept coarsely: the uint8 shortcut is exact at the wrap edges.
    r, g, b = np.meshgrid(np.arange(256), np.arange(256), np.arange(0, 256, 5), indexing="ij")
    rgb = np.stack([r, g, b], axis=-1).reshape(-1, 1, 3).astype(np.uint8)
    assert green_share(rgb) == _green_widened(rgb)
    for image in _images((90, 160, 3)):
        assert green_share(image) == _green_widened(image)
