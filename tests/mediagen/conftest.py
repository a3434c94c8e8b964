"""The session's tiny broadcast, decoded once into the per-frame measurements tests need."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
import pytest

from cutups_testkit import GeneratedBroadcast


@dataclass(frozen=True)
class Decoded:
    """Per-frame measurements of the tiny broadcast's video and its mono audio."""

    motion: np.ndarray  # fraction of pixels whose luma changed by > 15 since the previous frame
    bug: np.ndarray  # (n, h, w) luma crops of the scorebug box
    clock: np.ndarray  # (n, h, w) luma crops of the clock box
    keyframes: list[int]  # frame indexes of keyframes
    frames: int
    rate: object
    width: int
    height: int
    audio: np.ndarray  # mono float32
    sample_rate: int


@pytest.fixture(scope="session")
def tiny(broadcast: GeneratedBroadcast) -> GeneratedBroadcast:
    """The session's tiny broadcast (tests/conftest.py), not a second render of the same spec."""
    return broadcast


@pytest.fixture(scope="session")
def decoded(tiny: GeneratedBroadcast) -> Decoded:
    sb = tiny.truth.scorebug
    cb = sb.clock_box
    motion, bugs, clocks, keys = [], [], [], []
    prev: np.ndarray | None = None
    with av.open(str(tiny.video)) as c:
        vs = c.streams.video[0]
        rate, width, height = vs.average_rate, vs.codec_context.width, vs.codec_context.height
        for i, pkt in enumerate(p for p in c.demux(vs) if p.size):
            if pkt.is_keyframe:
                keys.append(i)
    with av.open(str(tiny.video)) as c:
        c.streams.video[0].thread_type = "AUTO"
        for frame in c.decode(video=0):
            plane = frame.planes[0]
            y = np.frombuffer(plane, np.uint8).reshape(-1, plane.line_size)[:, :width]
            small = y[::2, ::2].astype(np.int16)  # every other pixel: plenty for player sprites
            changed = 0 if prev is None else np.count_nonzero(np.abs(small - prev) > 15)
            motion.append(changed / small.size)
            prev = small
            bugs.append(y[sb.y : sb.y + sb.h, sb.x : sb.x + sb.w].copy())
            clocks.append(y[cb.y : cb.y + cb.h, cb.x : cb.x + cb.w].astype(np.float32))
    chunks = []
    with av.open(str(tiny.video)) as c:
        ast = c.streams.audio[0]
        sr = ast.codec_context.sample_rate
        res = av.AudioResampler(format="flt", layout="mono", rate=sr)
        for fr in c.decode(audio=0):
            for o in res.resample(fr):
                chunks.append(o.to_ndarray().reshape(-1))
    return Decoded(
        np.array(motion),
        np.stack(bugs),
        np.stack(clocks),
        keys,
        len(motion),
        rate,
        width,
        height,
        np.concatenate(chunks).astype(np.float32),
        sr,
    )


@pytest.fixture(scope="session")
def out_dir(tiny: GeneratedBroadcast) -> Path:
    return tiny.video.parent
