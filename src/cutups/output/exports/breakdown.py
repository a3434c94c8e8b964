"""The breakdown CSV: one row per play, in the columns coaches' film tools use.

Shaped like a Hudl breakdown export (``PLAY #, ODK, QTR, DN, DIST, YARD LN, PLAY TYPE, RESULT,
GN/LS``...) so it imports as a spreadsheet or into a breakdown tool by column name:

=============  ================================================================================
column         value
=============  ================================================================================
PLAY #         the play's number in the job (kept in playlists)
ODK            ``O``/``D``/``K`` for the chosen team (empty without one)
QTR, DN, DIST  period (5+ for overtime), down, distance
YARD LN        where the ball was snapped, from the offense's view: negative in its own half
PLAY TYPE      Run, Pass, KO / KO Rec, Punt / Punt Rec, FG / FG Block, Extra Pt, 2 Pt
RESULT         Rush, Complete, Incomplete, Sack, Interception, Good, No Good, Return, ... (TD)
GN/LS          yards gained (negative for a loss)
OFF TEAM       the team with the ball; DEF TEAM the other
CLOCK          the game clock the play-by-play lists
CLIP           the clip's file (or URL)
START TC       the clip's first frame as source timecode; END TC the frame just after its last
SCORE          offense-defense points before the play
CONFIDENCE     the clip's score, 0-100
=============  ================================================================================

Timecodes are drop-frame at 29.97/59.94 fps (``;`` before the frames).
"""

from __future__ import annotations

import csv
import io

from cutups.output.exports.model import ExportJob, ExportPlay
from cutups.output.exports.timecode import to_timecode

__all__ = ["COLUMNS", "breakdown_csv", "breakdown_values"]

COLUMNS = (
    "PLAY #",
    "ODK",
    "QTR",
    "DN",
    "DIST",
    "YARD LN",
    "PLAY TYPE",
    "RESULT",
    "GN/LS",
    "OFF TEAM",
    "DEF TEAM",
    "CLOCK",
    "CLIP",
    "START TC",
    "END TC",
    "SCORE",
    "CONFIDENCE",
)


def breakdown_csv(job: ExportJob) -> str:
    """The CSV text (header row, then one row per play; RFC 4180 quoting, CRLF line ends)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for play in job.plays:
        writer.writerow(breakdown_values(job, play).values())
    return out.getvalue()


def breakdown_values(job: ExportJob, play: ExportPlay) -> dict[str, str]:
    """One play's row, by column (empty strings for facts not known)."""
    f = play.facts
    values = [
        str(play.number),
        play.odk or "",
        _text(f.period),
        _text(f.down),
        _text(f.distance),
        _text(play.yard_line),
        play.play_type,
        play.result,
        _text(f.yards_gained),
        f.offense or "",
        f.defense or "",
        f.clock or "",
        job.link(play),
        to_timecode(play.first_frame, job.fps),
        to_timecode(play.end_frame, job.fps),
        play.score_text(),
        f"{play.clip.score:.1f}",
    ]
    return dict(zip(COLUMNS, values, strict=True))


def _text(value: int | None) -> str:
    return "" if value is None else str(value)
