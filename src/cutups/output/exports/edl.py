"""CMX 3600 EDL over the source video: one cut per play, a locator at each snap.

::

    TITLE: third-and-long
    FCM: DROP FRAME

    001  AX       AA/V  C        00:12:01;14 00:12:09;02 01:00:00;00 01:00:07;18
    * FROM CLIP NAME: game.mp4
    * FROM FILE: file:///media/game.mp4
    * LOC: 00:12:03;20 BLUE    Play 7 | 3rd 9:12 | 3rd & 7 | Pass Reception
    * COMMENT: ODK O | QTR 3 | DN 3 | DIST 7 | YARD LN -35 | PLAY TYPE Pass | ...

Source timecodes count the source's frames from ``00:00:00:00``; record timecodes lay the plays
back to back from ``01:00:00:00``, so the record side is the reel. Drop-frame (``FCM: DROP
FRAME`` and ``;`` before the frames) at 29.97 and 59.94 fps, non-drop otherwise. A locator's
timecode is on the source, like OpenTimelineIO's markers. EDLs are ASCII: other characters are
transliterated or dropped. CMX 3600 numbers at most 999 events.
"""

from __future__ import annotations

import unicodedata
from fractions import Fraction

from cutups.errors import ConfigError
from cutups.output.exports.breakdown import breakdown_values
from cutups.output.exports.model import ExportJob, ExportPlay
from cutups.output.exports.timecode import drop_frame_rate, from_timecode, to_timecode

__all__ = ["MAX_EVENTS", "cmx3600_edl", "record_start"]

MAX_EVENTS = 999
_COLOURS = {"O": "BLUE", "D": "RED", "K": "YELLOW", None: "GREEN"}
_NOT_COMMENTED = frozenset({"PLAY #", "CLIP", "START TC", "END TC"})


def cmx3600_edl(job: ExportJob) -> str:
    """The EDL text.

    Raises:
        ConfigError: more plays than CMX 3600 can number.
    """
    if len(job.plays) > MAX_EVENTS:
        raise ConfigError(f"a CMX 3600 EDL holds {MAX_EVENTS} events, not {len(job.plays)}")
    drop = drop_frame_rate(job.fps)
    lines = [f"TITLE: {_ascii(job.name)}", f"FCM: {'DROP FRAME' if drop else 'NON-DROP FRAME'}", ""]
    record = record_start(job.fps)
    channels = "AA/V" if job.has_audio else "V"
    for n, play in enumerate(job.plays, start=1):
        lines += _event(job, play, n, record, channels)
        record += play.frames
    return "\n".join(lines) + "\n"


def record_start(fps: Fraction) -> int:
    """The frame labelled ``01:00:00:00`` (``;00`` in drop-frame): where editors start a
    programme, and where the record side starts."""
    return from_timecode(f"01:00:00{';' if drop_frame_rate(fps) else ':'}00", fps)


def _event(job: ExportJob, play: ExportPlay, number: int, record: int, channels: str) -> list[str]:
    def tc(frame: int) -> str:
        return to_timecode(frame, job.fps)

    facts = " | ".join(
        f"{k} {v}" for k, v in breakdown_values(job, play).items() if v and k not in _NOT_COMMENTED
    )
    colour = _COLOURS[play.odk]
    return [
        f"{number:03d}  {'AX':8} {channels:5} C        "
        f"{tc(play.first_frame)} {tc(play.end_frame)} {tc(record)} {tc(record + play.frames)}",
        f"* FROM CLIP NAME: {_ascii(job.source_name)}",
        f"* FROM FILE: {_ascii(job.source_url)}",
        f"* LOC: {tc(play.snap_frame)} {colour:7} {_ascii(play.title.replace(' · ', ' | '))}",
        f"* COMMENT: {_ascii(facts)}",
        "",
    ]


def _ascii(text: str) -> str:
    """Printable ASCII on one line (accents stripped, the rest dropped)."""
    flat = unicodedata.normalize("NFKD", " ".join(text.split()))
    return flat.encode("ascii", "ignore").decode("ascii")
