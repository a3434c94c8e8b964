"""Network looks: perspective camera, people, translucent graphics, truth that matches them."""

from __future__ import annotations

import time
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from cutups_testkit import generate_with_twin, plan, presets
from cutups_testkit.api import GeneratedBroadcast
from cutups_testkit.broadcast import Plan
from cutups_testkit.camera import look_at
from cutups_testkit.inserts import NETWORK_AD_KINDS
from cutups_testkit.looks import (
    CLASSIC_LOOKS,
    HELD_OUT_LOOKS,
    LOOKS,
    NETWORK_LOOKS,
    TUNING_LOOKS,
    look_from_dict,
    without_bug,
)
from cutups_testkit.netbug import NetScorebug, net_bug_layout
from cutups_testkit.netcompose import NetworkComposer
from cutups_testkit.netmotion import NetMotion
from cutups_testkit.render import make_composer
from cutups_testkit.scorebug import BugState
from cutups_testkit.spec import BroadcastSpec
from cutups_testkit.teams import TEAMS
from cutups_testkit.timebase import FrameMap
from cutups_testkit.turf import FIELD_W, Turf
from cutups_testkit.yuv import Frame

SPEED_LOOK = "net_fullbar_720p30"


def _composer(spec: BroadcastSpec) -> tuple[NetworkComposer, Plan, int]:
    game, p, _ = plan(spec)
    comp = make_composer(game, p, spec)
    assert isinstance(comp, NetworkComposer)
    return comp, p, round((spec.start_at or 0) * p.fps)


def _shot_index(p: Plan, n: int) -> int:
    return max(i for i, sh in enumerate(p.shots) if sh.start <= n)


def test_twenty_two_network_looks_nineteen_held_out() -> None:
    assert len(TUNING_LOOKS) == 3 and len(HELD_OUT_LOOKS) == 19
    assert set(NETWORK_LOOKS) == set(TUNING_LOOKS) | set(HELD_OUT_LOOKS)
    assert {lk.fps for lk in NETWORK_LOOKS.values()} == {
        Fraction(24000, 1001),
        Fraction(30000, 1001),
        Fraction(60000, 1001),
        Fraction(25),
        Fraction(50),
    }
    assert {lk.height for lk in NETWORK_LOOKS.values()} == {360, 432, 480, 540, 576, 720, 768, 1080}
    assert {lk.layout for lk in NETWORK_LOOKS.values()} == {
        "full_bar",
        "pill",
        "stack",
        "strip",
        "split",
        "tower",
    }
    assert len({lk.font for lk in NETWORK_LOOKS.values()}) >= 11
    # turf that is not green: blue, red, grey and teal artificial turf
    turfs = [lk.field_green for lk in NETWORK_LOOKS.values()]
    assert any(b > g for r, g, b in turfs), "blue"
    assert any(r > 2 * g and r > 2 * b for r, g, b in turfs), "red"
    assert any(max(t) - min(t) < 10 and min(t) > 80 for t in turfs), "grey"
    assert any(abs(g - b) < 10 and g > 4 * r for r, g, b in turfs), "teal"
    assert any(r > g > b and r - b > 50 for r, g, b in turfs), "tan winter grass"
    assert any(b > r > g for r, g, b in turfs), "purple"
    # every bug layout that can sit at the bottom sits there in some held-out look
    bottom = {lk.layout for lk in HELD_OUT_LOOKS.values() if lk.anchor.startswith("bottom")}
    assert {"pill", "stack", "split", "tower"} <= bottom
    assert all(lk.net is None and lk.split == "classic" for lk in CLASSIC_LOOKS.values())
    grass = [
        lk
        for lk in NETWORK_LOOKS.values()
        if max(abs(a - b) for a, b in zip(lk.bug_bg, lk.field_green, strict=True)) < 20
    ]
    assert grass, "a bug in the grass's own green"
    assert any(lk.field_green[0] > lk.field_green[1] for lk in grass), "and in a red turf's red"
    assert any(lk.tenths and lk.play_clock for lk in NETWORK_LOOKS.values())
    for lk in LOOKS.values():
        assert look_from_dict(lk.to_dict()) == lk
        nobug = without_bug(lk)
        assert not nobug.scorebug and look_from_dict(nobug.to_dict()) == nobug


@pytest.mark.parametrize("name", sorted(NETWORK_LOOKS))
def test_network_bug_layout_fits_with_the_play_clock_beside_the_clock(name: str) -> None:
    lk = NETWORK_LOOKS[name]
    lay = net_bug_layout(lk)
    assert lay.x >= 0 and lay.x + lay.w <= lk.width and lay.y >= 0 and lay.y + lay.h <= lk.height
    for fx, fy, fw, fh in lay.fields.values():
        assert fx >= 0 and fx + fw <= lay.w and fy >= 0 and fy + fh <= lay.h
    if lk.play_clock:
        cx, cy, cw, ch = lay.fields["clock"]
        px, py, _, _ = lay.fields["play_clock"]
        assert (px == cx + cw and py == cy) or (lk.layout == "stack" and py >= cy + ch)
    if lk.layout == "full_bar":
        assert lay.w >= 0.9 * lk.width
    bug = NetScorebug(lk, TEAMS["MICH"], TEAMS["TEX"])
    a = bug.render(BugState(7, 14, "2nd", "12:34", ":25", "3rd & 7", 2, 3))
    b = bug.render(BugState(7, 14, "2nd", "12:33", ":25", "3rd & 7", 2, 3))
    cx, cy, cw, ch = lay.fields["clock"]
    diff = np.argwhere(a.y != b.y)
    assert len(diff) and (diff >= (cy, cx)).all() and (diff < (cy + ch, cx + cw)).all()
    flag = bug.render(BugState(7, 14, "2nd", "12:34", ":25", "3rd & 7", 2, 3, flag=True))
    if lk.down_distance:
        dx, dy, dw, dh = lay.fields["down"]
        assert (flag.y[dy : dy + dh, dx : dx + dw] != a.y[dy : dy + dh, dx : dx + dw]).any()
    painted = a.ay[a.ay > 0]  # a split bug leaves the picture clear between its boxes
    assert 0 < np.median(painted) < 256 and int(a.ay.max()) == 256, "translucent, text opaque"


def test_perspective_maps_field_lines_to_straight_lines() -> None:
    lk = LOOKS[SPEED_LOOK]
    assert lk.net is not None
    turf = Turf(lk, TEAMS["MICH"], TEAMS["TEX"], 3)
    frame = Frame(lk.width, lk.height)
    # panned off the 50, so the yard lines converge and slant
    cam = look_at(
        (60.0, -lk.net.camera_back, lk.net.camera_height),
        (32.0, 26.0, 0.0),
        44.0,
        lk.width,
        lk.height,
    )
    turf.render(frame, cam)
    checked = 0
    for x in (25.0, 30.0, 35.0, 40.0, 45.0):
        wy = np.linspace(1.0, FIELD_W - 1.0, 400)
        wy = wy[(np.abs(wy - 10.0) > 3.0) & (np.abs(wy - (FIELD_W - 10.0)) > 3.0)]  # numbers
        u, v, _ = cam.project(np.full(len(wy), x), wy, np.zeros(len(wy)))
        found = []
        for uu, vv in zip(u, v, strict=True):
            r, c = int(vv), round(uu)
            if not (0 <= r < lk.height and 8 <= c < lk.width - 8):
                continue
            row = frame.y[r, c - 6 : c + 7].astype(float)
            lift = np.clip(row - np.median(row) - 30, 0, None)
            if lift.max() > 30:  # the white line is there: take its centre
                centre = c - 6 + float(np.dot(lift, np.arange(len(row))) / lift.sum())
                found.append((r + 0.5, centre + 0.5, uu))
        assert len(found) > 40, f"yard line {x} not found"
        pts = np.array(found, float)
        assert np.abs(pts[:, 1] - pts[:, 2]).max() <= 2.0  # where the homography puts it
        fit = np.polyfit(pts[:, 0], pts[:, 1], 1)
        assert np.abs(np.polyval(fit, pts[:, 0]) - pts[:, 1]).max() <= 1.5  # and straight
        checked += 1
    assert checked == 5


def test_players_are_still_before_each_snap_and_all_move_at_it() -> None:
    spec = presets.tiny(SPEED_LOOK)
    game, p, _ = plan(spec)
    rows = {r.seq: r for r in game.rows}
    dt = 1 / float(p.fps)
    checked = 0
    for i, sc in enumerate(p.scenes):
        if sc.kind in ("false_start", "offside", "delay_of_game"):
            continue
        mo = NetMotion(sc, rows[sc.seq], p.fps, spec.game.seed, 0.6)
        still = mo.at(mo.t_set + dt)
        free = {10} if (i in p.presnap_motion or sc.kind == "kickoff") else set()
        keep = [j for j in range(22) if j not in free]
        for tau in np.arange(mo.t_set + dt, -dt / 2, dt):
            pose = mo.at(float(tau))
            assert np.array_equal(pose.xs[keep], still.xs[keep])
            assert np.array_equal(pose.ys[keep], still.ys[keep])
            names = {mo.pose_name(j, float(tau), bool(pose.moving[j]), 0) for j in keep}
            assert "run_a" not in names and "run_b" not in names
            assert mo.aim(float(tau)) == mo.aim(-dt)  # the camera holds still too
        snap = mo.at(0.0)
        last = mo.at(-dt)
        moved = np.hypot(snap.xs - last.xs, snap.ys - last.ys)
        assert (moved > 0.005).all() and snap.moving.all()
        later = mo.at(min(1.0, mo.live * 0.8))
        assert np.hypot(later.xs - still.xs, later.ys - still.ys).mean() > 1.0
        checked += 1
    assert checked >= 3


def test_composed_frames_hold_still_until_the_snap() -> None:
    spec = presets.clip(SPEED_LOOK)
    comp, p, start = _composer(spec)
    _, _, truth = plan(spec)
    snap = start + truth.plays[0].snap_frame
    lay = net_bug_layout(spec.look)
    keep = np.ones((spec.look.height, spec.look.width), bool)
    keep[max(0, lay.y - 2 * lay.h - 8) :] = False  # the bug, and promos beside it

    def picture(n: int) -> np.ndarray:
        comp.draw(_shot_index(p, n), n)
        return comp.frame.y.copy()

    prev = picture(snap - round(0.8 * float(p.fps)))
    motion_play = bool(truth.presnap_motion_plays)
    for n in range(snap - round(0.8 * float(p.fps)) + 1, snap):
        cur = picture(n)
        changed = np.count_nonzero((cur != prev) & keep)
        assert changed <= (0.004 * keep.sum() if motion_play else 0)
        prev = cur
    at_snap = np.count_nonzero((picture(snap) != prev) & keep)
    assert at_snap > 0.002 * keep.sum()


@pytest.mark.parametrize(
    "name",
    [
        "net_fullbar_720p30",
        "net_grass_720p50",
        "net_teamstack_540p50",
        "net_topbar_720p60",
        "net_redturf_576p25",
        "net_greyturf_768p30",
        "net_tealturf_360p30",
    ],
)
def test_truth_box_contains_the_drawn_bug(name: str) -> None:
    spec = presets.clip(name)
    # sensor grain is added under the graphics by draw(), so it would differ everywhere from
    # the grain-free picture drawn below; the bug's box does not depend on it
    spec = replace(spec, look=replace(spec.look, grain=0))
    comp, p, start = _composer(spec)
    truth = plan(spec)[2]
    sb = truth.scorebug
    n = start + truth.plays[0].snap_frame - 10
    idx = _shot_index(p, n)
    shot = p.shots[idx]
    assert shot.bug == "live"
    comp.content(shot, n, p.shots[idx - 1] if idx else None)
    comp.graphics.draw_watermark(comp.frame)
    comp.graphics.draw_banners(comp.frame, n, comp.fps)
    without = comp.frame.y.astype(int)
    comp.draw(idx, n)
    diff = np.argwhere(np.abs(comp.frame.y.astype(int) - without) > 2)
    assert len(diff) > 0.3 * sb.w * sb.h
    (r0, c0), (r1, c1) = diff.min(axis=0), diff.max(axis=0)
    assert sb.y <= r0 and r1 < sb.y + sb.h and sb.x <= c0 and c1 < sb.x + sb.w
    assert r1 - r0 >= 0.9 * sb.h - 2 and c1 - c0 >= 0.9 * sb.w - 2, "the box is tight"
    state = comp.clock.state(n)
    t = (n - start) / float(p.fps)
    assert truth.displayed_clock(t) == state.clock
    cb = sb.clock_box
    assert (
        sb.x <= cb.x and cb.x + cb.w <= sb.x + sb.w and sb.y <= cb.y and cb.y + cb.h <= sb.y + sb.h
    )


def test_no_bug_look_has_no_bug_and_says_so() -> None:
    spec = presets.clip(without_bug(LOOKS[SPEED_LOOK]))
    assert spec.look.name == f"{SPEED_LOOK}_nobug"
    comp, p, start = _composer(spec)
    truth = plan(spec)[2]
    assert (truth.scorebug.w, truth.scorebug.h) == (0, 0)
    assert all(c.shown == "hidden" for c in truth.clock_track)
    assert all(s.scorebug == "hidden" for s in truth.segments)
    assert truth.displayed_clock(truth.plays[0].snap) is None
    n = start + truth.plays[0].snap_frame
    assert comp.bug_state(_shot_index(p, n), p.shots[_shot_index(p, n)], n) is None
    assert truth.spec["look"]["scorebug"] is False


def test_25_and_50_fps_keep_snaps_on_frames() -> None:
    for name in ("net_stack_1080p25", "net_grass_720p50"):
        tr = plan(presets.clip(name))[2]
        fps = Fraction(tr.video.fps)
        assert fps in (Fraction(25), Fraction(50))
        for play in tr.plays:
            assert play.snap == pytest.approx(float(play.snap_frame / fps), abs=1e-6)
    fm = FrameMap.build(Fraction(25), ())
    frames = [fm.frame(t) for t in range(0, 400)]
    assert frames == sorted(frames) and all(fm.tick(fm.frame(t)) >= t for t in range(400))


def test_network_broadcasts_carry_aerials_and_a_video_game_ad() -> None:
    spec = presets.suite("net_grass_720p50", 1)
    _, p, tr = plan(spec)
    kinds = {sh.kind for sh in p.shots}
    assert "aerial" in kinds and "aerial" in {s.kind for s in tr.segments}
    ads = {part.ad.kind for ins in p.inserts for part in ins.parts if part.ad is not None}
    assert ads <= set(NETWORK_AD_KINDS)
    classic = plan(replace(spec, look=CLASSIC_LOOKS["bar_bottom_720p30"]))[1]
    assert "aerial" not in {sh.kind for sh in classic.shots}
    assert "videogame" not in {
        part.ad.kind for ins in classic.inserts for part in ins.parts if part.ad is not None
    }


@pytest.fixture(scope="module")
def network_clip(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[GeneratedBroadcast, GeneratedBroadcast, float]:
    """The clip and its bug-off twin, rendered in one pass, and the seconds that took."""
    root = tmp_path_factory.mktemp("netclip")
    t0 = time.perf_counter()
    out, twin = generate_with_twin(presets.clip(SPEED_LOOK), root / "bug", root / "nobug")
    return out, twin, time.perf_counter() - t0


def test_bug_off_frames_are_the_frames_before_the_bug_is_keyed() -> None:
    """What one pass encodes as the twin is exactly what the bug-off look composes alone."""
    spec = presets.clip(SPEED_LOOK)
    with_bug, p, start = _composer(spec)
    alone, p_off, _ = _composer(replace(spec, look=without_bug(spec.look)))
    assert [(s.kind, s.start, s.end) for s in p.shots] == [
        (s.kind, s.start, s.end) for s in p_off.shots
    ]
    snap = start + plan(spec)[2].plays[0].snap_frame
    for n in range(snap - 40, snap + 200, 7):
        i = _shot_index(p, n)
        with_bug.draw_picture(i, n)
        alone.draw(i, n)
        assert np.array_equal(with_bug.frame.buf, alone.frame.buf), n
    with_bug.draw_bug(i, p.shots[i], n)
    assert not np.array_equal(with_bug.frame.buf, alone.frame.buf)  # the live bug


def test_rendered_twin_lacks_only_the_bug(
    network_clip: tuple[GeneratedBroadcast, GeneratedBroadcast, float],
) -> None:
    out, twin, _ = network_clip
    assert twin.truth.spec["look"]["scorebug"] is False
    assert (twin.truth.scorebug.w, twin.truth.scorebug.h) == (0, 0)
    assert twin.truth.plays == out.truth.plays
    sb, snap = out.truth.scorebug, out.truth.plays[0].snap_frame

    def frame(video: Path) -> np.ndarray:
        with av.open(str(video)) as c:
            for i, f in enumerate(c.decode(video=0)):
                if i == snap:
                    return f.to_ndarray(format="gray").astype(float)
        raise AssertionError("no snap frame")

    diff = np.abs(frame(out.video) - frame(twin.video))
    inside = diff[sb.y : sb.y + sb.h, sb.x : sb.x + sb.w].copy()
    diff[sb.y : sb.y + sb.h, sb.x : sb.x + sb.w] = np.nan
    assert np.nanmean(diff) < 1.5  # the same picture, encoded twice
    assert inside.mean() > 10 * max(np.nanmean(diff), 0.5)


def test_rendered_network_clip_decodes_and_reports_its_speed(
    network_clip: tuple[GeneratedBroadcast, GeneratedBroadcast, float],
    capsys: pytest.CaptureFixture[str],
) -> None:
    out, _, seconds = network_clip
    tr = out.truth
    with av.open(str(out.video)) as c:
        vs = c.streams.video[0]
        assert (vs.codec_context.width, vs.codec_context.height) == (1280, 720)
        assert vs.average_rate == Fraction(30000, 1001)
        frames = sum(1 for _ in c.decode(video=0))
    assert frames == tr.video.frames
    per_minute = seconds / tr.video.duration * 60.0
    with capsys.disabled():
        print(f"\nnetwork 720p30 render + bug-off twin: {per_minute:.0f} s per minute of video")
    assert per_minute < 900  # a shared 2-core machine; about 20-30 s when idle


def test_network_clip_bug_pixels_sit_in_the_truth_box(
    network_clip: tuple[GeneratedBroadcast, GeneratedBroadcast, float],
) -> None:
    """In the encoded video, while the camera follows the play, the picture changes all over
    but the box the truth names stays nearly constant (the translucent bug over it)."""
    out, _, _ = network_clip
    sb, play = out.truth.scorebug, out.truth.plays[0]
    wanted = (play.snap_frame + 10, play.snap_frame + 40)
    with av.open(str(out.video)) as c:
        frames = [
            f.to_ndarray(format="gray").astype(float)
            for i, f in enumerate(c.decode(video=0))
            if i in wanted
        ]
    diff = np.abs(frames[1] - frames[0])
    box = diff[sb.y : sb.y + sb.h, sb.x : sb.x + sb.w].copy()
    cb = sb.clock_box
    box[:, cb.x - sb.x : cb.x - sb.x + cb.w] = np.nan  # the running clock
    assert np.nanmean(box) < 0.4 * diff.mean()
    assert Path(out.truth_path).exists()
