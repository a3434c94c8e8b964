"""The analysis cache: its key, and the whole typed analysis written and read back exactly."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from cutups.analysis.cache import AnalysisCache, cache_key, fingerprint, read_analysis
from cutups.analysis.clock_model import ClockFitter, ClockReading
from cutups.analysis.field import FieldAnalyser
from cutups.analysis.location import ScorebugLocation
from cutups.analysis.motion import MotionAnalyser
from cutups.analysis.result import Analysis
from cutups.analysis.runner import Analysers
from cutups.analysis.signals import Signals


def _analysis(scorebug: bool = True) -> Analysis:
    rng = np.random.default_rng(3)
    signals = Signals(
        rate=Fraction(10),
        duration=0.5,
        arrays={"motion": rng.random(5, dtype=np.float32), "bug": np.zeros(5, np.float32)},
    )
    location = ScorebugLocation(
        x=0.1 + 2**-55,  # not a short decimal: stored exactly all the same
        y=1 / 3,
        w=0.25,
        h=0.0625,
        template=rng.integers(0, 255, (3, 4), dtype=np.uint8),
        stable=rng.random((3, 4)) > 0.5,
        coverage=0.9,
    )
    readings = (
        ClockReading(0.1, 1, 300.0, 0.93),
        ClockReading(0.2, None, 299.0, 1 / 7),
        ClockReading(1.3, 2, 12.5),
    )
    return Analysis(
        signals=signals,
        scorebug=location if scorebug else None,
        readings=readings,
        clock=ClockFitter().fit(readings),
    )


def _assert_same(loaded: Analysis, saved: Analysis) -> None:
    assert loaded.cached and not saved.cached
    assert loaded.signals.rate == saved.signals.rate
    assert loaded.signals.duration == saved.signals.duration
    assert list(loaded.signals.arrays) == list(saved.signals.arrays)
    for name, values in saved.signals.arrays.items():
        assert loaded.signals[name].dtype == values.dtype
        assert loaded.signals[name].tobytes() == values.tobytes()
    assert loaded.readings == saved.readings
    assert loaded.clock == saved.clock and loaded.clock.spans


def test_an_analysis_round_trips_exactly(tmp_path: Path) -> None:
    saved = _analysis()
    cache = AnalysisCache(tmp_path)
    cache.save("k", saved)
    assert [p.name for p in tmp_path.iterdir()] == ["k.npz"]  # no temp file left
    loaded = cache.load("k")
    assert loaded is not None
    _assert_same(loaded, saved)
    a, b = loaded.scorebug, saved.scorebug
    assert a is not None and b is not None
    assert (a.x, a.y, a.w, a.h, a.coverage) == (b.x, b.y, b.w, b.h, b.coverage)
    assert a.template.dtype == np.uint8 and np.array_equal(a.template, b.template)
    assert a.stable.dtype == np.bool_ and np.array_equal(a.stable, b.stable)


def test_an_analysis_without_a_scorebug_round_trips(tmp_path: Path) -> None:
    saved = _analysis(scorebug=False)
    AnalysisCache(tmp_path).save("k", saved)
    loaded = read_analysis(tmp_path / "k.npz")
    _assert_same(loaded, saved)
    assert loaded.scorebug is None


def test_a_missing_or_damaged_entry_is_a_miss(tmp_path: Path) -> None:
    cache = AnalysisCache(tmp_path)
    assert cache.load("absent") is None
    cache.path("broken").write_bytes(b"PK\x03\x04 not really a zip")
    assert cache.load("broken") is None


def test_only_the_newest_entries_are_kept(tmp_path: Path) -> None:
    cache = AnalysisCache(tmp_path, keep=2)
    for key in ("a", "b", "c"):
        cache.save(key, _analysis())
    assert len(list(tmp_path.iterdir())) == 2


def test_signals_are_one_value_per_tick() -> None:
    with pytest.raises(ValueError, match="ticks"):
        Signals(rate=Fraction(10), duration=0.5, arrays={"clock": np.ones((5, 4))})
    with pytest.raises(ValueError, match="ticks"):
        Signals(rate=Fraction(10), duration=0.5, arrays={"motion": np.ones(4)})


def test_fingerprint_changes_with_content(tmp_path: Path) -> None:
    a, b = tmp_path / "a.bin", tmp_path / "b.bin"
    a.write_bytes(b"x" * 5_000_000)
    b.write_bytes(b"x" * 4_999_999 + b"y")
    assert fingerprint(a) != fingerprint(b)


def test_the_key_is_made_of_the_analysers_that_run() -> None:
    default = cache_key("c", Analysers().stored())
    assert cache_key("c", Analysers().stored()) == default  # built afresh: the same key
    assert cache_key("d", Analysers().stored()) != default  # other content
    # Another parameter, another version, another set: another key.
    smaller = Analysers(frames=(MotionAnalyser(width=160, height=90), FieldAnalyser()))
    assert cache_key("c", smaller.stored()) != default
    # The clock model is refitted on every load, so its fitter is not part of the key.
    assert cache_key("c", Analysers(clock_fitter=ClockFitter(max_gap=5.0)).stored()) == default

    class NewField(FieldAnalyser):
        version = FieldAnalyser.version + 1

    frames = Analysers().frames
    bumped = Analysers(frames=(frames[0], NewField(), *frames[2:]))
    assert cache_key("c", bumped.stored()) != default
