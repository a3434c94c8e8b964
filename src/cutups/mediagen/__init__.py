"""Sample-broadcast generator: realistic college-football broadcasts with exact ground truth.

Typical use::

    from cutups.mediagen import generate, presets
    out = generate(presets.tiny(), Path("out/tiny"))
    out.video, out.truth.plays, out.pbp["cfbd_json"]

A :class:`GameSpec` is simulated play by play (pure, seeded); the broadcast around it (cut-aways,
replays, commercials, halftime) is laid out in frames; every frame is composed with numpy and
encoded by ffmpeg; the truth file and four play-by-play exports come from the same simulation.
"""

from __future__ import annotations

from cutups.mediagen import presets
from cutups.mediagen.api import GeneratedBroadcast, generate, generate_cached, plan
from cutups.mediagen.game import GameSpec, SimGame, simulate
from cutups.mediagen.looks import LOOKS, Look
from cutups.mediagen.spec import GENERATOR_VERSION, BroadcastSpec
from cutups.mediagen.teams import TEAMS, TeamSpec
from cutups.mediagen.truth import Truth, TruthPlay

__all__ = [
    "GENERATOR_VERSION",
    "LOOKS",
    "TEAMS",
    "BroadcastSpec",
    "GameSpec",
    "GeneratedBroadcast",
    "Look",
    "SimGame",
    "TeamSpec",
    "Truth",
    "TruthPlay",
    "generate",
    "generate_cached",
    "plan",
    "presets",
    "simulate",
]
