"""Exports of a finished plays job for coaches' film tools and editors.

Every format is a pure function of an :class:`~cutups.output.exports.model.ExportJob` (the
job's typed plays on the source's frame grid) returning text, registered in :data:`FORMATS`
with its file name and media type::

    job = load_export_job(Path("out/game"))
    text = FORMATS["edl"].render(job)
    paths = write_exports(job, Path("out/game/exports"))   # every format

=============  =====================================================  ====================
name           what                                                   file
=============  =====================================================  ====================
csv            breakdown spreadsheet (Hudl-style columns)             breakdown.csv
sportscode     Sportscode / XOS instances XML                         sportscode.xml
otio           OpenTimelineIO timeline over the source                timeline.otio
fcpxml         Final Cut Pro / Resolve timeline over the source       timeline.fcpxml
edl            CMX 3600 EDL over the source                           timeline.edl
ffmetadata     the reel's chapters for ffmpeg                         chapters.txt
vtt            the reel's chapters as WebVTT                          chapters.vtt
m3u            the clips as an M3U playlist                           clips.m3u
=============  =====================================================  ====================
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from cutups.errors import ConfigError
from cutups.output.exports.breakdown import breakdown_csv
from cutups.output.exports.chapters import ffmetadata_chapters, m3u_playlist, webvtt_chapters
from cutups.output.exports.edl import cmx3600_edl
from cutups.output.exports.fcpxml import fcpxml
from cutups.output.exports.model import ExportJob, ExportPlay, load_export_job
from cutups.output.exports.sportscode import sportscode_xml

__all__ = [
    "FORMATS",
    "ExportFormat",
    "ExportJob",
    "ExportPlay",
    "export_format",
    "load_export_job",
    "write_export",
    "write_exports",
]


@dataclass(frozen=True, slots=True)
class ExportFormat:
    """One export: what it is called, its file, and the function writing it."""

    name: str
    filename: str
    """The file it is written to by default."""
    media_type: str
    description: str
    render: Callable[[ExportJob], str]

    @property
    def extension(self) -> str:
        return Path(self.filename).suffix.lstrip(".")


def _otio(job: ExportJob) -> str:
    from cutups.output.exports.otio import otio_json  # opentimelineio loads only when asked

    return otio_json(job)


FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat("csv", "breakdown.csv", "text/csv", "breakdown spreadsheet", breakdown_csv),
        ExportFormat(
            "sportscode", "sportscode.xml", "application/xml", "Sportscode XML", sportscode_xml
        ),
        ExportFormat("otio", "timeline.otio", "application/json", "OpenTimelineIO", _otio),
        ExportFormat("fcpxml", "timeline.fcpxml", "application/xml", "FCPXML 1.8", fcpxml),
        ExportFormat("edl", "timeline.edl", "text/plain", "CMX 3600 EDL", cmx3600_edl),
        ExportFormat(
            "ffmetadata",
            "chapters.txt",
            "text/plain",
            "reel chapters (ffmetadata)",
            ffmetadata_chapters,
        ),
        ExportFormat("vtt", "chapters.vtt", "text/vtt", "reel chapters (WebVTT)", webvtt_chapters),
        ExportFormat(
            "m3u", "clips.m3u", "audio/x-mpegurl", "M3U playlist of the clips", m3u_playlist
        ),
    )
}


def export_format(name: str) -> ExportFormat:
    """The format called ``name``.

    Raises:
        ConfigError: no such format (the message lists them).
    """
    try:
        return FORMATS[name]
    except KeyError:
        raise ConfigError(
            f"unknown export format {name!r}; choose one of: {', '.join(FORMATS)}"
        ) from None


def write_exports(job: ExportJob, out_dir: Path, names: Iterable[str] | None = None) -> list[Path]:
    """Write ``names`` (default: every format) into ``out_dir`` under their file names."""
    formats = [export_format(n) for n in (FORMATS if names is None else names)]
    return [write_export(job, fmt.name, out_dir / fmt.filename) for fmt in formats]


def write_export(job: ExportJob, name: str, path: Path) -> Path:
    """Write format ``name`` of ``job`` to ``path`` (UTF-8, line ends as the format has them).

    Raises:
        ConfigError: no such format, or one the job cannot be written in.
    """
    text = export_format(name).render(job)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="")
    return path
