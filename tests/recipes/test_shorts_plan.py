"""The local shorts planner on synthetic timed words (pure: words in, plans out)."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from cutups.errors import InputError
from cutups.recipes.shorts.candidates import DURATION_RANGES, candidate_spans
from cutups.recipes.shorts.plan import PlanOptions, ShortPlan, plan_shorts
from cutups.recipes.shorts.sentences import is_dangling_start, split_sentences
from cutups.speech.transcript import Word
from tests.recipes.shorts_words import timed_words
from tests.speech.talk import TALK

FILLER = (
    "The weather was mild in the valley that week.",
    "Our neighbours repaired the fence near the road.",
    "The library opened a new reading room upstairs.",
    "We drove to the coast on a quiet afternoon.",
    "The bakery sold bread and small cakes every morning.",
)


def _starts(words: list[Word]) -> set[float]:
    return {s.start for s in split_sentences(words)}


def test_sentences_end_at_punctuation_and_at_pauses_before_a_capital() -> None:
    words = [
        Word(start=0.0, end=0.3, text="Mr."),
        Word(start=0.35, end=0.6, text="Smith"),
        Word(start=0.65, end=0.9, text="came,"),
        Word(start=1.0, end=1.2, text="then"),
        Word(start=1.25, end=1.5, text="left"),
        Word(start=2.3, end=2.6, text="Nobody"),  # 0.8 s pause, capital: a new sentence
        Word(start=2.65, end=2.9, text="knew"),
        Word(start=3.6, end=3.8, text="why."),  # 0.7 s pause but lower case: same sentence
        Word(start=3.9, end=4.1, text="Done"),
    ]
    texts = [s.text for s in split_sentences(words)]
    assert texts == ["Mr. Smith came, then left", "Nobody knew why.", "Done"]
    assert [s.terminal for s in split_sentences(words)] == ["", ".", ""]


def test_candidates_start_cleanly_fit_the_ranges_and_cut_between_words() -> None:
    words = timed_words(TALK * 2)
    sentences = split_sentences(words)
    assert len(sentences) == 2 * len(TALK)
    spans = candidate_spans(words, sentences, ["short", "medium"])
    assert spans
    for span in spans:
        assert not is_dangling_start(words[sentences[span.first].first])
        assert 15.0 <= span.duration <= 60.0
        for w in words:
            assert not w.start < span.start < w.end and not w.start < span.end < w.end
        first, last = words[sentences[span.first].first], words[sentences[span.last].last]
        assert span.start <= first.start and span.end >= last.end


def test_plan_picks_non_overlapping_clips_best_first_with_reasons() -> None:
    words = timed_words(FILLER * 3 + TALK + FILLER * 3)
    plan = plan_shorts(words, PlanOptions(max_clips=3, durations=("short",)))
    assert plan.planner == "local" and 1 <= len(plan.clips) <= 3
    scores = [c.score for c in plan.clips]
    assert scores == sorted(scores, reverse=True)
    ordered = sorted(plan.clips, key=lambda c: c.start)
    assert all(a.end <= b.start for a, b in itertools.pairwise(ordered))
    best = plan.clips[0]
    talk_start = words[len(" ".join(FILLER * 3).split())].start
    assert best.start >= talk_start - 1.0  # the talk, not the filler, is the best clip
    assert any(r.startswith("hook in the first 3 s") for r in best.reasons), best.reasons
    assert best.title and best.summary and best.tags
    lo, hi = DURATION_RANGES["short"]
    assert all(lo <= c.duration <= hi for c in plan.clips)


def test_reasons_name_questions_lists_and_emphasis() -> None:
    words = timed_words(TALK[:13])
    plan = plan_shorts(words, PlanOptions(max_clips=1, durations=("medium",)))
    reasons = " | ".join(plan.clips[0].reasons)
    assert "question" in reasons and "a list (first, second, third)" in reasons
    assert "emphasis" in reasons


def test_loud_speech_and_loud_non_speech_are_reasons() -> None:
    before = timed_words(FILLER * 4)
    pause = (before[-1].end, before[-1].end + 2.5)  # 2.5 s without words: applause
    words = before + timed_words(FILLER * 4, start=pause[1])
    ticks = np.arange(int(words[-1].end * 10) + 50) / 10
    loudness = np.where([_spoken(words, t) for t in ticks], -30.0, -60.0).astype(np.float32)
    loud = slice(int((pause[0] - 12) * 10), int((pause[1] + 12) * 10))
    loudness[loud][loudness[loud] > -60] = -24.0  # louder speech around the pause
    loudness[int(pause[0] * 10) + 2 : int(pause[1] * 10) - 2] = -20.0
    plan = plan_shorts(words, PlanOptions(max_clips=1, durations=("short",)), loudness=loudness)
    reasons = " | ".join(plan.clips[0].reasons)
    assert "louder than the rest of the talk" in reasons
    assert "laughter or applause (2.2 s of loud non-speech)" in reasons
    assert pause[0] - 20 <= plan.clips[0].start <= pause[0] <= plan.clips[0].end + 2


def _spoken(words: list[Word], t: float) -> bool:
    return any(w.start - 0.1 <= t <= w.end + 0.1 for w in words)


def test_nothing_to_plan_gives_an_empty_plan() -> None:
    assert plan_shorts([], PlanOptions()).clips == ()
    short_talk = timed_words(("Just one short sentence here.",))
    assert plan_shorts(short_talk, PlanOptions()).clips == ()


def test_plan_json_has_the_documented_shape(tmp_path: Path) -> None:
    plan = plan_shorts(timed_words(TALK), PlanOptions(max_clips=2))
    plan.write(tmp_path / "plan.json")
    data = json.loads((tmp_path / "plan.json").read_text())
    assert set(data["clips"][0]) == {
        "start", "end", "score", "reasons", "layout", "title", "summary", "tags",
    }  # fmt: skip
    assert ShortPlan.read(tmp_path / "plan.json") == plan
    (tmp_path / "bad.json").write_text("[]")
    with pytest.raises(InputError, match="not a shorts plan"):
        ShortPlan.read(tmp_path / "bad.json")


def test_options_are_validated() -> None:
    with pytest.raises(ValidationError):
        PlanOptions(durations=())
    with pytest.raises(ValidationError):
        PlanOptions(max_clips=0)
    assert PlanOptions(durations=("short", "short")).durations == ("short",)
