"""Broadcast looks: the visual and encoding identity of a rendered broadcast.

Each look varies what a detector must not depend on: where the scorebug sits and how it is laid
out, its colours and font, whether it shows tenths, a play clock, down & distance or timeout
pips, whether replays hide or freeze it, the field's green and mowing pattern, and the frame
rate, size, GOP and encoder settings of the file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from types import MappingProxyType
from typing import Literal, cast

__all__ = ["LOOKS", "Anchor", "Look", "look_from_dict"]

RGB = tuple[int, int, int]
Anchor = Literal["top-left", "top-right", "bottom-left", "bottom-center", "top-center"]

_DEJAVU = "/usr/share/fonts/truetype/dejavu/"
_LIB = "/usr/share/fonts/truetype/liberation2/"
_FREE = "/usr/share/fonts/truetype/freefont/"

NTSC30 = Fraction(30000, 1001)
NTSC60 = Fraction(60000, 1001)


@dataclass(frozen=True, slots=True)
class Look:
    """A broadcast's visual identity and encoding.

    Attributes:
        name: neutral identifier, e.g. "bar_bottom_720p30".
        width: frame width in pixels (even).
        height: frame height in pixels (even).
        fps: exact frame rate (30000/1001 or 60000/1001).
        gop: keyframe interval in frames (``-g``; fixed, no scene-cut keyframes).
        preset: x264 preset.
        bframes: B-frames between reference frames (``-bf``, fixed pattern, pyramid). Real
            broadcast and streaming encodes use them (usually 2-3); 0 gives an I/P-only stream
            like some live encoders.
        crf: x264 constant rate factor.
        layout: "bar" (one row) or "box" (two team rows plus a clock column).
        anchor: where on the frame the scorebug sits.
        bug_scale: scorebug size relative to the frame height (1.0 = the default size).
        bug_bg: scorebug background colour.
        bug_fg: scorebug text colour.
        bug_accent: colour of the clock / period panel.
        team_colored: team rows use the teams' colours instead of ``bug_bg``.
        font: path of the scorebug font (TrueType).
        tenths: show "SS.s" under one minute.
        play_clock: show the 40/25 s play clock.
        down_distance: show "1st & 10".
        timeout_pips: show three pips per team for timeouts left.
        replay_bug: during replays the scorebug is "hidden" or shown "frozen".
        field_green: base turf colour.
        stripe_yards: width of a mowing stripe in yards (5 or 10).
        stripe_delta: brightness difference between stripes (0-40).
        grain: amplitude of per-frame sensor noise (0 = none), in 8-bit levels.
        audio_rate: audio sample rate in Hz.
    """

    name: str
    width: int
    height: int
    fps: Fraction
    gop: int
    preset: str
    bframes: int
    crf: int
    layout: Literal["bar", "box"]
    anchor: Anchor
    bug_scale: float
    bug_bg: RGB
    bug_fg: RGB
    bug_accent: RGB
    team_colored: bool
    font: str
    tenths: bool
    play_clock: bool
    down_distance: bool
    timeout_pips: bool
    replay_bug: Literal["hidden", "frozen"]
    field_green: RGB
    stripe_yards: int
    stripe_delta: int
    grain: int
    audio_rate: int

    @property
    def fps_text(self) -> str:
        """Frame rate as ffmpeg and the truth file write it ("30000/1001")."""
        return f"{self.fps.numerator}/{self.fps.denominator}"

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form (``fps`` as "N/D")."""
        d: dict[str, object] = {f: getattr(self, f) for f in self.__dataclass_fields__}
        d["fps"] = self.fps_text
        for k in ("bug_bg", "bug_fg", "bug_accent", "field_green"):
            d[k] = list(getattr(self, k))
        return d


def look_from_dict(d: Mapping[str, object]) -> Look:
    """Inverse of :meth:`Look.to_dict`."""
    kw = dict(d)
    kw["fps"] = Fraction(str(kw["fps"]))
    for k in ("bug_bg", "bug_fg", "bug_accent", "field_green"):
        kw[k] = tuple(cast("Iterable[int]", kw[k]))
    return Look(**kw)  # type: ignore[arg-type]


def _look(name: str, **kw: object) -> Look:
    base: dict[str, object] = dict(
        width=1280,
        height=720,
        fps=NTSC30,
        gop=30,
        preset="superfast",
        bframes=3,
        crf=23,
        layout="bar",
        anchor="bottom-center",
        bug_scale=1.0,
        bug_bg=(18, 22, 34),
        bug_fg=(245, 245, 245),
        bug_accent=(200, 30, 40),
        team_colored=False,
        font=_DEJAVU + "DejaVuSans-Bold.ttf",
        tenths=False,
        play_clock=False,
        down_distance=True,
        timeout_pips=False,
        replay_bug="hidden",
        field_green=(46, 122, 52),
        stripe_yards=5,
        stripe_delta=14,
        grain=0,
        audio_rate=48000,
    )
    base.update(kw)
    return Look(name=name, **base)  # type: ignore[arg-type]


LOOKS: Mapping[str, Look] = MappingProxyType(
    {
        lk.name: lk
        for lk in (
            _look(
                "bar_bottom_720p30",
                preset="ultrafast",
                crf=22,
                layout="bar",
                anchor="bottom-center",
                play_clock=True,
                timeout_pips=True,
                replay_bug="frozen",
            ),
            _look(
                "box_topleft_480p30",
                width=854,
                height=480,
                layout="box",
                anchor="top-left",
                bug_bg=(236, 236, 232),
                bug_fg=(20, 20, 24),
                bug_accent=(30, 60, 140),
                font=_LIB + "LiberationSans-Bold.ttf",
                preset="ultrafast",
                bframes=0,
                crf=24,
                field_green=(58, 128, 48),
                stripe_yards=10,
                stripe_delta=10,
                grain=2,
            ),
            _look(
                "dark_topright_720p60_longgop",
                fps=NTSC60,
                gop=250,
                layout="box",
                anchor="top-right",
                bug_bg=(8, 8, 10),
                bug_accent=(60, 60, 66),
                tenths=True,
                font=_FREE + "FreeSansBold.ttf",
                preset="ultrafast",
                crf=26,
                field_green=(38, 108, 44),
                stripe_delta=20,
            ),
            _look(
                "team_topcenter_720p30",
                layout="bar",
                anchor="top-center",
                team_colored=True,
                bug_accent=(25, 25, 25),
                tenths=True,
                play_clock=True,
                bug_scale=0.9,
                font=_DEJAVU + "DejaVuSansCondensed-Bold.ttf",
                replay_bug="frozen",
                field_green=(52, 134, 58),
                stripe_yards=10,
                stripe_delta=8,
            ),
            _look(
                "light_bottomleft_480p30_longgop",
                width=854,
                height=480,
                gop=250,
                layout="box",
                anchor="bottom-left",
                bug_bg=(245, 242, 230),
                bug_fg=(30, 30, 30),
                bug_accent=(150, 20, 30),
                font=_DEJAVU + "DejaVuSerif-Bold.ttf",
                preset="veryfast",
                crf=22,
                timeout_pips=True,
                field_green=(44, 116, 40),
                stripe_delta=18,
            ),
            _look(
                "slim_topleft_720p30_crf28",
                layout="bar",
                anchor="top-left",
                bug_scale=0.8,
                bug_bg=(30, 30, 120),
                bug_accent=(240, 190, 30),
                crf=28,
                preset="ultrafast",
                font=_LIB + "LiberationSans-Bold.ttf",
                down_distance=False,
                play_clock=True,
                field_green=(60, 140, 62),
                stripe_yards=5,
                stripe_delta=6,
                grain=2,
            ),
            _look(
                "serif_bottomcenter_480p60",
                audio_rate=44100,
                width=854,
                height=480,
                fps=NTSC60,
                gop=60,
                layout="bar",
                anchor="bottom-center",
                bug_scale=1.1,
                bug_bg=(90, 10, 20),
                bug_accent=(240, 240, 240),
                font=_LIB + "LiberationSerif-Bold.ttf",
                preset="ultrafast",
                bframes=0,
                tenths=True,
                replay_bug="frozen",
                timeout_pips=True,
                field_green=(50, 120, 60),
                stripe_yards=10,
                stripe_delta=16,
            ),
            _look(
                "team_topright_480p30_shortgop",
                width=854,
                height=480,
                gop=15,
                layout="box",
                anchor="top-right",
                team_colored=True,
                bug_accent=(16, 16, 16),
                font=_FREE + "FreeSans.ttf",
                preset="superfast",
                play_clock=True,
                field_green=(40, 112, 56),
                stripe_yards=5,
                stripe_delta=12,
            ),
            _look(
                "box_bottomcenter_720p30_longgop",
                gop=250,
                layout="box",
                anchor="bottom-center",
                bug_bg=(250, 250, 250),
                bug_fg=(10, 10, 10),
                bug_accent=(0, 90, 60),
                font=_DEJAVU + "DejaVuSansCondensed-Bold.ttf",
                preset="ultrafast",
                crf=25,
                tenths=True,
                timeout_pips=True,
                field_green=(48, 128, 44),
                stripe_delta=22,
            ),
        )
    }
)
"""Named looks; every preset takes one of these names."""
