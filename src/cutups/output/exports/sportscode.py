"""Sportscode-style XML: one ``instance`` per play, with labels for the breakdown's columns.

The shape Hudl Sportscode (and XOS Thunder, Catapult, Nacsport...) import::

    <file>
      <ALL_INSTANCES>
        <instance>
          <ID>1</ID><start>12.011989</start><end>19.886533</end><code>Offense</code>
          <label><group>ODK</group><text>O</text></label>
          <label><group>DN</group><text>3</text></label> ...
        </instance>
      </ALL_INSTANCES>
      <ROWS><row><code>Offense</code><R>0</R><G>26214</G><B>65535</B></row> ...</ROWS>
    </file>

``start``/``end`` are seconds in the source video (the clip's first frame and the frame just
after its last), to the microsecond, so they land back on the exact frames. The code is the
play's side for the chosen team (Offense, Defense, Special Teams), ``Play`` without a team.
Labels carry every non-empty breakdown column except the timecodes.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from cutups.output.exports.breakdown import breakdown_values
from cutups.output.exports.model import ExportJob, ExportPlay
from cutups.output.exports.timecode import format_seconds

__all__ = ["CODES", "sportscode_xml"]

CODES = {"O": "Offense", "D": "Defense", "K": "Special Teams", None: "Play"}
# Row colours, 16 bits per channel as Sportscode stores them.
_COLOURS = {
    "Offense": (0, 26214, 65535),
    "Defense": (65535, 13107, 13107),
    "Special Teams": (65535, 52428, 0),
    "Play": (39321, 39321, 39321),
}
_NOT_LABELS = frozenset({"START TC", "END TC"})


def sportscode_xml(job: ExportJob) -> str:
    """The XML document (UTF-8 declaration, indented)."""
    root = ET.Element("file")
    instances = ET.SubElement(root, "ALL_INSTANCES")
    used: list[str] = []
    for play in job.plays:
        code = CODES[play.odk]
        if code not in used:
            used.append(code)
        instances.append(_instance(job, play, code))
    rows = ET.SubElement(root, "ROWS")
    for code in used:
        row = ET.SubElement(rows, "row")
        _text(row, "code", code)
        for channel, value in zip("RGB", _COLOURS[code], strict=True):
            _text(row, channel, str(value))
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'


def _instance(job: ExportJob, play: ExportPlay, code: str) -> ET.Element:
    instance = ET.Element("instance")
    _text(instance, "ID", str(play.number))
    _text(instance, "start", format_seconds(play.first_frame, job.fps))
    _text(instance, "end", format_seconds(play.end_frame, job.fps))
    _text(instance, "code", code)
    for group, value in breakdown_values(job, play).items():
        if value and group not in _NOT_LABELS:
            label = ET.SubElement(instance, "label")
            _text(label, "group", group)
            _text(label, "text", value)
    return instance


def _text(parent: ET.Element, tag: str, text: str) -> None:
    ET.SubElement(parent, tag).text = text
