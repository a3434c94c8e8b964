"""The clock reader on network graphics drawn by the testkit, against the drawn truth.

Frames come from the testkit's own composer (perspective field, players, translucent gradient
bug, watermark, banners), sampled at the analysis tick rate and cropped at the bug's truth box
as the decode pass would (scaled to at most 1280 px wide): no encoding, so a test takes
seconds. The whole pipeline on encoded broadcasts is measured by ``benchmarks/clock_reading.py``.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import replace

import numpy as np
from PIL import Image

from cutups.analysis.base import TICK_RATE
from cutups.analysis.bug_crops import BugCrops, crop_size
from cutups.analysis.clock_model import fit_clock_model
from cutups.analysis.clock_reader import ClockReadout, parse_clock, read_clock
from cutups.analysis.ocr import TesseractReader
from cutups.truth import Truth
from cutups_testkit import plan
from cutups_testkit.looks import LOOKS
from cutups_testkit.netcompose import NetworkComposer
from cutups_testkit.presets import _tiny_game
from cutups_testkit.render import make_composer


def _crops(look: str, seed: int, start: float, seconds: float) -> tuple[BugCrops, Truth, list[str]]:
    """Bug crops of ``seconds`` of the tiny game ``seed`` in ``look`` from broadcast second
    ``start``, one per tick, with the play clock each shows."""
    spec = replace(_tiny_game(LOOKS[look], seed), start_at=start, end_at=start + seconds)
    game, p, truth = plan(spec)
    comp = make_composer(game, p, spec)
    assert isinstance(comp, NetworkComposer)
    first = round(start * p.fps)
    starts = [sh.start for sh in p.shots]
    w, h = crop_size(truth.video.width, truth.video.height)
    scale = w / truth.video.width
    sb = truth.scorebug
    m = int(0.01 * w), int(0.01 * h)
    x0, y0 = max(0, int(sb.x * scale) - m[0]), max(0, int(sb.y * scale) - m[1])
    x1, y1 = (
        min(w, round((sb.x + sb.w) * scale) + m[0]),
        min(h, round((sb.y + sb.h) * scale) + m[1]),
    )
    crops, play_clocks = [], []
    ticks = np.arange(int(seconds * TICK_RATE))
    for k in ticks:
        n = first + round(k / TICK_RATE * p.fps)
        idx = bisect_right(starts, n) - 1
        comp.draw(idx, n)
        y = Image.fromarray(comp.frame.y)
        if scale != 1:
            y = y.resize((w, h), Image.BILINEAR)
        crops.append(np.asarray(y)[y0:y1, x0:x1])
        state = comp.bug_state(idx, p.shots[idx], n)
        play_clocks.append(state.play_clock if state else "")
    # The bug's own area, as the locator's stable pixels give it (the margin is the picture).
    support = np.zeros((y1 - y0, x1 - x0), bool)
    support[m[1] : m[1] + round(sb.h * scale), m[0] : m[0] + round(sb.w * scale)] = True
    return BugCrops(ticks, np.stack(crops), TICK_RATE, support), truth, play_clocks


def _score(readout: ClockReadout, truth: Truth) -> tuple[int, int, int]:
    """(readings, wrong readings, readings of tenths) against the truth's displayed clock."""
    wrong = tenths = 0
    for r in readout.readings:
        shown = [truth.displayed_clock(r.t + d) for d in (-0.1, 0.0, 0.1)]
        values = [parse_clock(s) for s in shown if s]
        wrong += not any(v is not None and abs(v - r.seconds) < 0.05 for v in values)
        tenths += not math.isclose(r.seconds, round(r.seconds))
    return len(readout.readings), wrong, tenths


def _play_clock_taken(readout: ClockReadout, bug: BugCrops, play_clocks: list[str]) -> int:
    """Readings that show the play clock's value where the game clock showed another."""
    taken = 0
    for r in readout.readings:
        k = int(np.searchsorted(bug.ticks, round(r.t * TICK_RATE)))
        pc = play_clocks[min(k, len(play_clocks) - 1)].lstrip(":")
        taken += bool(pc) and math.isclose(r.seconds, float(pc))
    return taken


def _model_right(readout: ClockReadout, truth: Truth, bug: BugCrops) -> float:
    """Share of ticks with a clock on screen at which the fitted model gives its second."""
    model = fit_clock_model(readout.readings)
    shown = right = 0
    for k in range(len(bug.ticks)):
        text = truth.displayed_clock(bug.time(k))
        value = parse_clock(text) if text else None
        if value is None:
            continue
        shown += 1
        got = model.at(bug.time(k))
        right += got is not None and abs(got[1] - value) < 1.0
    return right / max(shown, 1)


def test_strip_bug_tenths_and_a_late_play_clock_are_read() -> None:
    """Held-out look: a slim translucent top strip, tenths under a minute, the play clock only
    in its last 5 seconds, right beside the game clock."""
    bug, truth, play_clocks = _crops("net_strip_1080p30", 4, 1076.0, 12.0)
    readout = read_clock(bug, TesseractReader())
    n, wrong, tenths = _score(readout, truth)
    assert n >= 100 and wrong <= 0.02 * n  # a running clock in tenths: a reading per tick
    assert tenths >= 0.8 * n
    assert _model_right(readout, truth, bug) >= 0.95
    assert any(play_clocks), "the window shows the play clock"
    assert _play_clock_taken(readout, bug, play_clocks) == 0
    assert readout.clock_field is not None and readout.period_field is not None
    assert all(r.period == 2 for r in readout.readings)  # "2ND" never changes: a still word


def test_still_words_are_found_in_either_polarity_over_a_gradient() -> None:
    """Light text on a dark gradient cell and dark text on a light cell: both are words."""
    from PIL import ImageDraw, ImageFont

    from cutups.analysis.bug_text import still_picture, words

    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", 18)
    img = Image.new("L", (260, 32), 0)
    draw = ImageDraw.Draw(img)
    for y in range(32):  # a dark vertical gradient, then a light cell
        draw.line((0, y, 150, y), fill=20 + 2 * y)
        draw.line((151, y, 259, y), fill=235 - y)
    draw.text((8, 6), "TEX", font=font, fill=240)
    draw.text((70, 6), "14", font=font, fill=240)
    draw.text((160, 6), "2ND", font=font, fill=15)
    picture = still_picture(np.stack([np.asarray(img)] * 3))
    found = [w.box for w in words(picture, 14)]
    assert len(found) == 3, found
    assert found[2][0] >= 155 and found[2][2] <= 215  # "2ND" alone, the cell edge not in it
