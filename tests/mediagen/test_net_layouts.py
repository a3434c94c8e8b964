"""The split, tower and full-bar scorebugs: each field is drawn where the layout says."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from numpy.typing import NDArray

from cutups_testkit.looks import NETWORK_LOOKS, Look
from cutups_testkit.netbug import NetScorebug, net_bug_layout, split_gap
from cutups_testkit.netgraphics import Banner, NetGraphics
from cutups_testkit.overlay import Overlay
from cutups_testkit.scorebug import BugState
from cutups_testkit.teams import TEAMS
from cutups_testkit.yuv import Frame

STATE = BugState(7, 14, "2nd", "12:34", ":25", "3rd & 7", 2, 3)


def _bug(look: Look) -> NetScorebug:
    return NetScorebug(look, TEAMS["MICH"], TEAMS["TEX"])


def _changed_columns(a: Overlay, b: Overlay) -> NDArray[np.int64]:
    return np.unique(np.argwhere(a.y != b.y)[:, 1])


def _textured_frame(look: Look) -> Frame:
    frame = Frame(look.width, look.height)
    rng = np.random.default_rng(5)
    frame.y[:] = rng.integers(40, 200, frame.y.shape, dtype=np.uint8)
    return frame


def test_split_bug_keeps_the_scores_left_the_clock_right_and_the_picture_between() -> None:
    lk = NETWORK_LOOKS["net_split_720p24"]
    lay, bug = net_bug_layout(lk), _bug(lk)
    gap0, gap1 = split_gap(lay)
    assert gap1 - gap0 > lk.width / 2, "two boxes across the screen"
    base = bug.render(STATE)
    clock = _changed_columns(base, bug.render(replace(STATE, clock="12:33")))
    score = _changed_columns(base, bug.render(replace(STATE, away_score=10)))
    assert len(clock) and clock.min() >= gap1 and lay.x + clock.min() > 0.7 * lk.width
    assert len(score) and score.max() < gap0 and lay.x + score.max() < 0.3 * lk.width
    # drawn over a picture, the gap leaves it untouched and both boxes cover it
    frame = _textured_frame(lk)
    before = frame.y.copy()
    base.draw(frame, lay.x, lay.y)
    rows = np.s_[lay.y : lay.y + lay.h]
    assert (
        frame.y[rows, lay.x + gap0 : lay.x + gap1] == before[rows, lay.x + gap0 : lay.x + gap1]
    ).all()
    for x0, x1 in ((lay.x, lay.x + gap0), (lay.x + gap1, lay.x + lay.w)):
        assert (frame.y[rows, x0:x1] != before[rows, x0:x1]).mean() > 0.9


def test_tower_bug_is_a_tall_corner_column_with_the_play_clock_beside_the_clock() -> None:
    lk = NETWORK_LOOKS["net_tower_480p30"]
    lay, bug = net_bug_layout(lk), _bug(lk)
    assert lay.h > lay.w and lay.x < 0.1 * lk.width and lay.y < 0.1 * lk.height
    order = ["away_abbr", "home_abbr", "clock", "period", "down"]
    tops = [lay.fields[name][1] for name in order]
    assert tops == sorted(tops) and len(set(tops)) == len(tops), "one row per field"
    cx, cy, cw, _ = lay.fields["clock"]
    assert lay.fields["play_clock"][:2] == (cx + cw, cy)
    base = bug.render(STATE)
    for field, changed in (
        ("clock", replace(STATE, clock="12:33")),
        ("play_clock", replace(STATE, play_clock=":24")),
        ("home_score", replace(STATE, home_score=21)),
    ):
        fx, fy, fw, fh = lay.fields[field]
        diff = np.argwhere(base.y != bug.render(changed).y)
        assert len(diff) and (diff >= (fy, fx)).all() and (diff < (fy + fh, fx + fw)).all()


def test_tower_promo_is_one_row_of_the_tower_tall() -> None:
    lk = NETWORK_LOOKS["net_tower_480p30"]
    lay = net_bug_layout(lk)
    gfx = NetGraphics(lk, TEAMS["MICH"], TEAMS["TEX"], lay, (Banner("promo", 0, 600, 1),))
    frame = _textured_frame(lk)
    before = frame.y.copy()
    gfx.draw_banners(frame, 300, float(lk.fps))  # fully slid in
    rows = np.unique(np.argwhere(frame.y != before)[:, 0])
    assert rows.min() >= lay.y + lay.h, "under the tower"
    assert rows.max() - rows.min() + 1 == lay.fields["clock"][3]


def test_full_bar_sits_at_the_top_with_a_top_anchor_and_at_the_bottom_otherwise() -> None:
    top = NETWORK_LOOKS["net_topbar_720p60"]
    bottom = replace(top, anchor="bottom-center")
    lt, lb = net_bug_layout(top), net_bug_layout(bottom)
    assert lt.w >= 0.9 * top.width and lt.y + lt.h < 0.1 * top.height
    assert lb.y > 0.9 * top.height - lb.h
    assert lt.fields == lb.fields and (lt.x, lt.w, lt.h) == (lb.x, lb.w, lb.h)


def test_bottom_corner_bugs_sit_in_their_corner_with_the_promo_over_them() -> None:
    """The session-13 held-out looks put the stack, split and tower bugs at the bottom."""
    for name in ("net_redturf_576p25", "net_greyturf_768p30", "net_tealturf_360p30"):
        lk = NETWORK_LOOKS[name]
        lay = net_bug_layout(lk)
        assert lay.y + lay.h > 0.9 * lk.height, name
        if lk.anchor.endswith("right"):
            assert lay.x + lay.w > 0.9 * lk.width, name
        elif lk.anchor.endswith("left"):
            assert lay.x < 0.1 * lk.width, name
        gfx = NetGraphics(lk, TEAMS["MICH"], TEAMS["TEX"], lay, (Banner("promo", 0, 600, 1),))
        frame = _textured_frame(lk)
        before = frame.y.copy()
        gfx.draw_banners(frame, 300, float(lk.fps))  # fully slid in
        rows = np.unique(np.argwhere(frame.y != before)[:, 0])
        assert len(rows) and rows.max() < lay.y, f"{name}: the promo sits over the bug"
