"""The clock reader on rendered scorebug crops with a known clock."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from cutups.analysis.bug_crops import BugCrops
from cutups.analysis.clock_model import fit_clock_model
from cutups.analysis.clock_reader import (
    ClockFields,
    find_fields,
    identify_fields,
    parse_clock,
    parse_period,
    read_clock,
)
from cutups.analysis.clock_reader import _bridge as bridge
from cutups.analysis.clock_reader import _Reader as Reader
from cutups.analysis.ocr import GlyphReader, TesseractReader, binarize, otsu_threshold

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def _bug(clock: int, period: str, score: int, play_clock: int) -> np.ndarray:
    """A 300x40 bug: team names, a score, the period, the clock and a play clock."""
    font = ImageFont.truetype(FONT, 20)
    img = Image.new("L", (300, 40), 35)
    d = ImageDraw.Draw(img)
    d.text((6, 8), "MICH", font=font, fill=235)
    d.text((66, 8), str(score), font=font, fill=235)
    d.text((112, 8), period, font=font, fill=235)
    m, s = divmod(clock, 60)
    d.text((160, 8), f"{m}:{s:02d}", font=font, fill=235)
    d.text((250, 8), f"{play_clock:02d}", font=font, fill=200)
    return np.asarray(img)


def _crops() -> tuple[BugCrops, list[tuple[float, int, int]]]:
    """Q1 runs 0:40 -> 0:01 (one crop per change), then Q2 15:00 -> 14:31, stops 20 s, runs."""
    ticks, crops, truth = [], [], []
    t = 0
    for k in range(40):
        ticks.append(t)
        crops.append(_bug(40 - k, "1st", 7, 40 - k))
        truth.append((t / 10, 1, 40 - k))
        t += 10
    t += 300  # quarter break: the bug is off screen, nothing stored
    for k in range(30):
        ticks.append(t)
        crops.append(_bug(900 - k, "2nd", 7, 40 - k))
        truth.append((t / 10, 2, 900 - k))
        t += 10
    t += 200  # stopped: nothing changes, nothing stored
    for k in range(10):
        ticks.append(t)
        crops.append(_bug(870 - k, "2nd", 14, 25 - k))
        truth.append((t / 10, 2, 870 - k))
        t += 10
    return BugCrops(np.asarray(ticks), np.stack(crops), Fraction(10)), truth


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12:34", 754.0),
        ("0:07", 7.0),
        ("45.3", 45.3),
        (":09.8", 9.8),
        ("1234", 754.0),
        ("12:74", None),
        ("", None),
        ("99:00", None),
        ("15:00", 900.0),
        ("15:01", None),
        ("18:10", None),  # "1ST & 10" with the clock's characters
    ],
)
def test_parse_clock(text: str, value: float | None) -> None:
    assert parse_clock(text) == (pytest.approx(value) if value is not None else None)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1st", 1),
        ("2ND", 2),
        ("Q3", 3),
        ("4th", 4),
        ("OT", 5),
        ("2OT", 6),
        ("5th", None),
        ("x", None),
        ("st", 1),
        ("ND", 2),
    ],
)
def test_parse_period(text: str, value: int | None) -> None:
    assert parse_period(text) == value


def test_fields_separate_clock_from_scores_and_play_clock() -> None:
    bug, _ = _crops()
    fields = find_fields(bug.crops)
    xs = [(f.x0, f.x1) for f in fields]
    assert any(f.x0 <= 165 and f.x1 >= 200 for f in fields), xs  # the clock
    assert any(f.x0 >= 245 for f in fields), xs  # the play clock, separate
    assert not any(f.x1 < 60 for f in fields), xs  # the team name alone never changes


def _tight_bug(clock: int, period: str) -> np.ndarray:
    """Period and clock in neighbouring cells, a bright divider bar a few pixels between them."""
    font = ImageFont.truetype(FONT, 20)
    img = Image.new("L", (160, 40), 25)
    d = ImageDraw.Draw(img)
    d.text((4, 8), period, font=font, fill=235)
    d.rectangle((44, 0, 46, 39), fill=235)
    m, s = divmod(clock, 60)
    d.text((54, 8), f"{m}:{s:02d}", font=font, fill=235)
    return np.asarray(img)


def test_a_cell_divider_does_not_join_period_and_clock() -> None:
    crops = [_tight_bug(236 - k, "1st") for k in range(30)]
    crops += [_tight_bug(900 - k, "2nd") for k in range(30)]
    bug = BugCrops(np.arange(60) * 10, np.stack(crops), Fraction(10))
    fields = find_fields(bug.crops)
    assert any(f.x1 <= 44 for f in fields), fields  # the period, a field of its own
    readout = read_clock(bug, TesseractReader())
    assert readout.clock_field is not None
    assert readout.clock_field.x0 >= 44  # "1st" is not part of the clock (no "13:56")
    assert readout.period_field is not None and readout.period_field.x1 <= 44
    got = [(r.period, r.seconds) for r in readout.readings]
    assert got[:2] == [(1, 236.0), (1, 235.0)] and got[-1] == (2, 871.0)


def test_read_clock_matches_truth_and_learns_glyphs() -> None:
    bug, truth = _crops()
    readout = read_clock(bug, TesseractReader())
    assert readout.clock_field is not None
    assert readout.period_field is not None
    got = {round(r.t, 1): (r.period, r.seconds) for r in readout.readings}
    correct = sum(got.get(round(t, 1)) == (p, v) for t, p, v in truth)
    assert correct >= 0.95 * len(truth)
    assert readout.glyph_reads >= 0.8 * len(readout.readings)  # the learned reader took over
    model = fit_clock_model(readout.readings)
    assert model.periods() == [1, 2]
    assert model.reached(1, 30) == [pytest.approx(10.0, abs=0.2)]
    assert model.reached(2, 895) == [pytest.approx(75.0, abs=0.2)]
    assert model.reached(2, 865) == [pytest.approx(125.0, abs=0.2)]  # after the stoppage


def test_a_window_where_the_clock_stands_still_is_read_with_the_fields_found_before() -> None:
    """A video read in windows: a window in which the game clock never runs has no field to
    find (only the play clock changes), so the fields of an earlier window are used."""
    bug, _ = _crops()
    first = read_clock(bug, TesseractReader())
    assert first.clock_field is not None
    known = ClockFields(first.clock_field, first.period_field)
    stopped = np.stack([_bug(871, "2nd", 14, 40 - k) for k in range(8)])
    window = BugCrops(np.arange(8) * 10 + 2000, stopped, Fraction(10))
    alone = read_clock(window, TesseractReader())
    assert alone.clock_field is None and alone.readings == ()
    again = read_clock(window, TesseractReader(), known=known)
    assert [(r.t, r.period, r.seconds) for r in again.readings] == [(200.0, 2, 871.0)]


def test_glyph_reader_refuses_unknown_shapes() -> None:
    reader = GlyphReader()
    font = ImageFont.truetype(FONT, 20)
    for text in ["10:23", "4:56", "7:89", "3:12", "0:45", "9:60", "8:17", "6:02", "5:38", "2:94"]:
        img = Image.new("L", (70, 28), 30)
        ImageDraw.Draw(img).text((3, 2), text, font=font, fill=230)
        reader.learn(binarize(np.asarray(img)), text)
    assert reader.ready
    img = Image.new("L", (70, 28), 30)
    ImageDraw.Draw(img).text((3, 2), "1:07", font=font, fill=230)
    assert reader.read(binarize(np.asarray(img))) == ("1:07", pytest.approx(1.0, abs=0.08))
    junk = Image.new("L", (70, 28), 30)
    ImageDraw.Draw(junk).text((3, 2), "XQ", font=font, fill=230)
    assert reader.read(binarize(np.asarray(junk))) is None


class _CountingTesseract(TesseractReader):
    """Tesseract, with the number of reads per whitelist."""

    def __init__(self) -> None:
        super().__init__()
        self.reads: list[str] = []

    def read(self, binary: np.ndarray, whitelist: str) -> tuple[str, float]:
        self.reads.append(whitelist)
        return super().read(binary, whitelist)


def test_a_field_that_is_neither_clock_nor_period_is_given_up_early() -> None:
    bug, _ = _crops()
    fields = find_fields(bug.crops)
    play_clock = next(f for f in fields if f.x0 > 240)  # "40", "39", ...: no clock, no period
    tesseract = _CountingTesseract()
    clock, period = identify_fields(bug.crops, [play_clock], Reader(tesseract))
    assert (clock, period) == (None, None)
    # 12 samples: after 7 failed clock reads no majority is possible, nor after 5 failed
    # period reads of 8 (reading all of them, as before, took 12 + 8). A failed clock read
    # is tried again with its polarity inverted: two reads each.
    assert tesseract.reads.count("0123456789:.") == 7 * 2
    assert len(tesseract.reads) == 7 * 2 + 5


def test_one_tesseract_engine_switches_whitelists_without_mixing_them() -> None:
    font = ImageFont.truetype(FONT, 20)
    img = Image.new("L", (90, 28), 30)
    ImageDraw.Draw(img).text((3, 2), "12:34", font=font, fill=230)
    clock = binarize(np.asarray(img))
    img = Image.new("L", (60, 28), 30)
    ImageDraw.Draw(img).text((3, 2), "2nd", font=font, fill=230)
    period = binarize(np.asarray(img))
    shared = TesseractReader()
    alternating = [shared.read(clock, "0123456789:."), shared.read(period, "0123456789ndsth")]
    alternating += [shared.read(clock, "0123456789:.")]
    assert [text for text, _ in alternating] == ["12:34", "2nd", "12:34"]
    assert alternating[0] == TesseractReader().read(clock, "0123456789:.")
    # The clock whitelist has no letters: the period cannot read as "2nd" through it.
    assert shared.read(period, "0123456789:.")[0] != "2nd"


def test_otsu_threshold_matches_the_histogram_it_replaced() -> None:
    rng = np.random.default_rng(3)
    for _ in range(50):
        dark, light = rng.integers(0, 120), rng.integers(130, 256)
        values = np.concatenate([rng.normal(dark, 12, 300), rng.normal(light, 12, 200)]).clip(
            0, 255
        )
        for data, bins in ((values.astype(np.float32), 64), (values.astype(np.uint8), 256)):
            hist, edges = np.histogram(data, bins=bins, range=(0, 256))
            centers = (edges[:-1] + edges[1:]) / 2
            w0 = np.cumsum(hist.astype(np.float64))
            w1 = w0[-1] - w0
            m0 = np.cumsum(hist * centers) / np.maximum(w0, 1)
            m1 = (np.sum(hist * centers) - np.cumsum(hist * centers)) / np.maximum(w1, 1)
            expected = float(centers[int(np.argmax(w0 * w1 * (m0 - m1) ** 2))])
            assert otsu_threshold(data, bins=bins) == expected


def test_glyph_reader_ties_go_to_the_first_template_learned() -> None:
    reader = GlyphReader(min_examples=1)
    font = ImageFont.truetype(FONT, 20)
    for text in ["0123", "4567", "89"]:
        img = Image.new("L", (70, 28), 30)
        ImageDraw.Draw(img).text((3, 2), text, font=font, fill=230)
        reader.learn(binarize(np.asarray(img)), text)
    # A "7" template identical to the "1": every "1" matches both equally well.
    templates = {c: list(examples) for c, examples in reader.templates.items()}
    templates["7"].append(templates["1"][0].copy())
    tied = GlyphReader(min_examples=1, templates=templates)
    img = Image.new("L", (40, 28), 30)
    ImageDraw.Draw(img).text((3, 2), "1", font=font, fill=230)
    assert tied.read(binarize(np.asarray(img))) == ("1", pytest.approx(1.0, abs=0.01))
    templates = {"7": templates["7"], **{c: e for c, e in templates.items() if c != "7"}}
    assert GlyphReader(min_examples=1, templates=templates).read(binarize(np.asarray(img))) == (
        "7",
        pytest.approx(1.0, abs=0.01),
    )


def _see_through(bug: np.ndarray, k: int) -> np.ndarray:
    """``bug`` with its left cells (team and score) a translucent panel: the picture behind,
    yard lines sliding past over grass, shows through at half strength and changes in every
    crop, through every level between the panel's and the line's."""
    rng = np.random.default_rng(k)
    h, w = bug.shape[0], 110
    xx = np.arange(w)[None, :] + np.arange(h)[:, None] // 2
    behind = 60 + 60 * (np.sin((xx + 7 * k) / 5) > 0.3) + rng.normal(0, 30, (h, w))
    out = bug.astype(np.float32)
    text = out[:, :w] > 150
    out[:, :w] = np.where(text, out[:, :w], 0.5 * out[:, :w] + 0.5 * behind)
    return np.clip(out, 0, 255).astype(np.uint8)


def test_a_translucent_panel_beside_the_clock_does_not_join_its_field() -> None:
    # The pill on the 11-minute suite broadcast: the picture behind its translucent cells
    # changed in every stored crop, and the closing joined them with period and clock into one
    # field that read as nothing ("no game clock found"). Glyphs toggle between two lumas;
    # the picture behind passes through all levels between.
    bug, truth = _crops()
    crops = np.stack([_see_through(bug.crops[i], i) for i in range(len(bug.crops))])
    readout = read_clock(BugCrops(bug.ticks, crops, bug.rate), TesseractReader())
    assert readout.clock_field is not None and readout.clock_field.x0 >= 110
    got = {round(r.t, 1): (r.period, r.seconds) for r in readout.readings}
    correct = sum(got.get(round(t, 1)) == (p, v) for t, p, v in truth)
    assert correct >= 0.9 * len(truth)


def _bug_with_down(clock: int, down: str) -> np.ndarray:
    """Period, clock and a down ("4th", then "1st", "2nd") in cells of their own."""
    font = ImageFont.truetype(FONT, 20)
    img = Image.new("L", (300, 40), 35)
    d = ImageDraw.Draw(img)
    d.text((6, 8), "2nd", font=font, fill=235)
    m, s = divmod(clock, 60)
    d.text((70, 8), f"{m}:{s:02d}", font=font, fill=235)
    d.text((200, 8), down, font=font, fill=235)
    return np.asarray(img)


def test_a_down_that_reads_as_a_period_is_not_taken_for_it() -> None:
    # "4th" then "1st" reads as periods as well as "2nd" does, but periods never go down.
    downs = ["4th", "1st", "2nd", "3rd"] * 3
    crops = [_bug_with_down(500 - k, downs[k // 5]) for k in range(60)]
    bug = BugCrops(np.arange(60) * 10, np.stack(crops), Fraction(10))
    readout = read_clock(bug, TesseractReader())
    assert readout.clock_field is not None and readout.clock_field.x1 <= 200
    assert readout.period_field is None or readout.period_field.x1 <= 70
    assert {r.period for r in readout.readings} <= {2, None}


def _bug_without_period(clock: int, down: str) -> np.ndarray:
    """A clock and a down and distance ("1st & 10"), no period shown."""
    font = ImageFont.truetype(FONT, 20)
    img = Image.new("L", (300, 40), 35)
    d = ImageDraw.Draw(img)
    m, s = divmod(clock, 60)
    d.text((70, 8), f"{m}:{s:02d}", font=font, fill=235)
    d.text((170, 8), down, font=font, fill=235)
    return np.asarray(img)


def test_the_down_is_no_still_period() -> None:
    # Mostly "1st & 10", so its "1st" looks still in the still picture; it changes with the
    # downs, though, and taken for the period it switched quarters at every first down.
    downs = ["1st & 10"] * 8 + ["2nd & 7", "3rd & 2"]
    crops = [_bug_without_period(500 - k, downs[(k // 3) % len(downs)]) for k in range(90)]
    bug = BugCrops(np.arange(90) * 10, np.stack(crops), Fraction(10))
    readout = read_clock(bug, TesseractReader())
    assert readout.clock_field is not None and readout.clock_field.x1 <= 160
    assert readout.readings
    assert {r.period for r in readout.readings} == {None}


def test_a_minute_that_changed_once_after_a_long_stop_stays_in_the_clock() -> None:
    # "5:00" stands 36 s in two stored crops, then the clock runs: one crop a second. Counted
    # by crops, the minute's "5" shows too rarely to toggle like a glyph; counted by time it
    # shows a third of the time, so the clock's field keeps its minute.
    clocks = [300, 300, *range(299, 259, -1)]
    ticks = [0, 180, *(360 + 10 * k for k in range(40))]
    crops = [_bug_without_period(c, "1st & 10") for c in clocks]
    bug = BugCrops(np.array(ticks), np.stack(crops), Fraction(10))
    readout = read_clock(bug, TesseractReader())
    assert readout.clock_field is not None
    seconds = [r.seconds for r in readout.readings]
    assert len(seconds) >= 30 and all(250 <= s <= 300 for s in seconds)


MONO = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf"


def test_a_minute_box_that_took_in_the_colon_still_joins_its_seconds() -> None:
    # The grey-turf look over its whole broadcast: "2:" (the colon grown into the minute's
    # box) and "10" were 6 px apart for 16-px glyphs, the gap empty, and never joined: 7 fields,
    # none a clock. Joined readings take them as one; apart readings keep them two. A word
    # space (here 12 px) is not joined when empty.
    text = np.zeros((32, 130), bool)
    boxes = [[71, 16, 90, 31], [96, 15, 119, 31], [20, 16, 59, 31]]
    joined = bridge(boxes, text, dots_only=False)
    assert joined[0][2] > 96 and joined[2][2] == 59
    assert bridge(boxes, text, dots_only=True) == boxes


def test_a_monospaced_colon_alone_in_a_wide_gap_joins_minute_and_seconds() -> None:
    # The grey-turf look at seed 59: "0" (x 71-82) and "24" (x 96-119), 16-px glyphs, the
    # colon's two dots alone in the 14-px gap between them (0.9 heights, past 0.8): the
    # seconds alone read as "24", no clock, and no clock was read in the whole broadcast.
    text = np.zeros((34, 130), bool)
    text[20:23, 88:91] = text[28:31, 88:91] = True  # the colon's dots
    boxes = [[71, 17, 82, 33], [96, 17, 119, 33]]
    assert bridge(boxes, text, dots_only=True)[0][2] > 96
    assert bridge(boxes, text, dots_only=False)[0][2] > 96
    # As wide a gap with a divider in it, or nothing, stays apart.
    divider = np.zeros_like(text)
    divider[17:33, 88:90] = True
    empty = np.zeros_like(text)
    for gap in (divider, empty):
        for dots_only in (True, False):
            assert bridge(boxes, gap, dots_only=dots_only) == boxes


def _tower(clock: int, period: str, down: str) -> np.ndarray:
    """The tower look's bug (480p, 1.25 scale): five rows 30 px tall, 16-px text, and the
    picture under it that the stored crop's margin takes in."""
    font = ImageFont.truetype(MONO, 16)
    img = Image.new("L", (110, 166), 225)
    ImageDraw.Draw(img).rectangle((0, 150, 109, 165), fill=90)
    d = ImageDraw.Draw(img)
    d.text((8, 7), "CLEM", font=font, fill=25)
    d.text((88, 7), "0", font=font, fill=25)
    d.text((8, 37), "UGA", font=font, fill=25)
    d.text((88, 37), "7", font=font, fill=25)
    d.rectangle((0, 60, 109, 119), fill=40)
    m, s = divmod(clock, 60)
    d.text((20, 67), f"{m}:{s:02d}", font=font, fill=235)
    d.text((40, 97), period, font=font, fill=235)
    d.text((8, 127), down, font=font, fill=25)
    return np.asarray(img)


def test_a_tall_towers_fields_are_told_apart_and_its_period_read() -> None:
    # Its 12-px glyphs are under 8 % of its height: every changed glyph was left out of the
    # glyph height, which fell back to a third of the crop, and its five rows joined into one
    # field (seed 29: "no game clock found (1 fields)").
    downs = ["1ST & 10", "2ND & 6", "3RD & 2", "1ST & 10"]
    crops = [_tower(236 - k, "3RD", downs[k // 10 % 4]) for k in range(30)]
    crops += [_tower(900 - k, "4TH", downs[k // 7 % 4]) for k in range(30)]
    bug = BugCrops(np.arange(60) * 10, np.stack(crops), Fraction(10))
    readout = read_clock(bug, TesseractReader())
    assert readout.clock_field is not None and readout.period_field is not None
    got = [(r.period, r.seconds) for r in readout.readings]
    assert len(got) >= 55
    assert got[0] == (3, 236.0) and got[-1] == (4, 871.0)


LATO_BLACK = "/usr/share/fonts/truetype/lato/Lato-Black.ttf"


def _tight_clock(text: str) -> np.ndarray:
    """A clock field cut tight around bold glyphs (their tops and bottoms shaved), dark on a
    light panel, 11 px tall as on a 360p bug."""
    font = ImageFont.truetype(LATO_BLACK, 60)
    x0, y0, x1, y1 = font.getbbox(text)
    big = Image.new("L", (x1 + 10, y1 + 10), 200)
    ImageDraw.Draw(big).text((0, 0), text, fill=30, font=font)
    shave = (y1 - y0) // 20
    big = big.crop((x0, y0 + shave, x1, y1 - shave))
    return np.asarray(big.resize((27, 11), Image.Resampling.BILINEAR))


def test_bold_glyphs_that_fill_a_tight_field_are_read_inverted() -> None:
    # Seed 61's teal look read no "4:00" at the start of its 4th quarter: cut tight, the bold
    # glyphs were most of the field, so the minority rule took the panel for the text.
    gray = _tight_clock("4:00")
    assert (gray < otsu_threshold(gray)).mean() > 0.5  # the text is the majority
    assert parse_clock(TesseractReader().read(binarize(gray), "0123456789:.")[0]) is None
    assert Reader(TesseractReader()).clock(gray)[0] == pytest.approx(240.0)
