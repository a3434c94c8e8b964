"""The framing's ffmpeg filter graph on real ffmpeg runs: the crop lands where the path says."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from numpy.typing import NDArray

from cutups.media.ffmpeg import file_arg, run
from cutups.recipes.shorts.framing import (
    CropKey,
    CropPath,
    FocusFraming,
    Rect,
    StackFraming,
    StaticFraming,
)
from cutups.recipes.shorts.render_filter import crop_x_expression, framing_filter

WIDTH, HEIGHT, FPS = 1280, 720, 25


def _stripes() -> NDArray[np.uint8]:
    """A row of random 4-pixel-wide bars: any 404-pixel window of it is unique."""
    rng = np.random.default_rng(7)
    return np.repeat(rng.integers(16, 240, WIDTH // 4), 4).astype(np.uint8)


@pytest.fixture(scope="module")
def stripes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("stripes") / "stripes.mp4"
    image = np.repeat(np.broadcast_to(_stripes()[None, :, None], (HEIGHT, WIDTH, 1)), 3, axis=2)
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=FPS, options={"crf": "12", "preset": "ultrafast"})
        stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        for i in range(6 * FPS):
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(image), format="rgb24")
            frame.pts, frame.time_base = i, Fraction(1, FPS)
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return path


def _render(source: Path, graph: str, out: Path, start: float, seconds: float) -> Path:
    trim = ["-ss", f"{start}", "-i", file_arg(source), "-t", f"{seconds}"]
    encode = ["-c:v", "libx264", "-preset", "ultrafast", "-crf", "12", file_arg(out)]
    run(
        [
            "ffmpeg",
            "-nostdin",
            "-y",
            "-v",
            "error",
            *trim,
            "-filter_complex",
            graph,
            "-map",
            "[vout]",
            *encode,
        ]
    )
    return out


def _lefts(clip: Path, width: int) -> list[tuple[float, int]]:
    """(time, left edge) of every frame, found by matching its middle row to the stripes."""
    row = _stripes().astype(np.float64)
    found = []
    with av.open(str(clip)) as container:
        for frame in container.decode(video=0):
            line = frame.to_ndarray(format="gray")[HEIGHT // 2].astype(np.float64)
            errors = [np.abs(row[x : x + width] - line).mean() for x in range(WIDTH - width + 1)]
            found.append((float(frame.time or 0.0), int(np.argmin(errors))))
    return found


PATH = CropPath(
    WIDTH,
    HEIGHT,
    404,
    720,
    0,
    (
        CropKey(1.0, 100.0),
        CropKey(2.5, 160.0),
        CropKey(3.0, 160.0),
        CropKey(3.0, 800.0),
        CropKey(5.0, 760.0),
    ),
    switches=(3.0,),
)


def test_expression_is_a_flat_sum_with_a_step_at_the_cut() -> None:
    expr = crop_x_expression(PATH, clip_start=0.5)
    assert expr == "100+60*clip((t-0.5)/1.5,0,1)+640*gte(t,2.5)-40*clip((t-2.5)/2,0,1)"


def test_crop_follows_the_path_frame_by_frame(stripes: Path, tmp_path: Path) -> None:
    start = 0.5
    graph = framing_filter(FocusFraming(PATH), (404, 720), clip_start=start)
    clip = _render(stripes, graph, tmp_path / "focus.mp4", start, 5.0)
    measured = _lefts(clip, 404)
    assert len(measured) == 5 * FPS
    times = np.array([t for t, _ in measured])
    expected = PATH.x_at(times + start)
    got = np.array([x for _, x in measured])
    # crop keeps x on the chroma grid (even) for yuv420p: at most a pixel and a bit off
    assert np.abs(got - expected).max() <= 2.0, list(zip(times, got, expected, strict=True))
    cut = int(np.argmax(np.abs(np.diff(got))))
    assert times[cut + 1] + start == pytest.approx(3.0, abs=1.0 / FPS)


@pytest.mark.parametrize(
    "framing",
    [
        StaticFraming(Rect(438, 0, 404, 720), "center"),
        StaticFraming(Rect(438, 0, 404, 720), "blur"),
        StackFraming(Rect(0, 0, WIDTH, HEIGHT), Rect(900, 400, 300, 220)),
    ],
    ids=["static-center", "static-blur", "stack"],
)
def test_layouts_render_at_the_asked_size(stripes: Path, tmp_path: Path, framing: object) -> None:
    assert isinstance(framing, StaticFraming | StackFraming)
    clip = _render(stripes, framing_filter(framing, (404, 720)), tmp_path / "c.mp4", 0.0, 1.0)
    with av.open(str(clip)) as container:
        stream = container.streams.video[0]
        assert (stream.width, stream.height) == (404, 720)
        assert sum(1 for _ in container.decode(stream)) == FPS
