"""The analysis pass split into spans analysed side by side in child processes."""

from __future__ import annotations

import dataclasses
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from cutups.analysis.base import TICK_RATE, PassContext
from cutups.analysis.bug_crops import StoredCrops
from cutups.analysis.clock_model import ClockFitter
from cutups.analysis.field_colour import DEFAULT_FIELD, FieldColour
from cutups.analysis.locate import repeated_pictures
from cutups.analysis.location import ScorebugLocation
from cutups.analysis.passes import (
    PassAnalysers,
    Span,
    SpanPool,
    SpanResult,
    analyse_spans,
    join_crops,
    plan_spans,
)
from cutups.analysis.result import Analysis
from cutups.analysis.runner import Analysers, analyse, cached_analysis
from cutups.errors import CanceledError, MediaError
from cutups.media.probe import MediaInfo, probe
from cutups_testkit import GeneratedBroadcast, generate_cached, presets

VIDEO_SIGNALS = ("motion", "pan", "cut", "green", "bug", "bug_change")
AUDIO_SIGNALS = ("rms", "crowd", "whistle")


@pytest.fixture(scope="module")
def tiny(render_cache: Path) -> GeneratedBroadcast:
    return generate_cached(presets.tiny(), render_cache)


@pytest.fixture(scope="module")
def info(tiny: GeneratedBroadcast) -> MediaInfo:
    return probe(tiny.video)


@pytest.fixture(scope="module")
def whole(info: MediaInfo) -> Analysis:
    return analyse(info, cache_dir=None, workers=1)


def _pass(
    info: MediaInfo,
    scorebug: ScorebugLocation | None,
    spill_dir: Path,
    field: FieldColour = DEFAULT_FIELD,
) -> PassAnalysers:
    """The default analysers of a pass over ``info``, told of ``scorebug`` and ``field``."""
    v = info.video
    context = PassContext(v.width, v.height, info.has_audio, scorebug, spill_dir, field)
    analysers = Analysers()
    return PassAnalysers(analysers.frames, analysers.audio, context)


def test_plan_spans_covers_every_tick_once() -> None:
    spans = plan_spans(1000, workers=3, min_ticks=100)
    assert [(s.start, s.end) for s in spans] == [(0, 333), (333, 667), (667, 1000)]
    assert [s.last for s in spans] == [False, False, True]
    assert len(plan_spans(1000, workers=8, min_ticks=300)) == 3  # none shorter than min_ticks
    assert plan_spans(50, workers=4, min_ticks=100) == [Span(0, 50, True)]  # short: one pass


def test_spans_side_by_side_give_the_signals_of_one_pass(info: MediaInfo, whole: Analysis) -> None:
    progress: list[float] = []
    split = analyse(info, cache_dir=None, workers=3, min_span_seconds=15, progress=progress.append)
    n = int(info.duration * TICK_RATE)
    assert len(plan_spans(n, 3, 150)) == 3
    for name in VIDEO_SIGNALS:
        assert np.array_equal(split.signals[name], whole.signals[name]), name
    for name in AUDIO_SIGNALS:
        # Resampled in other chunks: a fraction of a sample apart (see test_decode).
        assert np.abs(split.signals[name] - whole.signals[name]).max() < 0.5, name
    # The clock is read from the joined bug crops: the same readings, the same model.
    assert len(whole.readings) > 20
    assert split.readings == whole.readings
    assert split.clock == whole.clock
    assert split.field == whole.field and whole.field.learnt
    assert progress[-1] == 1.0 and progress == sorted(progress)


def test_a_second_run_loads_the_same_analysis_from_the_cache(
    info: MediaInfo, whole: Analysis, tmp_path: Path
) -> None:
    first = analyse(info, cache_dir=tmp_path, workers=1)
    again = analyse(info, cache_dir=tmp_path, workers=1)
    assert not first.cached and again.cached
    assert len(list((tmp_path / "analysis").iterdir())) == 1
    for got in (first, again):
        assert got.signals.arrays.keys() == whole.signals.arrays.keys()
        for name, values in whole.signals.arrays.items():
            assert got.signals[name].tobytes() == values.tobytes(), name
        assert got.readings == whole.readings and got.clock == whole.clock
        assert got.scorebug is not None and whole.scorebug is not None
        assert got.scorebug.box(640, 360) == whole.scorebug.box(640, 360)
        assert np.array_equal(got.scorebug.template, whole.scorebug.template)


def test_another_clock_fitter_reuses_the_cached_decode_and_refits(
    info: MediaInfo, whole: Analysis, tmp_path: Path
) -> None:
    analyse(info, cache_dir=tmp_path, workers=1)
    coarse = Analysers(clock_fitter=ClockFitter(max_gap=0.5))
    refitted = analyse(info, cache_dir=tmp_path, workers=1, analysers=coarse)
    assert refitted.cached and refitted.readings == whole.readings
    assert refitted.clock == coarse.clock_fitter.fit(whole.readings)
    assert refitted.clock != whole.clock  # a 0.5-s gap splits runs the default keeps whole
    loaded = cached_analysis(info, cache_dir=tmp_path, analysers=coarse)
    assert loaded is not None and loaded.clock == refitted.clock


def _stored(path: Path, ticks: list[int], values: list[int]) -> StoredCrops:
    path.write_bytes(bytes(v for v in values for _ in range(6)))  # 2x3 crops of one value
    return StoredCrops(np.asarray(ticks, np.int64), path, (2, 3), np.ones((2, 3), bool))


def test_join_crops_keeps_the_crop_on_screen_at_each_span_start(tmp_path: Path) -> None:
    first = SpanResult(Span(0, 100, False), {}, _stored(tmp_path / "a", [0, 40, 90], [1, 2, 3]))
    # Lead-in crops at 90 and 95 (before the span's start, 100): only the one still on screen
    # at 100 is kept, re-timed to 100. The third span stored a crop at its very first tick.
    second = SpanResult(
        Span(100, 200, False), {}, _stored(tmp_path / "b", [90, 95, 150], [3, 4, 5])
    )
    third = SpanResult(Span(200, 300, True), {}, _stored(tmp_path / "c", [195, 200], [5, 6]))
    bug = join_crops([third, first, second])
    assert bug is not None
    assert list(bug.ticks) == [0, 40, 90, 100, 150, 200]
    assert [int(bug.crops[i][0, 0]) for i in range(len(bug.crops))] == [1, 2, 3, 4, 5, 6]
    assert bug.rate == TICK_RATE
    bug.crops.close()  # type: ignore[union-attr]
    assert list(tmp_path.iterdir()) == []  # the reader owns and deletes the spill files


def test_join_crops_without_any_crop() -> None:
    assert join_crops([SpanResult(Span(0, 10, True), {}, None)]) is None


def test_a_failing_span_raises_its_own_error(info: MediaInfo, tmp_path: Path) -> None:
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"not a video at all" * 1000)
    spans = plan_spans(600, workers=2, min_ticks=100)
    with pytest.raises(MediaError):
        analyse_spans(
            dataclasses.replace(info, path=broken), _pass(info, None, tmp_path), spans, tmp_path
        )


def test_cancel_stops_every_span_promptly(info: MediaInfo, tmp_path: Path) -> None:
    cancel = threading.Event()
    timer = threading.Timer(0.3, cancel.set)  # while the children are still starting
    timer.start()
    started = time.monotonic()
    spans = plan_spans(int(info.duration * TICK_RATE), workers=2, min_ticks=100)
    try:
        with pytest.raises(CanceledError):
            analyse_spans(info, _pass(info, None, tmp_path), spans, tmp_path, cancel=cancel)
    finally:
        timer.cancel()
    assert time.monotonic() - started < 10


def test_a_pool_started_early_gives_the_signals_of_one_pass(
    info: MediaInfo, whole: Analysis, tmp_path: Path
) -> None:
    spans = plan_spans(int(info.duration * TICK_RATE), workers=2, min_ticks=150)
    with SpanPool(len(spans), tmp_path) as pool:
        time.sleep(1.5)  # the parent busy elsewhere (locating the bug) while workers start
        results = pool.analyse(info, _pass(info, whole.scorebug, tmp_path, whole.field), spans)
    joined = {k: np.concatenate([r.arrays[k] for r in results]) for k in VIDEO_SIGNALS}
    for name in VIDEO_SIGNALS:
        assert np.array_equal(joined[name], whole.signals[name]), name


def test_a_pool_closed_before_its_work_leaves_no_process(tmp_path: Path) -> None:
    # What happens when locating the bug fails: workers waiting for their span are stopped.
    with pytest.raises(RuntimeError), SpanPool(2, tmp_path) as pool:
        processes = [child.process for child in pool._children]
        raise RuntimeError("locating failed")
    assert len(processes) == 2
    assert all(p.poll() is not None for p in processes)


def test_a_pool_is_made_for_its_spans(info: MediaInfo, tmp_path: Path) -> None:
    spans = plan_spans(int(info.duration * TICK_RATE), workers=3, min_ticks=100)
    with SpanPool(2, tmp_path) as pool, pytest.raises(ValueError, match="3 spans for 2 workers"):
        pool.analyse(info, _pass(info, None, tmp_path), spans)


def test_repeated_pictures_are_found_despite_compression_noise() -> None:
    rng = np.random.default_rng(1)
    scenes = [rng.integers(0, 256, (360, 640, 3), dtype=np.uint8) for _ in range(3)]
    noisy = [np.clip(s.astype(np.int16) + rng.integers(-2, 3, s.shape), 0, 255) for s in scenes]
    # Scene 0, scene 1, scene 0 again (noisy), scene 2, scene 1 again.
    images = [scenes[0], scenes[1], noisy[0].astype(np.uint8), scenes[2], scenes[1]]
    assert repeated_pictures(images) == [2, 4]
    assert repeated_pictures(scenes) == []
