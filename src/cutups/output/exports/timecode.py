"""SMPTE timecodes for frame counts, drop-frame at 29.97 and 59.94 fps.

A timecode counts frames at the *nominal* rate (30 for 29.97, 60 for 59.94, 25, 50, 24 for
23.976). At the NTSC rates that count runs 0.1 % ahead of the clock, so drop-frame timecode
skips labels: frames ``;00`` and ``;01`` (``;00``-``;03`` at 59.94) of every minute except
each tenth. No picture is dropped, only numbers, so ``00:10:00;00`` is frame 17982 at 29.97 and
labels stay within a frame of the wall clock. Drop-frame is written with ``;`` before the frames
field, non-drop with ``:`` throughout (the convention of Premiere, Resolve and OpenTimelineIO).

::

    to_timecode(17982, Fraction(30000, 1001))            # "00:10:00;00"
    from_timecode("00:10:00;00", Fraction(30000, 1001))  # 17982
    frame_at(1.5, Fraction(25))                          # 38 (the cut planner's grid)
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

from cutups.errors import ConfigError

__all__ = [
    "drop_frame_rate",
    "format_seconds",
    "frame_at",
    "from_timecode",
    "nominal_rate",
    "to_timecode",
]

_TIMECODE = re.compile(r"^(\d{2}):(\d{2}):(\d{2})([:;])(\d{2,3})$")
_DROPS = {Fraction(30000, 1001): 2, Fraction(60000, 1001): 4}
"""Labels skipped per minute at the rates that have a drop-frame timecode."""


def nominal_rate(fps: Fraction) -> int:
    """The whole number of frames a timecode second counts (30 at 29.97, 25 at 25)."""
    if fps <= 0:
        raise ConfigError(f"frame rate must be positive, got {fps}")
    return max(1, round(fps))


def drop_frame_rate(fps: Fraction) -> bool:
    """True at 29.97 and 59.94 fps, the rates that have a drop-frame timecode."""
    return fps in _DROPS


def frame_at(seconds: float | Fraction, fps: Fraction) -> int:
    """The frame at ``seconds``: the first one at or after it minus half a frame.

    The same grid as :class:`cutups.media.cutplan.FrameGrid`, so a clip's listed start maps to
    the frame it was cut from.
    """
    return math.ceil(Fraction(seconds) * fps - Fraction(1, 2))


def to_timecode(frame: int, fps: Fraction, *, drop_frame: bool | None = None) -> str:
    """``HH:MM:SS:FF`` (``HH:MM:SS;FF`` for drop-frame) of frame ``frame`` counted from 0.

    Arguments:
        frame: frame index, 0 or more.
        fps: the exact frame rate.
        drop_frame: None: drop-frame exactly at 29.97/59.94; True at another rate is an error.
    """
    if frame < 0:
        raise ConfigError(f"timecodes start at frame 0, got {frame}")
    drop = _drop_count(fps, drop_frame)
    base = nominal_rate(fps)
    label = frame
    if drop:
        per_ten = base * 600 - drop * 9  # frames in ten minutes (17982 at 29.97)
        per_minute = base * 60 - drop
        tens, rest = divmod(frame, per_ten)
        label += drop * 9 * tens
        if rest > drop:
            label += drop * ((rest - drop) // per_minute)
    seconds, ff = divmod(label, base)
    minutes, ss = divmod(seconds, 60)
    hh, mm = divmod(minutes, 60)
    width = len(str(base - 1))
    return f"{hh:02d}:{mm:02d}:{ss:02d}{';' if drop else ':'}{ff:0{width}d}"


def from_timecode(text: str, fps: Fraction) -> int:
    """The frame index a timecode names; ``;`` before the frames field means drop-frame.

    Raises:
        ConfigError: not a timecode, a field out of range, or a label drop-frame skips.
    """
    match = _TIMECODE.match(text.strip())
    if not match:
        raise ConfigError(f"not a timecode: {text!r} (HH:MM:SS:FF or HH:MM:SS;FF)")
    hh, mm, ss, sep, ff = match.groups()
    hours, minutes, secs, frames = int(hh), int(mm), int(ss), int(ff)
    drop = _drop_count(fps, sep == ";")
    base = nominal_rate(fps)
    if minutes > 59 or secs > 59 or frames >= base:
        raise ConfigError(f"timecode {text!r} has a field out of range at {base} frames/s")
    if drop and secs == 0 and frames < drop and minutes % 10:
        raise ConfigError(f"{text!r} does not exist in drop-frame timecode (it skips that label)")
    total_minutes = hours * 60 + minutes
    frame = (total_minutes * 60 + secs) * base + frames
    return frame - drop * (total_minutes - total_minutes // 10)


def format_seconds(frame: int, fps: Fraction, places: int = 6) -> str:
    """Seconds of frame ``frame`` as a decimal, precise enough to land back on that frame."""
    return f"{float(frame / fps):.{places}f}"


def _drop_count(fps: Fraction, drop_frame: bool | None) -> int:
    if drop_frame is None:
        return _DROPS.get(fps, 0)
    if drop_frame and fps not in _DROPS:
        raise ConfigError(f"drop-frame timecode exists only at 29.97 and 59.94 fps, not {fps}")
    return _DROPS[fps] if drop_frame else 0
