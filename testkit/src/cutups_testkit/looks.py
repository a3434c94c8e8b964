"""Broadcast looks: the visual and encoding identity of a rendered broadcast.

Each look varies what a detector must not depend on: where the scorebug sits and how it is laid
out, its colours and font, whether it shows tenths, a play clock, down & distance or timeout
pips, whether replays hide or freeze it, the field's green and mowing pattern, and the frame
rate, size, GOP and encoder settings of the file.

Two families:

* **classic** looks (``net is None``): a flat panorama panned sideways, sprite players, opaque
  scorebugs. The engine's first tests and benchmarks use them; they render exactly as before.
* **network** looks (``net`` set, :class:`NetworkStyle`): a high sideline camera with
  perspective that pans and zooms with the ball, 22 shaded players, referees, tight and aerial
  cut-aways, translucent gradient scorebugs of several layouts, watermark, promos, lower thirds,
  replays from other angles behind animated wipes. Each is marked :attr:`Look.split`
  "tuning" (detectors may be tuned on it) or "held_out" (only for checking them).

:func:`without_bug` switches the scorebug off (a broadcast with no bug at all).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from fractions import Fraction
from types import MappingProxyType
from typing import Literal, cast

__all__ = [
    "CLASSIC_LOOKS",
    "HELD_OUT_LOOKS",
    "LOOKS",
    "NETWORK_LOOKS",
    "TUNING_LOOKS",
    "Anchor",
    "Look",
    "NetworkStyle",
    "Split",
    "look_from_dict",
    "without_bug",
]

RGB = tuple[int, int, int]
Anchor = Literal[
    "top-left", "top-right", "bottom-left", "bottom-right", "bottom-center", "top-center"
]
Layout = Literal["bar", "box", "full_bar", "stack", "pill", "strip", "split", "tower"]
Split = Literal["classic", "tuning", "held_out"]

_DEJAVU = "/usr/share/fonts/truetype/dejavu/"
_LIB = "/usr/share/fonts/truetype/liberation2/"
_FREE = "/usr/share/fonts/truetype/freefont/"
_LATO = "/usr/share/fonts/truetype/lato/"

NTSC24 = Fraction(24000, 1001)
NTSC30 = Fraction(30000, 1001)
NTSC60 = Fraction(60000, 1001)
PAL25 = Fraction(25)
PAL50 = Fraction(50)


@dataclass(frozen=True, slots=True)
class NetworkStyle:
    """Camera and graphics of a network look (see the module docs).

    Attributes:
        bug_bg2: the bug's gradient runs from ``Look.bug_bg`` (top) to this colour (bottom).
        bug_alpha: opacity of the bug's background (its text is opaque), 0-1.
        play_clock_last: 0 shows the play clock always; N only in its last N seconds.
        flag_flash: the down & distance field flashes "FLAG" after a foul.
        watermark: channel watermark text ("" for none), translucent, on every game shot.
        watermark_corner: where the watermark sits.
        promo_every: mean seconds between promo banners beside the bug (0: none).
        lower_third_every: mean seconds between slide-in lower thirds (0: none).
        camera_height: main camera height above the field, yards.
        camera_back: main camera distance behind the near sideline, yards.
        view_yards: width of field the main camera frames at the ball before the snap, yards.
        camera_lag: seconds by which the camera's pan and zoom trail the ball.
        replay_angles: replay cameras, cycled: "endzone", "reverse", "tight".
        wipe: animated replay wipe: "logo" (spinning badge over a band) or "bands"
            (diagonal team-colour bands).
        stands: base colour of the stadium's stands.
    """

    bug_bg2: RGB
    bug_alpha: float
    play_clock_last: int
    flag_flash: bool
    watermark: str
    watermark_corner: Anchor
    promo_every: float
    lower_third_every: float
    camera_height: float
    camera_back: float
    view_yards: float
    camera_lag: float
    replay_angles: tuple[str, ...]
    wipe: Literal["logo", "bands"]
    stands: RGB

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        d: dict[str, object] = {f: getattr(self, f) for f in self.__dataclass_fields__}
        d["bug_bg2"], d["stands"] = list(self.bug_bg2), list(self.stands)
        d["replay_angles"] = list(self.replay_angles)
        return d


def _net_from_dict(d: Mapping[str, object]) -> NetworkStyle:
    kw = dict(d)
    for k in ("bug_bg2", "stands"):
        kw[k] = tuple(cast("Iterable[int]", kw[k]))
    kw["replay_angles"] = tuple(cast("Iterable[str]", kw["replay_angles"]))
    return NetworkStyle(**kw)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Look:
    """A broadcast's visual identity and encoding.

    Attributes:
        name: neutral identifier, e.g. "bar_bottom_720p30".
        width: frame width in pixels (even).
        height: frame height in pixels (even).
        fps: exact frame rate (24000/1001, 30000/1001, 60000/1001, 25 or 50).
        gop: keyframe interval in frames (``-g``; fixed, no scene-cut keyframes).
        preset: x264 preset.
        bframes: B-frames between reference frames (``-bf``, fixed pattern, pyramid). Real
            broadcast and streaming encodes use them (usually 2-3); 0 gives an I/P-only stream
            like some live encoders.
        crf: x264 constant rate factor.
        layout: classic: "bar" (one row) or "box" (two team rows plus a clock column);
            network: "full_bar" (across the whole bottom, or top with a top anchor),
            "stack" (two team rows, clock column, info row), "pill" (one compact rounded
            row), "strip" (slim top bar), "split" (the teams' box and the clock's box at
            the two ends of a row across the frame), "tower" (a tall narrow column).
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
        net: camera and graphics of a network look; None for a classic look.
        split: "classic", or for network looks "tuning" / "held_out".
        scorebug: False renders no scorebug at all (the truth then says it is hidden).
    """

    name: str
    width: int
    height: int
    fps: Fraction
    gop: int
    preset: str
    bframes: int
    crf: int
    layout: Layout
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
    net: NetworkStyle | None = None
    split: Split = "classic"
    scorebug: bool = True

    @property
    def fps_text(self) -> str:
        """Frame rate as ffmpeg and the truth file write it ("30000/1001")."""
        return f"{self.fps.numerator}/{self.fps.denominator}"

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form (``fps`` as "N/D"); a classic look's form is what it always was."""
        d: dict[str, object] = {f: getattr(self, f) for f in self.__dataclass_fields__}
        d["fps"] = self.fps_text
        for k in ("bug_bg", "bug_fg", "bug_accent", "field_green"):
            d[k] = list(getattr(self, k))
        # left out at their defaults, so classic looks keep their cache keys
        if self.net is None:
            del d["net"]
        else:
            d["net"] = self.net.to_dict()
        if self.split == "classic":
            del d["split"]
        if self.scorebug:
            del d["scorebug"]
        return d


def look_from_dict(d: Mapping[str, object]) -> Look:
    """Inverse of :meth:`Look.to_dict`."""
    kw = dict(d)
    kw["fps"] = Fraction(str(kw["fps"]))
    for k in ("bug_bg", "bug_fg", "bug_accent", "field_green"):
        kw[k] = tuple(cast("Iterable[int]", kw[k]))
    if kw.get("net") is not None:
        kw["net"] = _net_from_dict(cast("Mapping[str, object]", kw["net"]))
    return Look(**kw)  # type: ignore[arg-type]


def without_bug(look: Look) -> Look:
    """``look`` with its scorebug switched off, named ``<name>_nobug``."""
    if not look.scorebug:
        return look
    return replace(look, name=f"{look.name}_nobug", scorebug=False)


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


_CLASSIC: tuple[Look, ...] = (
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


def _net_look(name: str, split: Split, net: dict[str, object], **kw: object) -> Look:
    style: dict[str, object] = dict(
        bug_bg2=(6, 10, 24),
        bug_alpha=0.85,
        play_clock_last=0,
        flag_flash=True,
        watermark="CFN",
        watermark_corner="top-right",
        promo_every=75.0,
        lower_third_every=50.0,
        camera_height=24.0,
        camera_back=34.0,
        view_yards=42.0,
        camera_lag=0.6,
        replay_angles=("endzone", "reverse"),
        wipe="logo",
        stands=(70, 70, 78),
    )
    style.update(net)
    base: dict[str, object] = dict(
        gop=60, preset="ultrafast", bframes=2, crf=23, replay_bug="hidden", stripe_delta=12
    )
    base.update(kw)
    return _look(name, net=NetworkStyle(**style), split=split, **base)  # type: ignore[arg-type]


_NETWORK: tuple[Look, ...] = (
    # ---- tuning: detectors may be tuned on these ----------------------------------------------
    _net_look(
        "net_fullbar_720p30",
        "tuning",
        dict(bug_bg2=(4, 10, 40), bug_alpha=0.82, watermark_corner="top-right"),
        layout="full_bar",
        anchor="bottom-center",
        bug_bg=(22, 40, 96),
        bug_accent=(230, 180, 30),
        play_clock=True,
        timeout_pips=True,
        font=_DEJAVU + "DejaVuSansCondensed-Bold.ttf",
        field_green=(52, 118, 50),
        stripe_yards=5,
    ),
    _net_look(
        "net_stack_1080p25",
        "tuning",
        dict(
            bug_bg2=(150, 156, 168),
            bug_alpha=0.78,
            play_clock_last=10,
            watermark="SPORTS 1",
            watermark_corner="bottom-right",
            camera_height=30.0,
            camera_back=40.0,
            view_yards=46.0,
            wipe="bands",
            replay_angles=("reverse", "tight", "endzone"),
            stands=(90, 84, 80),
        ),
        width=1920,
        height=1080,
        fps=PAL25,
        gop=50,
        layout="stack",
        anchor="top-left",
        bug_bg=(245, 245, 248),
        bug_fg=(16, 16, 20),
        bug_accent=(200, 20, 30),
        team_colored=True,
        font=_LIB + "LiberationSans-Bold.ttf",
        tenths=True,
        play_clock=True,
        field_green=(60, 128, 46),
        stripe_yards=10,
        stripe_delta=16,
        audio_rate=48000,
    ),
    _net_look(
        "net_pill_540p60",
        "tuning",
        dict(
            bug_bg2=(0, 0, 0),
            bug_alpha=0.7,
            watermark="GAMEDAY",
            watermark_corner="top-left",
            promo_every=60.0,
            camera_height=20.0,
            camera_back=30.0,
            view_yards=38.0,
            camera_lag=0.45,
            replay_angles=("tight", "endzone"),
        ),
        width=960,
        height=540,
        fps=NTSC60,
        gop=120,
        layout="pill",
        anchor="bottom-right",
        bug_bg=(40, 40, 46),
        bug_accent=(20, 120, 220),
        font=_FREE + "FreeSansBold.ttf",
        play_clock=True,
        field_green=(44, 112, 56),
        stripe_yards=5,
        stripe_delta=18,
        grain=2,
    ),
    # ---- held out: never tune on these ------------------------------------------------------
    _net_look(
        "net_grass_720p50",
        "held_out",
        dict(
            bug_bg2=(30, 92, 40),
            bug_alpha=0.88,
            watermark="ESN",
            watermark_corner="top-left",
            camera_height=26.0,
            view_yards=40.0,
            camera_lag=0.75,
            replay_angles=("endzone", "tight"),
        ),
        fps=PAL50,
        gop=100,
        layout="pill",
        anchor="bottom-left",
        bug_bg=(56, 128, 60),
        bug_accent=(34, 96, 40),
        font=_DEJAVU + "DejaVuSans-Bold.ttf",
        tenths=True,
        play_clock=True,
        field_green=(50, 124, 54),
        stripe_yards=5,
        stripe_delta=14,
    ),
    _net_look(
        "net_strip_1080p30",
        "held_out",
        dict(
            bug_bg2=(0, 0, 0),
            bug_alpha=0.62,
            play_clock_last=5,
            watermark="FOOTBALL NOW",
            watermark_corner="bottom-right",
            promo_every=90.0,
            lower_third_every=40.0,
            camera_height=32.0,
            camera_back=44.0,
            view_yards=48.0,
            camera_lag=0.9,
            replay_angles=("reverse", "endzone"),
            wipe="bands",
        ),
        width=1920,
        height=1080,
        layout="strip",
        anchor="top-center",
        bug_bg=(30, 30, 34),
        bug_accent=(250, 250, 250),
        font=_LIB + "LiberationSans-Bold.ttf",
        tenths=True,
        play_clock=True,
        crf=24,
        field_green=(40, 108, 44),
        stripe_yards=10,
        stripe_delta=10,
    ),
    _net_look(
        "net_teamstack_540p50",
        "held_out",
        dict(
            bug_bg2=(200, 204, 214),
            bug_alpha=0.8,
            watermark="U-NET",
            watermark_corner="bottom-left",
            camera_height=22.0,
            camera_back=28.0,
            view_yards=36.0,
            camera_lag=0.5,
            replay_angles=("tight", "reverse", "endzone"),
            stands=(60, 66, 84),
        ),
        width=960,
        height=540,
        fps=PAL50,
        gop=50,
        bframes=0,
        layout="stack",
        anchor="top-right",
        bug_bg=(252, 252, 252),
        bug_fg=(20, 20, 20),
        bug_accent=(16, 16, 16),
        team_colored=True,
        font=_DEJAVU + "DejaVuSerif-Bold.ttf",
        timeout_pips=True,
        field_green=(58, 134, 50),
        stripe_yards=5,
        stripe_delta=8,
        audio_rate=44100,
    ),
    # Added later, never looked at while tuning: layouts, rates, fonts and fields unlike all
    # the looks above (a split bug, a corner tower, a bar across the top; 23.976 fps, a
    # heavily compressed 480p, 59.94 fps at 720p; italic, monospace and serif clocks; a dark
    # night field, worn brown-green grass, blue artificial turf).
    _net_look(
        "net_split_720p24",
        "held_out",
        dict(
            bug_bg2=(10, 6, 8),
            bug_alpha=0.55,
            play_clock_last=10,
            watermark="NITE",
            watermark_corner="bottom-left",
            promo_every=55.0,
            lower_third_every=35.0,
            camera_height=38.0,
            camera_back=50.0,
            view_yards=52.0,
            camera_lag=1.1,
            replay_angles=("reverse", "tight"),
            wipe="bands",
            stands=(34, 32, 40),
        ),
        fps=NTSC24,
        gop=48,
        bframes=3,
        crf=25,
        preset="superfast",
        layout="split",
        anchor="top-center",
        bug_bg=(120, 16, 28),
        bug_fg=(250, 250, 250),
        bug_accent=(24, 24, 28),
        font=_LATO + "Lato-HeavyItalic.ttf",
        tenths=True,
        play_clock=True,
        field_green=(30, 84, 38),
        stripe_yards=10,
        stripe_delta=6,
        grain=2,
    ),
    _net_look(
        "net_tower_480p30",
        "held_out",
        dict(
            bug_bg2=(196, 190, 176),
            bug_alpha=0.92,
            flag_flash=False,
            watermark="",
            promo_every=45.0,
            lower_third_every=30.0,
            camera_height=14.0,
            camera_back=22.0,
            view_yards=30.0,
            camera_lag=0.35,
            replay_angles=("endzone",),
            stands=(96, 80, 64),
        ),
        width=854,
        height=480,
        gop=300,
        bframes=3,
        crf=31,
        preset="veryfast",
        layout="tower",
        anchor="top-left",
        bug_scale=1.25,
        bug_bg=(240, 236, 224),
        bug_fg=(24, 20, 16),
        bug_accent=(120, 24, 20),
        font=_LIB + "LiberationMono-Bold.ttf",
        timeout_pips=True,
        play_clock=True,
        field_green=(92, 104, 52),
        stripe_yards=5,
        stripe_delta=4,
        grain=4,
        audio_rate=44100,
    ),
    _net_look(
        "net_topbar_720p60",
        "held_out",
        dict(
            bug_bg2=(8, 8, 8),
            bug_alpha=0.74,
            play_clock_last=5,
            watermark="BLUE 7",
            watermark_corner="bottom-right",
            promo_every=80.0,
            camera_height=28.0,
            camera_back=36.0,
            view_yards=44.0,
            camera_lag=0.8,
            replay_angles=("endzone", "reverse", "tight"),
            stands=(80, 76, 70),
        ),
        fps=NTSC60,
        gop=120,
        bframes=3,
        crf=22,
        layout="full_bar",
        anchor="top-center",
        bug_bg=(64, 64, 66),
        bug_accent=(236, 120, 20),
        team_colored=True,
        font=_FREE + "FreeSerifBold.ttf",
        play_clock=True,
        field_green=(36, 72, 150),
        stripe_yards=10,
        stripe_delta=8,
    ),
    # Session 13, never looked at while tuning (the three above are tuned on since): turf that
    # is neither green nor blue (red "inferno" turf, grey turf, teal turf), new sizes (PAL SD
    # 576p, a 768p stream, a 360p mobile stream), new corners for the stack, split and tower
    # bugs, and fonts no bug drew with (narrow, monospace sans, Lato Black).
    _net_look(
        "net_redturf_576p25",
        "held_out",
        dict(  # a bug in the turf's own red, see-through; the longest camera lag yet
            bug_bg2=(108, 20, 28),
            bug_alpha=0.6,
            watermark="RED ZONE",
            watermark_corner="top-left",
            promo_every=65.0,
            lower_third_every=45.0,
            camera_height=18.0,
            camera_back=26.0,
            view_yards=34.0,
            camera_lag=1.4,
            replay_angles=("tight", "reverse"),
            wipe="bands",
            stands=(58, 40, 40),
        ),
        width=1024,
        height=576,
        fps=PAL25,
        gop=12,
        bframes=2,
        crf=30,
        preset="veryfast",
        layout="stack",
        anchor="bottom-left",
        bug_bg=(150, 36, 42),
        bug_fg=(250, 246, 240),
        bug_accent=(40, 12, 16),
        font=_LIB + "LiberationSansNarrow-Bold.ttf",
        tenths=True,
        play_clock=True,
        timeout_pips=True,
        field_green=(146, 34, 40),
        stripe_yards=5,
        stripe_delta=10,
        grain=3,
    ),
    _net_look(
        "net_greyturf_768p30",
        "held_out",
        dict(  # a light bug across the bottom, the clock at the far end; busy graphics
            bug_bg2=(170, 176, 184),
            bug_alpha=0.7,
            play_clock_last=10,
            flag_flash=False,
            watermark="METRO",
            watermark_corner="top-right",  # bottom-left would sit under the bug's left box
            promo_every=40.0,
            lower_third_every=25.0,
            camera_height=34.0,
            camera_back=30.0,
            view_yards=56.0,
            camera_lag=0.3,
            replay_angles=("endzone", "tight"),
            stands=(44, 44, 48),
        ),
        width=1366,
        height=768,
        gop=90,
        bframes=3,
        crf=26,
        preset="superfast",
        layout="split",
        anchor="bottom-center",
        bug_bg=(232, 234, 238),
        bug_fg=(20, 22, 26),
        bug_accent=(0, 110, 120),
        font=_DEJAVU + "DejaVuSansMono-Bold.ttf",
        play_clock=True,
        field_green=(104, 106, 110),
        stripe_yards=10,
        stripe_delta=24,
    ),
    _net_look(
        "net_tealturf_360p30",
        "held_out",
        dict(  # a tiny, heavily compressed stream; the tower in the bottom-right corner
            bug_bg2=(0, 0, 0),
            bug_alpha=0.8,
            play_clock_last=5,
            watermark="",
            promo_every=70.0,
            lower_third_every=0.0,
            camera_height=24.0,
            camera_back=40.0,
            view_yards=40.0,
            camera_lag=0.9,
            replay_angles=("endzone", "tight", "reverse"),
            stands=(50, 60, 70),
        ),
        width=640,
        height=360,
        gop=250,
        bframes=0,
        crf=33,
        preset="veryfast",
        layout="tower",
        anchor="bottom-right",
        bug_scale=1.3,
        bug_bg=(10, 20, 40),
        bug_accent=(220, 170, 40),
        font=_LATO + "Lato-Black.ttf",
        tenths=True,
        play_clock=True,
        field_green=(18, 118, 122),
        stripe_yards=5,
        stripe_delta=8,
        audio_rate=44100,
    ),
    # Session 14, never looked at while tuning: a dormant tan grass field, purple turf and a
    # vivid lime grass with loud stripes; a white pill at the top left, a see-through bar across
    # the whole bottom, a tower at the top right; 1080p, PAL 50 fps, a 432p 23.976 stream; fonts
    # no bug drew with (Lato Bold, FreeSans oblique, DejaVu Serif Condensed).
    _net_look(
        "net_tanfield_1080p30",
        "held_out",
        dict(  # winter grass, a very high and wide camera, a white pill
            bug_bg2=(214, 214, 220),
            bug_alpha=0.95,
            flag_flash=True,
            watermark="SUN",
            watermark_corner="bottom-right",
            promo_every=60.0,
            lower_third_every=40.0,
            camera_height=44.0,
            camera_back=58.0,
            view_yards=60.0,
            camera_lag=0.7,
            replay_angles=("reverse", "endzone", "tight"),
            stands=(90, 84, 70),
        ),
        width=1920,
        height=1080,
        gop=60,
        bframes=2,
        crf=21,
        layout="pill",
        anchor="top-left",
        bug_bg=(250, 250, 250),
        bug_fg=(16, 16, 24),
        bug_accent=(196, 28, 36),
        font=_LATO + "Lato-Bold.ttf",
        field_green=(150, 132, 86),
        stripe_yards=5,
        stripe_delta=14,
    ),
    _net_look(
        "net_purpleturf_720p50",
        "held_out",
        dict(  # a half-transparent bar across the bottom in the turf's own purple
            bug_bg2=(14, 0, 24),
            bug_alpha=0.5,
            play_clock_last=8,
            watermark="VIOLET",
            watermark_corner="top-left",
            promo_every=50.0,
            lower_third_every=30.0,
            camera_height=26.0,
            camera_back=32.0,
            view_yards=38.0,
            camera_lag=1.2,
            replay_angles=("tight", "endzone"),
            wipe="bands",
            stands=(40, 30, 52),
        ),
        fps=PAL50,
        gop=100,
        bframes=3,
        crf=27,
        preset="superfast",
        layout="full_bar",
        anchor="bottom-center",
        bug_bg=(70, 36, 100),
        bug_fg=(255, 255, 255),
        bug_accent=(250, 200, 0),
        team_colored=True,
        font=_FREE + "FreeSansBoldOblique.ttf",
        tenths=True,
        play_clock=True,
        field_green=(84, 48, 116),
        stripe_yards=10,
        stripe_delta=10,
        grain=2,
    ),
    _net_look(
        "net_limegrass_432p24",
        "held_out",
        dict(  # a small 24p stream: a low camera that lags far behind, a tower top right
            bug_bg2=(0, 40, 20),
            bug_alpha=0.65,
            play_clock_last=0,
            flag_flash=False,
            watermark="LIME",
            watermark_corner="bottom-left",
            promo_every=0.0,
            lower_third_every=20.0,
            camera_height=12.0,
            camera_back=18.0,
            view_yards=26.0,
            camera_lag=1.6,
            replay_angles=("endzone",),
            stands=(64, 72, 60),
        ),
        width=768,
        height=432,
        fps=NTSC24,
        gop=24,
        bframes=1,
        crf=34,
        preset="veryfast",
        layout="tower",
        anchor="top-right",
        bug_bg=(0, 70, 36),
        bug_fg=(240, 255, 240),
        bug_accent=(255, 255, 255),
        font=_DEJAVU + "DejaVuSerifCondensed-Bold.ttf",
        play_clock=True,
        down_distance=True,
        field_green=(92, 168, 36),
        stripe_yards=10,
        stripe_delta=30,
        grain=5,
    ),
    # Session 14, second set, rendered and scored only once at the session's end: a snow-dusted
    # field pale enough to be nearly grey, an emerald turf outside the default green window; a
    # stack at the bottom right, a yellow pill at the top right; a 10-second GOP at 59.94 fps.
    _net_look(
        "net_snowgrass_720p30",
        "held_out",
        dict(  # snow over grass: little colour left in the field
            bug_bg2=(4, 8, 30),
            bug_alpha=0.9,
            play_clock_last=10,
            watermark="WINTER",
            watermark_corner="top-left",
            promo_every=50.0,
            lower_third_every=40.0,
            camera_height=30.0,
            camera_back=40.0,
            view_yards=46.0,
            camera_lag=1.0,
            replay_angles=("reverse", "tight"),
            stands=(120, 120, 128),
        ),
        crf=28,
        preset="veryfast",
        layout="stack",
        anchor="bottom-right",
        bug_bg=(16, 24, 60),
        bug_accent=(230, 230, 236),
        font=_LATO + "Lato-Heavy.ttf",
        tenths=True,
        play_clock=True,
        field_green=(150, 176, 150),
        stripe_yards=5,
        stripe_delta=6,
        grain=2,
    ),
    _net_look(
        "net_emerald_540p60",
        "held_out",
        dict(  # a high wide camera, a long GOP, a yellow pill
            bug_bg2=(236, 190, 0),
            bug_alpha=0.88,
            play_clock_last=5,
            watermark="EMX",
            watermark_corner="bottom-left",
            promo_every=70.0,
            lower_third_every=35.0,
            camera_height=40.0,
            camera_back=45.0,
            view_yards=50.0,
            camera_lag=0.4,
            replay_angles=("endzone", "reverse"),
            stands=(30, 34, 44),
        ),
        width=960,
        height=540,
        fps=NTSC60,
        gop=600,
        bframes=3,
        crf=29,
        layout="pill",
        anchor="top-right",
        bug_bg=(250, 210, 0),
        bug_fg=(10, 10, 10),
        bug_accent=(10, 10, 10),
        font=_DEJAVU + "DejaVuSans-BoldOblique.ttf",
        tenths=True,
        play_clock=True,
        field_green=(0, 140, 70),
        stripe_yards=10,
        stripe_delta=12,
        grain=3,
    ),
    # Session 15, rendered and scored only once at the session's end: an olive field under a
    # low close camera with a white pill bottom-left; a bug painted in the grass's own greens,
    # stacked top-left over bright grass with bands for wipes.
    _net_look(
        "net_olive_576p25",
        "held_out",
        dict(  # a low, close camera: players big in the frame
            bug_bg2=(214, 214, 220),
            bug_alpha=0.92,
            play_clock_last=0,
            watermark="OLV",
            watermark_corner="top-right",
            promo_every=60.0,
            lower_third_every=45.0,
            camera_height=16.0,
            camera_back=26.0,
            view_yards=34.0,
            camera_lag=0.8,
            replay_angles=("tight", "endzone"),
            wipe="bands",
            stands=(96, 60, 40),
        ),
        width=1024,
        height=576,
        fps=PAL25,
        gop=50,
        crf=30,
        layout="pill",
        anchor="bottom-left",
        bug_bg=(248, 248, 250),
        bug_fg=(20, 20, 24),
        bug_accent=(200, 20, 30),
        font=_FREE + "FreeSansBold.ttf",
        tenths=False,
        play_clock=False,
        field_green=(74, 98, 38),
        stripe_yards=5,
        stripe_delta=10,
        grain=4,
    ),
    _net_look(
        "net_greenbug_720p60",
        "held_out",
        dict(  # the bug in the field's own greens
            bug_bg2=(20, 84, 30),
            bug_alpha=0.7,
            play_clock_last=8,
            watermark="GRN",
            watermark_corner="bottom-right",
            promo_every=80.0,
            lower_third_every=55.0,
            camera_height=28.0,
            camera_back=36.0,
            view_yards=44.0,
            camera_lag=0.5,
            replay_angles=("reverse", "endzone", "tight"),
            wipe="bands",
            stands=(54, 58, 62),
        ),
        fps=NTSC60,
        gop=120,
        crf=24,
        layout="stack",
        anchor="top-left",
        bug_bg=(34, 120, 44),
        bug_fg=(250, 250, 250),
        bug_accent=(250, 220, 60),
        font=_LIB + "LiberationSans-Bold.ttf",
        tenths=True,
        play_clock=True,
        down_distance=True,
        field_green=(40, 132, 48),
        stripe_yards=10,
        stripe_delta=16,
        grain=2,
    ),
    # Session 17, rendered and scored only once: a night game (dark turf, heavy grain, a very
    # see-through strip in a thin monospace at the top left); a rainy 10-second-GOP stream
    # compressed hard, an orange tower bottom-left in a thin face; a far, high camera with tiny
    # players and a pill at the top centre whose play clock is always running beside the clock.
    _net_look(
        "net_night_720p30",
        "held_out",
        dict(  # under lights: dark, grainy, a laggy camera
            bug_bg2=(4, 4, 6),
            bug_alpha=0.45,
            play_clock_last=10,
            watermark="NIGHT",
            watermark_corner="bottom-left",
            promo_every=45.0,
            lower_third_every=30.0,
            camera_height=34.0,
            camera_back=40.0,
            view_yards=48.0,
            camera_lag=1.2,
            replay_angles=("tight", "reverse", "endzone"),
            wipe="bands",
            stands=(20, 20, 26),
        ),
        gop=90,
        crf=30,
        layout="strip",
        anchor="top-left",
        bug_bg=(12, 12, 14),
        bug_fg=(255, 214, 90),
        bug_accent=(255, 255, 255),
        font=_FREE + "FreeMonoBold.ttf",
        tenths=True,
        play_clock=True,
        down_distance=True,
        field_green=(26, 70, 34),
        stripe_yards=10,
        stripe_delta=8,
        grain=8,
    ),
    _net_look(
        "net_rain_540p25",
        "held_out",
        dict(  # rain: a wet, flat field and a hard-compressed stream
            bug_bg2=(120, 40, 0),
            bug_alpha=0.85,
            play_clock_last=0,
            watermark="",
            promo_every=90.0,
            lower_third_every=0.0,
            camera_height=20.0,
            camera_back=30.0,
            view_yards=38.0,
            camera_lag=0.7,
            replay_angles=("endzone",),
            wipe="logo",
            stands=(60, 64, 70),
        ),
        width=960,
        height=540,
        fps=PAL25,
        gop=250,
        preset="veryfast",
        bframes=3,
        crf=35,
        layout="tower",
        anchor="bottom-left",
        bug_bg=(230, 110, 20),
        bug_fg=(10, 10, 10),
        bug_accent=(255, 255, 255),
        font=_LATO + "Lato-Medium.ttf",
        tenths=False,
        play_clock=False,
        down_distance=True,
        field_green=(48, 88, 56),
        stripe_yards=5,
        stripe_delta=4,
        grain=3,
    ),
    _net_look(
        "net_sky_480p60",
        "held_out",
        dict(  # a far, high camera: the players a few pixels tall
            bug_bg2=(0, 40, 90),
            bug_alpha=0.75,
            play_clock_last=0,
            watermark="SKY",
            watermark_corner="bottom-right",
            promo_every=60.0,
            lower_third_every=40.0,
            camera_height=60.0,
            camera_back=70.0,
            view_yards=64.0,
            camera_lag=0.3,
            replay_angles=("reverse", "tight"),
            wipe="bands",
            stands=(90, 90, 100),
        ),
        width=854,
        height=480,
        fps=NTSC60,
        gop=120,
        crf=27,
        layout="pill",
        anchor="top-center",
        bug_bg=(0, 90, 160),
        bug_fg=(255, 255, 255),
        bug_accent=(255, 200, 0),
        font=_DEJAVU + "DejaVuSansCondensed-BoldOblique.ttf",
        tenths=True,
        play_clock=True,
        field_green=(66, 150, 58),
        stripe_yards=10,
        stripe_delta=22,
        grain=2,
    ),
)


def _by_name(looks: Iterable[Look]) -> Mapping[str, Look]:
    return MappingProxyType({lk.name: lk for lk in looks})


CLASSIC_LOOKS = _by_name(_CLASSIC)
"""Flat-panorama looks (the engine's first tests and benchmarks)."""
NETWORK_LOOKS = _by_name(_NETWORK)
"""Perspective-camera looks with network graphics."""
TUNING_LOOKS = _by_name(lk for lk in _NETWORK if lk.split == "tuning")
"""Network looks a detector may be tuned on."""
HELD_OUT_LOOKS = _by_name(lk for lk in _NETWORK if lk.split == "held_out")
"""Network looks kept out of tuning, only for checking."""
LOOKS: Mapping[str, Look] = _by_name((*_CLASSIC, *_NETWORK))
"""Every named look; every preset takes one of these names."""
