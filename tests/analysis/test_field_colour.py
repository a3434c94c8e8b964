"""The field's colour learnt from sampled frames, and pixels classified by it."""

from __future__ import annotations

import numpy as np
import pytest

from cutups.analysis.field_colour import (
    DEFAULT_FIELD,
    FieldColour,
    field_fraction,
    hue_of,
    learn_field_colour,
)

RNG = np.random.default_rng(11)
SIZE = (90, 160)


def _wide(turf: tuple[int, int, int], stands_rows: int = 12) -> np.ndarray:
    """A wide shot: stands (grey, noisy) on top, turf with noise and white yard lines below."""
    img = np.empty((*SIZE, 3), np.uint8)
    noise = RNG.normal(0, 6, (*SIZE, 3))
    img[...] = np.clip(np.asarray(turf) + noise, 0, 255)
    img[:stands_rows] = RNG.integers(60, 140, (stands_rows, SIZE[1], 1))
    img[:, ::20] = 235  # yard lines
    return img


def _crowd() -> np.ndarray:
    return RNG.integers(0, 255, (*SIZE, 3), dtype=np.uint8)


def _flat(colour: tuple[int, int, int]) -> np.ndarray:
    img = np.empty((*SIZE, 3), np.uint8)
    img[...] = colour
    return img


BLUE_TURF = (36, 72, 150)
WORN_GRASS = (92, 104, 52)
GREEN_GRASS = (50, 124, 54)
RED_TURF = (150, 36, 40)
GREY_TURF = (104, 106, 110)


@pytest.mark.parametrize("turf", [BLUE_TURF, WORN_GRASS, GREEN_GRASS, RED_TURF, GREY_TURF])
def test_the_field_colour_is_the_hue_of_the_wide_shots(turf: tuple[int, int, int]) -> None:
    # 14 wide shots among 30 other pictures, 4 of them a green commercial (a lawn ad).
    frames = [_wide(turf) for _ in range(14)] + [_crowd() for _ in range(26)]
    frames += [_flat((40, 140, 60)) for _ in range(3)]
    colour = learn_field_colour(frames)
    assert colour.learnt
    assert field_fraction(_wide(turf), colour, (0.2, 0.8)) > 0.8
    assert max(field_fraction(_crowd(), colour, (0.2, 0.8)) for _ in range(5)) < 0.25


def test_blue_turf_and_worn_grass_are_not_the_default_green() -> None:
    assert field_fraction(_wide(BLUE_TURF), DEFAULT_FIELD, (0.2, 0.8)) == 0.0
    assert field_fraction(_wide(WORN_GRASS), DEFAULT_FIELD, (0.2, 0.8)) < 0.1
    assert field_fraction(_wide(GREEN_GRASS), DEFAULT_FIELD, (0.2, 0.8)) > 0.8


def test_without_wide_shots_the_default_green_is_kept() -> None:
    assert learn_field_colour([]) == DEFAULT_FIELD
    assert learn_field_colour([_crowd() for _ in range(40)]) == DEFAULT_FIELD
    # Two field-like pictures are not enough to learn from.
    assert learn_field_colour([_flat(BLUE_TURF)] * 2 + [_crowd()] * 30) == DEFAULT_FIELD


def test_grey_dark_and_washed_out_pixels_are_never_a_hue_field() -> None:
    window_everything = FieldColour(low=0.0, width=360.0)
    for colour in [(128, 128, 128), (20, 40, 20), (250, 252, 248), (120, 128, 124)]:
        assert field_fraction(_flat(colour), window_everything) == 0.0


def test_a_grey_field_is_a_window_of_brightness_among_grey_pixels() -> None:
    colour = learn_field_colour([_wide(GREY_TURF) for _ in range(14)] + [_crowd()] * 26)
    assert colour.grey and colour.low <= 106 / 255 < colour.low + colour.width
    assert colour.describe().startswith("grey, brightness")
    # The white lines, a black panel and green grass are not grey turf.
    for other in [(235, 235, 235), (10, 10, 12), GREEN_GRASS]:
        assert field_fraction(_flat(other), colour) == 0.0


def test_the_table_classifies_as_the_hue_of_each_pixel() -> None:
    """The 5-bit table agrees with the exact hue except within a cell of the window's edges."""
    colour = FieldColour(low=200.0)
    pixels = RNG.integers(0, 256, (20000, 1, 3), dtype=np.uint8)
    hue, chroma = hue_of(pixels.astype(np.float32) / 255)
    value = pixels.max(-1) / 255
    exact = colour.contains(hue, chroma, value.astype(np.float32))
    table = np.array([field_fraction(p[None], colour) == 1.0 for p in pixels])[:, None]
    # A 5-bit cell spans 8 levels: near an edge of chroma or value, or of hue (which moves up
    # to ~16 degrees at the least chroma), a pixel may fall either side; elsewhere they agree.
    inner = ((hue - 205) % 360 < 35) & (chroma >= 0.16) & (value > 0.22) & (value < 0.91)
    outer = ((hue - 180) % 360 < 85) & (chroma >= 0.08) & (value > 0.14) & (value < 0.99)
    assert np.all(table[inner]) and not np.any(table[~outer])
    assert exact.sum() > 500
