"""Sample-broadcast generator: realistic college-football broadcasts with exact ground truth.

Typical use::

    from cutups_testkit import generate, presets
    out = generate(presets.tiny(), Path("out/tiny"))
    out.video, out.truth.plays, out.pbp["cfbd_json"]

A :class:`GameSpec` is simulated play by play (pure, seeded); the broadcast around it (cut-aways,
replays, commercials, halftime) is laid out in frames; every frame is composed with numpy and
encoded by ffmpeg; the truth file (the engine's format, :mod:`cutups.truth`) and four
play-by-play exports come from the same simulation. The command line is :mod:`cutups_testkit.cli`.
"""

from __future__ import annotations

from cutups.truth import Truth, TruthPlay
from cutups_testkit import presets
from cutups_testkit.api import (
    GeneratedBroadcast,
    cached,
    generate,
    generate_cached,
    generate_cached_with_twin,
    generate_with_twin,
    plan,
)
from cutups_testkit.game import GameSpec, SimGame, simulate
from cutups_testkit.looks import (
    HELD_OUT_LOOKS,
    LOOKS,
    NETWORK_LOOKS,
    TUNING_LOOKS,
    Look,
    without_bug,
)
from cutups_testkit.spec import GENERATOR_VERSION, BroadcastSpec
from cutups_testkit.teams import TEAMS, TeamSpec

__all__ = [
    "GENERATOR_VERSION",
    "HELD_OUT_LOOKS",
    "LOOKS",
    "NETWORK_LOOKS",
    "TEAMS",
    "TUNING_LOOKS",
    "BroadcastSpec",
    "GameSpec",
    "GeneratedBroadcast",
    "Look",
    "SimGame",
    "TeamSpec",
    "Truth",
    "TruthPlay",
    "cached",
    "generate",
    "generate_cached",
    "generate_cached_with_twin",
    "generate_with_twin",
    "plan",
    "presets",
    "simulate",
    "without_bug",
]
