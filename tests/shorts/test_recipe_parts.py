"""The shorts recipe's small parts without video: its cache, the framing's JSON, the pure plan
step, filter escaping and option errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cutups.analysis.face_types import FaceAnalysis
from cutups.analysis.speaker import active_speaker
from cutups.errors import ConfigError
from cutups.output.captions import CaptionStyle
from cutups.recipes.shorts.cache import FaceCache, TranscriptCache, faces_to_json
from cutups.recipes.shorts.framing import FocusFraming
from cutups.recipes.shorts.framing_json import framing_from_json, framing_to_json
from cutups.recipes.shorts.layouts import frame_clip
from cutups.recipes.shorts.options import ShortsOptions
from cutups.recipes.shorts.plan import ClipCandidate, ShortPlan
from cutups.recipes.shorts.recipe import ShortsRecipe
from cutups.recipes.shorts.render import filter_path
from cutups.speech.transcript import Segment, Transcript, Word
from tests.shorts import synthetic


def _two_people() -> FaceAnalysis:
    times = synthetic.grid(8.0)
    left = synthetic.track(1, times, lambda t: 320.0, lambda t: 20.0 if t < 4 else 0.5)
    right = synthetic.track(2, times, lambda t: 960.0, lambda t: 0.5 if t < 4 else 20.0)
    return synthetic.analysis(8.0, left, right)


def test_faces_survive_the_cache(tmp_path: Path) -> None:
    faces = _two_people()
    cache = FaceCache(tmp_path)
    assert cache.load("k") is None
    cache.save("k", faces)
    back = cache.load("k")
    assert back is not None
    assert faces_to_json(back) == faces_to_json(faces)
    np.testing.assert_array_equal(back.tracks[1].mouth_activity, faces.tracks[1].mouth_activity)
    (tmp_path / "k.json").write_text("{not json")
    assert cache.load("k") is None  # a damaged entry is recomputed, not an error


def test_transcript_and_loudness_survive_the_cache(tmp_path: Path) -> None:
    word = Word(start=1.0, end=1.4, text="Hello.")
    transcript = Transcript(
        language="en", duration=3.0, engine="test",
        segments=(Segment(start=1.0, end=1.4, text="Hello.", words=(word,)),),
    )  # fmt: skip
    loudness = np.linspace(-60, -10, 30).astype(np.float32)
    cache = TranscriptCache(tmp_path)
    cache.save("k", transcript, loudness)
    found = cache.load("k")
    assert found is not None and found[0] == transcript
    np.testing.assert_array_equal(found[1], loudness)


def test_a_framing_survives_json() -> None:
    faces = _two_people()
    speech = np.ones(faces.times.size)
    framing = frame_clip(faces, active_speaker(faces, speech), 25.0, "focus")
    assert isinstance(framing, FocusFraming)
    assert framing_from_json(framing_to_json(framing)) == framing
    for layout in ("static", "stack"):
        other = frame_clip(faces, active_speaker(faces, speech), 25.0, layout)  # type: ignore[arg-type]
        assert framing_from_json(framing_to_json(other)) == other


def test_filter_paths_are_escaped() -> None:
    assert filter_path(Path("/tmp/a:b/it's [1],x;y.ass")) == (
        "/tmp/a\\:b/it\\'s \\[1\\]\\,x\\;y.ass"
    )


def test_a_bad_caption_style_file_is_a_config_error(tmp_path: Path) -> None:
    style = tmp_path / "style.json"
    with pytest.raises(ConfigError, match="cannot read caption style"):
        ShortsOptions(caption_style_file=str(style)).style()
    style.write_text('{"font_size": 2}')
    with pytest.raises(ConfigError, match="not a caption style"):
        ShortsOptions(caption_style_file=str(style)).style()
    style.write_text('{"font_family": "DejaVu Sans", "highlight_color": "00FF00"}')
    chosen = ShortsOptions(caption_style_file=str(style)).style()
    assert chosen == CaptionStyle(font_name="DejaVu Sans", highlight_color="#00FF00")


def test_clips_are_the_sources_lines_or_1080x1920_when_asked() -> None:
    assert ShortsOptions().clip_size(1080) == (608, 1080)
    assert ShortsOptions().clip_size(2160) == (1080, 1920)
    assert ShortsOptions(resolution="1080x1920").clip_size(720) == (1080, 1920)
    with pytest.raises(ConfigError, match="resolution"):
        ShortsRecipe().options({"resolution": "4k"})


def test_no_planned_clip_runs_past_the_end_of_the_audio() -> None:
    """The tail after a talk's last word is cut where the audio ends (else A/V mismatch)."""
    early = ClipCandidate(start=10.0, end=30.0, score=0.5)
    plan = ShortPlan(clips=(early, ClipCandidate(start=33.5, end=60.21, score=0.4)))
    ends = [(c.start, c.end) for c in plan.ending_by(60.011).clips]
    assert ends == [(10.0, 30.0), (33.5, 60.011)]
    assert [c.start for c in plan.ending_by(20.0).clips] == [10.0]
