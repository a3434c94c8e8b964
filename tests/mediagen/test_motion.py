"""The players' movement in the wide shot: what a play looks like to a motion detector."""

from __future__ import annotations

import numpy as np

from cutups_testkit import presets, simulate
from cutups_testkit.broadcast import plan_broadcast
from cutups_testkit.motion import SceneMotion


def test_nobody_freezes_while_the_ball_is_live() -> None:
    """In every half second of every scrimmage play some players move a yard or more.

    A real play never stops for all 22 at once before the whistle. Generator v3 froze everyone
    for ~0.5 s on short completions (routes run out, defenders arrived), and the detector, rightly
    reading that as the whistle, split those plays in two.
    """
    spec = presets.suite("bar_bottom_720p30", 29)
    game = simulate(spec.game)
    plan = plan_broadcast(game, spec)
    rows = {r.seq: r for r in game.rows}
    fps = float(plan.fps)
    checked = 0
    for scene in plan.scenes:
        if scene.kind != "scrimmage":
            continue
        motion = SceneMotion(scene, rows[scene.seq], plan.fps, spec.game.seed)
        live = (scene.whistle - scene.snap) / fps
        times = np.arange(0.0, live - 0.5, 0.1)
        for t in times:
            a, b = motion.at(float(t)), motion.at(float(t) + 0.5)
            moved = np.hypot(b.xs - a.xs, b.ys - a.ys)
            assert moved.max() >= 1.0, f"scene {scene.seq}: all still from {t:.1f} s"
        checked += 1
    assert checked >= 10
