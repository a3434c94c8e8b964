"""Tolerant matching of a user's team name ("mich", "Michigan Wolverines", "UM") to a game's team.

The game's own fields do most of the work (name, mascot, abbreviation, aliases); a small
built-in table adds the nicknames and abbreviations people type that no feed carries. Matching
goes from strict to loose and stops at the first tier that finds anything:

1. **Exact**: the normalized query equals a team's name, name + mascot, abbreviation, alias, or a
   built-in alias of that school. So "Texas" is Texas, never Texas A&M, when both could match.
2. **Words**: every word of the query is a whole word of one team's names ("Michigan
   Wolverines" against a feed that lists plain "Michigan"; "Tech" for Texas Tech).
3. **Prefix**: every word of the query starts a word of the team's names ("Mich", "Tenn").

A tier that matches both teams is ambiguous and raises. Tiers 2 and 3 are skipped when the query
is itself the name of a *different* school in the built-in table, so "Texas" never loosely
matches "Texas A&M" and "Miami" never matches "Miami (OH)" in a game Texas or Miami is not in.

Normalization folds case and accents, treats "&" as "and", drops punctuation, and reads "St." as
"State" at the end of a name and "Saint" at the start.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from cutups.errors import ConfigError
from cutups.pbp.model import Game, Team

__all__ = ["BUILTIN_ALIASES", "match_team", "normalize_name", "team_keys"]

# School (as CFBD names it) -> what else people call it. Written for Cutups; kept short on
# purpose: the feeds' own fields cover the rest. Abbreviations shared by several schools ("UM",
# "OSU", "USF") are listed under each; matching uses them only when one team of the game fits.
BUILTIN_ALIASES: dict[str, tuple[str, ...]] = {
    "Alabama": ("Bama", "ALA", "UA", "Crimson Tide"),
    "Arizona State": ("ASU", "Sun Devils"),
    "Arkansas": ("ARK", "Hogs", "Razorbacks"),
    "Auburn": ("AUB", "War Eagle"),
    "Baylor": ("BAY", "BU"),
    "Boise State": ("BSU", "Boise"),
    "Boston College": ("BC",),
    "BYU": ("Brigham Young",),
    "California": ("Cal", "Berkeley"),
    "Clemson": ("CLEM",),
    "Florida": ("UF", "FLA", "Gators"),
    "Florida State": ("FSU", "Noles", "Seminoles"),
    "Georgia": ("UGA", "Dawgs"),
    "Georgia Tech": ("GT", "GaTech"),
    "LSU": ("Louisiana State",),
    "Maryland": ("UMD", "UM", "Terps"),
    "Memphis": ("MEM", "UM"),
    "Miami": ("Miami FL", "Miami (FL)", "The U", "UM", "MIA", "Hurricanes", "Canes"),
    "Miami (OH)": ("Miami Ohio", "Miami of Ohio", "Miami OH", "M-OH", "RedHawks"),
    "Michigan": ("MICH", "UM", "UMich", "Wolverines"),
    "Michigan State": ("MSU", "Spartans"),
    "Minnesota": ("MINN", "UM", "Gophers"),
    "Mississippi State": ("MSST", "MSU", "Miss State"),
    "Missouri": ("Mizzou", "MIZ"),
    "NC State": ("North Carolina State", "NCSU", "Wolfpack"),
    "Nebraska": ("NEB", "Huskers"),
    "North Carolina": ("UNC", "Tar Heels"),
    "Notre Dame": ("ND", "Irish"),
    "Ohio State": ("OSU", "tOSU", "Buckeyes"),
    "Oklahoma": ("OU", "OKLA", "Sooners"),
    "Oklahoma State": ("OKST", "OSU", "Cowboys"),
    "Ole Miss": ("Mississippi", "MISS", "Rebels"),
    "Oregon": ("ORE", "UO", "Ducks"),
    "Oregon State": ("ORST", "OSU", "Beavers"),
    "Penn State": ("PSU", "Nittany Lions"),
    "Pittsburgh": ("Pitt",),
    "San José State": ("SJSU", "San Jose State"),
    "South Carolina": ("SCAR", "USC", "Gamecocks"),
    "South Florida": ("USF",),
    "Southern Miss": ("USM", "Southern Mississippi"),
    "SMU": ("Southern Methodist",),
    "TCU": ("Texas Christian", "Horned Frogs"),
    "Tennessee": ("TENN", "Vols", "UT"),
    "Texas": ("TEX", "UT", "Longhorns", "Horns"),
    "Texas A&M": ("TAMU", "A&M", "TA&M", "Aggies"),
    "Texas Tech": ("TTU", "Red Raiders"),
    "UCF": ("Central Florida",),
    "UCLA": ("Bruins",),
    "USC": ("Southern California", "Southern Cal", "Trojans"),
    "Utah": ("UTAH", "Utes"),
    "Vanderbilt": ("VAN", "Vandy", "VU"),
    "Virginia": ("UVA", "Cavaliers", "Hoos"),
    "Virginia Tech": ("VT", "VTech", "Hokies"),
    "Washington": ("UW", "WASH", "Huskies"),
    "West Virginia": ("WVU", "Mountaineers"),
    "Western Kentucky": ("WKU", "Hilltoppers"),
    "Wisconsin": ("WIS", "Badgers"),
}

_PUNCT = re.compile(r"[^\w\s]")


def normalize_name(text: str) -> str:
    """Case-, accent- and punctuation-folded form: ``"San José St."`` -> ``"san jose state"``."""
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).casefold()
    folded = folded.replace("&", " and ")
    words = _PUNCT.sub(" ", folded).split()
    if len(words) > 1 and words[-1] == "st":
        words[-1] = "state"
    if len(words) > 1 and words[0] == "st":
        words[0] = "saint"
    return " ".join(words)


_BUILTIN_SCHOOLS = frozenset(normalize_name(school) for school in BUILTIN_ALIASES)
# Which schools each normalized alias may mean ("um" -> Michigan, Miami, Maryland, ...).
_ALIAS_SCHOOLS: dict[str, set[str]] = {}
for _school, _aliases in BUILTIN_ALIASES.items():
    for _alias in (_school, *_aliases):
        _ALIAS_SCHOOLS.setdefault(normalize_name(_alias), set()).add(normalize_name(_school))


def team_keys(team: Team) -> set[str]:
    """Every normalized name a team answers to exactly (its own fields plus built-in aliases)."""
    own = {team.name, team.display_name, *team.aliases}
    if team.abbr:
        own.add(team.abbr)
    keys = {normalize_name(k) for k in own}
    school = normalize_name(team.name)
    keys |= {alias for alias, schools in _ALIAS_SCHOOLS.items() if school in schools}
    return {k for k in keys if k}


def _team_words(team: Team) -> set[str]:
    return {word for key in team_keys(team) for word in key.split()}


def match_team(query: str, game: Game) -> Team:
    """The team of ``game`` that ``query`` names.

    Arguments:
        query: What the user typed: a name, nickname, abbreviation or mascot, any case.
        game: The game whose two teams are candidates.

    Returns:
        The matching team.

    Raises:
        ConfigError: Nothing matches, or both teams do; the message lists the two teams.
    """
    wanted = normalize_name(query)
    teams = game.teams
    if wanted:
        for tier in (_exact, _words, _prefix):
            if tier is not _exact and _names_other_school(wanted, teams):
                break
            found = [team for team in teams if tier(wanted, team)]
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                raise ConfigError(
                    f"team {query!r} is ambiguous: it fits both {_both(teams)}; "
                    "use the full school name"
                )
    raise ConfigError(f"team {query!r} is not in this game: choose {_both(teams)}")


def _both(teams: Iterable[Team]) -> str:
    return " or ".join(repr(team.name) for team in teams)


def _exact(wanted: str, team: Team) -> bool:
    return wanted in team_keys(team)


def _words(wanted: str, team: Team) -> bool:
    return set(wanted.split()) <= _team_words(team)


def _prefix(wanted: str, team: Team) -> bool:
    words = _team_words(team)
    return all(any(w.startswith(part) for w in words) for part in wanted.split())


def _names_other_school(wanted: str, teams: Iterable[Team]) -> bool:
    """Whether ``wanted`` is exactly a built-in school that is not one of ``teams``."""
    if wanted not in _BUILTIN_SCHOOLS:
        return False
    return all(normalize_name(team.name) != wanted for team in teams)
