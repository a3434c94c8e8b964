"""FCPXML 1.8 over the source video: a project with one asset-clip per play.

Final Cut Pro (10.4.1 and later) and DaVinci Resolve open it as a timeline whose clips are
the plays, cut from the original file::

    <fcpxml version="1.8">
      <resources>
        <format id="r1" frameDuration="1001/30000s" width="1280" height="720"/>
        <asset id="r2" name="game.mp4" src="file:///media/game.mp4" start="0s"
               duration="539460539/30000s" hasVideo="1" hasAudio="1" format="r1" .../>
      </resources>
      <library><event name="Cutups"><project name="third-and-long">
        <sequence format="r1" duration="..." tcStart="0s" tcFormat="DF" ...>
          <spine>
            <asset-clip ref="r2" name="Play 7 · 3rd 9:12 · ..." offset="0s"
                        start="21657636/30000s" duration="236236/30000s" format="r1" tcFormat="DF">
              <note>ODK O | QTR 3 | DN 3 | DIST 7 | ...</note>
              <marker start="21724703/30000s" duration="1001/30000s" value="Play 7 · ..."
                      note="ODK O | ..."/>
              <keyword start="..." duration="..." value="Offense, 3rd down, Pass"/>
            </asset-clip> ...

Every time is a whole number of frames written over the frame duration's denominator, as Final
Cut writes them; an asset-clip's ``start`` is its first frame in the source, ``offset`` its
place in the sequence (plays back to back), the marker sits on the snap. ``tcFormat`` is ``DF``
at 29.97/59.94 fps.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from fractions import Fraction

from cutups.output.exports.breakdown import breakdown_values
from cutups.output.exports.model import ExportJob, ExportPlay
from cutups.output.exports.sportscode import CODES
from cutups.output.exports.timecode import drop_frame_rate

__all__ = ["FCPXML_VERSION", "fcpxml"]

FCPXML_VERSION = "1.8"
_NOT_NOTED = frozenset({"PLAY #", "CLIP", "START TC", "END TC"})
_ORDINALS = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th"}


def fcpxml(job: ExportJob) -> str:
    """The FCPXML document."""
    frame = 1 / job.fps
    tc_format = "DF" if drop_frame_rate(job.fps) else "NDF"

    def time(frames: int) -> str:
        return _time(frames, frame)

    root = ET.Element("fcpxml", version=FCPXML_VERSION)
    resources = ET.SubElement(root, "resources")
    ET.SubElement(
        resources,
        "format",
        id="r1",
        frameDuration=time(1),
        width=str(job.width or 1920),
        height=str(job.height or 1080),
    )
    ends = [p.end_frame for p in job.plays]
    ET.SubElement(
        resources,
        "asset",
        id="r2",
        name=job.source_name,
        src=job.source_url,
        start="0s",
        duration=time(job.source_frames or max(ends, default=1)),
        hasVideo="1",
        hasAudio="1" if job.has_audio else "0",
        format="r1",
        audioSources="1" if job.has_audio else "0",
        audioChannels="2",
        audioRate="48000",
    )
    event = ET.SubElement(ET.SubElement(root, "library"), "event", name="Cutups")
    project = ET.SubElement(event, "project", name=job.name)
    total = sum(p.frames for p in job.plays)
    sequence = ET.SubElement(
        project,
        "sequence",
        format="r1",
        duration=time(total),
        tcStart="0s",
        tcFormat=tc_format,
        audioLayout="stereo",
        audioRate="48k",
    )
    spine = ET.SubElement(sequence, "spine")
    offset = 0
    for play in job.plays:
        spine.append(_asset_clip(job, play, offset, frame, tc_format))
        offset += play.frames
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE fcpxml>\n{body}\n'


def _asset_clip(
    job: ExportJob, play: ExportPlay, offset: int, frame: Fraction, tc_format: str
) -> ET.Element:
    facts = " | ".join(
        f"{k} {v}" for k, v in breakdown_values(job, play).items() if v and k not in _NOT_NOTED
    )
    clip = ET.Element(
        "asset-clip",
        ref="r2",
        name=play.title,
        offset=_time(offset, frame),
        start=_time(play.first_frame, frame),
        duration=_time(play.frames, frame),
        format="r1",
        tcFormat=tc_format,
    )
    ET.SubElement(clip, "note").text = facts
    ET.SubElement(
        clip,
        "marker",
        start=_time(play.snap_frame, frame),
        duration=_time(1, frame),
        value=play.title,
        note=facts,
    )
    ET.SubElement(
        clip,
        "keyword",
        start=_time(play.first_frame, frame),
        duration=_time(play.frames, frame),
        value=", ".join(_keywords(play)),
    )
    return clip


def _keywords(play: ExportPlay) -> list[str]:
    """Keywords Final Cut can filter by: side, down, play type."""
    words = [CODES[play.odk]]
    if play.facts.down:
        words.append(f"{_ORDINALS.get(play.facts.down, str(play.facts.down))} down")
    if play.play_type:
        words.append(play.play_type)
    return words


def _time(frames: int, frame: Fraction) -> str:
    """``frames`` frames as FCPXML rational seconds over the frame duration's denominator."""
    if frames == 0:
        return "0s"
    if frame.denominator == 1:
        return f"{frames * frame.numerator}s"
    return f"{frames * frame.numerator}/{frame.denominator}s"
