"""OpenTimelineIO (``.otio``, JSON) over the source video, with the ``opentimelineio`` package.

The timeline has a video track (and an audio track when the source has sound) with one clip
per play, back to back, each an exact frame range of the source (an ``ExternalReference`` to
it), a marker at its snap and the play's facts in ``metadata["cutups"]``. It starts at
``01:00:00:00`` (``;00`` in drop-frame) like the EDL's record side. Resolve reads it, and
OTIO's adapters turn it into what other editors read.
"""

from __future__ import annotations

from typing import Any

import opentimelineio as otio

from cutups.output.exports.breakdown import breakdown_values
from cutups.output.exports.edl import record_start
from cutups.output.exports.model import ExportJob, ExportPlay

__all__ = ["otio_json", "otio_timeline"]

_COLOURS = {"O": "BLUE", "D": "RED", "K": "YELLOW", None: "GREEN"}


def otio_timeline(job: ExportJob) -> Any:
    """The ``opentimelineio.schema.Timeline`` of the job's plays."""
    rate = float(job.fps)

    def span(first: int, frames: int) -> Any:
        return otio.opentime.TimeRange(
            otio.opentime.RationalTime(first, rate), otio.opentime.RationalTime(frames, rate)
        )

    ends = [p.end_frame for p in job.plays]
    media = otio.schema.ExternalReference(
        target_url=job.source_url,
        available_range=span(0, job.source_frames or max(ends, default=1)),
    )
    timeline = otio.schema.Timeline(
        name=job.name,
        global_start_time=otio.opentime.RationalTime(record_start(job.fps), rate),
        metadata={"cutups": {"job_id": job.job_id, "team": job.team, "fps": str(job.fps)}},
    )
    kinds = [otio.schema.TrackKind.Video]
    if job.has_audio:
        kinds.append(otio.schema.TrackKind.Audio)
    for kind in kinds:
        track = otio.schema.Track(name=f"{kind[0]}1", kind=kind)
        for play in job.plays:
            track.append(_clip(job, play, media, span))
        timeline.tracks.append(track)
    return timeline


def otio_json(job: ExportJob) -> str:
    """The timeline as OTIO JSON text."""
    text: str = otio.adapters.write_to_string(otio_timeline(job), "otio_json")
    return text


def _clip(job: ExportJob, play: ExportPlay, media: Any, span: Any) -> Any:
    values = breakdown_values(job, play)
    clip = otio.schema.Clip(
        name=play.title,
        media_reference=media.clone(),
        source_range=span(play.first_frame, play.frames),
        metadata={
            "cutups": {
                "id": play.clip.id,
                "number": play.number,
                "bucket": play.clip.bucket,
                "file": play.file,
                "score": play.clip.score,
                "facts": play.facts.to_dict(),
                "breakdown": values,
            }
        },
    )
    clip.markers.append(
        otio.schema.Marker(
            name=play.title,
            marked_range=span(play.snap_frame, 0),
            color=_COLOURS[play.odk],
            metadata={"cutups": values},
        )
    )
    return clip
