"""Teams and rosters for simulated games.

Team identities are ordinary public facts (school, mascot, abbreviation, colours); the ids are our
own. Player names are synthesized from a seed so play text reads like real play-by-play without
naming real players.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

__all__ = ["TEAMS", "Roster", "TeamSpec", "make_roster"]

RGB = tuple[int, int, int]


@dataclass(frozen=True, slots=True)
class TeamSpec:
    """One team as the broadcast and the play-by-play name it.

    Attributes:
        name: school name as play-by-play uses it ("Michigan").
        mascot: team nickname ("Wolverines").
        abbr: 2-5 letter abbreviation shown on the scorebug ("MICH").
        id: numeric team id used in the exported play-by-play.
        conference: conference name for the CFBD export.
        primary: jersey colour (RGB).
        secondary: helmet / trim colour (RGB).
    """

    name: str
    mascot: str
    abbr: str
    id: int
    conference: str
    primary: RGB
    secondary: RGB

    def to_dict(self) -> dict[str, object]:
        """Plain JSON-ready form."""
        return {
            "name": self.name,
            "mascot": self.mascot,
            "abbr": self.abbr,
            "id": self.id,
            "conference": self.conference,
            "primary": list(self.primary),
            "secondary": list(self.secondary),
        }


def _t(name: str, mascot: str, abbr: str, tid: int, conf: str, p: RGB, s: RGB) -> TeamSpec:
    return TeamSpec(name, mascot, abbr, tid, conf, p, s)


TEAMS: Mapping[str, TeamSpec] = MappingProxyType(
    {
        t.abbr: t
        for t in (
            _t("Michigan", "Wolverines", "MICH", 9130, "Big Ten", (0, 39, 76), (255, 203, 5)),
            _t("Texas", "Longhorns", "TEX", 9251, "SEC", (191, 87, 0), (255, 255, 255)),
            _t("Georgia", "Bulldogs", "UGA", 9061, "SEC", (186, 12, 47), (20, 20, 20)),
            _t("Clemson", "Tigers", "CLEM", 9228, "ACC", (245, 102, 0), (82, 45, 128)),
            _t("Oregon", "Ducks", "ORE", 9483, "Big Ten", (21, 71, 52), (254, 225, 35)),
            _t("Alabama", "Crimson Tide", "ALA", 9333, "SEC", (158, 27, 50), (200, 200, 200)),
            _t(
                "Notre Dame",
                "Fighting Irish",
                "ND",
                9087,
                "FBS Independents",
                (12, 35, 64),
                (201, 151, 0),
            ),
            _t("Vanderbilt", "Commodores", "VAN", 9238, "SEC", (20, 20, 20), (207, 174, 112)),
            _t("Virginia Tech", "Hokies", "VT", 9259, "ACC", (134, 31, 65), (232, 119, 34)),
            _t(
                "Western Kentucky",
                "Hilltoppers",
                "WKU",
                9098,
                "Conference USA",
                (198, 12, 48),
                (240, 240, 240),
            ),
            _t("Iowa State", "Cyclones", "ISU", 9066, "Big 12", (200, 16, 46), (241, 190, 72)),
            _t("Boise State", "Broncos", "BSU", 9068, "Mountain West", (0, 51, 160), (216, 73, 32)),
        )
    }
)
"""Built-in teams by abbreviation."""

_FIRST = (
    "Jalen",
    "Marcus",
    "Tyler",
    "Devin",
    "Caleb",
    "Isaiah",
    "Jordan",
    "Brock",
    "Cam",
    "Deion",
    "Eli",
    "Mason",
    "Trey",
    "Xavier",
    "Quincy",
    "Ronnie",
    "Silas",
    "Tavian",
    "Micah",
    "Zion",
    "Drew",
    "Kobe",
    "Luke",
    "Nate",
    "Omar",
    "Parker",
    "Reid",
    "Shane",
    "Terrell",
    "Wade",
)
_LAST = (
    "Holloway",
    "Brantley",
    "Okafor",
    "Whitfield",
    "Castellanos",
    "Mercer",
    "Dunbar",
    "Pruitt",
    "Vance",
    "Ellison",
    "Ashby",
    "Kimbrough",
    "Lattimore",
    "Navarro",
    "Ogletree",
    "Redd",
    "Sayers",
    "Thornton",
    "Upshaw",
    "Wainwright",
    "Yarbrough",
    "Abernathy",
    "Boykin",
    "Crowder",
    "Delacroix",
    "Fenwick",
    "Gaskins",
    "Harlan",
    "Ingram",
    "Jessup",
    "Kessler",
    "Lusk",
)


@dataclass(frozen=True, slots=True)
class Roster:
    """Synthesized player names by role, used only for play text."""

    qb: str
    rbs: tuple[str, ...]
    receivers: tuple[str, ...]
    kicker: str
    punter: str
    returners: tuple[str, ...]
    defenders: tuple[str, ...]
    linemen: tuple[str, ...]


def make_roster(rng: np.random.Generator) -> Roster:
    """A roster of distinct synthetic names drawn from ``rng``."""
    used: set[str] = set()

    def name() -> str:
        while True:
            n = f"{_FIRST[int(rng.integers(len(_FIRST)))]} {_LAST[int(rng.integers(len(_LAST)))]}"
            if n not in used:
                used.add(n)
                return n

    return Roster(
        qb=name(),
        rbs=(name(), name()),
        receivers=tuple(name() for _ in range(5)),
        kicker=name(),
        punter=name(),
        returners=(name(), name()),
        defenders=tuple(name() for _ in range(8)),
        linemen=tuple(name() for _ in range(4)),
    )
