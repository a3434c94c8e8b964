"""Captions for a clip: word-by-word highlighted ASS (burned in) and SRT/VTT (beside the clip).

Words are grouped into lines of at most ``max_words_per_line`` words; a line also ends at the end
of a sentence or before a pause, so a caption never runs across a thought. In the ASS file every
word of a line gets its own Dialogue event, from the moment it is spoken to the next word (the
line's last word holds until the line ends), showing the whole line with that word in the
highlight colour: the "karaoke" look of short-form video, exact to the word timings.

All times in the files are seconds from the clip's start. Styling follows the seed's
``CaptionStyle`` fields. The default font, Lato Black, comes from Debian's ``fonts-lato``
(installed by ``make install``); libass finds fonts by family name through fontconfig, so any
installed family can be named.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator

from cutups.speech.transcript import Word

__all__ = [
    "CaptionLine",
    "CaptionStyle",
    "ass_document",
    "caption_lines",
    "srt_document",
    "vtt_document",
]

LINE_PAUSE = 0.7
"""Seconds of silence that end a caption line."""
LINE_HOLD = 0.5
"""Seconds a line stays after its last word when the next line is not already due."""

_HEX = re.compile(r"^#?([0-9a-fA-F]{6})$")
_TERMINAL = re.compile(r"[.?!…][\"'”’)\]]*$")


class CaptionStyle(BaseModel):
    """How burned-in captions look (the seed's ``CaptionStyle`` field names; its API's
    ``font_family`` is accepted for ``font_name``, and colours with or without ``#``)."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    font_name: str = Field(
        "Lato Black", min_length=1, validation_alias=AliasChoices("font_name", "font_family")
    )
    font_size: int = Field(72, ge=8, le=400)
    primary_color: str = "#FFFFFF"
    highlight_color: str = "#FFD700"
    outline_color: str = "#000000"
    outline_width: int = Field(4, ge=0, le=40)
    position: Literal["top", "center", "middle", "bottom"] = "center"
    max_words_per_line: int = Field(
        4, ge=1, le=20, validation_alias=AliasChoices("max_words_per_line", "words_per_line")
    )
    word_by_word_highlight: bool = True
    bold: bool = True
    uppercase: bool = True
    margin_v: int | None = Field(None, ge=0)
    """Pixels from the top or bottom edge; None: 15 % of the frame height (clear of the
    platforms' buttons). Ignored for ``center``."""
    margin_h: int = Field(60, ge=0)
    """Pixels kept clear at the left and right."""

    @field_validator("primary_color", "highlight_color", "outline_color")
    @classmethod
    def _colour(cls, value: str) -> str:
        match = _HEX.match(value.strip())
        if not match:
            raise ValueError(f"not an RGB colour like #FFD700: {value!r}")
        return "#" + match.group(1).upper()


@dataclass(frozen=True, slots=True)
class CaptionLine:
    """Words shown together, with times relative to the clip start."""

    words: tuple[Word, ...]
    start: float
    end: float


def _ends_line(word: Word, following: Word | None, count: int, limit: int) -> bool:
    if following is None or count >= limit or _TERMINAL.search(word.text):
        return True
    return following.start - word.end >= LINE_PAUSE


def caption_lines(
    words: Sequence[Word], clip_start: float, clip_end: float, max_words: int
) -> list[CaptionLine]:
    """The clip's words (those whose middle lies in it) grouped into lines, times relative to
    ``clip_start`` (pure)."""
    length = clip_end - clip_start
    inside = [
        Word(
            start=min(max(w.start - clip_start, 0.0), length),
            end=min(max(w.end - clip_start, 0.0), length),
            text=w.text,
            probability=w.probability,
        )
        for w in words
        if clip_start <= (w.start + w.end) / 2 < clip_end
    ]
    lines: list[CaptionLine] = []
    current: list[Word] = []
    for i, word in enumerate(inside):
        current.append(word)
        following = inside[i + 1] if i + 1 < len(inside) else None
        if _ends_line(word, following, len(current), max_words):
            due = following.start if following is not None else length
            end = min(due, word.end + LINE_HOLD, length)
            lines.append(CaptionLine(tuple(current), current[0].start, max(end, word.end)))
            current = []
    return lines


def _ass_time(seconds: float) -> str:
    cs = round(max(seconds, 0.0) * 100)
    return f"{cs // 360000}:{cs // 6000 % 60:02d}:{cs // 100 % 60:02d}.{cs % 100:02d}"


def _ass_colour(rgb: str) -> str:
    r, g, b = rgb[1:3], rgb[3:5], rgb[5:7]
    return f"&H00{b}{g}{r}"


def _ass_text(text: str, style: CaptionStyle) -> str:
    cleaned = text.replace("\\", "/").replace("{", "(").replace("}", ")")
    return cleaned.upper() if style.uppercase else cleaned


def _ass_header(style: CaptionStyle, width: int, height: int) -> str:
    alignment = {"top": 8, "center": 5, "middle": 5, "bottom": 2}[style.position]
    margin_v = style.margin_v if style.margin_v is not None else round(height * 0.15)
    bold = -1 if style.bold else 0
    fields = (
        f"Default,{style.font_name},{style.font_size},{_ass_colour(style.primary_color)},"
        f"{_ass_colour(style.highlight_color)},{_ass_colour(style.outline_color)},&H80000000,"
        f"{bold},0,0,0,100,100,0,0,1,{style.outline_width},0,{alignment},"
        f"{style.margin_h},{style.margin_h},{margin_v},1"
    )
    return (
        "[Script Info]\nScriptType: v4.00+\n"
        f"PlayResX: {width}\nPlayResY: {height}\nWrapStyle: 0\nScaledBorderAndShadow: yes\n\n"
        "[V4+ Styles]\nFormat: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, "
        "OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, "
        "Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding\n"
        f"Style: {fields}\n\n[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, "
        "MarginV, Effect, Text\n"
    )


def _highlighted(line: CaptionLine, index: int, style: CaptionStyle) -> str:
    colour = _ass_colour(style.highlight_color)
    parts = [
        f"{{\\c{colour}&}}{_ass_text(w.text, style)}{{\\r}}"
        if i == index
        else _ass_text(w.text, style)
        for i, w in enumerate(line.words)
    ]
    return " ".join(parts)


def ass_document(
    words: Sequence[Word],
    clip_start: float,
    clip_end: float,
    style: CaptionStyle,
    *,
    width: int = 1080,
    height: int = 1920,
) -> str:
    """An ASS subtitle file for the clip ``[clip_start, clip_end)`` of the source (pure)."""
    events: list[str] = []
    for line in caption_lines(words, clip_start, clip_end, style.max_words_per_line):
        if not style.word_by_word_highlight:
            text = " ".join(_ass_text(w.text, style) for w in line.words)
            events.append(_dialogue(line.start, line.end, text))
            continue
        for i, word in enumerate(line.words):
            end = line.words[i + 1].start if i + 1 < len(line.words) else line.end
            events.append(_dialogue(word.start, max(end, word.start), _highlighted(line, i, style)))
    return _ass_header(style, width, height) + "".join(events)


def _dialogue(start: float, end: float, text: str) -> str:
    return f"Dialogue: 0,{_ass_time(start)},{_ass_time(end)},Default,,0,0,0,,{text}\n"


def _cue_time(seconds: float, separator: str) -> str:
    ms = round(max(seconds, 0.0) * 1000)
    hours, minutes, secs = ms // 3600000, ms // 60000 % 60, ms // 1000 % 60
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{ms % 1000:03d}"


def _cues(
    words: Sequence[Word], clip_start: float, clip_end: float, max_words: int, sep: str
) -> list[str]:
    return [
        f"{_cue_time(line.start, sep)} --> {_cue_time(line.end, sep)}\n"
        + " ".join(w.text for w in line.words)
        for line in caption_lines(words, clip_start, clip_end, max_words)
    ]


def srt_document(
    words: Sequence[Word], clip_start: float, clip_end: float, max_words_per_line: int = 7
) -> str:
    """SubRip captions for the clip, one cue per line of words (pure)."""
    cues = _cues(words, clip_start, clip_end, max_words_per_line, ",")
    return "".join(f"{i}\n{cue}\n\n" for i, cue in enumerate(cues, 1))


def vtt_document(
    words: Sequence[Word], clip_start: float, clip_end: float, max_words_per_line: int = 7
) -> str:
    """WebVTT captions for the clip, one cue per line of words (pure)."""
    cues = _cues(words, clip_start, clip_end, max_words_per_line, ".")
    return "WEBVTT\n\n" + "".join(f"{cue}\n\n" for cue in cues)
