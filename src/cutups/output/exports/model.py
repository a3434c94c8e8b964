"""A finished plays job as every export reads it: typed plays on the source's frame grid.

:func:`load_export_job` reads an output folder's ``manifest.json``; :meth:`ExportJob.from_manifest`
turns the manifest into :class:`ExportJob`: the job's plays as :class:`~cutups.timeline.ClipPlan`
(the same type the recipe planned them with), each with its place on the source's frames and
the values a coach's breakdown uses (ODK, a signed yard line, a play type and a result).

Frames: a clip's first source frame is its listed ``start`` on the cut planner's grid
(:func:`~cutups.output.exports.timecode.frame_at`), and its frame count is its ``duration`` (the
seconds of video actually cut) times the rate, so every export places a play exactly where
its clip was cut.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from cutups.errors import ConfigError
from cutups.output.exports.timecode import frame_at
from cutups.output.render import chapter_title
from cutups.pbp.teams import normalize_name
from cutups.timeline import ClipPlan, PlayFacts

__all__ = ["ExportJob", "ExportPlay", "load_export_job", "read_manifest"]

_ODK = {"team_offense": "O", "opp_offense": "D", "special_teams": "K"}

# CFBD play type -> (breakdown PLAY TYPE, RESULT). Kicks get " Rec"/" Block" for the receiving
# side when the chosen team is known (see ExportPlay.play_type).
_TYPES: dict[str, tuple[str, str]] = {
    "Rush": ("Run", "Rush"),
    "Rushing Touchdown": ("Run", "Rush, TD"),
    "Two Point Rush": ("2 Pt", "Rush"),
    "Pass": ("Pass", ""),
    "Pass Reception": ("Pass", "Complete"),
    "Pass Completion": ("Pass", "Complete"),
    "Passing Touchdown": ("Pass", "Complete, TD"),
    "Pass Incompletion": ("Pass", "Incomplete"),
    "Sack": ("Pass", "Sack"),
    "Pass Interception Return": ("Pass", "Interception"),
    "Interception Return Touchdown": ("Pass", "Interception, TD"),
    "Two Point Pass": ("2 Pt", "Pass"),
    "2pt Conversion": ("2 Pt", ""),
    "Fumble Recovery (Own)": ("", "Fumble"),
    "Fumble Recovery (Opponent)": ("", "Fumble, Lost"),
    "Fumble Return Touchdown": ("", "Fumble, TD"),
    "Safety": ("", "Safety"),
    "Penalty": ("", "Penalty"),
    "Kickoff": ("KO", "Kickoff"),
    "Kickoff Return (Offense)": ("KO", "Return"),
    "Kickoff Return (Defense)": ("KO", "Return"),
    "Kickoff Return Touchdown": ("KO", "Return, TD"),
    "Punt": ("Punt", "Punt"),
    "Punt Return": ("Punt", "Return"),
    "Punt Return Touchdown": ("Punt", "Return, TD"),
    "Blocked Punt": ("Punt", "Blocked"),
    "Field Goal Good": ("FG", "Good"),
    "Field Goal Missed": ("FG", "No Good"),
    "Blocked Field Goal": ("FG", "Blocked"),
    "Extra Point Good": ("Extra Pt", "Good"),
    "Extra Point Missed": ("Extra Pt", "No Good"),
    "Extra Point": ("Extra Pt", ""),
    "Blocked PAT": ("Extra Pt", "Blocked"),
}
_RECEIVING = {"KO": "KO Rec", "Punt": "Punt Rec", "FG": "FG Block", "Extra Pt": "Extra Pt Block"}


@dataclass(frozen=True, slots=True)
class ExportPlay:
    """One play of the job: its clip, and where the clip lies on the source's frames."""

    number: int
    """The play's number in the whole job, from 1 (kept in playlists, so it names one play)."""
    clip: ClipPlan
    file: str
    """The clip's path in the output folder (``clips/<id>.mp4``)."""
    first_frame: int
    """The clip's first frame in the source."""
    frames: int
    """Frames in the clip."""
    snap_frame: int
    """The snap's frame in the source (kept inside the clip)."""
    team_on_offense: bool | None = None
    """Whether the chosen team is the listed offense; None without a team or an offense."""

    @property
    def facts(self) -> PlayFacts:
        return self.clip.facts

    @property
    def end_frame(self) -> int:
        """The source frame just past the clip's last one."""
        return self.first_frame + self.frames

    @property
    def odk(self) -> str | None:
        """``O``, ``D`` or ``K`` for the chosen team; None without one."""
        return _ODK.get(self.clip.bucket or "")

    @property
    def title(self) -> str:
        """The reel chapter's title of this play."""
        return chapter_title(self.clip, self.number)

    @property
    def yard_line(self) -> int | None:
        """Where the ball was snapped, signed by side of the field from the offense's view:
        negative in its own half (``-35``: its own 35), positive in the opponent's, 50 at
        midfield (Hudl's convention)."""
        to_goal = self.facts.yards_to_goal
        if to_goal is None or not 0 <= to_goal <= 100:
            return None
        return -(100 - to_goal) if to_goal > 50 else to_goal

    @property
    def play_type(self) -> str:
        """The breakdown's PLAY TYPE (Run, Pass, KO, KO Rec, Punt, FG, Extra Pt, 2 Pt...)."""
        kind = _TYPES.get(self.facts.play_type or "", ("", ""))[0]
        # The listed offense of a kick is the kicking team: the chosen team receives when that
        # is the opponent. Without a team the kick is named as the kicking side sees it.
        if kind in _RECEIVING and self.team_on_offense is False:
            return _RECEIVING[kind]
        return kind

    @property
    def result(self) -> str:
        """The breakdown's RESULT (Complete, Incomplete, Rush, Sack, Good, Return, ...)."""
        result = _TYPES.get(self.facts.play_type or "", ("", ""))[1]
        text = (self.facts.text or "").casefold()
        if "penalty" in text and "Penalty" not in result:
            result = f"{result}, Penalty" if result else "Penalty"
        return result

    def score_text(self) -> str:
        """``offense-defense`` points before the play, when listed."""
        f = self.facts
        if f.offense_score is None or f.defense_score is None:
            return ""
        return f"{f.offense_score}-{f.defense_score}"


@dataclass(frozen=True, slots=True)
class ExportJob:
    """A finished plays job, ready to export."""

    job_id: str
    source: str
    """The source video: a URL, or a path as the job was given it."""
    fps: Fraction
    plays: tuple[ExportPlay, ...]
    team: str | None = None
    source_frames: int | None = None
    width: int | None = None
    height: int | None = None
    has_audio: bool = True
    name: str = "plays"
    """What the export is called (a title in the EDL, the project in FCPXML)."""
    link_template: str = "{file}"
    """How playlists and breakdowns link a clip: ``{file}`` (``clips/<id>.mp4``, relative to
    the output folder) and ``{id}`` are filled in; the API links its own clip URLs."""

    def link(self, play: ExportPlay) -> str:
        """Where a clip is reached from the export (see :attr:`link_template`)."""
        return self.link_template.format(file=play.file, id=play.clip.id)

    @property
    def source_name(self) -> str:
        """The source's file name (``game.mp4``)."""
        path = urlparse(self.source).path if "://" in self.source else self.source
        return Path(path).name or "source"

    @property
    def source_url(self) -> str:
        """The source as a URL (``file://`` for a local path, made absolute)."""
        if "://" in self.source:
            return self.source
        return Path(self.source).resolve().as_uri()

    def seconds(self, frame: int) -> Fraction:
        """Exact seconds of a source frame."""
        return frame / self.fps

    def subset(self, plays: Iterable[ExportPlay], name: str | None = None) -> ExportJob:
        """The same job with only ``plays`` (a playlist)."""
        return dataclasses.replace(self, plays=tuple(plays), name=name or self.name)

    @classmethod
    def from_manifest(cls, manifest: Mapping[str, Any], fps: Fraction | None = None) -> ExportJob:
        """The job a finished manifest describes; ``fps`` overrides the manifest's rate.

        Raises:
            ConfigError: the job is not finished, not a plays job, or has no frame rate.
        """
        if manifest.get("recipe", "plays") != "plays":
            raise ConfigError(f"exports are for plays jobs, not {manifest.get('recipe')!r}")
        if not manifest.get("complete"):
            raise ConfigError("the job has not finished: export it once it completes")
        source = manifest.get("source") or {}
        rate = fps or _rate(source.get("fps"))
        if rate is None:
            raise ConfigError("the manifest has no frame rate (source.fps); give it explicitly")
        team = (manifest.get("detector_meta") or {}).get("team")
        plays = tuple(
            _play(n + 1, entry, rate, team) for n, entry in enumerate(manifest.get("clips", ()))
        )
        duration = source.get("duration")
        return cls(
            job_id=str(manifest.get("job_id", "")),
            source=str(manifest.get("source_url", "")),
            fps=rate,
            plays=plays,
            team=str(team) if team else None,
            source_frames=round(Fraction(str(duration)) * rate) if duration else None,
            width=source.get("width"),
            height=source.get("height"),
            has_audio=bool(source.get("has_audio", True)),
        )


def read_manifest(out_dir: Path) -> dict[str, Any]:
    """The manifest of the job in output folder ``out_dir``.

    Raises:
        ConfigError: no readable manifest there.
    """
    path = out_dir / "manifest.json"
    try:
        manifest = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"{out_dir} is not a finished job's folder ({path.name}: {exc})"
        ) from None
    if not isinstance(manifest, dict):
        raise ConfigError(f"{path} is not a manifest")
    return manifest


def load_export_job(out_dir: Path, fps: Fraction | None = None) -> ExportJob:
    """The finished job in output folder ``out_dir``, named after the folder.

    The frame rate comes from ``fps``, else the manifest, else by probing the first clip.

    Raises:
        ConfigError: no readable manifest, or a job that is not finished.
    """
    manifest = read_manifest(out_dir)
    if fps is None and not (manifest.get("source") or {}).get("fps") and manifest.get("clips"):
        from cutups.media.probe import probe

        fps = probe(out_dir / manifest["clips"][0]["file"], keyframes=False).video.frame_rate
    job = ExportJob.from_manifest(manifest, fps)
    return dataclasses.replace(job, name=out_dir.resolve().name or job.name)


def _rate(text: Any) -> Fraction | None:
    if not text:
        return None
    try:
        rate = Fraction(str(text))
    except (ValueError, ZeroDivisionError):
        raise ConfigError(f"the manifest's frame rate {text!r} is not a number") from None
    return rate if rate > 0 else None


def _play(number: int, entry: Mapping[str, Any], fps: Fraction, team: Any) -> ExportPlay:
    """One manifest clip as a play on the source's frames."""
    try:
        clip = ClipPlan(
            id=str(entry["id"]),
            start=float(entry["start"]),
            end=float(entry["end"]),
            snap=float(entry.get("snap", entry["start"])),
            end_of_play=float(entry.get("end_of_play", entry["end"])),
            bucket=entry.get("bucket"),
            score=float(entry.get("score", 0.0)),
            evidence=tuple(entry.get("evidence", ())),
            listed=entry.get("listed"),
            facts=PlayFacts.from_dict(entry),
        )
        duration = Fraction(str(entry.get("duration", clip.duration)))
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"manifest clip {number} is malformed: {exc}") from None
    first = frame_at(clip.start, fps)
    frames = max(1, round(duration * fps))
    on_offense = None
    if team and clip.facts.offense:
        on_offense = _same_team(clip.facts.offense, str(team))
    return ExportPlay(
        number=number,
        clip=clip,
        file=str(entry.get("file", f"clips/{clip.id}.mp4")),
        first_frame=first,
        frames=frames,
        snap_frame=min(max(first, frame_at(clip.snap, fps)), first + frames - 1),
        team_on_offense=on_offense,
    )


def _same_team(name: str, team: str) -> bool:
    return normalize_name(name) == normalize_name(team)
