"""Speech with known sentences (espeak-ng) -> transcribe -> plan: every candidate starts at a
sentence start, ends after a sentence's last word, and never cuts a word."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray

from cutups.media.audio import extract_speech
from cutups.output.captions import CaptionStyle, ass_document
from cutups.recipes.shorts.candidates import Span, candidate_spans
from cutups.recipes.shorts.plan import PlanOptions, plan_shorts
from cutups.recipes.shorts.sentences import DANGLING_STARTS, split_sentences
from cutups.speech.loudness import loudness_db
from cutups.speech.transcript import Transcript
from tests.speech.talk import TALK, SpokenTalk, shipped_transcriber, speak, wer

Heard = tuple[Transcript, NDArray[np.float32]]
"""The talk's transcript and loudness per tick."""

TOLERANCE = 0.3
"""Seconds a cut may lie outside a sentence gap: the recogniser's word timings are this exact."""


@pytest.fixture(scope="module")
def talk(tmp_path_factory: pytest.TempPathFactory) -> SpokenTalk:
    return speak(TALK, tmp_path_factory.mktemp("talk") / "talk.wav")


@pytest.fixture(scope="module")
def heard(talk: SpokenTalk, tmp_path_factory: pytest.TempPathFactory) -> Heard:
    audio = extract_speech(talk.path, talk.path.with_suffix(".f32"))
    transcript = shipped_transcriber(tmp_path_factory).transcribe(audio)
    return transcript, loudness_db(audio.samples(), audio.rate, audio.offset)


def _in_a_gap_before(talk: SpokenTalk, t: float) -> int | None:
    """The sentence whose start ``t`` lies just before (in the pause before it), if any."""
    for i, (start, _) in enumerate(talk.times):
        previous_end = talk.times[i - 1][1] if i else 0.0
        if previous_end - TOLERANCE <= t <= start + TOLERANCE:
            return i
    return None


def _in_a_gap_after(talk: SpokenTalk, t: float) -> int | None:
    for i, (_, end) in enumerate(talk.times):
        next_start = talk.times[i + 1][0] if i + 1 < len(talk.times) else end + 10
        if end - TOLERANCE <= t <= next_start + TOLERANCE:
            return i
    return None


def test_the_generated_talk_is_heard_well(talk: SpokenTalk, heard: Heard) -> None:
    transcript, _ = heard
    assert wer(talk.text, transcript.text) <= 0.10, transcript.text
    assert len(split_sentences(transcript.words)) == len(TALK)


def test_every_candidate_is_whole_sentences_cut_between_words(
    talk: SpokenTalk, heard: Heard
) -> None:
    transcript, _ = heard
    words = transcript.words
    spans: list[Span] = candidate_spans(words, split_sentences(words), ["short", "medium"])
    assert len(spans) >= 10
    for span in spans:
        assert not any(w.start < span.start < w.end or w.start < span.end < w.end for w in words)
        first = _in_a_gap_before(talk, span.start)
        last = _in_a_gap_after(talk, span.end)
        assert first is not None, f"starts inside a sentence at {span.start:.2f}"
        assert last is not None, f"ends inside a sentence at {span.end:.2f}"
        assert TALK[first].split()[0].lower() not in DANGLING_STARTS


def test_the_plan_keeps_those_properties_and_says_why(talk: SpokenTalk, heard: Heard) -> None:
    transcript, loudness = heard
    plan = plan_shorts(
        transcript.words, PlanOptions(max_clips=3, durations=("short",)), loudness=loudness
    )
    assert len(plan.clips) == 3
    for clip in plan.clips:
        assert _in_a_gap_before(talk, clip.start) is not None
        assert _in_a_gap_after(talk, clip.end) is not None
        assert clip.reasons and clip.title and clip.tags
    print([(c.start, c.end, c.score, c.reasons) for c in plan.clips])


def test_captions_start_when_each_sentence_is_really_spoken(talk: SpokenTalk, heard: Heard) -> None:
    """Against the synthesiser's own times (not the recogniser's): the caption event of each
    sentence's first word starts within 100 ms of the sound for at least 95 % of sentences."""
    transcript, _ = heard
    words = transcript.words
    document = ass_document(words, 0.0, talk.duration, CaptionStyle())
    starts = [_ass_seconds(line.split(",")[1]) for line in document.splitlines() if
              line.startswith("Dialogue:")]  # fmt: skip
    assert len(starts) == len(words)  # one event per word
    sentences = split_sentences(words)
    errors = [abs(starts[s.first] - true[0]) for s, true in zip(sentences, talk.times, strict=True)]
    median, worst = np.median(errors) * 1000, max(errors) * 1000
    print(f"caption onset error: median {median:.0f} ms, max {worst:.0f} ms")
    assert sum(e <= 0.1 for e in errors) >= 0.95 * len(errors), errors


def _ass_seconds(stamp: str) -> float:
    hours, minutes, seconds = stamp.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)
