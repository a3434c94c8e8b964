"""The ``plays`` recipe behind the :class:`~cutups.recipes.base.Recipe` interface.

Options use the seed's names (``play_padding_pre`` ...), so the predecessor's API body works
unchanged; the CLI names them ``--pre``, ``--post``, ``--min-len``, ``--max-len``. Unset padding
and lengths take the server's settings (``CUTUPS_PLAY_*``), and padding the user chose keeps a
narrow slack (see :mod:`cutups.recipes.windows`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from pydantic import Field

from cutups.analysis.result import Analysis
from cutups.analysis.runner import analyse
from cutups.analysis.segments import SegmentParams
from cutups.errors import ConfigError
from cutups.media.probe import MediaInfo
from cutups.pbp.load import load_pbp
from cutups.pbp.model import Game
from cutups.pbp.request import CfbdRequest
from cutups.pbp.teams import match_team
from cutups.recipes.base import Recipe, RecipeInputs, RecipeOptions, RunContext
from cutups.recipes.plays import PlaysParams, bug_gates_live_shots, plan_plays
from cutups.recipes.windows import CutPoints, window_options
from cutups.settings import Settings
from cutups.timeline import JobWarning, Timeline

__all__ = [
    "LITTLE_FIELD",
    "PlaysAnalysis",
    "PlaysOptions",
    "PlaysRecipe",
    "cut_points",
    "field_share",
    "plays_warnings",
]

Bucket = Literal["team_offense", "opp_offense", "special_teams"]


class PlaysOptions(RecipeOptions):
    """How to cut plays. Unset values take the server's defaults (CUTUPS_PLAY_*)."""

    play_padding_pre: float | None = Field(
        None,
        ge=0,
        le=30,
        description="seconds kept before the snap, to within 0.5 s so clips start on a keyframe "
        "(default: 0.5 to 3 s, preferably 2)",
        json_schema_extra={"cli": "--pre", "metavar": "S"},
    )
    play_padding_post: float | None = Field(
        None,
        ge=0,
        le=30,
        description="seconds kept after the whistle, to within 0.5 s so clips end cleanly "
        "(default: 1 to 4 s, preferably 2)",
        json_schema_extra={"cli": "--post", "metavar": "S"},
    )
    min_duration: float | None = Field(
        None, gt=0, le=120, description="shortest clip, seconds",
        json_schema_extra={"cli": "--min-len", "metavar": "S"},
    )  # fmt: skip
    max_duration: float | None = Field(
        None, gt=0, le=600, description="longest clip, seconds",
        json_schema_extra={"cli": "--max-len", "metavar": "S"},
    )  # fmt: skip
    scene_thresh: float | None = Field(
        None,
        ge=0,
        le=1,
        description="accepted for compatibility with the seed; recorded, unused",
        json_schema_extra={"cli": False},
    )
    team: str | None = Field(
        None,
        max_length=100,
        description="team whose offense is team_offense",
        json_schema_extra={"metavar": "NAME"},
    )
    only: tuple[Bucket, ...] = Field(
        (),
        description="keep only this bucket (repeatable)",
        json_schema_extra={"metavar": "BUCKET"},
    )
    cfbd: CfbdRequest | None = Field(
        None, description="fetch play-by-play from CFBD", json_schema_extra={"cli": False}
    )

    def params(self, settings: Settings) -> PlaysParams:
        """The planner's parameters: these options over the server's settings."""

        def chosen(value: float | None, setting: str) -> float | None:
            if value is not None:
                return value
            from_settings: float | None = settings.chosen(setting)
            return from_settings

        windows = window_options(
            pre=chosen(self.play_padding_pre, "play_pre_pad_sec"),
            post=chosen(self.play_padding_post, "play_post_pad_sec"),
            default_pre=settings.play_pre_pad_sec,
            default_post=settings.play_post_pad_sec,
            min_len=self.min_duration if self.min_duration is not None else settings.play_min_sec,
            max_len=self.max_duration if self.max_duration is not None else settings.play_max_sec,
        )
        return PlaysParams(windows=windows, team=self.chosen_team, only=self.only)

    @property
    def chosen_team(self) -> str | None:
        """``team``, or the seed's ``cfbd.team`` when only that is given."""
        return self.team or (self.cfbd.team if self.cfbd else None)


@dataclass(frozen=True, slots=True)
class PlaysAnalysis:
    """The video's analysis and the parsed play-by-play (None without)."""

    video: Analysis
    game: Game | None


def cut_points(info: MediaInfo) -> CutPoints:
    """Where ``info``'s video can be cut by stream copy alone, for the clip windows."""
    return CutPoints(keyframes=info.keyframes, any_end=info.video.reorders is False)


class PlaysRecipe(Recipe[PlaysOptions, PlaysAnalysis]):
    """One clip for every snap and kick of a football broadcast."""

    name = "plays"
    title = "a football broadcast into one clip per play, bucketed for a team"
    options_model = PlaysOptions
    uses_pbp = True

    def check(self, options: PlaysOptions, *, has_pbp: bool, settings: Settings) -> None:
        options.params(settings)  # WindowOptions checks its ranges (ConfigError)
        if options.only and not (has_pbp and options.chosen_team):
            raise ConfigError(
                "only (--only) needs play-by-play and a team (--team): buckets come from "
                "play-by-play"
            )

    def analyse(
        self, inputs: RecipeInputs, options: PlaysOptions, ctx: RunContext
    ) -> PlaysAnalysis:
        # Parse the play-by-play first: a bad file should fail in a second, not after the decode.
        settings = ctx.settings
        clock_at = "end" if settings.pbp_clock_at == "auto" else settings.pbp_clock_at
        game = load_pbp(inputs.pbp, clock_at=clock_at) if inputs.pbp else None
        team = options.chosen_team
        if game is not None and team:
            match_team(team, game)
        video = analyse(
            inputs.info,
            cache_dir=settings.cache_dir,
            progress=lambda f: ctx.progress("analysing", f, "decoding once for every analyser"),
            cancel=ctx.cancel,
            workers=settings.workers,
        )
        return PlaysAnalysis(video=video, game=game)

    def plan(
        self,
        analysis: PlaysAnalysis,
        inputs: RecipeInputs,
        options: PlaysOptions,
        settings: Settings,
    ) -> Timeline:
        video = analysis.video
        timeline = plan_plays(
            video,
            source=str(inputs.source),
            options=options.params(settings),
            game=analysis.game,
            clock_at=settings.pbp_clock_at,
            cuts=cut_points(inputs.info),
        )
        meta = {
            **timeline.meta,
            "signals_cached": video.cached,
            "scorebug_found": video.scorebug is not None,
            "ocr_samples": len(video.readings),
            "field_colour": video.field.describe(),
            "field_colour_learnt": video.field.learnt,
        }
        return Timeline(
            recipe=timeline.recipe,
            source=timeline.source,
            duration=timeline.duration,
            clips=timeline.clips,
            meta=meta,
            warnings=plays_warnings(analysis, clips=len(timeline.clips)),
        )


LITTLE_FIELD = 0.25
"""Below this share of the video recognised as a wide shot of the field, the job says so. On the
suite's broadcasts the share is 0.50-0.64 (true wide shots 0.35-0.44 of the time). Before the
field's colour was learnt, blue turf measured 0.03 and worn grass 0.11, and nearly every play
was lost without a word; a field the colour learning misses would look the same."""


def field_share(video: Analysis) -> float:
    """Share of the video whose picture counts as a wide shot of the field."""
    green = video.signals["green"] if "green" in video.signals else np.zeros(0)
    return float(np.mean(green >= SegmentParams().green_on)) if green.size else 0.0


def plays_warnings(analysis: PlaysAnalysis, *, clips: int) -> tuple[JobWarning, ...]:
    """What went wrong enough that the user must hear of it, each with what it costs."""
    video, with_pbp = analysis.video, analysis.game is not None
    warnings = []
    if video.scorebug is None:
        warnings.append(
            JobWarning(
                "no_scorebug",
                "no scorebug was found in the video",
                "plays were found from the field view alone (wide shots, the players' "
                "motion, whistle and crowd): a replay or a green commercial may pass for a "
                "play and a play may be missed, scores are lower, and no game clock is read"
                + (
                    "; play-by-play rows are paired with plays by their order and clock gaps "
                    "only, so a missed or extra play can shift facts and buckets"
                    if with_pbp
                    else ""
                ),
            )
        )
    elif not video.clock.spans:
        warnings.append(
            JobWarning(
                "clock_unread",
                f"the game clock on the scorebug could not be read ({len(video.readings)} "
                "readings)",
                (
                    ""
                    if bug_gates_live_shots(video)
                    else "the box found may be no scorebug, so plays were found from the field "
                    "view alone (a replay may pass for a play); "
                )
                + (
                    "play-by-play rows are paired with plays by their order and clock gaps "
                    "only, so a missed or extra play can shift facts and buckets"
                    if with_pbp
                    else "clips are not checked against the clock"
                ),
            )
        )
    share = field_share(video)
    if share < LITTLE_FIELD:
        warnings.append(
            JobWarning(
                "little_field",
                f"the playing field was recognised in only {share:.0%} of the video (a "
                "broadcast is mostly 40-60% wide shots of it)",
                "the field is recognised by its colour"
                + (
                    f" (learnt from the video: {video.field.describe()})"
                    if video.field.learnt
                    else " (none could be learnt from the video, so green grass was assumed)"
                )
                + ": a field of several colours, snow or patchy light are missed, "
                "and so are their wide shots and the plays in them",
            )
        )
    if clips == 0:
        warnings.append(
            JobWarning(
                "no_clips",
                "no plays were found",
                "the job produced no clips; is this a football broadcast with wide shots of "
                "the field?",
            )
        )
    return tuple(warnings)
