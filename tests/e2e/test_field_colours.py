"""A broadcast on blue artificial turf: the field's colour is learnt, so its plays are found.

Before the colour was learnt, the wide-shot signal counted only green grass, and the same
broadcast gave 0 clips from the video alone (BENCHMARKS, session 12).
"""

from __future__ import annotations

import colorsys
import re
from pathlib import Path

from cutups.evaluate import evaluate
from cutups.pipeline import PlaysJob, run_plays
from cutups.recipes.plays_recipe import PlaysOptions
from cutups.settings import Settings
from cutups_testkit import generate_cached, presets

BLUE_TURF_LOOK = "net_topbar_720p60"
"""Blue turf (36, 72, 150), a bar across the top, 59.94 fps."""
BLUE_TURF_HUE = colorsys.rgb_to_hsv(36 / 255, 72 / 255, 150 / 255)[0] * 360  # 221°
HUE_TOLERANCE = 25.0
"""The learnt window's centre moves by a bin or two with shading and lines; not further."""


def test_plays_on_blue_turf_are_found_from_the_video_alone(
    render_cache: Path, tmp_path: Path
) -> None:
    sample = generate_cached(presets.tiny(BLUE_TURF_LOOK), render_cache)
    job = PlaysJob(
        source=sample.video,
        out_dir=tmp_path / "out",
        options=PlaysOptions(team=sample.truth.home.name),
    )
    result = run_plays(job, Settings(cache_dir=tmp_path / "cache"))
    manifest = result.manifest
    report = evaluate(sample.truth, manifest["clips"], team=sample.truth.home.name)
    assert report.recall == 1.0 and report.precision == 1.0, report
    meta = manifest["detector_meta"]
    assert meta["field_colour_learnt"]
    learnt = re.fullmatch(r"hue (\d+)°", meta["field_colour"])
    assert learnt, meta["field_colour"]
    assert abs(float(learnt.group(1)) - BLUE_TURF_HUE) <= HUE_TOLERANCE, meta["field_colour"]
    assert [w["code"] for w in manifest["warnings"]] == []
