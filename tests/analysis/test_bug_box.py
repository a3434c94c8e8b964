"""The scorebug locator against overlays that persist as well as the bug (issue 18).

Synthetic samples (numpy) for the cases one at a time, and rendered broadcasts of the new
looks: a plain dark-green bar across the whole bottom, a bug in the grass's own colours.

Not solved: the translucent ``glass_topright_720p30`` bug. Its panels agree across samples only
where its text is, so its words are separate blobs and its clock's glyphs (over a crowd seen
through the panel) are found too sparsely to join them; the locator now refuses the opaque
promo banner under it (the first locator boxed the banner), and finds no bug on the suite
broadcast, or a close-up's jersey number on the tiny one.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from cutups.analysis.bug_box import plausible
from cutups.analysis.locate import ScorebugLocator
from cutups.analysis.scorebug import LOCATE_SIZE, _join_neighbours, locate_scorebug
from cutups.media.probe import probe
from cutups_testkit import generate_cached, presets
from tests.analysis.test_analysers import BUG, _background, _with_bug


def _watermark(img: np.ndarray) -> np.ndarray:
    """A busy static logo (many more edges than the bug) in the bottom-right corner."""
    out = img.copy()
    yy, xx = np.mgrid[0:60, 0:140]
    out[280:340, 480:620] = np.where((yy // 3 + xx // 3) % 2 == 0, 240, 20)
    return out


def test_a_watermark_with_more_edges_loses_to_the_bug_whose_clock_changes() -> None:
    frames = [_watermark(_with_bug(_background(i), i)) for i in range(40)]
    loc = locate_scorebug(frames)
    assert loc is not None
    x, y, w, h = BUG
    x0, y0, x1, y1 = loc.box(*LOCATE_SIZE)
    assert abs(x0 - x) <= 4 and abs(y0 - y) <= 4 and abs(x1 - x - w) <= 4 and abs(y1 - y - h) <= 4


def _banner(img: np.ndarray) -> np.ndarray:
    """A promo banner stuck right under the bug: its own colour, fixed text, never changing."""
    x, y, w, h = BUG
    out = img.copy()
    out[y + h : y + h + 20, x : x + w] = 90
    out[y + h + 5 : y + h + 15, x + 20 : x + 180 : 3] = 250
    return out


def test_a_promo_banner_under_the_bug_is_left_out_of_its_box() -> None:
    # The first locator took bug and banner as one box (as on a real NBA clip: 99 px tall for
    # a 45 px bar), and the clock reader then found no clock in it.
    frames = [_banner(_with_bug(_background(i), i)) for i in range(40)]
    loc = locate_scorebug(frames)
    assert loc is not None
    x, y, w, h = BUG
    assert loc.box(*LOCATE_SIZE) == (x, y, x + w, y + h)


def test_an_overlay_that_never_changes_is_no_scorebug() -> None:
    # The bug's panel and names, its clock stopped for the whole video: nothing changes in it,
    # so it cannot be told from a channel's logo and no clock can be read off it.
    assert locate_scorebug([_with_bug(_background(i), 0) for i in range(40)]) is None


def _field_with_lines(i: int, rng: np.random.Generator) -> np.ndarray:
    """Grass in mowing stripes that pan from sample to sample, and thin white yard lines that
    sit at one of four places: a pixel on a line's path is white in a quarter of the samples
    and grass in the rest, two lumas far apart, as a clock's digit toggles."""
    h, w = LOCATE_SIZE[1], LOCATE_SIZE[0]
    yy, xx = np.mgrid[0:h, 0:w]
    stripes = 85.0 + 15 * (((xx + yy // 2 + 29 * i) // 24) % 3)
    lines = ((xx + (yy * 0.3).astype(int) + 20 * (i * 7 % 4)) % 80) < 2
    out = np.where(lines, 235.0, stripes) + rng.normal(0, 3, (h, w))
    return np.clip(out, 0, 255).astype(np.uint8)


def _translucent_watermark(img: np.ndarray) -> np.ndarray:
    """A channel's letters, half see-through, bottom left, where the yard lines pass under."""
    glyphs = np.zeros((12, 60), bool)
    for k in range(5):
        glyphs[1:11, k * 12 + 1 : k * 12 + 3] = glyphs[1:3, k * 12 + 1 : k * 12 + 9] = True
        glyphs[9:11, k * 12 + 1 : k * 12 + 9] = glyphs[1:11, k * 12 + 7 : k * 12 + 9] = k % 2 == 0
    out = img.astype(np.float32)
    area = out[322:334, 40:100]
    area[glyphs] = 0.5 * area[glyphs] + 110
    return np.clip(out, 0, 255).astype(np.uint8)


def test_a_watermark_with_yard_lines_sliding_under_it_is_no_scorebug() -> None:
    # The 11-minute teamstack broadcast with its bug switched off: the locator boxed the
    # watermark, since lines passing under it toggle its pixels between grass and white; but
    # they light them in a few samples only, where a clock shows digits in every sample.
    # (Before that check, this watermark was boxed with four seeds of the noise in six.)
    rng = np.random.default_rng(2)
    frames = [_translucent_watermark(_field_with_lines(i, rng)) for i in range(40)]
    assert locate_scorebug(frames) is None


def test_a_box_not_shaped_like_a_bug_is_refused() -> None:
    # A changing clock inside a panel taller than a third of the picture: a graphic, not a bug.
    def tall(i: int) -> np.ndarray:
        out = _background(i)
        out[40:300, 40:200] = 30
        out[40:42, 40:200] = out[298:300, 40:200] = 230
        out[60:80, 60:120] = 200
        out[150:170, 60 + (i % 4) * 5 : 75 + (i % 4) * 5] = 220
        return out

    assert locate_scorebug([tall(i) for i in range(40)]) is None


# Four network looks, one per kind of bug the first locators missed: the strip (it boxed the
# watermark), the pill (it took in the band under it), a stacked bug over team colours, and the
# pill in the grass's own green (held out: its box ran 140 px on into the grass, widened over
# yard lines that toggle between grass and white as a clock's digits do). Each rendered
# broadcast costs about a minute of the suite; the full bar (6 px too wide at 640x360) is in
# BENCHMARKS.md, still open.
BOXED_LOOKS = ("net_strip_1080p30", "net_pill_540p60", "net_teamstack_540p50", "net_grass_720p50")


@pytest.mark.parametrize("look", BOXED_LOOKS)
def test_the_bug_of_each_new_look_is_boxed(look: str, render_cache: Path) -> None:
    # Network graphics: a bar across the whole bottom, a bug in the grass's colours, gradient
    # and translucent panels, beside watermarks and promo banners.
    sample = generate_cached(presets.tiny(look), render_cache)
    loc = ScorebugLocator().survey(probe(sample.video)).scorebug
    assert loc is not None
    sb, video = sample.truth.scorebug, sample.truth.video
    width, height = LOCATE_SIZE
    x0, y0, x1, y1 = loc.box(width, height)
    truth = (
        sb.x * width / video.width,
        sb.y * height / video.height,
        (sb.x + sb.w) * width / video.width,
        (sb.y + sb.h) * height / video.height,
    )
    assert truth[1] - 3 <= y0 and y1 <= truth[3] + 3, "rows outside the bug"
    assert truth[0] - 3 <= x0 and x1 <= truth[2] + 3, "columns outside the bug"
    assert (x1 - x0) >= 0.6 * (truth[2] - truth[0])
    clock = sb.clock_box
    assert y1 - y0 >= 0.9 * (truth[3] - truth[1])
    assert x0 <= clock.x * width / video.width + 2
    assert x1 >= (clock.x + clock.w) * width / video.width - 2, "the clock is cut"


TOWER = (20, 16, 80, 112)  # x, y, w, h at 640x360: the tower look's bug, 0.7 times as wide


def _with_tower(img: np.ndarray, clock: int) -> np.ndarray:
    """A corner column of four rows: two teams, the clock (its digits move), the period."""
    x, y, w, h = TOWER
    out = img.copy()
    out[y : y + h, x : x + w] = 30
    out[y : y + 2, x : x + w] = out[y + h - 2 : y + h, x : x + w] = 230
    out[y + 6 : y + 22, x + 8 : x + 50] = 200  # away team: static
    out[y + 34 : y + 50, x + 8 : x + 50] = 200  # home team: static
    out[y + 62 : y + 78, x + 10 + (clock % 4) * 5 : x + 25 + (clock % 4) * 5] = 220  # clock
    out[y + 90 : y + 106, x + 8 : x + 40] = 200  # period: static
    return out


def test_a_tall_tower_whose_clock_changes_is_a_scorebug() -> None:
    # The tower look's bug (seed 29) was found whole and then refused as "not wider than tall".
    loc = locate_scorebug([_with_tower(_background(i), i) for i in range(40)])
    assert loc is not None
    x, y, w, h = TOWER
    x0, y0, x1, y1 = loc.box(*LOCATE_SIZE)
    assert abs(x0 - x) <= 3 and abs(y0 - y) <= 3 and abs(x1 - x - w) <= 3 and abs(y1 - y - h) <= 3


def test_a_tall_box_is_a_tower_only_within_its_bounds() -> None:
    # 640 x 360: a tower up to 0.4 of the height and half as wide as tall; a wide box stays
    # within a third of the height (a grey field's corner under a watermark was 120 x 192).
    assert plausible(112, 80, 360, 640)
    assert plausible(120, 86, 360, 640)
    assert not plausible(150, 80, 360, 640)
    assert not plausible(112, 40, 360, 640)
    assert not plausible(120, 192, 360, 640)
    assert plausible(20, 600, 360, 640)


GREY_ROW = (480, 326, 130, 18)  # x, y, w, h at 640x360: the grey-turf look's clock box
_MONO = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf"


def _with_grey_row(img: np.ndarray, clock: int, rng: np.random.Generator) -> np.ndarray:
    """A translucent dark row over the field: "1ST 2:10 30" drawn at 3x and scaled down, its
    text rows smeared as compression smears glyphs' edges over the panel between them."""
    x, y, w, h = GREY_ROW
    text = Image.new("L", (3 * w, 3 * h), 0)
    m, s = divmod(clock, 60)
    words = f"1ST {m}:{s:02d} {clock % 40:02d}"
    ImageDraw.Draw(text).text((9, 12), words, font=ImageFont.truetype(_MONO, 30), fill=255)
    glyphs = np.asarray(text.resize((w, h), Image.Resampling.BILINEAR), np.float32) / 255
    out = img.astype(np.float32)
    panel = 0.3 * out[y : y + h, x : x + w] + 0.7 * 50
    out[y : y + h, x : x + w] = panel * (1 - glyphs) + 230 * glyphs
    out[y + 5 : y + 13, x : x + w] += rng.normal(0, 9, (8, w))
    return np.clip(out, 0, 255).astype(np.uint8)


def test_a_translucent_row_keeps_its_margins_above_and_below_its_text() -> None:
    # Its text rows agree across samples far less than its plain margins, so it split into
    # three bands; the box kept the 8 text rows of 18 (as on the grey-turf look), too thin a
    # template for the decode pass to tell the bug shown from hidden (6 crops in 2 minutes).
    field_rng, smear_rng = np.random.default_rng(3), np.random.default_rng(4)
    frames = [
        _with_grey_row(_field_with_lines(i, field_rng), 600 - 37 * i, smear_rng) for i in range(40)
    ]
    loc = locate_scorebug(frames)
    assert loc is not None
    x, y, w, h = GREY_ROW
    x0, y0, x1, y1 = loc.box(*LOCATE_SIZE)
    assert abs(y0 - y) <= 1 and abs(y1 - y - h) <= 1, (y0, y1)
    assert abs(x0 - x) <= 3 and abs(x1 - x - w) <= 3, (x0, x1)


TURF_STACK = (20, 290, 100, 50)  # x, y, w, h at 640x360


def _plain_turf(i: int, rng: np.random.Generator) -> np.ndarray:
    """Turf of one flat colour (a plain red or teal field), yard lines and the stadium's light
    sliding over it as the camera pans: much of it agrees across samples, as a bug's panel
    does, but not the whole picture (that would be a still test card, not football)."""
    h, w = LOCATE_SIZE[1], LOCATE_SIZE[0]
    yy, xx = np.mgrid[0:h, 0:w]
    lines = ((xx + (yy * 0.3).astype(int) + 23 * i) % 90) < 2
    # 7 levels: enough that the picture is not still (the locator would not look for edges
    # in a test card), little enough that the turf still swallows the panel (6-8 both hold)
    light = 7.0 * np.sin(2 * np.pi * (xx + 37 * i) / 150)
    out = np.where(lines, 230.0, 100.0 + light) + rng.normal(0, 2, (h, w))
    return np.clip(out, 0, 255).astype(np.uint8)


def _with_turf_stack(img: np.ndarray, clock: int) -> np.ndarray:
    """A stacked bug whose panel is the turf's own colour: its text, scores and dark clock
    panel stand out; its outline does not."""
    x, y, _, _ = TURF_STACK
    out = img.copy()
    out[y : y + 50, x : x + 100] = 100
    out[y + 5 : y + 17, x + 6 : x + 40] = out[y + 21 : y + 33, x + 6 : x + 40] = 235
    out[y + 5 : y + 17, x + 50 : x + 58] = out[y + 21 : y + 33, x + 50 : x + 58] = 235
    out[y : y + 36, x + 64 : x + 100] = 30
    out[y + 21 : y + 33, x + 68 + (clock % 4) * 5 : x + 80 + (clock % 4) * 5] = 235
    out[y + 38 : y + 47, x + 6 : x + 60] = 220
    return out


def test_a_bug_in_the_turfs_own_colour_is_found_by_its_edges() -> None:
    # The red-turf and teal-turf looks (seed 37): the plain turf agreed across samples as
    # well as the bug's panel, the blob of agreeing pixels took in the field around the bug
    # and no box held a clock; the bug was never found.
    rng = np.random.default_rng(5)
    loc = locate_scorebug([_with_turf_stack(_plain_turf(i, rng), i) for i in range(40)])
    assert loc is not None
    x, y, w, h = TURF_STACK
    x0, y0, x1, y1 = loc.box(*LOCATE_SIZE)
    assert x - 3 <= x0 <= x + 6 and y - 3 <= y0 <= y + 1, (x0, y0)
    assert x + w - 3 <= x1 <= x + w + 3 and y + h - 4 <= y1 <= y + h + 3, (x1, y1)


def test_a_few_off_field_samples_do_not_decide_the_box() -> None:
    # With 5 of 48 samples off the field, each was a fifth of the off-field test: one sample
    # whose grass share crossed the rule (0.26 -> 0.22) lost the pill look's bug. Here 4 of 5
    # off-field samples are commercials without the bug: it was present in a fifth of them,
    # under the third required, and lost. Under 8 such samples the test is not applied.
    frames = [_background(i) if i < 4 else _with_bug(_background(i), i) for i in range(40)]
    bare = locate_scorebug(frames)
    assert bare is not None
    for count in (5, 7):
        loc = locate_scorebug(frames, [i < count for i in range(40)])
        assert loc is not None and loc.box(*LOCATE_SIZE) == bare.box(*LOCATE_SIZE)


def test_a_short_clock_box_beside_a_taller_bar_joins_it() -> None:
    # The purple look's bar across the whole bottom (seed 41) was found as two blobs: the
    # teams' panel, 19 rows tall, and the clock's part, whose see-through panel agreed only on
    # its 8 rows of digits. Their rows overlapped by all of the shorter one, but less than
    # 60 % of the taller one: the box kept the teams and cut the clock off (0.41 of the bar).
    teams = (10.0, slice(329, 348), slice(13, 293))
    clock = (6.0, slice(334, 342), slice(300, 627))
    _, ys, xs = _join_neighbours(teams, [teams, clock], *LOCATE_SIZE)
    assert (ys.start, ys.stop, xs.start, xs.stop) == (329, 348, 13, 627)
    # A box beside the bar but mostly on other rows stays out.
    above = (6.0, slice(300, 336), slice(300, 400))
    _, ys, xs = _join_neighbours(teams, [teams, above], *LOCATE_SIZE)
    assert (ys.start, ys.stop, xs.start, xs.stop) == (329, 348, 13, 293)
