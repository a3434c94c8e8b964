"""Ground truth of a broadcast: the file format ``cutups eval`` scores a manifest against.

The engine defines the format (frozen dataclasses saved as versioned JSON, ``truth.json``);
whoever knows the truth writes it: the sample-broadcast generator (``cutups_testkit``) builds a
:class:`Truth` from its simulation and saves it with :meth:`Truth.save`. :func:`load_truth`
reads one back with a clear :class:`~cutups.errors.InputError` when the file is not one.

All times are seconds of *video* (the recording), frame-exact: a time ``t`` is ``n / fps`` for
the frame index ``n``. Game clocks are seconds remaining in the period. A play's ``snap`` is the
first frame in which the players move as a team (for kicks: the kick); its ``whistle`` the
frame in which the play is over.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from cutups.errors import InputError

__all__ = [
    "TRUTH_VERSION",
    "Box",
    "ClockSegment",
    "Decoy",
    "ScorebugBoxes",
    "Segment",
    "Span",
    "TeamInfo",
    "Truth",
    "TruthPlay",
    "VideoInfo",
    "format_clock",
    "load_truth",
]

TRUTH_VERSION = 1


@dataclass(frozen=True, slots=True)
class TruthPlay:
    """One snap or kick inside the recording (see module docs for time conventions).

    ``index`` is the play's position among all plays of the game (0-based, game order);
    ``play_id`` the id of its exported play-by-play row (for a folded extra point: its own id,
    which no exported row carries; ``folded_into`` is then the touchdown row's id). Scores are
    before the play. ``complete`` is False when the recording ends before the whistle.
    """

    index: int
    play_id: int
    snap: float
    whistle: float
    period: int
    clock_at_snap: float
    clock_at_end: float
    offense: str
    defense: str
    play_type: str
    special_teams: bool
    down: int
    distance: int
    yard_line: int
    yards_to_goal: int
    yards_gained: int
    text: str
    home_score: int
    away_score: int
    listed: bool
    whistle_audible: bool
    presnap_motion: bool
    complete: bool
    folded_into: int | None
    snap_frame: int
    whistle_frame: int


@dataclass(frozen=True, slots=True)
class Segment:
    """One shot: ``kind`` in wide, closeup, crowd, sideline, graphic, wipe, replay, commercial,
    bumper, studio; ``scorebug`` is "live", "hidden" or "frozen"."""

    kind: str
    start: float
    end: float
    scorebug: str


@dataclass(frozen=True, slots=True)
class Span:
    """A replay (wipe in to wipe out, ``of_play`` = play index) or a run of commercials
    (bumpers included, ``of_play`` None); ``reason`` says why the break was taken."""

    start: float
    end: float
    of_play: int | None = None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class ClockSegment:
    """A stretch of video in which the game clock behaves uniformly.

    The live clock at video time ``t`` is ``clock_start - (t - video_start)`` (floored at 0)
    when ``running``, else ``clock_start``. ``shown`` says what the scorebug displays: "live"
    (that value), "frozen" (``frozen_clock``, while the live clock may run underneath) or
    "hidden". In overtime (period >= 5) the clock box is blank.
    """

    video_start: float
    video_end: float
    period: int
    clock_start: float
    running: bool
    shown: str
    frozen_clock: float | None = None

    def live_clock(self, t: float) -> float:
        """Live game clock at video time ``t`` inside this segment."""
        if not self.running:
            return self.clock_start
        return max(0.0, self.clock_start - (t - self.video_start))


@dataclass(frozen=True, slots=True)
class Box:
    """Pixel rectangle in the video frame."""

    x: int
    y: int
    w: int
    h: int


@dataclass(frozen=True, slots=True)
class ScorebugBoxes:
    """Where the scorebug is (``x, y, w, h``) and where its clock and period are drawn."""

    x: int
    y: int
    w: int
    h: int
    clock_box: Box
    period_box: Box
    tenths: bool


@dataclass(frozen=True, slots=True)
class VideoInfo:
    """The rendered file."""

    path: str
    duration: float
    fps: str
    width: int
    height: int
    gop: int
    frames: int
    audio_rate: int


@dataclass(frozen=True, slots=True)
class TeamInfo:
    """A team as the truth file names it."""

    name: str
    mascot: str
    abbr: str
    id: int


@dataclass(frozen=True, slots=True)
class Decoy:
    """Something that looks or sounds like a play but is not one.

    ``kind``: "false_start", "offside" (players move, whistle, no snap), "delay_of_game"
    (whistle, no movement), "timeout" (whistle in dead time). ``time`` is the movement (or the
    whistle), ``whistle`` the whistle.
    """

    kind: str
    time: float
    whistle: float


def format_clock(value: float, *, tenths: bool, period: int) -> str:
    """The clock text the scorebug shows for ``value`` seconds remaining ("" in overtime)."""
    if period >= 5:
        return ""
    if tenths and value < 60:
        return f"{math.floor(value * 10 + 1e-9) / 10:.1f}"
    s = math.floor(value + 1e-9)
    return f"{s // 60}:{s % 60:02d}"


def _build(cls: type[Any], d: Mapping[str, Any]) -> Any:
    return cls(**{f.name: d[f.name] for f in fields(cls) if f.name in d})


@dataclass(frozen=True, slots=True)
class Truth:
    """Everything a test or benchmark needs to know about a generated broadcast."""

    version: int
    spec: dict[str, Any]
    video: VideoInfo
    game_id: int
    home: TeamInfo
    away: TeamInfo
    plays: tuple[TruthPlay, ...]
    plays_outside_recording: tuple[int, ...]
    segments: tuple[Segment, ...]
    replays: tuple[Span, ...]
    commercials: tuple[Span, ...]
    scorebug: ScorebugBoxes
    clock_track: tuple[ClockSegment, ...]
    whistles_in_ads: tuple[float, ...]
    presnap_motion_plays: tuple[int, ...]
    decoys: tuple[Decoy, ...]

    # ---- queries ----------------------------------------------------------------------------
    def segment_at(self, t: float) -> Segment | None:
        """The shot on screen at video time ``t``."""
        for s in self.segments:
            if s.start <= t < s.end:
                return s
        return None

    def clock_segment_at(self, t: float) -> ClockSegment | None:
        """The clock-track segment containing video time ``t``."""
        for c in self.clock_track:
            if c.video_start <= t < c.video_end:
                return c
        return None

    def displayed_clock(self, t: float) -> str | None:
        """Clock text on screen at video time ``t``; None when the scorebug is hidden."""
        c = self.clock_segment_at(t)
        if c is None or c.shown == "hidden":
            return None
        value = (
            c.frozen_clock
            if c.shown == "frozen" and c.frozen_clock is not None
            else c.live_clock(t)
        )
        return format_clock(value, tenths=self.scorebug.tenths, period=c.period)

    # ---- JSON -------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Truth:
        """Inverse of :meth:`to_dict`.

        Raises:
            ValueError: the file was written by a different truth version.
        """
        if d.get("version") != TRUTH_VERSION:
            raise ValueError(f"truth version {d.get('version')} != {TRUTH_VERSION}")
        sb = dict(d["scorebug"])
        sb["clock_box"] = _build(Box, sb["clock_box"])
        sb["period_box"] = _build(Box, sb["period_box"])
        return cls(
            version=d["version"],
            spec=dict(d["spec"]),
            video=_build(VideoInfo, d["video"]),
            game_id=int(d["game_id"]),
            home=_build(TeamInfo, d["home"]),
            away=_build(TeamInfo, d["away"]),
            plays=tuple(_build(TruthPlay, p) for p in d["plays"]),
            plays_outside_recording=tuple(d["plays_outside_recording"]),
            segments=tuple(_build(Segment, s) for s in d["segments"]),
            replays=tuple(_build(Span, s) for s in d["replays"]),
            commercials=tuple(_build(Span, s) for s in d["commercials"]),
            scorebug=_build(ScorebugBoxes, sb),
            clock_track=tuple(_build(ClockSegment, c) for c in d["clock_track"]),
            whistles_in_ads=tuple(d["whistles_in_ads"]),
            presnap_motion_plays=tuple(d["presnap_motion_plays"]),
            decoys=tuple(_build(Decoy, x) for x in d["decoys"]),
        )

    def save(self, path: Path) -> None:
        """Write as JSON (atomically: temp file then rename)."""
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(json.dumps(self.to_dict(), indent=1))
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> Truth:
        """Read a file written by :meth:`save`."""
        return cls.from_dict(json.loads(Path(path).read_text()))


def load_truth(path: Path) -> Truth:
    """Read a truth file.

    Raises:
        InputError: ``path`` is missing, is not JSON, or is not a truth file of this version.
    """
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as exc:
        raise InputError(f"cannot read truth file {path}: {exc.strerror or exc}") from None
    try:
        return Truth.from_dict(json.loads(text))
    except KeyError as exc:
        raise InputError(f"{path} is not a Cutups truth file (no {exc})") from None
    except (ValueError, TypeError, AttributeError) as exc:
        raise InputError(f"{path} is not a Cutups truth file ({exc})") from None
