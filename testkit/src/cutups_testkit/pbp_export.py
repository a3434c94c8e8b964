"""Export the simulated game as the play-by-play files real sources return.

Four files from the same game: CFBD ``/plays`` JSON (v1 snake_case and v2 camelCase), the CFBD
CSV dump format, and ESPN's summary JSON. Like the real CFBD API, the CFBD rows come in shuffled
order (consumers must sort by ``id``) and list the clock at the *end* of each play; ESPN lists
plays in order, grouped by drive, with the clock at the start of the play. Extra points chosen
by :func:`~cutups_testkit.rowids.folded_extra_points` are folded into the touchdown row.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from cutups_testkit.broadcast import Plan
from cutups_testkit.game import SimGame, SimRow
from cutups_testkit.rowids import folded_extra_points, jittered_clocks, row_id
from cutups_testkit.spec import BroadcastSpec

__all__ = ["CSV_COLUMNS", "ESPN_TYPE_IDS", "export_pbp"]

CSV_COLUMNS = (
    "id",
    "game_id",
    "drive_id",
    "play_number",
    "period",
    "clock",
    "offense",
    "defense",
    "offense_score",
    "defense_score",
    "yards_to_goal",
    "down",
    "distance",
    "yards_gained",
    "play_type",
    "play_text",
    "ppa",
    "wallclock",
)

ESPN_TYPE_IDS = {
    "End Period": 2,
    "Pass Incompletion": 3,
    "Rush": 5,
    "Sack": 7,
    "Penalty": 8,
    "Fumble Recovery (Own)": 9,
    "Kickoff Return (Offense)": 12,
    "Timeout": 21,
    "Pass Reception": 24,
    "Pass Interception Return": 26,
    "Fumble Recovery (Opponent)": 29,
    "Punt": 52,
    "Kickoff": 53,
    "Field Goal Good": 59,
    "Field Goal Missed": 60,
    "Extra Point Good": 61,
    "Extra Point Missed": 62,
    "End of Half": 65,
    "End of Game": 66,
    "Passing Touchdown": 67,
    "Rushing Touchdown": 68,
    "End of Regulation": 79,
}


def _clock(seconds: float) -> tuple[int, int]:
    s = max(0, math.floor(seconds + 1e-9))
    return s // 60, s % 60


class _Rows:
    """The listed rows with every derived value the four formats share."""

    def __init__(self, game: SimGame, plan: Plan, spec: BroadcastSpec) -> None:
        self.game, self.spec = game, spec
        self.gid = spec.game.game_id
        self.folded = folded_extra_points(game, spec.fold_extra_points)
        self.jitter = jittered_clocks(game, spec.pbp_clock_jitter)
        self.td_xp = {td: xp for xp, td in self.folded.items()}
        self.rows = [r for r in game.rows if r.seq not in self.folded]
        base = dt.datetime.fromisoformat(spec.kickoff_utc.replace("Z", "+00:00"))
        self.base = base
        self.fps = float(plan.fps)
        self.fmap = plan.fmap

    def score_after(self, r: SimRow) -> tuple[int, int]:
        xp = self.td_xp.get(r.seq)
        src = self.game.rows[xp] if xp is not None else r
        return src.home_after, src.away_after

    def text(self, r: SimRow) -> str:
        xp = self.td_xp.get(r.seq)
        if xp is None:
            return r.text
        x = self.game.rows[xp]
        kicker = x.text.split(" extra point")[0]
        return f"{r.text} ({kicker} {'KICK' if x.play_type.endswith('Good') else 'PAT MISSED'})"

    def listed_clock(self, r: SimRow) -> int:
        secs = math.floor(float(r.clock_end) + 1e-9)
        return int(min(self.spec.game.quarter_seconds, max(0, secs + self.jitter.get(r.seq, 0))))

    def wallclock(self, r: SimRow) -> str | None:
        mode = self.spec.wallclock
        if mode == "absent":
            return None
        if mode == "placeholder":
            return self.base.strftime("%Y-%m-%dT00:00:00.000Z")
        t = self.base + dt.timedelta(seconds=self.fmap.frame(r.t_whistle) / self.fps)
        if mode == "off_by_day":
            t -= dt.timedelta(days=1)
        return t.strftime("%Y-%m-%dT%H:%M:%S.000Z")

    def team(self, home: bool) -> Any:
        return self.spec.game.home if home else self.spec.game.away

    def cfbd(self, r: SimRow) -> dict[str, Any]:
        off, dfn = self.team(r.offense_home), self.team(not r.offense_home)
        h, a = self.score_after(r)
        m, s = _clock(self.listed_clock(r))
        return {
            "id": row_id(self.gid, r),
            "drive_id": int(f"{self.gid}{r.drive_number}"),
            "game_id": self.gid,
            "drive_number": r.drive_number,
            "play_number": r.play_number,
            "offense": off.name,
            "offense_conference": off.conference,
            "offense_score": h if r.offense_home else a,
            "defense": dfn.name,
            "home": self.spec.game.home.name,
            "away": self.spec.game.away.name,
            "defense_conference": dfn.conference,
            "defense_score": a if r.offense_home else h,
            "period": r.period,
            "clock": {"minutes": m, "seconds": s},
            "offense_timeouts": r.offense_timeouts,
            "defense_timeouts": r.defense_timeouts,
            "yard_line": r.yard_line,
            "yards_to_goal": r.yards_to_goal,
            "down": r.down,
            "distance": r.distance,
            "yards_gained": r.yards_gained,
            "scoring": r.scoring or r.seq in self.td_xp,
            "play_type": r.play_type,
            "play_text": self.text(r),
            "ppa": r.ppa,
            "wallclock": self.wallclock(r),
        }


_V2 = {
    "drive_id": "driveId",
    "game_id": "gameId",
    "drive_number": "driveNumber",
    "play_number": "playNumber",
    "offense_conference": "offenseConference",
    "offense_score": "offenseScore",
    "defense_conference": "defenseConference",
    "defense_score": "defenseScore",
    "offense_timeouts": "offenseTimeouts",
    "defense_timeouts": "defenseTimeouts",
    "yard_line": "yardline",
    "yards_to_goal": "yardsToGoal",
    "yards_gained": "yardsGained",
    "play_type": "playType",
    "play_text": "playText",
}


def _espn(rows: _Rows) -> dict[str, Any]:
    spec = rows.spec.game
    last = rows.game.rows[-1]
    competitors = []
    for ha, t in (("home", spec.home), ("away", spec.away)):
        competitors.append(
            {
                "id": str(t.id),
                "homeAway": ha,
                "score": str(last.home_after if ha == "home" else last.away_after),
                "team": {
                    "id": str(t.id),
                    "location": t.name,
                    "name": t.mascot,
                    "abbreviation": t.abbr,
                    "displayName": f"{t.name} {t.mascot}",
                },
            }
        )
    drives: dict[int, list[SimRow]] = {}
    for r in rows.rows:
        drives.setdefault(r.drive_number, []).append(r)
    listed = rows.rows
    nxt_of = {r.seq: (listed[i + 1] if i + 1 < len(listed) else None) for i, r in enumerate(listed)}

    def state(r: SimRow) -> dict[str, Any]:
        return {
            "down": r.down,
            "distance": r.distance,
            "yardLine": r.yard_line,
            "yardsToEndzone": r.yards_to_goal,
            "team": {"id": str(rows.team(r.offense_home).id)},
        }

    out_drives = []
    for num, drs in drives.items():
        plays = []
        for r in drs:
            h, a = rows.score_after(r)
            nxt = nxt_of[r.seq]
            p: dict[str, Any] = {
                "id": str(row_id(rows.gid, r)),
                "sequenceNumber": str(r.seq + 1),
                "type": {"id": str(ESPN_TYPE_IDS.get(r.play_type, 0)), "text": r.play_type},
                "text": rows.text(r),
                "awayScore": a,
                "homeScore": h,
                "period": {"number": r.period},
                "clock": {"displayValue": "{}:{:02d}".format(*_clock(float(r.clock_start)))},
                "scoringPlay": r.scoring or r.seq in rows.td_xp,
                "wallclock": rows.wallclock(r),
                "start": state(r),
                "end": state(nxt) if nxt is not None else state(r),
                "statYardage": r.yards_gained,
            }
            xp = rows.td_xp.get(r.seq)
            if xp is not None:
                x = rows.game.rows[xp]
                p["pointAfterAttempt"] = {"id": ESPN_TYPE_IDS[x.play_type], "text": x.play_type}
            plays.append(p)
        team = [r for r in drs if not r.play_type.startswith("Kickoff")] or drs
        t = rows.team(team[0].offense_home)
        out_drives.append(
            {
                "id": f"{rows.gid}{num}",
                "description": f"{len(plays)} plays",
                "team": {
                    "name": t.mascot,
                    "abbreviation": t.abbr,
                    "displayName": f"{t.name} {t.mascot}",
                },
                "start": {
                    "period": {"number": drs[0].period},
                    "clock": {
                        "displayValue": "{}:{:02d}".format(*_clock(float(drs[0].clock_start)))
                    },
                    "yardLine": drs[0].yard_line,
                },
                "end": {
                    "period": {"number": drs[-1].period},
                    "clock": {
                        "displayValue": "{}:{:02d}".format(*_clock(float(drs[-1].clock_end)))
                    },
                    "yardLine": drs[-1].yard_line,
                },
                "plays": plays,
            }
        )
    return {
        "header": {
            "id": str(rows.gid),
            "competitions": [{"id": str(rows.gid), "competitors": competitors}],
        },
        "drives": {"previous": out_drives},
    }


def export_pbp(game: SimGame, plan: Plan, spec: BroadcastSpec, out_dir: Path) -> dict[str, Path]:
    """Write the four play-by-play files into ``out_dir``; returns them by format key."""
    rows = _Rows(game, plan, spec)
    v1 = [rows.cfbd(r) for r in rows.rows]
    order = np.random.default_rng([spec.game.seed, 0x5F]).permutation(len(v1))
    v1 = [v1[int(i)] for i in order]
    v2 = [{_V2.get(k, k): v for k, v in d.items()} for d in v1]
    paths = {
        "cfbd_json": out_dir / "pbp_cfbd_v1.json",
        "cfbd_v2_json": out_dir / "pbp_cfbd_v2.json",
        "cfbd_csv": out_dir / "pbp_cfbd.csv",
        "espn_json": out_dir / "pbp_espn.json",
    }
    paths["cfbd_json"].write_text(json.dumps(v1, indent=1))
    paths["cfbd_v2_json"].write_text(json.dumps(v2, indent=1))
    with open(paths["cfbd_csv"], "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(CSV_COLUMNS)
        for d in v1:
            w.writerow(
                [
                    d["id"],
                    d["game_id"],
                    d["drive_id"],
                    d["play_number"],
                    d["period"],
                    f"{d['clock']['minutes']}:{d['clock']['seconds']:02d}",
                    d["offense"],
                    d["defense"],
                    d["offense_score"],
                    d["defense_score"],
                    d["yards_to_goal"],
                    d["down"],
                    d["distance"],
                    d["yards_gained"],
                    d["play_type"],
                    d["play_text"],
                    "" if d["ppa"] is None else d["ppa"],
                    d["wallclock"] or "",
                ]
            )
    paths["espn_json"].write_text(json.dumps(_espn(rows), indent=1))
    return paths
