"""Captions: word-by-word ASS timed to the words, SRT and VTT, and the real font burned in."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pydantic import ValidationError

from cutups.media.ffmpeg import file_arg, run
from cutups.output.captions import (
    CaptionStyle,
    ass_document,
    caption_lines,
    srt_document,
    vtt_document,
)
from cutups.speech.transcript import Word
from tests.recipes.shorts_words import timed_words

SENTENCES = ("This is how you do it.", "Nobody tells you the secret, but it works!")
WORDS = timed_words(SENTENCES, start=10.0)
CLIP = (9.8, WORDS[-1].end + 0.3)
_EVENT = re.compile(r"^Dialogue: 0,(\d+):(\d\d):(\d\d)\.(\d\d),(\d+):(\d\d):(\d\d)\.(\d\d),(.*)$")


def _events(document: str) -> list[tuple[float, float, str]]:
    events = []
    for line in document.splitlines():
        match = _EVENT.match(line)
        if match:
            g = [int(x) for x in match.groups()[:8]]
            start = g[0] * 3600 + g[1] * 60 + g[2] + g[3] / 100
            end = g[4] * 3600 + g[5] * 60 + g[6] + g[7] / 100
            events.append((start, end, line.split(",", 9)[9]))
    return events


def test_one_event_per_word_at_the_word_time_with_that_word_highlighted() -> None:
    style = CaptionStyle(max_words_per_line=4)
    events = _events(ass_document(WORDS, *CLIP, style))
    assert len(events) == len(WORDS)
    for word, (start, end, text) in zip(WORDS, events, strict=True):
        assert abs(start - (word.start - CLIP[0])) <= 0.1  # the acceptance bound
        assert abs(start - (word.start - CLIP[0])) <= 0.006  # what rounding to 1/100 s allows
        assert end >= word.end - CLIP[0] - 0.006
        highlighted = re.findall(r"\{\\c&H0000D7FF&\}(.*?)\{\\r\}", text)
        assert highlighted == [word.text.upper()]
        assert len(re.sub(r"\{.*?\}", "", text).split()) <= 4
    # lines break at the end of a sentence: "DO IT." is a line of its own
    assert re.sub(r"\{.*?\}", "", events[4][2]) == "DO IT."


def test_the_style_is_written_as_asked() -> None:
    style = CaptionStyle.model_validate(
        {
            "font_family": "Lato",
            "font_size": 64,
            "primary_color": "FFFFFF",
            "highlight_color": "#00ff88",
            "outline_color": "102030",
            "outline_width": 6,
            "position": "bottom",
            "words_per_line": 2,
            "uppercase": False,
            "margin_v": 300,
        }
    )
    document = ass_document(WORDS, *CLIP, style, width=720, height=1280)
    assert "PlayResX: 720\nPlayResY: 1280" in document
    assert "Style: Default,Lato,64,&H00FFFFFF,&H0088FF00,&H00302010," in document
    assert ",1,6,0,2,60,60,300,1\n" in document  # outline 6, bottom centre, margins
    texts = [re.sub(r"\{.*?\}", "", t) for *_, t in _events(document)]
    assert texts[0] == "This is" and all(len(t.split()) <= 2 for t in texts)
    with pytest.raises(ValidationError, match="not an RGB colour"):
        CaptionStyle(primary_color="gold")
    with pytest.raises(ValidationError):
        CaptionStyle(position="left")  # type: ignore[arg-type]


def test_without_highlighting_one_event_per_line() -> None:
    style = CaptionStyle(word_by_word_highlight=False, max_words_per_line=4)
    events = _events(ass_document(WORDS, *CLIP, style))
    lines = caption_lines(WORDS, *CLIP, 4)
    assert [(round(s, 2), t) for s, _, t in events] == [
        (round(line.start, 2), " ".join(w.text.upper() for w in line.words)) for line in lines
    ]


def test_words_outside_the_clip_are_left_out_and_times_are_relative() -> None:
    lines = caption_lines(WORDS, WORDS[6].start - 0.1, CLIP[1], 10)
    assert lines[0].words[0].text == "Nobody" and lines[0].start == pytest.approx(0.1)


def test_srt_and_vtt() -> None:
    srt = srt_document(WORDS, *CLIP, max_words_per_line=7)
    vtt = vtt_document(WORDS, *CLIP, max_words_per_line=7)
    first = WORDS[0].start - CLIP[0]
    assert srt.startswith(f"1\n00:00:00,{round(first * 1000):03d} --> ")
    assert "\nThis is how you do it.\n\n2\n" in srt
    assert vtt.startswith(f"WEBVTT\n\n00:00:00.{round(first * 1000):03d} --> ")
    assert vtt.count(" --> ") == srt.count(" --> ") == 3  # 6 words, then 7, then 2
    assert srt_document([], 0, 10) == "" and vtt_document([], 0, 10) == "WEBVTT\n\n"


def _frame(ass: Path, at: float, out: Path) -> tuple[np.ndarray, str]:
    """The frame at ``at`` s of a grey video with ``ass`` burned in, and ffmpeg's verbose log."""
    result = run(
        ["ffmpeg", "-v", "verbose", "-y", "-f", "lavfi", "-i", "color=c=0x202020:s=360x640:r=25",
         "-t", "4", "-vf", f"ass={ass}", "-ss", str(at), "-frames:v", "1", file_arg(out)]
    )  # fmt: skip
    return np.asarray(Image.open(out).convert("RGB")).astype(int), result.stderr


def _gold_columns(frame: np.ndarray) -> np.ndarray:
    r, g, b = frame[..., 0], frame[..., 1], frame[..., 2]
    gold = (r > 200) & (g > 170) & (g < 235) & (b < 80)
    return np.flatnonzero(gold.any(axis=0))


def test_libass_finds_the_installed_font_and_moves_the_highlight(tmp_path: Path) -> None:
    words = [
        Word(start=0.2 + i * 0.4, end=0.5 + i * 0.4, text=t)
        for i, t in enumerate(["This", "is", "how", "you"])
    ]
    ass = tmp_path / "c.ass"
    ass.write_text(ass_document(words, 0.0, 3.0, CaptionStyle(font_size=40), width=360, height=640))
    first, log = _frame(ass, 0.3, tmp_path / "a.png")  # "THIS" highlighted
    second, _ = _frame(ass, 0.7, tmp_path / "b.png")  # "IS" highlighted
    assert "(Lato Black, 700, 0) -> /usr/share/fonts/truetype/lato/Lato-Black.ttf" in log
    left, right = _gold_columns(first), _gold_columns(second)
    assert left.size and right.size
    assert right.min() > left.max()  # the highlight moved right, to the next word
